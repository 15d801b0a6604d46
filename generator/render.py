"""Jinja2 templates to pages: a validated journal in, {src_uri: Page} out, no I/O.

A page's body is HTML, written by the templates with links to the pages' final addresses,
so MkDocs can show it without a Markdown pass of its own (the plugin hands it over as it
is: at thousands of sessions, Markdown conversion was most of a build). Templates escape
every value they print; user text is only ever data handed to them, never template source,
and reaches a page as markup only through the `inline` and `block` filters (see `markup`).
"""

from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context, select_autoescape
from markdown.extensions.toc import slugify
from markupsafe import Markup, escape

from . import analyze, attribution, charts, markup
from .errors import JournalError, LocatedError
from .load import display_path
from .model import Journal, Session


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
    in_nav: bool = False

    @functools.cached_property  # kept with the page: `serve --dirty` compares it on every rebuild
    def content(self) -> str:
        """The page as a Markdown file (front matter, then the HTML body), for `render -o` and golden files."""
        return "---\n" + yaml.safe_dump(self.meta, sort_keys=False, allow_unicode=True, width=10_000) + "---\n\n" + self.body


#: Our headings carry an id; headings inside user text never do (the sanitizer allows no attributes on them).
OWN_HEADING = re.compile(r'<h([1-6]) id="([^"]+)">(.*?)</h\1>')
_TAG = re.compile(r"<[^>]*>")


def headings(body: str) -> tuple[Heading, ...]:
    """The page's own headings, in order, for its table of contents."""
    return tuple(Heading(int(level), id, _TAG.sub("", inner).strip()) for level, id, inner in OWN_HEADING.findall(body))


def anchor(text: str) -> str:
    """An id made of a heading's text, as Markdown's table of contents makes it; never a theme's own "__" id."""
    return "h" + slug if (slug := slugify(markup.text(text), "-")).startswith("_") or not slug else slug


def address(uri: str, directory_urls: bool) -> str:
    """Where MkDocs puts a file's page: "sessions/a.md" -> "sessions/a/" (or "sessions/a.html"); exports stay."""
    if not uri.endswith(".md"):
        return uri
    stem = uri[:-3]
    if not directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return stem[:-5]
    return stem + "/"


def relative(target: str, start: str) -> str:
    """The link from folder `start` to address `target`, both below the prefix ("sessions/b", "partners/a/").

    A string operation, not posixpath.relpath, which asks the file system for the working
    folder on every call: pages carry thousands of links.
    """
    folders = [part for part in start.split("/") if part]
    parts = target.split("/")
    shared = 0
    while shared < min(len(folders), len(parts) - 1) and folders[shared] == parts[shared]:
        shared += 1
    return "/".join([".."] * (len(folders) - shared) + parts[shared:])


@pass_context
def _url(context: Any, target: str) -> str:
    """A link from the page being rendered to another generated page ("partners/a.md"), by final address."""
    urls = context["directory_urls"]
    page = address(context["page_uri"], urls)
    here = page.rstrip("/") if urls else posixpath.dirname(page)
    return relative(address(target, urls), here) or "./"


# Links every page carries by the hundred: Python, not Jinja macros, which cost ten times more a call.


def _link(href: str, html: str) -> Markup:
    return Markup(f'<a href="{escape(href)}">{html}</a>')


@pass_context
def _partner(context: Any, id: str) -> Markup:
    """A partner's public name linked to its page (an unknown id as text)."""
    public = context["names"].get(id)
    if public is None:
        return _inline(id)
    return _link(_url(context, f"partners/{public.slug}.md"), markup.inline(public.name))


@pass_context
def _session_link(context: Any, session: Session) -> Markup:
    draft = " <em>(draft)</em>" if session.status == "draft" else ""
    return _link(_url(context, f"sessions/{session.id}.md"), markup.inline(session.title)) + Markup(draft)


@pass_context
def _case_link(context: Any, id: str) -> Markup:
    return _link(_url(context, f"case-studies/{id}.md"), markup.inline(context["j"].case_studies[id].title))


@pass_context
def _disagreement_link(context: Any, session: Session, number: int, text: str) -> Markup:
    return _link(f"{_url(context, f'sessions/{session.id}.md')}#disagreement-{number}", text)


def _inline(text: str) -> Markup:
    return Markup(markup.inline(text))


def _block(text: str, level: int = 3) -> Markup:
    return Markup(markup.block(text, level))


