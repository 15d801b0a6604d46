"""The MkDocs plugin: the journal's pages as generated files of any MkDocs or ProperDocs site.

A thin adapter of the publish pipeline (`publish.publish`) to MkDocs' public plugin API. The
journal is loaded, checked and rendered in `on_config`, before MkDocs touches the site folder,
so a broken record stops a build with the last good site in place (and, in `serve`, is shown
on every page while the last good pages stay). The pages are handed over as generated files in
`on_files`, each with its record as its source (edit links, git history); nothing is written
into docs/. A journal page is a `Page` whose body is already HTML: MkDocs' Markdown pass runs
only on what another plugin adds to it. The plugin replaces no other plugin's handlers, so it
works in any position in `plugins:`.
"""

from __future__ import annotations

import itertools
import os
import posixpath
import re
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

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

from . import markup, routes
from .errors import JournalError, LocatedError, UserError
from .export import STYLESHEET
from .folders import shown, site_folder_problem
from .load import first_existing
from .output import clean_prefix, nav_renamed, nav_titles
from .publish import Kept, Options, carried_by_every_page, edited_sessions, made_of, publish
from .model import Journal, Partner
from .privacy import config_warnings, page_warnings
from .render import Nav, Page, comments_block, headings, toc_tokens, with_permalinks
from .served import Spot

log = get_plugin_logger(PLUGIN)

#: Pages listed one by one in a sidebar subsection (case studies); beyond this only its index page is.
MAX_NAV_SECTION = 6


class CommentsConfig(Config):
    """giscus on case-study pages (https://giscus.app gives the four ids): off while they are unset."""

    repo = c.Type(str, default="")
    repo_id = c.Type(str, default="")
    category = c.Type(str, default="")
    category_id = c.Type(str, default="")
    mapping = c.Choice(("pathname", "url", "title", "og:title"), default="pathname")
    lang = c.Type(str, default="en")


class PluginConfig(Config):
    journal_dir = c.Dir(exists=False, default="journal")  # a missing one is an error of the build, which serve outlives
    prefix = c.Type(str, default="journal")
    drafts = c.Type(bool, default=False)
    redact = c.ListOfItems(c.Type(str), default=[])
    comments = c.SubConfig(CommentsConfig)


@dataclass(frozen=True)
class Overrides:
    """What `pjournal build` and `serve` add to the site's options from their command line (`--drafts`,
    `--redact`). Set on this site's plugin by the command (site.py) for the whole build or server:
    MkDocs reloads mkdocs.yml, and with it the plugin's options, on every rebuild in `serve`, but keeps
    the plugin (it defines `on_startup`)."""

    drafts: bool = False
    redact: tuple[str, ...] = ()
    config_problems: tuple[str, ...] = ()  # in `pjournal serve`: mkdocs.yml's, while it is built from the last good one


