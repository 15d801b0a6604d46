"""The record format as a contract: model.py's validate, on fixture journals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.errors import JournalError
from generator.load import load_journal
from generator.validate import validate
from generator.render import render_site
from helpers import edit, problems, valid, write

from conftest import FIXTURES, GOLDEN


def test_design_example_is_valid_and_complete(journal_copy):
    root = journal_copy("design")
    journal = valid(root)
    assert journal.warnings == []
    session = journal.sessions[0]
    assert session.id == "2026-02-03-follow-up-post"  # defaults to the file name
    assert session.date == dt.date(2026, 2, 3)
    assert session.disagreements[0].resolution.adopted == "alexa"
    assert [lesson.tags for lesson in session.lesson_entries] == [[], ["communication"]]
    assert journal.partners["reviewer"].anonymous
    assert journal.source("session", session.id) == root / "sessions/2026-02-03-follow-up-post.yaml"


def test_broken_journal_lists_every_problem(journal_copy, update_golden):
    """One run reports every error, each with file, line, column and field, errors before warnings."""
    journal_copy("broken")
    listing = "\n".join(problems(Path("journal"))) + "\n"
    golden = GOLDEN / "broken-journal.txt"
    if update_golden:
        golden.write_text(listing)
    assert listing == golden.read_text()


def test_three_mistakes_give_three_located_messages(journal_copy):
    root = journal_copy("minimal")
    path = root / "sessions/2026-01-10-outline.yaml"
    edit(path, "partner: assistant", "partner: asistant")
    write(path, edit(path, "kind: structure", "kind: structur") + "    confidance: 0.8\n")
    with pytest.raises(JournalError) as caught:
        validate(load_journal(root))
    assert [str(e) for e in caught.value.errors] == [
        "journal/sessions/2026-01-10-outline.yaml:5:14: partners[1].partner: unknown partner 'asistant'; did you mean 'assistant'?",
        "journal/sessions/2026-01-10-outline.yaml:9:11: contributions[0].kind: input should be 'research', 'structure', "
        "'drafting', 'analysis', 'exploration', 'direction', 'context', 'refinement', 'review', 'decision' or 'other', "
        "found 'structur'",
        "journal/sessions/2026-01-10-outline.yaml:11:5: contributions[0].confidance: unknown field 'confidance'; "
        "did you mean 'confidence'?",
    ]


def test_two_records_with_one_id(journal_copy):
    root = journal_copy("minimal")
    text = (root / "sessions/2026-01-10-outline.yaml").read_text()
    write(root / "sessions/2027/2026-01-10-outline.yaml", text)
    assert problems(root) == [
        "journal/sessions/2027/2026-01-10-outline.yaml:1:1: duplicate session id '2026-01-10-outline' "
        "(also journal/sessions/2026-01-10-outline.yaml)"
    ]


@pytest.mark.parametrize("bad_id", ["../escape", "/etc/passwd", "UPPER", "has space", "-dash-first", ""])
def test_ids_that_could_leave_the_output_folder_are_refused(journal_copy, bad_id):
    root = journal_copy("minimal")
    path = root / "sessions/2026-01-10-outline.yaml"
    write(path, f"id: '{bad_id}'\n" + path.read_text())
    [line] = problems(root)
    assert line == (
        "journal/sessions/2026-01-10-outline.yaml:1:5: id: an id is lowercase letters, digits and '-', "
        f"not starting with '-', found {bad_id!r}"
    )


def test_reserved_index_id(journal_copy):
    root = journal_copy("minimal")
    path = root / "sessions/2026-01-10-outline.yaml"
    path.rename(root / "sessions/index.yaml")
    assert problems(root) == [
        "journal/sessions/index.yaml:1:1: id: 'index' is the name of the index page of its folder; choose another id "
        "(add an id field, or rename the file)"
    ]


def test_session_without_an_ai_partner_is_a_warning_not_an_error(journal_copy):
    root = journal_copy("minimal")
    edit(root / "partners.yaml", "kind: ai", "kind: human")
    journal = valid(root)
    assert [str(w) for w in journal.warnings] == [
        "journal/sessions/2026-01-10-outline.yaml:4:3: warning: partners: session has no AI partner; "
        "the journal is about human-AI work"
    ]


def test_quoted_iso_dates_and_numbers_as_text_are_accepted(journal_copy):
    root = journal_copy("minimal")
    path = root / "sessions/2026-01-10-outline.yaml"
    edit(path, "date: 2026-01-10", "date: '2026-01-10'")
    edit(path, "goal: Agree on an outline", "goal: 42")
    session = valid(root).sessions[0]
    assert (session.date, session.goal) == (dt.date(2026, 1, 10), "42")


def test_text_given_as_a_boolean_gets_a_hint(journal_copy):
    root = journal_copy("minimal")
    path = root / "sessions/2026-01-10-outline.yaml"
    edit(path, "goal: Agree on an outline", "goal: true")
    assert problems(root) == [
        "journal/sessions/2026-01-10-outline.yaml:6:7: goal: input should be a valid string "
        "(put it in quotes if you meant text), found True"
    ]


def test_sessions_are_sorted_by_date_then_id(journal_copy):
    """Not in the order of their files (sessions/2025/late.yaml is read first), nor of the dates
    alone (two share one): by date, then id."""
    root = journal_copy("minimal")
    outline = (root / "sessions/2026-01-10-outline.yaml").read_text()
    for name, date in [("2025/late", "2026-06-01"), ("2027/0-same-day", "2026-01-10"), ("2027/early", "2025-12-31")]:
        path = write(root / f"sessions/{name}.yaml", outline)
        edit(path, "date: 2026-01-10", f"date: {date}")
    assert [r.display for r in load_journal(root).sessions] == [
        "journal/sessions/2025/late.yaml", "journal/sessions/2026-01-10-outline.yaml",
        "journal/sessions/2027/0-same-day.yaml", "journal/sessions/2027/early.yaml",
    ]  # fmt: skip
    assert [s.id for s in valid(root).sessions] == ["early", "0-same-day", "2026-01-10-outline", "late"]


def journal_with_problems_everywhere(root: Path) -> None:
    """Problems in partners.yaml, two case studies and sessions in and below sessions/, several per file,
    each file's found in another order than they are listed: partners.yaml is checked before the case
    studies, sessions/2026/ is read before sessions/2026-01-10-outline.yaml (whose path sorts first),
    a reference is checked before the fields on its line, and placeholders before references."""
    partners = edit(root / "partners.yaml", "  kind: human\n", "  kind: human\n  model: not for humans\n")
    write(root / "partners.yaml", partners + "- id: robot\n  name: Robot\n  kind: robot\n"
          "- id: reviewer\n  name: Reviewer\n  kind: human\n")  # fmt: skip
    write(root / "case-studies/zeta.yaml", "title: Zeta\nnarrative: x\nsumary: typo\n")
    write(root / "case-studies/alpha.yaml", "title: Alpha\nsummary: fine\n\ndomain: [a, b]\n")
    edit(root / "sessions/2026-01-10-outline.yaml", "  - by: assistant\n    kind: structure\n    summary: Proposed",
         "  - {kind: structur, by: nobody, summary: Proposed")
    edit(root / "sessions/2026-01-10-outline.yaml", "five-part outline\n", "five-part outline}\n")
    write(root / "sessions/2026/2026-03-01-later.yaml", """\
