"""build/serve for the CLI: engines, staging, the atomic swap.

The same builds as `mkdocs build` / `mkdocs serve`, with the journal's defaults. A build
writes the new site beside the old one and swaps it in only when it is complete, so a failed
or killed build leaves the last site. A site folder is replaced whole, so it must hold nothing
but a site this tool built: each site carries a marker, `.pjournal-site` (a folders.Manifest),
listing the files of that build with their hashes, and a folder holding anything else, or a file
changed since, is refused (or, with `force`, moved aside).
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import logging
import socket
import threading
import ctypes
import ctypes.util
import glob
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Iterator
from urllib.parse import urlsplit

import yaml

from . import engines
from .engines import PLUGIN, mkdocs_api

mkdocs_api()  # on ProperDocs without MkDocs, `mkdocs.*` below is ProperDocs

from mkdocs.commands.build import build  # noqa: E402
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, ConfigurationError, PluginError

from .errors import UserError
from .folders import (MARK, Manifest, ManifestError, abandoned, digest, mark, read_manifest, remove_tree, shown,
                      write_manifest, site_folder_problem, temp_folder, unmark)
from .output import default_site_name
from .plugin import Overrides

log = logging.getLogger("mkdocs.commands.serve")

#: The marker of a site this tool built (a folders.Manifest): what wrote it, and the files of that build.
#: How often `serve` looks for changed files, in seconds (MkDocs' own default: 0.5). Each look reads
#: the journal's folders; at 1,000 sessions that is about a millisecond.
POLLING = 0.2
SITE_MARK = ".pjournal-site"
WRITTEN_BY = "pjournal build (partnership-journal)"


class SiteError(UserError):
    """A build that failed; MkDocs has already logged why."""


def _default_config(journal_dir: Path, folder: Path) -> Path:
    """A site for a journal folder alone: Material, the plugin, the site named after the folder."""
    docs = folder / "docs"
    docs.mkdir()
    config = {
        "site_name": default_site_name(journal_dir),
        "docs_dir": str(docs),
        "site_dir": str(Path("site").absolute()),
        "theme": {"name": "material", "font": False, "features": ["navigation.indexes"]} if _has_material()
                 else {"name": "mkdocs"},  # ProperDocs without MkDocs has no Material: its own mkdocs theme
        "markdown_extensions": ["tables", "toc"],
        "plugins": ["search", {PLUGIN: {"journal_dir": str(journal_dir.absolute()), "prefix": ""}}],
    }
    path = folder / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def _has_material() -> bool:
    import importlib.util

    return importlib.util.find_spec("material") is not None


@contextlib.contextmanager
def site_config(config_file: Path | None, journal_dir: Path) -> Iterator[Path]:
    """The config to use: the one given (found by engines.find_config), else a default site in a temporary folder."""
    if config_file is not None:
        yield config_file
    elif not journal_dir.is_dir():
        raise SiteError(f"no mkdocs.yml here and no journal folder '{journal_dir}': start one with "
                        "`pjournal init DIR`, or name the journal with -j")  # fmt: skip
    else:
        folder = temp_folder()
        try:
            yield _default_config(journal_dir, folder)
        finally:
            remove_tree(folder)


def _load(config_file: Path | IO[bytes], overrides: Overrides, **options: Any) -> MkDocsConfig:
    """The site's config, its journal plugin given the command line's `overrides`."""
    from mkdocs.config import load_config

    name = shown(Path(config_file if isinstance(config_file, Path) else config_file.name))
    try:
        config = load_config(config_file if not isinstance(config_file, Path) else str(config_file), **options)
    except ConfigurationError as e:
        raise SiteError(_config_problem(name, e)) from None
    if PLUGIN not in config.plugins:
        raise SiteError(f"{name} does not list the '{PLUGIN}' plugin under plugins:")
    config.plugins[PLUGIN].overrides = overrides  # kept with the plugin across `serve`'s reloads of the config
    return config


def _config_problem(name: str, error: ConfigurationError) -> str:
    """A config file's error as one located line, where YAML says where (`mkdocs.yml:4:1: ...`)."""
    cause = error.__context__
    mark = getattr(cause, "problem_mark", None)
    if isinstance(cause, yaml.MarkedYAMLError) and mark is not None:
        return f"{name}:{mark.line + 1}:{mark.column + 1}: {cause.problem} (the file is not valid YAML)"
    return f"{name}: {error}".replace("\n", " ")


@dataclass(frozen=True)
class Built:
    """Where a build put the site, and where `force` moved what the folder held before."""

    target: Path
    backup: Path | None = None


