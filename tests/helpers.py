"""Small helpers the tests share."""

from __future__ import annotations

from pathlib import Path

from generator.errors import JournalError
from generator.load import load_journal
from generator.model import Journal, validate


def problems(root: Path) -> list[str]:
    """Every error and warning of a journal, as the lines `pjournal check` prints."""
    try:
        journal = validate(load_journal(root))
    except JournalError as e:
        return [str(p) for p in [*e.errors, *e.warnings]]
    return [str(p) for p in journal.warnings]


def valid(root: Path) -> Journal:
    return validate(load_journal(root))


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
