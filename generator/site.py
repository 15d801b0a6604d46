"""build/serve for the CLI: engines, staging, the atomic swap.

The same builds as `mkdocs build` / `mkdocs serve`, with the journal's defaults.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterator

import yaml
from mkdocs.commands.build import build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, ConfigurationError, PluginError

from .plugin import OVERRIDES, PLUGIN_NAME


class SiteError(Exception):
    """A build that failed; MkDocs has already logged why."""


def _default_config(journal_dir: Path, folder: Path) -> Path:
    """A site for a journal folder alone: Material, the plugin, the site named after the folder."""
    docs = folder / "docs"
    docs.mkdir()
    site_name = journal_dir.absolute().parent.name or "Journal"
    config = {
        "site_name": f"{site_name} journal",
        "docs_dir": str(docs),
        "site_dir": str(Path("site").absolute()),
        "theme": {"name": "material", "font": False, "features": ["navigation.indexes"]},
        "markdown_extensions": ["tables", "toc"],
        "plugins": ["search", {PLUGIN_NAME: {"journal_dir": str(journal_dir.absolute()), "prefix": ""}}],
    }
    path = folder / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


@contextlib.contextmanager
def site_config(config_file: Path | None, journal_dir: Path) -> Iterator[Path]:
    """The mkdocs.yml to use: the one given or found here, else a default site in a temporary folder."""
    if config_file is not None:
        yield config_file
    elif Path("mkdocs.yml").is_file():
        yield Path("mkdocs.yml")
    elif not journal_dir.is_dir():
        raise SiteError(f"no mkdocs.yml here and no journal folder '{journal_dir}': start one with "
                        "`pjournal init DIR`, or name the journal with -j")  # fmt: skip
    else:
        with tempfile.TemporaryDirectory(prefix="pjournal-") as folder:
            yield _default_config(journal_dir, Path(folder))


def _load(config_file: Path, **options: Any) -> MkDocsConfig:
    from mkdocs.config import load_config

    try:
        config = load_config(str(config_file), **options)
    except ConfigurationError as e:
        raise SiteError(f"{config_file}: {e}") from None
    if PLUGIN_NAME not in config.plugins:
        raise SiteError(f"{config_file} does not list the '{PLUGIN_NAME}' plugin under plugins:")
    return config


@contextlib.contextmanager
def _options(drafts: bool, redact: tuple[str, ...]) -> Iterator[None]:
    """`--drafts` and `--redact` for the plugin of this process, for as long as the build or server runs."""
    if drafts:
        OVERRIDES["drafts"] = True
    if redact:
        OVERRIDES["redact"] = list(redact)
    try:
        yield
    finally:
        OVERRIDES.clear()


def build_site(config_file: Path, *, site_dir: Path | None, strict: bool, drafts: bool,
               redact: tuple[str, ...] = ()) -> Path:  # fmt: skip
    """Build into a fresh folder and swap it in only on success: a failed build leaves the last site."""
    with _options(drafts, redact):
        config = _load(config_file, strict=strict)
        target = Path(site_dir).absolute() if site_dir else Path(config.site_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        _clean_leftovers(target)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-{os.getpid()}-", dir=target.parent))
        umask = os.umask(0)
        os.umask(umask)
        staging.chmod(0o777 & ~umask)  # mkdtemp makes it private; a site is for a web server to read
        config.site_dir = str(staging)
        try:
            config.plugins.on_startup(command="build", dirty=False)
            try:
                build(config)
            finally:
                config.plugins.on_shutdown()
            _swap(staging, target)
        except (Abort, PluginError) as e:
            raise SiteError(str(e)) from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return target


def _swap(new: Path, target: Path) -> None:
    """Put `new` in place of `target` so that a reader never finds no site, even if killed meanwhile.

    Linux swaps the two folders in one step (renameat2 with RENAME_EXCHANGE); elsewhere the
    old site is first moved aside, and a later build puts it back if it was left there.
    """
    if target.exists() and _exchange(new, target):
        shutil.rmtree(new, ignore_errors=True)  # now the old site
        return
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}-old-{os.getpid()}")
        target.rename(old)
    new.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2); False where the system can't."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    return renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0


def _clean_leftovers(target: Path) -> None:
    """Folders of builds that were killed: staging folders of dead processes, and a site moved aside."""
    for path in target.parent.glob(f".{target.name}-*"):
        match = re.fullmatch(rf"\.{re.escape(target.name)}-(?:old-)?(\d+)(?:-.*)?", path.name)
        if match is None or _alive(int(match.group(1))):
            continue
        if not target.exists() and "-old-" in path.name:
            path.rename(target)  # the last good site, moved aside by a build killed mid-swap
        else:
            shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def serve_site(config_file: Path, *, dev_addr: str | None, drafts: bool, dirty: bool = False,
               redact: tuple[str, ...] = ()) -> None:  # fmt: skip
    """`mkdocs serve` with live reload on (Click 8.2.2-8.3 turned it off by default: mkdocs #4032).

    `dirty` rebuilds only the pages whose content changed.
    """
    from mkdocs.commands.serve import serve

    with _options(drafts, redact):
        _load(config_file)
        try:
            serve(str(config_file), livereload=True, dev_addr=dev_addr, build_type="dirty" if dirty else None)
        except (Abort, PluginError) as e:
            raise SiteError(str(e)) from None
