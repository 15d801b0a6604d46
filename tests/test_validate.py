"""The record format as a contract: model.py's validate, on fixture journals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.errors import JournalError
from generator.load import load_journal
from generator.validate import validate
from generator.render import render_site
from helpers import problems, valid, write

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
    text = path.read_text()
    text = text.replace("partner: assistant", "partner: asistant").replace("kind: structure", "kind: structur")
    write(path, text + "    confidance: 0.8\n")
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
    write(root / "partners.yaml", (root / "partners.yaml").read_text().replace("kind: ai", "kind: human"))
    journal = valid(root)
    assert [str(w) for w in journal.warnings] == [
        "journal/sessions/2026-01-10-outline.yaml:4:3: warning: partners: session has no AI partner; "
        "the journal is about human-AI work"
    ]


def test_quoted_iso_dates_and_numbers_as_text_are_accepted(journal_copy):
    root = journal_copy("minimal")
    path = root / "sessions/2026-01-10-outline.yaml"
    write(path, path.read_text().replace("date: 2026-01-10", "date: '2026-01-10'").replace("goal: Agree on an outline", "goal: 42"))
    session = valid(root).sessions[0]
    assert (session.date, session.goal) == (dt.date(2026, 1, 10), "42")


def test_text_given_as_a_boolean_gets_a_hint(journal_copy):
    root = journal_copy("minimal")
    path = root / "sessions/2026-01-10-outline.yaml"
    write(path, path.read_text().replace("goal: Agree on an outline", "goal: yes"))
    assert problems(root) == [
        "journal/sessions/2026-01-10-outline.yaml:6:7: goal: input should be a valid string "
        "(put it in quotes if you meant text), found True"
    ]


def test_sessions_are_sorted_by_date_then_id():
    journal = valid(FIXTURES / "design")
    assert [s.id for s in journal.sessions] == ["2026-02-03-follow-up-post"]


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
