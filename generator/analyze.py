"""Figures across records: pure functions of a validated `Journal`, no I/O.

Everything the pages show that is not a field of one record is computed here, so it can
be tested on small journals without rendering anything.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from typing import Any, Iterable, NamedTuple, get_args

from .attribution import KIND_ORDER
from .model import (
    Contribution, ContributionKind, Disagreement, FeedbackAbout, Journal, Lesson, Outcome, Partner, Position, Session,
)  # fmt: skip
from .privacy import PublicPartner, public_partners  # noqa: F401 - what the pages show of partners
from . import routes
from .routes import slugify, unique_slug
from .stats import ALPHA, MIN_ITEMS, Rate, fisher_exact

KINDS: tuple[ContributionKind, ...] = KIND_ORDER


def published(journal: Journal, drafts: bool = False) -> Journal:
    """The journal as it is published: drafts left out unless asked for."""
    if drafts:
        return journal
    return replace(journal, sessions=[s for s in journal.sessions if s.status != "draft"])


def sessions_by_year(sessions: Iterable[Session]) -> list[tuple[int, list[Session]]]:
    """Newest year first, and newest session first within a year."""
    years: dict[int, list[Session]] = defaultdict(list)
    for s in sessions:
        years[s.date.year].append(s)
    return [(y, sorted(years[y], key=lambda s: (s.date, s.id), reverse=True)) for y in sorted(years, reverse=True)]


@dataclass(frozen=True)
class Month:
    """A month of a year's sessions page: its anchors (the month's, and the quarter's at its first
    month that has sessions, when the journal counts in quarters) and its sessions, newest first."""

    name: str
    anchors: tuple[str, ...]
    sessions: list[Session]


def months(year: int, sessions: list[Session], unit: str) -> list[Month]:
    """A year's sessions (newest first) by month, newest month first, with the anchors evolution links to."""
    by_month: dict[int, list[Session]] = defaultdict(list)
    for s in sessions:
        by_month[s.date.month].append(s)
    result, quarters = [], set()
    for month in sorted(by_month, reverse=True):
        anchors = []
        quarter = period_of(dt.date(year, month, 1), "quarter").key
        if unit == "quarter" and quarter not in quarters:
            quarters.add(quarter)
            anchors.append(quarter)
        anchors.append(period_of(dt.date(year, month, 1), "month").key)
        result.append(Month(calendar.month_name[month], tuple(anchors), by_month[month]))
    return result


def latest(sessions: list[Session], n: int = 10) -> list[Session]:
    """The n most recent sessions, newest first."""
    return sorted(sessions, key=lambda s: (s.date, s.id), reverse=True)[:n]


def partner_order(journal: Journal) -> dict[str, int]:
    """Each partner's place in partners.yaml, the order pages list partners in (a dict: looking a
    place up in the list costs as many steps as there are partners)."""
    return {id: i for i, id in enumerate(journal.partners)}


def sessions_of_case(journal: Journal) -> dict[str, list[Session]]:
    """Each case study's sessions in date order."""
    result: dict[str, list[Session]] = {id: [] for id in journal.case_studies}
    for s in journal.sessions:
        if s.case_study in result:
            result[s.case_study].append(s)
    return result


def sessions_of_partner(journal: Journal) -> dict[str, list[Session]]:
    """Each partner's sessions, newest first."""
    result: dict[str, list[Session]] = {id: [] for id in journal.partners}
    for s in reversed(journal.sessions):
        for p in s.partners:
            if p.partner in result:
                result[p.partner].append(s)
    return result


def roles(journal: Journal) -> dict[str, dict[str, str | None]]:
    """Each partner's role in each session it took part in, by session id: read once, not by
    looking through a session's partners for each of them."""
    result: dict[str, dict[str, str | None]] = {id: {} for id in journal.partners}
    for s in journal.sessions:
        for p in s.partners:
            if p.partner in result:
                result[p.partner][s.id] = p.role
    return result


def contributions_of(sessions: Iterable[Session]) -> list[Contribution]:
    return [c for s in sessions for c in s.contributions]


def contribution_matrix(contributions: Iterable[Contribution]) -> dict[str, Counter[str]]:
    """Partner id -> count of contributions by kind, partners in order of first contribution."""
    matrix: dict[str, Counter[str]] = {}
    for c in contributions:
        matrix.setdefault(c.by, Counter())[c.kind] += 1
    return matrix


@dataclass(frozen=True)
class Counts:
    sessions: int
    case_studies: int
    humans: int
    ais: int
    contributions: int
    disagreements: int
    feedback: int
    handoffs: int
    lessons: int
    first: str | None
    last: str | None


def counts(journal: Journal) -> Counts:
    """The headline figures of the overview."""
    sessions = journal.sessions
    kinds = Counter(p.kind for p in journal.partners.values())
    return Counts(
        sessions=len(sessions),
        case_studies=len(journal.case_studies),
        humans=kinds["human"],
        ais=kinds["ai"],
        contributions=sum(len(s.contributions) for s in sessions),
        disagreements=sum(len(s.disagreements) for s in sessions),
        feedback=sum(len(s.feedback) for s in sessions),
        handoffs=sum(len(s.handoffs) for s in sessions),
        lessons=sum(len(s.lessons) for s in sessions),
        first=sessions[0].date.isoformat() if sessions else None,
        last=sessions[-1].date.isoformat() if sessions else None,
    )


