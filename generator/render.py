"""Jinja2 templates to pages: a validated journal in, {src_uri: Page} out, no I/O.

A page's body is HTML, written by the templates with links to the pages' final addresses,
so MkDocs can show it without a Markdown pass of its own (the plugin hands it over as it
is: at thousands of sessions, Markdown conversion was most of a build). Templates escape
every value they print; user text is only ever data handed to them, never template source,
and reaches a page as markup only through the `inline` and `block` filters (see `markup`).
"""

from __future__ import annotations

import functools
import itertools
from collections import defaultdict
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, NamedTuple

import yaml
from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context, select_autoescape
from markdown.extensions.toc import slugify
from markupsafe import Markup, escape

from . import analyze, attribution, charts, framework, lessons as lessons_, markup, routes, stats, story
from .errors import JournalError, LocatedError, UserError
from .load import display_path
from .model import Journal, Session
from .routes import address, relative, unique_slug


class Heading(NamedTuple):
    """A heading of a page, for its table of contents: `name` is its text, HTML-escaped."""

    level: int
    id: str
    name: str


@dataclass(frozen=True)
class Page:
    """A generated page: its front matter, its HTML body and headings, the record it shows (for the "edit" link)."""

    src_uri: str
    meta: dict[str, Any]
    body: str
    headings: tuple[Heading, ...] = ()
    source: Path | None = None
    nav: Nav | None = None  # its place in the sidebar, for the few pages there
    comments: bool = False  # a page readers may comment on, where a site turns comments on (`comments_block`)

    @property
    def front_matter(self) -> str:
        """The page's front matter as a Markdown file starts with it, for `render -o`."""
        return "---\n" + yaml.safe_dump(self.meta, sort_keys=False, allow_unicode=True, width=10_000) + "---\n\n"

    @property
    def content(self) -> str:
        """The page as a Markdown file (front matter, then the HTML body), for golden files. Made
        when asked, not kept: a page held twice was a tenth of a render's memory at 10,000 sessions."""
        return self.front_matter + self.body


#: Our headings carry an id; headings inside user text never do (the sanitizer allows no attributes on them).
OWN_HEADING = re.compile(r'<h([1-6]) id="([^"]+)">(.*?)</h\1>')
_TAG = re.compile(r"<[^>]*>")


def headings(body: str) -> tuple[Heading, ...]:
    """The page's own headings, in order, for its table of contents."""
    return tuple(Heading(int(level), id, _TAG.sub("", inner).strip()) for level, id, inner in OWN_HEADING.findall(body))


def with_permalinks(html: str, options: dict[str, Any]) -> str:
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


def toc_tokens(heads: tuple[Heading, ...]) -> list[dict[str, Any]]:
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


def anchor(text: str) -> str:
    """An id made of a heading's text, as Markdown's table of contents makes it; never a theme's own "__" id."""
    return "h" + slug if (slug := slugify(markup.text(text), "-")).startswith("_") or not slug else slug


def _here(context: Any) -> str:
    """The folder of the page being rendered, as its final address has it: what its links are relative to."""
    page = address(context["page_uri"], context["directory_urls"])
    return page.rstrip("/") if context["directory_urls"] else posixpath.dirname(page)


def stylesheet_link(src_uri: str, stylesheet: str, directory_urls: bool) -> str:
    """A `<link>` to the journal's stylesheet, at the top of a page's body where no plugin puts it in
    the head (`render -o`, for Zensical or any engine): relative to the page's address, as raw HTML's
    links are not rewritten by MkDocs."""
    page = address(src_uri, directory_urls)
    here = page.rstrip("/") if directory_urls else posixpath.dirname(page)
    return f'<link rel="stylesheet" href="{escape(relative(stylesheet, here))}">\n\n'


@pass_context
def _url(context: Any, target: str) -> str:
    """A link from the page being rendered to another generated page ("partners/a.md"), by final address."""
    return relative(address(target, context["directory_urls"]), _here(context)) or "./"


# Links every page carries by the hundred: Python, not Jinja macros, which cost ten times more a call.


def _link(href: str, html: str) -> Markup:
    """A link around HTML made safe already; links inside that HTML keep only their text."""
    return Markup(f'<a href="{escape(href)}">{markup.unlinked(str(html))}</a>')


@pass_context
def _partner(context: Any, id: str) -> Markup:
    """A partner's public name linked to its page (an unknown id as text)."""
    public = context["names"].get(id)
    if public is None:
        return _inline(id)
    return _link(_url(context, routes.partner(public.slug)), markup.inline(public.name))


@pass_context
def _session_link(context: Any, session: Session) -> Markup:
    draft = " <em>(draft)</em>" if session.status == "draft" else ""
    return _link(_url(context, routes.session(session.id)), markup.inline(session.title)) + Markup(draft)


@pass_context
def _case_link(context: Any, id: str) -> Markup:
    return _link(_url(context, routes.case_study(id)), markup.inline(context["j"].case_studies[id].title))


@pass_context
def _count(context: Any, key: str, optional: bool = False) -> Markup:
    """A number that opens the records it counts: `<a class="pj-count">N</a>` to their list (none: "0").
    A set that only exists when it has records (one topic's feedback, one kind's work) is `optional`."""
    counted = context["sets"].get(key) if optional else context["sets"][key]
    if counted is None or not counted.items:
        return Markup("0")
    href = f"{_url(context, routes.count(counted.page))}#{key}" if counted.page else f"{_url(context, routes.count(key))}#records"
    return Markup(f'<a class="pj-count" href="{escape(href)}">{len(counted.items)}</a>')


