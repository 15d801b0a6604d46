"""Real MkDocs builds and a real `serve`: the plugin in a stranger's site, the project's own site."""

from __future__ import annotations

import logging
import logging.handlers
import os
import posixpath
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.__main__ import cli as mkdocs_cli

from generator.cli import cli
from helpers import broken_links, edit, fetch, free_port, stop, wait_for, write

from conftest import FIXTURES, ROOT

#: Real sites built and served: left out of the fast loop (see README, Development).
pytestmark = pytest.mark.build


def stranger_site(tmp_path: Path, plugin: str = "- partnership-journal", extra: str = "") -> Path:
    """Someone else's MkDocs site with docs of its own, adding the plugin to its mkdocs.yml."""
    write(tmp_path / "docs/index.md", "# Our team docs\n\nWelcome.\n")
    write(tmp_path / "docs/guide.md", "# Guide\n")
    shutil.copytree(FIXTURES / "design", tmp_path / "journal")
    write(
        tmp_path / "mkdocs.yml",
        "site_name: Team docs\nrepo_url: https://example.org/team/docs\nedit_uri: edit/main/docs/\n"
        f"theme:\n  name: material\n  features: [content.action.edit]\nplugins:\n  - search\n  {plugin}\n{extra}",
    )
    return tmp_path


def sidebar_links(html: str, page: str) -> list[str]:
    """The sidebar's links, resolved to site paths ("journal/sessions/"), page anchors left out."""
    nav = html[html.index("md-nav--primary") :]
    links = re.findall(r'<a href="([^"#][^"]*)" class="md-nav__link', nav)
    return [posixpath.normpath(posixpath.join(page, link)) + "/" for link in links]


def test_plain_mkdocs_build_of_a_stranger_site_publishes_the_journal(tmp_path, runner, monkeypatch):
    site = stranger_site(tmp_path)
    monkeypatch.chdir(site)
    result = runner.invoke(mkdocs_cli, ["build", "--strict"])
    assert result.exit_code == 0, result.output
    out = site / "site/journal"
    for page in ["index.html", "sessions/index.html", "sessions/2026-02-03-follow-up-post/index.html",
                 "case-studies/writing-beyond-the-manifesto/index.html", "partners/alexa/index.html",
                 "partners/second-reader/index.html"]:  # fmt: skip
        assert (out / page).is_file(), page
    assert sorted(p.name for p in (site / "docs").iterdir()) == ["guide.md", "index.md"], "nothing written into docs/"
    session = (out / "sessions/2026-02-03-follow-up-post/index.html").read_text()
    assert "https://example.org/team/docs/edit/main/journal/sessions/2026-02-03-follow-up-post.yaml" in session
    links = sidebar_links(session, "journal/sessions/2026-02-03-follow-up-post")
    assert links == [
        "./", "guide/", "journal/", "journal/framework/", "journal/case-studies/", "journal/case-studies/writing-beyond-the-manifesto/",
        "journal/partners/", "journal/sessions/", "journal/lessons/", "journal/ledger/", "journal/handoffs/", "journal/feedback/", "journal/evolution/",
        "journal/calibration/",
    ], "a compact sidebar: no session is ever listed"
    toc = session[session.index("md-nav--secondary") :]
    assert toc.index('href="#contributions"') < toc.index('href="#disagreement-1"') < toc.index('href="#feedback"')
    assert "headerlink" not in session, "no permalinks: the site's toc extension does not ask for them"
    assert broken_links(site / "site") == []


def test_a_site_without_directory_urls_and_with_permalinks(tmp_path, runner, monkeypatch):
    """Journal pages follow the site's URL style and its `toc` options, as its own Markdown pages do."""
    extra = "use_directory_urls: false\nmarkdown_extensions:\n  - toc:\n      permalink: '#'\n"
    site = stranger_site(tmp_path, extra=extra)
    write(site / "docs/guide.md", "# Guide\n\n## Setup\n")
    monkeypatch.chdir(site)
    result = runner.invoke(mkdocs_cli, ["build", "--strict"])
    assert result.exit_code == 0, result.output
    session = (site / "site/journal/sessions/2026-02-03-follow-up-post.html").read_text()
    assert '<a href="../partners/alexa.html">Alexa</a>' in session
    permalink = '<a class="headerlink" href="#{0}" title="Permanent link">#</a>'
    assert f'<h2 id="partners">Partners{permalink.format("partners")}</h2>' in session
    assert permalink.format("setup") in (site / "site/guide.html").read_text(), "the same as the site's own pages"
    assert broken_links(site / "site") == []