def build_site(config_file: Path, *, site_dir: Path | None, strict: bool, drafts: bool,
               redact: tuple[str, ...] = (), force: bool = False) -> Built:  # fmt: skip
    """Build into a fresh folder and swap it in only on success: a failed build leaves the last site.

    The site folder may not be, hold or lie in the project's sources. One that holds files
    this tool did not build is refused, or with `force` moved aside whole to a backup folder
    beside it: nothing is deleted but a site this tool built.
    """
    config = _load(config_file, Overrides(drafts, tuple(redact)), strict=strict)
    target = (Path(site_dir).absolute() if site_dir else Path(config.site_dir)).resolve()
    name = str(site_dir) if site_dir else shown(target)
    problem = site_folder_problem(config.config_file_path, Path(config.docs_dir),
                                  Path(config.plugins[PLUGIN].config.journal_dir), target, name)  # fmt: skip
    if problem is not None:
        raise SiteError(problem)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _clean_leftovers(target)
        backup = _backup(target) if _must_move_aside(target, name, force) else None
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-{os.getpid()}-", dir=target.parent))
    except OSError as e:
        raise SiteError(_unwritable(name, e)) from None
    try:
        mark(staging, "staging")  # first: a build killed from here on leaves a folder a later one knows
        umask = os.umask(0)
        os.umask(umask)
        staging.chmod(0o777 & ~umask)  # mkdtemp makes it private; a site is for a web server to read
        config.site_dir = str(staging)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
        _mark_site(staging)
        _swap(staging, target, backup)
    except (Abort, PluginError) as e:
        raise SiteError(str(e)) from None
    except OSError as e:
        raise SiteError(_unwritable(name, e)) from None
    finally:
        remove_tree(staging)  # if still there: a failed build, or after the exchange the old site
    return Built(target, backup)


def _unwritable(name: str, error: OSError) -> str:
    where = f" in '{shown(Path(error.filename).parent)}'" if error.filename else ""
    return f"site folder '{name}' can't be written: {error.strerror}{where}"


def _must_move_aside(target: Path, name: str, force: bool) -> bool:
    """Whether the site folder must be moved aside whole, rather than replaced: it holds files we did not build.

    Only files its marker proves (it lists them with what they hold) are ours. Without `force` a
    folder holding others is refused, as is a folder of ours the build could not delete.
    """
    if os.path.lexists(target) and not target.is_dir():
        raise SiteError(f"site folder '{name}' is a file, not a folder")
    if not target.is_dir():
        return False
    files, read_only = _survey(target)
    try:
        marker = read_manifest(target / SITE_MARK, WRITTEN_BY) if files else Manifest({})
    except ManifestError:
        if not force:
            raise
        marker = None
    foreign = None if marker is None else sorted(f for f in files - {SITE_MARK} if not marker.proves(target, f))
    if foreign == []:
        if read_only is not None:
            raise SiteError(f"site folder '{name}' can't be replaced: '{shown(read_only)}' is read-only; "
                            f"make it writable (chmod -R u+w '{name}') or choose another folder")  # fmt: skip
        return False
    backup = shown(_backup(target))
    if not force and foreign is None and _built_by_mkdocs(files):
        raise SiteError(f"site folder '{name}' holds a site `mkdocs build` made (it has {', '.join(MKDOCS_BUILT)} and "
                        f"no {SITE_MARK}); pjournal replaces only sites it built: add --force to move it whole to "
                        f"'{backup}', or delete it (rm -r '{name}'), then build again")  # fmt: skip
    if not force and foreign is None:
        raise SiteError(f"site folder '{name}' is not empty and is not a site pjournal built (no {SITE_MARK} proves "
                        f"its files); choose a new or empty folder, or add --force to move what is in it to '{backup}'")  # fmt: skip
    if not force:
        assert foreign is not None
        more = f" and {len(foreign) - 3} more" if len(foreign) > 3 else ""
        raise SiteError(f"site folder '{name}' holds {len(foreign)} file(s) pjournal did not write, or changed since "
                        f"({', '.join(foreign[:3])}{more}); move them out (files for the site belong in docs_dir), "
                        f"or add --force to move the old folder whole to '{backup}'")  # fmt: skip
    if not os.access(target, os.W_OK | os.X_OK):
        raise SiteError(f"site folder '{name}' can't be moved aside: it is read-only; choose another folder")
    return True


#: What every `mkdocs build` (and ProperDocs') writes at the top of a site, whatever the theme and plugins.
MKDOCS_BUILT = ("404.html", "sitemap.xml", "sitemap.xml.gz")