@pass_context
def _say(context: Any, sentence: story.Sentence) -> Markup:
    """A generated sentence: its text escaped, each figure a count that opens its records."""
    return Markup("").join(_count(context, part.key, optional=True) if isinstance(part, story.Figure) else escape(part)
                           for part in sentence)  # fmt: skip


@pass_context
def _share_of(context: Any, part: int, key: str) -> Markup:
    """A rate whose whole is a count that opens its records: "4 of <a class="pj-count">5</a> (80%)"."""
    whole = len(context["sets"][key].items)
    text = _counted(stats.Rate(part, whole))
    if not whole:
        return Markup(escape(text))
    return Markup(f"{part} of ") + _count(context, key) + escape(text.removeprefix(f"{part} of {whole}"))


@pass_context
def _record_link(context: Any, item: analyze.Counted) -> Markup:
    """A counted record, linked to its place on its session's page."""
    href = _url(context, routes.session(item.session.id)) + (f"#{item.anchor}" if item.anchor else "")
    return _link(href, markup.inline(item.text))


@pass_context
def _counted_items(context: Any, items: list[analyze.Counted]) -> Markup:
    """A count's records as list items, a line each: the session's date (and title, for a record
    within it), and the record linked to its place. Count pages list a hundred thousand records at
    1,000 sessions: one function for the whole list, each session's address worked out once, and
    each text made HTML once for all pages (`Site.shown_texts`: a record is in many counts)."""
    urls, here, shown = context["directory_urls"], _here(context), context["shown_texts"]
    texts, titles = shown.texts, shown.titles
    hrefs: dict[str, str] = {}
    lines = []
    for item in items:
        session = item.session
        href = hrefs.get(session.id)
        if href is None:
            href = hrefs[session.id] = escape(relative(address(routes.session(session.id), urls), here) or "./")
        text = texts.get(item.text)
        if text is None:
            text = texts[item.text] = markup.unlinked(markup.inline(item.text))
        if item.anchor:
            title = titles.get(session.title)
            if title is None:
                title = titles[session.title] = markup.inline(session.title)
            lines.append(f'<li>{session.date}, {title}: <a href="{href}#{item.anchor}">{text}</a></li>\n')
        else:
            lines.append(f'<li>{session.date}: <a href="{href}">{text}</a></li>\n')
    return Markup("".join(lines))


class ShownTexts:
    """Record texts as a count's list shows them (as HTML, links taken out) and session titles (as
    HTML), each made once for all the pages of a render, and in `serve` for all renders."""

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}
        self.titles: dict[str, str] = {}


@pass_context
def _disagreement_link(context: Any, session: Session, number: int, text: str) -> Markup:
    return _link(f"{_url(context, routes.session(session.id))}#{routes.anchor('disagreement', number)}", text)


def _inline(text: str) -> Markup:
    return Markup(markup.inline(text))


def _block(text: str, level: int = 3) -> Markup:
    return Markup(markup.block(text, level))


def _literal(text: str) -> Markup:
    return Markup(markup.literal(text))


def _counted(rate: stats.Rate, interval: bool = False) -> str:
    """A rate with its counts, "4 of 5 (80%)", its 95% interval if asked for, and marked when its
    items are too few to read it as a figure (stats.MIN_ITEMS)."""
    if not rate.whole:
        return "none"
    notes = [f"{rate.percent}%"]
    if interval:
        low, high = rate.interval  # type: ignore[misc]
        notes.append(f"95% interval {round(100 * low)}–{round(100 * high)}%")
    if not rate.enough:
        notes.append("too few")
    return f"{rate.part} of {rate.whole} ({'; '.join(notes)})"


def _share(part: int, whole: int) -> str:
    return _counted(stats.Rate(part, whole))


def _percent(value: float | None) -> str:
    return "" if value is None else f"{round(value * 100)}%"


def _verdict(value: bool | None) -> str:
    """Whether it held up; "not verified" makes no promise that it ever will be."""
    return {True: "held up", False: "did not hold up", None: "not verified"}[value]


@pass_context
def _held_up(context: Any, item: Any, session: Session) -> Markup:
    """Whether a contribution or decision held up, and how that was found out: when (and how long
    after the session), by whom, and the note."""
    text = Markup(escape(_verdict(item.held_up)))
    v = item.verified
    if v is None or item.held_up is None:
        return text
    parts = []
    if v.date is not None:
        days = (v.date - session.date).days
        parts.append(f"on {v.date} ({_plural(days, 'day')} after the session)" if days >= 0 else f"on {v.date}")
    if v.by is not None:
        parts.append(Markup("by ") + _partner(context, v.by))
    found = Markup(", found out ") + Markup(" ").join(parts) if parts else Markup("")
    note = Markup(": ") + _inline(markup.text(v.note)) if v.note else Markup("")
    return text + found + note


#: A page description's length at most: what link previews and search results show of it.
DESCRIPTION_CHARS = 200


def sentences(*texts: str | None) -> str:
    """Texts (inline or block Markdown) as plain sentences on one line, each ending in a full stop:
    a page's description, a feed entry's summary."""
    said = (" ".join(markup.text(t).split()) for t in texts if t)
    return " ".join(t.rstrip(".") + "." for t in said if t)