def test_prefix_and_drafts_options(tmp_path, runner, monkeypatch):
    site = stranger_site(tmp_path, "- partnership-journal:\n      prefix: /log/\n      drafts: true")
    path = site / "journal/sessions/2026-02-03-follow-up-post.yaml"
    edit(path, "status: published", "status: draft")
    monkeypatch.chdir(site)
    result = runner.invoke(mkdocs_cli, ["build"])
    assert result.exit_code == 0, result.output
    assert (site / "site/log/sessions/2026-02-03-follow-up-post/index.html").is_file()
    assert not (site / "site/journal").exists()


def test_a_site_nav_that_lists_journal_pages_is_left_alone(tmp_path, runner, monkeypatch):
    nav = "nav:\n  - Home: index.md\n  - Our journal: journal/index.md\n"
    site = stranger_site(tmp_path, extra=nav)
    monkeypatch.chdir(site)
    assert runner.invoke(mkdocs_cli, ["build"]).exit_code == 0
    home = (site / "site/index.html").read_text()
    assert sidebar_links(home, ".") == ["./", "journal/"]
    assert "Our journal" in home


@pytest.mark.parametrize("mine", ["journal/index.md", "journal.md", "journal/ledger/index.md"])
def test_a_docs_page_in_the_way_of_a_journal_page_is_an_error(tmp_path, runner, monkeypatch, mine):
    """A page of the site at a journal page's address (its file, or another file MkDocs publishes there)."""
    site = stranger_site(tmp_path)
    write(site / "docs" / mine, "# Mine\n")
    monkeypatch.chdir(site)
    result = runner.invoke(mkdocs_cli, ["build", "--strict"])
    assert result.exit_code == 1
    assert f"'{mine}' in docs_dir is published at" in result.output, result.output
    assert "move or rename it, or change the plugin's 'prefix'" in result.output


def test_broken_record_stops_a_plain_mkdocs_build_with_located_messages(tmp_path, runner, monkeypatch):
    site = stranger_site(tmp_path)
    path = site / "journal/sessions/2026-02-03-follow-up-post.yaml"
    edit(path, "by: alexa\n    kind: direction", "by: alexa\n    kind: directing")
    monkeypatch.chdir(site)
    result = runner.invoke(mkdocs_cli, ["build"])
    assert result.exit_code == 1
    assert "journal/sessions/2026-02-03-follow-up-post.yaml:24:11: contributions[1].kind" in result.output
    assert "Traceback" not in result.output