# Counts a reader can open: each one names the records it counts


def first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Counted:
    """One record a count counts: its session, its anchor on the session page ("" for the session
    itself) and the text that says what it is."""

    session: Session
    anchor: str
    text: str


@dataclass(frozen=True)
class CountSet:
    """The records behind one number on a page; `key` is its page's name (routes.count), or, when
    it shares a `page` with others (a period's, a case study's, a partner's figures), its id there.
    A set with `parts` is listed as those sets' counts instead of its records (a total and its rows)."""

    key: str
    title: str
    items: list[Counted]
    page: str = ""
    page_title: str = ""
    parts: tuple[str, ...] = ()


def newest_first(items: list[Counted]) -> list[Counted]:
    return sorted(items, key=lambda c: (c.session.date, c.session.id), reverse=True)


def by_year(items: list[Counted]) -> list[tuple[int, list[Counted]]]:
    """Counted records by their session's year, newest first (they are newest first already)."""
    years: dict[int, list[Counted]] = defaultdict(list)
    for item in items:
        years[item.session.date.year].append(item)
    return sorted(years.items(), reverse=True)


def count_sets(journal: Journal) -> dict[str, CountSet]:
    """Every set of records a page counts, by key: the overview's totals, the ledger's outcomes,
    and the positions each side and each partner took and had adopted."""
    sessions = journal.sessions
    names = public_partners(journal.partners)
    sets = [
        CountSet("sessions", "Sessions", [Counted(s, "", s.title) for s in sessions]),
        CountSet("contributions", "Contributions",
                 [Counted(s, routes.anchor("contribution", i), c.summary) for s in sessions for i, c in enumerate(s.contributions, 1)]),
        CountSet("disagreements", "Disagreements", [Counted(r.session, routes.anchor("disagreement", r.number), r.disagreement.topic)
                                                   for r in ledger_rows(sessions)]),
        CountSet("feedback", "Feedback",
                 [Counted(s, routes.anchor("feedback", i), f.text) for s in sessions for i, f in enumerate(s.feedback, 1)]),
        CountSet("lessons", "Lessons",
                 [Counted(s, routes.anchor("lesson", i), e.lesson) for s in sessions for i, e in enumerate(s.lesson_entries, 1)]),
        CountSet("handoffs", "Handoffs",
                 [Counted(s, routes.anchor("handoff", i), h.what) for s in sessions for i, h in enumerate(s.handoffs, 1)]),
    ]  # fmt: skip
    rows = ledger_rows(sessions)
    for o in OUTCOMES:
        sets.append(CountSet(f"outcome-{o}", f"Disagreements that ended: {o}",
                             [Counted(r.session, routes.anchor("disagreement", r.number), r.disagreement.topic)
                              for r in rows if r.outcome == o], "outcomes", "Disagreements by how they ended"))  # fmt: skip
    sets += _handoff_sets(journal, names)
    sets += _period_sets(journal)
    sets += _case_sets(journal, names)
    sets += _partner_sets(journal, names)
    sets += _position_sets(journal, names, rows)
    return {c.key: replace(c, items=newest_first(c.items)) for c in sets}


def _position_sets(journal: Journal, names: dict[str, PublicPartner], rows: list[LedgerRow]) -> list[CountSet]:
    """The positions each side and each partner took in disagreements, had adopted, and how those
    decisions held up: a partner's on its page of records (`_partner_sets`), the sides' on one page.
    The adopted ones are listed as the three sets they split into, not a second time."""
    of_kind: dict[str, list[tuple[LedgerRow, Position]]] = defaultdict(list)
    of_partner: dict[str, list[tuple[LedgerRow, Position]]] = defaultdict(list)
    for r in rows:
        for p in r.disagreement.positions:
            if p.by in journal.partners:
                of_kind[journal.partners[p.by].kind].append((r, p))
                of_partner[p.by].append((r, p))
    sides = ("positions-by-side", "Positions in disagreements, of human and of AI partners")
    groups = [(f"{kind}-partners", f"{label} partners", of_kind[kind], sides) for kind, label in (("human", "Human"), ("ai", "AI"))]
    groups += [(f"partner-{names[id].slug}", names[id].name, of_partner[id],
                (f"partner-{names[id].slug}", f"The records behind {names[id].name}'s page")) for id in journal.partners]

    def listed(pairs: list[tuple[LedgerRow, Position]]) -> list[Counted]:
        return [Counted(r.session, routes.anchor("disagreement", r.number), p.stance) for r, p in pairs]

    sets = []
    for key, label, taken, (page, title) in groups:
        sets.append(CountSet(f"positions-{key}", f"Positions taken: {label}", listed(taken), page, title))
        adopted = [(r, p) for r, p in taken if r.adopted == p.by]
        ended = [(name, [(r, p) for r, p in adopted if r.disagreement.held_up is held], words)
                 for name, held, words in (("held", True, "and the decision held up"), ("failed", False, "and the decision did not hold up"),
                                           ("unverified", None, "the decision not verified"))]  # fmt: skip
        sets.append(CountSet(f"adopted-{key}", f"Positions adopted: {label}", listed(adopted), page, title,
                             tuple(f"{name}-{key}" for name, these, _ in ended if these)))  # fmt: skip
        sets += [CountSet(f"{name}-{key}", f"Positions adopted, {words}: {label}", listed(these), page, title)
                 for name, these, words in ended]  # fmt: skip
    return sets


