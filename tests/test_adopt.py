"""`pjournal init .` in a repository that has a Material site already (a blog, tags, its own
nav, comments, MkDocs' own tags): the journal joins it, and nothing that was there is lost."""

from __future__ import annotations

import difflib
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.adopt import AdoptError, add_plugin, merge_schemas, read_config
from generator.cli import cli
from generator.load import load_journal
from generator.scaffold import editor_schemas
from helpers import write

MKDOCS_YML = """\
# The team's handbook
site_name: Team handbook
site_url: https://example.org/handbook/

theme:
  name: material
  font: false
  features:
    - navigation.indexes   # sections open their index page

nav:
  - Home: index.md
  - Guide: guide.md
  - Blog:
      - blog/index.md

plugins:
  - search:
      lang: en
  - blog          # posts in docs/blog/posts
  - tags

markdown_extensions:
  - toc:
      permalink: true
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
extra:
  analytics: !ENV [ANALYTICS_KEY, "none"]
"""
FILES = {
    "mkdocs.yml": MKDOCS_YML,
    "docs/index.md": "# Team handbook\n\nWelcome :smile:\n",
    "docs/guide.md": "---\ntags:\n  - howto\n---\n# Guide\n\nHow we work.\n",
    "docs/blog/index.md": "# Blog\n",
    "docs/blog/posts/first.md": "---\ndate: 2026-01-15\ncategories:\n  - News\n---\n# First post\n\nHello.\n",
    ".gitignore": "node_modules/\n*.pyc",
    ".vscode/settings.json": '{\n    "editor.rulers": [100],\n    "yaml.schemas": {"other.json": "other/*.yaml"}\n}\n',
}


@pytest.fixture
def handbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for path, text in FILES.items():
        write(tmp_path / path, text)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def only_inserted(before: str, after: str) -> list[str]:
    """The lines added; fails if any line that was there changed, moved or went."""
    matcher = difflib.SequenceMatcher(None, before.splitlines(), after.splitlines(), autojunk=False)
    assert {op for op, *_ in matcher.get_opcodes()} <= {"equal", "insert"}, list(matcher.get_opcodes())
    return [line for op, _, _, j1, j2 in matcher.get_opcodes() if op == "insert" for line in after.splitlines()[j1:j2]]


