"""The post's framework in one part of the journal: a case study's sessions, or what one partner took part in.

The journal-wide pages (handoffs, feedback loops, the ledger's "who decides") count the whole journal;
here the same questions are asked of a case study and of a partner, and two more that only make sense
close up: what followed a contribution or decision that did not hold up (trust after failure), and
what a partner said it was good at beside what it did (strengths in practice). Pure functions of a
published journal; every figure is a count set (analyze.CountSet) so its number opens its records.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable

from . import routes
from .analyze import (
    KINDS, LOOPS, SIDES, TOPICS, Counted, CountSet, LedgerRow, ai_overruled, calibration, direction_of, first_upper,
    ledger_rows, newest_first, sessions_of_case, sessions_of_partner,
)  # fmt: skip
from .model import Journal, Partner, Session
from .privacy import public_partners
from .stats import MIN_ITEMS

#: How many of a partnership's sessions after a failure its recovery view lists, and how many
#: (the failure's own included) its stated confidence before is taken from.
WINDOW = 3

#: How many failures, newest first, a case study's or partner's page shows what followed (all are counted).
FAILURES_SHOWN = 10

#: The count page of the whole journal's framework figures (its handoffs, feedback, who decides).
JOURNAL = "journal"

#: Who decided a disagreement, as the tables name them.
DECIDERS = {"human": "A human partner", "ai": "An AI partner", "unrecorded": "No decider recorded"}


def _takes_part(partner: str | None, d: Any) -> bool:
    """Whether a partner (any, for None) took part in a disagreement: held a position in it, or decided it."""
    return partner is None or any(p.by == partner for p in d.positions) or (
        d.resolution is not None and d.resolution.decided_by == partner)


@dataclass(frozen=True)
class Scope:
    """The framework's figures for one case study or partner: the keys of their count sets, on `page`."""

    page: str
    sides: list[str]  # handoff sides that occur here, in SIDES order
    topics: dict[str, list[str]]  # direction -> the topics of its feedback here, in TOPICS order
    acted: dict[str, tuple[int, str]]  # direction -> (acted on, key of the feedback whose acting on is known)
    decided: list[str]  # DECIDERS keys that occur here
    overruled: int  # disagreements where an AI's position was passed over
    sizes: dict[str, int]  # the number of records in each of its count sets, by name (`key` without the page)

    def key(self, name: str) -> str:
        return f"{self.page}_{name}"

def _decider(journal: Journal, r: LedgerRow) -> str:
    by = r.disagreement.resolution.decided_by if r.disagreement.resolution is not None else None
    return journal.partners[by].kind if by in journal.partners else "unrecorded"


