"""The plugin beside what real sites run: plugin order, Material versions, popular plugins, ProperDocs.

Sites other than the suite's own environment build in virtualenvs (conftest's `venvs`, described in
its VENVS), made once a run in the background from the first test on. A venv that only adds packages
to the suite's (another Material, the plugins) reads the suite's site-packages after its own, so it
installs only what differs and runs this working tree's code; ProperDocs gets a venv of its own,
since it must run without MkDocs.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import needs_tool
from helpers import edit, write
from mkdocs.__main__ import cli as mkdocs_cli
from test_site import sidebar_links, stranger_site

pytestmark = pytest.mark.build

SESSION = "journal/sessions/2026-02-03-follow-up-post/"
#: The sections of the session page that search must find, by their anchors.
SECTIONS = ("partners", "contributions", "feedback")
#: The journal's top pages, which the sidebar's compact "Journal" section lists.
TOP = ("journal/", "journal/sessions/", "journal/ledger/")

#: No MkDocs 2 notice from the plugins that print one, in a subprocess's output.
QUIET = {"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}


@pytest.fixture(scope="session")
def plugins(venvs):
    return venvs["plugins"]


@pytest.fixture(scope="session")
def properdocs(venvs):
    return venvs["properdocs"]


def build(python: Path, site: Path, engine: str = "mkdocs", env: dict[str, str] | None = None) -> str:
    """`<engine> build --strict` of `site` with a venv's python; its output, after asserting it passed."""
    run = subprocess.run([python, "-m", engine, "build", "--strict"], cwd=site, check=False, capture_output=True, text=True,
                         env={**os.environ, **QUIET, **(env or {})}, timeout=300)  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout + run.stderr


def plugins_site(tmp_path: Path, plugins: str) -> Path:
    """The example-like site (the design journal) with `plugins:` as given."""
    site = stranger_site(tmp_path)
    text = (site / "mkdocs.yml").read_text()
    write(site / "mkdocs.yml", text[: text.index("plugins:")] + f"plugins:\n{plugins}\n")
    return site


def read(site: Path, page: str) -> str:
    return (site / "site" / page / "index.html").read_text(encoding="utf-8")


def search_locations(site: Path) -> set[str]:
    index = json.loads((site / "site/search/search_index.json").read_text(encoding="utf-8"))
    return {doc["location"] for doc in index["docs"]}


def assert_journal(site: Path) -> None:
    """The journal's pages built, in search (the session page and its sections), and in the sidebar's
    compact "Journal" section, which lists no session."""
    for page in (*TOP, SESSION, "journal/partners/alexa/"):
        assert (site / "site" / page / "index.html").is_file(), page
    found = search_locations(site)
    assert {SESSION, *(f"{SESSION}#{s}" for s in SECTIONS), "journal/partners/alexa/"} <= found, sorted(found)
    # Lists of records shown elsewhere stay out: search finds the records on their sessions' pages.
    listed = ("journal/counts/", "journal/years/", "journal/lessons/communication/", "journal/ledger/2026/")
    assert not [place for place in found if place.startswith(listed)], sorted(found)
    session = re.sub(
        r"<a href=([^\"\s>]+) class=md-nav__link", r'<a href="\1" class="md-nav__link', read(site, SESSION)
    )
    links = sidebar_links(session, SESSION.rstrip("/"))  # the quotes minified HTML leaves out, put back
    assert set(TOP) <= set(links), links
    assert not any(link.startswith("journal/sessions/2") for link in links), "no session in the sidebar"
    assert re.search(r"md-nav__link[^>]*>\s*(<span[^>]*>\s*)?Journal\b", session), "a 'Journal' section"


# 1. Plugin order, in the suite's own (newest) Material.

BLOG = "docs/blog/posts/hello.md"
#: Ours first, in the middle and last, beside search, tags and Material's blog: each plugin before and after ours.
ORDERS = {
    "first": ["partnership-journal", "search", "tags", "blog"],
    "middle": ["search", "partnership-journal", "blog", "tags"],
    "last": ["tags", "blog", "search", "partnership-journal"],
}


