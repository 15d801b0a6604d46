"""The post's framework close up (generator/framework.py), against figures worked out by hand on
tests/fixtures/figures, and the example journal's closing line (issue: the framework across records).

The fixture: sessions s1 (h1, a1), s2 and s3 (h1, zquux, a1, a2); no case studies, so a failure's
partnership is the human and AI pairs it concerns.
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
    first, second = views.failures
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
    assert [k for k, _ in views.walk.kinds["ai"]] == ["drafting", "research", "structure", "analysis"]
    assert [k for k, _ in views.walk.kinds["human"]] == ["direction", "refinement", "review"]
    assert len(sets["framework-stated"].items) == 7 and sets["framework-uncertainty"].items == []
    assert len(sets["framework-failed"].items) == 2 and len(sets["framework-followed"].items) == 2
    # Verified claims as calibration scores them: a1's 7 (5 contributions, 2 positions).
    assert len(sets["claims-a1"].items) == 7


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
        "handoffs_by_side": {"human-to-ai": 0, "ai-to-human": 0, "human-to-human": 0, "ai-to-ai": 0},
        # To the AI: style (s1), usefulness (s2), accuracy (s3, from zquux); from it: process (s1), timing (s3).
        "feedback": {"human-to-ai": {"accuracy": 1, "usefulness": 1, "timing": 0, "style": 1, "process": 0, "other": 0},
                     "ai-to-human": {"accuracy": 0, "usefulness": 0, "timing": 1, "style": 0, "process": 1, "other": 0}},
        "feedback_acted_on": {"human-to-ai": {"acted_on": 2, "known": 3}, "ai-to-human": {"acted_on": 1, "known": 2}},
        # D1, D2, D3, D5 decided by h1; D4 unresolved, with no resolution.
        "decided_by": {"human": 4, "ai": 0, "unrecorded": 1},
        "ai_overruled": 1, "ai_overruled_not_held_up": 0,  # D1: a1 passed over, and the decision held up
        "not_held_up": 2, "not_held_up_followed_by_feedback": 2,
    }  # fmt: skip
    assert "framework" in export.schema()["required"]
