"""The documentation can't drift from the code: it is generated from, or checked against, it."""

from __future__ import annotations

import inspect
import re

import click
import pytest

from generator.cli import cli
from generator.schema import KINDS, json_schema
from generator.model import (
    FIELD_DOCS, CaseStudy, Contribution, Disagreement, Feedback, Handoff, Lesson, Partner, Position, Resolution, Session,
    SessionPartner,
)  # fmt: skip

from conftest import ROOT

INTRO = """# Command line

`pjournal` checks a journal and publishes it. This page is generated from the commands'
own help (`pytest --update-golden` rewrites it), so it always matches the installed tool.

Exit codes: `0` success (warnings alone do not fail, except under `build --strict`);
`1` errors in the records or a failed build, each printed as `file:line:column: message`;
`2` a mistake in the command line itself.
"""


def cli_reference() -> str:
    """Markdown for every command, from Click's own help text."""
    parts = [INTRO]
    for name in sorted(cli.commands):
        command = cli.commands[name]
        with click.Context(command, info_name=f"pjournal {name}", help_option_names=["-h", "--help"]) as ctx:
            usage = command.get_usage(ctx)
            rows = [p.get_help_record(ctx) for p in command.get_params(ctx) if isinstance(p, click.Option)]
        text = re.sub(r"^Example: (.+)$", r"Example: `\1`", inspect.cleandoc(command.help or ""), flags=re.M)
        parts.append(f"## pjournal {name}\n\n```\n{usage}\n```\n\n{text}\n")
        options = [r for r in rows if r]
        if options:
            table = "\n".join(f"| `{flags}` | {text} |" for flags, text in options)
            parts.append(f"| Option | Meaning |\n|---|---|\n{table}\n")
    return "\n".join(parts)


def test_cli_reference_is_generated_from_the_commands(update_golden):
    page = ROOT / "docs/cli.md"
    if update_golden:
        page.write_text(cli_reference(), encoding="utf-8")
    assert page.read_text(encoding="utf-8") == cli_reference()


def test_record_format_documents_every_field():
    """Each model has a section of its own whose table has a row for each of its fields, and no other."""
    import re

    page = (ROOT / "docs/record-format.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^### (\w+)\n(.*?)(?=^#)", page, re.S | re.M))
    models = (Partner, CaseStudy, Session, SessionPartner, Contribution, Position, Resolution, Disagreement,
              Feedback, Handoff, Lesson)  # fmt: skip
    for model in models:
        rows = re.findall(r"^\| `([^`]+)` \|", sections.get(model.__name__, ""), re.M)
        assert rows == [field.alias or name for name, field in model.model_fields.items()], model.__name__


def test_record_format_tables_say_what_the_schemas_say():
    """The Meaning column of each field's row is the field's description in the schemas (model.FIELD_DOCS)."""
    import re

    page = (ROOT / "docs/record-format.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^### (\w+)\n(.*?)(?=^#)", page, re.S | re.M))
    assert {model.__name__ for model in FIELD_DOCS} <= set(sections)
    for model, docs in FIELD_DOCS.items():
        rows = dict(re.findall(r"^\| `([^`]+)` \| [^|]* \| [^|]* \| (.*) \|$", sections[model.__name__], re.M))
        assert rows == docs, model.__name__
        assert list(docs) == [field.alias or name for name, field in model.model_fields.items()], model.__name__


def _described(node, where: str = ""):
    """Every field and every enumeration in a JSON Schema, with its description(s) or None."""
    if isinstance(node, dict):
        for key, field in node.get("properties", {}).items():
            yield f"{where}/{key}", field.get("description")
        if "enum" in node:
            yield f"{where} enum", node.get("enumDescriptions") if len(node.get("enumDescriptions", ())) == len(
                node["enum"]) else None
        for key, value in node.items():
            if key != "examples":
                yield from _described(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _described(value, f"{where}[{i}]")


@pytest.mark.parametrize("kind", KINDS)
def test_every_field_and_value_in_the_schemas_has_a_description(kind):
    described = dict(_described(json_schema(kind)))
    assert len(described) > {"session": 60, "partners": 8, "case-study": 6}[kind]
    assert [where for where, text in described.items() if not text] == []


def test_the_readme_session_example_is_a_valid_record(tmp_path):
    """A reader copies the README's example: it must pass `pjournal check` as it stands."""
    import re

    from helpers import problems, write

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"A session record:\n\n```yaml\n(.*?)```", readme, re.S).group(1)
    write(tmp_path / "partners.yaml", "- {id: alexa, name: Alexa, kind: human}\n- {id: assistant, name: A, kind: ai}\n")
    write(tmp_path / "case-studies/writing-beyond-the-manifesto.yaml", "title: W\nsummary: S\n")
    write(tmp_path / "sessions/2026-02-03-follow-up-post.yaml", example)
    assert problems(tmp_path) == []


def test_ci_runs_exactly_the_readmes_test_command_in_a_venv():
    """`.ci/run` ends with the README's test command; both fresh-machine commands make and use a venv."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    fresh = readme.split("## On a fresh machine", 1)[1].split("\n## ", 1)[0]
    build, test = re.findall(r"^    (python3 -m venv .*)$", fresh, re.M)
    assert build.endswith("&& .venv/bin/pjournal build") and test.endswith("&& .venv/bin/python -m pytest -n auto --dist worksteal")
    assert "--break-system-packages" not in fresh
    ci = (ROOT / ".ci/run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == test
