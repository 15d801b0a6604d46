"""Safety of what gets published: hostile text stays text, builds are reproducible and crash-safe.

1. No user text becomes executable markup: tests/fixtures/hostile puts script, event handlers,
   unsafe links, template syntax, attribute lists and snippet lines in every text field; the
   site is built with the Markdown extensions a real site enables and checked as HTML, then in
   a real headless Chromium (skipped without one, a failure under CI=true, as test_browser.py).
2. The same input gives the same bytes.
3. A build killed half-way loses nothing: the last site stays as it was.
4. `serve` started on a broken journal shows the errors and recovers when they are fixed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote
from xml.etree import ElementTree

import pytest
import yaml
from click.testing import CliRunner

from browser_support import Reader, Served
from generator.cli import cli
from helpers import edit, fetch, free_port, stop, wait_for

from conftest import FIXTURES, ROOT

#: Real sites built and served: left out of the fast loop (see README, Development).
pytestmark = pytest.mark.build

HOSTILE = FIXTURES / "hostile"
EVERYTHING = "2026-01-10-everything"  # every text field holds every payload
BREAKOUT = "2026-01-11-title-breakout"  # titled `</title><script>alert(1)</script>`; one payload per field
BREAKOUT_TITLE = "</title><script>alert(1)</script>"

#: The payloads every text field of the "everything" records holds (the fixture has more variants).
PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    "<!-- comment -->",
    "</title><script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "{{ 7*7 }}",
    "{% raw %}",
    '{: onclick="alert(1)" }',
    "<style>",
    "<iframe",
    "&lt;script&gt;",
    '--8<-- "/etc/passwd"',
]
#: Keys whose values are ids, references, enums or dates: everything else in a record is text.
NOT_TEXT = {"id", "partner", "by", "from", "to", "adopted", "decided_by", "case_study", "kind", "about", "status",
            "date", "initiative", "anonymous", "acted_on", "held_up", "confidence", "human_review"}  # fmt: skip
OUTCOMES = {"adopted", "compromise", "new-approach", "deferred", "unresolved"}
#: The text fields DESIGN.md names, by record kind: each must hold payloads in the fixture.
TEXT_FIELDS = {
    "partners": {"name", "alias", "description", "strengths", "model"},
    "case-study": {"title", "summary", "domain", "tags", "narrative", "attribution"},
    "session": {"title", "domain", "tags", "goal", "constraints", "role", "summary", "uncertainty", "topic", "stance",
                "reasoning", "text", "what", "outcome", "lessons", "lesson", "attribution", "notes"},
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcset",
                  "ping", "cite", "manifest"}  # fmt: skip
UNSAFE_SCHEME = re.compile(r"^(javascript|data|vbscript):")
#: Tags no user text may produce anywhere on a page, and tags that must not appear in the content.
FORBIDDEN_ANYWHERE = {"iframe", "frame", "frameset", "object", "embed", "applet", "base"}
FORBIDDEN_IN_ARTICLE = FORBIDDEN_ANYWHERE | {"script", "style", "form", "input", "button", "meta", "link",
                                             "textarea", "select", "details", "template", "math"}  # fmt: skip
SCRIPT_BLOCK = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.S | re.I)
SCRIPT_OPEN = re.compile(r"<script", re.I)

# Helpers


def text_values(value: Any, key: str = "") -> list[tuple[str, str]]:
    """Every (key, text) of a record: strings that are not ids, references, enums or dates."""
    if isinstance(value, dict):
        return [pair for k, v in value.items() for pair in text_values(v, k)]
    if isinstance(value, list):
        return [pair for item in value for pair in text_values(item, key)]
    if isinstance(value, str) and key not in NOT_TEXT and not (key == "outcome" and value in OUTCOMES):
        return [(key, value)]
    return []


def harmless(value: Any, key: str = "") -> Any:
    """The same record with every text replaced by plain words (ids, references and enums kept)."""
    if isinstance(value, dict):
        return {k: harmless(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [harmless(item, key) for item in value]
    if text_values(value, key):
        return "Plain words"
    return value


def records(root: Path) -> list[tuple[str, Path]]:
    return [("partners", root / "partners.yaml"),
            *(("case-study", p) for p in sorted((root / "case-studies").glob("*.yaml"))),
            *(("session", p) for p in sorted((root / "sessions").rglob("*.yaml")))]  # fmt: skip


def site_config(folder: Path, journal: Path) -> Path:
    """A site with the extensions real sites enable; snippets may read any file, so only escaping stops it."""
    (folder / "docs").mkdir(parents=True)
    canary = folder / "canary.txt"
    canary.write_text("CANARY-SNIPPET-INCLUDED\n", encoding="utf-8")
    (folder / "docs" / "index.md").write_text(f'# Home\n\n--8<-- "{canary}"\n', encoding="utf-8")
    extensions: list[Any] = [
        {"toc": {"permalink": True}}, "tables", "admonition", "attr_list", "md_in_html", "footnotes", "abbr",
        "def_list", "pymdownx.details", "pymdownx.superfences", "pymdownx.highlight", "pymdownx.inlinehilite",
        "pymdownx.magiclink", "pymdownx.tabbed",
    ]  # fmt: skip
    try:
        import pymdownx.snippets  # noqa: F401 - comes with mkdocs-material

        extensions.append({"pymdownx.snippets": {"base_path": ["/", str(folder)], "restrict_base_path": False,
                                                 "check_paths": False}})  # fmt: skip
    except ImportError:
        pass
    config = {
        "site_name": "Hostile",
        "repo_url": "https://example.com/journal",  # every page gets "edit" and "view" links to its record
        "edit_uri": "edit/main/docs/",
        "theme": {"name": "material", "font": False, "features": [
            "navigation.indexes", "search.highlight", "content.action.edit", "content.action.view"]},
        "plugins": ["search", "tags", {"partnership-journal": {"journal_dir": str(journal)}}],
        "markdown_extensions": extensions,
    }
    path = folder / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def build(config: Path, site: Path) -> None:
    result = CliRunner().invoke(cli, ["build", "-q", "-f", str(config), "-d", str(site)])
    assert result.exit_code == 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


def pages(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in sorted(site.rglob("*.html"))}


def normal_script(block: str) -> str:
    """A script element with its relative paths taken out, so one page's can be compared with another's."""
    block = re.sub(r'"(?:\.\.(?:/\.\.)*|\.)"', '"BASE"', block)
    return re.sub(r"(?:\.\./)+", "", block)


class Scan(HTMLParser):
    """What a page's markup holds, parsed as HTML: tags and attributes, inside the content area or not."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # inside <article>
        self.problems: list[str] = []
        self.article_text: list[str] = []
        self.article_attributes: set[tuple[str, str]] = set()
        self.article_styles: set[str] = set()
        self.article_ids: list[tuple[str, str]] = []
        self.theme_ids: list[tuple[str, str]] = []
        self.titles: list[str] = []
        self._in_title = False
        self._svg = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        where = "in <article>" if self.depth else "on the page"
        if tag == "article":
            self.depth += 1
        if tag == "svg":
            self._svg += 1
        if tag == "title" and not self._svg:
            self.titles.append("")
            self._in_title = True
        ours = tag == "details" and ("class", "pj-made") in attrs  # the generator's "How this was made" fold
        if tag in FORBIDDEN_ANYWHERE or (self.depth and tag in FORBIDDEN_IN_ARTICLE and not ours):
            self.problems.append(f"<{tag}> {where}")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):  # Material writes none anywhere, the generator none in the content
                self.problems.append(f"<{tag} {name}={value!r}> {where}")
            if self.depth:
                self.article_attributes.add((tag, name))
                if name == "style":  # the generator aligns table columns and sizes charts; compared in the test
                    self.article_styles.add(re.sub(r"\d+(?:\.\d+)?", "N", value))  # a chart's width varies
            if name == "id":  # the theme finds its elements by id: __config, __search, __drawer...
                (self.article_ids if self.depth else self.theme_ids).append((tag, value))
            if name in URL_ATTRIBUTES:
                squeezed = re.sub(r"[\x00-\x20]", "", value).lower()
                if UNSAFE_SCHEME.match(squeezed):
                    self.problems.append(f"<{tag} {name}={value!r}> {where}")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "svg":
            self._svg -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "article" and self.depth:
            self.depth -= 1
        if tag == "svg" and self._svg:
            self._svg -= 1
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.article_text.append(data)
        if self._in_title:
            self.titles[-1] += data