def test_dry_run_lists_and_shows_the_changes_and_writes_nothing(handbook, runner):
    before = tree(handbook)
    result = runner.invoke(cli, ["init", ".", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert tree(handbook) == before
    lines = result.stdout.splitlines()
    assert lines[0] == "Would change mkdocs.yml: added the partnership-journal plugin"
    assert "+  - partnership-journal:" in lines and "Would write .github/workflows/journal.yml" in lines
    assert "Would change .gitignore: added site/" in lines
    assert "Would change .vscode/settings.json: added the schemas to yaml.schemas" in lines


@pytest.mark.build
def test_a_material_site_with_a_blog_adopts_the_journal_and_builds_strict(handbook, runner):
    result = runner.invoke(cli, ["init", "."])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Changed mkdocs.yml: added the partnership-journal plugin",
        "Wrote journal/partners.yaml",
        "Wrote journal/case-studies/newsletter-relaunch.yaml",
        "Wrote journal/sessions/2026/2026-02-03-planning-the-first-issue.yaml",
        "Wrote journal/.schema/session.json",
        "Wrote journal/.schema/partners.json",
        "Wrote journal/.schema/case-study.json",
        "Wrote .github/workflows/journal.yml",
        "Changed .gitignore: added site/",
        "Changed .vscode/settings.json: added the schemas to yaml.schemas",
        "Next: pjournal serve",
    ]
    config = (handbook / "mkdocs.yml").read_text()
    assert only_inserted(MKDOCS_YML, config) == [
        "  - partnership-journal:", "      journal_dir: journal", "      prefix: journal",
    ]  # fmt: skip
    for path in ("docs/index.md", "docs/guide.md", "docs/blog/index.md", "docs/blog/posts/first.md"):
        assert (handbook / path).read_text() == FILES[path]
    assert (handbook / ".gitignore").read_text() == "node_modules/\n*.pyc\n\n# The built site (pjournal build)\nsite/\n"
    settings = json.loads((handbook / ".vscode/settings.json").read_text())
    assert settings["editor.rulers"] == [100] and settings["yaml.schemas"]["other.json"] == "other/*.yaml"
    assert settings["yaml.schemas"]["journal/.schema/session.json"] == ["journal/sessions/**/*.yaml",
                                                                         "journal/sessions/**/*.yml"]  # fmt: skip

    check = runner.invoke(cli, ["check"])
    assert (check.exit_code, check.stdout) == (0, "0 errors, 0 warnings in 3 records\n")
    build = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=handbook, capture_output=True,
                           text=True, timeout=300, env={**__import__("os").environ, "NO_MKDOCS_2_WARNING": "1"})  # fmt: skip
    assert build.returncode == 0, build.stderr
    site = handbook / "site"
    assert "How we work." in (site / "guide/index.html").read_text()
    assert "First post" in (site / "blog/index.html").read_text()
    assert (site / "blog/2026/01/15/first-post/index.html").is_file()
    assert "howto" in (site / "guide/index.html").read_text()  # the tags plugin still runs
    session = site / "journal/sessions/2026-02-03-planning-the-first-issue/index.html"
    assert "Planning the first issue" in session.read_text()
    assert "Journal" in (site / "index.html").read_text()  # in the sidebar with the site's own pages

    again = runner.invoke(cli, ["init", "."])
    assert again.exit_code == 0 and [line.split(":")[0] for line in again.stdout.splitlines()[:-1]] == [
        "Left mkdocs.yml", "Left journal/", "Left .github/workflows/journal.yml", "Left .gitignore",
        "Left .vscode/settings.json",
    ]  # fmt: skip


def test_a_workflow_that_builds_the_site_is_left_and_the_note_says_what_to_add(handbook, runner):
    own = "on: push\njobs:\n  d:\n    runs-on: ubuntu-latest\n    steps:\n      - run: mkdocs gh-deploy --force\n"
    write(handbook / ".github/workflows/docs.yml", own)
    result = runner.invoke(cli, ["init", "."])
    assert result.exit_code == 0, result.output
    assert "Wrote .github/workflows/journal.yml" in result.stdout.splitlines()
    note = next(line for line in result.stderr.splitlines() if "workflows" in line)
    assert note.startswith("note: .github/workflows/docs.yml builds the site already, so .github/workflows/journal.yml "
                           "only checks and builds it: add ")  # fmt: skip
    assert note.endswith("to .github/workflows/docs.yml, so that the site it publishes has the journal")
    assert (handbook / ".github/workflows/docs.yml").read_text() == own
    assert "deploy" not in yaml.safe_load((handbook / ".github/workflows/journal.yml").read_text())["jobs"]


def test_an_existing_journal_keeps_its_records_and_gets_its_schemas(handbook, runner):
    write(handbook / "journal/partners.yaml", "- {id: ann, name: Ann, kind: human}\n")
    result = runner.invoke(cli, ["init", "."])
    assert "Left journal/: it has records: no sample added" in result.stdout.splitlines()
    assert sorted(p.name for p in (handbook / "journal").rglob("*") if p.is_file()) == [
        "case-study.json", "partners.json", "partners.yaml", "session.json",
    ]  # fmt: skip


def test_settings_with_comments_are_never_rewritten(handbook, runner):
    text = '{\n  // mine\n  "editor.rulers": [100],\n}\n'
    write(handbook / ".vscode/settings.json", text)
    result = runner.invoke(cli, ["init", "."])
    note = next(line for line in result.stdout.splitlines() if "settings.json" in line)
    assert note.startswith("Left .vscode/settings.json: it has comments or is not plain JSON, so it is not rewritten; "
                           'add to it: {"yaml.schemas": {"journal/.schema/session.json": ')  # fmt: skip
    assert (handbook / ".vscode/settings.json").read_text() == text


