"""The post's framework close up (generator/framework.py), against figures worked out by hand on
tests/fixtures/figures, and the example journal's closing line (issue: the framework across records).

The fixture: sessions s1 (h1, a1), s2 and s3 (h1, zquux, a1, a2), in no case study, so a failure's
partnership there is the human and AI pairs it concerns; and w1-w7 (h2, a3), the case study
"weekly-report", whose failures are followed in the case study's own sessions.
"""

from __future__ import annotations

import json
from collections import Counter

import jsonschema
import pytest

from generator import analyze, attribution, export, framework
from helpers import valid

from conftest import FIXTURES, ROOT


@pytest.fixture(scope="module")
def figures():
    journal = valid(FIXTURES / "figures")
    views, sets = framework.views(journal)
    return journal, views, {c.key: c for c in sets}


def ids(counted) -> list[str]:
    return [f"{c.session.id}#{c.anchor}" for c in counted.items]


def test_what_followed_each_failure(figures):
    _, views, sets = figures
    first, second, *in_the_case_study = views.failures  # in date order: s1, s2, then w2 and w3
    assert len(in_the_case_study) == 2
    # s1's intro draft by a1 did not hold up; the (h1, a1) pair went on in s2 and s3.
    assert (first.item.text, first.what, first.partner, first.case_study) == ("Drafted the intro", "contribution", "a1", None)
    assert [s.id for s in first.after] == ["s2", "s3"]
    # Feedback in s2 and s3 to or from a1: h1's in s2, zquux's and a1's in s3.
    assert ids(sets[first.feedback]) == ["s3#feedback-1", "s3#feedback-2", "s2#feedback-1"] and first.answered == 3
    # a1's stated confidence: 0.9 and 0.8 up to it (s1); 0.75 (s2), 0.85 and 0.65 (s3) after.
    assert (first.before.mean, first.before.n, first.later.n) == (pytest.approx(0.85), 2, 3)
    assert first.later.mean == pytest.approx(0.75) and not first.later.enough
    assert len(sets[first.before.key].items) == 2 and len(sets[first.later.key].items) == 3
    # D2 in s2: a1's position adopted (decided by h1) and the decision did not hold up.
    assert (second.item.text, second.what, second.partner, second.involved) == (
        "D2 keep the chart", "decision", "a1", frozenset({"a1", "zquux", "h1"}))
    assert [s.id for s in second.after] == ["s3"] and second.answered == 2
    assert (second.before.mean, second.before.n) == (pytest.approx((0.9 + 0.8 + 0.75) / 3), 3)
    assert views.failures_of_partner("a2") == [] and views.failures_of_partner("h1") == [second]


def test_what_followed_each_failure_in_the_case_study(figures):
    _, views, sets = figures
    draft, chart = views.failures_of_case("weekly-report")
    assert views.failures[2:] == [draft, chart]
    # w2: a3's first report did not hold up. The case study goes on with w3, w4, w5 (3 at most).
    assert (draft.item.text, draft.what, draft.partner, draft.involved) == (
        "Drafted the first report", "contribution", "a3", frozenset({"a3"}))
    assert [s.id for s in draft.after] == ["w3", "w4", "w5"]
    # Feedback to or from a3 in them: w3's four, w4's two, w5's one; newest first, record order within.
    assert ids(sets[draft.feedback]) == ["w5#feedback-1", "w4#feedback-1", "w4#feedback-2", "w3#feedback-1",
                                         "w3#feedback-2", "w3#feedback-3", "w3#feedback-4"]  # fmt: skip
    assert draft.answered == 7
    # a3's stated confidence up to it (w1, w2): only the failed draft's 0.9. After (w3 none; w4 0.6, 0.7,
    # 0.5; w5 0.6, 0.6): 3.0 / 5 = 0.6, over 5 contributions: enough to be read.
    assert (draft.before.mean, draft.before.n, draft.before.enough) == (pytest.approx(0.9), 1, False)
    assert (draft.later.mean, draft.later.n, draft.later.enough) == (pytest.approx(0.6), 5, True)
    assert ids(sets[draft.later.key]) == ["w5#contribution-1", "w5#contribution-2", "w4#contribution-1",
                                          "w4#contribution-2", "w4#contribution-3"]  # fmt: skip
    # w3: D7, h2's table adopted over a3's bars (decided by h2), and it did not hold up: the AI was
    # passed over and right. It concerns both; w4, w5, w6 follow, with 2 + 1 + 2 feedback between them.
    assert (chart.item.text, chart.what, chart.partner, chart.involved) == (
        "D7 the chart type", "decision", "h2", frozenset({"a3", "h2"}))
    assert [s.id for s in chart.after] == ["w4", "w5", "w6"] and chart.answered == 5
    assert ids(sets[chart.feedback]) == ["w6#feedback-1", "w6#feedback-2", "w5#feedback-1", "w4#feedback-1",
                                         "w4#feedback-2"]  # fmt: skip
    # h2's (whose position it was) stated confidence: w1 0.8, w3 0.7; none stated in w4-w6.
    assert (chart.before.mean, chart.before.n, chart.later.mean, chart.later.n) == (pytest.approx(0.75), 2, None, 0)
    assert views.failures_of_partner("a3") == [draft, chart] and views.failures_of_partner("h2") == [chart]