def scope(journal: Journal, sessions: Iterable[Session], page: str, title: str,
          partner: str | None = None) -> tuple[Scope, list[CountSet]]:
    """Handoffs by side, feedback by direction and topic, and who decided, in some sessions (of a
    partner: only the handoffs, feedback and disagreements it took part in), as count sets on `page`."""
    found: dict[str, list[Counted]] = defaultdict(list, {"ai-overruled": [], "ai-overruled-failed": [], "failed": []})
    acted: dict[str, int] = defaultdict(int)
    overruled = 0
    for s in sessions:
        for i, h in enumerate(s.handoffs, 1):
            side = direction_of(journal.partners, h.from_, h.to)
            if side is not None and partner in (None, h.from_, h.to):
                found[f"handoffs-{side}"].append(Counted(s, routes.anchor("handoff", i), h.what))
        for i, f in enumerate(s.feedback, 1):
            way = direction_of(journal.partners, f.from_, f.to)
            if way in LOOPS and partner in (None, f.from_, f.to):
                counted = Counted(s, routes.anchor("feedback", i), f.text)
                found[f"feedback-{way}"].append(counted)
                found[f"feedback-{way}-{f.about}"].append(counted)
                if f.acted_on is not None:
                    found[f"feedback-{way}-known"].append(counted)
                    acted[way] += f.acted_on
        for i, c in enumerate(s.contributions, 1):
            if c.held_up is False and partner in (None, c.by):
                found["failed"].append(Counted(s, routes.anchor("contribution", i), c.summary))
        for r in ledger_rows([s]):
            if not _takes_part(partner, r.disagreement):
                continue
            counted = Counted(s, routes.anchor("disagreement", r.number), r.disagreement.topic)
            if r.disagreement.held_up is False:
                found["failed"].append(counted)
            found[f"decided-{_decider(journal, r)}"].append(counted)
            if ai_overruled(journal, r):
                overruled += 1
                found["ai-overruled"].append(counted)
                if r.disagreement.held_up is False:
                    found["ai-overruled-failed"].append(counted)
    titles = {f"handoffs-{side}": f"Handoffs {side.replace('-', ' ').replace('ai', 'AI')}" for side in SIDES}
    for way in LOOPS:
        words = "to the AI" if way == "human-to-ai" else "from the AI"
        titles[f"feedback-{way}"] = f"Feedback {words}"
        titles[f"feedback-{way}-known"] = f"Feedback {words}, known to be acted on or not"
        titles.update({f"feedback-{way}-{t}": f"Feedback {words} about {t}" for t in TOPICS})
    titles.update({f"decided-{k}": f"Disagreements decided: {v.lower()}" for k, v in DECIDERS.items()})
    titles["ai-overruled"] = "Disagreements where an AI's position was passed over"
    titles["ai-overruled-failed"] = "An AI's position passed over, and the decision did not hold up"
    titles["failed"] = "Contributions and decisions that did not hold up"
    sets = [CountSet(f"{page}_{name}", titles[name], newest_first(items), page, title) for name, items in found.items()]
    return Scope(
        page,
        [side for side in SIDES if f"handoffs-{side}" in found],
        {way: [t for t in TOPICS if f"feedback-{way}-{t}" in found] for way in LOOPS if f"feedback-{way}" in found},
        {way: (acted[way], f"{page}_feedback-{way}-known") for way in LOOPS if f"feedback-{way}-known" in found},
        [k for k in DECIDERS if f"decided-{k}" in found],
        overruled,
        {name: len(items) for name, items in found.items()},
    ), sets  # fmt: skip


# Trust after failure: what followed what did not hold up, in the same partnership


@dataclass(frozen=True)
class Confidence:
    """A partner's mean stated confidence over some contributions, and the key of their count set."""

    mean: float | None
    key: str
    n: int

    @property
    def enough(self) -> bool:
        return self.n >= MIN_ITEMS


@dataclass(frozen=True)
class Failure:
    """A contribution or decision that did not hold up, and what followed it in its partnership."""

    item: Counted
    what: str  # "contribution" or "decision"
    partner: str | None  # whose contribution, or whose position the decision adopted
    involved: frozenset[str]  # the partners it concerns: the contributor, or those in the disagreement
    case_study: str | None
    after: list[Session]  # the partnership's next sessions (WINDOW at most)
    feedback: str  # key of the feedback in them between the partners concerned
    answered: int  # how much feedback that is
    before: Confidence  # the partner's stated confidence in the partnership's WINDOW sessions up to the failure
    later: Confidence  # and in the sessions after it


def _pairs(journal: Journal, session: Session, involved: frozenset[str]) -> list[tuple[str, str]]:
    """The human and AI pairs that worked together in a session and include one of `involved`,
    found from those partners (a session of many partners holds humans times AIs pairs)."""
    present = [p.partner for p in session.partners if p.partner in journal.partners]
    humans = [id for id in present if journal.partners[id].kind == "human"]
    ais = [id for id in present if journal.partners[id].kind == "ai"]
    return list(dict.fromkeys([(h, a) for h in humans if h in involved for a in ais] +
                              [(h, a) for a in ais if a in involved for h in humans]))  # fmt: skip


