"""The MkDocs plugin: the journal's pages as generated files of any MkDocs site.

Records are loaded, validated and rendered in `on_config`, before MkDocs empties the site
folder, so a broken record stops the build with the last good site still in place; pages
are handed over as generated files in `on_files`, nothing is written into docs/.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import functools
import gc

import itertools
import json
import logging
import re
from html import escape
from urllib.parse import quote
import os
import posixpath
import threading
import weakref
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import lz4.block
from jinja2.bccache import Bucket, BytecodeCache
from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from .engines import PLUGIN, mkdocs_api

mkdocs_api()  # on ProperDocs without MkDocs, `mkdocs.*` below is ProperDocs

from mkdocs.config import config_options as c  # noqa: E402
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page as MkPage
from mkdocs.structure.toc import get_toc

from .analyze import public_partners, published
from .export import exports
from .errors import JournalError, LocatedError, UserError
from .folders import overlap, remove_tree, shown, temp_folder
from .load import Cache, load_journal
from .validate import validate
from .output import clean_prefix
from .privacy import Redacted, compile_patterns, redact
from . import forked, framework, markup, routes, search
from .model import Journal
from .render import ENV, OWN_HEADING, Heading, Nav, Page, PageMemo, SessionCache, headings, render_sessions, site_pages

log = get_plugin_logger(PLUGIN)

#: Pages listed one by one in a sidebar subsection (case studies); beyond this only its index page is.
MAX_NAV_SECTION = 6
#: In a dirty `serve`, an edit of at most this many session records shows their own pages first.
EDITED_FIRST = 5
#: `--drafts` and `--redact` of `pjournal build` / `serve`, for the plugin of this process while they run.
#: Process-wide on purpose, and confined: `mkdocs serve` loads mkdocs.yml again (new config, new plugin
#: options) on every rebuild, so options from the command line can't travel in the config; only
#: site._options writes this, for the length of one build or server, and only `_publish` reads it.
OVERRIDES: dict[str, Any] = {}


class PluginConfig(Config):
    journal_dir = c.Dir(exists=False, default="journal")  # a missing one is an error of the build, which serve outlives
    prefix = c.Type(str, default="journal")
    drafts = c.Type(bool, default=False)
    redact = c.ListOfItems(c.Type(str), default=[])


class JournalPlugin(BasePlugin[PluginConfig]):
    """Publishes a journal folder as generated pages under `prefix`."""

    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}  # in a build, without their bodies: those are in `packed` until on_files
        self.packed: dict[str, bytes] = {}
        self.rendered = SessionCache()  # session pages and JSON, kept across `serve` rebuilds
        self.memo = PageMemo()  # the other pages, likewise
        self.redacted = Redacted()  # the records as published, likewise
        self.compiled = _Compiled()  # in `serve`: the theme's templates, likewise
        self.exported = SessionCache()
        self.exports: dict[str, str] = {}
        self.cache: Cache = {}
        self.problems: list[LocatedError] = []
        self.is_serve = False
        self.incremental = False
        self.made: dict[str, tuple[Any, File]] = {}  # in a dirty `serve`: each page's content key and file, as last built
        self.made_with: tuple[Any, ...] = ()  # what those files were made from (see `on_files`)
        self.carried: Any = None  # in `serve`: what every page carried in the last build (see `_carried`)
        self.folder: Path | None = None  # files the build copies: journal.json
        self.json_file: Path | None = None
        self.journal_watch: _JournalWatch | None = None  # in `serve`
        self.whole: tuple[Journal, tuple[Any, ...]] | None = None  # in `serve`: what the last whole render was of
        self.rest_pending = False  # in `serve`: the edited sessions' pages were built alone; the rest follows
        self.helpers = 0  # in a build of a large journal: how many helper processes it may fork (`forked`)
        self.ahead: list[_Ahead] = []  # in a build: helpers making journal pages' search entries

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defined so MkDocs keeps this instance across `serve` rebuilds, and with it the parse cache.

        A dirty `serve` (pjournal serve's default) rebuilds only the pages an edit changed, and
        every page when what every page carries changed (`_carried`): see `on_files`.
        """
        self.is_serve = command == "serve"
        self.incremental = self.is_serve and dirty
        if self.incremental:
            logging.getLogger("mkdocs.commands.build").addFilter(_no_dirty_warning)

    def on_shutdown(self) -> None:
        if self.journal_watch is not None:
            self.journal_watch.stop()
            self.journal_watch = None
        logging.getLogger("mkdocs.commands.build").removeFilter(_no_dirty_warning)
        if self.folder is not None:
            remove_tree(self.folder)
            self.folder = self.json_file = None

    def _folder(self) -> Path:
        if self.folder is None:
            self.folder = temp_folder()
            weakref.finalize(self, remove_tree, self.folder)  # for a build run without on_shutdown
        return self.folder

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """The journal loaded, checked and rendered, before MkDocs touches the site folder: a problem
        stops a build there (the last good site stays) and, in `serve`, is shown on every page."""
        try:
            with _fewer_collections():
                self._publish(config)
        except JournalError as e:
            _log(e.warnings)
            if not self.is_serve:
                raise PluginError(f"The journal has {len(e.errors)} error(s):\n" + "\n".join(map(str, e.errors))) from None
            self._keep_serving(e.errors)
        except UserError as e:
            raise PluginError(str(e)) from None
        _index_journal_pages(config)
        return config

    def _publish(self, config: MkDocsConfig) -> None:
        if "drafts" in OVERRIDES:
            self.config["drafts"] = OVERRIDES["drafts"]
        self.prefix = clean_prefix(self.config.prefix)
        journal_dir = Path(self.config.journal_dir)
        problem = site_folder_problem(config, journal_dir, Path(config.site_dir), shown(Path(config.site_dir)))
        if problem is not None:
            raise UserError(problem)
        # Records are kept between rebuilds only in `serve`; a build lets them go once validated.
        raw = load_journal(journal_dir, self.cache if self.is_serve else None, parallel=not self.is_serve)
        journal = validate(raw, release=not self.is_serve)
        del raw
        _log(journal.warnings)
        self.problems = []
        patterns = compile_patterns([*self.config.redact, *OVERRIDES.get("redact", [])])
        journal = redact(published(journal, self.config.drafts), patterns, self.redacted if self.is_serve else None)
        settings = (config.use_directory_urls, self.prefix, config.site_name, config.site_url)
        if self._edited_first(journal, settings, config):
            return
        figures = framework.views(journal)  # for the pages and journal.json alike
        json_file = self._folder() / routes.JOURNAL_JSON

        def exported() -> dict[str, str]:
            with json_file.open("w", encoding="utf-8", newline="\n") as json_out:
                return exports(journal, public_partners(journal.partners), ENV, site_name=config.site_name,
                               site_url=config.site_url or "", prefix=self.prefix,
                               cache=self.exported if self.is_serve else None,
                               directory_urls=config.use_directory_urls, json_out=json_out, views=figures[0])  # fmt: skip

        self.helpers = 0 if self.is_serve else forked.helpers_for(len(journal.sessions))
        # a build's exports are made by a helper of their own while the pages are rendered, if it can be had
        exporting = forked.Helper(lambda: [exported()]) if self.helpers else None
        try:
            pages = site_pages(journal, self.rendered if self.is_serve else None, directory_urls=config.use_directory_urls,
                               memo=self.memo if self.is_serve else None, figures=figures, helpers=self.helpers)  # fmt: skip
            self.packed = {}
            self.pages = {page.src_uri: page if self.is_serve else self._packed(page) for page in pages}
            made = next(iter(exporting), None) if exporting is not None else None
        finally:
            if exporting is not None:
                exporting.close()  # gone before journal.json may be written here
        self.whole = (journal, settings) if self.incremental else None
        self.exports = made if isinstance(made, dict) else exported()
        self.json_file = json_file

    def _packed(self, page: Page) -> Page:
        """A page of a build as it is held until MkDocs reads it: its body packed (`_PackedFile`)."""
        self.packed[page.src_uri] = _pack(page.body.encode())
        return dataclasses.replace(page, body="")

    def _edited_first(self, journal: Journal, settings: tuple[Any, ...], config: MkDocsConfig) -> bool:
        """In a dirty `serve`, an edit of a few session records that changes no other record, no
        session's place and no setting shows the edited sessions' own pages first: they are rendered
        alone (a session's page shows nothing of other sessions) and built at once, and the rest of the
        site follows in the rebuild asked for when that build is done (`on_post_build`). True if so."""
        whole, pending, self.rest_pending = self.whole, self.rest_pending, False
        if pending or whole is None or self.journal_watch is None or settings != whole[1]:
            return False
        last = whole[0]
        if (journal.partners != last.partners or journal.case_studies != last.case_studies or journal.sources != last.sources
                or [s.id for s in journal.sessions] != [s.id for s in last.sessions]):  # fmt: skip
            return False
        edited = [s for s, before in zip(journal.sessions, last.sessions) if s is not before]
        if not 0 < len(edited) <= EDITED_FIRST:
            return False
        self.pages = {**self.pages, **render_sessions(journal, edited, self.rendered, directory_urls=config.use_directory_urls)}
        self.rest_pending = True
        log.info("Building the edited session page(s) first: %s; the rest of the site follows", ", ".join(s.id for s in edited))
        return True

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        """Watch the journal folder, also when it is deleted, moved or put back while serving."""
        self.journal_watch = _JournalWatch(server, Path(self.config.journal_dir), self._folder() / "changes")
        return server

    def _keep_serving(self, errors: list[LocatedError]) -> None:
        """In `serve`, a bad edit must not stop the server: keep the last good pages and show the errors."""
        _log(errors)
        self.problems = errors
        self.whole = None  # the next good journal is rendered whole: every page loses the banner
        if not self.pages:
            body = '<h1 id="journal">Journal</h1>\n<p>The journal has errors; this page reloads when they are fixed.</p>\n'
            self.pages = {routes.OVERVIEW: Page(routes.OVERVIEW, {"title": "Journal"}, body, headings(body), nav=Nav(0))}

    def on_page_content(self, html: str, *, page: MkPage, config: MkDocsConfig, files: Files) -> str:
        """While the journal has errors (in `serve`), every page says so at the top."""
        if not self.problems:
            return html
        return markup.error_banner([str(p) for p in self.problems]) + html

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Every journal page as a generated file of the site, with its MkDocs page.

        In a dirty `serve`, a page whose content is what it was keeps its file and page from the last
        build (MkDocs makes them anew on every rebuild: at 10,000 sessions that was half of a rebuild
        that changes one page), as long as nothing they are made from (the site's addresses, its
        folders, its edit links) changed.
        """
        docs_dir = os.path.abspath(config.docs_dir)
        made_with = (config.use_directory_urls, config.site_url, config.site_dir, docs_dir, config.repo_url,
                     config.edit_uri, config.edit_uri_template)  # fmt: skip
        previous = self.made
        last = previous if self.incremental and made_with == self.made_with else {}
        made: dict[str, tuple[Any, File]] = {}
        for page in self.pages.values():
            src_uri = posixpath.join(self.prefix, page.src_uri) if self.prefix else page.src_uri
            if files.get_file_from_path(src_uri) is not None:
                raise PluginError(f"'{src_uri}' exists in docs_dir and is also a journal page; move it or change 'prefix'")
            key = _content_key(page) if self.incremental else None
            kept = last.get(src_uri)
            if kept is not None and kept[0] == key:
                file = kept[1]
                file.page.journal_page = page  # the same content, from this render
            else:
                packed = self.packed.pop(page.src_uri, None)
                if packed is None:
                    file = File.generated(config, src_uri, content=page.body)  # MkDocs reads no source for a journal page
                else:
                    file = _PackedFile.generated(config, src_uri, content=packed)
                if page.source is not None:  # a file name is user input too: quoted, it stays inside the link
                    file.edit_uri = _edit_uri(page.source, docs_dir)
                file.inclusion = InclusionLevel.NOT_IN_NAV  # on_nav places the few that belong in the sidebar
                (JournalPage if packed is None else _PackedPage)(page, file, config)
            if self.incremental:
                made[src_uri] = (key, file)
            files.append(file)
        self.made, self.made_with = made, made_with
        for name, content in self.exports.items():
            files.append(File.generated(config, self._uri(name), content=content))
        if self.json_file is not None:
            files.append(File.generated(config, self._uri(self.json_file.name), abs_src_path=str(self.json_file)))
        if self.incremental:
            self._only_what_changed(files, config, previous)
        return files

    def _only_what_changed(self, files: Files, config: MkDocsConfig, previous: dict[str, tuple[Any, File]]) -> None:
        """In a dirty `serve`, MkDocs rebuilds the pages whose file says it is modified: ours say so
        when their content changed since the `previous` build; every page does when what every page
        carries changed. Pages gone since then are removed from the served folder (we wrote them there)."""
        carried = _carried(self.pages.values(), files, config, self.problems)
        full = carried != self.carried or not all(_is_journal_index(i) for i in _search_indexes(config))
        self.carried = carried
        for file in files:
            page = file.page
            if isinstance(page, JournalPage):
                last, key = previous.get(file.src_uri), self.made[file.src_uri][0]
                same = not full and last is not None and last[0] == key and os.path.isfile(file.abs_dest_path)
                file.is_modified = _unmodified if same else _modified  # type: ignore[method-assign]  # a kept file says it anew
            elif full and file.is_documentation_page():
                file.is_modified = _modified  # type: ignore[method-assign]  # it carries the sidebar too
        for uri in previous.keys() - self.made.keys():
            dest = previous[uri][1].abs_dest_path
            if Path(dest).resolve().is_relative_to(Path(config.site_dir).resolve()) and os.path.isfile(dest):
                os.remove(dest)

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        """Tell our search index which pages the site has, in order, for a dirty `serve` to keep the others' entries.

        In `serve`, the theme's templates are compiled once, not on every rebuild (MkDocs makes a new
        environment each time): a template is compiled again only when its source changed.
        """
        if self.is_serve:
            env.bytecode_cache = self.compiled
        inclusion = InclusionLevel.is_in_serve if self.is_serve else InclusionLevel.is_included
        pages = [f.page for f in files.documentation_pages(inclusion=inclusion) if f.page is not None]
        for index in _search_indexes(config):
            if _is_journal_index(index):
                index.pages = [page.url for page in pages]
                index.serving = self.incremental
                index.with_the_rest = self.rest_pending
                if self.helpers and forked.may_fork():  # still one thread, as when the pages were rendered
                    index.index_ahead([page for page in pages if isinstance(page, _PackedPage)])
                    self.ahead.append(index.ahead)
        return env

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """After the edited sessions' pages were built alone (`_edited_first`), ask for the rest of the site."""
        self._done_ahead()
        _Unpacked.hold(None)  # the site's pages may go
        if self.rest_pending and self.journal_watch is not None:
            self.journal_watch.rebuild()

    def on_build_error(self, *, error: Exception) -> None:
        self._done_ahead()

    def _done_ahead(self) -> None:
        """Every page is built, or none will be: the helpers making search entries may go."""
        while self.ahead:
            self.ahead.pop().close()

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        """Put the journal's few top pages into one compact section; sessions stay out of the sidebar.

        In a dirty `serve`, the pages of the sidebar that are not rebuilt are still read: their
        titles are the sidebar's (MkDocs leaves a page it does not rebuild without a title).
        """
        nav = self._placed(nav, config, files)
        if self.incremental:
            for page in nav.pages:
                if not page.file.is_modified():
                    page.read_source(config)
        return nav

    def _placed(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        ours = {self._uri(p.src_uri) for p in self.pages.values() if p.nav is not None}
        if config.nav is not None and any(_mentions(item, ours) for item in nav.items):
            for title, uri in _titled(config.nav):  # the site lists journal pages itself, by its own titles
                file = files.get_file_from_path(uri)
                if file is not None and isinstance(file.page, JournalPage):
                    file.page.title = title
            return nav
        section = self._section(files)
        items, position = _without(nav.items, ours)
        position = position if position is not None else len(items)
        items[position:position] = [section] if self.prefix else section.children
        return _navigation(items)

    def _uri(self, uri: str) -> str:
        return posixpath.join(self.prefix, uri) if self.prefix else uri

    def _section(self, files: Files) -> Section:
        """The sidebar's journal section, from the pages' places (`Nav`) in it."""

        def page(uri: str) -> MkPage | None:
            file = files.get_file_from_path(self._uri(uri))
            return file.page if file is not None else None

        placed = sorted(((p.nav, p.src_uri) for p in self.pages.values() if p.nav is not None), key=lambda n: n[0].rank)
        children: list[Any] = []
        for nav, group in itertools.groupby(placed, key=lambda n: n[0]):
            members = [page(uri) for _, uri in group]
            if nav.section is None:
                children += members
                continue
            if len(members) > MAX_NAV_SECTION:  # every page carries the sidebar: keep it small at any size
                members = members[:1]  # the subsection's index page
            children.append(Section(nav.section, members))
        return Section("Journal", [child for child in children if child is not None])


def site_folder_problem(config: MkDocsConfig, journal_dir: Path, site_dir: Path, name: str) -> str | None:
    """Why a site folder (shown to the user as `name`) would put the project's sources at risk; None if it won't.

    A build replaces its site folder whole, so it may not be or hold the folder of mkdocs.yml,
    docs_dir or the journal, nor lie inside the last two. It may lie inside the first: the
    default `site/` does.
    """
    protected = [(f"docs_dir ('{shown(Path(config.docs_dir))}')", Path(config.docs_dir), False),
                 (f"the journal folder ('{shown(journal_dir)}')", journal_dir, False)]  # fmt: skip
    if config.config_file_path:
        folder = Path(config.config_file_path).parent
        protected.insert(0, (f"the folder of mkdocs.yml ('{shown(folder)}')", folder, True))
    why = overlap(site_dir, protected)
    if why is None:
        return None
    return f"site folder '{name}' {why}, and a build replaces its site folder whole; choose a folder of its own, such as 'site'"


class _JournalWatch:
    """Watches the journal folder for `serve`, by the system's file events, and asks the server for a
    rebuild at once.

    MkDocs' server polls what it watches twice a second: at 10,000 sessions that was a walk of every
    record each half second, in the process that makes the rebuild, and up to half a second before
    an edit was even seen. The journal is watched here by the system's events instead (watchdog's
    Observer: inotify on Linux), or polled by a watch of our own where those can't be had (the
    system's limit of watches reached). A folder's watch ends for good when the folder is deleted,
    and events on folders start no rebuild: twice a second this checks that the journal is there
    and watched; when it went, came back or lost its watch, it is watched anew and a rebuild asked for.
    """

    def __init__(self, server: Any, journal: Path, changes: Path) -> None:
        self.server = server
        self.journal = os.path.abspath(journal)
        self.changes = changes  # a folder the server watches: how a rebuild is asked for where `_ask_server` can't
        self.stopped = threading.Event()
        self.asked = 0
        changes.mkdir(parents=True, exist_ok=True)
        server.watch(str(changes))
        self.observer: Any = Observer()
        self.observer.daemon = True
        self.observer.start()
        self.handle: Any = None
        self.there = os.path.isdir(self.journal)
        if self.there:
            self._watch()
        threading.Thread(target=self._run, name="pjournal-journal-watch", daemon=True).start()

    def stop(self) -> None:
        self.stopped.set()
        self.observer.stop()

    def rebuild(self) -> None:
        """Ask the server for a rebuild now, as its own watch does when it sees a change."""
        if not _ask_server(self.server):
            self.asked += 1
            (self.changes / "rebuild").write_text(str(self.asked), encoding="utf-8")

    def _changed(self, event: Any) -> None:
        if not event.is_directory:  # as MkDocs' watch: a folder's own events start no rebuild
            self.rebuild()

    def _watch(self) -> None:
        handler = FileSystemEventHandler()
        handler.on_any_event = self._changed  # type: ignore[method-assign]
        try:
            self.handle = self.observer.schedule(handler, self.journal, recursive=True)
        except OSError:  # no more system watches (or the folder just went): poll it ourselves
            if not isinstance(self.observer, PollingObserver):
                self.observer.stop()
                self.observer = PollingObserver(timeout=0.5)
                self.observer.daemon = True
                self.observer.start()
            try:
                self.handle = self.observer.schedule(handler, self.journal, recursive=True)
            except OSError:
                self.handle = None

    def _run(self) -> None:
        while not self.stopped.wait(0.5):
            there = os.path.isdir(self.journal)
            if there == self.there and (not there or self._watched()):
                continue
            if self.handle is not None:
                try:
                    self.observer.unschedule(self.handle)
                except (KeyError, OSError):  # its emitter already gone with the folder
                    pass
                self.handle = None
            if there:
                self._watch()
            self.there = there
            self.rebuild()

    def _watched(self) -> bool:
        try:
            emitters = list(self.observer.emitters)
        except RuntimeError:  # changed while read: look again next time
            return True
        return self.handle is not None and any(e.watch == self.handle and e.is_alive() for e in emitters)


def _ask_server(server: Any) -> bool:
    """Ask MkDocs' live-reload server for a rebuild as its own watches do (its condition and flag); False
    where the server has no such parts (another version), so that the caller asks by a file change instead."""
    condition = getattr(server, "_rebuild_cond", None)
    if condition is None or not hasattr(server, "_want_rebuild"):
        return False
    with condition:
        server._want_rebuild = True
        condition.notify_all()
    return True


class _Compiled(BytecodeCache):
    """Compiled templates in memory, each kept with the checksum of its source (Jinja's bytecode cache)."""

    def __init__(self) -> None:
        self.code: dict[str, tuple[str, Any]] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        kept = self.code.get(bucket.key)
        if kept is not None and kept[0] == bucket.checksum:
            bucket.code = kept[1]

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key] = (bucket.checksum, bucket.code)