def describe(*texts: str | None) -> str:
    """A page's description for link previews (Material writes it as `<meta name="description">`,
    its social cards print it): the texts as plain sentences, cut at a word within DESCRIPTION_CHARS,
    inert in an attribute a theme prints unescaped (as `markup.plain` makes titles, quotes typographic)."""
    said = sentences(*texts)
    if len(said) > DESCRIPTION_CHARS:
        said = said[: DESCRIPTION_CHARS - 1].rsplit(" ", 1)[0].rstrip(",;:") + "\u2026"
    parts = markup.plain(said).split('"')  # quotes made typographic, opening and closing in turn
    return "".join(p + "\u201c\u201d"[i % 2] for i, p in enumerate(parts[:-1])) + parts[-1]


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


def _used_kinds(matrix: dict[str, Any]) -> list[str]:
    """The kinds of work that occur in a partner-by-kind matrix, in the standard order."""
    return [k for k in analyze.KINDS if any(counts.get(k) for counts in matrix.values())]


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("generator", "templates"),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html.j2", "svg.j2", "xml.j2"), default_for_string=False,
                                     default=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        inline=_inline, block=_block, literal=_literal, plain=markup.plain, percent=_percent, verdict=_verdict, plural=_plural,
        anchor=anchor, counted=_counted, describe=describe, link_text=lambda text: Markup(markup.unlinked(markup.inline(text))), first_upper=analyze.first_upper,
    )  # fmt: skip
    env.globals.update(
        url=_url, routes=routes, kinds=analyze.KINDS, outcomes=analyze.OUTCOMES, used_kinds=_used_kinds, share=_share, share_of=_share_of,
        partner=_partner, say=_say, session_link=_session_link, held_up=_held_up, count=_count, record_link=_record_link, counted_items=_counted_items, case_link=_case_link, disagreement_link=_disagreement_link,
        right=Markup(' style="text-align: right;"'),  # a number column's cells, as Markdown tables align them
        min_items=stats.MIN_ITEMS, min_sessions=analyze.MIN_SESSIONS, min_claims=analyze.MIN_CLAIMS, deciders=framework.DECIDERS, side_names=analyze.SIDE_NAMES,
        window=framework.WINDOW, failures_shown=framework.FAILURES_SHOWN,
    )  # fmt: skip
    return env


ENV = _environment()


def _bars(id: str, title: str, rows: list[tuple[str, dict[str, int]]], kinds: tuple[str, ...] = analyze.KINDS,
          colours: dict[str, str] = charts.KIND_COLOURS) -> Markup:  # type: ignore[assignment]
    return _bars_of(id, title, tuple((label, tuple(counts.items())) for label, counts in rows), kinds,
                    tuple(colours.items()))  # fmt: skip


@functools.lru_cache(maxsize=1024)  # in `serve`, most charts are the same after an edit
def _bars_of(id: str, title: str, rows: tuple[tuple[str, tuple[tuple[str, int], ...]], ...], kinds: tuple[str, ...],
             colours: tuple[tuple[str, str], ...]) -> Markup:  # fmt: skip
    shape = charts.stacked_bars(title, [(label, dict(counts)) for label, counts in rows], kinds, dict(colours))
    return Markup(ENV.get_template("bars.svg.j2").render(chart=shape, id=id, label_chars=charts.LABEL_CHARS))


def _partner_bars(site: Site, id: str, title: str, matrix: dict[str, Any]) -> Markup:
    rows = [(markup.text(site.names[p].name), dict(counts)) for p, counts in matrix.items() if p in site.names]
    return _bars(id, title, rows)


def _reliability(id: str, title: str, calibration: analyze.Calibration) -> Markup:
    bands = [(b.stated, b.observed, len(b.claims), f"said {b.low}-{b.high}% sure {len(b.claims)} times; held up {b.held}")
             for b in calibration.bands]  # fmt: skip
    return Markup(ENV.get_template("reliability.svg.j2").render(chart=charts.reliability(title, bands), id=id))


def _flow(site: Site, id: str, title: str, sets: dict[str, str]) -> Markup:
    """The flow chart of handoffs by side, from the count sets that hold them (side -> set key)."""
    sides = [(*side.split("-to-"), len(site.count_sets[key].items), analyze.SIDE_NAMES[side])
             for side, key in sets.items() if site.count_sets[key].items]  # fmt: skip
    return Markup(ENV.get_template("flow.svg.j2").render(chart=charts.flow(title, sides), id=id, node_y=charts.NODE_Y,
                                                         node_half=charts.NODE_HALF))  # fmt: skip


def _scope_flow(site: Site, scope: framework.Scope, id: str, whose: str) -> Markup:
    """A case study's or partner's handoffs by side, as the flow chart."""
    return _flow(site, id, f"Handoffs by side: {whose}", {side: scope.key(f"handoffs-{side}") for side in scope.sides})


#: Open disagreements listed on the ledger page, newest first; all of them are on the year pages.
OPEN_SHOWN = 50

#: Lessons of a tag shown on the lessons page; all of them are on the tag's own page.
LESSONS_SHOWN = 5

#: The framework's figures of a journal and the count sets behind them (`framework.views`).
Figures = tuple[framework.Views, list[analyze.CountSet]]


