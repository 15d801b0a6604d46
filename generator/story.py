"""The journal told in sentences: the front page's lead and each case study's "What the records show".

Pure functions of a published journal and its figures (framework.views): each sentence is a tuple
of text and `Figure`s, a figure being the key of a count set, which the page shows as a number that
opens exactly its records (render's `say`). A sentence states counts, never a change: changes are
named only where a test says chance does not explain them (analyze.Trend). "Most often" is said only
of MIN_ITEMS items or more. A theme with nothing recorded says nothing.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Union

from . import routes
from .analyze import KINDS, SIDE_NAMES, Calibration, Counted, CountSet, PublicPartner, Trend, calibration, newest_first
from .framework import Failure, Scope
from .model import Journal, Session
from .stats import ALPHA, MIN_ITEMS, Rate, fisher_exact


@dataclass(frozen=True)
class Figure:
    """A number in a sentence: the size of a count set, linked to its records."""

    key: str


Part = Union[str, Figure]
Sentence = tuple[Part, ...]


@dataclass(frozen=True)
class Theme:
    """One theme of the post, as a short paragraph of sentences about some records."""

    id: str
    title: str
    sentences: tuple[Sentence, ...]


def _most(counts: dict[str, int]) -> str | None:
    """The most frequent of some counts, when they are MIN_ITEMS or more and one is ahead of the rest."""
    if sum(counts.values()) < MIN_ITEMS or not counts:
        return None
    ranked = sorted(counts.values(), reverse=True)
    if len(ranked) > 1 and ranked[0] == ranked[1]:  # a tie: nothing is "most often"
        return None
    return max(counts, key=counts.__getitem__)


def _many(n: int, one: str, more: str) -> str:
    return one if n == 1 else more


# The front page's lead: one sentence per theme of the post where the journal has something to say


def lead_sets(journal: Journal) -> list[CountSet]:
    """The contributions of each side, the front page's figures not counted elsewhere (counts/framework)."""
    page, title = "framework", "The records behind the framework page"
    sides: dict[str, list[Counted]] = defaultdict(list)
    for s in journal.sessions:
        for i, c in enumerate(s.contributions, 1):
            if c.by in journal.partners:
                sides[journal.partners[c.by].kind].append(Counted(s, routes.anchor("contribution", i), c.summary))
    return [CountSet(f"lead-{side}", f"Contributions of {words} partners", newest_first(sides[side]), page, title)
            for side, words in (("ai", "AI"), ("human", "human")) if sides[side]]  # fmt: skip


def lead(journal: Journal, scope: Scope, sizes: dict[str, int]) -> list[Sentence]:
    """The front page's lead: a sentence for each theme of the post the journal has records of, each
    figure a count. `scope` is the whole journal's (framework.views), `sizes` every count set's size."""
    n = lambda key: sizes.get(key, 0)  # noqa: E731
    said: list[Sentence] = []
    if n("contributions"):
        sentence: list[Part] = ["Across ", Figure("sessions"), f" {_many(n('sessions'), 'session', 'sessions')}, "]
        for side, words in (("ai", "AI partners"), ("human", "human partners")):
            if not n(f"lead-{side}"):
                continue
            if side == "human" and n("lead-ai"):
                sentence += ["; human partners made ", Figure("lead-human")]
            else:
                sentence += [f"{words} made ", Figure(f"lead-{side}"), " of the ", Figure("contributions"), " contributions"]
            top = _most({k: n(f"framework-{side}-{k}") for k in KINDS if n(f"framework-{side}-{k}")})
            if top is not None:
                sentence += [f", most often {top} (", Figure(f"framework-{side}-{top}"), ")"]
        said.append((*sentence, "."))
    if n("framework-stated") or n("framework-uncertainty"):
        said.append((Figure("framework-stated"), " of the ", Figure("contributions"),
                     " contributions came with a stated confidence, and ", Figure("framework-uncertainty"),
                     " said what the partner was unsure of."))  # fmt: skip
    to_ai, from_ai = scope.key("feedback-human-to-ai"), scope.key("feedback-ai-to-human")
    if n(to_ai) or n(from_ai):
        said.append((Figure(to_ai), f" {_many(n(to_ai), 'item', 'items')} of feedback went to an AI partner, and ",
                     Figure(from_ai), " came back from one."))  # fmt: skip
    if n("handoffs"):
        sides = [side for side in scope.sides if side in ("human-to-ai", "ai-to-human")]
        sentence = ["Work changed hands ", Figure("handoffs"), f" {_many(n('handoffs'), 'time', 'times')}"]
        for i, side in enumerate(sides):
            sentence += [", " if i == 0 else " and ", Figure(scope.key(f"handoffs-{side}")), f" {SIDE_NAMES[side]}"]
        said.append((*sentence, "."))
    if n("framework-failed"):
        said.append((Figure("framework-failed"), " contributions and decisions were found not to hold up; ",
                     Figure("framework-followed"), " of them were followed by feedback between the partners concerned."))
    if n("disagreements"):
        said.append(("Of the ", Figure("disagreements"), " disagreements, ", Figure(scope.key("decided-human")),
                     " were decided by a human partner and ", Figure(scope.key("decided-ai")), " by an AI partner."))
    return said


