"""Figures across records against expectations worked out by hand on tests/fixtures/figures.

The fixture is small enough to check each number with a pencil: ten sessions, nine
disagreements, six partners (one anonymous). Sessions s1-s3 mix four partners (h1, zquux, a1, a2);
w1-w7 are the case study "weekly-report" of one pair (h2, a3), written for its per-partnership
figures: a change beyond chance, one chance explains, one too small to test, and rated effort.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
from pathlib import Path

import feedparser
import jsonschema
import pytest
from click.testing import CliRunner

from generator import analyze, attribution, framework
from generator.analyze import Tally
from generator.cli import cli
from generator.model import Contribution, Partner, Session
from helpers import valid, write

from conftest import FIXTURES

FIGURES = FIXTURES / "figures"


@pytest.fixture(scope="module")
def journal():
    return valid(FIGURES)


def topics(rows) -> list[str]:
    return [r.disagreement.topic.split()[0] for r in rows]


def test_ledger_rates_by_outcome_side_and_partner(journal):
    ledger = analyze.ledger(journal)
    # s1-s3: D1, D2 adopted, D3 compromise, D5 deferred, D4 unresolved; weekly report: D6, D7, D8
    # adopted, D9 unresolved (no resolution recorded).
    assert ledger.by_outcome == {"adopted": 5, "compromise": 1, "new-approach": 0, "deferred": 1, "unresolved": 2}
    # Humans: D1 h1 adopted and held up; D2 zquux, D3 h1, D4 h1, D5 h1 not adopted (5 taken, 1 adopted);
    # h2 in D6-D9: D7 adopted, did not hold up; D6, D8, D9 not adopted. 5 + 4 = 9 taken, 1 + 1 = 2 adopted.
    assert ledger.by_kind["human"] == Tally(taken=9, adopted=2, held=1, failed=1)
    # AI: D2 a1 adopted, did not hold up; D1, D3, D5 a1 and D4 a2 not adopted (5 taken, 1 adopted);
    # a3 in D6-D9: D6 and D8 adopted, both held up; D7, D9 not. 5 + 4 = 9 taken, 1 + 2 = 3 adopted.
    assert ledger.by_kind["ai"] == Tally(taken=9, adopted=3, held=2, failed=1)
    assert ledger.by_partner == {
        "h1": Tally(4, 1, 1, 0), "zquux": Tally(1, 0, 0, 0), "a1": Tally(4, 1, 0, 1), "a2": Tally(1, 0, 0, 0),
        "h2": Tally(4, 1, 0, 1), "a3": Tally(4, 2, 2, 0),
    }  # fmt: skip
    # Open ones first (unresolved, deferred), newest first: D9 (w6, June), then D4 and D5 (s3, in record
    # order); then the rest newest first: D8 (w5), D7 (w3), D6 (w1), D2 and D3 (s2), D1 (s1).
    assert topics(ledger.rows) == ["D9", "D4", "D5", "D8", "D7", "D6", "D2", "D3", "D1"]


def test_calibration_bands_and_brier_score(journal):
    result = analyze.calibration(journal)
    a1 = result["a1"]
    # Contributions 0.9 T, 0.8 F, 0.75 T, 0.85 T, 0.65 T; positions D1 0.7 (not adopted, decision held: F),
    # D2 0.8 (adopted, decision failed: F); D3 (compromise) and D5 (deferred) left out.
    assert sorted((c.confidence, c.outcome) for c in a1.claims) == [
        (0.65, True), (0.7, False), (0.75, True), (0.8, False), (0.8, False), (0.85, True), (0.9, True),
    ]  # fmt: skip
    assert [(b.low, len(b.claims), b.held) for b in a1.bands] == [(60, 1, 1), (70, 2, 1), (80, 3, 1), (90, 1, 1)]
    assert a1.brier == pytest.approx((0.01 + 0.64 + 0.0625 + 0.0225 + 0.1225 + 0.49 + 0.64) / 7)  # 0.2839
    assert (a1.unverified, a1.left_out) == (0, 2)
    # a2: a contribution not yet verified, a position in an unresolved disagreement.
    a2 = result["a2"]
    assert (a2.claims, a2.brier, a2.unverified, a2.left_out) == ((), None, 1, 1)
    # h1: refinement 0.6 T and position D1 0.6 borne out; D4 left out. Too few for a score.
    h1 = result["h1"]
    assert [(b.low, len(b.claims), b.held) for b in h1.bands] == [(60, 2, 2)]
    assert (h1.brier, h1.left_out) == (None, 1)
    # zquux: position D2 0.5, not adopted, and the decision did not hold up: borne out.
    assert [(c.confidence, c.outcome) for c in result["zquux"].claims] == [(0.5, True)]
    # a3: contributions w2 0.9 F, w4 0.6 T, 0.7 T, 0.5 T, w5 0.6 T (its structure 0.6 not verified);
    # positions D6 0.7 (adopted, held up: T), D7 0.8 (passed over, the decision failed: borne out, T),
    # D8 0.6 (adopted, held up: T). Squared gaps .81 + .16 + .09 + .25 + .16 + .09 + .04 + .16 = 1.76.
    a3 = result["a3"]
    assert (len(a3.claims), a3.unverified, a3.left_out) == (8, 1, 0)
    assert a3.brier == pytest.approx(1.76 / 8)  # 0.22


def test_evolution_buckets_by_month(journal):
    periods = analyze.periods(journal)
    # 2025-01-10 to 2025-06-25: under two years, so months; the weekly report's w1-w3 in April,
    # w4-w5 in May, w6-w7 in June.
    assert [(p.key, p.label, len(p.sessions)) for p in periods] == [
        ("2025-01", "January 2025", 2), ("2025-03", "March 2025", 1), ("2025-04", "April 2025", 3),
        ("2025-05", "May 2025", 2), ("2025-06", "June 2025", 2),
    ]  # fmt: skip
    january, march, april, may, june = periods
    assert dict(january.kinds["ai"]) == {"research": 1, "drafting": 1, "structure": 1, "analysis": 1}
    assert dict(january.kinds["human"]) == {"direction": 1, "refinement": 1}
    assert dict(january.outcomes) == {"adopted": 2, "compromise": 1}
    assert january.feedback == {"human-to-ai": (2, 2), "ai-to-human": (0, 1)}
    assert january.confidence["ai"] == pytest.approx(4.9 / 7)  # 0.9 .8 .75 .55 and positions .7 .8 .4
    assert january.confidence["human"] == pytest.approx(1.7 / 3)  # 0.6 and positions .6 .5
    assert dict(march.outcomes) == {"unresolved": 1, "deferred": 1}
    assert march.feedback == {"human-to-ai": (0, 1), "ai-to-human": (1, 1)}
    assert march.confidence == {"ai": pytest.approx(2.9 / 4), "human": pytest.approx(0.3)}
    # April is the weekly report's first half (w1-w3): a3's one draft; h2's direction twice, context,
    # refinement, review. D6 and D7 adopted. To a3: 1 of 5 acted on (w1 accuracy); from it: 2 of 3.
    assert dict(april.kinds["ai"]) == {"drafting": 1}
    assert dict(april.kinds["human"]) == {"direction": 2, "context": 1, "refinement": 1, "review": 1}
    assert dict(april.outcomes) == {"adopted": 2}
    assert april.feedback == {"human-to-ai": (1, 5), "ai-to-human": (2, 3)}
    # AI: w2 0.9 and positions D6 0.7, D7 0.8; human: w1 0.8, w3 0.7 and positions D6 0.6, D7 0.6.
    assert april.confidence == {"ai": pytest.approx(2.4 / 3), "human": pytest.approx(2.7 / 4)}
    # June: w6 and w7, a3's four contributions and none of h2's; w7's question about the digest has
    # no acted_on, so from the AI only w6's is known.
    assert (sum(june.kinds["ai"].values()), sum(june.kinds["human"].values())) == (4, 0)
    assert june.feedback == {"human-to-ai": (2, 2), "ai-to-human": (1, 1)}
    assert may.disagreements == 1 and june.disagreements == 1 and june.confidence == {"ai": None, "human": None}


def session(day: str, *contributions: tuple[str, str], **fields) -> Session:
    fields.setdefault("partners", [{"partner": "h"}, {"partner": "a"}])
    return Session(
        id=f"s-{day}", title="t", date=dt.date.fromisoformat(day), goal="g",
        contributions=[Contribution(by=by, kind=kind, summary="x") for by, kind in contributions], **fields,
    )  # fmt: skip


PAIR = {"h": Partner(id="h", name="H", kind="human"), "a": Partner(id="a", name="A", kind="ai", model="m-1")}


def test_evolution_quarters():
    # Spanning more than two years: quarters.
    early = session("2023-02-01", *[("a", "drafting")] * 3, ("h", "drafting"))
    late = session("2025-05-01", ("a", "drafting"), *[("h", "drafting")] * 3)
    journal = analyze.Journal(root=Path("."), partners=PAIR, case_studies={}, sessions=[early, late])
    assert [p.key for p in analyze.periods(journal)] == ["2023-Q1", "2025-Q2"]


def pair_journal(*sessions: Session) -> analyze.Journal:
    return analyze.Journal(root=Path("."), partners=PAIR, case_studies={}, sessions=list(sessions))


def feedback(acted: bool, direction: str = "h-a") -> dict[str, object]:
    source, target = direction.split("-")
    return {"from": source, "to": target, "about": "style", "text": "t", "acted_on": acted}


def test_a_change_beyond_chance_is_named_with_both_counts_and_the_test():
    """Worked by hand: 8 sessions of one pair, the AI doing 1 of 5 contributions in each of the
    first 4 and 4 of 5 in each of the last 4: 4 of 20 against 16 of 20. Fisher's exact test on
    [[4, 16], [16, 4]] gives p = 0.00036 (SciPy 1.17 agrees), under 0.05 / 5 = 0.01.

    Feedback to the AI: 3 of 6 acted on, then 5 of 6: [[3, 3], [5, 1]], p = 0.545, no change.
    Feedback to humans: 2 items, then 1: too few (5 needed) to be tested or named."""
    to_ai = {1: [True, False], 2: [True, False], 3: [True, False], 4: [], 5: [True, True], 6: [True, False],
             7: [True], 8: [True]}
    to_humans = {1: [True], 2: [True], 8: [False]}
    sessions = [
        session(f"2026-0{1 if d < 5 else 2}-0{d}", *[("a", "drafting")] * (1 if d < 5 else 4),
                *[("h", "direction")] * (4 if d < 5 else 1),
                feedback=[feedback(a) for a in to_ai[d]] + [feedback(a, "a-h") for a in to_humans.get(d, [])])
        for d in range(1, 9)
    ]  # fmt: skip
    first, last = sessions[:4], sessions[4:]
    trends = analyze.trends(pair_journal(*first, *last))
    assert list(trends) == ["pair:h:a"]
    t = trends["pair:h:a"]
    assert [(m.name, str(m.before), str(m.after)) for m in t.measures] == [
        ("the AI's share of contributions", "4 of 20 (20%)", "16 of 20 (80%)"),
        ("sessions with a disagreement", "0 of 4 (0%)", "0 of 4 (0%)"),
        ("feedback to the AI that it acted on", "3 of 6 (50%)", "5 of 6 (83%)"),
        ("feedback to humans that they acted on", "2 of 2 (100%)", "0 of 1 (0%)"),
        ("the AI's verified contributions that held up", "none", "none"),
    ]
    share, sessions, to_ai, to_humans, held = t.measures
    assert share.p == pytest.approx(0.0003599673667865379) and share.changed
    assert to_ai.p == pytest.approx(0.5454545454545454) and not to_ai.changed
    assert not sessions.tested and not to_humans.tested and not held.tested
    assert t.left_out == [sessions, to_humans, held]
    assert t.sentences == [
        "the AI's share of contributions rose from 4 of 20 (20%) in the first 4 sessions to 16 of 20 (80%) in the "
        "last 4; Fisher's exact test, p < 0.001"
    ]  # fmt: skip


def test_a_change_chance_explains_is_not_named():
    """6 of 20 against 13 of 20: p = 0.056 (SciPy 1.17), above 0.01: shown in the table, never in a sentence."""
    first = [session(f"2026-01-0{d}", *[("a", "drafting")] * (1 if d < 3 else 2), *[("h", "direction")] * (4 if d < 3 else 3))
             for d in range(1, 5)]  # fmt: skip
    last = [session(f"2026-02-0{d}", *[("a", "drafting")] * (3 if d < 8 else 4), *[("h", "direction")] * (2 if d < 8 else 1))
            for d in range(5, 9)]  # fmt: skip
    share = analyze.trends(pair_journal(*first, *last))["pair:h:a"].measures[0]
    assert (str(share.before), str(share.after)) == ("6 of 20 (30%)", "13 of 20 (65%)")
    assert share.p == pytest.approx(0.056160926432242395) and not share.changed


def test_partnerships_are_case_studies_and_pairs_with_sessions_enough():
    three = [session(f"2026-01-0{d}", ("a", "drafting"), ("h", "direction")) for d in range(1, 4)]
    journal = pair_journal(*three)
    assert analyze.partnerships(journal) == [] and analyze.trends(journal) == {}, "3 sessions: too few to halve"
    four = pair_journal(*three, session("2026-01-04", ("a", "drafting")))
    assert [p.key for p in analyze.partnerships(four)] == ["pair:h:a"]


def test_the_figures_journal_has_one_partnership_its_case_study(journal):
    # h2 and a3 share w1-w7, the case study's own sessions: followed once, as the case study. h1 and
    # a1 share s1-s3, under MIN_SESSIONS (4); h1 and a2, zquux and a1, zquux and a2 share s2-s3.
    assert [(p.key, [s.id for s in p.sessions]) for p in analyze.partnerships(journal)] == [
        ("case-study:weekly-report", ["w1", "w2", "w3", "w4", "w5", "w6", "w7"]),
    ]  # fmt: skip
    assert list(analyze.trends(journal)) == ["case-study:weekly-report"]


def test_the_case_studys_evolution_names_only_the_change_beyond_chance(journal):
    """The weekly report, w1-w7: 7 sessions, the first 3 against the last 4 (the middle one goes to
    the second half). Worked by hand, measure by measure:

    - The AI's share of contributions: w1-w3 hold 6 contributions, a3's one draft (w2) among them;
      w4-w7 hold 10, all a3's but h2's approval (w5). Fisher's exact test on [[1, 5], [9, 1]]: the
      margins fixed (6 in the first half, 10 by the AI, 16 in all), k AI contributions in the first
      half has probability C(10, k) C(6, 6 - k) / C(16, 6): 1, 60, 675, 2400, 3150, 1512, 210 for
      k = 0..6, over 8008. As unlikely as the observed k = 1 (60) or less: k = 0 and 1, so
      p = 61 / 8008 = 0.0076 (SciPy 1.17 agrees), under 0.05 / 5 = 0.01: a change, named.
    - Sessions with a disagreement: w1 and w3 of 3; w5 and w6 of 4. Under 5 sessions a half: not tested.
    - Feedback to the AI that it acted on: 1 of 5 (w1's accuracy) against 5 of 5. On [[1, 4], [5, 0]]
      (margins 5, 6, 10) C(6, k) C(4, 5 - k) / C(10, 5) is 6, 60, 120, 60, 6 for k = 1..5, over 252;
      k = 1 and k = 5 are as unlikely: p = 12 / 252 = 0.048 (SciPy agrees). Under 0.05, but not under
      the 0.01 the five measures share (Bonferroni): shown, never named.
    - Feedback to humans that they acted on: 2 of 3 (w1 yes; w3 no, yes) against 1 of 1 (w6; w7's
      question has no acted_on): too few in both halves.
    - The AI's verified contributions that held up: 0 of 1 (w2's draft) against 6 of 6 (w4's three,
      the drafts of w5 and w6, w7's research; w5's structure, w6's analysis and w7's draft are not
      verified). The first half has 1 item, under the 5 needed: however large, not tested (minimum n).
    """
    t = analyze.trends(journal)["case-study:weekly-report"]
    assert ([s.id for s in t.before], [s.id for s in t.after]) == (["w1", "w2", "w3"], ["w4", "w5", "w6", "w7"])
    # The measures in the order above (their names: test_a_change_beyond_chance_is_named_with_both_counts...).
    assert [(str(m.before), str(m.after)) for m in t.measures] == [
        ("1 of 6 (17%)", "9 of 10 (90%)"), ("2 of 3 (67%)", "2 of 4 (50%)"), ("1 of 5 (20%)", "5 of 5 (100%)"),
        ("2 of 3 (67%)", "1 of 1 (100%)"), ("0 of 1 (0%)", "6 of 6 (100%)"),
    ]
    share, sessions, to_ai, to_humans, held = t.measures
    assert t.threshold == pytest.approx(0.01)
    assert share.p == pytest.approx(61 / 8008) and share.changed
    assert to_ai.p == pytest.approx(12 / 252) and to_ai.p < 0.05 and not to_ai.changed
    assert (held.before.enough, held.after.enough) == (False, True) and held.p is None
    assert t.left_out == [sessions, to_humans, held] and t.changed == [share]
    # Wilson 95% with z = 1.96 (z^2 = 3.8415): 9 of 10 is (0.9 + 0.1921 -/+ 1.96 sqrt(0.009 + 0.0096))
    # / 1.3841 = (0.5958, 0.9821); 1 of 6 is (0.1667 + 0.3201 -/+ 0.4375) / 1.6402 = (0.0301, 0.5635):
    # apart, as the test finds. Feedback's 1 of 5 (0.0362, 0.6245) and 5 of 5 (0.5655, 1) overlap.
    assert share.before.interval == pytest.approx((0.0301, 0.5635), abs=1e-4)
    assert share.after.interval == pytest.approx((0.5958, 0.9821), abs=1e-4)
    assert to_ai.before.interval == pytest.approx((0.0362, 0.6245), abs=1e-4)
    assert to_ai.after.interval == pytest.approx((0.5655, 1.0), abs=1e-4)
    assert t.sentences == [
        "the AI's share of contributions rose from 1 of 6 (17%) in the first 3 sessions to 9 of 10 (90%) in the "
        "last 4; Fisher's exact test, p = 0.008"
    ]  # fmt: skip


def test_a_year_page_has_an_anchor_for_every_period_that_links_to_it():
    days = ["2023-02-01", "2023-03-15", "2023-03-02", "2023-05-20", "2025-05-01"]
    sessions = sorted((session(day, ("a", "drafting")) for day in days), key=lambda s: s.date, reverse=True)
    journal = analyze.Journal(root=Path("."), partners=PAIR, case_studies={}, sessions=sorted(sessions, key=lambda s: s.date))
    unit = analyze.granularity(journal.sessions)
    assert unit == "quarter"
    in_2023 = [s for s in sessions if s.date.year == 2023]
    months = analyze.months(2023, in_2023, unit)
    assert [(m.name, m.anchors, [s.date.isoformat() for s in m.sessions]) for m in months] == [
        ("May", ("2023-Q2", "2023-05"), ["2023-05-20"]),
        ("March", ("2023-Q1", "2023-03"), ["2023-03-15", "2023-03-02"]),
        ("February", ("2023-02",), ["2023-02-01"]),
    ]
    linked = {p.key for p in analyze.periods(journal) if p.year == 2023}
    assert linked <= {a for m in months for a in m.anchors}
    assert [m.anchors for m in analyze.months(2023, in_2023, "month")] == [("2023-05",), ("2023-03",), ("2023-02",)]


def test_lessons_grouped_by_tag_newest_first_untagged_last(journal):
    groups = [(tag, [e.lesson.lesson.split()[0] for e in entries]) for tag, entries in analyze.lessons_by_tag(journal.sessions)]
    assert groups == [("process", ["L4", "L3"]), ("trust", ["L3", "L1"]), (None, ["L2"])]


@pytest.mark.parametrize(
    ("contributions", "prose", "short"),
    [
        ([("a", "drafting")] * 3 + [("a", "research"), ("h", "review")], "AI handling drafting, human providing review.",
         "AIA PAI Ce Nc Hin R m-1 v1.0"),
        ([("h", "drafting")] * 3 + [("h", "direction"), ("a", "refinement")],
         "AI handling refinement, human providing drafting.", "AIA Ph Se Hin Nr m-1 v1.0"),
        ([("a", "structure"), ("a", "research"), ("h", "direction"), ("h", "refinement")],
         "AI handling research synthesis and structure, human providing direction and refinement.",
         "AIA HAb Se Ce Hin R m-1 v1.0"),
        ([("a", "drafting"), ("a2", "analysis"), ("a2", "analysis"), ("h", "decision")],
         "AI handling analysis and drafting, human providing the decisions.", "AIA PAI Nc Hin R m-1, m-2 v1.0"),
        ([("h", "drafting")], "Human providing drafting, with no AI contribution recorded.", "AIA Eh v1.0"),
    ],
    ids=["ai-heavy", "human-heavy", "balanced", "several-ais", "human-only"],
)
def test_attribution_for_contribution_mixes(contributions, prose, short):
    partners = {**PAIR, "a2": Partner(id="a2", name="A2", kind="ai", model="m-2")}
    sessions = [session("2026-01-01", *contributions)]
    assert attribution.prose(sessions, partners) == prose
    assert attribution.statement(sessions, partners).short == short


def test_effort_weighs_the_case_studys_attribution(journal):
    """Counted, a3 did 10 of the weekly report's 16 contributions (62.5%, over 60%: primarily AI).
    Weighed (small 1, medium 2, large 4, unrated as medium): a3's w2 draft (unrated) 2, w4 1 + 2 + 1,
    w5 2 + 1, w6 2 + 1, w7 1 + 2: 15; h2's w1 4 + 1, w2 4, w3 4 + 2, w5's approval (unrated) 2: 17.
    15 of 32 (47%): an even blend."""
    studied = analyze.sessions_of_case(journal)["weekly-report"]
    weighed = attribution.statement(studied, journal.partners)
    # Structure (Se), research (Ce), drafting and analysis (Nc); no session led by the AI; each reviewed
    # (D6 decided by h2, refinement, review, or human_review: true in w4, w6, w7).
    assert (weighed.short, weighed.by_effort) == ("AIA HAb Se Ce Nc Hin R model-y v1.0", True)
    assert weighed.reading.startswith(attribution.PROPORTIONS["HAb"])
    assert weighed.reading.endswith("The proportion weighs each contribution by its recorded effort (small 1, medium 2, "
                                    "large 4; a contribution without one as medium).")  # fmt: skip
    # Weighed, a3's drafting 10 (five medium) against research 2, analysis 2, structure 1: drafting alone
    # is at least half the largest; h2's direction 8, refinement 4, review 4 (half of 8), context 1.
    assert attribution.prose(studied, journal.partners) == (
        "AI handling drafting, human providing direction, refinement and review.")
    counted = [s.model_copy(update={"contributions": [c.model_copy(update={"effort": None}) for c in s.contributions]})
               for s in studied]  # fmt: skip
    assert not attribution.weighted(counted)
    assert attribution.statement(counted, journal.partners).short == "AIA PAI Se Ce Nc Hin R model-y v1.0"
    # Counted, h2's direction 2, review 2, context 1, refinement 1: all at least half of 2; the first
    # three in the record format's order of kinds.
    assert attribution.prose(counted, journal.partners) == (
        "AI handling drafting, human providing direction, review and context.")
    # w5 alone: a3's draft (medium, 2) and structure (small, 1) against h2's unrated approval (medium, 2):
    # 3 of 5, 60%, not over 60%: an even blend, where counted, 2 of 3 would be primarily AI.
    w5 = studied[4]
    assert attribution.statement([w5], journal.partners).short == "AIA HAb Se Nc Hin R model-y v1.0"
    assert attribution.statement(counted[4:5], journal.partners).short == "AIA PAI Se Nc Hin R model-y v1.0"


def test_attribution_of_the_figures_journal(journal):
    s1, s2, s3, *_ = journal.sessions
    assert attribution.prose([s1], journal.partners) == "AI handling research synthesis and drafting, human providing direction."
    assert attribution.statement([s1], journal.partners).short == "AIA PAI Ce Nc Hin R model-x v1.0"
    statement = attribution.statement([s3], journal.partners)
    assert statement.short == "AIA PAI Nc Ain R model-x v1.0"
    assert statement.reading == (
        "The work was primarily AI-generated. AI was used to make new content, such as text, images, analysis, "
        "and ideas. The AI made proactive contributions, such as via auto-completion or unprompted changes. "
        "AI-generated content was reviewed and approved. The following model(s) or application(s) were used: model-x."
    )
    whole = attribution.statement(journal.sessions, journal.partners)
    # Weighed, since the weekly report rates effort: s1-s3's 9 unrated contributions weigh 2 each (AI 6,
    # human 3: 12 and 6), the weekly report's 15 and 17: AI 27 of 50 (54%), an even blend (counted, it
    # would be 16 of 25, 64%: primarily AI, as the journal was before the weekly report).
    assert (whole.short, whole.by_effort) == ("AIA HAb Se Ce Nc Hin R Analyst AI, model-x, model-y v1.0", True)
    # AI: drafting 2 + 4 + 10 = 16 against research 4, analysis 4, structure 3; human: direction
    # 2 + 8 = 10, refinement 2 + 4 = 6, review 2 + 4 = 6 (at least half of 10), context 1.
    assert attribution.prose(journal.sessions, journal.partners) == (
        "AI handling drafting, human providing direction, refinement and review."
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The figures journal built as a site with a site_url and a redact pattern."""
    root = tmp_path_factory.mktemp("figures")
    shutil.copytree(FIGURES, root / "journal")
    write(root / "docs/index.md", "# Home\n")
    write(root / "mkdocs.yml", "site_name: Figures\nsite_url: https://example.org/team/\ntheme:\n  name: material\n"
          "plugins:\n  - search\n  - partnership-journal:\n      redact: ['Gathered \\w+']\n")  # fmt: skip
    result = CliRunner().invoke(cli, ["build", "-q", "-f", str(root / "mkdocs.yml"), "-d", str(root / "site")])
    assert result.exit_code == 0, result.output
    return root / "site"


