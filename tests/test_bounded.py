"""Work bounded on any input the loader accepts: every date `check` passes renders, and the
statistics cost the same whatever the counts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES
from generator import analyze, framework
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


def _crowded(root: Path, extra: int) -> Path:
    """Four sessions of h1 and a1 (h0 and a0 in the first two), the first also with `extra` humans
    and `extra` AI partners who take part in nothing else; in it, one of those AIs' work and one
    of a1's did not hold up."""
    partners = [("h0", "human"), ("a0", "ai"), ("h1", "human"), ("a1", "ai")]
    partners += [(f"x{i}", "human") for i in range(extra)] + [(f"y{i}", "ai") for i in range(extra)]
    write(root / "partners.yaml", "".join(f"- id: {id}\n  name: {id.upper()}\n  kind: {kind}\n" for id, kind in partners))
    for day in range(1, 5):
        present = ["h1", "a1"] + (["h0", "a0"] if day <= 2 else []) + ([id for id, _ in partners[4:]] if day == 1 else [])
        work = "  - by: a1\n    kind: drafting\n    summary: Drafted\n"
        if day == 1:
            work += "    held_up: false\n  - by: y0\n    kind: research\n    summary: Searched\n    held_up: false\n"
        write(root / "sessions" / f"s{day}.yaml", f"title: Day {day}\ndate: 2026-01-0{day}\npartners:\n"
              + "".join(f"  - partner: {id}\n    role: role of {id} on day {day}\n" for id in present)
              + f"goal: Work\ncontributions:\n{work}")
    return root


def test_a_crowded_session_pairs_only_partners_in_sessions_enough(tmp_path: Path):
    journal = valid(_crowded(tmp_path, 30))
    # h0 and a0 share two sessions, the 60 others one: only h1 and a1 are a partnership.
    assert [p.key for p in analyze.partnerships(journal)] == ["pair:h1:a1"]


def test_what_followed_a_failure_in_a_crowded_session(tmp_path: Path):
    journal = valid(_crowded(tmp_path, 30))
    views, _ = framework.views(journal)
    by_a1, by_y0 = views.failures
    # a1's draft is followed in the sessions a1 shared with h1 (s2-s4), h0 (s2) and the 30 humans (none).
    assert [s.id for s in by_a1.after] == ["s2", "s3", "s4"]
    assert by_y0.after == [] and views.failures_of_partner("y0") == [by_y0]
    assert views.failures_of_partner("a1") == [by_a1] and views.failures_of_partner("x3") == []


def test_a_partners_page_gives_its_role_in_each_session(tmp_path: Path):
    journal = _crowded(tmp_path / "journal", 3)
    result = CliRunner().invoke(cli, ["render", str(journal), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out" / "partners" / "h0" / "index.md").read_text(encoding="utf-8")
    assert re.findall(r"role of h0 on day (\d)", page) == ["2", "1"]