@dataclass(frozen=True)
class Flow:
    """Handoffs from one partner to another: who handed over to whom, how often (the set `key`)."""

    source: str  # partner id
    target: str
    key: str


@dataclass(frozen=True)
class Handoffs:
    """Who hands what to whom: each partner-to-partner flow (by side, see framework.scope)."""

    flows: list[Flow]


#: The directions a handoff can take between the two kinds of partner, and how a sentence says them.
SIDE_NAMES = {"human-to-ai": "human to AI", "ai-to-human": "AI to human", "human-to-human": "human to human",
              "ai-to-ai": "AI to AI"}  # fmt: skip
SIDES = tuple(SIDE_NAMES)


def handoffs(journal: Journal) -> Handoffs:
    """Every handoff's flow between partners, most frequent first, as count-set keys."""
    names = public_partners(journal.partners)
    pairs = Counter((h.from_, h.to) for s in journal.sessions for h in s.handoffs
                    if h.from_ in journal.partners and h.to in journal.partners)  # fmt: skip
    order = partner_order(journal)
    flows = [Flow(a, b, _flow_key(names, a, b))
             for (a, b), _ in sorted(pairs.items(), key=lambda kv: (-kv[1], order[kv[0][0]], order[kv[0][1]]))]
    return Handoffs(flows)


def _flow_key(names: dict[str, PublicPartner], source: str, target: str) -> str:
    return f"handoffs_{names[source].slug}_{names[target].slug}"


def _handoff_sets(journal: Journal, names: dict[str, PublicPartner]) -> list[CountSet]:
    """The handoffs of each flow from one partner to another, on one page (counts/handoffs-by-flow);
    by side, they are the journal's framework figures (framework.scope)."""
    page, title = "handoffs-by-flow", "Handoffs by who handed over to whom"
    flows: dict[str, list[Counted]] = defaultdict(list)
    labels: dict[str, str] = {}
    for s in journal.sessions:
        for i, h in enumerate(s.handoffs, 1):
            if h.from_ not in journal.partners or h.to not in journal.partners:
                continue
            key = _flow_key(names, h.from_, h.to)
            flows[key].append(Counted(s, routes.anchor("handoff", i), h.what))
            labels[key] = f"From {names[h.from_].name} to {names[h.to].name}"
    return [CountSet(key, labels[key], items, page, title) for key, items in flows.items()]


#: The two directions feedback loops run in, as the post has them: to the AI, and from it.
LOOPS = ("human-to-ai", "ai-to-human")
TOPICS: tuple[FeedbackAbout, ...] = get_args(FeedbackAbout)


def direction_of(partners: dict[str, Partner], source: str, target: str) -> str | None:
    """Which way something went between two partners ("human-to-ai", "ai-to-human", "human-to-human",
    "ai-to-ai"): a feedback's, a handoff's; None when either partner is unknown."""
    if source not in partners or target not in partners:
        return None
    return f"{partners[source].kind}-to-{partners[target].kind}"


def _loop(journal: Journal, f: Any) -> str | None:
    """A feedback's direction when it is one of the two loops (human to AI, AI to human)."""
    way = direction_of(journal.partners, f.from_, f.to)
    return way if way in LOOPS else None


@dataclass(frozen=True)
class LoopCell:
    """Feedback of one topic in one direction: how much (its records: framework.scope's), and the share acted on."""

    count: int
    acted: Rate


@dataclass(frozen=True)
class FeedbackLoops:
    """Feedback both ways, topic by topic, and what the AI suggested about the process."""

    cells: dict[tuple[str, str], LoopCell]  # (direction, topic)
    topics: list[str]  # the topics that occur, in the record format's order
    process: list[Counted]  # the AI's feedback to humans about process, newest first

    def total(self, direction: str) -> int:
        return sum(c.count for (d, _), c in self.cells.items() if d == direction)

    def top(self, direction: str) -> tuple[str, Rate] | None:
        """The topic most of a direction's feedback was about, with its share, if it has items enough."""
        cells = [(t, c) for (d, t), c in self.cells.items() if d == direction]
        whole = self.total(direction)
        if not cells or whole < MIN_ITEMS:
            return None
        topic, cell = max(cells, key=lambda tc: (tc[1].count, -TOPICS.index(tc[0])))
        return topic, Rate(cell.count, whole)


def feedback_loops(journal: Journal) -> FeedbackLoops:
    cells: dict[tuple[str, str], list[bool | None]] = defaultdict(list)
    process = []
    for s in journal.sessions:
        for i, f in enumerate(s.feedback, 1):
            direction = _loop(journal, f)
            if direction is None:
                continue
            cells[(direction, f.about)].append(f.acted_on)
            if direction == "ai-to-human" and f.about == "process":
                process.append(Counted(s, routes.anchor("feedback", i), f.text))
    found = {k: LoopCell(len(v), Rate(sum(a is True for a in v), sum(a is not None for a in v)))
             for k, v in cells.items()}  # fmt: skip
    topics = [t for t in TOPICS if any(topic == t for _, topic in found)]
    return FeedbackLoops(found, topics, newest_first(process))


def _kind_of(journal: Journal, id: str | None) -> str | None:
    return journal.partners[id].kind if id in journal.partners else None


def ai_overruled(journal: Journal, r: LedgerRow) -> bool:
    """An AI partner took a position, and another partner's was adopted."""
    ai = {p.by for p in r.disagreement.positions if _kind_of(journal, p.by) == "ai"}
    return bool(ai) and r.adopted is not None and r.adopted not in ai