def scan(markup: str) -> Scan:
    s = Scan()
    s.feed(markup)
    s.close()
    theirs = {value for _, value in s.theme_ids}
    s.problems += [f"<{tag} id={value!r}> in <article>: the theme's id"
                   for tag, value in s.article_ids if value in theirs]  # fmt: skip
    return s


# 1. The hostile journal: the fixture, the build, the built files


def test_fixture_puts_payloads_in_every_text_field_and_validates(runner):
    seen: dict[str, set[str]] = {kind: set() for kind in TEXT_FIELDS}
    for kind, path in records(HOSTILE):
        values: dict[str, list[str]] = {}
        for key, value in text_values(yaml.safe_load(path.read_text(encoding="utf-8"))):
            values.setdefault(key, []).append(value)
            assert "alert(1)" in value or any(p in value for p in PAYLOADS), f"{path.name}: {key}: {value!r}"
        seen[kind] |= set(values)
        if path.stem in (EVERYTHING, "hostile-case", "partners"):
            for key, found in values.items():
                if key != "alias":  # an alias is also a page slug: see test_a_long_alias_builds
                    assert any(all(p in v for p in PAYLOADS) for v in found), f"{path.name}: {key}: not every payload"
                if key in ("notes", "narrative", "outcome"):
                    assert all('\n--8<-- "/etc/passwd"\n' in v for v in found), "a snippet line of its own"
    for kind, fields in TEXT_FIELDS.items():
        assert fields <= seen[kind], f"{kind}: no payload in {fields - seen[kind]}"
    session = yaml.safe_load((HOSTILE / "sessions" / f"{BREAKOUT}.yaml").read_text(encoding="utf-8"))
    assert session["title"] == BREAKOUT_TITLE
    result = runner.invoke(cli, ["check", str(HOSTILE)])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    """The hostile journal's site, and the same site with every text replaced by plain words."""
    built = {}
    for name in ("hostile", "harmless"):
        folder = tmp_path_factory.mktemp(name)
        journal = folder / "journal"
        shutil.copytree(HOSTILE, journal)
        if name == "harmless":
            for _, path in records(journal):
                data = harmless(yaml.safe_load(path.read_text(encoding="utf-8")))
                path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        build(site_config(folder, journal), folder / "site")
        built[name] = folder / "site"
    return built