class JournalPlugin(BasePlugin[PluginConfig]):
    """Publishes a journal folder as generated pages under `prefix`."""

    def __init__(self) -> None:
        self.overrides = Overrides()
        self.kept: Kept | None = None  # in `serve`: what a rebuild need not make again
        self.is_serve = False
        self.dirty = False  # in `pjournal serve`: MkDocs builds again only the pages whose file is modified
        self.built: dict[str, tuple[Any, ...]] = {}  # in it: what each journal page was made of, as last built
        self.making: dict[str, tuple[Any, ...]] = {}  # the same, for the build under way
        self.carried: tuple[Any, ...] | None = None  # what every page carries, as last built
        self.needs_full = False  # what every page carries changed in a dirty build: all must be built again
        self.prefix = ""
        self.pages: list[Page] = []
        self.exports: dict[str, str] = {}
        self.problems: list[LocatedError] = []  # in `serve`: the journal's errors, shown on every page
        self.partners: dict[str, Partner] = {}  # as written: what no other page of the site may name
        self.feeds: list[tuple[str, str, File]] = []  # (type, title, file) each journal page's head links to
        self.stylesheet: File | None = None  # the journal pages' stylesheet (export.STYLESHEET)
        self.comments = ""  # the comments section of pages readers may comment on (`comments` option)
        # in `serve`: what `show_edited_sessions` needs of the last build
        self.published: tuple[Options, Journal] | None = None
        self.files: Files | None = None
        self.toc_options: dict[str, Any] = {}
        self.spots: dict[str, Spot | None] = {}  # journal page -> where its content stands in its built file
        self.placed: set[str] = set()  # the journal pages on_nav placed in the sidebar, until a page shows it

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defined so that MkDocs keeps this instance across `serve` rebuilds, and with it `kept`."""
        self.is_serve = command == "serve"
        self.dirty = self.is_serve and dirty
        self.kept = Kept() if self.is_serve else None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """The journal loaded, checked and rendered before MkDocs touches the site folder."""
        journal_dir = Path(self.config.journal_dir)
        if journal_dir.is_dir():
            config.watch.append(str(journal_dir))
        try:
            self.prefix = clean_prefix(self.config.prefix)
            self.comments = comments_block(dict(self.config.comments))
            problem = site_folder_problem(config.config_file_path, Path(config.docs_dir), journal_dir,
                                          Path(config.site_dir), shown(Path(config.site_dir)))  # fmt: skip
            if problem is not None:
                raise UserError(problem)
            options = self._options(config)
            publication = publish(options, self.kept)
            self.published = (options, publication.journal) if self.dirty else None
            self.pages, self.exports, self.problems = list(publication.pages), publication.exports, []
            self.partners = publication.partners
            _log(publication.warnings)
            _log(config_warnings(shown(Path(config.config_file_path)) if config.config_file_path else "mkdocs.yml",
                                 config, self.partners))  # fmt: skip
            config.site_name = publication.site_name  # an anonymous partner in it: the public name, as everywhere
        except JournalError as e:
            _log(e.warnings)
            if not self.is_serve:
                raise PluginError(_errors_line(e.errors) + "\n" + "\n".join(map(str, e.errors))) from None
            _log(e.errors)
            self.problems = e.errors  # the last good pages stay, with the errors on each
            if not self.pages:
                body = '<h1 id="journal">Journal</h1>\n<p>The journal has errors; this page reloads when they are fixed.</p>\n'
                self.pages = [Page(routes.OVERVIEW, {"title": "Journal"}, body, headings(body), nav=Nav(0))]
        except UserError as e:
            raise PluginError(str(e)) from None
        return config

    def _options(self, config: MkDocsConfig) -> Options:
        return Options(Path(self.config.journal_dir), prefix=self.prefix,
                       drafts=self.config.drafts or self.overrides.drafts,
                       redact=(*self.config.redact, *self.overrides.redact), directory_urls=config.use_directory_urls,
                       site_name=config.site_name, site_url=config.site_url or "")  # fmt: skip

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Every journal page as a generated file of the site, with its record as its source; a page of
        the site at a journal page's address is an error naming both."""
        taken = {file.dest_uri: file for file in files}
        docs_dir = os.path.abspath(config.docs_dir)
        if config.nav is not None:  # a nav may name a page by the file `render -o` writes it to, as docs/ says
            names = {self._uri(routes.source_file(p.src_uri, True)): self._uri(p.src_uri) for p in self.pages}
            config.nav = nav_renamed(config.nav, names)
        # A page of the whole journal (the overview, the ledger, ...) names partners.yaml as its source, the
        # one record every page shows: a plugin that reads each page's file (git authors' blame) reads it.
        whole = first_existing(Path(self.config.journal_dir), "partners")
        whole = whole.absolute() if whole is not None and whole.is_file() else None
        carried = (carried_by_every_page(self.pages, self.problems), self.overrides.config_problems)
        self.needs_full = self.dirty and self.carried is not None and carried != self.carried
        self.carried, self.making = carried, {}
        for page in self.pages:
            file = JournalFile.generated(config, self._uri(page.src_uri), content=page.body)
            other = taken.get(file.dest_uri)
            if other is not None:
                raise PluginError(f"'{other.src_uri}' in docs_dir is published at '{file.dest_uri}', where the journal "
                                  f"publishes its page '{file.src_uri}': move or rename it, or change the plugin's 'prefix'")  # fmt: skip
            if page.source is not None:  # its record: the edit link, and the history git plugins read
                file.generated_by = None  # a source with a history: git plugins skip generated files
                file.abs_src_path = str(page.source)
                file.edit_uri = quote(Path(os.path.relpath(page.source, docs_dir)).as_posix())
            elif whole is not None:  # the page stays generated, with no edit link
                file.abs_src_path = str(whole)
            file.inclusion = InclusionLevel.NOT_IN_NAV  # on_nav places the few that belong in the sidebar
            key = self.making[file.src_uri] = made_of(page)
            file.unchanged = self.dirty and not self.needs_full and self.built.get(file.src_uri) == key
            JournalPage(page, file, config)
            files.append(file)
        self.feeds, self.stylesheet = [], None
        self.files, self.toc_options = (files, _toc_options(config)) if self.dirty else (None, {})
        for name, content in self.exports.items():
            file = File.generated(config, self._uri(name), content=content)
            files.append(file)
            if name in _FEEDS:
                self.feeds.append((*_FEEDS[name], file))
            elif name == STYLESHEET:
                self.stylesheet = file
        return files

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        """The journal's few top pages in one compact section; sessions stay out of the sidebar. A site
        whose own `nav:` lists journal pages keeps its nav, with its titles for them."""
        if self.dirty:  # MkDocs reads no page it does not build again, yet the sidebar shows its title
            for page in nav.pages:
                if page.markdown is None and not page.file.is_modified():
                    page.read_source(config)
        ours = {self._uri(p.src_uri) for p in self.pages if p.nav is not None}
        self.placed = ours
        if config.nav is not None and any(_mentions(item, ours) for item in nav.items):
            for title, uri in nav_titles(config.nav):
                file = files.get_file_from_path(uri)
                if file is not None and isinstance(file.page, JournalPage):
                    file.page.title = title
            return nav
        section = self._section(files)
        items, position = _without(nav.items, ours)
        position = position if position is not None else len(items)
        items[position:position] = [section] if self.prefix else section.children
        return _navigation(items)

    def on_page_context(self, context: Any, *, page: MkPage, config: MkDocsConfig, nav: Navigation) -> Any:
        """The sidebar as the theme shows it, after every plugin's `on_nav`: if none of the journal's top
        pages is in it, a plugin or hook after this one replaced it; said once a build, in one line."""
        if self.placed and not any(p.file.src_uri in self.placed for p in nav.pages):
            log.warning("the sidebar shows none of the journal's pages: a plugin or hook listed after "
                        f"'{PLUGIN}' in plugins: replaced the navigation; list '{PLUGIN}' after it, or name "
                        "the journal's pages in the site's nav")  # fmt: skip
        self.placed = set()
        return context

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """In `pjournal serve`, the pages of the last build that this one no longer makes are removed
        from the served folder (the tool wrote them there)."""
        gone, self.built = self.built.keys() - self.making.keys(), self.making
        if self.dirty:
            site = Path(config.site_dir).resolve()
            for uri in gone:
                dest = (site / File(uri, None, str(site), config.use_directory_urls).dest_uri).resolve()
                if dest.is_relative_to(site) and dest.is_file():
                    dest.unlink()

    def on_build_error(self, *, error: Exception) -> None:
        self.built, self.carried = {}, None  # the next build makes every page

    def on_page_markdown(self, markdown: str, *, page: MkPage, config: MkDocsConfig, files: Files) -> str:
        """A page of the site's own that names an anonymous partner is a located warning (fails --strict)."""
        if self.partners and not isinstance(page, JournalPage):
            _log(page_warnings(shown(Path(page.file.abs_src_path)) if page.file.abs_src_path else page.file.src_uri,
                               markdown, self.partners))  # fmt: skip
        return markdown

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        """In `serve`, the theme's templates are compiled once, not on every build (MkDocs makes a new
        Jinja environment each time): Jinja's own bytecode cache, which compiles a template again when
        its source changed. At 1,000 sessions that was a tenth of a build after an edit."""
        if self.kept is not None:
            env.bytecode_cache = self.kept.compiled
        return env

    def on_post_page(self, output: str, *, page: MkPage, config: MkDocsConfig) -> str:
        """A journal page's head links its Atom feed and journal.json, for feed readers to find, and
        the journal's stylesheet (phones, print). In `pjournal serve`, where its content stands in the
        file is noted for `show_edited_sessions`: content as we made it (no other plugin changed it, no
        banner or comments were added), once in the page."""
        if not isinstance(page, JournalPage) or "</head>" not in output:
            return output
        # "alternate feed", not "alternate" alone: Material fetches sitemap.xml beside every
        # link[rel=alternate] (its language versions), a 404 on each journal page for the feed's folder.
        links = "".join(f'<link rel="alternate feed" type="{kind}" title="{escape(f"{config.site_name} {title}")}" '
                        f'href="{escape(file.url_relative_to(page.file))}">' for kind, title, file in self.feeds)
        if self.stylesheet is not None:  # the journal's own layout for phones and print, after the theme's
            links += f'<link rel="stylesheet" href="{escape(self.stylesheet.url_relative_to(page.file))}">'
        output = output.replace("</head>", links + "</head>", 1)
        if self.dirty:
            ours = page.made is not None and page.made == page.content
            self.spots[page.file.src_uri] = Spot.of(page.file.abs_dest_path, output, page.made) if ours else None
        return output

    def show_edited_sessions(self) -> list[str]:
        """In `pjournal serve`, after an edit that changed only some sessions' records: their pages'
        new content put at once into the pages served, where the last build left it (`spots`). The
        build that makes every page the edit changed is the caller's, after. The pages' addresses;
        none, with nothing written, when the edit changed more than that, or a page's file is not
        as we built it."""
        if self.published is None or self.files is None or self.kept is None or self.problems:
            return []
        options, last = self.published
        update = edited_sessions(options, self.kept, last)
        if update is None:
            return []
        journal, pages = update
        writes = []
        for page in pages:
            uri = self._uri(page.src_uri)
            file, spot = self.files.get_file_from_path(uri), self.spots.get(uri)
            built = spot.built() if spot is not None else None
            if file is None or spot is None or built is None:
                return []
            writes.append((file, spot, built, _content(page, file, self.files, self.toc_options)))
        for _, spot, built, content in writes:
            spot.put(built, content)
        self.published = (options, journal)
        edited = {page.src_uri: page for page in pages}  # the last good pages, should the next edit break a record
        self.pages = [edited.get(page.src_uri, page) for page in self.pages]
        return [file.url for file, *_ in writes]

    def on_page_content(self, html: str, *, page: MkPage, config: MkDocsConfig, files: Files) -> str:
        """While the journal or the site's config has errors (in `serve`), every page says so at the top;
        a page readers may comment on ends with its comments, where the site turned them on."""
        if self.overrides.config_problems:
            html = markup.error_banner(list(self.overrides.config_problems), "site's config") + html
        if self.problems:
            html = markup.error_banner([str(p) for p in self.problems]) + html
        if self.comments and isinstance(page, JournalPage) and page.journal_page.comments:
            html += self.comments
        return html

    def _uri(self, uri: str) -> str:
        return posixpath.join(self.prefix, uri) if self.prefix else uri

    def _section(self, files: Files) -> Section:
        """The sidebar's journal section, from the pages' places (`Nav`) in it."""

        def page(uri: str) -> MkPage | None:
            file = files.get_file_from_path(self._uri(uri))
            return file.page if file is not None else None

        placed = sorted(((p.nav, p.src_uri) for p in self.pages if p.nav is not None), key=lambda n: n[0].rank)
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