class SessionCache:
    """Per-session output kept across renders (`serve`): made again only when the session object
    is new (its file changed) or anything it shows of other records did (the `key`)."""

    def __init__(self) -> None:
        self.key: tuple[Any, ...] = ()
        self.items: dict[str, tuple[Session, Any]] = {}

    def get(self, key: tuple[Any, ...], session: Session) -> Any:
        if key != self.key:
            self.key, self.items = key, {}
        hit = self.items.get(session.id)
        return hit[1] if hit is not None and hit[0] is session else None

    def put(self, session: Session, value: Any) -> None:
        self.items[session.id] = (session, value)


class PageMemo:
    """Journal-wide pages kept across renders (`serve`). A page is made again only when what its
    template was given differs from the last render: its values, what every template may read of
    the journal (`Shown`), or one of the count sets it looked up (`_Lookups`). Compared by value:
    a page is a function of these alone, and its template is the same in one process."""

    def __init__(self) -> None:
        self.shown: Shown | None = None
        self.sets: dict[str, analyze.CountSet] = {}
        self.pages: dict[str, tuple[tuple[Any, ...], frozenset[str], Page]] = {}
        self.shown_texts = ShownTexts()


@dataclass(frozen=True)
class Shown:
    """What of the journal every template is given as `j`, besides its own values: the partners and
    case studies. Nothing else of the journal reaches a template (the memo of pages relies on it)."""

    partners: dict[str, Any]
    case_studies: dict[str, Any]


#: A template that went through every count set, not one by its key.
_EVERY = "\0every"


class _Lookups(Mapping[str, analyze.CountSet]):
    """The count sets, as a template sees them: each one it looks up is noted (`read`). They are
    made only when a template first looks one up: a session's own page needs none."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> analyze.CountSet:
        self.read.add(key)
        return self.site.count_sets[key]

    def __iter__(self) -> Iterator[str]:
        self.read.add(_EVERY)
        return iter(self.site.count_sets)

    def __len__(self) -> int:
        self.read.add(_EVERY)
        return len(self.site.count_sets)


def shared_key(journal: Journal) -> tuple[Any, ...]:
    """What a session's own page or export shows of other records: the partners, case study titles."""
    return (tuple(p.model_dump_json() for p in journal.partners.values()),
            tuple((id, c.title) for id, c in journal.case_studies.items()))  # fmt: skip


def _claim(claimed: dict[str, str], uri: str, source: Path | None, journal: Journal) -> None:
    """Take a page's address, with and without directory URLs, as a case-insensitive file system
    sees it; a second page there would overwrite the first, so it is an error, never done.

    Ids, tags and aliases are made safe before this (`routes`): this is the guarantee behind them.
    """
    for taken in {address(uri, True).lower(), address(uri, False).lower()}:
        other = claimed.setdefault(taken, uri)
        if other != uri:
            where = display_path(source, journal.root) if source is not None else "journal"
            raise JournalError([LocatedError(where, message=f"two pages would be published at '{taken}' "
                                             f"({other} and {uri}); rename one")])  # fmt: skip


# The site: its shared figures, its kinds of page, each a generator of page specs


@dataclass(frozen=True)
class Nav:
    """A page's place in the sidebar's journal section: its rank there, and the subsection it sits in
    (the first page of a subsection is its index page)."""

    rank: int
    section: str | None = None


@dataclass(frozen=True)
class PageSpec:
    """One page to render: where, with which template and values, from which record (its "edit" link).

    `session` marks a session's own page, which `render_site` keeps across renders while the
    session is unchanged.
    """

    uri: str
    template: str
    values: dict[str, Any]
    source: Path | None = None
    nav: Nav | None = None
    session: Session | None = None


