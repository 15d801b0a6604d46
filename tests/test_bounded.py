"""Work bounded on any input the loader accepts: every date `check` passes renders, and the
statistics cost the same whatever the counts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES
from generator import analyze
from generator.cli import cli
from helpers import valid, write

MINIMAL = FIXTURES / "minimal"


def _journal_on(root: Path, dates: tuple[str, ...]) -> Path:
    """The minimal journal with its one session written once on each date."""
    write(root / "partners.yaml", (MINIMAL / "partners.yaml").read_text(encoding="utf-8"))
    record = (MINIMAL / "sessions" / "2026-01-10-outline.yaml").read_text(encoding="utf-8")
    for date in dates:
        write(root / "sessions" / f"{date}-outline.yaml", record.replace("2026-01-10", date))
    return root


@pytest.mark.parametrize(
    "dates",
    [("0001-01-01",), ("0999-12-31",), ("0001-01-01", "0999-12-31"), ("0001-01-01", "0999-12-31", "2026-01-10")],
)
def test_every_date_check_accepts_renders(tmp_path: Path, dates: tuple[str, ...]):
    journal = _journal_on(tmp_path / "journal", dates)
    runner = CliRunner()
    assert runner.invoke(cli, ["check", str(journal)]).exit_code == 0
    result = runner.invoke(cli, ["render", str(journal), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    evolution = (tmp_path / "out" / "evolution" / "index.md").read_text(encoding="utf-8")
    linked = re.findall(r'href="\.\./years/(\d+)/#([^"]+)"', evolution)
    years = [int(d[:4]) for d in dates]
    # Each period links to its anchor on its year's page, oldest period first.
    assert [int(y) for y, _ in dict.fromkeys(linked)] == years
    for year, anchor in linked:
        assert f'id="{anchor}"' in (tmp_path / "out" / "years" / year / "index.md").read_text(encoding="utf-8")


def test_periods_sort_as_time_does_whatever_the_year(tmp_path: Path):
    journal = valid(_journal_on(tmp_path, ("0999-12-31", "0001-01-01", "2026-01-10")))
    periods = analyze.periods(journal)
    assert [(p.key, p.label, p.year) for p in periods] == [
        ("0001-Q1", "Q1 1", 1), ("0999-Q4", "Q4 999", 999), ("2026-Q1", "Q1 2026", 2026),
    ]  # fmt: skip
