"""Generated Markdown: render.py and markup.py, against golden pages."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from generator import markup, routes
from generator.analyze import CountSet, Counted, published
from generator.load import load_journal
from generator.privacy import Redacted, compile_patterns, redact
from generator.render import PageMemo, PageSpec, SessionCache, Site, render_site
from generator.validate import validate
from helpers import valid, write

from conftest import FIXTURES, GOLDEN


def test_design_example_pages_match_golden_files(update_golden):
    pages = render_site(valid(FIXTURES / "design"))
    folder = GOLDEN / "design"
    if update_golden:
        for page in pages.values():
            write(folder / page.src_uri, page.content)
    expected = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.md"))
    assert sorted(pages) == expected
    for uri, page in pages.items():
        assert page.content == (folder / uri).read_text(encoding="utf-8"), f"{uri} differs from its golden file"


def test_rendering_is_deterministic():
    journal = valid(FIXTURES / "design")
    first = {uri: p.content for uri, p in render_site(journal).items()}
    assert first == {uri: p.content for uri, p in render_site(valid(FIXTURES / "design")).items()}


def test_sessions_are_not_in_the_nav_but_the_top_pages_are():
    pages = render_site(valid(FIXTURES / "design"))
    placed = sorted((p for p in pages.values() if p.nav is not None), key=lambda p: p.nav.rank)
    assert [p.src_uri for p in placed] == [
        routes.OVERVIEW, routes.FRAMEWORK, routes.CASE_STUDIES, routes.case_study("writing-beyond-the-manifesto"), routes.PARTNERS,
        routes.SESSIONS, routes.LESSONS, routes.LEDGER, routes.HANDOFFS, routes.FEEDBACK, routes.EVOLUTION,
        routes.CALIBRATION,
    ]  # fmt: skip
    assert {p.nav.section for p in placed} == {None, "Case studies"}


def test_anonymous_partner_appears_only_as_alias():
    pages = render_site(valid(FIXTURES / "design"))
    assert "partners/second-reader.md" in pages
    for page in pages.values():
        assert "Jane Roe" not in page.content
        assert "reviewer" not in page.content


def test_drafts_are_left_out_unless_asked(journal_copy):
    root = journal_copy("minimal")
    path = root / "sessions/2026-01-10-outline.yaml"
    write(path, path.read_text() + "status: draft\n")
    journal = valid(root)
    assert "sessions/2026-01-10-outline.md" not in render_site(published(journal))
    page = render_site(published(journal, drafts=True))["sessions/2026-01-10-outline.md"]
    assert "<strong>draft</strong>" in page.body


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("plain words", "plain words"),
        ("**bold** and *em*", "<strong>bold</strong> and <em>em</em>"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
        ("[click](javascript:alert(1))", '<a rel="noopener noreferrer nofollow">click</a>'),
        ("[site](https://example.org)", '<a href="https://example.org" rel="noopener noreferrer nofollow">site</a>'),
        ("{{ config }} {% raw %}", "&#123;&#123; config &#125;&#125; &#123;% raw %&#125;"),
        ("a | b", "a &#124; b"),
        ("`<b>`", "<code>&lt;b&gt;</code>"),
        ("{: onclick=alert(1) }", "&#123;: onclick=alert(1) &#125;"),
    ],
)
def test_inline_text_is_markdown_but_never_markup(text, html):
    assert markup.inline(text) == html


def test_block_text_keeps_structure_and_drops_html():
    html = markup.block("# Heading\n\n- one\n- two\n\n<!-- hidden --><iframe src=x></iframe>")
    assert html.startswith('<div class="pj-text">\n<h3>Heading</h3>')
    assert "<li>one</li>" in html
    assert "<iframe" not in html and "&lt;iframe" in html
    assert "&lt;!-- hidden --&gt;" in html


def test_titles_are_inert_wherever_a_theme_prints_them():
    assert markup.plain("Q&A: </title><script>x</script>") == "Q&amp;A: \u2039/title\u203a\u2039script\u203ax\u2039/script\u203a"
    assert markup.plain("Writing *Beyond the Manifesto*") == "Writing Beyond the Manifesto"


@pytest.mark.parametrize(
    ("text", "level", "levels"),
    [
        ("### Details\n\ntext", 3, [3]),
        ("# A\n\n### B\n\n###### C", 3, [3, 4, 5]),
        ("## A\n\n## B\n\n#### C", 2, [2, 2, 3]),
        ("# A\n\n## B\n\n### C\n\n#### D\n\n##### E", 3, [3, 4, 5, 6, 6]),
    ],
)
def test_headings_in_user_text_sit_under_their_section_without_skipping_a_level(text, level, levels):
    html = markup.block(text, level)
    assert [int(n) for n in re.findall(r"<h([1-6])>", html)] == levels


def _heading_levels(body: str) -> list[int]:
    return [int(n) for n in re.findall(r"<h([1-6])[ >]", body)]


def test_no_page_skips_a_heading_level(tmp_path):
    root = tmp_path / "journal"
    write(root / "partners.yaml", (FIXTURES / "minimal/partners.yaml").read_text(encoding="utf-8"))
    write(root / "case-studies/study.yaml", "title: T\nsummary: S\nnarrative: |\n  ### Plan\n\n  ##### Detail\n")
    session = (FIXTURES / "minimal/sessions/2026-01-10-outline.yaml").read_text(encoding="utf-8")
    block = "|\n  ### Details\n\n  ##### Deeper\n"
    write(root / "sessions/2026-01-10-outline.yaml", f"{session}case_study: study\noutcome: {block}notes: {block}")
    pages = render_site(valid(root))
    for uri in ("sessions/2026-01-10-outline.md", "case-studies/study.md"):
        levels = _heading_levels(pages[uri].body)
        assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:])), (uri, levels)
    assert "<h3>Details</h3>\n<h4>Deeper</h4>" in pages["sessions/2026-01-10-outline.md"].body
    assert "<h2>Plan</h2>\n<h3>Detail</h3>" in pages["case-studies/study.md"].body


def test_an_ampersand_in_a_chart_title_is_escaped_once(tmp_path):
    root = tmp_path / "journal"
    write(root / "partners.yaml", (FIXTURES / "minimal/partners.yaml").read_text(encoding="utf-8")
          .replace("Writing assistant", "R&D *bot*"))  # fmt: skip
    write(root / "case-studies/study.yaml", "title: R&D notes\nsummary: S\n")
    session = (FIXTURES / "minimal/sessions/2026-01-10-outline.yaml").read_text(encoding="utf-8")
    write(root / "sessions/2026-01-10-outline.yaml", f"{session}case_study: study\n")
    pages = render_site(valid(root))
    study = pages["case-studies/study.md"].body
    assert '<title id="contributions-study-title">Contributions to R&amp;D notes by partner and kind</title>' in study
    partner = pages["partners/assistant.md"].body
    assert '<title id="kinds-assistant-title">Contributions of R&amp;D bot by kind</title>' in partner
    assert "&amp;amp;" not in study + partner


class _Nesting(HTMLParser):
    """Counts links opened inside another link."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = self.nested = 0

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.nested += self.depth > 0
            self.depth += 1

    def handle_endtag(self, tag):
        if tag == "a":
            self.depth -= 1


