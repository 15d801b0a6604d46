"""The newcomer's path end to end through Click's runner: init, new, schema, check formats, render, stats."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from conftest import FIXTURES, ROOT
from generator.cli import cli
from generator.load import load_journal
from generator import routes
from generator.output import markdown_file
from generator.model import FIELD_DOCS, Session
from generator.render import render_site
from generator.schema import json_schema
from helpers import broken_links, edit, fetch, free_port, stop, valid, wait_for, write

MODELINE = re.compile(r"# yaml-language-server: \$schema=(\S+)\n")


def iso(value: Any) -> Any:
    """Data as JSON has it: YAML's dates as ISO strings."""
    if isinstance(value, dict):
        return {k: iso(v) for k, v in value.items()}
    if isinstance(value, list):
        return [iso(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def schema_errors(kind: str, data: Any) -> set[tuple[str, str]]:
    """(JSON path, failing keyword) of every place a record breaks its schema."""
    validator = Draft202012Validator(json_schema(kind), format_checker=Draft202012Validator.FORMAT_CHECKER)
    return {("/".join(map(str, e.absolute_path)), e.validator) for e in validator.iter_errors(iso(data))}


@pytest.fixture
def site(tmp_path: Path, runner, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A site made by `pjournal init demo`, and the working folder inside it."""
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["init", "demo"])
    assert result.exit_code == 0, result.output
    monkeypatch.chdir(tmp_path / "demo")
    return tmp_path / "demo"


# pjournal init


@pytest.mark.build
def test_init_writes_a_site_that_checks_clean_and_builds_strict(site, runner):
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()) == [
        ".github/workflows/journal.yml",
        ".gitignore",
        ".vscode/settings.json",
        "docs/index.md",
        "journal/.schema/case-study.json",
        "journal/.schema/partners.json",
        "journal/.schema/session.json",
        "journal/case-studies/newsletter-relaunch.yaml",
        "journal/partners.yaml",
        "journal/sessions/2026/2026-02-03-planning-the-first-issue.yaml",
        "mkdocs.yml",
    ]
    check = runner.invoke(cli, ["check"])
    assert (check.exit_code, check.stdout, check.stderr) == (0, "0 errors, 0 warnings in 3 records\n", "")
    build = runner.invoke(cli, ["build", "--strict"])
    assert build.exit_code == 0, build.output
    page = (site / "site/journal/sessions/2026-02-03-planning-the-first-issue/index.html").read_text()
    assert "Planning the first issue" in page
    assert "Read the journal" in (site / "site/index.html").read_text()


def test_init_site_config_and_gitignore(site):
    config = yaml.safe_load((site / "mkdocs.yml").read_text())
    assert config["site_name"] == "demo journal"
    assert config["theme"] == {"name": "material", "font": False, "features": ["navigation.indexes"]}
    assert config["plugins"] == [
        "search",
        {"partnership-journal": {"journal_dir": "journal", "prefix": "journal", "drafts": False}},
    ]
    assert "site/" in (site / ".gitignore").read_text().splitlines()


def test_init_sample_session_shows_every_kind_of_field(site):
    session = yaml.safe_load(next((site / "journal/sessions").rglob("*.yaml")).read_text())
    design = yaml.safe_load((FIXTURES / "design/sessions/2026-02-03-follow-up-post.yaml").read_text())
    assert set(design) | {"tags"} <= set(session)
    assert {"confidence", "uncertainty", "held_up"} <= set().union(*session["contributions"])
    assert {"reasoning", "confidence"} <= set().union(*session["disagreements"][0]["positions"])
    assert set(session["disagreements"][0]["resolution"]) == {"outcome", "adopted", "decided_by", "summary"}
    assert {"acted_on"} <= set(session["feedback"][0])
    assert any(isinstance(lesson, str) for lesson in session["lessons"])
    assert any(isinstance(lesson, dict) and lesson["tags"] for lesson in session["lessons"])
    partners = yaml.safe_load((site / "journal/partners.yaml").read_text())
    assert sorted(p["kind"] for p in partners) == ["ai", "human"]


def test_init_records_name_their_schema_by_a_relative_path_that_resolves(site):
    records = {
        "partners": [site / "journal/partners.yaml"],
        "case-study": list((site / "journal/case-studies").glob("*.yaml")),
        "session": list((site / "journal/sessions").rglob("*.yaml")),
    }
    for kind, paths in records.items():
        for path in paths:
            text = path.read_text()
            modeline = MODELINE.match(text)
            assert modeline, f"{path} starts with the modeline"
            schema_file = (path.parent / modeline.group(1)).resolve()
            assert schema_file == (site / f"journal/.schema/{kind}.json").resolve()
            assert json.loads(schema_file.read_text()) == json_schema(kind)  # type: ignore[arg-type]
            assert schema_errors(kind, yaml.safe_load(text)) == set()


def test_init_workflow_checks_builds_and_deploys_to_pages(site):
    text = (site / ".github/workflows/journal.yml").read_text()
    workflow = yaml.load(text, Loader=yaml.BaseLoader)  # YAML 1.1 would read the key `on` as true
    assert {"push", "pull_request"} <= set(workflow["on"])
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["concurrency"]["cancel-in-progress"] == "false"
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert build["timeout-minutes"] == "15" and deploy["timeout-minutes"] == "10"
    steps = build["steps"]
    uses = [s.get("uses", "").split("@")[0] for s in steps]
    runs = [s.get("run") for s in steps if "run" in s]
    assert uses[:2] == ["actions/checkout", "actions/setup-python"]
    assert steps[1]["with"] == {"python-version": "3.12", "cache": "pip",
                                "cache-dependency-path": ".github/workflows/journal.yml"}  # fmt: skip
    assert runs[1:] == ["pjournal check --format github", "pjournal build --strict"]
    assert "actions/configure-pages" in uses
    assert uses[-1] == "actions/upload-pages-artifact" and steps[-1]["with"]["path"] == "site"
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]


def test_init_keeps_an_existing_journal_and_adds_the_plugin(tmp_path, runner, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "demo/mkdocs.yml", "site_name: mine\n")
    write(tmp_path / "demo/journal/partners.yaml", "[]\n")
    result = runner.invoke(cli, ["init", "demo"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:3] == [
        "Changed demo/mkdocs.yml: added the partnership-journal plugin",
        "Left demo/journal/: it has records: no sample added",
        "Wrote demo/journal/.schema/session.json",
    ]
    assert (tmp_path / "demo/journal/partners.yaml").read_text() == "[]\n"
    assert not (tmp_path / "demo/journal/sessions").exists() and not (tmp_path / "demo/docs").exists()
    assert (tmp_path / "demo/mkdocs.yml").read_text() == (
        "site_name: mine\n\nplugins:\n  - search\n  - partnership-journal:\n      journal_dir: journal\n"
        "      prefix: journal\n"
    )


def test_init_refuses_a_file_in_the_way_and_writes_nothing(tmp_path, runner, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "demo/.github/workflows", "not a folder\n")
    result = runner.invoke(cli, ["init", "demo"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cannot write demo/.github/workflows")
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        "demo", "demo/.github", "demo/.github/workflows",
    ]  # fmt: skip


def test_init_into_a_folder_that_has_other_files(tmp_path, runner, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "README.md", "# My project\n")
    result = runner.invoke(cli, ["init", "."])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "Wrote mkdocs.yml"
    assert (tmp_path / "README.md").read_text() == "# My project\n"
    assert yaml.safe_load((tmp_path / "mkdocs.yml").read_text())["site_name"] == f"{tmp_path.name} journal"


# pjournal new


def test_new_writes_a_session_that_validates(journal_copy, runner):
    root = journal_copy("design")
    args = ["new", "--title", "Outlining the report: part 1", "--date", "2026-03-01", "-p", "assistant", "-p", "alexa",
            "--case-study", "writing-beyond-the-manifesto"]  # fmt: skip
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert result.stdout == "journal/sessions/2026/2026-03-01-outlining-the-report-part-1.yaml\n"
    path = root / "sessions/2026/2026-03-01-outlining-the-report-part-1.yaml"
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=../../.schema/session.json\n")
    data = yaml.safe_load(text)
    assert data["title"] == "Outlining the report: part 1"
    assert data["date"] == dt.date(2026, 3, 1)
    assert data["case_study"] == "writing-beyond-the-manifesto"
    assert [p["partner"] for p in data["partners"]] == ["assistant", "alexa"]
    assert data["goal"].startswith("TODO") and data["contributions"][0]["by"] == "assistant"
    assert schema_errors("session", data) == set()
    # the journal had no schemas: new added them, so that the modeline resolves
    assert "Wrote journal/.schema/session.json (a JSON Schema, for editors)" in result.stderr
    assert json.loads((root / ".schema/session.json").read_text()) == json_schema("session")
    check = runner.invoke(cli, ["check"])  # valid; a warning for each of the goal and summary placeholders
    assert (check.exit_code, check.stdout) == (0, "0 errors, 2 warnings in 4 records\n")


def test_new_defaults_to_today_and_the_first_human_and_ai(journal_copy, runner):
    root = journal_copy("design")
    result = runner.invoke(cli, ["new", "-t", "Über-Café notes"])
    assert result.exit_code == 0, result.output
    today = dt.date.today()
    path = root / f"sessions/{today.year}/{today.isoformat()}-uber-cafe-notes.yaml"
    assert result.stdout == f"journal/{path.relative_to(root).as_posix()}\n"
    data = yaml.safe_load(path.read_text())
    assert data["date"] == today
    assert [p["partner"] for p in data["partners"]] == ["alexa", "assistant"]


@pytest.mark.parametrize(("title", "stem"), [
    ("A very long title " * 8, "2026-03-01-a-very-long-title-a-very-long-title-a-very-long-title-a-very"),
    ("日本語の会議", "2026-03-01-session"),
    ("yes", "2026-03-01-yes"),
])  # fmt: skip
def test_new_file_names_from_any_title(journal_copy, runner, title, stem):
    root = journal_copy("minimal")
    result = runner.invoke(cli, ["new", "-t", title, "--date", "2026-03-01"])
    assert result.exit_code == 0, result.output
    path = root / f"sessions/2026/{stem}.yaml"
    assert yaml.safe_load(path.read_text())["title"] == title.strip()


def test_new_never_overwrites(journal_copy, runner):
    root = journal_copy("minimal")
    args = ["new", "-t", "Same title", "--date", "2026-04-01"]
    assert runner.invoke(cli, args).exit_code == 0
    path = root / "sessions/2026/2026-04-01-same-title.yaml"
    edit(path, "TODO what this session", "Edited: what this session")
    before = path.read_text()
    result = runner.invoke(cli, args)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: journal/sessions/2026/2026-04-01-same-title.yaml exists already; give another --title or --date\n"
    )
    assert path.read_text() == before


def test_new_refuses_an_id_taken_elsewhere_in_sessions(journal_copy, runner):
    root = journal_copy("minimal")
    result = runner.invoke(cli, ["new", "-t", "Outline", "--date", "2026-01-10"])
    assert result.exit_code == 1
    assert result.stderr == "Error: a session with id '2026-01-10-outline' exists already; give another --title or --date\n"
    assert not (root / "sessions/2026").exists()


def test_new_unknown_partner_or_case_study_lists_the_known_ones(journal_copy, runner):
    root = journal_copy("design")
    result = runner.invoke(cli, ["new", "-t", "x", "-p", "alexa", "-p", "asistant"])
    assert result.exit_code == 1
    assert result.stderr == "Error: unknown partner 'asistant'; the partners in partners.yaml are: alexa, assistant, reviewer\n"
    result = runner.invoke(cli, ["new", "-t", "x", "-c", "manifesto"])
    assert result.exit_code == 1
    assert result.stderr == "Error: unknown case study 'manifesto'; the case studies are: writing-beyond-the-manifesto\n"
    result = runner.invoke(cli, ["new", "-t", "x", "-p", "alexa"])
    assert (result.exit_code, result.stderr) == (1, "Error: a session needs two or more partners, got 1\n")
    assert not list((root / "sessions").rglob("*-x.yaml"))


def test_new_without_a_title_off_a_terminal_is_a_usage_error(journal_copy, runner):
    journal_copy("design")
    result = runner.invoke(cli, ["new"])
    assert result.exit_code == 2
    assert "Missing option '--title'" in result.stderr


def test_new_asks_for_title_and_partners_in_a_terminal(journal_copy, runner):
    root = journal_copy("design")
    result = runner.invoke(cli, ["new", "--prompt", "--date", "2026-05-05"], input="Second pass\n9\n3 2\n")
    assert result.exit_code == 0, result.output
    assert "  1. alexa: Alexa (human)\n  2. assistant: Writing assistant (ai)\n  3. reviewer: Dr. Jane Roe (human)\n" in result.stderr
    assert "Error: 9 is not a number from the list (1 to 3)" in result.stderr
    assert result.stdout == "journal/sessions/2026/2026-05-05-second-pass.yaml\n"
    data = yaml.safe_load((root / "sessions/2026/2026-05-05-second-pass.yaml").read_text())
    assert [p["partner"] for p in data["partners"]] == ["reviewer", "assistant"]


def test_new_stops_on_errors_in_partners_yaml(journal_copy, runner):
    root = journal_copy("minimal")
    edit(root / "partners.yaml", "kind: ai", "kind: robot")
    result = runner.invoke(cli, ["new", "-t", "x"])
    assert result.exit_code == 1
    assert re.match(r"journal/partners.yaml:\d+:\d+: \[1\]\.kind: input should be 'human' or 'ai'", result.stderr)
    assert "Traceback" not in result.output


# pjournal schema


@pytest.mark.parametrize("kind", ["session", "partners", "case-study"])
def test_schema_is_valid_draft_2020_12_with_its_examples(kind, runner):
    result = runner.invoke(cli, ["schema", "--kind", kind])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema == json_schema(kind)  # type: ignore[arg-type]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    assert schema["title"] and schema["description"] and schema["examples"]
    for example in schema["examples"]:
        assert schema_errors(kind, example) == set()
    objects = [schema, *schema.get("$defs", {}).values()]
    assert all(d["additionalProperties"] is False for d in objects if d.get("type") == "object")


def test_schema_default_kind_is_session_with_id_optional(runner):
    schema = json.loads(runner.invoke(cli, ["schema"]).stdout)
    assert schema["title"] == "partnership-journal session"
    assert "id" in schema["properties"] and "id" not in schema["required"]
    assert {"title", "date", "partners", "goal", "contributions"} <= set(schema["required"])
    assert schema["properties"]["date"] == {"format": "date", "title": "Date", "type": "string",
                                            "description": FIELD_DOCS[Session]["date"]}  # fmt: skip
    assert runner.invoke(cli, ["schema", "--kind", "nope"]).exit_code == 2


def test_schema_accepts_every_record_of_the_example_journal():
    root = ROOT / "journal"
    records = {"partners": [root / "partners.yaml"], "case-study": sorted((root / "case-studies").rglob("*.yaml")),
               "session": sorted((root / "sessions").rglob("*.yaml"))}  # fmt: skip
    assert len(records["session"]) >= 20
    for kind, paths in records.items():
        for path in paths:
            assert schema_errors(kind, yaml.safe_load(path.read_text())) == set(), path


def test_schema_rejects_the_broken_records_it_can_see():
    raw = load_journal(FIXTURES / "broken")  # safe_load can't read its 2026-02-30
    found = {r.path.name: schema_errors(r.kind, r.data) for r in raw.records()}
    assert {("2/kind", "enum")} <= found["partners.yaml"]
    assert found["no-summary.yaml"] == {("", "required")}
    assert found["2026-01-10-three-mistakes.yaml"] == {("contributions/0/kind", "enum"), ("contributions/0", "additionalProperties")}
    assert {("", "required"), ("feedback/0/about", "enum"), ("handoffs/0", "required")} <= found["2026-01-11-references.yaml"]
    assert {("date", "format"), ("status", "enum"), ("partners", "minItems"),
            ("contributions", "minItems")} <= found["2026-01-12-types.yaml"]  # fmt: skip
    assert ("title", "type") not in found["2026-01-12-types.yaml"]  # `title: 2026` is text, for check too
    assert found["Bad Name.yaml"] == set()  # only its file name is wrong: that is for `pjournal check`


# pjournal check --format


def test_check_format_github_annotates_each_problem(journal_copy, runner):
    journal_copy("broken")
    text = runner.invoke(cli, ["check"])
    result = runner.invoke(cli, ["check", "--format", "github"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[-1] == "23 errors, 1 warning in 6 records"
    assert len(lines) - 1 == len(text.stderr.splitlines()) - 1
    assert all(re.match(r"::(error|warning) file=[^,]+(,line=\d+,col=\d+)?,title=pjournal::.", line) for line in lines[:-1])
    assert ("::error file=journal/sessions/2026/2026-01-10-three-mistakes.yaml,line=5,col=14,title=pjournal::"
            "partners[1].partner: unknown partner 'asistant'; did you mean 'assistant'?") in lines  # fmt: skip
    assert sum(line.startswith("::warning ") for line in lines) == 1


def test_check_format_github_escapes_as_github_documents(journal_copy, runner):
    root = journal_copy("minimal")
    write(root / "sessions/odd:name,1.yaml", 'title: "100%"\n"confi\\ndence": 1\n')
    result = runner.invoke(cli, ["check", "--format", "github"])
    assert result.exit_code == 1
    assert ("::error file=journal/sessions/odd%3Aname%2C1.yaml,line=1,col=1,title=pjournal::"
            "file name 'odd:name,1' is not a valid id") in result.stdout  # fmt: skip
    write(root / "sessions/odd:name,1.yaml", 'id: odd\ntitle: x\n"50%\\r\\nconfi": 1\n')
    lines = runner.invoke(cli, ["check", "--format", "github"]).stdout.splitlines()
    # Line breaks from user text are shown as \r\n (as in the text format), so one problem stays one command.
    assert any(line.startswith("::error file=journal/sessions/odd%3Aname%2C1.yaml,line=3,col=1,title=pjournal::"
                               "50%25\\r\\nconfi: unknown field '50%25\\r\\nconfi'") for line in lines)  # fmt: skip


def test_check_format_json_is_one_document(journal_copy, runner):
    journal_copy("broken")
    result = runner.invoke(cli, ["check", "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert set(report) == {"errors", "warnings", "records"}
    assert (len(report["errors"]), len(report["warnings"]), report["records"]) == (23, 1, 6)
    assert {
        "file": "journal/sessions/2026/2026-01-10-three-mistakes.yaml", "line": 9, "column": 11,
        "message": "contributions[0].kind: input should be 'research', 'structure', 'drafting', 'analysis', 'exploration', "
                   "'direction', 'context', 'refinement', 'review', 'decision' or 'other', found 'structur'",
        "severity": "error",
    } in report["errors"]  # fmt: skip
    assert all(w["severity"] == "warning" for w in report["warnings"])
    journal_copy_ok = runner.invoke(cli, ["check", str(FIXTURES / "design"), "--format", "json"])
    assert journal_copy_ok.exit_code == 0
    assert json.loads(journal_copy_ok.stdout) == {"errors": [], "warnings": [], "records": 3}


def test_check_format_json_line_unknown_is_null(tmp_path, runner, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "journal").mkdir()
    report = json.loads(runner.invoke(cli, ["check", "--format", "json"]).stdout)
    assert report["errors"] == [{
        "file": "journal/partners.yaml", "line": None, "column": None, "severity": "error",
        "message": "missing: every journal needs a partners.yaml listing its partners",
    }]  # fmt: skip


def test_pre_commit_hook_runs_check():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hooks == [{
        "id": "pjournal-check", "name": "pjournal check", "description": hooks[0]["description"],
        "entry": "pjournal check", "language": "python", "pass_filenames": False, "files": r"\.ya?ml$",
    }]  # fmt: skip
    pattern = re.compile(hooks[0]["files"])
    assert pattern.search("journal/sessions/2026/a.yaml") and pattern.search("partners.yml")
    assert not pattern.search("journal/.schema/session.json")
    assert hooks[0]["entry"].split()[1] in cli.commands


# pjournal render


def build_plain_mkdocs(docs: Path, site: Path, directory_urls: bool = True) -> None:
    """Build a folder of Markdown with MkDocs alone: its own theme, no journal plugin, strict; attr_list,
    which rendered pages need for their headings' ids."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = write(docs.parent / "mkdocs.yml", yaml.safe_dump({
        "site_name": "Rendered", "docs_dir": str(docs), "site_dir": str(site), "theme": {"name": "mkdocs"},
        "markdown_extensions": ["tables", "attr_list"], "use_directory_urls": directory_urls,
    }))  # fmt: skip
    build(load_config(str(config), strict=True))