def _built_by_mkdocs(files: set[str]) -> bool:
    """Whether a folder looks like a site `mkdocs build` made: only to say so, and what to do, in the refusal.

    It is never replaced for it: a user may have put files of their own in it, and nothing but a
    file's hash in our marker proves a file ours.
    """
    return all(name in files for name in MKDOCS_BUILT)


def _survey(folder: Path) -> tuple[set[str], Path | None]:
    """Every file in a folder, as a relative path (links count as files), and its first read-only folder."""
    files: set[str] = set()
    read_only = None
    for here, dirs, names in os.walk(folder):
        if read_only is None and not os.access(here, os.W_OK | os.X_OK):
            read_only = Path(here)
        base = Path(here).relative_to(folder)
        links = [d for d in dirs if os.path.islink(os.path.join(here, d))]
        files.update((base / n).as_posix() for n in [*names, *links])
    files.discard(MARK)  # left in the site by a build killed while swapping
    return files, read_only


def _mark_site(site: Path) -> None:
    """The marker of a finished site: each file with its hash. The same for the same site, so that builds stay
    byte-identical. Only regular files are listed: a link or a pipe in a site is never proved ours."""
    files, _ = _survey(site)
    hashes = {path: digest(site / path) for path in files - {SITE_MARK}}
    write_manifest(site / SITE_MARK, {path: [sha] for path, sha in hashes.items() if sha is not None}, WRITTEN_BY,
                   "pjournal build replaces this folder whole, and refuses one holding files not as listed here", site)  # fmt: skip


def _backup(target: Path) -> Path:
    """A free name beside the site folder, for what `force` moves out of it."""
    candidate = target.with_name(f"{target.name}.pjournal-backup")
    number = 1
    while os.path.lexists(candidate):
        number += 1
        candidate = target.with_name(f"{target.name}.pjournal-backup-{number}")
    return candidate


def _swap(new: Path, target: Path, backup: Path | None = None) -> None:
    """Put `new` in place of `target` so that a reader never finds no site, even if killed meanwhile.

    Linux swaps the two folders in one step (renameat2 with RENAME_EXCHANGE); elsewhere the
    old site is first moved aside, and a later build puts it back if it was left there. The old
    site is marked before it moves, so that what a build killed meanwhile leaves is known as
    ours. With `backup`, what the folder held is moved there instead, and kept.
    """
    old = None
    if backup is not None:
        target.rename(backup)
    elif target.exists():
        mark(target, "old")
        if _exchange(new, target):
            unmark(target)  # the new site's staging marker
            remove_tree(new)  # now the old site
            return
        old = target.with_name(f".{target.name}-old-{os.getpid()}")
        target.rename(old)
    new.rename(target)
    unmark(target)
    if old is not None:
        remove_tree(old)


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
    """Folders of builds that were killed: their staging folders, and an old site moved aside.

    Only folders holding our marker, left by a process that is gone, are touched; one merely
    named like them (a user's `.site-2025-backup/`) is not.
    """
    for path in target.parent.glob(f".{glob.escape(target.name)}-*"):
        role = abandoned(path)
        if role == "old" and not os.path.lexists(target):
            path.rename(target)  # the last good site, moved aside by a build killed mid-swap
            unmark(target)
        elif role in ("staging", "old"):
            remove_tree(path)