def test_the_checks_see_what_they_look_for():
    """The scanner and the script count, on markup that has every fault they look for."""
    page = ('<html><head><title>a</title><script src="x.js"></script></head><body><iframe></iframe>'
            '<article><p onclick="alert(1)">x</p><a href=" JaVa\tScript:alert(1)">x</a><img src="data:x">'
            '<style>p{}</style><h1 id="__config">x</h1><svg><title>chart</title></svg></article>'
            '<script id="__config">alert(1)</script></body></html>')  # fmt: skip
    s = scan(page)
    assert s.problems == [
        "<iframe> on the page", "<p onclick='alert(1)'> in <article>",
        "<a href=' JaVa\\tScript:alert(1)'> in <article>",
        "<img src='data:x'> in <article>", "<style> in <article>", "<h1 id='__config'> in <article>: the theme's id",
    ], s.problems  # fmt: skip
    assert s.titles == ["a"]
    assert len(SCRIPT_BLOCK.findall(page)) == len(SCRIPT_OPEN.findall(page)) == 2
    assert normal_script('<script src="../../assets/a.js"></script>') == normal_script(
        '<script src="assets/a.js"></script>'
    )


def test_hostile_site_has_every_page(sites):
    site = sites["hostile"]
    for path in ["index.html", "journal/index.html", f"journal/sessions/{EVERYTHING}/index.html",
                 f"journal/sessions/{BREAKOUT}/index.html", "journal/case-studies/hostile-case/index.html",
                 "journal/partners/human-one/index.html", "journal/partners/ai-one/index.html",
                 "journal/lessons/index.html", "journal/ledger/index.html", "journal/feed.xml",
                 "journal/journal.json"]:  # fmt: skip
        assert (site / path).is_file(), path
    def apart_from_tag_pages(site: Path) -> set[str]:  # every payload is a tag too: many more tag pages
        return {p for p in pages(site) if not p.startswith("journal/lessons/") or p == "journal/lessons/index.html"}

    assert len(apart_from_tag_pages(site)) == len(apart_from_tag_pages(sites["harmless"]))
    assert len(pages(site)) >= len(pages(sites["harmless"])) >= 15
    assert "CANARY-SNIPPET-INCLUDED" in (site / "index.html").read_text(encoding="utf-8"), (
        "snippets is live on this site: a snippet line that reached it would be included"
    )