title: Later
date: 2026-02-30
partners:
  - partner: alexa
  - partner: asistant
contributions:
  - by: ghost
    kind: review
    summary: Read it
outcome: TODO
""")
    write(root / "sessions/2025/2025-12-01-earlier.yaml", """\
title: Earlier
date: 2025-12-01
partners:
  - partner: alexa
  - partner: assistant
goal: true
contributions:
  - by: reviewer
    kind: review
    summary: Read it
    held_up: maybe
""")


PROBLEMS_EVERYWHERE = [  # errors by file, line and column (paths compared as text), then warnings so
    "journal/case-studies/alpha.yaml:4:9: domain: input should be a valid string, found a list",
    "journal/case-studies/zeta.yaml:1:1: summary: required field is missing",
    "journal/case-studies/zeta.yaml:3:1: sumary: unknown field 'sumary'; did you mean 'summary'?",
    "journal/partners.yaml:4:10: [0].model: model is for ai partners only",
    "journal/partners.yaml:10:9: [2].kind: input should be 'human' or 'ai', found 'robot'",
    "journal/sessions/2025/2025-12-01-earlier.yaml:6:7: goal: input should be a valid string "
    "(put it in quotes if you meant text), found True",
    "journal/sessions/2025/2025-12-01-earlier.yaml:11:14: contributions[0].held_up: input should be a valid boolean, "
    "found 'maybe'",
    "journal/sessions/2026-01-10-outline.yaml:8:12: contributions[0].kind: input should be 'research', 'structure', "
    "'drafting', 'analysis', 'exploration', 'direction', 'context', 'refinement', 'review', 'decision' or 'other', "
    "found 'structur'",
    "journal/sessions/2026-01-10-outline.yaml:8:26: contributions[0].by: unknown partner 'nobody'",
    "journal/sessions/2026/2026-03-01-later.yaml:1:1: goal: required field is missing",
    "journal/sessions/2026/2026-03-01-later.yaml:2:7: date: input should be a valid date or datetime, "
    "day value is outside expected range, found '2026-02-30'",
    "journal/sessions/2026/2026-03-01-later.yaml:5:14: partners[1].partner: unknown partner 'asistant'; "
    "did you mean 'assistant'?",
    "journal/sessions/2026/2026-03-01-later.yaml:7:9: contributions[0].by: unknown partner 'ghost'",
    "journal/sessions/2025/2025-12-01-earlier.yaml:8:9: warning: contributions[0].by: 'reviewer' is not listed "
    "in this session's partners",
    "journal/sessions/2026/2026-03-01-later.yaml:10:10: warning: outcome: still the placeholder from "
    "'pjournal new'; replace it",
]


def test_problems_are_listed_by_file_then_line_then_column(journal_copy):
    root = journal_copy("minimal")
    journal_with_problems_everywhere(root)
    assert problems(root) == PROBLEMS_EVERYWHERE


def test_a_problem_found_twice_is_listed_once(journal_copy):
    root = journal_copy("minimal")
    journal_with_problems_everywhere(root)
    with pytest.raises(JournalError) as caught:
        validate(load_journal(root))
    errors, warnings = caught.value.errors, caught.value.warnings
    twice = JournalError([*errors, *reversed(errors)], [*warnings, *warnings])
    assert (twice.errors, twice.warnings) == (errors, warnings)
    assert twice.report().splitlines() == PROBLEMS_EVERYWHERE


@pytest.mark.parametrize("fixture", ["design", "broken"])
def test_a_build_that_lets_records_go_sees_the_same_journal_and_errors(fixture):
    """`release` (what a build uses, to save memory) changes nothing a user sees."""

    def outcome(release: bool) -> tuple[str, list[str]]:
        raw = load_journal(FIXTURES / fixture)
        try:
            journal = validate(raw, release=release)
        except JournalError as e:
            return "", [str(p) for p in [*e.errors, *e.warnings]]
        finally:
            assert (raw.sessions == []) == release
        pages = render_site(journal)
        return "".join(page.content for page in pages.values()), [str(w) for w in journal.warnings]

    kept, released = outcome(False), outcome(True)
    assert kept == released and (kept[0] or kept[1])