def _carried(pages: Iterable[Page], files: Files, config: MkDocsConfig, problems: list[LocatedError]) -> Any:
    """What every page of the site carries besides its own content: the sidebar (our pages in it,
    with their titles, and the site's own files, which make the rest of it), the site's
    configuration, and the banner of the journal's errors; and the pages' tags, which a tags
    index (Material's tags plugin) gathers from every page. When it changes, every page is rebuilt."""
    own = [(file.src_uri, *_stamp(file.abs_src_path)) for file in files if file.generated_by is None and file.abs_src_path]
    settings = [config.config_file_path, *(config.theme.dirs[:1] if config.theme.custom_dir else [])]
    pages = list(pages)
    return (tuple((p.src_uri, p.meta.get("title"), p.nav) for p in pages if p.nav is not None), tuple(own),
            tuple(_stamp(path) for path in settings), tuple(map(str, problems)),
            tuple((p.src_uri, tuple(p.meta["tags"])) for p in pages if p.meta.get("tags")))  # fmt: skip


@functools.lru_cache(maxsize=65536)
def _edit_uri(source: Path, docs_dir: str) -> str:
    """A record's path relative to docs_dir, as its page's edit link ends (kept: `serve` asks after every edit)."""
    return quote(Path(os.path.relpath(source, docs_dir)).as_posix())