class Lines:
    """Where each session stands in its partnerships, in date order: a case study's sessions, and
    each human and AI pair's (a failure looks only a few sessions either way). A pair's line is
    made the first time a failure asks for it, from its two partners' sessions."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        self.lines: dict[tuple[str, str], list[Session]] = defaultdict(list)
        self.of_partner: dict[str, list[Session]] = defaultdict(list)
        for s in journal.sessions:
            if s.case_study is not None:
                self.lines[("case", s.case_study)].append(s)
            for p in s.partners:
                self.of_partner[p.partner].append(s)
        self.at = {key: {s.id: i for i, s in enumerate(line)} for key, line in self.lines.items()}
        self.order = {s.id: i for i, s in enumerate(journal.sessions)}

    def _line(self, key: tuple[str, str]) -> tuple[list[Session], dict[str, int]]:
        """A partnership's sessions, and where each stands in them."""
        if key not in self.at:
            h, a = key
            with_a = {s.id for s in self.of_partner[a]}
            self.lines[key] = [s for s in self.of_partner[h] if s.id in with_a]
            self.at[key] = {s.id: i for i, s in enumerate(self.lines[key])}
        return self.lines[key], self.at[key]

    def around(self, session: Session, involved: frozenset[str]) -> tuple[list[Session], list[Session]]:
        """The WINDOW sessions of a session's partnership up to it (itself included) and the WINDOW after:
        its case study's, or (with none) those of the human and AI pairs in it that the failure concerns."""
        keys = [("case", session.case_study)] if session.case_study is not None else _pairs(self.journal, session, involved)
        before: dict[str, Session] = {session.id: session}
        after: dict[str, Session] = {}
        for key in keys:
            line, at = self._line(key)
            i = at[session.id]
            before.update((s.id, s) for s in line[max(0, i - WINDOW + 1) : i + 1])
            after.update((s.id, s) for s in line[i + 1 : i + 1 + WINDOW])
        return self._ordered(before)[-WINDOW:], self._ordered(after)[:WINDOW]

    def _ordered(self, found: dict[str, Session]) -> list[Session]:
        return sorted(found.values(), key=lambda s: self.order[s.id])


def _stated(sessions: Iterable[Session], partner: str | None) -> list[tuple[Counted, float]]:
    return [(Counted(s, routes.anchor("contribution", i), c.summary), c.confidence) for s in sessions
            for i, c in enumerate(s.contributions, 1) if c.by == partner and c.confidence is not None]  # fmt: skip


def _failed(journal: Journal) -> list[tuple[Session, Counted, str, str | None, frozenset[str]]]:
    """What did not hold up, in date order: (session, record, "contribution" or "decision", whose, whom it concerns)."""
    found = []
    for s in journal.sessions:
        for i, c in enumerate(s.contributions, 1):
            if c.held_up is False:
                found.append((s, Counted(s, routes.anchor("contribution", i), c.summary), "contribution", c.by,
                              frozenset({c.by})))  # fmt: skip
        for r in ledger_rows([s]):
            if r.disagreement.held_up is False:
                involved = {p.by for p in r.disagreement.positions}
                if r.disagreement.resolution is not None and r.disagreement.resolution.decided_by:
                    involved.add(r.disagreement.resolution.decided_by)
                found.append((s, Counted(s, routes.anchor("disagreement", r.number), r.disagreement.topic), "decision",
                              r.adopted, frozenset(involved)))  # fmt: skip
    return found