@pytest.mark.parametrize("order", ORDERS)
def test_plugin_order(tmp_path, runner, monkeypatch, order):
    site = plugins_site(tmp_path, "\n".join(f"  - {name}" for name in ORDERS[order]))
    write(site / "docs/guide.md", "---\ntags: [handbook]\n---\n# Guide\n")
    write(site / "docs/blog/index.md", "# Blog\n")
    write(site / BLOG, "---\ndate: 2026-01-02\n---\n# Hello\n\nFirst post.\n<!-- more -->\nMore.\n")
    monkeypatch.chdir(site)
    result = runner.invoke(mkdocs_cli, ["build", "--strict"])
    assert result.exit_code == 0, result.output
    assert_journal(site)
    assert "handbook" in read(site, "guide/"), "the tags plugin tagged the site's page"
    assert "First post." in read(site, "blog/2026/01/02/hello/"), "the blog plugin published its post"
    assert "First post." in read(site, "blog/"), "and listed it"


# 2. The oldest Material the package allows and the version a real site pins (the newest is test 1's).


@pytest.mark.parametrize("venv, version", [("material_95", "9.5.0"), ("material_96", "9.6.18")])
def test_material_versions(venvs, tmp_path, venv, version):
    site = plugins_site(tmp_path, "  - search\n  - partnership-journal")
    build(venvs[venv], site)
    assert f"mkdocs-material-{version}" in read(site, SESSION), "built by the Material asked for"
    assert_journal(site)


# 3. Popular plugins beside ours, in one venv.

GIT_PLUGINS = "  - search\n  - partnership-journal\n  - git-revision-date-localized\n  - git-authors"
#: git-authors 0.10.0 blames every page in `on_page_context`, a generated page with no source too
#: (its `on_files` skips those): its own `strict: false` makes that one line an info, not a warning.
GIT_AUTHORS_NOT_STRICT = GIT_PLUGINS + ":\n      strict: false"


def git(site: Path, *args: str, who: str = "", when: str = "") -> None:
    """A git command in the site, as the person `who` ("Name <email>") at `when` (ISO date)."""
    name, _, email = who.partition(" <")
    person = {"NAME": name, "EMAIL": email.rstrip(">"), "DATE": when}
    env = {f"GIT_{role}_{key}": value for role in ("AUTHOR", "COMMITTER") for key, value in person.items()}
    subprocess.run(["git", *args], cwd=site, check=True, capture_output=True,
                   env={**os.environ, **(env if who else {})})  # fmt: skip


def git_site(tmp_path: Path, plugins: str) -> Path:
    """A site in a git repository: its docs committed by one person, a year later its journal by another."""
    if shutil.which("git") is None:
        needs_tool("git is needed for the git plugins (apt-get install git)")
    site = plugins_site(tmp_path, plugins)
    git(site, "init", "-q", "-b", "main")
    git(site, "add", "mkdocs.yml", "docs")
    git(site, "commit", "-q", "-m", "docs", who="Grace Hopper <grace@example.org>", when="2023-01-02T10:00:00+00:00")
    git(site, "add", "journal")
    git(site, "commit", "-q", "-m", "journal", who="Ada Lovelace <ada@example.org>", when="2024-05-06T10:00:00+00:00")
    return site


def test_git_revision_date_and_authors_read_a_records_history(plugins, tmp_path):
    """A journal page takes its date and authors from its record's commits, not the site's."""
    site = git_site(tmp_path, GIT_AUTHORS_NOT_STRICT)
    build(plugins, site)
    session = read(site, SESSION)
    assert "May 6, 2024" in session and "Ada Lovelace" in session, "the record's commit"
    assert "Grace Hopper" not in session and "January 2, 2023" not in session
    guide = read(site, "guide/")
    assert "January 2, 2023" in guide and "Grace Hopper" in guide, "the site's own page keeps its history"
    assert_journal(site)


def test_git_authors_strict_with_a_page_that_has_no_record(plugins, tmp_path):
    """The overview (no record of its own) under git-authors' own default `strict: true`: git-authors
    blames every page's source file, and a page of the whole journal names partners.yaml as its own."""
    site = git_site(tmp_path, GIT_PLUGINS)
    build(plugins, site)
    overview = (site / "site/journal/index.html").read_text(encoding="utf-8")
    assert "edit/main" not in overview, "a page of the whole journal has no edit link"


#: Plugins that each change pages in their own way, in one site: one build asserts each one's effect.
MANY = """  - search
  - macros
  - partnership-journal
  - redirects:
      redirect_maps:
        old-log.md: journal/sessions/2026-02-03-follow-up-post.md
  - glightbox
  - mkdocstrings
  - minify:
      minify_html: true"""
#: A one-pixel PNG, for glightbox to wrap.
PIXEL = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                      "1f15c4890000000d49444154789c6360f8ffff3f0005fe02fea7d6a4"
                      "d20000000049454e44ae426082")  # fmt: skip