def serve_site(config_file: Path, *, dev_addr: str | None, drafts: bool, redact: tuple[str, ...] = (),
               full: bool = False) -> None:  # fmt: skip
    """`mkdocs serve`, with live reload on, made of MkDocs' public parts (`load_config`, `build`, its
    live-reload server) so that a broken config file does not stop the preview.

    After the first build, each is dirty (MkDocs builds again only the pages whose file is modified:
    the journal's pages whose content an edit changed, the site's pages that were edited), unless
    `full`; when an edit changes what every page carries (the journal's sidebar, its errors, tags),
    a whole build follows at once. An edit that changed only sessions' records is shown first on
    their own pages (the plugin's `show_edited_sessions`), and the build follows.

    Each rebuild reads the config file anew. While it has an error, the error is logged as one
    located line and the site is built from the last good config, the error at the top of every
    page; saving a good one brings it back. A busy address is refused before anything is built.
    """
    from mkdocs.livereload import LiveReloadServer

    overrides = Overrides(drafts, tuple(redact))
    options: dict[str, Any] = {"dev_addr": dev_addr} if dev_addr else {}
    site_dir, changes = temp_folder(), temp_folder()
    good = _config_text(config_file)
    config = _load(_named(good, config_file), overrides, site_dir=str(site_dir), **options)
    host, port = config.dev_addr
    _check_free(host, port)
    mount_path = urlsplit(config.site_url or "/").path
    serve_url = f"http://{'[' + host + ']' if ':' in host else host}:{port}{mount_path}"

    def builder(first: MkDocsConfig | None = None) -> None:
        nonlocal good
        shown = config.plugins[PLUGIN].show_edited_sessions() if first is None and not full else []
        if shown:
            log.info(f"Edited session pages shown: {', '.join(shown)}; building the pages they change")
            watch.ask()  # the build of the rest follows at once
            return
        made = first
        if made is None:
            text = _config_text(config_file)
            try:
                made = _load(_named(text, config_file), overrides, site_dir=str(site_dir), **options)
                good = text
            except SiteError as e:
                log.error(str(e))
                broken = dataclasses.replace(overrides, config_problems=(str(e),))
                made = _load(_named(good, config_file), broken, site_dir=str(site_dir), **options)
        made.site_url = serve_url
        build(made, serve_url=serve_url, dirty=first is None and not full)
        if made.plugins[PLUGIN].needs_full:
            builder(_load(_named(good, config_file), made.plugins[PLUGIN].overrides, site_dir=str(site_dir), **options))

    server = LiveReloadServer(builder=builder, host=host, port=port, root=str(site_dir), mount_path=mount_path,
                              polling_interval=POLLING)  # fmt: skip
    watch = _FolderWatch(server, Path(config.plugins[PLUGIN].config.journal_dir), changes)
    config.plugins.on_startup(command="serve", dirty=not full)
    build_log = logging.getLogger(f"{engines.logger_name()}.commands.build")
    build_log.addFilter(_no_dirty_warning)  # serve builds every page again when the sidebar changes
    try:
        builder(config)
        for path in (config.docs_dir, str(config_file), *config.watch):
            server.watch(path)
        server = config.plugins.on_serve(server, config=config, builder=builder)
        watch.start()
        try:
            server.serve()
        except KeyboardInterrupt:
            pass
        finally:
            watch.stop()
            server.shutdown()
    except (Abort, PluginError) as e:
        raise SiteError(str(e)) from None
    finally:
        build_log.removeFilter(_no_dirty_warning)
        config.plugins.on_shutdown()
        remove_tree(site_dir)
        remove_tree(changes)


class _FolderWatch:
    """The journal folder watched also when it is deleted and comes back while serving.

    MkDocs' server stops watching a folder that is deleted, and a folder's own events start no
    build. Twice a second this looks whether the journal is there; when it went or came back, it is
    watched anew (the server's `watch` and `unwatch`) and a build is asked for the way the server's
    own watches ask: by a change in a folder it watches (`changes`, a temporary folder of this run's)."""

    def __init__(self, server: Any, folder: Path, changes: Path) -> None:
        self.server, self.folder, self.changes = server, folder.absolute(), changes
        self.there = self.watched = False
        self.asked = 0
        self.stopped = threading.Event()

    def start(self) -> None:
        self.server.watch(str(self.changes))
        self.there = self.watched = self.folder.is_dir()
        threading.Thread(target=self._run, name="pjournal-journal-watch", daemon=True).start()

    def stop(self) -> None:
        self.stopped.set()

    def ask(self) -> None:
        """A build, asked for the way the server's own watches ask."""
        self.asked += 1
        (self.changes / "journal").write_text(str(self.asked), encoding="utf-8")

    def _run(self) -> None:
        while not self.stopped.wait(0.5):
            there = self.folder.is_dir()
            if there == self.there:
                continue
            self.there = there
            if self.watched:
                self.server.unwatch(str(self.folder))
                self.watched = False
            if there:
                self.server.watch(str(self.folder))
                self.watched = True
            self.ask()


def _no_dirty_warning(record: logging.LogRecord) -> bool:
    """MkDocs warns at each dirty build that the navigation may be stale; `serve_site` builds every
    page again when the journal's part of it changes."""
    return not record.getMessage().startswith("A 'dirty' build is being performed")


def _config_text(config_file: Path) -> bytes:
    try:
        return config_file.read_bytes()
    except OSError as e:
        raise SiteError(f"{shown(config_file)}: can't be read: {e.strerror}") from None


def _named(text: bytes, config_file: Path) -> io.BytesIO:
    """A config's text as MkDocs reads a config file: named by its path, which relative paths in it are read from."""
    stream = io.BytesIO(text)
    stream.name = str(config_file.absolute())
    return stream


def _check_free(host: str, port: int) -> None:
    """A busy address is one line, before the site is built (MkDocs' server would fail after it)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds
        try:
            probe.bind((host, port))
        except OSError as e:
            raise SiteError(f"can't serve on {host}:{port}: {e.strerror}; choose another address with -a HOST:PORT") from None