def failures(journal: Journal) -> tuple[list[Failure], list[CountSet]]:
    """Every contribution and decision that did not hold up, each with what followed it, and the
    records behind each one's figures, on a page a year (counts/recovery-YEAR), keyed recovery-N-..."""
    lines, result, sets = Lines(journal), [], []
    for n, (s, item, what, partner, involved) in enumerate(_failed(journal), 1):
        page, title = f"recovery-{s.date.year}", f"What followed what did not hold up in {s.date.year}"
        up_to, after = lines.around(s, involved)
        feedback = [Counted(x, routes.anchor("feedback", i), f.text) for x in after for i, f in enumerate(x.feedback, 1)
                    if involved & {f.from_, f.to}]  # fmt: skip
        at_item = f"{item.session.date}, {item.text}"
        figures = []
        for name, sessions, words in (("before", up_to, "up to"), ("after", after, "after")):
            stated = _stated(sessions, partner)
            key = f"{page}-{n}-{name}"
            sets.append(CountSet(key, f"Stated confidence {words} {at_item}", newest_first([c for c, _ in stated]), page, title))
            figures.append(Confidence(sum(v for _, v in stated) / len(stated) if stated else None, key, len(stated)))
        sets.append(CountSet(f"{page}-{n}-feedback", f"Feedback after {at_item}", newest_first(feedback), page, title))
        result.append(Failure(item, what, partner, involved, s.case_study, after, f"{page}-{n}-feedback", len(feedback),
                              *figures))  # fmt: skip
    return result, sets


# Strengths in practice: what a partner said it was good at, beside the work it did and what held up


@dataclass(frozen=True)
class KindRecord:
    """A partner's contributions of one kind: how many (the set key), and how many held up of those verified."""

    kind: str
    key: str
    held: int
    verified_key: str
    verified: int

@dataclass(frozen=True)
class Practice:
    """A partner's strengths as claimed and its work by kind, most done first, with what held up."""

    partner: str
    strengths: list[str]
    kinds: list[KindRecord]


def practice(sessions: Iterable[Session], partner: str, strengths: list[str], at: str, page: str, title: str,
             whose: str) -> tuple[Practice, list[CountSet]]:
    """A partner's work by kind in some sessions (all its own, or a case study's), and the verified
    ones of each kind. The contributions of a kind are the set analyze keys `at`_kind; the verified
    ones a set here, on `page`, keyed `at`_kind-verified."""
    done: dict[str, list[tuple[Counted, bool | None]]] = defaultdict(list)
    for s in sessions:
        for i, c in enumerate(s.contributions, 1):
            if c.by == partner:
                done[c.kind].append((Counted(s, routes.anchor("contribution", i), c.summary), c.held_up))
    sets, kinds = [], []
    for kind in sorted(done, key=lambda k: (-len(done[k]), KINDS.index(k))):
        key = f"{at}_{kind}"
        verified = [c for c, held in done[kind] if held is not None]
        if verified:
            sets.append(CountSet(f"{key}-verified", f"{first_upper(kind)} by {whose}, verified", newest_first(verified),
                                 page, title))  # fmt: skip
        kinds.append(KindRecord(kind, key, sum(held is True for _, held in done[kind]), f"{key}-verified", len(verified)))
    return Practice(partner, strengths, kinds), sets


# The framework page: each theme of the post with the journal's own figures