def _literal(text: str) -> Markup:
    return Markup(markup.literal(text))


def _percent(value: float | None) -> str:
    return "" if value is None else f"{round(value * 100)}%"


def _verdict(value: bool | None) -> str:
    return {True: "held up", False: "did not hold up", None: "not yet known"}[value]


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
        anchor=anchor,
    )  # fmt: skip
    env.globals.update(
        url=_url, kinds=analyze.KINDS, outcomes=analyze.OUTCOMES, used_kinds=_used_kinds, rate=analyze.rate,
        partner=_partner, session_link=_session_link, case_link=_case_link, disagreement_link=_disagreement_link,
        right=Markup(' style="text-align: right;"'),  # a number column's cells, as Markdown tables align them
    )  # fmt: skip
    return env


ENV = _environment()


@dataclass(frozen=True)
class Context:
    """What every template may use besides its own subject."""

    journal: Journal
    names: dict[str, analyze.PublicPartner]
    case_sessions: dict[str, list[Session]]
    directory_urls: bool


def _bars(id: str, title: str, rows: list[tuple[str, dict[str, int]]]) -> Markup:
    shape = charts.stacked_bars(title, rows, analyze.KINDS)
    return Markup(ENV.get_template("bars.svg.j2").render(chart=shape, id=id, label_chars=charts.LABEL_CHARS))


def _partner_bars(ctx: Context, id: str, title: str, matrix: dict[str, Any]) -> Markup:
    rows = [(markup.text(ctx.names[p].name), dict(counts)) for p, counts in matrix.items() if p in ctx.names]
    return _bars(id, title, rows)


def _reliability(id: str, title: str, calibration: analyze.Calibration) -> Markup:
    bands = [(b.stated, b.observed, len(b.claims), f"said {b.low}-{b.high}% sure {len(b.claims)} times; held up {b.held}")
             for b in calibration.bands]  # fmt: skip
    return Markup(ENV.get_template("reliability.svg.j2").render(chart=charts.reliability(title, bands), id=id))


def _render(template: str, uri: str, ctx: Context, source: Path | None, in_nav: bool, **values: Any) -> Page:
    """A page from its template, which sets the page's `title` (and `tags`, if it has them) for its front matter."""
    module = ENV.get_template(template).make_module(
        {"page_uri": uri, "directory_urls": ctx.directory_urls, "j": ctx.journal, "names": ctx.names, **values})
    body = str(module)
    meta = {"title": module.title}
    if (tags := getattr(module, "tags", None)) is not None:
        meta["tags"] = list(tags)
    return Page(uri, meta, body, headings(body), source, in_nav)


#: Open disagreements listed on the ledger page, newest first; all of them are on the year pages.
OPEN_SHOWN = 50

#: Lessons of a tag shown on the lessons page; all of them are on the tag's own page.
LESSONS_SHOWN = 5

#: The pages of the sidebar's journal section, in order (case studies are added after the overview).
TOP_PAGES = ("index.md", "partners/index.md", "sessions/index.md", "lessons.md", "ledger.md", "evolution.md",
             "calibration.md")  # fmt: skip


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