class Site:
    """A published journal and the figures its pages share, each computed once, when first asked for."""

    def __init__(self, journal: Journal, directory_urls: bool, cache: SessionCache | None = None,
                 memo: PageMemo | None = None, figures: Figures | None = None) -> None:  # fmt: skip
        self.journal = journal
        if figures is not None:
            self.__dict__["framework"] = figures  # made by the caller, who shares them with the exports
        self.directory_urls = directory_urls
        self.cache = cache  # kept across renders (`serve`), as `memo` is: without them, a page is let go once made
        self.shared = (directory_urls, shared_key(journal))
        self.shown = Shown(journal.partners, journal.case_studies)
        self.memo = memo
        self.shown_texts = memo.shown_texts if memo is not None else ShownTexts()
        self.memoised: dict[str, tuple[tuple[Any, ...], frozenset[str], Page]] = {}  # this render's, for the next
        self.changed_sets: dict[str, bool] = {}

    def page(self, spec: PageSpec) -> Page:
        """The spec's page: the last render's when nothing its template is given has changed (`PageMemo`)."""
        if spec.session is not None:
            return _render(spec, self)[0]
        key = (spec.template, spec.source, spec.nav, self.directory_urls, spec.values)
        memo = self.memo
        last = memo.pages.get(spec.uri) if memo is not None and memo.shown == self.shown else None
        if last is not None and last[0] == key and not any(map(self._set_changed, last[1])):
            page, read = last[2], last[1]
        else:
            page, read = _render(spec, self)
        if memo is not None:
            self.memoised[spec.uri] = (key, read, page)
        return page

    def _set_changed(self, key: str) -> bool:
        """Whether a count set (or, for `_EVERY`, any) differs from the last render's; each compared once."""
        changed = self.changed_sets.get(key)
        if changed is None:
            last = self.memo.sets if self.memo is not None else {}
            if key == _EVERY:
                changed = last.keys() != self.count_sets.keys() or any(map(self._set_changed, self.count_sets))
            else:
                changed = last.get(key) != self.count_sets.get(key)
            self.changed_sets[key] = changed
        return changed

    def remember(self) -> None:
        """Keep this render's journal-wide pages and what they were made of, for the next render."""
        if self.memo is not None:
            self.memo.shown, self.memo.sets, self.memo.pages = self.shown, self.count_sets, self.memoised

    def kept(self, session: Session) -> Page | None:
        """The session's page from the last render, if nothing it shows has changed since."""
        return self.cache.get(self.shared, session) if self.cache is not None else None

    @functools.cached_property
    def names(self) -> dict[str, analyze.PublicPartner]:
        return analyze.public_partners(self.journal.partners)

    @functools.cached_property
    def case_sessions(self) -> dict[str, list[Session]]:
        return analyze.sessions_of_case(self.journal)

    @functools.cached_property
    def partner_sessions(self) -> dict[str, list[Session]]:
        return analyze.sessions_of_partner(self.journal)

    @functools.cached_property
    def ledger(self) -> analyze.Ledger:
        return analyze.ledger(self.journal)

    @functools.cached_property
    def calibration(self) -> dict[str, analyze.Calibration]:
        return analyze.calibration(self.journal)

    @functools.cached_property
    def unit(self) -> str:
        return analyze.granularity(self.journal.sessions)

    @functools.cached_property
    def framework(self) -> Figures:
        return framework.views(self.journal)

    @functools.cached_property
    def count_sets(self) -> dict[str, analyze.CountSet]:
        sets = analyze.count_sets(self.journal)
        more = {c.key: c for c in self.framework[1]}
        for trend in self.trends.values():  # each partnership's halves, as its "how it changed" counts them
            for key, words, sessions in zip(trend.halves, ("first", "last"), (trend.before, trend.after)):
                title = f"The {words} sessions of {self._partnership_name(trend.partnership)}"
                items = analyze.newest_first([analyze.Counted(s, "", s.title) for s in sessions])
                more[key] = analyze.CountSet(key, title, items, "halves", "The halves each partnership is set against")
            more.update((c.key, c) for c in self.calibration_halves[trend.partnership.key][1])
        more.update((c.key, c) for c in story.lead_sets(self.journal))
        for id, studied in self.case_sessions.items():
            more.update((c.key, c) for c in story.case_sets(id, studied, self.framework[0].failures_of_case(id)))
            more.update((c.key, c) for c in self.half_measures[id][1])
        assert not sets.keys() & more.keys(), sets.keys() & more.keys()  # keys are made to differ
        return sets | more

    def _partnership_name(self, p: analyze.Partnership) -> str:
        if p.case_study is not None:
            return self.journal.case_studies[p.case_study].title
        h, a = p.pair  # type: ignore[misc]
        return f"{self.names[h].name} and {self.names[a].name}"

    @functools.cached_property
    def calibration_halves(self) -> dict[str, tuple[tuple[story.CalibrationHalf, ...], list[analyze.CountSet]]]:
        """Each partnership's calibration in its first and its last sessions, by partnership key."""
        return {key: story.calibration_halves(t, self.journal) for key, t in self.trends.items()}

    @functools.cached_property
    def half_measures(self) -> dict[str, tuple[list[story.HalfMeasure], list[analyze.CountSet]]]:
        """Each case study's measures its narrative names, in its first and last sessions."""
        j = self.journal
        return {id: story.half_measures(id, studied, j, j.case_studies[id].narrative, analyze.MIN_SESSIONS)
                for id, studied in self.case_sessions.items()}  # fmt: skip

    @functools.cached_property
    def sizes(self) -> dict[str, int]:
        """How many records each count set holds: what generated sentences say."""
        return {key: len(c.items) for key, c in self.count_sets.items()}

    @functools.cached_property
    def trends(self) -> dict[str, analyze.Trend]:
        return analyze.trends(self.journal)

    @functools.cached_property
    def pairs(self) -> dict[tuple[str, str], tuple[str, analyze.Trend]]:
        """Each pair with a trend of its own: its page's slug (from public names) and the trend."""
        taken: set[str] = set()
        found = {}
        for t in self.trends.values():
            if t.partnership.pair is not None:
                h, a = t.partnership.pair
                found[(h, a)] = (unique_slug(f"{self.names[h].slug}-{self.names[a].slug}", taken, "pair"), t)
        return found


def overview(site: Site) -> Iterator[PageSpec]:
    j = site.journal
    yield PageSpec(routes.OVERVIEW, "overview.html.j2", dict(
        counts=analyze.counts(j), latest=analyze.latest(j.sessions), case_sessions=site.case_sessions,
        prose=attribution.prose(j.sessions, j.partners), statement=attribution.statement(j.sessions, j.partners),
        lead=story.lead(j, site.framework[0].journal, site.sizes),
        case_prose={id: attribution.prose(studied, j.partners, j.case_studies[id].attribution)
                    for id, studied in site.case_sessions.items()},
        lessons=analyze.lessons_of(analyze.latest(j.sessions, LESSONS_SHOWN))[:LESSONS_SHOWN],
    ), nav=Nav(0))  # fmt: skip


