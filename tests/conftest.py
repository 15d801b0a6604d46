"""Shared fixtures: copies of fixture journals, the CLI runner, and `--update-golden`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest_plugins = ["browser_support"]  # the `browser` fixture

FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN = Path(__file__).parent / "golden"
ROOT = Path(__file__).parent.parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that opens a real Chromium is a `browser` test, whichever file it is in, so the
    fast loop (`-m "not browser and not corpus"`) leaves them all out."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="Rewrite the golden files from the current output.")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def journal_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Copy a fixture journal to tmp_path/journal and work from tmp_path."""

    def copy(name: str) -> Path:
        target = tmp_path / "journal"
        shutil.copytree(FIXTURES / name, target)
        monkeypatch.chdir(tmp_path)
        return target

    return copy


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