# A case study's "What the records show": a short paragraph per theme


def case_sets(id: str, sessions: list[Session], failures: list[Failure]) -> list[CountSet]:
    """A case study's totals its paragraphs count and no other figure does: its disagreements, its
    handoffs, and what did not hold up and was followed by feedback (on its page of counts, case-ID)."""
    page, title = f"case-{id}", "The records behind the case study"
    disagreements = [Counted(s, routes.anchor("disagreement", i), d.topic) for s in sessions for i, d in enumerate(s.disagreements, 1)]
    handoffs = [Counted(s, routes.anchor("handoff", i), h.what) for s in sessions for i, h in enumerate(s.handoffs, 1)]
    followed = [f.item for f in failures if f.answered]
    return [CountSet(f"{page}_story_{name}", words, newest_first(items), page, title) for name, words, items in (
        ("disagreements", "Disagreements", disagreements), ("handoffs", "Handoffs", handoffs),
        ("followed", "What did not hold up, followed by feedback in the next sessions", followed))]  # fmt: skip


def case_themes(id: str, matrix: dict[str, Counter[str]], names: dict[str, PublicPartner], scope: Scope,
                sizes: dict[str, int]) -> list[Theme]:  # fmt: skip
    """What a case study's records show, theme by theme: who did what, where they disagreed and who
    decided, what feedback went each way, handoffs, what did not hold up and what followed."""
    page = f"case-{id}"
    n = lambda key: sizes.get(key, 0)  # noqa: E731
    themes = []
    did: list[Sentence] = []
    for partner, kinds in matrix.items():
        if partner not in names:
            continue
        at = f"{page}_{names[partner].slug}"
        sentence: list[Part] = [f"{names[partner].name} made ", Figure(at), f" {_many(n(at), 'contribution', 'contributions')}"]
        top = _most(dict(kinds))
        if top is not None:
            sentence += [f", most often {top} (", Figure(f"{at}_{top}"), ")"]
        did.append((*sentence, "."))
    if did:
        themes.append(Theme("who-did-what", "Who did what", tuple(did)))
    if n(f"{page}_story_disagreements"):
        sentence = ["They disagreed ", Figure(f"{page}_story_disagreements"), f" {_many(n(f'{page}_story_disagreements'), 'time', 'times')}: "]
        deciders = [(k, words) for k, words in (("human", "decided by a human partner"), ("ai", "by an AI partner"),
                                               ("unrecorded", "with no decider recorded")) if n(scope.key(f"decided-{k}"))]  # fmt: skip
        for i, (k, words) in enumerate(deciders):
            sentence += ["" if i == 0 else ", ", Figure(scope.key(f"decided-{k}")), f" {words}"]
        said: list[Sentence] = [(*sentence, ".")]
        if scope.overruled:
            said.append(("An AI partner's position was passed over for another's ", Figure(scope.key("ai-overruled")),
                         f" {_many(scope.overruled, 'time', 'times')}; the decision then did not hold up in ", Figure(scope.key("ai-overruled-failed")), "."))
        themes.append(Theme("disagreements", "Where they disagreed, and who decided", tuple(said)))
    loops: list[Sentence] = []
    for way, words in (("human-to-ai", "to the AI"), ("ai-to-human", "from the AI to a human")):
        key = scope.key(f"feedback-{way}")
        if not n(key):
            continue
        sentence = [Figure(key), f" {_many(n(key), 'item', 'items')} of feedback went {words}"]
        top = _most({t: n(scope.key(f"feedback-{way}-{t}")) for t in scope.topics.get(way, [])})
        if top is not None:
            sentence += [f", most often about {top} (", Figure(scope.key(f"feedback-{way}-{top}")), ")"]
        loops.append((*sentence, "."))
    if loops:
        themes.append(Theme("feedback", "What feedback went each way", tuple(loops)))
    if n(f"{page}_story_handoffs"):
        sentence = ["Work changed hands ", Figure(f"{page}_story_handoffs"), f" {_many(n(f'{page}_story_handoffs'), 'time', 'times')}"]
        for i, side in enumerate(scope.sides):
            sentence += [": " if i == 0 else ", ", Figure(scope.key(f"handoffs-{side}")), f" {SIDE_NAMES[side]}"]
        themes.append(Theme("handoffs", "Handoffs", ((*sentence, "."),)))
    if n(scope.key("failed")):
        themes.append(Theme("held-up", "What did not hold up, and what followed", ((
            Figure(scope.key("failed")), " contributions and decisions were found not to hold up; ",
            Figure(f"{page}_story_followed"), " of them were followed by feedback between the partners concerned in the "
            "next sessions."),)))  # fmt: skip
    return themes


