"""`pjournal` end to end through Click's runner: check and build."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from generator.cli import cli
from helpers import edit, write


def test_check_passes_a_good_journal(journal_copy, runner):
    journal_copy("design")
    result = runner.invoke(cli, ["check"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "0 errors, 0 warnings in 3 records\n"


def test_check_lists_every_error_with_exit_1_and_no_traceback(journal_copy, runner):
    journal_copy("broken")
    result = runner.invoke(cli, ["check", "journal"])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[-1] == "23 errors, 1 warning in 6 records"
    assert all(re.match(r"journal/[^:]+(:\d+:\d+)?: ", line) for line in lines[:-1])
    assert "Traceback" not in result.output
    assert "journal/sessions/2026/2026-01-10-three-mistakes.yaml:5:14: partners[1].partner: unknown partner" in result.stderr


def test_check_warnings_alone_exit_0(journal_copy, runner):
    root = journal_copy("minimal")
    edit(root / "partners.yaml", "kind: ai", "kind: human")
    result = runner.invoke(cli, ["check"])
    assert result.exit_code == 0
    assert "warning: partners: session has no AI partner" in result.stderr
    assert result.stdout == "0 errors, 1 warning in 2 records\n"


def test_check_of_a_missing_folder(tmp_path, runner, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["check", "nowhere"])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{tmp_path / 'nowhere'}: journal folder not found\n")


@pytest.mark.build
def test_build_without_mkdocs_yml_uses_a_default_site(journal_copy, runner):
    journal_copy("design")
    result = runner.invoke(cli, ["build", "--strict"])
    assert result.exit_code == 0, result.output
    site = Path("site")
    session = (site / "sessions/2026-02-03-follow-up-post/index.html").read_text()
    assert "Drafting the follow-up post" in session
    assert (site / "index.html").is_file()
    assert re.search(r'<meta name="generator" content="mkdocs-[\d.]+, mkdocs-material-[\d.]+">',
                     (site / "index.html").read_text()), "a Material site, built by MkDocs"
    assert not list(Path(".").glob(".site-*")), "the staging folder is removed"


@pytest.mark.build
def test_build_keeps_the_last_good_site_when_a_record_breaks(journal_copy, runner):
    root = journal_copy("design")
    assert runner.invoke(cli, ["build", "-d", "public"]).exit_code == 0
    before = {p: p.read_bytes() for p in Path("public").rglob("*") if p.is_file()}
    session = root / "sessions/2026-02-03-follow-up-post.yaml"
    edit(session, "kind: structure", "kind: structur")
    result = runner.invoke(cli, ["build", "-d", "public"])
    assert result.exit_code == 1
    assert "journal/sessions/2026-02-03-follow-up-post.yaml:17:11: contributions[0].kind" in result.stderr
    assert "Traceback" not in result.output
    assert {p: p.read_bytes() for p in Path("public").rglob("*") if p.is_file()} == before
    assert sorted(os.listdir(".")) == ["journal", "public"]


@pytest.mark.build
def test_strict_build_fails_on_a_warning(journal_copy, runner):
    root = journal_copy("minimal")
    edit(root / "partners.yaml", "kind: ai", "kind: human")
    assert runner.invoke(cli, ["build"]).exit_code == 0
    result = runner.invoke(cli, ["build", "--strict"])
    assert result.exit_code == 1
    assert "warning: partnership-journal: journal/sessions/2026-01-10-outline.yaml:4:3: partners: session has no AI partner" in result.stderr
    assert "Aborted with 1 warnings in strict mode!" in result.stderr


@pytest.mark.build
def test_drafts_are_built_only_when_asked(journal_copy, runner):
    root = journal_copy("minimal")
    path = root / "sessions/2026-01-10-outline.yaml"
    write(path, path.read_text() + "status: draft\n")
    assert runner.invoke(cli, ["build"]).exit_code == 0
    assert not Path("site/sessions/2026-01-10-outline").exists()
    assert runner.invoke(cli, ["build", "--drafts"]).exit_code == 0
    assert Path("site/sessions/2026-01-10-outline/index.html").is_file()


def test_version(runner):
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.startswith("pjournal, version ")


def test_build_in_a_folder_with_neither_site_nor_journal(tmp_path, runner, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["build"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: no mkdocs.yml here and no journal folder 'journal': start one with `pjournal init DIR`, "
        "or name the journal with -j\n"
    )


@pytest.mark.build
def test_redact_on_the_command_line_reaches_pages_json_and_feed(journal_copy, runner):
    journal_copy("design")
    assert runner.invoke(cli, ["build", "-q", "--redact", r"five-part \w+"]).exit_code == 0
    built = "".join(p.read_text() for p in Path("site").rglob("*") if p.suffix in {".html", ".json", ".xml"})
    assert "five-part outline" not in built and "[redacted]" in built
    assert runner.invoke(cli, ["build", "-q"]).exit_code == 0, "the option does not outlive its build"
    assert "five-part outline" in Path("site/sessions/2026-02-03-follow-up-post/index.html").read_text()
    result = runner.invoke(cli, ["render", "-o", "out", "--redact", r"five-part \w+"])
    assert result.exit_code == 0, result.output
    rendered = "".join(p.read_text() for p in Path("out").rglob("*") if p.is_file())
    assert "five-part outline" not in rendered and "[redacted]" in rendered
    bad = runner.invoke(cli, ["render", "-o", "out2", "--redact", "("])
    assert bad.exit_code == 2 and "not a valid regular expression" in bad.stderr