def _contributions(sessions: Iterable[Session], of=lambda c: True) -> list[Counted]:
    return [Counted(s, routes.anchor("contribution", i), c.summary) for s in sessions for i, c in enumerate(s.contributions, 1) if of(c)]


def _by_kind(page: str, at: str, whose: str, title: str, counted: dict[str, list[Counted]]) -> list[CountSet]:
    """A partner's contributions, as the sum of its kinds, and those of each kind (keyed `at`_kind)."""
    used = [k for k in KINDS if k in counted]
    sets = [CountSet(at, f"Contributions of {whose}", [c for k in used for c in counted[k]], page, title,
                     tuple(f"{at}_{k}" for k in used))]  # fmt: skip
    return sets + [CountSet(f"{at}_{k}", f"{first_upper(k)} by {whose}", counted[k], page, title) for k in used]


def _case_sets(journal: Journal, names: dict[str, PublicPartner]) -> list[CountSet]:
    """The records behind a case study's "who contributed what", a page a case study: each partner's
    contributions and those of each kind. Keys join id, slug and kind with "_", which none of them holds."""
    sets = []
    for id, studied in sessions_of_case(journal).items():
        page, title = f"case-{id}", f"The records behind {journal.case_studies[id].title}"
        by: dict[str, dict[str, list[Counted]]] = {}
        for s in studied:
            for i, c in enumerate(s.contributions, 1):
                by.setdefault(c.by, {}).setdefault(c.kind, []).append(Counted(s, routes.anchor("contribution", i), c.summary))
        for p, counted in by.items():
            sets += _by_kind(page, f"{page}_{names[p].slug}", names[p].name, title, counted)
    return sets


def _partner_sets(journal: Journal, names: dict[str, PublicPartner]) -> list[CountSet]:
    """The records behind a partner's page, a page a partner: its contributions of each kind, and
    the feedback it gave and received: all, acted on, and with acting on known (as `profiles` counts)."""
    kinds: dict[str, dict[str, list[Counted]]] = {id: {} for id in journal.partners}
    feedback: dict[tuple[str, str], list[tuple[Counted, bool | None]]] = defaultdict(list)
    for s in journal.sessions:
        for i, c in enumerate(s.contributions, 1):
            if c.by in kinds:
                kinds[c.by].setdefault(c.kind, []).append(Counted(s, routes.anchor("contribution", i), c.summary))
        for i, f in enumerate(s.feedback, 1):
            for side, id in (("given", f.from_), ("received", f.to)):
                feedback[(id, side)].append((Counted(s, routes.anchor("feedback", i), f.text), f.acted_on))
    sets = []
    for id, counted in kinds.items():
        public = names[id]
        page, title = f"partner-{public.slug}", f"The records behind {public.name}'s page"
        sets += _by_kind(page, page, public.name, title, {k: counted[k] for k in KINDS if k in counted})
        for side in ("given", "received"):
            items = feedback[(id, side)]
            sets += [
                CountSet(f"{page}_feedback-{side}", f"Feedback {side}", [c for c, _ in items], page, title),
                CountSet(f"{page}_feedback-{side}-acted", f"Feedback {side} and acted on",
                         [c for c, acted in items if acted], page, title),
                CountSet(f"{page}_feedback-{side}-known", f"Feedback {side}, known to be acted on or not",
                         [c for c, acted in items if acted is not None], page, title),
            ]  # fmt: skip
    return sets


def _period_sets(journal: Journal) -> list[CountSet]:
    """The records behind the evolution page's figures: each period's sessions, contributions by
    side, disagreements (as the sum of its outcomes) and feedback whose acting on is known, by direction;
    a page a period, keyed as `periods` keys them."""
    partners, unit = journal.partners, granularity(journal.sessions)
    sets = []
    for (key, label, _), in_period in _by_period(journal.sessions, unit):
        page = f"period-{key}"

        def add(name: str, title: str, items: list[Counted], parts: tuple[str, ...] = ()) -> None:
            sets.append(CountSet(f"{page}-{name}", f"{title} in {label}", items, page, f"The records behind {label}", parts))

        add("sessions", "Sessions", [Counted(s, "", s.title) for s in in_period])
        for kind, side in (("ai", "AI"), ("human", "Human")):
            add(f"contributions-{kind}", f"{side} contributions",
                _contributions(in_period, lambda c, kind=kind: c.by in partners and partners[c.by].kind == kind))
        rows = ledger_rows(in_period)
        add("disagreements", "Disagreements", [Counted(r.session, routes.anchor("disagreement", r.number), r.disagreement.topic) for r in rows],
            tuple(f"{page}-outcome-{o}" for o in OUTCOMES if any(r.outcome == o for r in rows)))
        for o in OUTCOMES:
            add(f"outcome-{o}", f"Disagreements with outcome {o}",
                [Counted(r.session, routes.anchor("disagreement", r.number), r.disagreement.topic) for r in rows if r.outcome == o])
        for way, words in (("human-to-ai", "Human-to-AI"), ("ai-to-human", "AI-to-human")):
            add(f"feedback-{way}", f"{words} feedback known to be acted on or not",
                [Counted(s, routes.anchor("feedback", i), f.text) for s in in_period for i, f in enumerate(s.feedback, 1)
                 if f.acted_on is not None and direction_of(partners, f.from_, f.to) == way])
    return sets  # fmt: skip


