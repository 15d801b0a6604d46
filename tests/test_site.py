"""Real MkDocs builds and a real `serve`: the plugin in a stranger's site, the project's own site."""

from __future__ import annotations

import logging
import logging.handlers
import os
import posixpath
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

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


def test_a_docs_page_in_the_way_of_a_journal_page_is_an_error(tmp_path, runner, monkeypatch):
    site = stranger_site(tmp_path)
    write(site / "docs/journal/index.md", "# Mine\n")
    monkeypatch.chdir(site)
    result = runner.invoke(mkdocs_cli, ["build"])
    assert result.exit_code == 1
    assert "'journal/index.md' exists in docs_dir and is also a journal page" in result.output


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
        assert wait_for(lambda: "The journal has 1 error(s)" in fetch(url)), "the error is shown in the browser"
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


def _served_folder(temp: Path) -> Path:
    """The folder `mkdocs serve` builds into (a mkdocs_* folder in TMPDIR)."""
    found = [p for p in temp.iterdir() if p.name.startswith("mkdocs_")]
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
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(target)],
                            cwd=project, capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return target


def test_serve_rebuilds_only_the_pages_an_edit_changes_and_every_page_when_the_sidebar_does(tmp_path):
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
    record = tmp_path / "journal/sessions/2026/2026-01-12-choosing-the-follow-up-topic.yaml"
    own, year = "journal/sessions/2026-01-12-choosing-the-follow-up-topic/index.html", "journal/years/2026/index.html"
    try:
        assert wait_for(lambda: old in fetch(base + "journal/partners/priya/"), 60)
        site = _served_folder(temp)

        title = re.search(r"^title: (.*)$", record.read_text(encoding="utf-8"), re.M).group(1)
        edit(record, f"title: {title}", f"title: {title} revised")
        assert wait_for(lambda: "revised" in fetch(base + own.removesuffix("index.html")), 60)
        shown_at = (site / own).stat().st_mtime_ns
        assert wait_for(lambda: "revised" in (site / year).read_text(encoding="utf-8"), 60), "the rest of the site follows"
        assert wait_for(lambda: "revised" in (site / "search/search_index.json").read_text(encoding="utf-8"), 30)
        assert (site / own).stat().st_mtime_ns == shown_at, "the edited session's page, built first, is built once"
        assert (site / year).stat().st_mtime_ns > shown_at
        built = _full_build(tmp_path, base)
        assert _texts(site) == _texts(built), "once the rest followed, every page is as a full build makes it"
        assert (site / "search/search_index.json").read_bytes() == (built / "search/search_index.json").read_bytes()

        before = _pages(site)
        naming = sorted(uri for uri, (_, html) in before.items() if old in html)
        assert 1 < len(naming) < len(before) / 2
        edit(tmp_path / "journal/partners.yaml", f"name: {old}", f"name: {new}")
        assert wait_for(lambda: new in fetch(base + "journal/partners/priya/"), 60)
        assert wait_for(lambda: new in (site / "search/search_index.json").read_text(encoding="utf-8"), 30)
        after = _pages(site)
        assert sorted(after) == sorted(before)
        built = _full_build(tmp_path, base)
        assert {uri: html for uri, (_, html) in after.items()} == _texts(built), "every page as a full build makes it"
        assert (site / "search/search_index.json").read_bytes() == (built / "search/search_index.json").read_bytes()
        for uri in naming:  # every page that named the partner, as served
            assert new in fetch(base + uri.removesuffix("index.html")), uri
        unchanged = [uri for uri in before if uri not in naming and after[uri] == before[uri]]
        assert len(unchanged) > len(before) / 2, "pages that did not name the partner are not rebuilt"

        study = tmp_path / "journal/case-studies/writing-beyond-the-manifesto.yaml"
        edit(study, 'title: Writing "Beyond the Manifesto"', "title: Writing the second manifesto")
        assert wait_for(lambda: all("Writing the second manifesto" in html for _, html in _pages(site).values()), 60), \
            "the sidebar changed: every page is rebuilt"
        session = next((tmp_path / "journal/sessions").rglob("*.yaml"))
        session.unlink()
        gone = f"journal/sessions/{session.stem}/"
        assert wait_for(lambda: not (site / gone / "index.html").exists(), 60), "a deleted session's page goes"
        assert wait_for(lambda: gone not in (site / "search/search_index.json").read_text(encoding="utf-8"), 30)
        built = _full_build(tmp_path, base)
        assert _texts(site) == _texts(built)
        assert (site / "search/search_index.json").read_bytes() == (built / "search/search_index.json").read_bytes()
        assert server.poll() is None
    finally:
        output = stop(server)
    assert "A 'dirty' build" not in output
    assert "Building the edited session page(s) first: 2026-01-12-choosing-the-follow-up-topic;" in output