def sessions_by_year(site: Site) -> Iterator[PageSpec]:
    """The sessions index, and a page a year: no page lists every session."""
    years = analyze.sessions_by_year(site.journal.sessions)
    yield PageSpec(routes.SESSIONS, "sessions.html.j2", dict(years=years), nav=Nav(4))
    for year, in_year in years:
        yield PageSpec(routes.year(year), "year.html.j2", dict(year=year, sessions=in_year,
                                                               months=analyze.months(year, in_year, site.unit)))  # fmt: skip


def case_study_index(site: Site) -> Iterator[PageSpec]:
    yield PageSpec(routes.CASE_STUDIES, "case_studies.html.j2", dict(case_sessions=site.case_sessions),
                   nav=Nav(2, "Case studies"))  # fmt: skip


def partner_index(site: Site) -> Iterator[PageSpec]:
    yield PageSpec(routes.PARTNERS, "partners.html.j2", dict(partner_sessions=site.partner_sessions), nav=Nav(3))


def lessons(site: Site) -> Iterator[PageSpec]:
    """Every lesson once, the most widely learned first, and every lesson of a tag on the tag's own page."""
    groups = analyze.lesson_groups(site.journal.sessions)
    yield PageSpec(routes.LESSONS, "lessons.html.j2", dict(
        groups=groups, lessons=lessons_.merged(site.journal.sessions), tag_pages={g.tag: g.slug for g in groups},
        min_words=lessons_.MIN_WORDS,
    ), nav=Nav(5))  # fmt: skip
    for group in groups:
        yield PageSpec(routes.lesson_tag(group.slug), "lesson_tag.html.j2", dict(group=group))


def ledger(site: Site) -> Iterator[PageSpec]:
    """The ledger's figures and open disagreements, and every disagreement on its year's page."""
    years = analyze.ledger_years(site.ledger)
    yield PageSpec(routes.LEDGER, "ledger.html.j2", dict(
        ledger=site.ledger, years=years, open_outcomes=analyze.OPEN_OUTCOMES, open_shown=OPEN_SHOWN,
        scope=site.framework[0].journal,
    ), nav=Nav(6))  # fmt: skip
    for ledger_year in years:
        yield PageSpec(routes.ledger_year(ledger_year.year), "ledger_year.html.j2", dict(ledger_year=ledger_year))


def handoffs(site: Site) -> Iterator[PageSpec]:
    """Who hands what to whom: the flows between partners, by side and by case study."""
    by_case = [(id, sum(len(s.handoffs) for s in sessions)) for id, sessions in site.case_sessions.items()]
    whole = site.framework[0].journal
    yield PageSpec(routes.HANDOFFS, "handoffs.html.j2", dict(
        handoffs=analyze.handoffs(site.journal), by_case=[(id, n) for id, n in by_case if n], scope=whole,
        chart=_scope_flow(site, whole, "handoffs-flow", "human and AI partners"),
    ), nav=Nav(7))  # fmt: skip


def framework_page(site: Site) -> Iterator[PageSpec]:
    """The post's framework walked with the journal's own figures, a section a theme."""
    j, views = site.journal, site.framework[0]
    yield PageSpec(routes.FRAMEWORK, "framework.html.j2", dict(
        loops=analyze.feedback_loops(j), directions=analyze.LOOPS, scope=views.journal,
        calibration=site.calibration, min_claims=analyze.MIN_CLAIMS, trends=site.trends, pairs=site.pairs,
        changes=[(t, sentence) for t in site.trends.values() for sentence in t.sentences],
        prose=attribution.prose(j.sessions, j.partners),
        chart=_scope_flow(site, views.journal, "framework-handoffs", "human and AI partners"),
    ), nav=Nav(1))  # fmt: skip


def feedback(site: Site) -> Iterator[PageSpec]:
    """Feedback both ways, topic by topic, and what the AI suggested about the process."""
    loops = analyze.feedback_loops(site.journal)
    rows = [(words, {topic: cell.count for (way, topic), cell in loops.cells.items() if way == direction})
            for direction, words in (("human-to-ai", "To the AI"), ("ai-to-human", "From the AI"))]  # fmt: skip
    chart = _bars("feedback-topics", "Feedback each way, by topic", rows, analyze.TOPICS, charts.TOPIC_COLOURS)
    yield PageSpec(routes.FEEDBACK, "feedback.html.j2", dict(loops=loops, directions=analyze.LOOPS, chart=chart,
                                                             scope=site.framework[0].journal), nav=Nav(8))  # fmt: skip


def evolution(site: Site) -> Iterator[PageSpec]:
    periods = analyze.periods(site.journal)
    yield PageSpec(routes.EVOLUTION, "evolution.html.j2", dict(
        periods=periods, unit=site.unit, trends=site.trends, pairs=site.pairs,
        changes=[(t, sentence) for t in site.trends.values() for sentence in t.sentences],
        ai_chart=_bars("evolution-ai", "Kinds of AI contributions by period",
                       [(p.label, dict(p.kinds["ai"])) for p in periods]),
        human_chart=_bars("evolution-human", "Kinds of human contributions by period",
                          [(p.label, dict(p.kinds["human"])) for p in periods]),
    ), nav=Nav(9))  # fmt: skip


#: Records listed on one page of a count; a longer list is split into a page a year.
COUNT_PAGE = 500


