"""The journal as a publication: its lead, each case study's "What the records show", on the
hand-worked fixture (tests/fixtures/figures), and the pages that show them."""

from __future__ import annotations

import re
from pathlib import Path

from generator import analyze, story
from generator.render import Site, render_site
from helpers import valid

from conftest import FIXTURES


def _site() -> Site:
    return Site(valid(FIXTURES / "figures"), True)


def _text(site: Site, sentence: story.Sentence) -> str:
    """A sentence as a reader reads it, each figure its number."""
    return "".join(str(site.sizes[p.key]) if isinstance(p, story.Figure) else p for p in sentence)


def _figures(sentences) -> list[str]:
    return [p.key for s in sentences for p in s if isinstance(p, story.Figure)]


def test_the_lead_says_one_sentence_per_theme_each_figure_a_count():
    site = _site()
    said = story.lead(site.journal, site.framework[0].journal, site.sizes)
    assert [_text(site, s) for s in said] == [
        "Across 10 sessions, AI partners made 16 of the 25 contributions, most often drafting (8); human partners made 9.",
        "15 of the 25 contributions came with a stated confidence, and 1 said what the partner was unsure of.",
        "13 items of feedback went to an AI partner, and 7 came back from one.",
        "Work changed hands 5 times, 2 human to AI and 3 AI to human.",
        "4 contributions and decisions were found not to hold up; 4 of them were followed by feedback between the partners concerned.",
        "Of the 9 disagreements, 6 were decided by a human partner and 1 by an AI partner.",
    ]  # fmt: skip
    assert set(_figures(said)) <= site.count_sets.keys(), "every figure opens its records"


def test_a_case_study_paragraph_per_theme_and_no_most_often_from_a_tie():
    site = _site()
    id = "weekly-report"
    matrix = analyze.contribution_matrix(analyze.contributions_of(site.case_sessions[id]))
    themes = story.case_themes(id, matrix, site.names, site.framework[0].cases[id][0], site.sizes)
    shown = {t.title: [_text(site, s) for s in t.sentences] for t in themes}
    assert shown == {
        "Who did what": ["Hugo Two made 6 contributions.",  # direction and another kind tie at 2: no "most often"
                         "Assistant Three made 10 contributions, most often drafting (5)."],
        "Where they disagreed, and who decided": [
            "They disagreed 4 times: 2 decided by a human partner, 1 by an AI partner, 1 with no decider recorded.",
            "An AI partner's position was passed over for another's 1 time; the decision then did not hold up in 1."],
        "What feedback went each way": ["10 items of feedback went to the AI, most often about accuracy (4).",
                                        "5 items of feedback went from the AI to a human, most often about process (3)."],
        "Handoffs": ["Work changed hands 5 times: 2 human to AI, 3 AI to human."],
        "What did not hold up, and what followed": [
            "2 contributions and decisions were found not to hold up; 2 of them were followed by feedback between the "
            "partners concerned in the next sessions."],
    }  # fmt: skip
    assert set(_figures(s for t in themes for s in t.sentences)) <= site.count_sets.keys()


def test_case_study_reads_narrative_first_then_the_records_then_details_and_folds_the_reading():
    pages = render_site(valid(FIXTURES / "figures"))
    body = pages["case-studies/weekly-report.md"].body
    order = [body.index(marker) for marker in ('class="pj-attribution"', 'id="what-the-records-show"', 'id="sessions"',
                                               '<details class="pj-made">')]  # fmt: skip
    assert order == sorted(order)
    assert body.count("reads:") == 1 and body.index("reads:") > body.index('<details class="pj-made">')
    assert re.search(r'They disagreed <a class="pj-count" href="[^"]+#case-weekly-report_story_disagreements">4</a> times', body)


def test_front_page_leads_with_sentences_then_case_study_cards_then_counts():
    body = render_site(valid(FIXTURES / "figures"))["index.md"].body
    order = [body.index(m) for m in ('class="pj-lead"', 'class="pj-cards"', 'id="in-numbers"')]
    assert order == sorted(order)
    assert body.index('<details class="pj-made">') > body.index('id="across-the-journal"')