def test_the_project_site_builds_strict(tmp_path, runner, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert runner.invoke(cli, ["check", "journal"]).exit_code == 0
    result = runner.invoke(cli, ["build", "--strict", "-d", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    built = tmp_path / "site"
    assert (built / "journal/case-studies/writing-beyond-the-manifesto/index.html").is_file()
    assert (built / "record-format/index.html").is_file() and (built / "cli/index.html").is_file()
    drafts = [p for p in (ROOT / "journal/sessions").rglob("*.yaml") if "status: draft" in p.read_text()]
    assert drafts and all(not (built / f"journal/sessions/{p.stem}").exists() for p in drafts)


def test_serve_rebuilds_on_edit_and_keeps_serving_through_a_bad_edit(tmp_path):
    shutil.copytree(FIXTURES / "design", tmp_path / "journal")
    port = free_port()
    temp = tmp_path / "tmp"
    temp.mkdir()
    server = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=tmp_path, env={**os.environ, "TMPDIR": str(temp)}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/sessions/2026-02-03-follow-up-post/"
    record = tmp_path / "journal/sessions/2026-02-03-follow-up-post.yaml"
    try:
        assert wait_for(lambda: "Drafting the follow-up post" in fetch(url)), "the page is served"
        assert "livereload" in fetch(url), "live reload is on"
        edit(record, "Drafting the follow-up post", "Redrafting the post")
        assert wait_for(lambda: "Redrafting the post" in fetch(url)), "an edit is rebuilt"
        edit(record, "kind: structure", "kind: structur")
        assert wait_for(lambda: "The journal has 1 error;" in fetch(url)), "the error is shown in the browser"
        page = fetch(url)
        assert "Redrafting the post" in page, "the last good page is still served"
        assert "2026-02-03-follow-up-post.yaml:17:11: contributions[0].kind" in page
        edit(record, "kind: structur", "kind: structure")
        edit(record, "Redrafting", "Polishing")
        assert wait_for(lambda: "Polishing the post" in fetch(url)), "the fix brings the site back"
        assert "The journal has" not in fetch(url)
        assert server.poll() is None
    finally:
        output = stop(server)
    assert "contributions[0].kind" in output
    assert list(temp.iterdir()) == [], "stopped with SIGTERM, serve removes its temporary files as on Ctrl-C"


def test_serve_outlives_a_broken_config_file_and_a_busy_port_is_one_line(tmp_path):
    """mkdocs.yml saved as invalid YAML while serving: one located line, no traceback, the last good pages
    served with the error on them, requests answered; a good file brings the site back. A busy address
    is refused before anything is built."""
    site = stranger_site(tmp_path)
    config = site / "mkdocs.yml"
    good = config.read_text(encoding="utf-8")
    port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        busy = subprocess.run([sys.executable, "-m", "generator.cli", "serve", "-a", f"127.0.0.1:{port}"],
                              cwd=site, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert busy.returncode == 1, busy.stderr
    assert f"can't serve on 127.0.0.1:{port}" in busy.stderr and "-a HOST:PORT" in busy.stderr
    assert "Traceback" not in busy.stderr and "Building" not in busy.stderr
    server = subprocess.Popen([sys.executable, "-m", "generator.cli", "serve", "-a", f"127.0.0.1:{port}"], cwd=site,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    url = f"http://127.0.0.1:{port}/guide/"
    try:
        assert wait_for(lambda: "Guide" in fetch(url), 120), "the site is served"
        write(config, good.replace("site_name: Team docs", "site_name: [Team docs"))
        assert wait_for(lambda: "The site&#x27;s config has 1 error" in fetch(url)
                        or "The site's config has 1 error" in fetch(url), 120), "the error is shown on the pages"
        page = fetch(url)
        assert "mkdocs.yml:2:9:" in page and "Guide" in page, "the last good pages, with the located error"
        write(config, good.replace("site_name: Team docs", "site_name: Team handbook"))
        assert wait_for(lambda: "Team handbook" in fetch(url), 120), "a good file brings the site back"
        assert "config has" not in fetch(url)
        assert server.poll() is None
    finally:
        output = stop(server)
    assert "Traceback" not in output
    assert [line for line in output.splitlines() if "mkdocs.yml:2:9:" in line], output


def test_a_page_or_config_of_the_site_that_names_an_anonymous_partner_fails_strict(tmp_path, runner, monkeypatch):
    """The site's own pages and its name are published too: an anonymous partner named there, in the
    forms the journal catches, is a located warning, which fails --strict."""
    site = stranger_site(tmp_path)
    write(site / "docs/guide.md", "# Guide\n\nRead by\n[Dr. Jane][j] Roe, twice.\n\n[j]: https://example.org\n")
    edit(site / "mkdocs.yml", "site_name: Team docs", "site_name: Team docs with Ｄｒ. Ｊａｎｅ Ｒｏｅ")
    monkeypatch.chdir(site)
    result = runner.invoke(mkdocs_cli, ["build", "--strict"])
    assert result.exit_code == 1
    assert "docs/guide.md:4:2: names the anonymous partner published as 'Second reader'" in result.output
    assert "mkdocs.yml: site_name: names the anonymous partner published as 'Second reader'" in result.output
    assert "Jane" not in result.output.replace("docs/guide.md", ""), "the warning itself names the alias only"
    assert runner.invoke(mkdocs_cli, ["build"]).exit_code == 0
    home = (site / "site/journal/index.html").read_text(encoding="utf-8")
    assert "Team docs with Second reader" in home and "Ｊａｎｅ" not in home, "the site's name is published with the alias"


def test_journal_pages_link_their_feed_and_json_in_the_head(tmp_path, runner, monkeypatch):
    site = stranger_site(tmp_path)
    monkeypatch.chdir(site)
    assert runner.invoke(mkdocs_cli, ["build", "--strict"]).exit_code == 0
    page = (site / "site/journal/sessions/2026-02-03-follow-up-post/index.html").read_text(encoding="utf-8")
    head = page[: page.index("</head>")]
    assert '<link rel="alternate feed" type="application/atom+xml" title="Team docs journal feed" href="../../feed.xml">' in head
    assert '<link rel="alternate feed" type="application/json" title="Team docs journal.json" href="../../journal.json">' in head
    assert 'rel="alternate"' not in (site / "site/guide/index.html").read_text(encoding="utf-8"), "journal pages only"


def test_a_hook_that_replaces_the_sidebar_after_the_plugin_is_one_warning(tmp_path, runner, monkeypatch):
    """Hooks run after every plugin: one whose on_nav drops the journal's section is named in one line."""
    write(tmp_path / "hooks.py", "from mkdocs.structure.nav import Navigation\n\n"
          "def on_nav(nav, config, files):\n"
          "    kept = [p for p in nav.pages if not p.file.src_uri.startswith('journal/')]\n"
          "    return Navigation(kept, kept)\n")  # fmt: skip
    site = stranger_site(tmp_path, extra="hooks: [hooks.py]\n")
    monkeypatch.chdir(site)
    records = logging.handlers.BufferingHandler(1000)  # the records: what prints them varies in a shared process
    logging.getLogger("mkdocs").addHandler(records)
    try:
        result = runner.invoke(mkdocs_cli, ["build"])
    finally:
        logging.getLogger("mkdocs").removeHandler(records)
    assert result.exit_code == 0, result.output
    warned = [r.getMessage() for r in records.buffer if "sidebar" in r.getMessage()]
    assert warned == ["partnership-journal: the sidebar shows none of the journal's pages: a plugin or hook listed after "
                      "'partnership-journal' in plugins: replaced the navigation; list 'partnership-journal' after it, "
                      "or name the journal's pages in the site's nav"]  # fmt: skip
    assert runner.invoke(mkdocs_cli, ["build", "--strict"]).exit_code == 1
    write(site / "keeping.py", "def on_nav(nav, config, files):\n    return nav\n")  # a new name: MkDocs keeps a hook once loaded
    edit(site / "mkdocs.yml", "hooks: [hooks.py]", "hooks: [keeping.py]")
    kept = runner.invoke(mkdocs_cli, ["build", "--strict"])
    assert kept.exit_code == 0, kept.output


def _served_folder(temp: Path) -> Path:
    """The folder `pjournal serve` builds into (a folder of its own in TMPDIR)."""
    found = [p for p in temp.iterdir() if (p / "index.html").is_file()]
    assert len(found) == 1, found
    return found[0]


def _pages(site: Path) -> dict[str, tuple[int, str]]:
    return {p.relative_to(site).as_posix(): (p.stat().st_mtime_ns, p.read_text(encoding="utf-8")) for p in site.rglob("*.html")}


def _texts(site: Path) -> dict[str, str]:
    return {uri: html for uri, (_, html) in _pages(site).items()}


def _full_build(project: Path, url: str) -> Path:
    """The project built whole, as `serve` builds it (its site_url the server's address)."""
    config = project / "mkdocs-full.yml"
    config.write_text(f"INHERIT: mkdocs.yml\nsite_url: {url}\n", encoding="utf-8")
    target = project / "full"
    shutil.rmtree(target, ignore_errors=True)
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(target)],
                            cwd=project, capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return target


def test_serve_builds_again_only_the_pages_an_edit_changes_and_every_page_when_the_sidebar_does(tmp_path):
    """serve's dirty builds (MkDocs' own, on which pages' files are modified): an edit builds again the
    pages whose content it changed, each page as a whole build makes it; an edit of the sidebar builds
    every page; a deleted session's page goes."""
    shutil.copytree(ROOT / "journal", tmp_path / "journal")
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    temp = tmp_path / "tmp"
    temp.mkdir()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "serve", "-a", f"127.0.0.1:{port}"], cwd=tmp_path,
        env={**os.environ, "TMPDIR": str(temp)}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}/"
    old, new = "Priya Nair", "Quintessa Marlowe"
    try:
        assert wait_for(lambda: old in fetch(base + "journal/partners/priya/"), 120)
        site = _served_folder(temp)
        before = _pages(site)
        naming = sorted(uri for uri, (_, html) in before.items() if old in html)
        assert 1 < len(naming) < len(before) / 2
        edit(tmp_path / "journal/partners.yaml", f"name: {old}", f"name: {new}")
        assert wait_for(lambda: new in fetch(base + "journal/partners/priya/"), 120)
        assert wait_for(lambda: all(new in _texts(site)[uri] for uri in naming), 60)
        after = _pages(site)
        assert sorted(after) == sorted(before)
        unchanged = [uri for uri in before if uri not in naming and after[uri] == before[uri]]
        assert len(unchanged) > len(before) / 2, "pages that did not name the partner are not built again"
        assert new in (site / "search/search_index.json").read_text(encoding="utf-8")
        built = _texts(_full_build(tmp_path, base))
        assert wait_for(lambda: _texts(site) == built, 60), "every page as a whole build makes it"

        edited = tmp_path / "journal/sessions/2025/2025-10-14-hot-sauce-label-directions.yaml"
        write(edited, re.sub(r"^title: .*$", "title: Shown before the build", edited.read_text(), count=1, flags=re.M))
        assert wait_for(lambda: "Shown before the build" in fetch(base + f"journal/sessions/{edited.stem}/"), 60), "shown first"

        study = tmp_path / "journal/case-studies/writing-beyond-the-manifesto.yaml"
        edit(study, 'title: Writing "Beyond the Manifesto"', "title: Writing the second manifesto")
        assert wait_for(lambda: all("Writing the second manifesto" in html for html in _texts(site).values()
                                    if "md-nav" in html), 120), "the sidebar changed: every page is built again"
        session = next((tmp_path / "journal/sessions").rglob("*.yaml"))
        session.unlink()
        gone = f"journal/sessions/{session.stem}/"
        assert wait_for(lambda: not (site / gone / "index.html").exists(), 120), "a deleted session's page goes"
        built = _texts(_full_build(tmp_path, base))
        assert wait_for(lambda: _texts(site) == built, 120), "once the builds an edit asked for are done"
        assert server.poll() is None
    finally:
        output = stop(server)
    assert "Traceback" not in output and "A 'dirty' build" not in output
    assert f"Edited session pages shown: journal/sessions/{edited.stem}/; building the pages they change" in output


def _serving(project: Path, site_dir: Path):
    """The project's config as `pjournal serve` loads it, its plugins started for serve, built once."""
    from mkdocs.commands.build import build
    from generator.plugin import Overrides
    from generator.site import _load

    config = _load(project / "mkdocs.yml", Overrides(), site_dir=str(site_dir))
    config.plugins.on_startup(command="serve", dirty=True)
    build(config, serve_url="http://127.0.0.1:8000/", dirty=False)
    return config


def test_an_edited_sessions_page_is_shown_before_the_pages_it_changes_are_built(tmp_path):
    """In serve, an edit of a session's record alone is put into its served page at once, as the
    build that follows makes it; an edit of anything else, or of a page another plugin changed, waits
    for the build, and nothing is written."""
    from mkdocs.commands.build import build
    from generator.engines import PLUGIN

    for folder in ("journal", "docs"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    served = tmp_path / "served"
    config = _serving(tmp_path, served)
    plugin = config.plugins[PLUGIN]
    record = tmp_path / "journal/sessions/2025/2025-10-14-hot-sauce-label-directions.yaml"
    page, year = served / "journal/sessions/2025-10-14-hot-sauce-label-directions/index.html", served / "journal/years/2025/index.html"
    old = re.search(r"^title: (.*)$", record.read_text(encoding="utf-8"), re.M).group(1)

    edit(record, f"title: {old}", "title: Label directions, edited")
    assert plugin.show_edited_sessions() == ["journal/sessions/2025-10-14-hot-sauce-label-directions/"]
    assert "Label directions, edited" in page.read_text(encoding="utf-8")
    assert "Label directions, edited" not in year.read_text(encoding="utf-8"), "the year's list waits for the build"
    assert plugin.show_edited_sessions() == [], "nothing more to show"
    build(config, serve_url="http://127.0.0.1:8000/", dirty=True)
    assert "Label directions, edited" in year.read_text(encoding="utf-8")
    assert page.read_text(encoding="utf-8") == _texts(served)["journal/sessions/2025-10-14-hot-sauce-label-directions/index.html"]

    before = _pages(served)
    edit(tmp_path / "journal/partners.yaml", "name: Priya Nair", "name: Quintessa Marlowe")
    edit(record, "title: Label directions, edited", "title: Label directions, again")
    assert plugin.show_edited_sessions() == [], "a partner's name is on other pages: all wait for the build"
    edit(tmp_path / "journal/partners.yaml", "name: Quintessa Marlowe", "name: Priya Nair")
    write(record, record.read_text(encoding="utf-8") + "contributions: 3\n")
    assert plugin.show_edited_sessions() == [], "a record with an error waits for the build, which shows it"
    assert _pages(served) == before, "nothing was written"

    hooked = tmp_path / "hooks.py"
    write(hooked, "def on_page_markdown(markdown, page, **kwargs):\n    return markdown + '\\n\\nAdded by a hook.'\n")
    write(tmp_path / "mkdocs.yml", (ROOT / "mkdocs.yml").read_text(encoding="utf-8") + "hooks:\n  - hooks.py\n")
    shutil.copy(ROOT / "journal" / record.relative_to(tmp_path / "journal"), record)
    config = _serving(tmp_path, tmp_path / "hooked")
    edit(record, f"title: {old}", "title: Label directions, hooked")
    assert config.plugins[PLUGIN].show_edited_sessions() == [], "a page a hook added to is built, not patched"


def leaves(value, path=()):
    """Every scalar in a YAML document, with its path."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from leaves(item, (*path, i))
    else:
        yield path, value


def test_every_field_of_the_design_example_session_appears_on_its_page(tmp_path, runner, monkeypatch):
    import html as htmllib

    import yaml

    site = stranger_site(tmp_path)
    monkeypatch.chdir(site)
    assert runner.invoke(mkdocs_cli, ["build"]).exit_code == 0
    record = yaml.safe_load((site / "journal/sessions/2026-02-03-follow-up-post.yaml").read_text())
    page = (site / "site/journal/sessions/2026-02-03-follow-up-post/index.html").read_text()
    text = htmllib.unescape(re.sub(r"<[^>]+>", " ", page[page.index("<article") : page.index("</article>")]))
    text = " ".join(text.split())
    names = {"alexa": "Alexa", "assistant": "Writing assistant"}
    shown = {True: ("held up", "yes"), False: ("did not hold up", "no")}
    missing = []
    for path, value in leaves(record):
        key = path[-1] if isinstance(path[-1], str) else path[-2]
        if key == "status":
            continue  # "published" is the default and goes unsaid; drafts say **draft** (test_render)
        if key == "attribution":
            expected = ["AI handling structure, human providing direction."]  # null: generated from contributions
        elif isinstance(value, bool):
            expected = list(shown[value])
        elif isinstance(value, float):
            expected = [f"{round(value * 100)}%"]
        elif key in ("by", "partner", "from", "to", "adopted", "decided_by"):
            expected = [names[value]]
        elif key == "case_study":
            expected = ['Writing "Beyond the Manifesto"']
        else:
            expected = [" ".join(str(value).replace("**", "").split())]
        if not any(e in text for e in expected):
            missing.append((path, value))
    assert missing == []


def test_many_case_studies_leave_only_their_index_in_the_sidebar(tmp_path, runner, monkeypatch):
    site = stranger_site(tmp_path)
    for i in range(7):
        write(site / f"journal/case-studies/study-{i}.yaml", f"title: Study {i}\nsummary: One of many\n")
    monkeypatch.chdir(site)
    assert runner.invoke(mkdocs_cli, ["build"]).exit_code == 0
    links = sidebar_links((site / "site/index.html").read_text(), ".")
    assert "journal/case-studies/" in links
    assert not any(link.startswith("journal/case-studies/study-") for link in links)


def test_other_plugins_markdown_on_journal_pages_is_rendered_and_links_are_checked(tmp_path, monkeypatch, request):
    """A journal page is HTML already; Markdown a hook adds to it (`on_page_markdown`) goes through MkDocs'
    own pass, HTML a hook adds (`on_page_content`) is kept, headings get the `toc` extension's permalinks,
    and links into journal pages have their anchors checked as any page's."""
    hooks = "def on_page_markdown(markdown, page, **kwargs):\n" \
            "    return markdown + '\\n\\nAdded **bold** by a hook, [a guide](../../guide.md).\\n' " \
            "if page.file.src_uri == 'journal/partners/alexa.md' else markdown\n\n" \
            "def on_page_content(html, page, **kwargs):\n" \
            "    return html + '<p>Added by a hook.</p>' if page.file.src_uri == 'journal/ledger.md' else html\n"  # fmt: skip
    write(tmp_path / "hooks.py", hooks)
    site = stranger_site(tmp_path, extra="markdown_extensions:\n  - toc:\n      permalink: true\nhooks: [hooks.py]\n"
                                         "validation:\n  anchors: warn\n")
    write(site / "docs/guide.md", "# Guide\n\n[Partners](journal/sessions/2026-02-03-follow-up-post.md#partners), "
                                  "[nowhere](journal/sessions/2026-02-03-follow-up-post.md#nowhere)\n")
    record = site / "journal/sessions/2026-02-03-follow-up-post.yaml"
    edit(record, "  Free Markdown narrative.", "  See [the guide](guide.md#guide) and [a lost page](lost.md).")
    monkeypatch.chdir(site)
    warned = logging.handlers.BufferingHandler(capacity=10_000)  # on MkDocs' logger: its command line may stop
    logging.getLogger("mkdocs").addHandler(warned)  # it from passing records to the root, where caplog listens
    request.addfinalizer(lambda: logging.getLogger("mkdocs").removeHandler(warned))
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(site / "mkdocs.yml"), site_dir=str(tmp_path / "out"))
    config.plugins.on_startup(command="build", dirty=False)  # as `mkdocs build` does: MkDocs may keep the plugin
    build(config)
    anchors = [r.getMessage() for r in warned.buffer if "anchor" in r.getMessage()]
    assert len(anchors) == 1 and "'#nowhere'" in anchors[0], anchors
    partner = (tmp_path / "out/journal/partners/alexa/index.html").read_text(encoding="utf-8")
    assert "Added <strong>bold</strong> by a hook" in partner and "**bold**" not in partner
    assert '<a href="../../../guide/">a guide</a>' in partner, "MkDocs' pass made the link to the page's address"
    assert 'class="headerlink"' in partner and "Positions in disagreements" in partner, "the page's own HTML is whole"
    ledger = (tmp_path / "out/journal/ledger/index.html").read_text(encoding="utf-8")
    assert "Added by a hook." in ledger and 'class="headerlink"' in ledger
    session = (tmp_path / "out/journal/sessions/2026-02-03-follow-up-post/index.html").read_text(encoding="utf-8")
    assert 'href="../../../guide/#guide" rel="noopener noreferrer nofollow">the guide</a>' in session, "a record's link to a page of the site"
    lost = [r.getMessage() for r in warned.buffer if "lost.md" in r.getMessage()]
    assert lost == ["partnership-journal: journal/sessions/2026-02-03-follow-up-post.yaml: a link to 'lost.md' names no page of the site "
                    "(links to pages of the site are read from docs_dir, as from its index page)"], lost