@pytest.mark.build
def test_render_writes_the_pages_that_plain_mkdocs_builds(journal_copy, runner, tmp_path):
    root = journal_copy("design")
    result = runner.invoke(cli, ["render", "-o", "out"])
    assert result.exit_code == 0, result.output
    pages = render_site(valid(root))
    written = [p for p in Path("out").rglob("*") if p.is_file() and p.name != ".pjournal-manifest.json"]
    assert result.stdout == f"Wrote {len(written)} files to out\n"
    assert {"journal.json", "feed.xml"} <= {p.name for p in written}
    assert {p.relative_to("out").as_posix(): p.read_text() for p in Path("out").rglob("*.md")} == {
        routes.source_file(uri, True): markdown_file(page) for uri, page in pages.items()
    }
    build_plain_mkdocs(tmp_path / "out", tmp_path / "built")
    assert "Drafting the follow-up post" in (tmp_path / "built/sessions/2026-02-03-follow-up-post/index.html").read_text()
    assert broken_links(tmp_path / "built") == []


@pytest.mark.build
def test_render_for_a_site_without_directory_urls(journal_copy, runner, tmp_path):
    journal_copy("design")
    result = runner.invoke(cli, ["render", "-o", "out", "--no-directory-urls"])
    assert result.exit_code == 0, result.output
    session = Path("out/sessions/2026-02-03-follow-up-post.md").read_text()
    assert '<a href="../partners/alexa.html">Alexa</a>' in session
    build_plain_mkdocs(tmp_path / "out", tmp_path / "built", directory_urls=False)
    assert (tmp_path / "built/sessions/2026-02-03-follow-up-post.html").is_file()
    assert broken_links(tmp_path / "built") == []
    assert "sessions/2026-02-03-follow-up-post.html" in Path("out/feed.xml").read_text()


