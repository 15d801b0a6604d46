"""The journal in the repositories people already have: a site whose journal lives elsewhere, a site
folder a plain `mkdocs build` made, a ProperDocs site, a repository that ignores the journal folder,
a hand-written nav, the everyday YAML mistakes. Each case is a real site of its kind."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES
from generator.cli import cli
from helpers import write

# A site whose journal is not ./journal, commands run from its folders


def records_site(folder: Path) -> Path:
    """A MkDocs site keeping its journal in records/journal, as mkdocs.yml's journal_dir says."""
    write(folder / "mkdocs.yml", "site_name: Handbook\nplugins:\n  - search\n  - partnership-journal:\n"
                                 "      journal_dir: records/journal\n")  # fmt: skip
    write(folder / "docs/index.md", "# Handbook\n")
    shutil.copytree(FIXTURES / "minimal", folder / "records/journal")
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    return folder


@pytest.mark.parametrize("where", [".", "docs", "records", "records/journal", "records/journal/sessions"])
def test_check_stats_and_render_find_the_journal_the_site_names(where, tmp_path, monkeypatch):
    site = records_site(tmp_path / "site")
    monkeypatch.chdir(site / where)
    runner = CliRunner()
    checked = runner.invoke(cli, ["check"])
    assert checked.exit_code == 0, checked.output
    assert "in 2 records" in checked.output
    above = "" if where == "." else f"Using the site of {os.path.relpath(site / 'mkdocs.yml')}"
    assert above in checked.stderr
    assert ("Using the site" in checked.stderr) == (where != ".")
    stats = runner.invoke(cli, ["stats"])
    assert stats.exit_code == 0, stats.output
    assert "Sessions" in stats.stdout
    out = tmp_path / "pages"
    rendered = runner.invoke(cli, ["render", "-o", str(out)])
    assert rendered.exit_code == 0, rendered.output
    assert (out / "index.md").is_file()


def test_new_writes_into_the_journal_the_site_names_and_prints_a_path_that_opens_here(tmp_path, monkeypatch):
    site = records_site(tmp_path / "site")
    monkeypatch.chdir(site / "docs")
    done = CliRunner().invoke(cli, ["new", "--title", "Outlining", "--date", "2026-03-01", "--no-prompt"])
    assert done.exit_code == 0, done.output
    printed = Path(done.stdout.strip().splitlines()[-1])
    assert printed.is_file()
    assert printed.resolve() == site / "records/journal/sessions/2026/2026-03-01-outlining.yaml"


def test_the_site_above_is_never_looked_for_outside_the_repository(tmp_path, monkeypatch):
    write(tmp_path / "mkdocs.yml", "site_name: Someone else's\n")
    inner = tmp_path / "repo"
    shutil.copytree(FIXTURES / "minimal", inner / "journal")
    subprocess.run(["git", "init", "-q", str(inner)], check=True)
    monkeypatch.chdir(inner / "journal")
    done = CliRunner().invoke(cli, ["check"])
    assert done.exit_code == 1
    assert "Using the site" not in done.stderr