# Lessons learned, each once

from generator import lessons as lessons_  # noqa: E402


def test_the_merging_rule_joins_a_wording_held_whole_in_a_longer_one():
    short, long = lessons_.words("Ask for trade-offs, not answers"), lessons_.words("Ask for trade-offs between angles, not for the answer")
    assert short == {"ask", "trade", "off", "not", "answer"} and lessons_.same(short, long)
    assert not lessons_.same(lessons_.words("Ask for answers"), lessons_.words("Ask for answers quickly")), "too short to merge"
    assert not lessons_.same(lessons_.words("Check every source twice"), lessons_.words("Check every claim twice"))


def test_lessons_are_merged_and_ordered_by_how_widely_they_were_learned(journal_copy):
    from helpers import write

    root = journal_copy("figures")
    for name, lesson in (("w3", "Ask for trade-offs, not answers"), ("w1", "Ask for trade-offs between angles, not for the answer"),
                         ("w2", "Ask for trade-offs, not answers"), ("w4", "Keep the first draft short")):  # fmt: skip
        path = root / f"sessions/{name}.yaml"
        write(path, path.read_text() + f"lessons:\n  - {lesson}\n")
    journal = valid(root)
    found = lessons_.merged(journal.sessions)
    assert (found[0].wording, found[0].also, found[0].learned) == (
        "Ask for trade-offs, not answers", ("Ask for trade-offs between angles, not for the answer",), "in 3 sessions")
    assert [l.wording for l in found].count("Keep the first draft short") == 1
    assert all(l.sessions == 1 for l in found[1:])
    body = render_site(journal)["lessons.md"].body
    assert body.count("<li><strong>") == len(found) and "Also worded as: “Ask for trade-offs between angles, not for the answer”" in body


def test_the_example_journal_has_one_lesson_fewer_than_wordings():
    from conftest import ROOT

    journal = valid(ROOT / "journal")
    assert sum(len(s.lesson_entries) for s in journal.sessions) == 58
    assert len(lessons_.merged(journal.sessions)) == 57


# Measures a narrative names


def test_a_narrative_names_measures_by_their_words_and_the_halves_are_counted_not_read():
    from conftest import ROOT
    from generator.render import Site

    assert story.named("Style feedback dried up; it got more specific about what it didn't know") == ["feedback-style", "stated"]
    assert story.named("Nothing changed.") == []
    site = Site(valid(ROOT / "journal"), True)
    measures = {m.name: m for m in site.half_measures["writing-beyond-the-manifesto"][0]}
    style = measures["feedback to the AI about style"]
    assert (str(style.before), str(style.after), style.p, style.changed) == ("4 of 5 (80%)", "0 of 3 (0%)", None, False)
    assert len(site.count_sets[style.parts[0]].items) == 4 and len(site.count_sets[style.wholes[1]].items) == 3


# Comments, where a site turns them on

import pytest  # noqa: E402

from generator.errors import UserError  # noqa: E402
from generator.render import COMMENT_KEYS, comments_block  # noqa: E402

_GISCUS = {"repo": "owner/site", "repo_id": "R_1", "category": "Comments", "category_id": "DIC_1"}


def test_comments_are_off_until_giscus_ids_are_given_and_every_value_is_escaped():
    assert comments_block({}) == "" and comments_block({"mapping": "pathname", "lang": "en"}) == ""
    block = comments_block({**_GISCUS, "category": 'Q&A "x"><script>', "mapping": "pathname", "lang": "en"})
    assert 'data-repo="owner/site"' in block and 'data-category-id="DIC_1"' in block
    assert 'data-category="Q&amp;A &#34;x&#34;&gt;&lt;script&gt;"' in block, "a setting can't leave its attribute"
    assert block.count("<script") == 2 and '<h2 id="__comments">' in block
    with pytest.raises(UserError, match="missing: repo_id, category_id"):
        comments_block({k: v for k, v in _GISCUS.items() if k in ("repo", "category")})