# Measures a narrative names: a case study's first half of sessions against its last, for the
# changes its narrative speaks of


#: Which measure a narrative names, by the words it uses (lower-cased, matched as written): a
#: measure is shown beside the narrative when one of its words occurs there. Feedback topics are
#: named by their own word ("style feedback") or a word for it.
NAMED_BY: dict[str, tuple[str, ...]] = {
    "feedback-style": ("style feedback", "tone", "vocabulary"),
    "feedback-accuracy": ("accuracy feedback", "factual errors"),
    "feedback-usefulness": ("usefulness",),
    "feedback-timing": ("timing",),
    "feedback-process": ("process feedback",),
    "stated": ("uncertain", "didn't know", "did not know", "confidence", "unsure"),
}


@dataclass(frozen=True)
class HalfMeasure:
    """A rate of a case study in its first and last sessions, with the keys of each half's records
    (`parts`: the counted items; `wholes`: what they are a share of)."""

    name: str
    before: Rate
    after: Rate
    parts: tuple[str, str]
    wholes: tuple[str, str]
    p: float | None
    changed: bool


def named(narrative: str | None) -> list[str]:
    """The measures a narrative names (NAMED_BY), in NAMED_BY's order."""
    text = (narrative or "").lower()
    return [m for m, words in NAMED_BY.items() if any(w in text for w in words)]