def test_no_script_on_any_page_but_the_themes_own(sites):
    harmless_pages = pages(sites["harmless"])
    allowed = {normal_script(b) for page in harmless_pages.values() for b in SCRIPT_BLOCK.findall(page)}
    usual = Counter(len(SCRIPT_BLOCK.findall(page)) for page in harmless_pages.values()).most_common(1)[0][0]
    assert allowed and usual >= 1
    problems = []
    for path, page in pages(sites["hostile"]).items():
        blocks = SCRIPT_BLOCK.findall(page)
        expected = len(SCRIPT_BLOCK.findall(harmless_pages[path])) if path in harmless_pages else usual
        if len(SCRIPT_OPEN.findall(page)) != len(blocks) or len(blocks) != expected:
            problems.append(f"{path}: {len(SCRIPT_OPEN.findall(page))} '<script', {expected} expected")
        problems += [f"{path}: foreign {b[:120]!r}" for b in blocks if normal_script(b) not in allowed]
    assert problems == []


def test_no_handler_unsafe_url_frame_or_style_from_user_text(sites):
    """Parsed as HTML: no on* or style attribute and no <style> in the content, no javascript:/data: URL,
    no frame anywhere, no attribute the harmless site does not have (attr_list injection)."""
    problems = []
    harmless_attributes, harmless_styles = set(), set()
    for path, page in pages(sites["harmless"]).items():
        s = scan(page)
        assert s.problems == [], f"the harmless site is the baseline: {path}: {s.problems}"
        harmless_attributes |= s.article_attributes
        harmless_styles |= s.article_styles
    # What sanitised Markdown adds to a page: links and images, table alignment.
    harmless_attributes |= {("a", "href"), ("a", "title"), ("a", "rel"), ("img", "src"), ("img", "alt"),
                            ("img", "title"), ("th", "align"), ("td", "align"), ("abbr", "title")}  # fmt: skip
    for path, page in pages(sites["hostile"]).items():
        s = scan(page)
        problems += [f"{path}: {p}" for p in s.problems]
        problems += [f"{path}: new attribute <{t} {a}>" for t, a in sorted(s.article_attributes - harmless_attributes)]
        problems += [f"{path}: new style={v!r}" for v in sorted(s.article_styles - harmless_styles)]
    assert problems == []


def test_template_syntax_stays_literal_and_no_file_is_included(sites):
    site = sites["hostile"]
    for path in (f"journal/sessions/{EVERYTHING}/index.html", "journal/case-studies/hostile-case/index.html",
                 "journal/partners/human-one/index.html"):  # fmt: skip
        text = "".join(scan((site / path).read_text(encoding="utf-8")).article_text)
        assert "{{ 7*7 }}" in text and "{% raw %}" in text, path
        assert "49" not in text, f"{path}: a template was evaluated"
        assert '--8<-- "/etc/passwd"' in text, f"{path}: the snippet line is shown as text"
    for path in sorted(site.rglob("*")):
        if path.is_file() and "assets" not in path.parts and path.suffix in (".html", ".json", ".xml"):
            content = path.read_text(encoding="utf-8")
            assert "root:x:" not in content and ":/usr/sbin/nologin" not in content, f"{path}: /etc/passwd included"


def test_the_breakout_title_is_text_in_one_title_element(sites):
    page = (sites["hostile"] / f"journal/sessions/{BREAKOUT}/index.html").read_text(encoding="utf-8")
    s = scan(page)
    assert len(s.titles) == 1, s.titles
    assert "alert(1)" in s.titles[0] and "script" in s.titles[0], s.titles[0]
    head = page.split("</head>", 1)[0]
    assert len(re.findall(r"<title\b", head)) == 1 and len(re.findall(r"</title>", head)) == 1