@pytest.mark.build
def test_render_with_a_prefix(journal_copy, runner, tmp_path):
    journal_copy("design")
    result = runner.invoke(cli, ["render", "journal", "-o", "docs", "--prefix", "/journal/"])
    assert result.exit_code == 0, result.output
    assert Path("docs/journal/sessions/2026-02-03-follow-up-post/index.md").is_file()
    write(tmp_path / "docs/index.md", "# Home\n\n[The journal](journal/index.md)\n")
    build_plain_mkdocs(tmp_path / "docs", tmp_path / "built")
    assert (tmp_path / "built/journal/sessions/2026-02-03-follow-up-post/index.html").is_file()
    bad = runner.invoke(cli, ["render", "-o", "elsewhere", "--prefix", "../up"])
    assert (bad.exit_code, bad.stderr) == (1, "Error: prefix '../up' must be a folder inside the site, like 'journal'\n")
    assert not Path("elsewhere").exists() and not Path("up").exists()


def test_render_refuses_a_folder_that_is_not_empty_unless_forced(journal_copy, runner):
    journal_copy("design")
    write(Path("out/keep.txt"), "mine\n")
    result = runner.invoke(cli, ["render", "-o", "out"])
    assert (result.exit_code, result.stderr) == (1, "Error: out is not empty and has no .pjournal-manifest.json (pjournal "
                                                 "did not write it); choose a new folder, or add --force to write beside "
                                                 "what is in it (none of it is deleted or overwritten)\n")  # fmt: skip
    assert [p.name for p in Path("out").iterdir()] == ["keep.txt"]
    assert runner.invoke(cli, ["render", "-o", "out", "--force"]).exit_code == 0
    assert Path("out/keep.txt").read_text() == "mine\n" and Path("out/index.md").is_file()
    assert runner.invoke(cli, ["render", "-o", "out/keep.txt", "--force"]).stderr == "Error: out/keep.txt is a file, not a folder\n"