def test_serve_compiles_each_theme_template_once_and_again_when_its_source_changes(tmp_path):
    """MkDocs makes a new template environment for every rebuild; the plugin's bytecode cache keeps
    what was compiled, by the checksum of its source, so an edited override is compiled anew."""
    import jinja2

    from generator.plugin import _Compiled

    compiled, sources = _Compiled(), []

    class Counting(jinja2.Environment):
        def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
            sources.append(source)
            return super().compile(source, name, filename, raw, defer_init)

    def render() -> str:
        env = Counting(loader=jinja2.FileSystemLoader(tmp_path), bytecode_cache=compiled)
        return env.get_template("main.html").render(x=1)

    write(tmp_path / "main.html", "one {{ x }}")
    assert [render(), render(), render()] == ["one 1"] * 3
    assert sources == ["one {{ x }}"]
    write(tmp_path / "main.html", "two {{ x }}")
    assert render() == "two 1"
    assert sources == ["one {{ x }}", "two {{ x }}"]


def test_a_rebuild_is_asked_of_mkdocs_own_server_as_its_watches_ask(tmp_path):
    """The journal is watched by the system's file events, not by MkDocs' polling: an event asks the
    live-reload server itself for a rebuild, through the condition and flag its own watches set."""
    from mkdocs.livereload import LiveReloadServer

    from generator.plugin import _ask_server, _JournalWatch

    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=free_port(), root=str(tmp_path))
    journal = tmp_path / "journal"
    journal.mkdir()
    watch = _JournalWatch(server, journal, tmp_path / "changes")
    try:
        assert str(journal) not in server._watched_paths, "MkDocs does not poll the journal"
        assert not server._want_rebuild
        write(journal / "partners.yaml", "- id: a\n")
        assert wait_for(lambda: server._want_rebuild, 10), "a record written asks for a rebuild"
        assert _ask_server(server)
    finally:
        watch.stop()


def test_a_dirty_rebuild_keeps_the_files_and_pages_of_what_did_not_change(tmp_path, monkeypatch):
    """MkDocs makes every page's file and page anew on each rebuild; a dirty serve keeps ours when their
    content is what it was, hands MkDocs new ones for what changed, and makes all anew when the site's
    addresses change."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site = stranger_site(tmp_path)
    monkeypatch.chdir(site)
    url = "http://127.0.0.1:8000/"

    def rebuild(**options):
        config = load_config(str(site / "mkdocs.yml"), site_dir=str(tmp_path / "served"), **options)
        config.site_url = url
        if not hasattr(rebuild, "started"):
            config.plugins.on_startup(command="serve", dirty=True)
            rebuild.started = True
        build(config, serve_url=url, dirty=True)
        return {uri: file for uri, (_, file) in config.plugins["partnership-journal"].made.items()}

    first = rebuild()
    own = "journal/sessions/2026-02-03-follow-up-post.md"
    edit(site / "journal/sessions/2026-02-03-follow-up-post.yaml", "Drafting the follow-up post", "Redrafting the post")
    second = rebuild()
    assert second[own] is not first[own] and "Redrafting the post" in second[own].page.journal_page.body
    kept = [uri for uri in first if second[uri] is first[uri]]
    assert {"journal/partners/index.md", "journal/ledger.md"} <= set(kept) and len(kept) < len(first)
    changed = [uri for uri in first if uri not in kept]
    assert all(not second[uri].is_modified() for uri in kept) and all(second[uri].is_modified() for uri in changed)
    third = rebuild(use_directory_urls=False)
    assert not any(third[uri] is second[uri] for uri in third), "other addresses: every file is made anew"


def test_serve_writes_the_search_index_with_the_rest_of_the_site_after_an_edited_session(tmp_path, monkeypatch):
    """After an edit of one session `serve` builds its page alone, then the rest of the site; the search
    index (84 MB at 10,000 sessions) is written once, with the rest, and is then a full build's."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site = stranger_site(tmp_path)
    monkeypatch.chdir(site)
    url, served, index = "http://127.0.0.1:8000/", tmp_path / "served", tmp_path / "served/search/search_index.json"

    class Watch:  # the server's: the plugin asks it for the rebuild of the rest of the site
        asked = False

        def rebuild(self) -> None:
            self.asked = True

        def stop(self) -> None:
            pass

    def rebuild(**options):
        config = load_config(str(site / "mkdocs.yml"), site_dir=str(served), **options)
        config.site_url = url
        if not hasattr(rebuild, "started"):
            config.plugins.on_startup(command="serve", dirty=True)
            rebuild.started = True
        config.plugins["partnership-journal"].journal_watch = watch
        build(config, serve_url=url, dirty=True)

    watch = Watch()
    rebuild()
    before = index.read_bytes()
    edit(site / "journal/sessions/2026-02-03-follow-up-post.yaml", "Drafting the follow-up post", "Redrafting the post")
    rebuild()
    assert watch.asked, "the edited session's page was built alone"
    assert "Redrafting the post" in (served / "journal/sessions/2026-02-03-follow-up-post/index.html").read_text(encoding="utf-8")
    assert index.read_bytes() == before, "the index waits for the rest of the site"
    watch.asked = False
    rebuild()
    assert not watch.asked
    assert b"Redrafting the post" in index.read_bytes()
    assert index.read_bytes() == (_full_build(tmp_path, url) / "search/search_index.json").read_bytes()