def count_pages(site: Site) -> Iterator[PageSpec]:
    """The records behind each count, on a page of their own: one list, or a list of years whose
    counts open a page a year (a count of thousands stays a page a reader can open)."""
    shared: dict[str, list[analyze.CountSet]] = {}
    for key, counted in site.count_sets.items():
        if not counted.items:
            continue
        if counted.page:
            shared.setdefault(counted.page, []).append(counted)
            continue
        if len(counted.items) <= COUNT_PAGE:
            yield PageSpec(routes.count(key), "count.html.j2", dict(counted=counted, years=None))
            continue
        years = analyze.by_year(counted.items)
        yield PageSpec(routes.count(key), "count.html.j2", dict(counted=counted, years=years))
        yield from _year_pages(counted, years)
    for page, together in shared.items():  # a list of thousands there is a list of years too
        years = {c.key: analyze.by_year(c.items) for c in together if len(c.items) > COUNT_PAGE}
        yield PageSpec(routes.count(page), "counts.html.j2", dict(page_title=together[0].page_title, together=together,
                                                                  years=years))  # fmt: skip
        for counted in together:
            yield from _year_pages(counted, years.get(counted.key, []))


def _year_pages(counted: analyze.CountSet, years: list[tuple[int, list[analyze.Counted]]]) -> Iterator[PageSpec]:
    """A page a year of a count's records (none for a count listed whole)."""
    for year, items in years:
        yield PageSpec(routes.count_year(counted.key, year), "count.html.j2",
                       dict(counted=analyze.CountSet(counted.key, f"{counted.title} in {year}", items), years=None))


def partnership_pages(site: Site) -> Iterator[PageSpec]:
    """Each human and AI pair that shared sessions enough (and is not a case study's): its change over them."""
    for (h, a), (slug, t) in site.pairs.items():
        yield PageSpec(routes.partnership(slug), "partnership.html.j2", dict(human=h, ai=a, trend=t,
                                                                               calibrated=site.calibration_halves[t.partnership.key][0]))  # fmt: skip


def calibration(site: Site) -> Iterator[PageSpec]:
    """The charts and band tables of every partner, and the claims behind each one's on a page of its own."""
    names, scored = site.names, site.calibration
    yield PageSpec(routes.CALIBRATION, "calibration.html.j2", dict(
        calibration=scored, min_claims=analyze.MIN_CLAIMS,
        charts={id: _reliability(f"calibration-{names[id].slug}",
                                 f"Stated confidence against what held up: {markup.text(names[id].name)}", c)
                for id, c in scored.items() if c.claims},
    ), nav=Nav(10))  # fmt: skip
    for id, c in scored.items():
        if c.claims:
            yield PageSpec(routes.calibration_of(names[id].slug), "calibration_partner.html.j2",
                           dict(public=names[id], calibration=c, min_claims=analyze.MIN_CLAIMS))  # fmt: skip


def session_pages(site: Site, sessions: Iterable[Session] | None = None) -> Iterator[PageSpec | Page]:
    """The sessions' own pages (all of them by default); each shows nothing of other sessions (`shared_key`)."""
    j = site.journal
    for session in j.sessions if sessions is None else sessions:
        yield site.kept(session) or PageSpec(routes.session(session.id), "session.html.j2", dict(
            session=session, prose=attribution.prose([session], j.partners, session.attribution),
            statement=attribution.statement([session], j.partners),
        ), j.source("session", session.id), session=session)  # fmt: skip


def own_pages(journal: Journal, sessions: list[Session], *, directory_urls: bool = True) -> list[Page]:
    """Some sessions' own pages, made alone as `render_site` makes them (a session's page shows nothing
    of other records but what `shared_key` holds): what `serve` shows first after an edit of them."""
    site = Site(journal, directory_urls)
    return list(_made(site, session_pages(site, sessions)))