def test_feed_is_well_formed_and_carries_the_payloads_as_text(sites):
    feed = (sites["hostile"] / "journal/feed.xml").read_text(encoding="utf-8")
    assert not SCRIPT_OPEN.search(feed)
    root = ElementTree.fromstring(feed)
    atom = "{http://www.w3.org/2005/Atom}"
    assert not [e for e in root.iter() if e.tag.rsplit("}", 1)[-1] in ("script", "iframe", "style", "img", "svg")]
    titles = [e.findtext(f"{atom}title") for e in root.iter(f"{atom}entry")]
    assert BREAKOUT_TITLE in titles, titles
    for e in root.iter():
        for name, value in e.attrib.items():
            assert not UNSAFE_SCHEME.match(value.strip().lower()), (e.tag, name, value)


def test_journal_json_is_json_with_the_records_text_verbatim(sites):
    data = json.loads((sites["hostile"] / "journal/journal.json").read_text(encoding="utf-8"))
    session = next(s for s in data["sessions"] if s["id"] == BREAKOUT)
    assert session["title"] == BREAKOUT_TITLE
    record = yaml.safe_load((HOSTILE / "sessions" / f"{BREAKOUT}.yaml").read_text(encoding="utf-8"))
    assert session["goal"] == record["goal"] and session["notes"] == record["notes"]


def data_files(site: Path) -> list[Path]:
    return [p for p in sorted(site.rglob("*")) if p.suffix in (".json", ".xml") and "assets" not in p.parts]


def test_no_raw_script_tag_in_the_search_index_tags_feed_or_sitemap(sites):
    files = {p.relative_to(sites["hostile"]).as_posix(): p for p in data_files(sites["hostile"])}
    assert {"search/search_index.json", "tags.json", "journal/feed.xml", "sitemap.xml"} <= set(files)
    found = {name: len(SCRIPT_OPEN.findall(p.read_text(encoding="utf-8"))) for name, p in files.items()
             if name != "journal/journal.json"}  # fmt: skip
    assert {name: n for name, n in found.items() if n} == {}


def test_journal_json_holds_no_raw_script_tag(sites):
    assert SCRIPT_OPEN.findall((sites["hostile"] / "journal/journal.json").read_text(encoding="utf-8")) == []


def test_a_long_alias_builds(journal_copy, runner, tmp_path):
    root = journal_copy("minimal")
    alias = "The second reader of the draft " * 10
    edit(root / "partners.yaml", "name: Alexa\n", f"name: Alexa\n  anonymous: true\n  alias: {alias}\n")
    check = runner.invoke(cli, ["check"])
    assert check.exit_code == 0, check.output
    result = runner.invoke(cli, ["build", "-q", "-d", str(tmp_path / "site")])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 0, result.output


def test_a_record_file_name_cannot_break_out_of_the_edit_link(tmp_path):
    journal = tmp_path / "journal"
    shutil.copytree(FIXTURES / "minimal", journal)
    record = journal / "sessions" / "2026-01-10-outline.yaml"
    hostile = record.with_name('"><img src=x onerror=alert(1)>.yaml')
    hostile.write_text("id: outline\n" + record.read_text(encoding="utf-8"), encoding="utf-8")
    record.unlink()
    assert CliRunner().invoke(cli, ["check", str(journal)]).exit_code == 0
    build(site_config(tmp_path / "config", journal), tmp_path / "site")
    page = (tmp_path / "site/journal/sessions/outline/index.html").read_text(encoding="utf-8")
    assert "Edit this page" in page
    assert scan(page).problems == []


# 1b. The hostile site in a real browser


@pytest.fixture(scope="module")
def hostile_base(sites):
    served = Served(sites["hostile"])
    yield served.base
    served.close()


DOM_JS = """() => {
  const bad = [];
  for (const el of document.querySelectorAll("article *")) {
    for (const a of el.attributes) {
      if (a.name.startsWith("on")) bad.push(el.tagName + " " + a.name);
    }
  }
  for (const el of document.querySelectorAll("[href], [src], [action], [formaction]")) {
    for (const name of ["href", "src", "action", "formaction"]) {
      const v = (el.getAttribute(name) || "").replace(/[\\u0000-\\u0020]/g, "").toLowerCase();
      if (/^(javascript|data|vbscript):/.test(v)) bad.push(el.tagName + " " + name + "=" + v);
    }
  }
  for (const el of document.querySelectorAll("iframe, frame, object, embed, article style, article script")) {
    bad.push(el.tagName);
  }
  return {bad, scripts: document.scripts.length, titles: document.querySelectorAll("head > title").length,
          title: document.title, article: (document.querySelector("article") || {}).innerText || ""};
}"""