class JournalFile(File):
    """A journal page's file. In `pjournal serve`, whose builds after the first are dirty (MkDocs builds
    again only the pages whose file is modified), it is modified when its page's content changed since
    the last build, or its output is missing."""

    unchanged = False

    def is_modified(self) -> bool:
        return not self.unchanged or not os.path.isfile(self.abs_dest_path)


class JournalPage(MkPage):
    """A journal page, whose body arrives as HTML from our templates (as Material's blog publishes
    pages that are not Markdown files).

    MkDocs' Markdown pass has nothing to do on that HTML (and at thousands of sessions it was most of
    a build), so it runs only on Markdown another plugin or hook adds before or after the body in
    `on_page_markdown`. The page gets what the pass would give it: its table of contents, the ids
    links may point at, the permalinks of the site's `toc` extension, and its links to `.md` pages
    of the site made into links to those pages (one that names no page is a warning).
    """

    made: str | None = None  # the content as this class made it, when no other plugin added to the page

    def __init__(self, page: Page, file: File, config: MkDocsConfig) -> None:
        self.journal_page = page
        super().__init__(page.meta.get("title"), file, config)  # the sidebar's, also when a dirty build reads no page

    def read_source(self, config: MkDocsConfig) -> None:
        self.markdown = self.journal_page.body  # what other plugins' on_page_markdown see and may change
        self.meta = dict(self.journal_page.meta)

    def render(self, config: MkDocsConfig, files: Files) -> None:
        assert self.markdown is not None
        ours = self.journal_page
        body = _content(ours, self.file, files, _toc_options(config))
        before, found, after = self.markdown.partition(ours.body)
        if found and not before.strip() and not after.strip():
            self.content, self.toc, self.made = body, get_toc(toc_tokens(ours.headings)), body
            self.present_anchor_ids, self.links_to_anchors = _ids(body), {}
            return
        # another plugin changed the page's Markdown: MkDocs' own pass renders what it added
        added = self.markdown
        self.markdown = f"{before}\n\n{_BODY}\n\n{after}" if found else added
        super().render(config, files)
        self.markdown = added
        if found:
            self.content = (self.content or "").replace(f"<p>{_BODY}</p>", body, 1)
            self.toc = get_toc([*toc_tokens(ours.headings), *_tokens(self.toc)])
            self.present_anchor_ids = (self.present_anchor_ids or set()) | _ids(body)