# Lessons learned


@dataclass(frozen=True)
class LessonEntry:
    session: Session
    lesson: Lesson
    number: int  # 1-based, as anchored on the session page (lesson-N)


def lessons_by_tag(sessions: Iterable[Session]) -> list[tuple[str | None, list[LessonEntry]]]:
    """Every lesson under each of its tags, newest first; the most used tags first, untagged last."""
    groups: dict[str | None, list[LessonEntry]] = defaultdict(list)
    for s in sorted(sessions, key=lambda s: (s.date, s.id), reverse=True):
        for i, lesson in enumerate(s.lesson_entries, 1):
            for tag in lesson.tags or [None]:
                groups[tag].append(LessonEntry(s, lesson, i))
    tagged = sorted((t for t in groups if t is not None), key=lambda t: (-len(groups[t]), t.lower(), t))
    return [(t, groups[t]) for t in tagged] + ([(None, groups[None])] if None in groups else [])


def lessons_of(sessions: Iterable[Session]) -> list[LessonEntry]:
    """The sessions' lessons, in the sessions' order."""
    return [LessonEntry(s, lesson, i) for s in sessions for i, lesson in enumerate(s.lesson_entries, 1)]


@dataclass(frozen=True)
class LessonGroup:
    tag: str | None  # None: the lessons without a tag
    slug: str  # the group's page, lessons/<slug>
    entries: list[LessonEntry]


def lesson_groups(sessions: Iterable[Session]) -> list[LessonGroup]:
    """The groups of `lessons_by_tag`, each with a page name of its own, unique and stable."""
    taken = {"untagged"}
    groups = []
    for tag, entries in lessons_by_tag(sessions):
        slug = "untagged" if tag is None else unique_slug(slugify(tag), taken, "tag")
        groups.append(LessonGroup(tag, slug, entries))
    return groups


# Disagreement ledger

OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)
#: Outcomes that leave a disagreement open, in the order the ledger lists them.
OPEN_OUTCOMES: tuple[Outcome, ...] = ("unresolved", "deferred")
#: How the ledger lists outcomes: the still open first.
LISTING_ORDER = (*OPEN_OUTCOMES, *(o for o in OUTCOMES if o not in OPEN_OUTCOMES))


@dataclass(frozen=True)
class LedgerRow:
    session: Session
    number: int  # 1-based, as anchored on the session page
    disagreement: Disagreement

    @property
    def outcome(self) -> str:
        return self.disagreement.outcome

    @property
    def adopted(self) -> str | None:
        return self.disagreement.adopted


@dataclass(frozen=True)
class Tally:
    """Positions taken, adopted, and how the adopted ones held up."""

    taken: int = 0
    adopted: int = 0
    held: int = 0
    failed: int = 0

    @property
    def unknown(self) -> int:
        return self.adopted - self.held - self.failed

    def add(self, adopted: bool, held_up: bool | None) -> Tally:
        return Tally(
            self.taken + 1,
            self.adopted + adopted,
            self.held + (adopted and held_up is True),
            self.failed + (adopted and held_up is False),
        )


@dataclass(frozen=True)
class Ledger:
    rows: list[LedgerRow]  # open ones first, then newest first
    by_outcome: dict[str, int]
    by_kind: dict[str, Tally]  # "human", "ai"
    by_partner: dict[str, Tally]


def ledger_rows(sessions: Iterable[Session]) -> list[LedgerRow]:
    """The sessions' disagreements in the sessions' order, each numbered as on its session's page."""
    return [LedgerRow(s, i, d) for s in sessions for i, d in enumerate(s.disagreements, 1)]


def ledger(journal: Journal) -> Ledger:
    """Every disagreement, how it ended, and whose positions were adopted and held up."""
    rows = ledger_rows(journal.sessions)
    rows.sort(key=lambda r: (r.session.date, r.session.id, -r.number), reverse=True)
    rows.sort(key=lambda r: r.outcome not in OPEN_OUTCOMES)
    by_outcome = {o: 0 for o in OUTCOMES}
    by_kind = {"human": Tally(), "ai": Tally()}
    by_partner: dict[str, Tally] = {}
    for row in rows:
        by_outcome[row.outcome] += 1
        for position in row.disagreement.positions:
            partner = journal.partners.get(position.by)
            if partner is None:
                continue
            adopted = row.adopted == position.by
            by_kind[partner.kind] = by_kind[partner.kind].add(adopted, row.disagreement.held_up)
            by_partner[position.by] = by_partner.get(position.by, Tally()).add(adopted, row.disagreement.held_up)
    order = partner_order(journal)
    return Ledger(rows, by_outcome, by_kind, dict(sorted(by_partner.items(), key=lambda kv: order[kv[0]])))


@dataclass(frozen=True)
class LedgerYear:
    """One year's disagreements, in ledger order, and how many ended each way."""

    year: int
    rows: list[LedgerRow]

    @property
    def by_outcome(self) -> dict[str, list[LedgerRow]]:
        """The rows by outcome, in the order the ledger lists outcomes (still open first)."""
        groups: dict[str, list[LedgerRow]] = {o: [] for o in LISTING_ORDER}
        for row in self.rows:
            groups[row.outcome].append(row)
        return groups