def test_no_dialog_opens_on_any_page_of_the_hostile_site(browser, hostile_base, sites):
    paths = [""] + sorted(str(p.parent.relative_to(sites["hostile"])) + "/"
                          for p in (sites["hostile"] / "journal").rglob("index.html"))  # fmt: skip
    assert len(paths) >= 14
    harmless = Served(sites["harmless"])
    v = Reader(browser, hostile_base, settle_ms=100)
    h = Reader(browser, harmless.base, settle_ms=100)
    try:
        h.open("journal/")
        expected_scripts = h.page.evaluate(DOM_JS)["scripts"]
        findings = {}
        for path in paths:
            page = v.open(path)
            dom = page.evaluate(DOM_JS)
            if dom["bad"] or dom["scripts"] != expected_scripts or dom["titles"] != 1:
                findings[path] = dom["bad"], dom["scripts"], dom["titles"]
        # Material's search highlighting and anchors take the address as input too.
        v.open(f"journal/sessions/{EVERYTHING}/?h={quote('<img src=x onerror=alert(1)>')}")
        v.open(f"journal/sessions/{EVERYTHING}/#{quote('<img src=x onerror=alert(1)>')}")
    finally:
        v.close()
        h.close()
        harmless.close()
    assert v.dialogs == []
    assert findings == {}, f"(bad markup, script elements, <title> elements); {expected_scripts} scripts expected"
    assert v.errors == []
    assert v.outside == []


def test_breakout_title_in_the_browser(browser, hostile_base):
    v = Reader(browser, hostile_base, settle_ms=100)
    try:
        dom = v.open(f"journal/sessions/{BREAKOUT}/").evaluate(DOM_JS)
    finally:
        v.close()
    assert v.dialogs == []
    assert dom["titles"] == 1
    assert "alert(1)" in dom["title"] and "script" in dom["title"], dom["title"]
    assert "{{ 7*7 }}" in dom["article"] and "49" not in dom["article"]


SEARCH_RESULTS_JS = """() => [...document.querySelectorAll(".md-search-result *")]
  .flatMap(el => [...el.attributes].filter(a => a.name.startsWith("on")).map(a => el.tagName + " " + a.name))
  .concat([...document.querySelectorAll(".md-search-result :is(script, img, iframe)")].map(e => e.tagName))"""


def test_searching_for_a_payload_opens_no_dialog(browser, hostile_base):
    v = Reader(browser, hostile_base, settle_ms=100)
    try:
        page = v.open("")
        page.keyboard.press("/")
        box = page.locator("input.md-search__input")
        box.wait_for(state="visible")
        # The last query may find nothing (the index holds the text escaped: "&lt;script&gt;..." is one word).
        for query, found in (("<img src=x onerror=alert(1)>", True), ("alert", True), ("{{ 7*7 }}", True),
                             ("<script>alert(1)</script>", False)):  # fmt: skip
            box.fill("")
            box.press_sequentially(query, delay=5)
            if found:
                page.locator(".md-search-result__item").first.wait_for(timeout=10_000)
            page.locator(".md-search-result__meta").wait_for(timeout=10_000)
            page.wait_for_timeout(300)
            assert page.locator(".md-search-result__item").count() >= 1 or not found, query
            problems = page.evaluate(SEARCH_RESULTS_JS)
            assert problems == [], query
    finally:
        v.close()
    assert v.dialogs == []
    assert v.errors == []


def test_a_title_that_names_a_theme_element_id_does_not_break_the_page(request, tmp_path):
    journal = tmp_path / "journal"
    shutil.copytree(FIXTURES / "minimal", journal)
    record = journal / "sessions" / "2026-01-10-outline.yaml"
    edit(record, "title: Outlining the post\n", "title: __config\n")
    build(site_config(tmp_path / "config", journal), tmp_path / "site")
    page = (tmp_path / "site/journal/sessions/2026-01-10-outline/index.html").read_text(encoding="utf-8")
    assert scan(page).problems == []
    served = Served(tmp_path / "site")
    v = Reader(request.getfixturevalue("browser"), served.base, settle_ms=100)
    try:
        v.open("journal/sessions/2026-01-10-outline/")
    finally:
        v.close()
        served.close()
    assert v.errors == []


# 2. Deterministic output