def _content(page: Page, file: File, files: Files, toc_options: dict[str, Any]) -> str:
    """A journal page's body as the site shows it: its links to the site's pages resolved, permalinks added."""
    return with_permalinks(_linked(page.body, page.source, file, files), toc_options)


def _linked(html: str, source: Path | None, page: File, files: Files) -> str:
    """A record's relative links to `.md` pages of the site, read from docs_dir as a page at the site's
    root would read them, made into links to those pages; one that names no page is a warning."""

    def link(m: re.Match[str]) -> str:
        target = urlsplit(m.group(1).replace("&amp;", "&"))
        path = posixpath.normpath(target.path.lstrip("/"))
        file = files.get_file_from_path(path)
        if file is None or file.page is None:
            log.warning(f"{shown(source) if source else page.src_uri}: a link to '{target.path}' names no page of "
                        "the site (links to pages of the site are read from docs_dir, as from its index page)")  # fmt: skip
            return m.group(0)
        url = file.url_relative_to(page) + (f"#{target.fragment}" if target.fragment else "")
        return f'href="{escape(url)}"'

    return _MD_LINK.sub(link, html)


def _toc_options(config: MkDocsConfig) -> dict[str, Any]:
    """The site's `toc` extension options (its permalinks)."""
    return config.mdx_configs.get("toc") or config.mdx_configs.get("markdown.extensions.toc") or {}


