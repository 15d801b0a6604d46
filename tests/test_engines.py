"""The journal on each engine, each in a virtualenv of its own (conftest's `venvs`): MkDocs (the suite's
own, at the pinned versions), ProperDocs (no MkDocs installed), Zensical (no MkDocs either). Built,
rendered with both URL styles, and served."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from conftest import PINS, ROOT
from generator import engines
from generator.analyze import published
from generator.output import markdown_headings
from helpers import broken_links, edit, fetch, free_port, stop, valid, wait_for, write

SESSIONS = sorted(s.id for s in published(valid(ROOT / "journal"), False).sessions)
SESSION = "2025-09-09-first-week-of-nodule-flags"


def pjournal(python: Path) -> list[str]:
    """pjournal with a virtualenv's python, on this checkout's code (PYTHONPATH): the module, since a venv
    layered on the suite's packages has no console script of its own."""
    return [str(python), "-m", "generator.cli"]


def run(python: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """pjournal of a virtualenv, on this checkout's code."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", "CI": "true"}
    return subprocess.run([*pjournal(python), *args], cwd=cwd, env=env, capture_output=True, text=True)


def example_site(engine: str, python: Path, folder: Path) -> Path:
    """The example journal as a site of each kind: the repository's mkdocs.yml (MkDocs), a properdocs.yml
    with ProperDocs' own theme (Material needs MkDocs), a site from `pjournal init --engine zensical`."""
    if engine == "zensical":
        assert run(python, "init", "--engine", "zensical", str(folder), cwd=folder.parent).returncode == 0
        shutil.rmtree(folder / "journal")
    else:
        shutil.copytree(ROOT / "docs", folder / "docs")
    shutil.copytree(ROOT / "journal", folder / "journal")
    if engine == "mkdocs":
        shutil.copy(ROOT / "mkdocs.yml", folder / "mkdocs.yml")
    if engine == "properdocs":
        config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
        config["theme"] = {"name": "mkdocs"}
        config["plugins"] = ["search", {"partnership-journal": {"journal_dir": "journal", "prefix": "journal"}}]
        write(folder / "properdocs.yml", yaml.safe_dump(config))
    return folder


def sidebar(html: str) -> str:
    """The site's navigation of a page (Material's primary sidebar, or the mkdocs theme's navbar)."""
    if "md-nav--primary" in html:
        return html.split("md-nav--primary", 1)[1].split("md-nav--secondary", 1)[0]
    return html.split('class="nav navbar-nav"', 1)[1].split("navbar-nav ms-md-auto", 1)[0]


def toc(html: str) -> list[str]:
    """The anchors a page's table of contents links to."""
    part = html.split("md-nav--secondary", 1)[1] if "md-nav--secondary" in html else html.split("bs-sidebar", 1)[1]
    part = part.split('role="main"', 1)[0].split('class="md-content"', 1)[0]
    return re.findall(r'href="#([^"]+)"', part)


def check_site(site: Path, prefix: str = "journal") -> None:
    """Journal pages, no broken internal link or anchor, a session page's table of contents, no session in
    the sidebar."""
    pages = site / prefix
    assert {p.name for p in (pages / "sessions").iterdir() if p.is_dir()} == set(SESSIONS)
    assert broken_links(site) == []
    html = (pages / f"sessions/{SESSION}/index.html").read_text()
    assert {"partners", "contributions"} <= set(toc(html))
    assert re.search(r'href="[^"#]*sessions/20', sidebar(html)) is None, "a session is in the sidebar"
    assert re.search(r">\s*Sessions\s*<", sidebar(html)), "the sessions index is"
    print(f"{site}: {len(list(pages.rglob('*.html')))} journal pages, sidebar of {sidebar(html).count('<a ')} links, "
          f"table of contents of {len(toc(html))}")  # the figures, for the report (-s)


@pytest.mark.parametrize("engine", list(PINS))
@pytest.mark.build
def test_pjournal_build_publishes_the_example_on_each_engine(engine, venvs, tmp_path):
    site = example_site(engine, venvs[engine], tmp_path / "example")
    result = run(venvs[engine], "build", cwd=site)
    assert result.returncode == 0, result.stdout + result.stderr
    version = PINS[engine][0].split("==")[1]
    assert result.stdout.splitlines()[0] == f"engine {engine} {version}"
    check_site(site / "site")
    if engine == "properdocs":  # MkDocs is not installed: ProperDocs answers the plugin's imports
        plugin = subprocess.run([str(venvs[engine]), "-c", "import generator.plugin, mkdocs; "
                                 "print(mkdocs.__name__)"], env={**os.environ, "PYTHONPATH": str(ROOT)},
                                capture_output=True, text=True)  # fmt: skip
        assert plugin.stdout == "properdocs\n", plugin.stderr
        check = run(venvs[engine], "check", cwd=site)
        assert check.returncode == 0 and "note:" not in check.stderr


@pytest.mark.build
def test_a_site_listing_the_plugin_built_by_zensical_is_told(venvs, tmp_path):
    """The repository's mkdocs.yml on Zensical: the plugin would be ignored without a word."""
    site = tmp_path / "example"
    shutil.copytree(ROOT / "journal", site / "journal")
    shutil.copytree(ROOT / "docs", site / "docs")
    shutil.copy(ROOT / "mkdocs.yml", site / "mkdocs.yml")
    for command in (["check"], ["build"]):
        result = run(venvs["zensical"], *command, cwd=site)
        assert result.returncode == 0, result.stderr
        assert ("note: mkdocs.yml lists the 'partnership-journal' plugin, but Zensical runs no third-party plugins"
                in result.stderr)  # fmt: skip
    assert "note: mkdocs.yml leaves out the journal; add the journal's compact section: nav: " in result.stderr
    assert (site / "site/journal/sessions" / SESSION / "index.html").is_file()


@pytest.mark.build
def test_zensical_build_refuses_a_docs_folder_it_did_not_write(venvs, tmp_path):
    site = example_site("zensical", venvs["zensical"], tmp_path / "example")
    write(site / "docs/journal/mine.md", "# Mine\n")
    result = run(venvs["zensical"], "build", cwd=site)
    assert result.returncode == 1
    assert "docs/journal is not empty and has no .pjournal-manifest.json" in result.stderr
    assert (site / "docs/journal/mine.md").read_text() == "# Mine\n" and not (site / "site").exists()


@pytest.mark.build
@pytest.mark.parametrize("directory_urls", [True, False], ids=["directory-urls", "html-urls"])
@pytest.mark.parametrize("engine", list(PINS))
def test_render_output_builds_on_each_engine_with_both_url_styles(engine, directory_urls, venvs, tmp_path):
    """render -o's pages with no plugin, under the nav output.sidebar gives: one contract for every engine."""
    python = venvs[engine]
    style = [] if directory_urls else ["--no-directory-urls"]
    write(tmp_path / "docs/index.md", "# Home\n")
    result = run(python, "render", str(ROOT / "journal"), "-o", "docs", "--prefix", "journal", *style, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    nav = subprocess.run([sys.executable, "-c", "import json, sys; from pathlib import Path; "
                          "from generator.output import sidebar; from generator.render import render_site; "
                          "from generator.load import load_journal; from generator.validate import validate; "
                          f"print(json.dumps(sidebar(render_site(validate(load_journal(Path({str(ROOT / 'journal')!r}))), "
                          f"directory_urls={directory_urls}), 'journal', {directory_urls})))"],
                         capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout  # fmt: skip
    config = {"site_name": "Rendered", "use_directory_urls": directory_urls, "nav": ["index.md", *json.loads(nav)],
              "theme": {"name": "mkdocs" if engine == "properdocs" else "material"},
              "markdown_extensions": [{"toc": {"permalink": True}}, "attr_list", "tables"]}  # fmt: skip
    write(tmp_path / "mkdocs.yml", yaml.safe_dump(config))
    build = [str(python), "-m", {"zensical": "zensical.main"}.get(engine, engine), "build"]
    done = subprocess.run(build, cwd=tmp_path, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
    assert done.returncode == 0, done.stderr[-3000:]
    site = tmp_path / "site"
    assert broken_links(site) == []
    page = site / "journal/sessions" / (f"{SESSION}/index.html" if directory_urls else f"{SESSION}.html")
    html = page.read_text()
    assert {"partners", "contributions"} <= set(toc(html))
    assert 'class="headerlink" href="#contributions"' in html, "permalinks"
    assert re.search(r'href="[^"#]*sessions/20', sidebar(html)) is None


@pytest.mark.build
@pytest.mark.parametrize("engine", list(PINS))
def test_serve_follows_a_record_edit_on_each_engine(engine, venvs, tmp_path):
    site = example_site(engine, venvs[engine], tmp_path / "example")
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    server = subprocess.Popen([*pjournal(venvs[engine]), "serve", "-a", f"127.0.0.1:{port}"], cwd=site, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)  # fmt: skip
    url = f"http://127.0.0.1:{port}/journal/sessions/{SESSION}/"
    record = next((site / "journal/sessions").rglob(f"{SESSION}.yaml"))
    try:
        assert server.stdout is not None and server.stdout.readline().startswith(f"engine {engine} ")
        assert wait_for(lambda: server.poll() is not None or "First week of nodule flags" in fetch(url), 90)
        assert server.poll() is None, "the server came up"
        time.sleep(1)  # the engine's watcher settles after its first build
        started = time.monotonic()
        edit(record, "title: First week of nodule flags on screening CTs", "title: Edited while served")
        assert wait_for(lambda: "Edited while served" in fetch(url), 60), "the edit reached the served page"
        print(f"{engine}: edit to page {time.monotonic() - started:.2f} s")  # the figure, for the report (-s)
        # a bad edit: the last good page stays, with the journal's errors at its top; fixed, they go
        edit(record, "title: Edited while served", "title: [unclosed")
        assert wait_for(lambda: "The journal has 1 error;" in fetch(url), 60), "the error is shown on the page"
        assert "Edited while served" in fetch(url)
        edit(record, "title: [unclosed", "title: Fixed while served")
        assert wait_for(lambda: "Fixed while served" in (page := fetch(url)) and "The journal has" not in page, 60)
        if engine == "zensical":  # the page of a deleted session goes too
            record.unlink()
            gone = site / "docs/journal/sessions" / SESSION / "index.md"
            assert wait_for(lambda: not gone.exists(), 30)
    finally:
        stop(server, signal.SIGINT, seconds=20)


def test_engine_of_a_folder_follows_its_config_and_what_is_installed(tmp_path):
    assert engines.find_config(tmp_path) is None
    write(tmp_path / "mkdocs.yml", "site_name: x\n")
    assert engines.find_config(tmp_path) == tmp_path / "mkdocs.yml"
    assert engines.choose(tmp_path / "mkdocs.yml", None) is engines.MKDOCS  # installed here
    write(tmp_path / "zensical.toml", "[project]\n")
    assert engines.find_config(tmp_path) == tmp_path / "zensical.toml"
    assert engines.plugin_settings({"plugins": ["search", {"partnership-journal": {"prefix": "j"}}]},
                                   "partnership-journal") == {"prefix": "j"}  # fmt: skip
    assert engines.plugin_settings({"plugins": {"partnership-journal": {}}}, "partnership-journal") == {}
    assert engines.plugin_settings({"plugins": ["search"]}, "partnership-journal") is None


def test_markdown_headings_keep_ids_and_never_make_markup_of_text():
    body = '<h2 id="a-b">Fix \\[x\\](javascript:alert(1)) *now* <code>a_b</code> &amp; :smile:</h2>\n<p>x</p>\n'
    assert markdown_headings(body) == (
        "\n## Fix &#92;&#91;x&#92;&#93;&#40;javascript&#58;alert&#40;1&#41;&#41; &#42;now&#42; <code>a&#95;b</code> "
        "&amp; &#58;smile&#58; {#a-b}\n\n<p>x</p>\n"
    )