def build_process(config: Path, site: Path, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "build", "-q", "-f", str(config), "-d", str(site)],
        cwd=site.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


def build_twice(tmp_path: Path, env: dict[str, str], second: dict[str, str] | None = None) -> tuple[Path, Path]:
    """The example site built twice, at once, in two processes with different hash seeds (set order differs).

    `second` changes the environment of the second build.
    """
    one, two = tmp_path / "one" / "site", tmp_path / "two" / "site"
    processes = []
    for seed, site, extra in (("1", one, {}), ("2", two, second or {})):
        site.parent.mkdir(parents=True)
        processes.append(build_process(ROOT / "mkdocs.yml", site, {**env, "PYTHONHASHSEED": seed, **extra}))
    for p in processes:
        output = p.communicate(timeout=120)[0]
        assert p.returncode == 0, output
    return one, two


def differing(one: Path, two: Path) -> list[str]:
    files = {p.relative_to(one).as_posix() for p in one.rglob("*") if p.is_file()}
    files |= {p.relative_to(two).as_posix() for p in two.rglob("*") if p.is_file()}
    return sorted(f for f in files if not ((one / f).is_file() and (two / f).is_file()
                                           and (one / f).read_bytes() == (two / f).read_bytes()))  # fmt: skip


def test_same_input_same_bytes_with_source_date_epoch(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    one, two = build_twice(tmp_path, dict(os.environ))
    assert len([p for p in one.rglob("*") if p.is_file()]) > 50
    for name in ("journal/journal.json", "journal/feed.xml", "search/search_index.json", "sitemap.xml",
                 "sitemap.xml.gz", "journal/index.html"):  # fmt: skip
        assert (one / name).is_file(), name
    assert differing(one, two) == []


def test_same_input_same_journal_without_source_date_epoch(tmp_path, monkeypatch):
    """Without SOURCE_DATE_EPOCH only the build date may differ: sitemap lastmod and the gzip header."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    one, two = build_twice(tmp_path, dict(os.environ))
    different = differing(one, two)
    print("files that differ between two builds without SOURCE_DATE_EPOCH:", different or "none")
    assert [f for f in different if f.startswith("journal/")] == []
    assert set(different) <= {"sitemap.xml", "sitemap.xml.gz", ".pjournal-site"}, different  # the marker hashes the sitemap
    marked = [json.loads((site / ".pjournal-site").read_text(encoding="utf-8"))["files"] for site in (one, two)]
    assert {k for k in marked[0] if marked[0][k] != marked[1].get(k)} <= {"sitemap.xml", "sitemap.xml.gz"}


def test_a_build_on_another_day_differs_only_in_the_sitemap(tmp_path, monkeypatch):
    """The build date reaches only the sitemap (lastmod, and the gzip header): no page or export says "today"."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    one, two = build_twice(tmp_path, dict(os.environ), second={"SOURCE_DATE_EPOCH": "1780272000"})  # 2026-06-01
    different = differing(one, two)
    print("files that differ between builds dated 2026-01-01 and 2026-06-01:", different or "none")
    assert set(different) <= {"sitemap.xml", "sitemap.xml.gz", ".pjournal-site"}, different  # the marker hashes the sitemap
    marked = [json.loads((site / ".pjournal-site").read_text(encoding="utf-8"))["files"] for site in (one, two)]
    assert {k for k in marked[0] if marked[0][k] != marked[1].get(k)} <= {"sitemap.xml", "sitemap.xml.gz"}


# 3. A build killed half-way


def snapshot(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def pjournal_build(cwd: Path, *extra: str) -> subprocess.Popen:
    """A build in its own process; its temporary files (left behind when it is killed) go under cwd."""
    (cwd / "tmp").mkdir(exist_ok=True)
    return subprocess.Popen([sys.executable, "-m", "generator.cli", "build", "-q", "-d", "site", *extra], cwd=cwd,
                            env={**os.environ, "TMPDIR": str(cwd / "tmp")},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip


def test_a_build_killed_half_way_leaves_the_last_site(tmp_path):
    synth = subprocess.run([sys.executable, str(ROOT / "benchmarks/synth.py"), "150", str(tmp_path)],
                           capture_output=True, text=True, timeout=60)  # fmt: skip
    assert synth.returncode == 0, synth.stderr
    for extra in ("plain", "blog"):  # the comparison sites synth.py also writes
        shutil.rmtree(tmp_path / extra)
    start = time.monotonic()
    first = pjournal_build(tmp_path)
    output = first.communicate(timeout=120)[0]
    duration = time.monotonic() - start
    assert first.returncode == 0, output
    site = tmp_path / "site"
    before = snapshot(site)
    assert len(before) > 150

    second = pjournal_build(tmp_path)
    started = time.monotonic()
    staging_seen = False
    # At 40% of the first build's time; on a loaded machine, not before the build has begun writing.
    while (time.monotonic() < started + 0.4 * duration or not staging_seen) and time.monotonic() < started + duration:
        staging_seen = staging_seen or any(tmp_path.glob(".site-*"))
        time.sleep(0.01)
    killed_at = time.monotonic() - started
    second.send_signal(signal.SIGKILL)
    second.communicate(timeout=30)
    assert second.returncode == -signal.SIGKILL, "killed before it finished"
    leftovers = sorted(p.name for p in tmp_path.glob(".site-*"))
    print(f"first build {duration:.2f} s; second killed after {killed_at:.2f} s; staging folders left: {leftovers}")
    assert staging_seen, "the kill came while the second build was writing its staging folder"
    assert snapshot(site) == before, "the last site is untouched"

    third = pjournal_build(tmp_path)
    output = third.communicate(timeout=120)[0]
    assert third.returncode == 0, output
    after = snapshot(site)
    assert set(after) == set(before)
    assert {k: v for k, v in after.items() if k.startswith("journal/")} == {
        k: v for k, v in before.items() if k.startswith("journal/")
    }
    print("left after the next good build:", sorted(p.name for p in tmp_path.glob(".site-*")))


KILL_BETWEEN_RENAMES = """
import os, pathlib, signal, sys
rename = pathlib.Path.rename
def killing_rename(self, target):
    result = rename(self, target)
    if pathlib.Path(target).name.startswith(".site-old-"):  # the old site moved aside; the new not yet in
        os.kill(os.getpid(), signal.SIGKILL)
    return result
pathlib.Path.rename = killing_rename
from generator.cli import cli
sys.argv = ["pjournal", "build", "-q", "-d", "site"]
cli()
"""


def test_a_build_killed_while_swapping_leaves_a_site(journal_copy, tmp_path):
    journal_copy("minimal")
    first = pjournal_build(tmp_path)
    assert first.wait(timeout=60) == 0
    killed = subprocess.run([sys.executable, "-c", KILL_BETWEEN_RENAMES], cwd=tmp_path, capture_output=True,
                            text=True, timeout=60)  # fmt: skip
    # 0: the build never moved the old site aside (the swap changed): then the site must simply be there.
    assert killed.returncode in (0, -signal.SIGKILL), killed.stderr
    assert (tmp_path / "site" / "index.html").is_file(), sorted(p.name for p in tmp_path.iterdir())


# 4. serve started on a broken journal


def test_serve_starts_on_a_broken_journal_and_recovers(tmp_path):
    shutil.copytree(FIXTURES / "minimal", tmp_path / "journal")
    record = tmp_path / "journal/sessions/2026-01-10-outline.yaml"
    good = record.read_text(encoding="utf-8")
    edit(record, "  - partner: assistant\n", "  - partner: asistant\n")
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "generator.cli", "serve", "-a", f"127.0.0.1:{port}"],
                              cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    home = f"http://127.0.0.1:{port}/"
    try:
        assert wait_for(lambda: "The journal has 1 error;" in fetch(home) or server.poll() is not None), (
            "the server starts and says the journal has an error"
        )
        assert server.poll() is None, "the server is still running"
        page = fetch(home)
        assert "The journal has 1 error;" in page
        assert re.search(r"2026-01-10-outline\.yaml:\d+:\d+: partners\[1\]\.partner: unknown partner", page), page
        assert "asistant" in page

        record.write_text(good, encoding="utf-8")
        session = f"{home}sessions/2026-01-10-outline/"
        assert wait_for(lambda: "Outlining the post" in fetch(session)), "the fix brings the real pages"
        assert "The journal has" not in fetch(home)
        assert "Outlining the post" in fetch(home)
        assert server.poll() is None, "the server never exits"
    finally:
        stop(server)
        log.close()
    assert "Traceback" not in (tmp_path / "serve.log").read_text(encoding="utf-8")
