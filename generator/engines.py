"""The site engines the journal is published with, stated once: MkDocs, ProperDocs, Zensical.

MkDocs and ProperDocs (the maintained MkDocs 1.x line) run our plugin; ProperDocs answers
`mkdocs.*` imports once `properdocs.replacement` is imported, so the plugin's MkDocs code runs
on it unchanged. Zensical runs no third-party plugin: for it `pjournal` renders the pages into
a folder of docs it owns and runs `zensical` itself (generator/zensical_site.py).

Which engine a folder uses follows from its config file and from what is installed; `--engine`
overrides both. Nothing here imports an engine until `activate` is asked to.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from .errors import UserError

EngineName = Literal["mkdocs", "properdocs", "zensical"]


@dataclass(frozen=True)
class Engine:
    """One engine: its name, the config files it reads (preferred first), its distribution and how to get it."""

    name: EngineName
    config_files: tuple[str, ...]
    runs_plugins: bool
    extra: str  # pip install 'partnership-journal[EXTRA]'

    @property
    def install(self) -> str:
        return f"pip install 'partnership-journal[{self.extra}]'"


MKDOCS = Engine("mkdocs", ("mkdocs.yml", "mkdocs.yaml"), runs_plugins=True, extra="mkdocs")
PROPERDOCS = Engine("properdocs", ("properdocs.yml", "properdocs.yaml", "mkdocs.yml", "mkdocs.yaml"),
                    runs_plugins=True, extra="properdocs")  # fmt: skip
ZENSICAL = Engine("zensical", ("zensical.toml", "mkdocs.yml", "mkdocs.yaml"), runs_plugins=False, extra="zensical")

#: Every engine, in the order a folder's engine is looked for when its config file suits several.
ENGINES: dict[EngineName, Engine] = {e.name: e for e in (MKDOCS, PROPERDOCS, ZENSICAL)}
NAMES: tuple[str, ...] = tuple(ENGINES)

#: The config files that name their engine outright; mkdocs.yml is read by all three.
OWN_CONFIG = {"properdocs.yml": PROPERDOCS, "properdocs.yaml": PROPERDOCS, "zensical.toml": ZENSICAL}

#: Config files looked for in a folder, most specific first.
CONFIG_FILES = ("zensical.toml", "properdocs.yml", "properdocs.yaml", "mkdocs.yml", "mkdocs.yaml")


class EngineError(UserError):
    """An engine asked for that is not installed, or a folder no installed engine can build."""


def installed(engine: Engine) -> bool:
    """Whether the engine can run from this Python (Zensical also as a command on PATH)."""
    if importlib.util.find_spec(engine.name) is not None:
        return True
    return engine is ZENSICAL and shutil.which("zensical") is not None


def version(engine: Engine) -> str:
    """The engine's version, from its distribution's metadata (or `zensical --version` on PATH)."""
    import importlib.metadata  # here: about 15 ms, a tenth of the start-up of `check`, which needs no version

    try:
        return importlib.metadata.version(engine.name)
    except importlib.metadata.PackageNotFoundError:
        pass
    command = shutil.which(engine.name)
    if command is None:
        return "unknown"
    done = subprocess.run([command, "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip().split()[-1] if done.stdout.strip() else "unknown"


def _config_in(folder: Path) -> Path | None:
    """The config file in `folder` itself: zensical.toml, properdocs.yml or mkdocs.yml (in that order)."""
    for name in CONFIG_FILES:
        if (folder / name).is_file():
            return folder / name
    return None


def find_config(folder: Path) -> Path | None:
    """The site's config file: in `folder`, else in the nearest folder above it, as git finds its repository.

    So every command works from `docs/`, `journal/` or any folder of a site. The search stops at the top of
    a git repository (the folder holding `.git`): a site is never looked for outside the repository.
    A config above `folder` is returned as an absolute path.
    """
    if (found := _config_in(folder)) is not None or (folder / ".git").exists():
        return found
    for above in folder.absolute().parents:
        if (found := _config_in(above)) is not None or (above / ".git").exists():
            return found
    return None


def journal_of(config: Path) -> Path:
    """The journal folder a site's config names (the plugin's `journal_dir`, relative to the config), else
    `journal` beside it: the journal `check`, `new`, `stats`, `render` and `import` work on by default."""
    options = plugin_settings(read_config(config), PLUGIN) or {}
    journal_dir = options.get("journal_dir")
    return config.parent / (journal_dir if isinstance(journal_dir, str) and journal_dir else "journal")


def choose(config: Path | None, chosen: str | None) -> Engine:
    """The engine of a site: the one chosen, else the one its config file names, else the first installed
    of those that read it (for mkdocs.yml: MkDocs, ProperDocs, Zensical; for no config: MkDocs, ProperDocs)."""
    if chosen is not None:
        engine = ENGINES[chosen]  # type: ignore[index]
        if not installed(engine):
            raise EngineError(f"--engine {engine.name}: {engine.name} is not installed here; {engine.install}")
        return engine
    named = OWN_CONFIG.get(config.name) if config is not None else None
    candidates = [named] if named else [e for e in ENGINES.values() if config is not None or e.runs_plugins]
    for engine in candidates:
        if installed(engine):
            return engine
    wanted = " or ".join(e.name for e in candidates)
    raise EngineError(f"no site engine installed to build {config or 'the journal'}: install {wanted} "
                      f"({candidates[0].install})")  # fmt: skip


def activate(engine: Engine) -> None:
    """Make `mkdocs.*` imports reach the engine: ProperDocs' import redirection, imported first.

    An engine is chosen once a process: with MkDocs already imported, ProperDocs can't take over.
    """
    if engine is not PROPERDOCS:
        return
    loaded = sys.modules.get("mkdocs")
    if loaded is not None and loaded.__name__ != "properdocs":
        raise EngineError("MkDocs is already loaded in this process; run pjournal again with --engine properdocs")
    import properdocs.replacement  # noqa: F401  (redirects every mkdocs.* import to properdocs.*)


def mkdocs_api() -> None:
    """Before the plugin's `mkdocs` imports: with MkDocs missing and ProperDocs installed, ProperDocs answers."""
    if "mkdocs" not in sys.modules and importlib.util.find_spec("mkdocs") is None:
        if importlib.util.find_spec("properdocs") is not None:
            activate(PROPERDOCS)