def test_render_leaves_out_drafts_unless_asked(journal_copy, runner):
    root = journal_copy("minimal")
    path = root / "sessions/2026-01-10-outline.yaml"
    write(path, path.read_text() + "status: draft\n")
    assert runner.invoke(cli, ["render", "-o", "plain"]).exit_code == 0
    assert not Path("plain/sessions/2026-01-10-outline/index.md").exists()
    assert runner.invoke(cli, ["render", "-o", "drafts", "--drafts"]).exit_code == 0
    assert Path("drafts/sessions/2026-01-10-outline/index.md").is_file()


def test_render_of_a_broken_journal_writes_nothing(journal_copy, runner):
    journal_copy("broken")
    result = runner.invoke(cli, ["render", "-o", "out"])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "23 errors, 1 warning in 6 records"
    assert not Path("out").exists()


# pjournal stats


def test_stats_of_the_design_journal(runner):
    result = runner.invoke(cli, ["stats", str(FIXTURES / "design")])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Sessions       1\n"
        "Dates          2026-02-03\n"
        "Case studies   1\n"
        "Partners       3 (2 human, 1 AI)\n"
        "Contributions  2\n"
        "  structure    1\n"
        "  direction    1\n"
        "Disagreements  1\n"
        "  adopted      1\n"
        "Feedback       1\n"
        "  acted on     1 of 1 (100%)\n"
        "Handoffs       1\n"
        "  AI to human  1\n"
        "Lessons        2\n"
    )