def test_the_case_studys_framework_figures(figures):
    journal, views, sets = figures
    scope, (h2, a3) = views.cases["weekly-report"]
    page = "case-weekly-report"
    assert scope.page == page
    # Handoffs: h2 to a3 in w2 and w6; a3 to h2 in w2, w4, w6.
    assert scope.sides == ["human-to-ai", "ai-to-human"]
    assert ids(sets[f"{page}_handoffs-human-to-ai"]) == ["w6#handoff-1", "w2#handoff-2"]
    assert ids(sets[f"{page}_handoffs-ai-to-human"]) == ["w6#handoff-2", "w4#handoff-1", "w2#handoff-1"]
    # To a3: style (w1, w3, w6), accuracy (w1, w2, w4, w7), usefulness (w3, w5), timing (w4); from a3:
    # process (w1, w3, w6), timing (w3), usefulness (w7).
    assert scope.topics == {"human-to-ai": ["accuracy", "usefulness", "timing", "style"],
                            "ai-to-human": ["usefulness", "timing", "process"]}  # fmt: skip
    count = {t: len(sets[f"{page}_feedback-human-to-ai-{t}"].items) for t in scope.topics["human-to-ai"]}
    assert count == {"accuracy": 4, "usefulness": 2, "timing": 1, "style": 3}
    # Acted on, to a3: w1's accuracy and all five of w4-w7: 6 of 10. From a3: w1 yes, w3 no and yes,
    # w6 yes: 3 of 4; w7's question has no acted_on, so it is not among those known.
    assert scope.acted == {"human-to-ai": (6, f"{page}_feedback-human-to-ai-known"),
                           "ai-to-human": (3, f"{page}_feedback-ai-to-human-known")}  # fmt: skip
    known = [len(sets[f"{page}_feedback-{way}-known"].items) for way in ("human-to-ai", "ai-to-human")]
    assert known == [10, 4]
    assert len(sets[f"{page}_feedback-ai-to-human"].items) == 5
    # Who decides: h2 decided D6 (for a3's view) and D7 (for its own), a3 decided D8; D9 is unresolved.
    assert scope.decided == ["human", "ai", "unrecorded"]
    assert [ids(sets[f"{page}_decided-{k}"]) for k in scope.decided] == [
        ["w3#disagreement-1", "w1#disagreement-1"], ["w5#disagreement-1"], ["w6#disagreement-1"]]  # fmt: skip
    # a3 passed over once (D7), and that decision did not hold up.
    assert scope.overruled == 1 and ids(sets[f"{page}_ai-overruled-failed"]) == ["w3#disagreement-1"]
    assert ids(sets[f"{page}_failed"]) == ["w3#disagreement-1", "w2#contribution-1"]
    # Strengths in practice, most done first (ties in the record format's order of kinds), held up of
    # those verified: h2 claims direction and review; a3 drafting and research, and its drafts held up
    # 3 of 4 (w2's did not; w7's is not verified), its research 2 of 2.
    assert (h2.strengths, a3.strengths) == (["direction", "review"], ["drafting", "research"])
    assert [(k.kind, k.held, k.verified) for k in h2.kinds] == [
        ("direction", 0, 0), ("review", 1, 1), ("context", 0, 0), ("refinement", 1, 1)]  # fmt: skip
    assert [(k.kind, k.held, k.verified) for k in a3.kinds] == [
        ("drafting", 3, 4), ("research", 2, 2), ("analysis", 1, 1), ("structure", 0, 0)]  # fmt: skip
    assert len(analyze.count_sets(journal)[f"{page}_a3_drafting"].items) == 5
    assert ids(sets[f"{page}_a3_drafting-verified"]) == ["w6#contribution-1", "w5#contribution-1",
                                                          "w4#contribution-2", "w2#contribution-1"]  # fmt: skip
    # a3 took part in every handoff, feedback and disagreement here and nowhere else: its partner page
    # has the same figures.
    partner_scope, partner_practice = views.partners["a3"]
    assert (partner_scope.sides, partner_scope.topics, partner_scope.decided, partner_scope.overruled) == (
        scope.sides, scope.topics, scope.decided, scope.overruled)
    figures_of = lambda practice: [(k.kind, k.held, k.verified) for k in practice.kinds]  # noqa: E731
    assert figures_of(partner_practice) == figures_of(a3)


