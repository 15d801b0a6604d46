"""`verified` (how a held_up was found out) and `effort` (what a contribution weighs), end to end:
the checks, the pages, the attribution."""

from __future__ import annotations

import datetime as dt

from generator import attribution
from generator.model import Contribution, Partner, Session
from generator.render import render_site
from helpers import edit, problems, valid

SESSION = "sessions/2026-01-10-outline.yaml"
SUMMARY = "    summary: Proposed a five-part outline\n"
PAIR = {"h": Partner(id="h", name="H", kind="human"), "a": Partner(id="a", name="A", kind="ai", model="m-1")}


def session(*contributions: Contribution) -> Session:
    return Session(id="s", title="t", date=dt.date(2026, 1, 10), goal="g", partners=[{"partner": "h"}, {"partner": "a"}],
                   contributions=list(contributions))  # fmt: skip


def test_effort_weighs_the_ai_share_and_the_statement_says_so():
    """Counted, the AI did 2 of 3 contributions (67%: primarily AI). Weighed, 1 + 1 of 1 + 1 + 4 (33%:
    primarily human): its two small structure edits against the human's large piece of direction."""
    small = [Contribution(by="a", kind="structure", summary="x", effort="small") for _ in range(2)]
    large = Contribution(by="h", kind="direction", summary="y", effort="large")
    weighed = attribution.statement([session(*small, large)], PAIR)
    assert weighed.proportion == "Ph" and weighed.by_effort
    assert weighed.reading.endswith("The proportion weighs each contribution by its recorded effort (small 1, medium 2, "
                                    "large 4; a contribution without one as medium).")  # fmt: skip
    counted = attribution.statement([session(*(c.model_copy(update={"effort": None}) for c in [*small, large]))], PAIR)
    assert counted.proportion == "PAI" and not counted.by_effort and "effort" not in counted.reading


def test_a_contribution_without_effort_weighs_as_medium_beside_rated_ones():
    rated = Contribution(by="h", kind="direction", summary="y", effort="small")
    unrated = Contribution(by="a", kind="drafting", summary="x")
    assert attribution.statement([session(rated, unrated)], PAIR).proportion == "PAI"  # 2 of 3 weighed


def test_verified_is_shown_with_when_by_whom_and_how(journal_copy):
    root = journal_copy("minimal")
    edit(root / SESSION, SUMMARY, SUMMARY + "    held_up: false\n    effort: large\n    verified:\n      date: 2026-02-06\n"
         "      by: alexa\n      note: The readers' *comments* showed it\n")  # fmt: skip
    assert problems(root) == []
    page = render_site(valid(root))["sessions/2026-01-10-outline.md"].body
    assert ('<dd>did not hold up, found out on 2026-02-06 (27 days after the session) by '
            '<a href="../../partners/alexa/">Alexa</a>: The readers\' comments showed it</dd>') in page
    assert "<dt>Effort</dt><dd>large</dd>" in page


def test_verified_without_held_up_or_before_the_session_is_a_warning(journal_copy):
    root = journal_copy("minimal")
    edit(root / SESSION, SUMMARY, SUMMARY + "    verified: {date: 2026-01-01, by: alexa}\n")
    assert problems(root) == [
        "journal/sessions/2026-01-10-outline.yaml:11:15: warning: contributions[0].verified: verified tells how held_up "
        "was found out, but held_up is not given",
        "journal/sessions/2026-01-10-outline.yaml:11:22: warning: contributions[0].verified.date: verified on 2026-01-01, "
        "before the session itself (2026-01-10)",
    ]  # fmt: skip


def test_whoever_verified_is_any_partner_but_a_partner(journal_copy):
    root = journal_copy("minimal")
    edit(root / "partners.yaml", "- id: assistant\n", "- id: reader\n  name: Reader\n  kind: human\n- id: assistant\n")
    edit(root / SESSION, SUMMARY, SUMMARY + "    held_up: true\n    verified: {by: reader}\n")
    assert problems(root) == [], "a partner who was not in the session may verify"
    edit(root / SESSION, "verified: {by: reader}", "verified: {by: raeder}")
    assert problems(root) == [
        "journal/sessions/2026-01-10-outline.yaml:12:20: contributions[0].verified.by: unknown partner 'raeder'; "
        "did you mean 'reader'?"
    ]  # fmt: skip