def test_stats_counts_drafts_only_when_asked(site, runner):
    result = runner.invoke(cli, ["new", "-t", "A draft", "--date", "2026-03-09"])
    path = site / result.stdout.strip()
    write(path, path.read_text() + "status: draft\n")
    plain = runner.invoke(cli, ["stats"]).stdout.splitlines()
    assert plain[:2] == ["Sessions       1 (1 draft left out; --drafts counts them)", "Dates          2026-02-03"]
    assert "  acted on     1 of 2 (50%); 1 not recorded" in plain
    drafts = runner.invoke(cli, ["stats", "--drafts"]).stdout.splitlines()
    assert drafts[:2] == ["Sessions       2", "Dates          2026-02-03 to 2026-03-09"]
    assert "  other        1" in drafts


def test_stats_of_a_broken_journal(journal_copy, runner):
    journal_copy("broken")
    result = runner.invoke(cli, ["stats"])
    assert (result.exit_code, result.stdout) == (1, "")


# The command line as a whole


def test_every_command_has_an_example_and_the_group_documents_exit_codes_and_completion(runner):
    for name in cli.commands:
        help_text = runner.invoke(cli, [name, "--help"]).stdout
        assert re.search(r"^  Example: pjournal " + name, help_text, re.M), name
    group = runner.invoke(cli, ["--help"]).stdout
    assert 'eval "$(_PJOURNAL_COMPLETE=bash_source pjournal)"' in group
    assert "Exit codes: 0 success" in group and "2 a mistake in the command line" in " ".join(group.split())