def half_measures(id: str, sessions: list[Session], journal: Journal, narrative: str | None,
                  min_sessions: int) -> tuple[list[HalfMeasure], list[CountSet]]:  # fmt: skip
    """The measures a case study's narrative names, each half's counts as count sets (counts/case-ID):
    feedback to the AI on a topic, of all feedback to the AI; the AI's contributions stating a
    confidence or an uncertainty, of all its contributions. Fisher's exact test on the halves, the
    bar shared among the measures shown (Bonferroni), and only with MIN_ITEMS in each half."""
    wanted = named(narrative)
    if len(sessions) < min_sessions or not wanted:
        return [], []
    half = len(sessions) // 2
    page, title = f"case-{id}", "The records behind the case study"
    partners = journal.partners
    sets: list[CountSet] = []
    rows = []
    for name in wanted:
        keys: list[tuple[str, str]] = []
        rates = []
        for which, part in (("first", sessions[:half]), ("last", sessions[half:])):
            if name == "stated":
                whole = [Counted(s, routes.anchor("contribution", i), c.summary) for s in part
                         for i, c in enumerate(s.contributions, 1) if c.by in partners and partners[c.by].kind == "ai"]  # fmt: skip
                hit = [w for w, c in zip(whole, [c for s in part for c in s.contributions
                                                 if c.by in partners and partners[c.by].kind == "ai"])
                       if c.confidence is not None or c.uncertainty]  # fmt: skip
                label, of = "AI contributions stating a confidence or an uncertainty", "AI contributions"
            else:
                topic = name.removeprefix("feedback-")
                pairs = [(Counted(s, routes.anchor("feedback", i), f.text), f.about) for s in part for i, f in enumerate(s.feedback, 1)
                         if f.from_ in partners and f.to in partners and partners[f.from_].kind == "human"
                         and partners[f.to].kind == "ai"]  # fmt: skip
                whole, hit = [c for c, _ in pairs], [c for c, about in pairs if about == topic]
                label, of = f"Feedback to the AI about {topic}", "Feedback to the AI"
            part_key, whole_key = f"{page}_half-{name}-{which}", f"{page}_half-{name}-{which}-all"
            sets += [CountSet(part_key, f"{label}, {which} sessions", newest_first(hit), page, title),
                     CountSet(whole_key, f"{of}, {which} sessions", newest_first(whole), page, title)]
            keys.append((part_key, whole_key))
            rates.append(Rate(len(hit), len(whole)))
        b, a = rates
        p = fisher_exact(b.part, b.whole - b.part, a.part, a.whole - a.part) if b.enough and a.enough else None
        rows.append((name, b, a, (keys[0][0], keys[1][0]), (keys[0][1], keys[1][1]), p))
    measures = [HalfMeasure(_MEASURE_NAMES.get(name, name.replace("feedback-", "feedback to the AI about ")), b, a, parts,
                            wholes, p, p is not None and p < ALPHA / len(rows))
                for name, b, a, parts, wholes, p in rows]  # fmt: skip
    return measures, sets


_MEASURE_NAMES = {"stated": "the AI's contributions that state a confidence or an uncertainty"}


# Calibration in each half of a partnership: did the AI partners say how sure they were, honestly,
# in its first sessions and in its last?


@dataclass(frozen=True)
class CalibrationHalf:
    """The AI partners' scored claims in one half of a partnership (analyze.calibration's rule), the
    count set that holds them (`key`), and their Brier score (None below MIN_CLAIMS)."""

    which: str  # "first" or "last"
    key: str
    claims: int
    brier: float | None


def calibration_halves(trend: Trend, journal: Journal) -> tuple[tuple[CalibrationHalf, ...], list[CountSet]]:
    """A partnership's calibration in its first and its last sessions: the claims of its AI partners
    (a pair's AI; every AI partner of a case study), scored as the calibration page scores them, one
    Brier score a half from MIN_CLAIMS claims. The claims of each half are a count set (counts/halves)."""
    pair = trend.partnership.pair
    halves, sets = [], []
    for which, key_of_half, part in zip(("first", "last"), trend.halves, (trend.before, trend.after)):
        scored = calibration(dataclasses.replace(journal, sessions=part))
        claims = [c for id, cal in scored.items() if (id == pair[1] if pair else journal.partners[id].kind == "ai")
                  for c in cal.claims]  # fmt: skip
        key = f"{key_of_half}-ai-claims"
        sets.append(CountSet(key, f"{_HALF_TITLES[which]}: the AI's confidence, scored", newest_first(
            [Counted(c.session, c.anchor, c.text) for c in claims]), "halves", "The halves each partnership is set against"))  # fmt: skip
        halves.append(CalibrationHalf(which, key, len(claims), Calibration("ai", tuple(claims), (), (), ()).brier))
    return tuple(halves), sets


_HALF_TITLES = {"first": "The first sessions", "last": "The last sessions"}