def ledger_years(ledger: Ledger) -> list[LedgerYear]:
    """The ledger's rows by the year of their session, newest year first, in ledger order within."""
    years: dict[int, list[LedgerRow]] = defaultdict(list)
    for row in ledger.rows:
        years[row.session.date.year].append(row)
    return [LedgerYear(year, years[year]) for year in sorted(years, reverse=True)]


# Evolution over time


@dataclass(frozen=True)
class Period:
    key: str  # "2026-02" or "2026-Q1": also the anchor on the sessions index
    label: str  # "February 2026" or "Q1 2026"
    year: int  # the year whose sessions page lists the period's sessions, under the period's anchor
    sessions: tuple[Session, ...]
    kinds: dict[str, Counter[str]]  # "ai"/"human" -> contribution kinds
    outcomes: Counter[str]
    feedback: dict[str, tuple[int, int]]  # "human-to-ai"/"ai-to-human" -> (acted on, with acted_on known)
    confidence: dict[str, float | None]  # "ai"/"human" -> mean stated confidence

    @property
    def disagreements(self) -> int:
        return sum(self.outcomes.values())


def granularity(sessions: list[Session]) -> str:
    """Months, or quarters when the journal spans more than two years."""
    if not sessions:
        return "month"
    first, last = min(s.date for s in sessions), max(s.date for s in sessions)
    return "quarter" if (last - first).days > 2 * 365 else "month"


class PeriodOf(NamedTuple):
    """The period a day falls in, made only by `period_of`: nothing reads a period back from its key."""

    key: str  # the year in four digits ("0999-Q4"), so that keys sort as the periods do
    label: str
    year: int


def period_of(day: dt.date, unit: str) -> PeriodOf:
    """The month or quarter ("quarter") a day falls in."""
    if unit == "quarter":
        q = (day.month - 1) // 3 + 1
        return PeriodOf(f"{day.year:04d}-Q{q}", f"Q{q} {day.year}", day.year)
    return PeriodOf(f"{day.year:04d}-{day.month:02d}", f"{calendar.month_name[day.month]} {day.year}", day.year)


def _by_period(sessions: Iterable[Session], unit: str) -> list[tuple[PeriodOf, list[Session]]]:
    """The sessions of each period with something in it, oldest period first."""
    grouped: dict[PeriodOf, list[Session]] = defaultdict(list)
    for s in sessions:
        grouped[period_of(s.date, unit)].append(s)
    return sorted(grouped.items())


def periods(journal: Journal) -> list[Period]:
    """The journal cut into periods with something in them, oldest first."""
    return [_period(of, in_period, journal.partners) for of, in_period in _by_period(journal.sessions, granularity(journal.sessions))]


def _period(of: PeriodOf, sessions: list[Session], partners: dict[str, Partner]) -> Period:
    kinds: dict[str, Counter[str]] = {"ai": Counter(), "human": Counter()}
    stated: dict[str, list[float]] = {"ai": [], "human": []}
    feedback = {"human-to-ai": [0, 0], "ai-to-human": [0, 0]}
    outcomes: Counter[str] = Counter()
    for s in sessions:
        for c in s.contributions:
            if c.by in partners:
                kinds[partners[c.by].kind][c.kind] += 1
                if c.confidence is not None:
                    stated[partners[c.by].kind].append(c.confidence)
        for d in s.disagreements:
            outcomes[d.outcome] += 1
            for p in d.positions:
                if p.by in partners and p.confidence is not None:
                    stated[partners[p.by].kind].append(p.confidence)
        for f in s.feedback:
            way = direction_of(partners, f.from_, f.to)
            if way in feedback and f.acted_on is not None:
                feedback[way][0] += f.acted_on
                feedback[way][1] += 1
    return Period(
        of.key, of.label, of.year, tuple(sessions), kinds, outcomes,
        {d: (a, n) for d, (a, n) in feedback.items()},
        {k: (sum(v) / len(v) if v else None) for k, v in stated.items()},
    )  # fmt: skip


#: Below these, a share or mean says too little to call a change.
# Change within a partnership: its earlier sessions against its later ones


@dataclass(frozen=True)
class Partnership:
    """Sessions that belong together: a case study's, or those a human and an AI partner shared."""

    key: str  # "case-study:<id>" or "pair:<human id>:<ai id>"
    sessions: list[Session]  # in date order
    case_study: str | None = None
    pair: tuple[str, str] | None = None  # (human id, AI id)


#: A partnership needs this many sessions for its earlier half to be set against its later half.
MIN_SESSIONS = 4


def partnerships(journal: Journal) -> list[Partnership]:
    """Each case study, then each human and AI pair that shared at least MIN_SESSIONS sessions.

    Only partners in MIN_SESSIONS sessions or more are paired: a session of many partners has
    humans times AIs pairs, and most of a journal of many partners would be pairs of one session."""
    found = [Partnership(f"case-study:{id}", sessions, case_study=id) for id, sessions in sessions_of_case(journal).items()]
    taking_part = Counter(p.partner for s in journal.sessions for p in s.partners)
    lasting = {id for id, n in taking_part.items() if n >= MIN_SESSIONS and id in journal.partners}
    pairs: dict[tuple[str, str], list[Session]] = defaultdict(list)
    for s in journal.sessions:
        present = [p.partner for p in s.partners if p.partner in lasting]
        humans = [id for id in present if journal.partners[id].kind == "human"]
        ais = [id for id in present if journal.partners[id].kind == "ai"]
        for pair in ((h, a) for h in humans for a in ais):
            pairs[pair].append(s)
    order = partner_order(journal)
    studied = {tuple(s.id for s in p.sessions) for p in found}
    for (h, a), sessions in sorted(pairs.items(), key=lambda kv: (order[kv[0][0]], order[kv[0][1]])):
        if len(sessions) >= MIN_SESSIONS and tuple(s.id for s in sessions) not in studied:  # a case study says it
            found.append(Partnership(f"pair:{h}:{a}", sessions, pair=(h, a)))
    return found