def _stamp(path: str | None) -> tuple[int, int]:
    """A file's modification time and size (of a folder: of its newest file), (0, 0) when it is missing."""
    if not path:
        return 0, 0
    try:
        if os.path.isdir(path):
            return max((_stamp(os.path.join(here, n)) for here, _, names in os.walk(path) for n in names), default=(0, 0))
        stat = os.stat(path)
    except OSError:
        return 0, 0
    return stat.st_mtime_ns, stat.st_size


def _content_key(page: Page) -> tuple[Any, ...]:
    """What a page's HTML is made of besides what every page carries: its front matter, body and edit link."""
    return repr(page.meta), hash(page.body), len(page.body), str(page.source)


def _modified() -> bool:
    return True


def _unmodified() -> bool:
    return False


def _no_dirty_warning(record: logging.LogRecord) -> bool:
    """MkDocs warns at each dirty build that navigation may be stale: in `serve` the plugin sees to it that it is not."""
    return not record.getMessage().startswith("A 'dirty' build is being performed")


def _log(problems: list[LocatedError]) -> None:
    """Problems through MkDocs' log, so that `--strict` counts the warnings; the log adds the severity."""
    for problem in problems:
        (log.warning if problem.severity == "warning" else log.error)(problem.format(severity=False))


def _index_journal_pages(config: MkDocsConfig) -> None:
    """Material's search, made to cut journal pages into sections with `search.sections`.

    Its plugin makes a new index in every `on_config`, before ours runs: that index is swapped
    for one that differs only there. Without Material (ProperDocs' own theme), the site's search
    indexes the pages as it always does.
    """
    try:
        from material.plugins.search.plugin import SearchIndex, SearchPlugin
    except ImportError:
        return
    for plugin in config.plugins.values():
        index = getattr(plugin, "search_index", None)
        if isinstance(plugin, SearchPlugin) and type(index) is SearchIndex:
            plugin.search_index = _journal_index(SearchIndex)(**index.config)
            _replace_handler(config, "page_context", plugin, SearchPlugin.on_page_context, _attributes_stripped_where_present)
            _replace_handler(config, "post_build", plugin, SearchPlugin.on_post_build, _written_with_the_rest)