def render_site(journal: Journal, cache: SessionCache | None = None, *, directory_urls: bool = True) -> dict[str, Page]:
    """Every generated page of a (published) journal, keyed by path below the prefix.

    Links point at the pages' addresses: "sessions/a/" with MkDocs' `use_directory_urls`
    (its default), "sessions/a.html" without.
    """
    ctx = Context(journal, analyze.public_partners(journal.partners), analyze.sessions_of_case(journal), directory_urls)
    cache = cache or SessionCache()
    shared = (directory_urls, shared_key(journal))
    pages: dict[str, Page] = {}
    claimed: dict[str, str] = {}

    def add(uri: str, template: str, source: Path | None = None, **values: Any) -> None:
        _claim(claimed, uri, source, journal)
        in_nav = uri in TOP_PAGES or uri.startswith("case-studies/")
        pages[uri] = _render(template, uri, ctx, source, in_nav, **values)

    sessions = journal.sessions
    unit = analyze.granularity(sessions)
    ledger = analyze.ledger(journal)
    periods = analyze.periods(journal)
    calibration = analyze.calibration(journal)
    profiles = analyze.profiles(journal)
    partner_sessions = analyze.sessions_of_partner(journal)
    add("index.md", "overview.html.j2", counts=analyze.counts(journal), latest=analyze.latest(sessions),
        case_sessions=ctx.case_sessions, prose=attribution.prose(sessions, journal.partners),
        statement=attribution.statement(sessions, journal.partners))  # fmt: skip
    years = analyze.sessions_by_year(sessions)
    add("sessions/index.md", "sessions.html.j2", years=years)
    for year, in_year in years:  # one page a year: no page lists every session
        add(f"years/{year}.md", "year.html.j2", year=year, sessions=in_year, unit=unit)
    add("case-studies/index.md", "case_studies.html.j2", case_sessions=ctx.case_sessions)
    add("partners/index.md", "partners.html.j2", partner_sessions=partner_sessions)
    groups = analyze.lesson_groups(sessions)
    add("lessons.md", "lessons.html.j2", groups=groups, shown=LESSONS_SHOWN)
    for group in groups:  # every lesson of a tag on its page; the overview shows the newest
        add(f"lessons/{group.slug}.md", "lesson_tag.html.j2", group=group)
    ledger_years = analyze.ledger_years(ledger)
    add("ledger.md", "ledger.html.j2", ledger=ledger, years=ledger_years,
        open_outcomes=analyze.OPEN_OUTCOMES, open_shown=OPEN_SHOWN)  # fmt: skip
    for year, rows in ledger_years:  # every disagreement on its year's page
        add(f"ledger/{year}.md", "ledger_year.html.j2", year=year, rows=rows, order=analyze.LISTING_ORDER)
    add("evolution.md", "evolution.html.j2", periods=periods, unit=unit,
        sentences=analyze.changes(periods), min_change=analyze.MIN_CHANGE, min_items=analyze.MIN_ITEMS,
        ai_chart=_bars("evolution-ai", "Kinds of AI contributions by period",
                       [(p.label, dict(p.kinds["ai"])) for p in periods]),
        human_chart=_bars("evolution-human", "Kinds of human contributions by period",
                          [(p.label, dict(p.kinds["human"])) for p in periods]))  # fmt: skip
    add("calibration.md", "calibration.html.j2", calibration=calibration, min_claims=analyze.MIN_CLAIMS,
        charts={id: _reliability(f"calibration-{ctx.names[id].slug}",
                                 f"Stated confidence against what held up: {markup.text(ctx.names[id].name)}", c)
                for id, c in calibration.items() if c.claims})  # fmt: skip
    for id, c in calibration.items():  # the claims behind each partner's figures, on a page of its own
        if c.claims:
            add(f"calibration/{ctx.names[id].slug}.md", "calibration_partner.html.j2", public=ctx.names[id],
                calibration=c, min_claims=analyze.MIN_CLAIMS)  # fmt: skip
    for session in sessions:
        uri = f"sessions/{session.id}.md"
        page = cache.get(shared, session)
        if page is not None:
            _claim(claimed, uri, None, journal)
        if page is None:
            add(uri, "session.html.j2", journal.source("session", session.id), session=session,
                prose=attribution.prose([session], journal.partners, session.attribution),
                statement=attribution.statement([session], journal.partners))  # fmt: skip
            cache.put(session, pages[uri])
        else:
            pages[uri] = page
    for id, study in journal.case_studies.items():
        studied = ctx.case_sessions[id]
        matrix = analyze.contribution_matrix(analyze.contributions_of(studied))
        add(f"case-studies/{id}.md", "case_study.html.j2", journal.source("case-study", id),
            study=study, sessions=studied, matrix=matrix,
            chart=_partner_bars(ctx, f"contributions-{id}",
                                f"Contributions to {markup.text(study.title)} by partner and kind", matrix),
            prose=attribution.prose(studied, journal.partners, study.attribution),
            statement=attribution.statement(studied, journal.partners))  # fmt: skip
    for id, partner in journal.partners.items():
        public = ctx.names[id]
        profile = profiles[id]
        add(f"partners/{public.slug}.md", "partner.html.j2", journal.source("partners", id),
            partner=partner, public=public, sessions=partner_sessions[id], profile=profile,
            top_kinds=attribution.main_kinds(profile.contributions), positions=ledger.by_partner.get(id),
            calibration=calibration.get(id), min_claims=analyze.MIN_CLAIMS,
            chart=_partner_bars(ctx, f"kinds-{public.slug}", f"Contributions of {markup.text(public.name)} by kind",
                                {id: profile.contributions}))  # fmt: skip
    return pages