def test_shell_completion_script(runner):
    result = runner.invoke(cli, [], prog_name="pjournal", env={"_PJOURNAL_COMPLETE": "bash_source"})
    assert result.exit_code == 0
    assert "_pjournal_completion" in result.stdout


@pytest.mark.build
def test_build_is_quiet_under_ci_unless_verbose(journal_copy, runner):
    journal_copy("design")
    # MkDocs' own messages; not "Documentation built in ...", which MkDocs' CLI, once run in this
    # process (test_site), filters when the same text was logged before
    loud = runner.invoke(cli, ["build"], env={"CI": None})
    assert "Building documentation to directory" in loud.stderr
    ci = runner.invoke(cli, ["build"], env={"CI": "true"})
    assert ci.exit_code == 0 and ci.stderr == ""
    assert ci.stdout == f"engine mkdocs {importlib.metadata.version('mkdocs')}\nSite written to {Path('site').absolute()}\n"
    assert "Building documentation to directory" in runner.invoke(cli, ["build", "-v"], env={"CI": "true"}).stderr
    assert runner.invoke(cli, ["build", "-q"], env={"CI": None}).stderr == ""


@pytest.mark.build
def test_serve_says_where_it_serves_before_starting(site):
    port = free_port()
    config = site / "mkdocs.yml"
    config.write_text(config.read_text() + f"dev_addr: 127.0.0.1:{port}\nsite_url: https://example.org/demo/\n")
    server = subprocess.Popen([sys.executable, "-m", "generator.cli", "serve"], cwd=site, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/demo/"
        assert server.stdout is not None and server.stdout.readline().startswith("engine mkdocs ")
        assert server.stdout.readline() == f"Serving on {url}\n"
        assert wait_for(lambda: server.poll() is not None or bool(fetch(url + "journal/")), 60)
        assert server.poll() is None, "the server came up"
        assert "Relaunching the newsletter" in fetch(url + "journal/")
    finally:
        stop(server, signal.SIGINT, seconds=20)


def test_check_warns_when_a_records_schema_line_does_not_resolve(site, runner):
    """A record moved one folder deeper keeps `../../.schema/session.json`: editors would check nothing."""
    record = site / "journal/sessions/2026/2026-02-03-planning-the-first-issue.yaml"
    moved = site / "journal/sessions/2026/02/2026-02-03-planning-the-first-issue.yaml"
    moved.parent.mkdir()
    record.rename(moved)
    check = runner.invoke(cli, ["check"])
    assert check.exit_code == 0 and check.stdout == "0 errors, 1 warning in 3 records\n"
    assert check.stderr == (
        "journal/sessions/2026/02/2026-02-03-planning-the-first-issue.yaml:1:33: warning: $schema: the "
        "yaml-language-server line names ../../.schema/session.json, which is not there, so editors check nothing "
        "in this file; from here the journal's schema is ../../../.schema/session.json\n"
    )
    edit(moved, "$schema=../../.schema/", "$schema=../../../.schema/")
    assert runner.invoke(cli, ["check"]).stdout == "0 errors, 0 warnings in 3 records\n"