def _replace_handler(config: MkDocsConfig, event: str, plugin: Any, handler: Any, wrapped: Callable[[Any, Any], Any]) -> None:
    """Run `wrapped(plugin, method)` instead of a plugin's handler of an event, in this site's build only."""
    events = config.plugins.events[event]
    for i, method in enumerate(events):
        if getattr(method, "__self__", None) is plugin and getattr(method, "__func__", None) is handler:
            events[i] = functools.wraps(method)(wrapped(plugin, method))  # its priority and name too
            origins = getattr(config.plugins, "_event_origins", None)  # whose handler MkDocs names in its log
            if isinstance(origins, dict):
                origins[events[i]] = origins.get(method, "search")


def _attributes_stripped_where_present(plugin: Any, method: Any) -> Callable[..., Any]:
    """Material's search, run for a page by its `on_page_context` as before, minus a scan that finds nothing.

    After indexing a page, Material strips its `data-search-*` attributes with a regular expression
    that no literal prefix speeds up: it reads every page's HTML, 6 % of a build at 1,000 sessions.
    Where the page's HTML does not hold "data-search-", that expression matches nothing, so the
    page gets its entries and nothing more; where it does, Material's own handler runs.
    """

    def on_page_context(context: Any, *, page: MkPage, config: MkDocsConfig, nav: Navigation) -> Any:
        if "data-search-" in (page.content or "") or not plugin.config.enabled:
            return method(context, page=page, config=config, nav=nav)
        plugin.search_index.add_entry_from_context(page)
        return None

    return on_page_context