def walk(journal: Journal, failed: list[Failure]) -> list[CountSet]:
    """The framework page's own count sets, on one page (counts/framework), keyed framework-...;
    and each partner's verified claims (counts/claims, keyed claims-slug), as calibration scores them."""
    page, title = "framework", "The records behind the framework page"
    names, calibrated = public_partners(journal.partners), calibration(journal)
    claims = [CountSet(f"claims-{names[id].slug}", f"Verified claims of {names[id].name}",
                       newest_first([Counted(c.session, c.anchor, c.text) for c in scored.claims]),
                       "claims", "Verified claims, partner by partner")
              for id, scored in calibrated.items() if scored.claims]  # fmt: skip
    claims += [CountSet(f"{name}-{names[id].slug}", f"{words} of {names[id].name}", newest_first(list(items)),
                        "claims", "Verified claims, partner by partner")
               for id, scored in calibrated.items()
               for name, words, items in (("unverified", "Stated confidence not yet verified", scored.unverified_items),
                                          ("left-out", "Stated confidence left out", scored.left_out_items))]  # fmt: skip
    done: dict[tuple[str, str], list[Counted]] = defaultdict(list)
    stated, noted = [], []
    for s in journal.sessions:
        for i, c in enumerate(s.contributions, 1):
            counted = Counted(s, routes.anchor("contribution", i), c.summary)
            if c.by in journal.partners:
                done[(journal.partners[c.by].kind, c.kind)].append(counted)
            if c.confidence is not None:
                stated.append(counted)
            if c.uncertainty:
                noted.append(counted)
    sets = [CountSet(f"framework-{side}-{kind}", f"{first_upper(kind)} by {'AI' if side == 'ai' else 'human'} partners",
                     newest_first(items), page, title) for (side, kind), items in done.items()]  # fmt: skip
    failed_items = [f.item for f in failed]
    followed = [f.item for f in failed if f.answered]
    sets += [
        CountSet("framework-stated", "Contributions with a stated confidence", newest_first(stated), page, title),
        CountSet("framework-uncertainty", "Contributions with a note of what was uncertain", newest_first(noted), page, title),
        CountSet("framework-failed", "Contributions and decisions that did not hold up", newest_first(failed_items), page, title),
        CountSet("framework-followed", "What did not hold up, followed by feedback in the partnership's next sessions",
                 newest_first(followed), page, title),
    ]  # fmt: skip
    return sets + claims


# Every case study's and partner's framework figures, for their pages


@dataclass(frozen=True)
class Views:
    """The framework as each case study and partner page shows it."""

    journal: Scope
    cases: dict[str, tuple[Scope, list[Practice]]]
    partners: dict[str, tuple[Scope, Practice]]
    failures: list[Failure]
    of_case: dict[str, list[Failure]]  # the failures by case study, and by partner involved, in date order
    of_partner: dict[str, list[Failure]]

    def failures_of_case(self, id: str) -> list[Failure]:
        return self.of_case.get(id, [])

    def failures_of_partner(self, id: str) -> list[Failure]:
        return self.of_partner.get(id, [])


def views(journal: Journal) -> tuple[Views, list[CountSet]]:
    """The framework figures of every case study and partner, and the count sets behind them."""
    names = public_partners(journal.partners)
    whole, sets = scope(journal, journal.sessions, JOURNAL, "The records behind the journal's figures")
    cases = {}
    for id, studied in sessions_of_case(journal).items():
        page, title = f"case-{id}", f"The records behind {journal.case_studies[id].title}"
        found, more = scope(journal, studied, page, title)
        sets += more
        practices = []
        for p in _partners_in(studied, journal.partners):
            done, more = practice(studied, p, journal.partners[p].strengths, f"{page}_{names[p].slug}", page, title,
                                  names[p].name)  # fmt: skip
            practices.append(done)
            sets += more
        cases[id] = (found, practices)
    partners = {}
    for id, theirs in sessions_of_partner(journal).items():
        public = names[id]
        page, title = f"partner-{public.slug}", f"The records behind {public.name}'s page"
        found, more = scope(journal, theirs, page, title, partner=id)
        done, done_sets = practice(theirs, id, journal.partners[id].strengths, page, page, title, public.name)
        sets += more + done_sets
        partners[id] = (found, done)
    failed, more = failures(journal)
    of_case: dict[str, list[Failure]] = defaultdict(list)
    of_partner: dict[str, list[Failure]] = defaultdict(list)
    for f in failed:
        if f.case_study is not None:
            of_case[f.case_study].append(f)
        for id in f.involved:
            of_partner[id].append(f)
    return Views(whole, cases, partners, failed, dict(of_case), dict(of_partner)), sets + more + walk(journal, failed)


def _partners_in(sessions: list[Session], partners: dict[str, Partner]) -> list[str]:
    """The partners who contributed to some sessions, in the journal's order of partners."""
    present = {c.by for s in sessions for c in s.contributions}
    return [id for id in partners if id in present]


