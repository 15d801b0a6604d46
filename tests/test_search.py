"""Search of journal pages: `search.sections` against Material's own parser, and the index a site gets.

Journal pages are cut into search sections by our scanner instead of Material's html.parser
(it was close to half of a build). The claim is that search finds exactly what it found
before: the same sections, page by page, and a built site's search_index.json the same byte
for byte as the one Material's parser makes of it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from material.plugins.search.plugin import Parser
from mkdocs.__main__ import cli as mkdocs_cli

from generator import markup, plugin
from generator.analyze import published
from generator.cli import cli
from generator.render import render_site
from generator.search import sections
from helpers import valid

from conftest import FIXTURES, ROOT


def material(content: str) -> list[tuple]:
    parser = Parser()
    parser.feed(content)
    parser.close()
    return [(s.el.tag, s.id, s.title, s.text, s.is_excluded()) for s in parser.data]


def ours(content: str) -> list[tuple]:
    return [(s.tag, s.id, s.title, s.text, s.excluded) for s in sections(content)]


JOURNALS = [ROOT / "journal", *(FIXTURES / name for name in ("design", "figures", "hostile", "minimal"))]


@pytest.mark.parametrize("root", JOURNALS, ids=lambda p: p.name)
def test_every_page_has_the_sections_material_finds(root):
    pages = render_site(published(valid(root), True))
    assert len(pages) > 10
    for uri, page in pages.items():
        assert ours(page.body) == material(page.body), uri


CASES = {
    "preface, then headings": '<p>Before</p>\n<h2 id="a">A <em>b</em></h2>\n<p>x  y\nz</p>\n<h3 id="c">C</h3>\n<ul>\n<li>one</li>\n<li></li>\n</ul>\n',
    "h1 first has no id": '<h1 id="t">Title</h1>\n<p>t</p><h2 id="s">S</h2>',
    "permalinks left out of titles": '<h2 id="a">A<a class="headerlink" href="#a" title="Permanent link">&para;</a></h2><p>p</p>',
    "entities and markup characters": '<p>a &amp; b &lt;c&gt; &quot;d&quot; &#x27;e&#39; &copy;</p><p>&amp;amp;</p>',
    "pre keeps whitespace": '<pre><code>a\n\n  b\n</code></pre>\n\n\n<p>c</p>',
    "empty kept elements": '<p></p><p> </p><ul><li> </li></ul><p>x</p><p></p><code></code>',
    "excluded element and heading": '<div data-search-exclude><p>hidden</p><div>in</div>after</div><p>shown</p>'
                                    '<h2 id="x" data-search-exclude>X</h2><p>x</p><h2 id="y">Y</h2><p>y</p>',
    "script, style, comments, void and self-closing": '<p>a<br>b<br/>c</p><script>var x = "<p>";</script><style>p{}</style>'
                                                       '<!-- <p>no</p> --><svg><rect width="1"/><title>T</title></svg><img src="x.png" alt="i">',
    "nested heading inside a block": '<div><h2 id="in">In</h2><p>i</p></div><p>after</p><h3 id="n">N</h3>',
    "attributes: unquoted, single quotes, case": "<H2 ID='q'>Q</H2><P CLASS=linenodiv>skipped</P><p title=x>t</p>",
    "stray brackets and unclosed tags": '<p>a < b > c</p><p>open<li>x</div></p>',
    "empty elements between others of their kind": '<p> </p><ul>' + '<li>x</li><li> </li>' * 3 + '</ul><p></p>'
                                                   '<ul><li></li></ul><p>y</p><h2 id="z">Z</h2><ul><li> </li><li>z</li></ul>',
}


@pytest.mark.parametrize("content", CASES.values(), ids=CASES.keys())
def test_material_rules_one_by_one(content):
    assert ours(content) == material(content)


#: Pieces of Markdown and HTML that user text may hold, for random notes.
PIECES = ["# H\n", "## h2\n", "\n\n", "\n", "  ", "word", "*em*", "`code`", "- item\n", "1. one\n", "> quote\n",
          "    indented\n", "```\nfenced  \n```\n", "<b>raw</b>", "&amp;", "&", "<", "[link](https://x.org)", "|a|b|\n|-|-|\n|1|2|\n"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=25))
def test_user_text_of_any_shape_has_the_sections_material_finds(pieces):
    content = '<h2 id="notes">Notes</h2>\n' + markup.block("".join(pieces), 3) + "\n<p>" + markup.inline("".join(pieces)) + "</p>\n"
    assert ours(content) == material(content)


@pytest.mark.build
def test_the_example_site_has_the_search_index_material_makes(tmp_path, runner, monkeypatch):
    def build(target: Path) -> bytes:
        result = runner.invoke(cli, ["build", "-q", "-f", str(ROOT / "mkdocs.yml"), "-d", str(target)])
        assert result.exit_code == 0, result.output
        return (target / "search/search_index.json").read_bytes()

    fast = build(tmp_path / "fast")
    monkeypatch.setattr(plugin, "_index_journal_pages", lambda config: None)  # Material's parser for every page
    assert fast == build(tmp_path / "material")
    docs = json.loads(fast)["docs"]
    assert sum(d["location"].startswith("journal/sessions/") for d in docs) > 100


@pytest.mark.build
def test_a_plain_mkdocs_build_indexes_journal_pages_with_toc_permalinks(tmp_path, runner, monkeypatch):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/index.md").write_text('# Home\n\nA page of the site.\n\n<div data-search-exclude="yes">Not searched</div>\n',
                                            encoding="utf-8")  # Material strips the attribute it read
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: S\ntheme: material\nmarkdown_extensions:\n  - toc:\n      permalink: true\n"
        f"plugins:\n  - search\n  - partnership-journal:\n      journal_dir: {FIXTURES / 'design'}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(mkdocs_cli, ["build", "-q"]).exit_code == 0
    fast = (tmp_path / "site/search/search_index.json").read_bytes()
    pages = {p: p.read_bytes() for p in sorted((tmp_path / "site").rglob("*.html"))}
    monkeypatch.setattr(plugin, "_index_journal_pages", lambda config: None)
    assert runner.invoke(mkdocs_cli, ["build", "-q"]).exit_code == 0
    assert fast == (tmp_path / "site/search/search_index.json").read_bytes()
    assert pages == {p: p.read_bytes() for p in sorted((tmp_path / "site").rglob("*.html"))}
    assert b"Not searched" in pages[tmp_path / "site/index.html"] and b"data-search-" not in pages[tmp_path / "site/index.html"]
    assert b"Not searched" not in fast
    assert b"Permanent link" not in fast and b'"location":"index.html"' not in fast
