"""Jinja2 templates to Markdown pages: a validated journal in, {src_uri: Page} out, no I/O.

User text is only ever data handed to templates, never template source, and reaches a
page only through the `inline`, `block` and `plain` filters (see `markup`).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context, select_autoescape

from . import analyze, charts, markup
from .model import Journal, Session


@dataclass(frozen=True)
class Page:
    """A generated Markdown page and the record it shows (for the "edit" link)."""

    src_uri: str
    content: str
    source: Path | None = None
    in_nav: bool = False


@pass_context
def _url(context: Any, target: str) -> str:
    """A link from the page being rendered to another generated page (both relative to the prefix)."""
    here = posixpath.dirname(context["page_uri"])
    return posixpath.relpath(target, here or ".")


def _percent(value: float | None) -> str:
    return "" if value is None else f"{round(value * 100)}%"


def _verdict(value: bool | None) -> str:
    return {True: "held up", False: "did not hold up", None: "not yet known"}[value]


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


def _used_kinds(matrix: dict[str, Any]) -> list[str]:
    """The kinds of work that occur in a partner-by-kind matrix, in the standard order."""
    return [k for k in analyze.KINDS if any(counts.get(k) for counts in matrix.values())]


def _front_matter(data: dict[str, Any]) -> str:
    return "---\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000) + "---\n"


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("generator", "templates"),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("svg.j2",), default_for_string=False, default=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        inline=markup.inline, block=markup.block, plain=markup.plain, percent=_percent, verdict=_verdict,
        front_matter=_front_matter, plural=_plural,
    )  # fmt: skip
    env.globals.update(url=_url, kinds=analyze.KINDS, used_kinds=_used_kinds)
    return env


ENV = _environment()


@dataclass(frozen=True)
class Context:
    """What every template may use besides its own subject."""

    journal: Journal
    names: dict[str, analyze.PublicPartner]
    case_sessions: dict[str, list[Session]]


def _chart(ctx: Context, id: str, title: str, matrix: dict[str, Any]) -> str:
    rows = [(ctx.names[p].name, dict(counts)) for p, counts in matrix.items() if p in ctx.names]
    shape = charts.stacked_bars(title, rows, analyze.KINDS)
    return ENV.get_template("bars.svg.j2").render(chart=shape, id=id, label_chars=charts.LABEL_CHARS)


def _render(template: str, uri: str, ctx: Context, **values: Any) -> str:
    return ENV.get_template(template).render(page_uri=uri, j=ctx.journal, names=ctx.names, **values)


def render_site(journal: Journal) -> dict[str, Page]:
    """Every generated page of a (published) journal, keyed by path below the prefix."""
    ctx = Context(journal, analyze.public_partners(journal.partners), analyze.sessions_of_case(journal))
    pages: dict[str, Page] = {}

    def add(uri: str, template: str, source: Path | None = None, in_nav: bool = False, **values: Any) -> None:
        pages[uri] = Page(uri, _render(template, uri, ctx, **values), source, in_nav)

    add("index.md", "overview.md.j2", in_nav=True, counts=analyze.counts(journal),
        latest=analyze.latest(journal.sessions), case_sessions=ctx.case_sessions,
        attribution=analyze.attribution(analyze.contributions_of(journal.sessions), journal.partners))  # fmt: skip
    add("sessions/index.md", "sessions.md.j2", in_nav=True, years=analyze.sessions_by_year(journal.sessions))
    add("case-studies/index.md", "case_studies.md.j2", in_nav=True, case_sessions=ctx.case_sessions)
    add("partners/index.md", "partners.md.j2", in_nav=True,
        partner_sessions=analyze.sessions_of_partner(journal))  # fmt: skip
    for session in journal.sessions:
        add(f"sessions/{session.id}.md", "session.md.j2", journal.source("session", session.id), session=session,
            attribution=session.attribution or analyze.attribution(session.contributions, journal.partners))  # fmt: skip
    for id, study in journal.case_studies.items():
        sessions = ctx.case_sessions[id]
        contributions = analyze.contributions_of(sessions)
        matrix = analyze.contribution_matrix(contributions)
        add(f"case-studies/{id}.md", "case_study.md.j2", journal.source("case-study", id), in_nav=True,
            study=study, sessions=sessions, matrix=matrix,
            chart=_chart(ctx, f"contributions-{id}", f"Contributions to {markup.plain(study.title)} by partner and kind", matrix),
            attribution=study.attribution or analyze.attribution(contributions, journal.partners))  # fmt: skip
    partner_sessions = analyze.sessions_of_partner(journal)
    for id, partner in journal.partners.items():
        public = ctx.names[id]
        sessions = partner_sessions[id]
        by_kind = analyze.contribution_matrix(c for s in sessions for c in s.contributions if c.by == id).get(id, {})
        add(f"partners/{public.slug}.md", "partner.md.j2", journal.source("partners", id),
            partner=partner, public=public, sessions=sessions, by_kind=by_kind,
            chart=_chart(ctx, f"kinds-{public.slug}", f"Contributions of {public.name} by kind", {id: by_kind}))  # fmt: skip
    return pages
