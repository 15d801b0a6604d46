"""The journal for anyone who follows or analyses it: journal.json, its JSON Schema, an Atom feed.

Pure functions of a published journal: drafts are already left out and redaction applied;
here anonymous partners become their public slug and name, as on the pages.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid
from dataclasses import dataclass
from typing import Any, Iterable, TextIO
from urllib.parse import urlsplit

from jinja2 import Environment
from pydantic import BaseModel, ConfigDict

from . import __version__, attribution, framework, markup, routes, story
from .analyze import LOOPS, MIN_SESSIONS, SIDES, TOPICS, PublicPartner, counts, sessions_of_case, trends
from .model import CaseStudy, Journal, Partner, PartnerKind, Session
from .privacy import PARTNER_KEYS
from .render import SessionCache, sentences, shared_key
from .routes import address
from .stats import Rate



class AIStatement(BaseModel):
    """An AI Attribution statement (AI Attribution Toolkit short form) and its plain-English reading."""

    short: str
    reading: str


class PartnerOut(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    name: str
    kind: PartnerKind
    model: str | None = None
    description: str | None = None
    strengths: list[str] = []


class SessionOut(Session):
    """A session as published: `attribution` is the statement shown (the record's, or generated)."""

    attribution: str
    ai_attribution: AIStatement


class CaseStudyOut(CaseStudy):
    attribution: str
    ai_attribution: AIStatement
    sessions: list[str]


class CountsOut(BaseModel):
    """How many of each kind of record the published journal holds."""

    model_config = ConfigDict(extra="forbid")
    sessions: int
    contributions: int
    disagreements: int
    feedback: int
    handoffs: int
    lessons: int


class ActedOut(BaseModel):
    """Feedback one way: how much of it was acted on, of how much whose acting on is recorded."""

    model_config = ConfigDict(extra="forbid")
    acted_on: int
    known: int


class FrameworkOut(BaseModel):
    """The post's framework across the journal, as its framework page counts it: handoffs by side
    ("human-to-ai", ...), feedback by direction and topic and how much was acted on, who decided the
    disagreements, AI positions passed over, and what did not hold up and what followed it."""

    model_config = ConfigDict(extra="forbid")
    handoffs_by_side: dict[str, int]
    feedback: dict[str, dict[str, int]]
    feedback_acted_on: dict[str, ActedOut]
    decided_by: dict[str, int]
    ai_overruled: int
    ai_overruled_not_held_up: int
    not_held_up: int
    not_held_up_followed_by_feedback: int


def _framework(views: framework.Views) -> FrameworkOut:
    """The whole journal's framework figures, those of the site's pages (from the same count sets a case study's page has)."""
    scope, n, failed = views.journal, views.journal.sizes, views.failures
    return FrameworkOut(
        handoffs_by_side={side: n.get(f"handoffs-{side}", 0) for side in SIDES},
        feedback={way: {t: n.get(f"feedback-{way}-{t}", 0) for t in TOPICS} for way in LOOPS},
        feedback_acted_on={way: ActedOut(acted_on=scope.acted.get(way, (0, ""))[0], known=n.get(f"feedback-{way}-known", 0))
                           for way in LOOPS},
        decided_by={who: n.get(f"decided-{who}", 0) for who in framework.DECIDERS},
        ai_overruled=n["ai-overruled"], ai_overruled_not_held_up=n["ai-overruled-failed"],
        not_held_up=len(failed), not_held_up_followed_by_feedback=sum(1 for f in failed if f.answered),
    )  # fmt: skip


class RateOut(BaseModel):
    model_config = ConfigDict(extra="forbid")
    part: int
    whole: int


class MeasureOut(BaseModel):
    """A rate in a partnership's first and last sessions, Fisher's exact test on them (None: too few
    items in a half), and whether the page names it as a change (p under the shared bar)."""

    model_config = ConfigDict(extra="forbid")
    name: str
    first: RateOut
    last: RateOut
    p: float | None
    changed: bool


class CalibrationHalfOut(BaseModel):
    """The AI partners' scored claims in one half, and their Brier score (None below 5 claims)."""

    model_config = ConfigDict(extra="forbid")
    claims: int
    brier: float | None


class PartnershipOut(BaseModel):
    """A case study's sessions, or a human and an AI partner's shared ones, first half against last:
    the measures of its "How it changed", those its narrative names (case studies), calibration."""

    model_config = ConfigDict(extra="forbid")
    case_study: str | None
    pair: list[str] | None  # [human, AI], as published
    first_sessions: list[str]
    last_sessions: list[str]
    measures: list[MeasureOut]
    named_measures: list[MeasureOut]
    calibration: dict[str, CalibrationHalfOut]  # "first", "last"


def _measure(name: str, before: Rate, after: Rate, p: float | None, changed: bool) -> MeasureOut:
    return MeasureOut(name=name, first=RateOut(part=before.part, whole=before.whole),
                      last=RateOut(part=after.part, whole=after.whole), p=p, changed=changed)  # fmt: skip


def _partnerships(journal: Journal, names: dict[str, PublicPartner]) -> list[PartnershipOut]:
    """Every partnership with sessions enough to be set against itself, as its page shows it."""
    grouped = sessions_of_case(journal)
    found = []
    for key, t in trends(journal).items():
        study = t.partnership.case_study
        named = story.half_measures(study, grouped[study], journal, journal.case_studies[study].narrative,
                                    MIN_SESSIONS)[0] if study is not None else []  # fmt: skip
        halves = story.calibration_halves(t, journal)[0]
        found.append(PartnershipOut(
            case_study=study, pair=[names[id].slug for id in t.partnership.pair] if t.partnership.pair else None,
            first_sessions=[s.id for s in t.before], last_sessions=[s.id for s in t.after],
            measures=[_measure(m.name, m.before, m.after, m.p, m.changed) for m in t.measures],
            named_measures=[_measure(m.name, m.before, m.after, m.p, m.changed) for m in named],
            calibration={h.which: CalibrationHalfOut(claims=h.claims, brier=h.brier) for h in halves},
        ))  # fmt: skip
    return found


class JournalOut(BaseModel):
    """The whole published journal: partners (anonymous ones under their alias), case studies, sessions."""

    model_config = ConfigDict(extra="forbid", title="partnership-journal export")
    generator: str
    version: str
    counts: CountsOut
    framework: FrameworkOut
    partnerships: list[PartnershipOut] = []
    partners: list[PartnerOut]
    case_studies: list[CaseStudyOut]
    sessions: list[SessionOut]


def _public_refs(value: Any, names: dict[str, PublicPartner], key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _public_refs(v, names, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_public_refs(v, names, key) for v in value]
    if key in PARTNER_KEYS and isinstance(value, str) and value in names:
        return names[value].slug
    return value


def _statement(sessions: list[Session], journal: Journal) -> AIStatement:
    s = attribution.statement(sessions, journal.partners)
    return AIStatement(short=s.short, reading=s.reading)


def _partner(id: str, partner: Partner, names: dict[str, PublicPartner]) -> dict[str, Any]:
    return PartnerOut(
        id=names[id].slug, name=names[id].name, kind=partner.kind, model=partner.model,
        description=None if partner.anonymous else partner.description, strengths=partner.strengths,
    ).model_dump(mode="json")  # fmt: skip


def write_journal_json(journal: Journal, names: dict[str, PublicPartner], out: TextIO,
                       cache: SessionCache | None = None, views: framework.Views | None = None) -> None:  # fmt: skip
    """journal.json: one record per line (readable, diff-friendly), written a session at a time
    (at thousands of sessions, the whole file as one string was a large part of a build's memory).

    The shape is JournalOut's, whose JSON Schema is published beside it (and tests validate
    the file against it); the sessions are not validated a second time here.
    """
    grouped = sessions_of_case(journal)
    studies = [
        {**c.model_dump(mode="json"), "attribution": attribution.prose(grouped[id], journal.partners, c.attribution),
         "ai_attribution": _statement(grouped[id], journal).model_dump(), "sessions": [s.id for s in grouped[id]]}
        for id, c in journal.case_studies.items()
    ]  # fmt: skip

    cache = cache or SessionCache()
    key = shared_key(journal)

    def session(s: Session) -> str:
        text = cache.get(key, s)
        if text is None:
            data = _public_refs(s.model_dump(mode="json", by_alias=True), names)
            data["attribution"] = attribution.prose([s], journal.partners, s.attribution)
            data["ai_attribution"] = _statement([s], journal).model_dump()
            text = _inert(json.dumps(data, ensure_ascii=False))
            cache.put(s, text)
        return text

    def lines(name: str, items: Iterable[str], last: bool = False) -> None:
        """A list with an item a line, or `[]`."""
        out.write(f'  "{name}": [')
        count = 0
        for count, item in enumerate(items, 1):
            out.write(f"{',' if count > 1 else ''}\n    {item}")
        out.write(("\n  ]" if count else "]") + ("\n" if last else ",\n"))

    figures = counts(journal)
    totals = CountsOut(**{name: getattr(figures, name) for name in CountsOut.model_fields})
    out.write(f'{{\n  "generator": "partnership-journal",\n  "version": {json.dumps(__version__)},\n')
    out.write(f'  "counts": {json.dumps(totals.model_dump())},\n')
    views = views or framework.views(journal)[0]
    out.write(f'  "framework": {json.dumps(_framework(views).model_dump())},\n')
    lines("partnerships", (json.dumps(p.model_dump()) for p in _partnerships(journal, names)))
    lines("partners", (_inert(json.dumps(_partner(id, p, names), ensure_ascii=False)) for id, p in journal.partners.items()))
    lines("case_studies", (_inert(json.dumps(c, ensure_ascii=False)) for c in studies))
    lines("sessions", (session(s) for s in journal.sessions), last=True)
    out.write("}\n")


def journal_json(journal: Journal, names: dict[str, PublicPartner], cache: SessionCache | None = None,
                 views: framework.Views | None = None) -> str:  # fmt: skip
    """journal.json as a string (`render -o`, tests)."""
    out = io.StringIO()
    write_journal_json(journal, names, out, cache, views)
    return out.getvalue()


def _inert(text: str) -> str:
    """JSON with '<', '>' and '&' written as \\u escapes: the same values, and no markup if
    someone pastes the file into a page."""
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) that journal.json follows."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **JournalOut.model_json_schema(by_alias=True)}


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    updated: str
    href: str
    summary: str
    authors: tuple[str, ...]
    categories: tuple[str, ...]


def _timestamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _path(prefix: str, uri: str) -> str:
    """A page's path in the site with directory URLs, whatever the site's style: entry ids never change."""
    return f"{prefix}/{address(uri, True)}".lstrip("/")


def _entry_id(site_url: str, path: str) -> str:
    """A stable id: the page's address where the site has one, else a name-based UUID."""
    if site_url:
        return site_url.rstrip("/") + "/" + path
    return uuid.uuid5(uuid.NAMESPACE_URL, f"partnership-journal:{path}").urn


def feed(journal: Journal, names: dict[str, PublicPartner], env: Environment, *, site_name: str, site_url: str,
         prefix: str, directory_urls: bool = True) -> str:  # fmt: skip
    """An Atom feed of case studies and sessions, newest first, dated from the records.

    Entries link to the pages' addresses; their ids stay the same whatever the site's URL style.
    """
    base = (site_url.rstrip("/") + "/" + prefix).rstrip("/") + "/" if site_url else ""
    grouped = sessions_of_case(journal)
    latest = max((s.date for s in journal.sessions), default=dt.date(1970, 1, 1))
    entries = [
        Entry(
            _entry_id(site_url, _path(prefix, routes.session(s.id))), markup.text(s.title), _timestamp(s.date),
            base + address(routes.session(s.id), directory_urls),
            sentences(s.goal, s.outcome, attribution.prose([s], journal.partners, s.attribution)), tuple(names[p.partner].name for p in s.partners if p.partner in names),
            tuple(s.labels),
        )  # fmt: skip
        for s in journal.sessions
    ]
    for id, c in journal.case_studies.items():
        day = max((s.date for s in grouped[id]), default=latest)
        entries.append(
            Entry(_entry_id(site_url, _path(prefix, routes.case_study(id))), markup.text(c.title),
                  _timestamp(day), base + address(routes.case_study(id), directory_urls),
                  sentences(c.summary, attribution.prose(grouped[id], journal.partners, c.attribution)), (), tuple(c.labels))
        )  # fmt: skip
    entries.sort(key=lambda e: (e.updated, e.id), reverse=True)
    host = urlsplit(site_url).netloc
    return env.get_template("feed.xml.j2").render(
        title=f"{site_name}: journal", id=_entry_id(site_url, f"{prefix}/".lstrip("/")), updated=_timestamp(latest),
        base=base, self_href=base + routes.FEED, entries=entries, host=host,
        version=__version__,
    )  # fmt: skip


#: The journal pages' one stylesheet (phones, print), published beside journal.json.
STYLESHEET = "journal.css"


def stylesheet(env: Environment) -> str:
    """The stylesheet every journal page links: the same for every journal, made from its template."""
    return env.get_template("journal.css.j2").render()


def exports(journal: Journal, names: dict[str, PublicPartner], env: Environment, *, site_name: str, site_url: str,
            prefix: str, cache: SessionCache | None = None, directory_urls: bool = True,
            json_out: TextIO | None = None, views: framework.Views | None = None) -> dict[str, str]:  # fmt: skip
    """The export files by name: journal.json, journal.schema.json, feed.xml and the pages' stylesheet.

    With `json_out`, journal.json is written there, a session at a time, instead of returned.
    `views` are the framework figures of the pages, when the caller has them (else made here).
    """
    files = {
        routes.JOURNAL_SCHEMA: json.dumps(schema(), indent=2, sort_keys=True) + "\n",
        routes.FEED: feed(journal, names, env, site_name=site_name, site_url=site_url, prefix=prefix,
                         directory_urls=directory_urls),
        STYLESHEET: stylesheet(env),
    }
    if json_out is None:
        return {routes.JOURNAL_JSON: journal_json(journal, names, cache, views), **files}
    write_journal_json(journal, names, json_out, cache, views)
    return files