#: A relative link to a Markdown file, as a record's text is rendered (`markup`): never our own links,
#: which point at pages' final addresses.
_MD_LINK = re.compile(r'href="(?![a-z][a-z0-9+.-]*:|/|#)([^"#?]*\.md(?:#[^"]*)?)"')
#: Where a journal page's body stands in Markdown another plugin added to it, for MkDocs' pass.
_BODY = "pjournal-page-body-b8c1f0"
_ID = re.compile(r'\sid="([^"]+)"')


#: The exports a journal page's head links to: (MIME type, title) by file name.
_FEEDS = {routes.FEED: ("application/atom+xml", "journal feed"), routes.JOURNAL_JSON: ("application/json", "journal.json")}


def _ids(html: str) -> set[str]:
    return set(_ID.findall(html))


def _errors_line(errors: list[LocatedError]) -> str:
    return f"The journal has {len(errors)} error{'' if len(errors) == 1 else 's'}:"


def _log(problems: list[LocatedError]) -> None:
    """Problems through MkDocs' log, so that `--strict` counts the warnings; the log adds the severity."""
    for problem in problems:
        (log.warning if problem.severity == "warning" else log.error)(problem.format(severity=False))


def _tokens(toc: Any) -> list[dict[str, Any]]:
    """A table of contents back as `toc` tokens, to join it with another."""
    return [{"level": i.level, "id": i.id, "name": i.title, "children": _tokens(i.children)} for i in toc]


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