def test_macros_redirects_glightbox_mkdocstrings_and_minify(plugins, tmp_path):
    site = plugins_site(tmp_path, MANY)
    notes = "Literal {{ 7*6 }} and {% raw %} stay text."
    edit(site / "journal/sessions/2026-02-03-follow-up-post.yaml", "Free Markdown narrative.", notes)
    write(site / "docs/index.md", "# Our team docs\n\nThe answer is {{ 6*7 }}.\n")
    write(site / "docs/guide.md", "# Guide\n\n![A diagram](pic.png)\n")
    (site / "docs/pic.png").write_bytes(PIXEL)
    write(site / "docs/api.md", "# API\n\n::: json\n")
    build(plugins, site)
    assert "The answer is 42." in read(site, ""), "macros runs on the site's pages"
    session = html.unescape(read(site, SESSION))
    paragraph = session[session.index("Literal") :][:80]
    assert paragraph.startswith(notes) and "42" not in paragraph, "a record's text is never a template"
    redirect = (site / "site/old-log/index.html").read_text()
    assert 'href="../journal/sessions/2026-02-03-follow-up-post/"' in redirect, "redirects finds the journal page"
    assert re.search(r'<a class="?glightbox', read(site, "guide/")) and "lightbox.reload" in session, "glightbox"
    assert "JSON (JavaScript Object Notation)" in read(site, "api/"), "mkdocstrings documents the module"
    assert read(site, "journal/").count("\n") < 40 and session.startswith("<!DOCTYPE html><html"), "minified"
    assert_journal(site)


# Navigation plugins: the site's own nav, from a file of its own.


def test_literate_nav(plugins, tmp_path):
    """A SUMMARY.md nav without the journal: the journal's section is added to it."""
    site = plugins_site(tmp_path, "  - search\n  - literate-nav\n  - partnership-journal")
    write(site / "docs/SUMMARY.md", "* [Welcome](index.md)\n* [The guide](guide.md)\n")
    build(plugins, site)
    home = read(site, "")
    assert "The guide" in home, "literate-nav's titles"
    assert_journal(site)


def test_literate_nav_that_lists_journal_pages(plugins, tmp_path):
    """A SUMMARY.md that lists journal pages itself keeps its nav and its titles for them."""
    site = plugins_site(tmp_path, "  - search\n  - literate-nav\n  - partnership-journal")
    write(site / "docs/SUMMARY.md", "* [Welcome](index.md)\n* [Our log](journal/index.md)\n")
    build(plugins, site)
    home = read(site, "")
    assert sidebar_links(home, ".") == ["./", "journal/"] and "Our log" in home


@pytest.mark.parametrize("order", ["before", "after"])
def test_awesome_nav(plugins, tmp_path, order):
    """A .nav.yml that orders the site's pages: the journal's section is still there, in either order."""
    pair = ["awesome-nav", "partnership-journal"]
    site = plugins_site(
        tmp_path, "  - search\n" + "".join(f"  - {p}\n" for p in (pair if order == "after" else pair[::-1]))
    )
    write(site / "docs/.nav.yml", "nav:\n  - The guide: guide.md\n  - index.md\n")
    build(plugins, site)
    home = read(site, "")
    assert "The guide" in home and sidebar_links(home, ".")[:2] == ["guide/", "./"], "awesome-nav's order"
    assert_journal(site)


# 4. ProperDocs, without MkDocs, with its own theme.


def test_properdocs_with_its_own_theme(properdocs, tmp_path):
    site = stranger_site(tmp_path)
    (site / "mkdocs.yml").unlink()
    write(
        site / "properdocs.yml",
        "site_name: Team docs\ntheme:\n  name: mkdocs\nplugins:\n  - search\n  - partnership-journal\n",
    )
    build(properdocs, site, engine="properdocs")
    no_mkdocs = subprocess.run([properdocs, "-c", "import mkdocs"], check=False, capture_output=True)
    assert no_mkdocs.returncode == 1, "ProperDocs alone, without MkDocs"
    for page in (*TOP, SESSION):
        assert (site / "site" / page / "index.html").is_file(), page
    assert {SESSION, *(f"{SESSION}#{s}" for s in SECTIONS)} <= search_locations(site)
    home = read(site, "")
    assert re.search(r"dropdown-toggle[^>]*>\s*Journal\s*<", home), "the theme's nav has the Journal section"
    assert "2026-02-03-follow-up-post" not in home, "no session in it"