@dataclass(frozen=True)
class Measure:
    """One rate of a partnership, in its earlier and its later sessions, and whether it changed."""

    name: str  # "the AI's share of contributions"
    before: Rate
    after: Rate
    tests: int  # how many measures the partnership tests: the bar is ALPHA / tests (Bonferroni)

    @property
    def tested(self) -> bool:
        """Both halves have enough items for the rates to be compared."""
        return self.before.enough and self.after.enough

    @property
    def p(self) -> float | None:
        """Fisher's exact test on the two halves' counts; None when they are too few to test."""
        if not self.tested:
            return None
        b, a = self.before, self.after
        return fisher_exact(b.part, b.whole - b.part, a.part, a.whole - a.part)

    @property
    def changed(self) -> bool:
        """A change beyond chance: significant at ALPHA, shared among the partnership's measures."""
        return self.p is not None and self.p < ALPHA / self.tests

    @property
    def p_text(self) -> str:
        return _p(self.p)

    def sentence(self, before: int, after: int) -> str:
        """What changed, with both counts and the test ("... rose from 2 of 10 (20%) in the first
        4 sessions to 9 of 10 (90%) in the last 4; Fisher's exact test, p = 0.005")."""
        verb = "rose" if self.after.part * self.before.whole > self.before.part * self.after.whole else "fell"
        return (f"{self.name} {verb} from {self.before} in the first {before} sessions to "
                f"{self.after} in the last {after}; Fisher's exact test, {_p(self.p)}")  # fmt: skip


def _p(p: float | None) -> str:
    """A p-value as a reader can take it: three decimals, or "p < 0.001"."""
    return "p < 0.001" if p is not None and p < 0.001 else f"p = {p:.3f}"


@dataclass(frozen=True)
class Trend:
    """A partnership's earlier half of sessions set against its later half."""

    partnership: Partnership
    before: list[Session]
    after: list[Session]
    measures: list[Measure]

    @property
    def changed(self) -> list[Measure]:
        return [m for m in self.measures if m.changed]

    @property
    def halves(self) -> tuple[str, str]:
        """The keys of the count sets of its first and last sessions (counts/halves)."""
        at = self.partnership.key.replace(":", "_")
        return f"halves-{at}-first", f"halves-{at}-last"

    @property
    def left_out(self) -> list[Measure]:
        """Measures with too few items in one half or both: shown, never put in a sentence."""
        return [m for m in self.measures if not m.tested]

    @property
    def sentences(self) -> list[str]:
        return [m.sentence(len(self.before), len(self.after)) for m in self.changed]

    @property
    def threshold(self) -> float:
        """The p-value a measure must be under to be named: ALPHA shared among the measures."""
        return ALPHA / len(self.measures)


def _measures(sessions: list[Session], partners: dict[str, Partner], pair: tuple[str, str] | None = None) -> dict[str, Rate]:
    """The rates a partnership is followed by, over some of its sessions; for a pair, only what its
    two partners did, said to each other and disagreed on (not the work of others in the room)."""
    def ours(*ids: str) -> bool:
        return pair is None or all(id in pair for id in ids)

    ai = human = 0
    held = [0, 0]
    acted = {"human-to-ai": [0, 0], "ai-to-human": [0, 0]}
    for s in sessions:
        for c in s.contributions:
            if not ours(c.by):
                continue
            kind = partners[c.by].kind if c.by in partners else None
            ai += kind == "ai"
            human += kind == "human"
            if kind == "ai" and c.held_up is not None:
                held[0] += c.held_up
                held[1] += 1
        for f in s.feedback:
            if not ours(f.from_, f.to):
                continue
            if f.acted_on is not None and (direction := direction_of(partners, f.from_, f.to)) is not None:
                if direction in acted:
                    acted[direction][0] += f.acted_on
                    acted[direction][1] += 1
    return {
        "the AI's share of contributions": Rate(ai, ai + human),
        "sessions with a disagreement": Rate(sum(1 for s in sessions if any(
            pair is None or any(p.by in pair for p in d.positions) for d in s.disagreements)), len(sessions)),
        "feedback to the AI that it acted on": Rate(*acted["human-to-ai"]),
        "feedback to humans that they acted on": Rate(*acted["ai-to-human"]),
        "the AI's verified contributions that held up": Rate(*held),
    }


def trend(partnership: Partnership, partners: dict[str, Partner]) -> Trend | None:
    """The partnership's first half of sessions against its second (the middle one, if odd, in the
    second); None with fewer than MIN_SESSIONS sessions."""
    sessions = partnership.sessions
    if len(sessions) < MIN_SESSIONS:
        return None
    half = len(sessions) // 2
    before, after = sessions[:half], sessions[half:]
    pair = partnership.pair
    rates_before, rates_after = _measures(before, partners, pair), _measures(after, partners, pair)
    measures = [Measure(name, rates_before[name], rates_after[name], len(rates_before)) for name in rates_before]
    return Trend(partnership, before, after, measures)