def test_only_case_study_pages_take_comments():
    pages = render_site(valid(FIXTURES / "figures"))
    assert [uri for uri, page in pages.items() if page.comments] == ["case-studies/weekly-report.md"]
    assert set(COMMENT_KEYS) == {"repo", "repo_id", "category", "category_id"}


def _built(tmp_path, plugin: str) -> Path:
    """The design fixture built by MkDocs with Material and the plugin (its options in `plugin`)."""
    import shutil

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from helpers import write

    shutil.copytree(FIXTURES / "design", tmp_path / "journal")
    write(tmp_path / "docs/index.md", "# Home\n")
    write(tmp_path / "mkdocs.yml", f"site_name: Test\ntheme:\n  name: material\nplugins:\n  - partnership-journal:{plugin}\n")
    config = load_config(str(tmp_path / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    config.plugins.on_startup(command="build", dirty=False)
    build(config)
    return tmp_path / "site/journal"


@pytest.mark.build
def test_a_site_that_turns_comments_on_gets_giscus_on_case_studies_only(tmp_path):
    options = "".join(f"\n        {k}: {v}" for k, v in _GISCUS.items())
    site = _built(tmp_path, f"\n      comments:{options}")
    case = (site / "case-studies/writing-beyond-the-manifesto/index.html").read_text(encoding="utf-8")
    session = (site / "sessions/2026-02-03-follow-up-post/index.html").read_text(encoding="utf-8")
    assert case.count('src="https://giscus.app/client.js"') == 1 and 'data-repo-id="R_1"' in case
    assert case.index('<details class="pj-made">') < case.index('id="__comments"'), "at the end of the page"
    assert "giscus" not in session
    off = _built(tmp_path / "off", "\n      prefix: journal")
    assert "giscus" not in (off / "case-studies/writing-beyond-the-manifesto/index.html").read_text(encoding="utf-8")


@pytest.mark.build
def test_case_studies_and_sessions_have_a_description_in_their_head(tmp_path):
    site = _built(tmp_path, "\n      prefix: journal")
    case = (site / "case-studies/writing-beyond-the-manifesto/index.html").read_text(encoding="utf-8")
    session = (site / "sessions/2026-02-03-follow-up-post/index.html").read_text(encoding="utf-8")
    head = case[: case.index("</head>")]
    assert '<meta name="description" content="How a blog post was written by a human and an AI together.">' in head
    assert ('<meta name="description" content="Turn a manifesto into a practical follow-up post. '
            'Published as “Beyond the Manifesto”.">') in session[: session.index("</head>")]


def test_a_description_is_plain_short_and_cannot_leave_its_attribute():
    from generator.render import DESCRIPTION_CHARS, describe

    assert describe('Say "*no*" <script>', None, "Then stop.") == "Say “no” ‹script›. Then stop."
    long = describe("word " * 100)
    assert len(long) <= DESCRIPTION_CHARS and long.endswith("word…")


def test_feed_entries_carry_the_goal_outcome_or_summary_and_the_attribution_line():
    from xml.etree import ElementTree

    from generator.analyze import public_partners
    from generator.export import feed
    from generator.render import ENV

    journal = valid(FIXTURES / "design")
    xml = feed(journal, public_partners(journal.partners), ENV, site_name="Test", site_url="", prefix="journal")
    atom = "{http://www.w3.org/2005/Atom}"
    summaries = {e.findtext(f"{atom}title"): e.findtext(f"{atom}summary") for e in ElementTree.fromstring(xml).iter(f"{atom}entry")}
    session, case = summaries["Drafting the follow-up post"], summaries['Writing "Beyond the Manifesto"']
    assert session == ('Turn a manifesto into a practical follow-up post. Published as "Beyond the Manifesto". '
                       "AI handling structure, human providing direction.")
    assert case == "How a blog post was written by a human and an AI together. AI handling structure, human providing direction."


# Calibration in each half, and every measure in journal.json


def test_calibration_in_each_half_scores_the_ai_partners_claims_and_opens_them():
    site = _site()
    (first, last), sets = site.calibration_halves["case-study:weekly-report"]
    assert (first.which, last.which) == ("first", "last")
    assert [len(site.count_sets[h.key].items) for h in (first, last)] == [first.claims, last.claims]
    scored = [c for id, cal in site.calibration.items() if site.journal.partners[id].kind == "ai" for c in cal.claims
              if c.session.case_study == "weekly-report"]  # fmt: skip
    assert first.claims + last.claims == len(scored), "each scored claim of the AI in one half"
    for half in (first, last):
        assert (half.brier is None) == (half.claims < analyze.MIN_CLAIMS)
    body = render_site(site.journal)["case-studies/weekly-report.md"].body
    assert first.claims and f'#{first.key}">{first.claims}</a>' in body
    assert 'id="calibration-halves"' in body and body.index('id="calibration-halves"') > body.index('id="how-it-changed"')


def test_journal_json_holds_each_partnerships_measures_named_measures_and_calibration_halves():
    import json

    from conftest import ROOT
    from generator.analyze import public_partners
    from generator.export import JournalOut, journal_json

    journal = valid(ROOT / "journal")
    data = json.loads(journal_json(journal, public_partners(journal.partners)))
    JournalOut.model_validate(data)
    writing = next(p for p in data["partnerships"] if p["case_study"] == "writing-beyond-the-manifesto")
    style = next(m for m in writing["named_measures"] if m["name"] == "feedback to the AI about style")
    assert (style["first"], style["last"], style["p"]) == ({"part": 4, "whole": 5}, {"part": 0, "whole": 3}, None)
    assert writing["calibration"]["first"]["claims"] == 11 and writing["calibration"]["last"]["claims"] == 7
    assert round(writing["calibration"]["last"]["brier"], 3) == 0.092
    assert len(writing["measures"]) == len(Site(journal, True).trends["case-study:writing-beyond-the-manifesto"].measures)
    assert [p["pair"] for p in data["partnerships"] if p["pair"]] == [["alexa", "assistant"]]


# The stylesheet of `render -o` output


@pytest.mark.build
@pytest.mark.parametrize("directory_urls", [True, False])
def test_render_output_built_by_mkdocs_links_its_stylesheet_from_every_page(tmp_path, runner, directory_urls):
    import posixpath
    import shutil
    from urllib.parse import urljoin

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from generator.cli import cli
    from helpers import write

    shutil.copytree(FIXTURES / "design", tmp_path / "journal")
    args = ["render", str(tmp_path / "journal"), "-o", str(tmp_path / "docs/journal")]
    result = runner.invoke(cli, args if directory_urls else [*args, "--no-directory-urls"])
    assert result.exit_code == 0, result.output
    write(tmp_path / "docs/index.md", "# Home\n")
    write(tmp_path / "mkdocs.yml", f"site_name: Test\nuse_directory_urls: {str(directory_urls).lower()}\n")
    build(load_config(str(tmp_path / "mkdocs.yml"), site_dir=str(tmp_path / "site")))
    site = tmp_path / "site"
    pages = [p for p in (site / "journal").rglob("*.html")]
    assert len(pages) > 10
    for page in pages:
        html = page.read_text(encoding="utf-8")
        found = re.findall(r'<link rel="stylesheet" href="([^"]*journal\.css)">', html)
        assert len(found) == 1, page
        address = "/" + page.relative_to(site).as_posix()
        target = urljoin(address, found[0])
        assert (site / posixpath.normpath(target).lstrip("/")).is_file(), (page, found[0])


def test_the_reading_page_states_every_word_that_names_a_measure():
    from conftest import ROOT

    page = (ROOT / "docs/reading.md").read_text(encoding="utf-8")
    assert all(f'"{word}"' in page for words in story.NAMED_BY.values() for word in words)
    assert all(key in page for key in COMMENT_KEYS)