def every_file(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8", errors="replace")
            for p in site.rglob("*") if p.is_file() and p.suffix in {".html", ".json", ".xml", ".md", ".txt"}}  # fmt: skip


@pytest.mark.build
def test_anonymous_partner_appears_nowhere_in_the_built_site(site):
    files = every_file(site)
    assert "journal/search/search_index.json" in files or "search/search_index.json" in files
    assert {"journal/journal.json", "journal/feed.xml"} <= set(files)
    leaks = [(name, word) for name, text in files.items() for word in ("Zelda", "Quux", "zquux") if word.lower() in text.lower()]
    assert leaks == []
    assert "Human partner 2" in files["journal/partners/human-partner-2/index.html"]


@pytest.mark.build
def test_redacted_text_appears_nowhere(site):
    files = every_file(site)
    assert [name for name, text in files.items() if "Gathered sources" in text] == []
    assert "[redacted]" in html.unescape(files["journal/sessions/s1/index.html"])
    assert "[redacted]" in files["journal/journal.json"]


@pytest.mark.build
def test_journal_json_follows_its_schema(site):
    data = json.loads((site / "journal/journal.json").read_text())
    schema = json.loads((site / "journal/journal.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    assert [s["id"] for s in data["sessions"]] == ["s1", "s2", "s3", "w1", "w2", "w3", "w4", "w5", "w6", "w7"]
    assert data["sessions"][1]["disagreements"][0]["positions"][1]["by"] == "human-partner-2"
    assert data["sessions"][2]["ai_attribution"]["short"] == "AIA PAI Nc Ain R model-x v1.0"
    broken = {**data, "sessions": [{**data["sessions"][0], "contributions": []}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema, cls=jsonschema.Draft202012Validator)


@pytest.mark.build
def test_atom_feed_is_valid_with_stable_ids_and_record_dates(site):
    text = (site / "journal/feed.xml").read_text()
    parsed = feedparser.parse(text)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    entries = [(e.title, e.id, e.updated) for e in parsed.entries]
    # Newest first; the case study dated by its newest session (w7) and after it: the same day, and its
    # id (".../case-studies/...") sorts before ".../sessions/...".
    at = "https://example.org/team/journal/"
    assert entries == [
        ("Week seven", at + "sessions/w7/", "2025-06-25T00:00:00Z"),
        ("The weekly report", at + "case-studies/weekly-report/", "2025-06-25T00:00:00Z"),
        ("Week six", at + "sessions/w6/", "2025-06-11T00:00:00Z"),
        ("Week five", at + "sessions/w5/", "2025-05-28T00:00:00Z"),
        ("Week four", at + "sessions/w4/", "2025-05-14T00:00:00Z"),
        ("Week three", at + "sessions/w3/", "2025-04-30T00:00:00Z"),
        ("Week two", at + "sessions/w2/", "2025-04-16T00:00:00Z"),
        ("Week one", at + "sessions/w1/", "2025-04-02T00:00:00Z"),
        ("Third session", at + "sessions/s3/", "2025-03-05T00:00:00Z"),
        ("Second session", at + "sessions/s2/", "2025-01-20T00:00:00Z"),
        ("First session", at + "sessions/s1/", "2025-01-10T00:00:00Z"),
    ]
    assert parsed.feed.updated == "2025-06-25T00:00:00Z"
    assert parsed.entries[0].link == at + "sessions/w7/"


@pytest.mark.build
def test_the_case_study_page_shows_its_evolution_with_one_sentence(site):
    """The weekly report's trend as its page shows it: each rate with its counts and Wilson interval in
    whole percent (worked in test_the_case_studys_evolution_names_only_the_change_beyond_chance), and
    the one change beyond chance as the only sentence."""
    page = html.unescape((site / "journal/case-studies/weekly-report/index.html").read_text())
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert ("The AI's share of contributions 1 of 6 (17%; 95% interval 3–56%) 9 of 10 (90%; 95% interval 60–98%) "
            "p = 0.008") in text
    assert ("Feedback to the AI that it acted on 1 of 5 (20%; 95% interval 4–62%) 5 of 5 (100%; 95% interval 57–100%) "
            "p = 0.048") in text
    assert ("The AI's verified contributions that held up 0 of 1 (0%; 95% interval 0–79%; too few) "
            "6 of 6 (100%; 95% interval 61–100%) not tested") in text
    assert ("The AI's share of contributions rose from 1 of 6 (17%) in the first 3 sessions to 9 of 10 (90%) in "
            "the last 4; Fisher's exact test, p = 0.008.") in text
    assert len(re.findall(r" (?:rose|fell) from ", text)) == 1


@pytest.mark.build
def test_every_figure_on_the_insight_pages_links_to_records(site):
    ledger = (site / "journal/ledger/index.html").read_text()
    year = (site / "journal/ledger/2025/index.html").read_text()
    for anchor in ("outcome-adopted", "outcome-unresolved", "outcome-deferred"):
        assert f'href="2025/#{anchor}"' in ledger and f'id="{anchor}"' in year
    assert 'href="#by-year"' in ledger and 'id="by-year"' in ledger
    assert 'href="../../sessions/s3/#disagreement-1"' in year
    assert 'id="disagreement-1"' in (site / "journal/sessions/s3/index.html").read_text()
    calibration = (site / "journal/calibration/index.html").read_text()
    assert 'href="a1/#band-80"' in calibration
    assert 'id="band-80"' in (site / "journal/calibration/a1/index.html").read_text()
    evolution = (site / "journal/evolution/index.html").read_text()
    assert 'href="../years/2025/#2025-01"' in evolution
    assert 'id="2025-01"' in (site / "journal/years/2025/index.html").read_text()
    assert 'href="../years/2025/"' in (site / "journal/sessions/index.html").read_text()


@pytest.mark.build
def test_check_warns_about_secrets_and_addresses_with_their_location(journal_copy, runner):
    root = journal_copy("minimal")
    path = root / "sessions/2026-01-10-outline.yaml"
    write(path, path.read_text() + "notes: |\n  Key: sk-abcdefghijklmnopqrstuvwx\noutcome: mail jane@example.com\n")
    result = runner.invoke(cli, ["check"])
    assert result.exit_code == 0
    assert result.stderr.splitlines()[:2] == [
        "journal/sessions/2026-01-10-outline.yaml:11:8: warning: notes: text looks like an API key; "
        "remove it, or add a 'redact' pattern for it",
        "journal/sessions/2026-01-10-outline.yaml:13:10: warning: outcome: text looks like an e-mail address; "
        "remove it, or add a 'redact' pattern for it",
    ]
    assert runner.invoke(cli, ["build", "--strict"]).exit_code == 1


def test_lesson_tags_get_pages_with_distinct_names():
    tagged = session("2026-01-01", ("a", "drafting"), lessons=[
        {"lesson": "one", "tags": ["Trust"]}, {"lesson": "two", "tags": ["trust", "untagged"]}, "three"])  # fmt: skip
    groups = analyze.lesson_groups([tagged])
    assert [(g.tag, g.slug, len(g.entries)) for g in groups] == [
        ("Trust", "trust", 1), ("trust", "trust-2", 1), ("untagged", "untagged-2", 1), (None, "untagged", 1),
    ]  # fmt: skip


def test_each_period_figure_has_its_records(journal):
    sets = analyze.count_sets(journal)
    for p in analyze.periods(journal):
        at = f"period-{p.key}-"
        assert len(sets[at + "sessions"].items) == len(p.sessions)
        for kind in ("ai", "human"):
            assert len(sets[f"{at}contributions-{kind}"].items) == sum(p.kinds[kind].values())
        assert len(sets[at + "disagreements"].items) == p.disagreements
        assert sum(len(sets[part].items) for part in sets[at + "disagreements"].parts) == p.disagreements
        for o in analyze.OUTCOMES:
            assert len(sets[f"{at}outcome-{o}"].items) == p.outcomes[o]
        for direction, (_, known) in p.feedback.items():
            assert len(sets[f"{at}feedback-{direction}"].items) == known


def test_each_partner_figure_has_its_records(journal):
    sets, names = analyze.count_sets(journal), analyze.public_partners(journal.partners)
    for id, profile in analyze.profiles(journal).items():
        at = f"partner-{names[id].slug}"
        for kind, n in profile.contributions.items():
            assert len(sets[f"{at}_{kind}"].items) == n
        for side, (items, acted, known) in (("given", profile.feedback_given), ("received", profile.feedback_received)):
            assert [len(sets[f"{at}_feedback-{side}{end}"].items) for end in ("", "-acted", "-known")] == [items, acted, known]


def test_handoffs_by_flow_and_side_most_frequent_first():
    handoff = lambda source, target: {"from": source, "to": target, "what": "w"}  # noqa: E731
    first = session("2026-01-01", ("a", "drafting"), handoffs=[handoff("a", "h"), handoff("h", "a")])
    second = session("2026-01-02", ("a", "drafting"), handoffs=[handoff("h", "a")])
    journal = pair_journal(first, second)
    flows = analyze.handoffs(journal)
    sets = analyze.count_sets(journal)
    assert [(f.source, f.target, len(sets[f.key].items)) for f in flows.flows] == [("h", "a", 2), ("a", "h", 1)]
    whole, by_side = framework.scope(journal, journal.sessions, framework.JOURNAL, "")
    by_side = {c.key: c for c in by_side}
    assert whole.sides == ["human-to-ai", "ai-to-human"]  # only the sides that occur
    assert {side: len(by_side[whole.key(f"handoffs-{side}")].items) for side in whole.sides} == {
        "human-to-ai": 2, "ai-to-human": 1}  # fmt: skip
    assert [c.anchor for c in sets["handoffs"].items] == ["handoff-1", "handoff-1", "handoff-2"]
    assert analyze.counts(journal).handoffs == 3


def test_feedback_loops_by_direction_and_topic():
    """To the AI: 2 about style (1 acted on, 1 not recorded), 1 about accuracy; from the AI: 3 about
    process (2 acted on). Too few items (under 5) each way for a sentence on the top topic."""
    fb = lambda source, topic, acted: {"from": source, "to": "a" if source == "h" else "h", "about": topic,  # noqa: E731
                                       "text": "t", "acted_on": acted}
    one = session("2026-01-01", ("a", "drafting"), feedback=[fb("h", "style", True), fb("h", "style", None),
                                                              fb("a", "process", True)])
    two = session("2026-01-02", ("a", "drafting"), feedback=[fb("h", "accuracy", False), fb("a", "process", True),
                                                              fb("a", "process", False)])
    loops = analyze.feedback_loops(pair_journal(one, two))
    assert {k: (c.count, str(c.acted)) for k, c in loops.cells.items()} == {
        ("human-to-ai", "style"): (2, "1 of 1 (100%)"), ("ai-to-human", "process"): (3, "2 of 3 (67%)"),
        ("human-to-ai", "accuracy"): (1, "0 of 1 (0%)"),
    }  # fmt: skip
    assert loops.topics == ["accuracy", "style", "process"]
    assert (loops.total("human-to-ai"), loops.total("ai-to-human")) == (3, 3)
    assert loops.top("ai-to-human") is None, "3 items: too few to say what most of it was about"
    assert [(c.session.date.day, c.anchor) for c in loops.process] == [(2, "feedback-2"), (2, "feedback-3"), (1, "feedback-3")]


def test_who_decides_and_where_the_ai_was_overruled_and_right():
    """Three disagreements: decided by the human with the human's view adopted, and the decision did
    not hold up (the AI, passed over, was right); decided by the AI for its own view; and one left
    unresolved with no decider."""
    def disagreement(adopted: str | None, decided_by: str | None, held_up: bool | None) -> dict[str, object]:
        resolution = {"outcome": "adopted", "adopted": adopted, "decided_by": decided_by} if adopted else None
        return {"topic": "t", "positions": [{"by": "h", "stance": "x"}, {"by": "a", "stance": "y"}],
                "resolution": resolution, "held_up": held_up}  # fmt: skip

    one = session("2026-01-01", ("a", "drafting"), disagreements=[disagreement("h", "h", False), disagreement("a", "a", True)])
    two = session("2026-01-02", ("a", "drafting"), disagreements=[disagreement(None, None, None)])
    journal = pair_journal(one, two)
    whole, found = framework.scope(journal, journal.sessions, framework.JOURNAL, "")
    sets = {c.key.removeprefix("journal_"): c for c in found}
    assert whole.decided == ["human", "ai", "unrecorded"] and whole.overruled == 1
    assert {key: [(c.session.date.day, c.anchor) for c in sets[key].items] for key in (
        "decided-human", "decided-ai", "decided-unrecorded", "ai-overruled", "ai-overruled-failed")} == {
        "decided-human": [(1, "disagreement-1")], "decided-ai": [(1, "disagreement-2")],
        "decided-unrecorded": [(2, "disagreement-1")], "ai-overruled": [(1, "disagreement-1")],
        "ai-overruled-failed": [(1, "disagreement-1")],
    }  # fmt: skip


def test_a_pairs_evolution_counts_only_what_the_pair_did():
    """Four sessions of h, a and a second AI b, where only h and b contribute: the pair h:a has no
    AI work of its own (0 of 2 in each half), and only b's pair shows b's (2 of 4); feedback b gave is not h:a's."""
    partners = {**PAIR, "b": Partner(id="b", name="B", kind="ai")}
    sessions = [
        session(f"2026-01-0{d}", ("h", "direction"), ("b", "drafting"), partners=[{"partner": p} for p in "hab"],
                feedback=[{"from": "b", "to": "h", "about": "process", "text": "t", "acted_on": True}])
        for d in range(1, 5)
    ]  # fmt: skip
    trends = analyze.trends(analyze.Journal(root=Path("."), partners=partners, case_studies={}, sessions=sessions))
    assert list(trends) == ["pair:h:a", "pair:h:b"]
    share = {key: [(str(m.before), str(m.after)) for m in t.measures][0] for key, t in trends.items()}
    assert share == {"pair:h:a": ("0 of 2 (0%)", "0 of 2 (0%)"),
                     "pair:h:b": ("2 of 4 (50%)", "2 of 4 (50%)")}  # fmt: skip
    to_humans = {key: str(t.measures[3].before) for key, t in trends.items()}
    assert to_humans == {"pair:h:a": "none", "pair:h:b": "2 of 2 (100%)"}