def test_a_build_holds_journal_pages_packed_and_writes_each_as_it_is(tmp_path, monkeypatch, request):
    """MkDocs holds every page until a build ends; a build holds ours packed, unpacked when read. The
    site is byte for byte the one built from pages held whole, with the `toc` extension's permalinks
    and a hook that changes one page's HTML; MkDocs' pages hold none of our text but that one, and
    links into them have their anchors checked as before."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from generator import plugin

    hooks = "def on_page_content(html, page, **kwargs):\n" \
            "    return html + '<p>Added by a hook.</p>' if page.file.src_uri == 'journal/ledger.md' else html\n\n" \
            "def on_post_page(output, page, config, **kwargs):\n" \
            "    config.extra.setdefault('built', []).append(page)\n"  # fmt: skip
    write(tmp_path / "hooks.py", hooks)
    site = stranger_site(tmp_path, extra="markdown_extensions:\n  - toc:\n      permalink: true\nhooks: [hooks.py]\n"
                                         "validation:\n  anchors: warn\n")
    write(site / "docs/guide.md", "# Guide\n\n[Partners](journal/sessions/2026-02-03-follow-up-post.md#partners), "
                                  "[nowhere](journal/sessions/2026-02-03-follow-up-post.md#nowhere)\n")
    monkeypatch.chdir(site)
    warned = logging.handlers.BufferingHandler(capacity=10_000)  # on MkDocs' logger: its command line may stop
    logging.getLogger("mkdocs").addHandler(warned)  # it from passing records to the root, where caplog listens
    request.addfinalizer(lambda: logging.getLogger("mkdocs").removeHandler(warned))

    def built(folder: str) -> tuple[dict[str, bytes], list[Any]]:
        config = load_config(str(site / "mkdocs.yml"), site_dir=str(tmp_path / folder))
        config.plugins.on_startup(command="build", dirty=False)  # as `mkdocs build` does: MkDocs may keep the plugin
        build(config)
        files = {str(p.relative_to(tmp_path / folder)): p.read_bytes() for p in (tmp_path / folder).rglob("*") if p.is_file()}
        return files, config.extra["built"]

    packed, pages = built("packed")
    ours = [p for p in pages if isinstance(p, plugin.JournalPage)]
    assert ours and all(isinstance(p, plugin._PackedPage) and isinstance(p.file, plugin._PackedFile) for p in ours)
    held = {p.file.src_uri: (p._markdown, p._content) for p in ours}
    assert held.pop("journal/ledger.md")[1].endswith("<p>Added by a hook.</p>"), "a text a plugin changed is kept"
    assert set(held.values()) == {(plugin._Held.FILE, plugin._Held.LINKED)}
    assert all(len(p.file._content) < len(p.file.content_string) and p._toc is None for p in ours)
    anchors = [r.getMessage() for r in warned.buffer if "anchor" in r.getMessage()]
    assert len(anchors) == 1 and "'#nowhere'" in anchors[0], anchors
    monkeypatch.setattr(plugin.JournalPlugin, "_packed", lambda self, page: page)  # every page held whole
    whole, pages = built("whole")
    assert not any(isinstance(p, plugin._PackedPage) for p in pages)
    assert [r.getMessage() for r in warned.buffer if "anchor" in r.getMessage()] == anchors * 2
    assert packed == whole
    assert b"Added by a hook." in packed["journal/ledger/index.html"] and b'class="headerlink"' in packed["journal/ledger/index.html"]


def test_a_build_shares_its_work_with_helpers_and_builds_the_same_site(tmp_path, monkeypatch, forks):
    """From 256 sessions a build reads, exports, renders and makes search entries on every core (`forked`);
    forced here on a small journal, the site is byte for byte the one built on one core. That includes a
    page a hook changes after the helpers were forked: its search entries are made again here."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from generator import forked

    hooks = "def on_page_content(html, page, **kwargs):\n" \
            "    return html + '<p>Added by a hook.</p>' if page.file.src_uri == 'journal/sessions/2026-02-03-follow-up-post.md' else html\n\n" \
            "from mkdocs.plugins import event_priority\n\n" \
            "@event_priority(100)  # before search indexes the page\n" \
            "def on_page_context(context, page, config, nav):\n" \
            "    if page.file.src_uri == 'journal/index.md':\n" \
            "        page.content = page.content + '<p>Changed after the fork.</p>'\n" \
            "    return context\n"  # fmt: skip
    write(tmp_path / "hooks.py", hooks)
    site = stranger_site(tmp_path, extra="markdown_extensions:\n  - toc:\n      permalink: true\nhooks: [hooks.py]\n")
    monkeypatch.chdir(site)

    def built(folder: str) -> dict[str, bytes]:
        config = load_config(str(site / "mkdocs.yml"), site_dir=str(tmp_path / folder))
        config.plugins.on_startup(command="build", dirty=False)
        build(config)
        return {str(p.relative_to(tmp_path / folder)): p.read_bytes() for p in (tmp_path / folder).rglob("*") if p.is_file()}

    alone = built("alone")
    assert not forks
    monkeypatch.setattr(forked, "PARALLEL_FROM", 1)
    monkeypatch.setattr(forked, "_cores", lambda: 2)
    monkeypatch.setattr(forked, "may_fork", lambda: True)  # the suite's own threads (served sites) aside
    shared = built("shared")
    assert len(forks) == 4, "a helper each: reading records, making the exports, rendering pages, making search entries"
    assert shared == alone
    index = shared["search/search_index.json"].decode()
    assert "Added by a hook." in index and "Changed after the fork." in index

    from generator import plugin, render, search

    parent = os.getpid()
    for module, name in [(plugin, "exports"), (render, "_render"), (search, "sections")]:  # helpers that die
        made = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, made=made, **k: made(*a, **k) if os.getpid() == parent else os._exit(1))
    assert built("dying") == alone
    assert len(forks) == 8