def test_the_journals_handoffs_and_feedback_loops(figures):
    journal, _, _ = figures
    sets = analyze.count_sets(journal)
    flows = analyze.handoffs(journal)
    # Only the weekly report has handoffs: a3 to h2 three times, h2 to a3 twice.
    assert [(f.source, f.target, len(sets[f.key].items)) for f in flows.flows] == [("a3", "h2", 3), ("h2", "a3", 2)]
    loops = analyze.feedback_loops(journal)
    # To the AI: s1 style, s2 usefulness, s3 accuracy, and the weekly report's ten: accuracy 1 + 4 = 5
    # of 13, the top topic (38%); from the AI: s1 process, s3 timing, and five: process 1 + 3 = 4 of 7.
    assert (loops.total("human-to-ai"), loops.total("ai-to-human")) == (13, 7)
    assert [(t, str(r)) for t, r in (loops.top("human-to-ai"), loops.top("ai-to-human"))] == [
        ("accuracy", "5 of 13 (38%)"), ("process", "4 of 7 (57%)")]  # fmt: skip
    # Acted on, about accuracy: s3 no (zquux's), w1 yes, w2 no, w4 yes, w7 yes: 3 of 5.
    assert str(loops.cells[("human-to-ai", "accuracy")].acted) == "3 of 5 (60%)"
    assert [f"{c.session.id}#{c.anchor}" for c in loops.process] == [
        "w6#feedback-2", "w3#feedback-3", "w1#feedback-3", "s1#feedback-2"]  # fmt: skip


def test_a_partners_scope_counts_only_what_it_took_part_in(figures):
    _, views, sets = figures
    scope, practice = views.partners["a1"]
    page = "partner-a1"
    assert scope.page == page and scope.sides == []
    # To a1: style (s1), usefulness (s2), accuracy (s3); from a1: process (s1), timing (s3).
    assert scope.topics == {"human-to-ai": ["accuracy", "usefulness", "style"], "ai-to-human": ["timing", "process"]}
    # Acted on: style yes, usefulness yes, accuracy no; process no, timing yes.
    assert scope.acted == {"human-to-ai": (2, f"{page}_feedback-human-to-ai-known"),
                           "ai-to-human": (1, f"{page}_feedback-ai-to-human-known")}  # fmt: skip
    # a1 took part in D1, D2, D3 and D5, all decided by h1; D1 passed a1 over and held up.
    assert scope.decided == ["human"] and len(sets[f"{page}_decided-human"].items) == 4
    assert ids(sets[f"{page}_ai-overruled"]) == ["s1#disagreement-1"] and sets[f"{page}_ai-overruled-failed"].items == []
    # Drafting 3 (1 did not hold up), research 1, structure 1; all verified.
    assert [(k.kind, k.held, k.verified) for k in practice.kinds] == [("drafting", 2, 3), ("research", 1, 1), ("structure", 1, 1)]
    assert practice.strengths == ["drafting"] and practice.kinds[0].key == f"{page}_drafting"
    assert len(sets[f"{page}_drafting-verified"].items) == 3