def case_study_pages(site: Site) -> Iterator[PageSpec]:
    j = site.journal
    for id, study in j.case_studies.items():
        studied = site.case_sessions[id]
        matrix = analyze.contribution_matrix(analyze.contributions_of(studied))
        yield PageSpec(routes.case_study(id), "case_study.html.j2", dict(
            study=study, sessions=studied, matrix=matrix, rows=analyze.ledger_rows(studied),
            trend=site.trends.get(f"case-study:{id}"), calibrated=site.calibration_halves.get(f"case-study:{id}", ((), []))[0],
            handoffs=[analyze.Counted(s, routes.anchor("handoff", i), h.what) for s in studied
                      for i, h in enumerate(s.handoffs, 1)],
            scope=site.framework[0].cases[id][0], practices=site.framework[0].cases[id][1],
            failed=site.framework[0].failures_of_case(id),
            flow=_scope_flow(site, site.framework[0].cases[id][0], f"handoffs-{id}", markup.text(study.title)),
            lessons=lessons_.merged(studied),
            chart=_partner_bars(site, f"contributions-{id}",
                                f"Contributions to {markup.text(study.title)} by partner and kind", matrix),
            prose=attribution.prose(studied, j.partners, study.attribution),
            statement=attribution.statement(studied, j.partners),
            measures=site.half_measures[id][0], halves=(len(studied) // 2, len(studied) - len(studied) // 2),
            themes=story.case_themes(id, matrix, site.names, site.framework[0].cases[id][0], site.sizes),
        ), j.source("case-study", id), Nav(2, "Case studies"))  # fmt: skip


def partner_pages(site: Site) -> Iterator[PageSpec]:
    j = site.journal
    profiles, roles = analyze.profiles(j), analyze.roles(j)
    pairs: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for (h, a), (slug, _) in site.pairs.items():
        pairs[h].append((slug, a))
        pairs[a].append((slug, h))
    for id, partner in j.partners.items():
        public, profile = site.names[id], profiles[id]
        yield PageSpec(routes.partner(public.slug), "partner.html.j2", dict(
            record=partner, public=public, sessions=site.partner_sessions[id], roles=roles[id], profile=profile,
            positions=site.ledger.by_partner.get(id),
            calibration=site.calibration.get(id), min_claims=analyze.MIN_CLAIMS,
            pairs=pairs[id],
            scope=site.framework[0].partners[id][0], practice=site.framework[0].partners[id][1],
            failed=site.framework[0].failures_of_partner(id),
            flow=_scope_flow(site, site.framework[0].partners[id][0], f"handoffs-{public.slug}", markup.text(public.name)),
            chart=_partner_bars(site, f"kinds-{public.slug}", f"Contributions of {markup.text(public.name)} by kind",
                                {id: profile.contributions}),
        ), j.source("partners", id))  # fmt: skip


#: The kinds of page of a journal's site, in the order their pages are handed over.
PAGE_KINDS: tuple[Callable[[Site], Iterable[PageSpec | Page]], ...] = (
    overview, framework_page, sessions_by_year, case_study_index, partner_index, lessons, ledger, handoffs, feedback, evolution, partnership_pages,
    calibration, count_pages, session_pages, case_study_pages, partner_pages,
)


#: giscus' settings a site must give for comments (from giscus.app's configuration page).
COMMENT_KEYS = ("repo", "repo_id", "category", "category_id")


def comments_block(settings: Mapping[str, str]) -> str:
    """The comments section of a page readers may comment on: giscus, as Material's "Adding a comment
    system" integrates it, every setting escaped. Off ("") while none of COMMENT_KEYS is set; some of
    them without the others is an error, said at once rather than as a comment box that never loads."""
    given = [k for k in COMMENT_KEYS if settings.get(k)]
    if not given:
        return ""
    if len(given) < len(COMMENT_KEYS):
        missing = ", ".join(k for k in COMMENT_KEYS if k not in given)
        raise UserError(f"comments: giscus needs {', '.join(COMMENT_KEYS)}; missing: {missing} (see https://giscus.app)")
    return ENV.get_template("comments.html.j2").render(**{k: settings.get(k, "") for k in (*COMMENT_KEYS, "mapping", "lang")})


def _render(spec: PageSpec, site: Site) -> tuple[Page, frozenset[str]]:
    """A page from its template, which sets the page's `title` (and `tags`, if it has them) for its
    front matter; and the keys of the count sets it looked up."""
    sets = _Lookups(site)
    module = ENV.get_template(spec.template).make_module({
        "page_uri": spec.uri, "directory_urls": site.directory_urls, "j": site.shown, "names": site.names,
        "sets": sets, "shown_texts": site.shown_texts, **spec.values,
    })  # fmt: skip
    body = str(module)
    meta = {"title": module.title}
    if (tags := getattr(module, "tags", None)) is not None:
        meta["tags"] = list(tags)
    if getattr(module, "unsearched", False):  # lists of records shown elsewhere: search finds the records
        meta["search"] = {"exclude": True}
    if (description := getattr(module, "description", None)):  # link previews, Material's meta tag and social cards
        meta["description"] = description
    comments = bool(getattr(module, "comments", False))
    return Page(spec.uri, meta, body, headings(body), spec.source, spec.nav, comments), frozenset(sets.read)


def render_site(journal: Journal, cache: SessionCache | None = None, *, directory_urls: bool = True,
                memo: PageMemo | None = None, figures: Figures | None = None) -> dict[str, Page]:  # fmt: skip
    """Every generated page of a (published) journal, keyed by path below the prefix.

    Links point at the pages' addresses: "sessions/a/" with MkDocs' `use_directory_urls`
    (its default), "sessions/a.html" without. With a `cache` (serve), a session's page is
    made again only when the session changed; with a `memo`, another page only when what it
    shows changed. `figures` are the journal's `framework.views`, when the caller has made them.
    """
    return {page.src_uri: page for page in site_pages(journal, cache, directory_urls=directory_urls, memo=memo,
                                                      figures=figures)}  # fmt: skip


def site_pages(journal: Journal, cache: SessionCache | None = None, *, directory_urls: bool = True,
               memo: PageMemo | None = None, figures: Figures | None = None) -> Iterator[Page]:  # fmt: skip
    """`render_site`'s pages one at a time, in its order: a caller that turns each into a file need
    not hold every page's HTML at once (at 10,000 sessions, half a gigabyte)."""
    site = Site(journal, directory_urls, cache, memo, figures)
    claimed: dict[str, str] = {}
    for page in _made(site, _items(site)):
        _claim(claimed, page.src_uri, page.source, journal)
        yield page
    site.remember()


def _items(site: Site) -> Iterator[PageSpec | Page]:
    """What every page of the site is made from, in the site's order, each made when it is reached."""
    return itertools.chain.from_iterable(kind(site) for kind in PAGE_KINDS)


def _made(site: Site, items: Iterable[PageSpec | Page]) -> Iterator[Page]:
    """The pages of specs (a kept page as it is); a session's own page is kept for the next render."""
    for item in items:
        if isinstance(item, Page):
            yield item
            continue
        page = site.page(item)
        if item.session is not None and site.cache is not None:
            site.cache.put(item.session, page)
        yield page