def test_no_link_inside_a_link_whatever_the_text_holds():
    """Titles, lessons and claims of the hostile fixture hold Markdown links; where such text is
    itself a link's text (session links, counted records, lesson items), its links keep only their text."""
    pages = render_site(published(valid(FIXTURES / "hostile"), drafts=True))
    nested = {}
    for uri, page in pages.items():
        parser = _Nesting()
        parser.feed(page.body)
        if parser.nested:
            nested[uri] = parser.nested
    assert nested == {}
    assert sum(p.body.count('rel="noopener noreferrer nofollow"') for p in pages.values()) > 100, (
        "the fixture's texts do hold links, so nesting could happen")


#: A redact pattern that touches nearly every record, so that the records as redacted are kept too.
_THE = compile_patterns([r"(?i)\bthe\b"])


def _served(root, cache, sessions, memo, redacted):
    """The pages as `serve` makes them: records kept between renders, as loaded and as redacted, the last
    render's pages reused."""
    journal = redact(published(validate(load_journal(root, cache)), True), _THE, redacted)
    return journal, render_site(journal, sessions, memo=memo)


@pytest.mark.parametrize("name", ["figures", "design"])
def test_pages_reused_across_edits_are_those_of_a_fresh_render(journal_copy, name):
    """Every edit, rendered with the last render's pages at hand, gives every page of a fresh render."""
    root = journal_copy(name)
    session = next(iter(sorted((root / "sessions").rglob("*.yaml"))))
    partners, study = root / "partners.yaml", next(iter((root / "case-studies").glob("*.yaml")))
    def first(path, old, new):
        assert old in path.read_text(), f"{path} has no {old!r}"
        write(path, path.read_text().replace(old, new, 1))

    edits = [
        lambda: first(session, "title: ", "title: Edited "),  # shown on year pages and in counts' lists
        lambda: first(session, "held_up: true", "held_up: false"),  # figures, calibration, ledger
        lambda: first(session, "acted_on: true", "acted_on: false"),  # a count other pages only link to
        lambda: first(partners, "name: ", "name: Renamed "),
        lambda: first(study, "title: ", "title: Renamed "),
        lambda: session.unlink(),
        lambda: write(session, "title: Back again\n" + session_text.split("\n", 1)[1]),
    ]
    session_text = session.read_text()
    cache, sessions, memo, redacted = {}, SessionCache(), PageMemo(), Redacted()
    journal, _ = _served(root, cache, sessions, memo, redacted)
    reused = kept = 0
    for make_edit in edits:
        last, last_sessions = dict(memo.pages), {s.id: s for s in journal.sessions}
        make_edit()
        journal, served = _served(root, cache, sessions, memo, redacted)
        fresh = render_site(redact(published(valid(root), True), _THE))
        assert served.keys() == fresh.keys()
        for uri, page in fresh.items():
            assert served[uri] == page, f"{uri} is stale after an edit"
        reused += sum(1 for uri, (_, _, page) in memo.pages.items() if uri in last and last[uri][2] is page)
        kept += sum(1 for s in journal.sessions if last_sessions.get(s.id) is s)
    assert reused  # pages whose inputs were the same were not made again
    assert kept  # records redacted before and unchanged were not redacted again


def test_a_page_is_made_again_when_a_count_set_it_looks_up_changed():
    """A page's template may look up count sets besides its values (a total's parts): those are compared too."""
    journal = valid(FIXTURES / "figures")
    memo, total = PageMemo(), CountSet("total", "Total", [], parts=("part",))
    spec = PageSpec(routes.count("total"), "counts.html.j2", dict(page_title="Totals", together=[total]))

    def served(parts: int) -> str:
        site = Site(journal, True, SessionCache(), memo)
        items = [Counted(s, "", s.title) for s in journal.sessions[:parts]]
        site.__dict__["count_sets"] = {"total": total, "part": CountSet("part", "Part", items)}  # as analysed
        page = site.page(spec)
        site.remember()
        return page.body

    assert "Part: <a" in served(1) and ">1</a>" in served(1)
    assert ">2</a>" in served(2)