def test_the_framework_pages_own_figures(figures):
    _, views, sets = figures
    # AI: drafting s1 1 + s3 2 + weekly report 5 = 8, research 1 + 2 = 3, analysis 1 + 2 = 3,
    # structure 1 + 1 = 2. Human: direction 1 + 2 = 3, review 1 + 2 = 3, refinement 1 + 1 = 2, context 1.
    by_side = {key.removeprefix("framework-"): len(c.items) for key, c in sets.items()
               if key.startswith(("framework-ai-", "framework-human-"))}  # fmt: skip
    assert by_side == {"ai-drafting": 8, "ai-research": 3, "ai-analysis": 3, "ai-structure": 2,
                       "human-direction": 3, "human-review": 3, "human-refinement": 2, "human-context": 1}  # fmt: skip
    # Stated confidence: s1-s3's 7, and w1 0.8, w2 0.9, w3 0.7, w4's three, w5's two: 15. A note of what
    # was uncertain: w4's comparison of the weeks only.
    assert len(sets["framework-stated"].items) == 15 and ids(sets["framework-uncertainty"]) == ["w4#contribution-3"]
    # Did not hold up: s1's intro, D2, w2's draft, D7; each followed by feedback (3, 2, 7, 5 items).
    assert ids(sets["framework-failed"]) == ["w3#disagreement-1", "w2#contribution-1", "s2#disagreement-1",
                                             "s1#contribution-2"]  # fmt: skip
    assert len(sets["framework-followed"].items) == 4
    # Verified claims as calibration scores them: a1's 7 (5 contributions, 2 positions), a3's 8 (5, 3).
    assert len(sets["claims-a1"].items) == 7 and len(sets["claims-a3"].items) == 8


def test_both_contributing_names_the_work_both_sides_did_and_no_other():
    ai, human = Counter(structure=5, research=4, exploration=2), Counter(direction=5, refinement=5, exploration=1)
    assert attribution.shared_kinds(ai, human, ["structure", "research", "direction", "refinement"]) == ["exploration"]
    # A kind already named as one side's main work is not said twice; no kind in common, nothing said.
    assert attribution.shared_kinds(ai, Counter(structure=1), ["structure"]) == []
    assert attribution.shared_kinds(Counter(drafting=1), Counter(review=1), []) == []


def test_the_example_case_study_of_the_post_ends_on_the_posts_own_closing_line():
    journal = analyze.published(valid(ROOT / "journal"))
    assert journal.case_studies["writing-beyond-the-manifesto"].attribution is None  # generated, not written
    studied = analyze.sessions_of_case(journal)["writing-beyond-the-manifesto"]
    assert attribution.prose(studied, journal.partners) == (
        "AI handling structure and research synthesis, human providing direction and refinement, "
        "both contributing to the ideas that emerged.")


def test_journal_json_carries_the_framework_figures_and_its_schema_says_so(figures):
    journal, _, _ = figures
    data = json.loads(export.journal_json(journal, analyze.public_partners(journal.partners)))
    jsonschema.validate(data, export.schema())
    assert data["framework"] == {
        # All in the weekly report: h2 to a3 in w2 and w6; a3 to h2 in w2, w4, w6.
        "handoffs_by_side": {"human-to-ai": 2, "ai-to-human": 3, "human-to-human": 0, "ai-to-ai": 0},
        # To the AI: style (s1), usefulness (s2), accuracy (s3, from zquux); from it: process (s1), timing (s3).
        # The weekly report adds, to a3: accuracy 4, usefulness 2, timing 1, style 3; from a3: process 3,
        # timing 1, usefulness 1.
        "feedback": {"human-to-ai": {"accuracy": 5, "usefulness": 3, "timing": 1, "style": 4, "process": 0, "other": 0},
                     "ai-to-human": {"accuracy": 0, "usefulness": 1, "timing": 2, "style": 0, "process": 4, "other": 0}},
        # s1-s3: 2 of 3 and 1 of 2; the weekly report: 6 of 10 and 3 of 4 (w7's question not known).
        "feedback_acted_on": {"human-to-ai": {"acted_on": 8, "known": 13}, "ai-to-human": {"acted_on": 4, "known": 6}},
        # D1, D2, D3, D5 decided by h1, D6, D7 by h2; D8 by a3; D4 and D9 unresolved, with no resolution.
        "decided_by": {"human": 6, "ai": 1, "unrecorded": 2},
        # D1: a1 passed over, and the decision held up; D7: a3 passed over, and it did not.
        "ai_overruled": 2, "ai_overruled_not_held_up": 1,
        # s1's intro, D2, w2's draft, D7: each followed by feedback in its partnership's next sessions.
        "not_held_up": 4, "not_held_up_followed_by_feedback": 4,
    }  # fmt: skip
    assert "framework" in export.schema()["required"]