def logger_name() -> str:
    """The log the engine's messages (and our plugin's) go to: "properdocs" under ProperDocs."""
    loaded = sys.modules.get("mkdocs")
    return "properdocs" if loaded is not None and loaded.__name__ == "properdocs" else "mkdocs"


#: The plugin's name in a site's config (and its entry points in pyproject.toml).
PLUGIN = "partnership-journal"


class ConfigLoader(yaml.SafeLoader):
    """Reads a site's YAML config for a few keys: MkDocs' own tags (!ENV, !!python/name:...) become None."""


ConfigLoader.add_multi_constructor("!", lambda loader, suffix, node: None)
ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def read_config(path: Path) -> dict[str, Any]:
    """A site's settings as a mapping: zensical.toml's [project] table, or mkdocs.yml; {} if unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text).get("project", {}) if path.suffix == ".toml" else yaml.load(text, Loader=ConfigLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, tomllib.TOMLDecodeError) as e:
        raise EngineError(f"{path}: can't be read: {e}") from None
    return data if isinstance(data, dict) else {}


def plugin_settings(config: dict[str, Any], name: str) -> dict[str, Any] | None:
    """The options a site's config gives plugin `name` ({} for none), or None when it lists no such plugin.

    mkdocs.yml lists plugins as a list of names or one-key mappings; zensical.toml as a table.
    """
    plugins = config.get("plugins")
    items = plugins.items() if isinstance(plugins, dict) else [
        next(iter(p.items())) if isinstance(p, dict) and len(p) == 1 else (p, None) for p in plugins or []
    ]  # fmt: skip
    for key, options in items:
        if key == name:
            return options if isinstance(options, dict) else {}
    return None


def plugin_ignored(config: Path) -> str | None:
    """What to tell the user of a site built by Zensical whose config lists our plugin; None if it lists none."""
    if plugin_settings(read_config(config), PLUGIN) is None:
        return None
    from .folders import shown

    return (f"{shown(config)} lists the '{PLUGIN}' plugin, but Zensical runs no third-party plugins: "
            "`zensical build` alone publishes no journal. Build and preview with `pjournal build` and "
            "`pjournal serve`, which render the journal into docs for Zensical")  # fmt: skip