def trends(journal: Journal) -> dict[str, Trend]:
    """The trend of every partnership with sessions enough, by partnership key."""
    found = {}
    for partnership in partnerships(journal):
        t = trend(partnership, journal.partners)
        if t is not None:
            found[partnership.key] = t
    return found


# Calibration


@dataclass(frozen=True)
class Claim:
    """A stated confidence with a verdict: did what was said hold up (or, for a position, was it borne out)?"""

    session: Session
    what: str  # "contribution" or "position"
    number: int  # 1-based within the session
    text: str
    confidence: float
    outcome: bool

    @property
    def anchor(self) -> str:
        """Its place on its session's page: contribution-N, or disagreement-N for a position."""
        return routes.anchor("contribution" if self.what == "contribution" else "disagreement", self.number)


@dataclass(frozen=True)
class Band:
    low: int  # percent, inclusive
    high: int  # percent
    claims: tuple[Claim, ...]

    @property
    def held(self) -> int:
        return sum(c.outcome for c in self.claims)

    @property
    def stated(self) -> float:
        return sum(c.confidence for c in self.claims) / len(self.claims)

    @property
    def observed(self) -> float:
        return self.held / len(self.claims)


@dataclass(frozen=True)
class Calibration:
    partner: str
    claims: tuple[Claim, ...]
    bands: tuple[Band, ...]
    unverified_items: tuple[Counted, ...]  # stated a confidence, not yet known whether it held up
    left_out_items: tuple[Counted, ...]  # positions in compromises, new approaches, deferred or unresolved disagreements

    @property
    def unverified(self) -> int:
        return len(self.unverified_items)

    @property
    def left_out(self) -> int:
        return len(self.left_out_items)

    @property
    def brier(self) -> float | None:
        """Mean squared gap between stated confidence and outcome (0 is perfect); None below MIN_CLAIMS."""
        if len(self.claims) < MIN_CLAIMS:
            return None
        return sum((c.confidence - c.outcome) ** 2 for c in self.claims) / len(self.claims)


#: Fewer verified claims than this make a Brier score misleading: the page says so instead.
MIN_CLAIMS = 5


def calibration(journal: Journal) -> dict[str, Calibration]:
    """For each partner who ever stated a confidence: stated confidence against what held up.

    A contribution counts by its own `held_up`. A position counts as borne out when it was
    adopted and the decision held up, or was not adopted and the decision did not hold up;
    positions in other outcomes, and anything not yet verified, are left out and counted.
    """
    claims: dict[str, list[Claim]] = defaultdict(list)
    unverified: dict[str, list[Counted]] = defaultdict(list)
    left_out: dict[str, list[Counted]] = defaultdict(list)
    for s in journal.sessions:
        for i, c in enumerate(s.contributions, 1):
            if c.confidence is None:
                continue
            if c.held_up is None:
                unverified[c.by].append(Counted(s, routes.anchor("contribution", i), c.summary))
            else:
                claims[c.by].append(Claim(s, "contribution", i, c.summary, c.confidence, c.held_up))
        for i, d in enumerate(s.disagreements, 1):
            for p in d.positions:
                if p.confidence is None:
                    continue
                if d.outcome != "adopted":
                    left_out[p.by].append(Counted(s, routes.anchor("disagreement", i), p.stance))
                elif d.held_up is None:
                    unverified[p.by].append(Counted(s, routes.anchor("disagreement", i), p.stance))
                else:
                    borne_out = (d.adopted == p.by) == d.held_up
                    claims[p.by].append(Claim(s, "position", i, p.stance, p.confidence, borne_out))
    stated = set(claims) | set(unverified) | set(left_out)
    return {
        id: Calibration(id, tuple(claims[id]), _bands(claims[id]), tuple(unverified[id]), tuple(left_out[id]))
        for id in journal.partners
        if id in stated
    }


def _bands(claims: list[Claim]) -> tuple[Band, ...]:
    """Claims in 10-point bands of stated confidence (100% joins 90-100%), only bands with claims."""
    grouped: dict[int, list[Claim]] = defaultdict(list)
    for c in claims:
        grouped[min(int(c.confidence * 10 + 1e-9), 9)].append(c)
    return tuple(Band(b * 10, b * 10 + 10, tuple(grouped[b])) for b in sorted(grouped))


# Partner profiles


@dataclass(frozen=True)
class Profile:
    contributions: Counter[str]
    feedback_given: tuple[int, int, int]  # given, acted on, with acted_on known
    feedback_received: tuple[int, int, int]


def profiles(journal: Journal) -> dict[str, Profile]:
    """Each partner's work by kind, and feedback given and received and acted on."""
    kinds: dict[str, Counter[str]] = {id: Counter() for id in journal.partners}
    given = {id: [0, 0, 0] for id in journal.partners}
    received = {id: [0, 0, 0] for id in journal.partners}
    for s in journal.sessions:
        for c in s.contributions:
            if c.by in kinds:
                kinds[c.by][c.kind] += 1
        for f in s.feedback:
            for side, id in ((given, f.from_), (received, f.to)):
                if id in side:
                    side[id][0] += 1
                    side[id][1] += bool(f.acted_on)
                    side[id][2] += f.acted_on is not None
    return {id: Profile(kinds[id], tuple(given[id]), tuple(received[id])) for id in journal.partners}  # type: ignore[arg-type]