def _written_with_the_rest(plugin: Any, method: Any) -> Callable[..., Any]:
    """Material's search, writing its index after a build as before, except after the build of an edited
    session's pages alone in `serve` (`JournalPlugin._edited_first`): the rest of the site follows at
    once, and the index is written with it. At 10,000 sessions it is 84 MB, written in 0.2-0.5 s, and
    until the rest follows the other pages are not new either. The entries of the pages built now
    are kept for that build, as Material keeps the index of a dirty build."""

    def on_post_build(*, config: MkDocsConfig) -> Any:
        index = plugin.search_index
        if not getattr(index, "with_the_rest", False) or not plugin.config.enabled:
            return method(config=config)
        index.merge(plugin.search_index_prev)
        plugin.search_index_prev = index
        return None

    return on_post_build


def _search_indexes(config: MkDocsConfig) -> list[Any]:
    """The index of each search plugin of the site (Material's, MkDocs' own, ...)."""
    return [getattr(p, "search_index", None) for name, p in config.plugins.items() if name.split("/")[-1] == "search"]


def _is_journal_index(index: Any) -> bool:
    return getattr(index, "journal_index", False)


_JSON = json.JSONEncoder(separators=(",", ":"), default=str)  # Material's `json.dumps` of its search index


def _by_page(entries: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Search entries by the address of their page."""
    found: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        found.setdefault(entry["location"].split("#", 1)[0], []).append(entry)
    return found


@functools.cache
def _journal_index(base: type) -> type:
    """Material's search index, with journal pages read by `search.sections` instead of html.parser
    (at thousands of pages that parser was close to half of a build). The entries are made by
    Material's own `create_entry_for_section`, the same as before; other pages are untouched.
    (Made from Material's class when Material is there: ProperDocs' own theme has none.)"""

    class JournalIndex(base):  # type: ignore[misc, valid-type]
        journal_index = True

        def __init__(self, **config: Any) -> None:
            super().__init__(**config)
            self.pages: list[str] | None = None  # the addresses of the site's pages, in order (`on_env`)
            self.indexed: set[str] = set()  # those indexed in this build
            self.serving = False  # in a dirty `serve` (`on_env`)
            self.with_the_rest = False  # in it: written by the build of the rest of the site (`_written_with_the_rest`)
            self.written: dict[str, str] = {}  # in it: each page's entries as written in the index's JSON
            self.built: list[bytes] = []  # in a build: each page's entries as written, packed, in the order indexed
            self.ahead: _Ahead | None = None  # in a build: journal pages' entries made by a helper (`index_ahead`)

        def add_entry_from_context(self, page: MkPage) -> None:
            self.indexed.add(page.url)
            start = len(self.entries)
            made = self.ahead.entries(page) if self.ahead is not None and isinstance(page, _PackedPage) else None
            if made is not None:
                self.built += [made] if made else []
            elif not isinstance(page, JournalPage):
                super().add_entry_from_context(page)
            elif not (page.meta.get("search") or {}).get("exclude"):
                for section in search.sections(page.content or ""):
                    if not section.excluded:
                        self.create_entry_for_section(section, page.toc, page.url, page)
            if self.pages is not None and not self.serving and len(self.entries) > start:
                # kept as the JSON they are written as, packed: at 10,000 sessions, 84 MB of it
                self.built.append(_pack(_JSON.encode(self.entries[start:])[1:-1].encode()))
                del self.entries[start:]

        def index_ahead(self, pages: list[_PackedPage]) -> None:
            """Have a forked helper make the entries of a build's journal pages, while MkDocs builds the
            pages with the theme's templates on this core (`_Ahead`)."""
            def made() -> Iterator[tuple[str, tuple[Any, ...], bytes]]:  # in the helper
                self.ahead = None  # it makes the entries itself
                for page in pages:
                    before = len(self.built)
                    self.add_entry_from_context(page)
                    yield page.url, _indexed_as(page), self.built.pop() if len(self.built) > before else b""

            self.ahead = _Ahead(made)

        def generate_search_index(self, prev: Any) -> str:
            """After a dirty build, the index of a full one: the entries of the pages built now, and the
            last ones of the others, in the site's order. (Material's own merge assumes one page was built.)"""
            if self.pages is None:
                return super().generate_search_index(prev)
            if not self.serving:  # a whole build (a dirty one only serves): every page was indexed now
                built, self.built = self.built, []  # let go before Material encodes the index
                return self._index(_unpack(packed).decode() for packed in built)
            self.merge(prev)
            return self._index(self.written.values())

        def merge(self, prev: Any) -> None:
            """In a dirty `serve`, the entries of the pages built now with the last ones of the others, in
            the site's order, and each page's as written in the index's JSON: a page not built now is
            copied as it was written last time (at 10,000 sessions, writing the whole index again was
            a third of a rebuild's time)."""
            assert self.pages is not None
            by_page = _by_page(self.entries)
            if prev is not None:
                by_page = {**_by_page(prev.entries), **{url: [] for url in self.indexed}, **by_page}
                self.entries = [entry for url in self.pages for entry in by_page.get(url, [])]
            last = prev.written if _is_journal_index(prev) else {}
            self.written = {url: last[url] if url in last and url not in self.indexed else
                            _JSON.encode(by_page.get(url, []))[1:-1] for url in self.pages}  # fmt: skip

        def _index(self, written: Iterable[str]) -> str:
            """The index's JSON as Material writes it (`json.dumps`, compact), of the entries as written."""
            # the keys Material writes: `fields` only from 9.7
            config = {key: self.config[key] for key in ["lang", "separator", "pipeline", "fields"] if key in self.config}
            docs = itertools.islice(itertools.chain.from_iterable((",", text) for text in written if text), 1, None)
            # joined once: at 10,000 sessions the index is 84 MB, and each copy of it would add as much
            return "".join(itertools.chain((f'{{"config":{_JSON.encode(config)},"docs":[',), docs, ("]}",)))

    return JournalIndex


class _Ahead:
    """A build's journal pages' search entries, made by a forked helper (`forked.Helper`) as the index
    makes them, packed as written, while this process builds the pages: Material's templates, most of
    what MkDocs does with a page, run on one core, and the entries were 14 % of a build at 1,000 sessions.

    A page's entries are taken only if what they are made of is what the helper saw (`_indexed_as`);
    a plugin may change a page after the helper was forked. Otherwise, or if the helper is gone,
    the index makes them itself.
    """

    def __init__(self, made: Callable[[], Iterator[tuple[str, tuple[Any, ...], bytes]]]) -> None:
        self.helper = forked.Helper(made)
        self.stream = iter(self.helper)
        self.early: dict[str, tuple[tuple[Any, ...], bytes]] = {}  # made for pages not built yet

    def entries(self, page: MkPage) -> bytes | None:
        """The page's entries as the helper made them (b"" for none), or None."""
        while page.url not in self.early:
            item = next(self.stream, None)
            if item is None:
                return None
            self.early[item[0]] = item[1:]
        seen, made = self.early.pop(page.url)
        return made if seen == _indexed_as(page) else None

    def close(self) -> None:
        self.helper.close()


def _indexed_as(page: MkPage) -> tuple[Any, ...]:
    """What a page's search entries are made of: its HTML (by its hash, the same in a forked helper),
    its address, title and front matter, and the anchors of its table of contents."""
    return hash(page.content), page.url, page.title, repr(page.meta), _anchors(page.toc)


def _anchors(toc: Any) -> tuple[Any, ...]:
    return tuple((item.id, item.url, _anchors(item.children)) for item in toc)


class JournalPage(MkPage):
    """A journal page, whose body arrives as HTML from our templates.

    MkDocs' Markdown pass is skipped: at thousands of sessions it was most of a build, and it
    has nothing to do here. The page gets what that pass would have given it: its table of
    contents, the ids that links may point at, and the permalinks the site's `toc` extension
    puts on headings.
    """

    def __init__(self, page: Page, file: File, config: MkDocsConfig) -> None:
        self.journal_page = page
        super().__init__(None, file, config)

    def read_source(self, config: MkDocsConfig) -> None:
        self.markdown = self.journal_page.body  # what other plugins' on_page_markdown see and may change
        self.meta = dict(self.journal_page.meta)

    def render(self, config: MkDocsConfig, files: Files) -> None:
        assert self.markdown is not None
        self.toc_options = config.mdx_configs.get("toc") or config.mdx_configs.get("markdown.extensions.toc") or {}
        self.content = _with_permalinks(self.markdown, self.toc_options)
        self.links_to_anchors = {}
        self._index()

    def _index(self) -> None:
        """What MkDocs reads of a page besides its HTML: its table of contents, the ids links may point at."""
        self.toc = self._made_toc()
        self.present_anchor_ids = _ids(self.markdown)

    def _made_toc(self) -> Any:
        return get_toc(_toc_tokens(self.journal_page.headings))


def _ids(html: str | None) -> set[str]:
    return set(_ID.findall(html or ""))


_ID = re.compile(r'\sid="([^"]+)"')


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Python's cycle collector, run less often while a build (or a rebuild in `serve`) loads, checks
    and renders the journal.

    What that makes lives until the build ends, yet each full collection walks all of it again: at
    10,000 sessions, 22 of them in `on_config`, 8 s. With these thresholds a build took 0.92x the
    time, for 2 % more memory at its peak, and serve's rebuild of the rest of the site after an edit
    16.0-16.4 s instead of 17.8-18.2 s (benchmarks/README.md). The process's own are put back.
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(20_000, 20, 20)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def _pack(data: bytes) -> bytes:
    """What a build holds until it writes it, held compressed (LZ4: a quarter of the size, at a
    hundredth of a build's time; zlib's fastest level packs a fifth tighter, at five times the time)."""
    return lz4.block.compress(data)


def _unpack(data: bytes) -> bytes:
    return lz4.block.decompress(data)


class _PackedFile(File):
    """A journal page's file in a build: its HTML held packed (`_pack`) until read.

    MkDocs reads every page before it writes any, so it holds every page's HTML at once: at 10,000
    sessions, about 500 MB of ours. Whoever reads the file gets its text.
    """

    @property
    def content_bytes(self) -> bytes:
        return _unpack(self._content) if isinstance(self._content, bytes) else super().content_bytes

    @content_bytes.setter
    def content_bytes(self, value: bytes) -> None:
        self._content, self.abs_src_path = _pack(value), None

    @property
    def content_string(self) -> str:
        return self.content_bytes.decode()

    @content_string.setter
    def content_string(self, value: str) -> None:
        self.content_bytes = value.encode()


class _Held(enum.Enum):
    """What a packed page's `markdown` or `content` is, while it is not a text of its own."""

    FILE = "its file's text"
    LINKED = "its file's text with the permalinks of `render`"


class _Unpacked:
    """The packed page last read, and what was made of it: a page's hooks in a row unpack it once."""

    page: Any = None
    texts: dict[_Held, str] = {}
    toc: Any = None

    @classmethod
    def hold(cls, page: Any) -> type[_Unpacked]:
        """The slot, for `page` (None: for no page, so that the last one may go), emptied."""
        cls.page, cls.texts, cls.toc = page, {}, None
        return cls


class _HeldText:
    """A packed page's `markdown` or `content`: stored in `_markdown` or `_content` as what it is
    made of (`_Held`) when it is the text last read from the page's file, else as it was set."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = f"_{name}"

    def __get__(self, page: Any, owner: type | None = None) -> Any:
        return self if page is None else page._text(getattr(page, self.slot))

    def __set__(self, page: Any, value: str | None) -> None:
        setattr(page, self.slot, page._kept(value))


class _PackedPage(JournalPage):
    """A journal page of a build, which MkDocs holds without its HTML (`_PackedFile`).

    Its `markdown`, `content`, `toc` and `present_anchor_ids` are made from its file and headings
    each time they are read, one page at a time (`_Unpacked`); what a plugin sets is kept as it is.
    """

    _markdown: str | _Held | None
    _content: str | _Held | None
    _toc: Any = None
    _anchor_ids: set[str] | None = None

    def read_source(self, config: MkDocsConfig) -> None:
        self._markdown = _Held.FILE
        self.meta = dict(self.journal_page.meta)
        if "title" in self.meta and "title" not in vars(self):  # MkDocs' title (the nav's, when it gave one),
            self.title = self.meta["title"]  # set: to find it, MkDocs would unpack the page

    def _index(self) -> None:
        """Nothing is kept: the table of contents and the ids are made when read."""
        if self._markdown is _Held.FILE and isinstance(self._content, str):  # permalinks on the file's text
            self._made().texts[_Held.LINKED] = self._content
            self._content = _Held.LINKED
        self._toc = None

    markdown = _HeldText()
    content = _HeldText()

    @property  # type: ignore[override]
    def toc(self) -> Any:
        if self._toc is not None:
            return self._toc
        made = self._made()
        if made.toc is None:
            made.toc = self._made_toc()
        return made.toc

    @toc.setter
    def toc(self, value: Any) -> None:
        self._toc = value

    @property  # type: ignore[override]
    def present_anchor_ids(self) -> set[str] | None:
        """Read by MkDocs only for a link into this page from another page, to check its anchor."""
        if self._anchor_ids is not None or self._markdown is None:
            return self._anchor_ids
        return _ids(self.markdown)

    @present_anchor_ids.setter
    def present_anchor_ids(self, value: set[str] | None) -> None:
        self._anchor_ids = value

    def _made(self) -> type[_Unpacked]:
        return _Unpacked if _Unpacked.page is self else _Unpacked.hold(self)

    def _text(self, held: str | _Held | None) -> str | None:
        if not isinstance(held, _Held):
            return held
        texts = self._made().texts
        if held not in texts:
            text = self.file.content_string
            texts[held] = _with_permalinks(text, self.toc_options) if held is _Held.LINKED else text
        return texts[held]

    def _kept(self, value: str | None) -> str | _Held | None:
        """A text as it is held: as what it is made of, when it is one last read."""
        if _Unpacked.page is self:
            for held, text in _Unpacked.texts.items():
                if value is text:
                    return held
        return value


def _with_permalinks(html: str, options: dict[str, Any]) -> str:
    """Headings with the permalink the `toc` extension's options ask for (`permalink: true` and friends)."""
    symbol = options.get("permalink")
    if not symbol:
        return html
    text = "&para;" if symbol is True else escape(str(symbol))
    css = escape(str(options.get("permalink_class", "headerlink")))
    title = escape(str(options.get("permalink_title", "Permanent link")))

    def link(m: re.Match[str]) -> str:
        level, id, inner = m.groups()
        a = f'<a class="{css}" href="#{id}" title="{title}">{text}</a>'
        inner = a + inner if options.get("permalink_leading") else inner + a
        return f'<h{level} id="{id}">{inner}</h{level}>'

    return OWN_HEADING.sub(link, html)


def _toc_tokens(heads: tuple[Heading, ...]) -> list[dict[str, Any]]:
    """Headings nested by level, as Markdown's `toc` extension reports them to MkDocs."""
    root: list[dict[str, Any]] = []
    stack: list[tuple[int, list[dict[str, Any]]]] = [(0, root)]
    for h in heads:
        token: dict[str, Any] = {"level": h.level, "id": h.id, "name": h.name, "children": []}
        while stack[-1][0] >= h.level:
            stack.pop()
        stack[-1][1].append(token)
        stack.append((h.level, token["children"]))
    return root


def _titled(nav: Any) -> Iterator[tuple[str, str]]:
    """(title, path) of every page a site's `nav` names with a title of its own."""
    if isinstance(nav, list):
        for item in nav:
            yield from _titled(item)
    elif isinstance(nav, dict):
        for title, value in nav.items():
            if isinstance(value, str):
                yield title, value
            else:
                yield from _titled(value)


def _mentions(item: Any, uris: set[str]) -> bool:
    if isinstance(item, MkPage):
        return item.file.src_uri in uris
    return any(_mentions(child, uris) for child in (item.children or []))


def _without(items: list[Any], uris: set[str]) -> tuple[list[Any], int | None]:
    """The nav items minus journal pages (and sections left empty), and where the first one stood."""
    kept: list[Any] = []
    position = None
    for item in items:
        if isinstance(item, MkPage) and item.file.src_uri in uris:
            position = len(kept) if position is None else position
            continue
        if isinstance(item, Section):
            children, inner = _without(item.children, uris)
            if inner is not None and position is None:
                position = len(kept) if not children else len(kept) + 1
            if not children:
                continue
            item.children = children
        kept.append(item)
    return kept, position


def _navigation(items: list[Any]) -> Navigation:
    """A Navigation with parent, previous and next links set, as MkDocs builds its own."""
    pages: list[MkPage] = []

    def walk(children: list[Any], parent: Section | None) -> None:
        for item in children:
            item.parent = parent
            if isinstance(item, MkPage):
                pages.append(item)
            if isinstance(item, Section):
                walk(item.children, item)

    walk(items, None)
    for before, page, after in zip([None, *pages[:-1]], pages, [*pages[1:], None]):
        page.previous_page, page.next_page = before, after
    return Navigation(items, pages)