@pytest.mark.parametrize("text", [
    "site_name: x\nplugins:\n- search\n- tags\nextra: {}\n",               # items at the key's column
    "site_name: x\r\nplugins:\r\n  - search\r\n",                         # Windows line ends
    "site_name: x\nplugins:\n  search: {}\n  tags:\n    enabled: true\n",  # the mapping form
    "site_name: x\nplugins:\n  - search\n  # - offline\n\n# the end\n",    # comments after the last plugin
    "site_name: x\nplugins:\n    -   search:\n            lang: en\n",      # wide indentation
    "site_name: x",                                                        # no plugins, no final newline
])  # fmt: skip
def test_the_plugin_is_added_without_changing_a_byte_of_the_rest(text):
    new = add_plugin(text, {"journal_dir": "journal", "prefix": "journal"})
    added = only_inserted(text, new)
    assert added and any("partnership-journal:" in line for line in added)
    config = read_config(new)
    plugins = config["plugins"]
    options = plugins["partnership-journal"] if isinstance(plugins, dict) else plugins[-1]["partnership-journal"]
    assert options == {"journal_dir": "journal", "prefix": "journal"}
    assert yaml.safe_load(new.replace("\r\n", "\n"))["site_name"] == "x"


@pytest.mark.parametrize("text", ["plugins: [search]\n", "plugins: []\n", "- a list\n", "a: [\n"])
def test_a_config_that_cannot_be_edited_safely_is_refused(text):
    with pytest.raises(AdoptError):
        add_plugin(text, {"journal_dir": "journal"})


def test_settings_keep_every_key_and_glob():
    schemas = editor_schemas("journal")
    merged = json.loads(merge_schemas('{"a": 1, "yaml.schemas": {"journal/.schema/session.json": "x/*.yaml"}}',
                                      schemas))  # fmt: skip
    assert merged["a"] == 1
    assert merged["yaml.schemas"]["journal/.schema/session.json"] == ["x/*.yaml", *schemas["journal/.schema/session.json"]]
    assert merge_schemas(json.dumps({"yaml.schemas": schemas}), schemas) is None


def test_the_globs_find_records_at_any_depth(handbook, runner):
    """The editor's globs say what load.py reads: every record of the example journal matches one."""
    assert runner.invoke(cli, ["init", "."]).exit_code == 0
    write(handbook / "journal/sessions/2026/02/deep/moved.yml", "title: x\n")
    schemas = editor_schemas("journal")
    raw = load_journal(handbook / "journal")
    for record in raw.records():
        relative = record.path.relative_to(handbook)
        globs = schemas[f"journal/.schema/{record.kind}.json"]
        assert any(relative.full_match(glob) if hasattr(relative, "full_match") else _glob(relative, glob)
                   for glob in globs), relative  # fmt: skip


def _glob(path: Path, glob: str) -> bool:
    """`**` as VS Code reads it (any number of folders, none too), for Pythons before Path.full_match."""
    import re

    pattern = re.escape(glob).replace(r"\*\*/", "(?:.*/)?").replace(r"\*", "[^/]*")
    return re.fullmatch(pattern, path.as_posix()) is not None


def test_a_new_zensical_site_runs_its_workflow_on_the_branch_of_its_repository(tmp_path, runner, monkeypatch):
    """`init --engine zensical` of a new folder inside a repository on `trunk`: its workflow runs on pushes there."""
    assert subprocess.run(["git", "init", "-q", "-b", "trunk", str(tmp_path)], capture_output=True).returncode == 0
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["init", "--engine", "zensical", "handbook"])
    assert result.exit_code == 0, result.output
    workflow = yaml.safe_load((tmp_path / "handbook/.github/workflows/journal.yml").read_text(encoding="utf-8"))
    assert workflow[True]["push"]["branches"] == ["trunk"]  # PyYAML reads the key `on` as True
