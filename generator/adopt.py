"""Edits to files a user wrote, for `pjournal init` in an existing repository: each adds what the
journal needs and keeps every byte that was there.

mkdocs.yml gets the plugin as lines inserted after the last plugin, placed by the positions a
round-trip reader (ruamel.yaml) keeps, so its comments, order, quoting, indentation and MkDocs'
own tags (`!ENV`, `!!python/name:`) stay as written; the result is read back and must say
exactly what the file said plus the plugin, or nothing is changed. `.gitignore` gets lines
appended. `.vscode/settings.json` gets keys merged in when it is plain JSON; one with comments
(VS Code allows them) is never rewritten.
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError as RuamelError

from .engines import PLUGIN, ConfigLoader, plugin_settings
from .errors import UserError


class AdoptError(UserError):
    """A file that cannot be edited safely: it is left as it is, and the message says what to add by hand."""


def read_config(text: str) -> dict[str, Any]:
    """An mkdocs.yml's settings as plain data (its tags as None); {} when it is not a mapping."""
    try:
        config = yaml.load(text, Loader=ConfigLoader)
    except yaml.YAMLError:
        return {}
    return config if isinstance(config, dict) else {}


def plugin_options(config: dict[str, Any]) -> dict[str, Any] | None:
    """The journal plugin's options in a read mkdocs.yml, or None when it does not name the plugin."""
    return plugin_settings(config, PLUGIN)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _after_block(lines: list[str], first: int, column: int) -> int:
    """The line after the last content line of the block that starts at `first` and holds the lines
    indented more than `column`: comments and blank lines after it stay where they are."""
    end = first + 1
    for number in range(first + 1, len(lines)):
        if _is_content(lines[number]):
            if _indent(lines[number]) <= column:
                break
            end = number + 1
    return end


def _plugin_lines(head: str, column: int, options: dict[str, str], newline: str) -> list[str]:
    """The plugin as block YAML: `head` before its name, its options indented past `column`."""
    pad = " " * (column + 2)
    return [f"{head}{PLUGIN}:{newline}", *(f"{pad}{key}: {value}{newline}" for key, value in options.items())]


def _inserted(text: str, options: dict[str, str]) -> str:
    """The text with the plugin inserted after the last plugin (or a `plugins:` added at the end)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    try:
        data = YAML(typ="rt").load(text)
    except RuamelError as e:
        raise AdoptError(f"cannot read it: {str(e).splitlines()[0]}") from None
    if not isinstance(data, CommentedMap):
        raise AdoptError("it is not a mapping of settings")
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    plugins = data.get("plugins")
    if "plugins" not in data:  # MkDocs' default is `search` alone: keep it
        block = [newline, f"plugins:{newline}", f"  - search{newline}", *_plugin_lines("  - ", 4, options, newline)]
        return "".join(lines + block)
    if isinstance(plugins, CommentedSeq) and len(plugins) and not plugins.fa.flow_style():
        line, column = plugins.lc.item(len(plugins) - 1)
        dash = lines[line].rfind("-", 0, column)
        head = " " * dash + "-" + " " * (column - dash - 1)
        new = _plugin_lines(head, column, options, newline)
        end = _after_block(lines, line, dash)
    elif isinstance(plugins, CommentedMap) and len(plugins) and not plugins.fa.flow_style():
        line, column = plugins.lc.key(list(plugins)[-1])
        new = _plugin_lines(" " * column, column, options, newline)
        end = _after_block(lines, line, column)
    else:
        raise AdoptError("its `plugins` is empty or written on one line")
    return "".join(lines[:end] + new + lines[end:])


def add_plugin(text: str, options: dict[str, str]) -> str:
    """mkdocs.yml's text with the journal plugin added and nothing else changed (checked by reading
    both back), or AdoptError saying why it is left as it is."""
    new = _inserted(text, options)
    before, after = read_config(text), read_config(new)
    plugins = before.get("plugins", ["search"])
    if isinstance(plugins, dict):
        expected = {**before, "plugins": {**plugins, PLUGIN: options}}
    else:
        expected = {**before, "plugins": [*plugins, {PLUGIN: options}]}
    if after != expected:
        raise AdoptError("adding the plugin would change other settings")
    return new


def missing_lines(text: str, wanted: list[str]) -> list[str]:
    """The wanted lines of an ignore file that it does not hold yet (`site/` is there as `/site/` too)."""
    have = {line.strip().strip("/") for line in text.splitlines()}
    return [line for line in wanted if line.strip("/") not in have]


def append_lines(text: str, comment: str, lines: list[str]) -> str:
    """The text with a commented block of lines appended, after a blank line."""
    newline = "\r\n" if "\r\n" in text else "\n"
    ending = "" if not text or text.endswith(("\n", "\r")) else newline
    gap = newline if text.strip() else ""
    return text + ending + gap + "".join(f"{line}{newline}" for line in [f"# {comment}", *lines])


def _json_indent(text: str) -> str | int:
    """The indentation of a JSON file's first indented line (VS Code writes tabs or 4 spaces)."""
    for line in text.splitlines()[1:]:
        stripped = line.lstrip(" \t")
        if stripped and len(stripped) < len(line):
            prefix = line[: len(line) - len(stripped)]
            return "\t" if prefix.startswith("\t") else len(prefix)
    return 2


def merge_schemas(text: str | None, schemas: dict[str, list[str]]) -> str | None:
    """VS Code settings with each schema mapped to its globs (`yaml.schemas`), keeping every key
    and glob there was; None when there is nothing to add. AdoptError when the file has comments
    or is not a JSON object: then it is never rewritten."""
    try:
        settings = json.loads(text) if text is not None and text.strip() else {}
    except ValueError:
        raise AdoptError("it has comments or is not plain JSON, so it is not rewritten") from None
    if not isinstance(settings, dict) or not isinstance(settings.get("yaml.schemas", {}), dict):
        raise AdoptError("it is not a JSON object with `yaml.schemas` an object")
    mapped = dict(settings.get("yaml.schemas", {}))
    for schema, globs in schemas.items():
        present = mapped.get(schema, [])
        present = [present] if isinstance(present, str) else list(present) if isinstance(present, list) else []
        if missing := [glob for glob in globs if glob not in present]:
            mapped[schema] = present + missing
    if mapped == settings.get("yaml.schemas"):
        return None
    merged = {**settings, "yaml.schemas": mapped}
    return json.dumps(merged, indent=_json_indent(text or ""), ensure_ascii=False) + "\n"