def test_a_build_runs_the_cycle_collector_less_often_while_it_renders_and_puts_its_thresholds_back(tmp_path, runner, monkeypatch):
    """The journal a build or a rebuild in `serve` loads lives until it ends; the collector's thresholds
    are raised while it is loaded and rendered, and the process's own are back once the plugin is done."""
    import gc

    from generator import plugin

    seen: list[tuple[int, ...]] = []
    validate = plugin.validate
    monkeypatch.setattr(plugin, "validate", lambda *a, **k: (seen.append(gc.get_threshold()), validate(*a, **k))[1])
    before = gc.get_threshold()
    site = stranger_site(tmp_path)
    monkeypatch.chdir(site)
    result = runner.invoke(mkdocs_cli, ["build"])
    assert result.exit_code == 0, result.output
    assert len(seen) == 1 and seen[0][0] > before[0], (seen, before)
    assert gc.get_threshold() == before

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(site / "mkdocs.yml"), site_dir=str(tmp_path / "served"))
    config.plugins.on_startup(command="serve", dirty=True)  # and in serve's rebuilds (at 10,000 sessions, 2 s less of 18)
    build(config, serve_url="http://127.0.0.1:8000/", dirty=True)
    assert len(seen) == 2 and seen[1][0] > before[0], (seen, before)
    assert gc.get_threshold() == before
