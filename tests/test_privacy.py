"""Anonymous partners stay anonymous whatever users type, and `redact` hides what a reader would see.

The journals are written here, in tmp_path: an anonymous partner (Quentin Zabriskie, id
`qz-reader`, alias "Second reader") named in other records' free text, tags, lesson tags and a
file name, with Markdown emphasis splitting the name; then checked, built and read back file
by file: pages, search index, sitemap, feed and journal.json.
"""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator import privacy
from generator.cli import cli
from helpers import edit, write

from conftest import FIXTURES

NAME = re.compile(r"quentin|zabriskie|qz-reader", re.IGNORECASE)

PARTNERS = """\
- id: alexa
  name: Alexa
  kind: human
- id: assistant
  name: Writing assistant
  kind: ai
- id: qz-reader
  name: Quentin Zabriskie
  kind: human
  anonymous: true
  alias: Second reader
  strengths: [reading as Quentin Zabriskie does]
"""

STUDY = """\
title: A study
summary: Reviewed by Quentin *Zabriskie*.
narrative: |
  Quentin Zabriskie said it was fine, and *qz-reader* agreed.

  Another paragraph, **untouched**.
"""

SESSION = """\
title: Review with quentin zabriskie
date: 2026-01-11
case_study: study
partners:
  - partner: alexa
  - partner: assistant
  - partner: qz-reader
goal: Check the outline
tags: [qz-reader]
contributions:
  - by: qz-reader
    kind: review
    summary: Quentin   *Zabriskie* read it
  - by: assistant
    kind: structure
    summary: Outlined it
lessons:
  - lesson: Ask [Quentin](https://example.com) Z&#97;briskie early
    tags: [qz-reader, review]
notes: |
  Reviewed by Quentin *Zabriskie*, with **care**.

  A second paragraph that keeps its **formatting**.
"""

#: Where the fixture names the partner: (file, line, field), as check reports it.
MENTIONS = [
    ("journal/case-studies/study.yaml", 2, "summary"),
    ("journal/case-studies/study.yaml", 3, "narrative"),
    ("journal/partners.yaml", 12, "[2].strengths[0]"),
    ("journal/sessions/2026-01-11-qz-reader-review.yaml", 1, "title"),
    ("journal/sessions/2026-01-11-qz-reader-review.yaml", 9, "tags[0]"),
    ("journal/sessions/2026-01-11-qz-reader-review.yaml", 13, "contributions[0].summary"),
    ("journal/sessions/2026-01-11-qz-reader-review.yaml", 18, "lessons[0].lesson"),
    ("journal/sessions/2026-01-11-qz-reader-review.yaml", 19, "lessons[0].tags[0]"),
    ("journal/sessions/2026-01-11-qz-reader-review.yaml", 20, "notes"),
]


@pytest.fixture
def journal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "journal"
    write(root / "partners.yaml", PARTNERS)
    write(root / "case-studies/study.yaml", STUDY)
    write(root / "sessions/2026-01-11-qz-reader-review.yaml", SESSION)
    monkeypatch.chdir(tmp_path)
    return root


def published_files(site: Path) -> dict[str, str]:
    """Every text file of a built site, by path: pages, search index, sitemap, feed, journal.json."""
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in sorted(site.rglob("*"))
            if p.is_file() and p.suffix in (".html", ".json", ".xml", ".txt")}  # fmt: skip


def test_check_warns_at_every_mention_without_printing_the_name(journal, runner):
    result = runner.invoke(cli, ["check", "journal"])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if "anonymous partner" in line]
    located = sorted(
        (m.group(1), int(m.group(2)), m.group(3))
        for m in (re.match(r"(.+?):(\d+):\d+: warning: (\S+): names the anonymous partner published as "
                           r"'Second reader'", line) for line in warnings) if m  # fmt: skip
    )
    assert located == sorted(MENTIONS)
    assert ("journal/sessions/2026-01-11-qz-reader-review.yaml: warning: file name names the anonymous partner "
            "published as 'Second reader'; rename the file (its edit link is left out of the site, its address uses the "
            "public name)") in warnings
    assert len(warnings) == len(MENTIONS) + 1
    shown = result.output.replace("journal/sessions/2026-01-11-qz-reader-review.yaml", "")
    assert not NAME.search(shown), "check's output (a CI log, maybe public) names the partner only in a file's path"


def test_references_to_the_partner_are_not_mentions(journal, runner):
    session = journal / "sessions/2026-01-11-qz-reader-review.yaml"
    session.rename(journal / "sessions/2026-01-11-review.yaml")
    for path in journal.rglob("*.yaml"):  # keep only the references: partner, by
        if path.name != "partners.yaml":
            write(path, NAME.sub("someone", path.read_text(encoding="utf-8")))
    edit(journal / "sessions/2026-01-11-review.yaml", "partner: someone", "partner: qz-reader")
    edit(journal / "sessions/2026-01-11-review.yaml", "by: someone", "by: qz-reader")
    edit(journal / "partners.yaml", "reading as Quentin Zabriskie does", "reading")
    result = runner.invoke(cli, ["check", "journal"])
    assert result.exit_code == 0 and "warning:" not in result.output, result.output


@pytest.mark.build
def test_build_strict_fails_on_a_mention(journal, runner):
    result = runner.invoke(cli, ["build", "--strict", "-d", "site"])
    assert result.exit_code == 1, result.output
    assert "names the anonymous partner published as 'Second reader'" in result.stderr
    assert not (journal.parent / "site").exists()


@pytest.mark.build
def test_build_publishes_the_alias_everywhere(journal, runner):
    result = runner.invoke(cli, ["build", "-d", "site"])
    assert result.exit_code == 0, result.output
    site = journal.parent / "site"
    files = published_files(site)
    assert "search/search_index.json" in files and "feed.xml" in files and "journal.json" in files
    leaks = {path: NAME.findall(text) for path, text in files.items() if NAME.search(text) or NAME.search(path)}
    assert leaks == {}
    session = files["sessions/2026-01-11-second-reader-review/index.html"]
    assert "Reviewed by Second reader, with care." in session, "a name split by emphasis costs its paragraph the formatting"
    assert "<strong>formatting</strong>" in session, "other paragraphs keep theirs"
    assert "Second reader read it" in session
    assert (site / "lessons/second-reader/index.html").is_file(), "the id as a tag is published under the alias"
    study = files["case-studies/study/index.html"]
    assert "Second reader said it was fine, and <em>Second reader</em> agreed." in study
    export = json.loads(files["journal.json"])
    assert [s["id"] for s in export["sessions"]] == ["2026-01-11-second-reader-review"]
    assert [p["name"] for p in export["partners"]] == ["Alexa", "Writing assistant", "Second reader"]


@pytest.mark.build
def test_a_file_name_naming_the_partner_gets_no_edit_link(journal, tmp_path, runner):
    write(tmp_path / "mkdocs.yml", "site_name: S\nrepo_url: https://example.com/r\nedit_uri: edit/main/docs/\n"
          "theme: {name: material, features: [content.action.edit]}\n"
          "plugins: [search, partnership-journal: {prefix: ''}]\n")  # fmt: skip
    write(tmp_path / "docs/about.md", "# About\n")
    result = runner.invoke(cli, ["build", "-d", "site"])
    assert result.exit_code == 0, result.output
    study = (tmp_path / "site/case-studies/study/index.html").read_text(encoding="utf-8")
    session = (tmp_path / "site/sessions/2026-01-11-second-reader-review/index.html").read_text(encoding="utf-8")
    assert 'href="https://example.com/r/edit/main/journal/case-studies/study.yaml"' in study, (
        "a record whose path names nobody keeps its link")
    assert "edit/main/" not in session and not NAME.search(session)


def test_redact_matches_the_text_a_reader_sees(tmp_path, runner, monkeypatch):
    root = tmp_path / "journal"
    edit(write(root / "partners.yaml", PARTNERS), "  anonymous: true\n  alias: Second reader\n", "")
    edit(write(root / "sessions/2026-01-11-review.yaml", SESSION), "case_study: study\n", "")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["render", "journal", "-o", "out", "--redact", "Quentin Zabriskie"])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out/sessions/2026-01-11-review/index.md").read_text(encoding="utf-8")
    assert "Reviewed by &#91;redacted&#93;, with care." in page  # the brackets as text, never a link
    assert "&#91;redacted&#93; read it" in page
    assert "Zabriskie" not in page and "Z&#97;briskie" not in page, "the pattern is the user's: case-sensitive"
    assert "Review with quentin zabriskie" in page


def test_a_redacted_id_is_published_under_a_neutral_address(tmp_path, runner, monkeypatch):
    root = tmp_path / "journal"
    write(root / "partners.yaml", (FIXTURES / "minimal/partners.yaml").read_text(encoding="utf-8"))
    session = (FIXTURES / "minimal/sessions/2026-01-10-outline.yaml").read_text(encoding="utf-8")
    write(root / "sessions/2026-01-10-acme-merger.yaml", session)
    edit(write(root / "sessions/2026-01-11-acme-merger.yaml", session), "date: 2026-01-10", "date: 2026-01-11")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["render", "journal", "-o", "out", "--redact", "(?i)acme"])
    assert result.exit_code == 0, result.output
    written = sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.md"))
    assert "sessions/2026-01-10-redacted-merger/index.md" in written and "sessions/2026-01-11-redacted-merger/index.md" in written
    assert not any("acme" in p.read_text(encoding="utf-8").lower() for p in (tmp_path / "out").rglob("*") if p.is_file())


@pytest.mark.build
def test_a_pattern_that_backtracks_without_end_stops_the_build_naming_it(journal_copy, tmp_path):
    root = journal_copy("minimal")
    record = root / "sessions/2026-01-10-outline.yaml"
    record.write_text(record.read_text(encoding="utf-8") + "notes: " + "a" * 60 + "b\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "generator.cli", "build", "-q", "-d", "site", "--redact", "(a|aa)+$"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert run.returncode == 1, run.stdout + run.stderr
    assert ("journal/sessions/2026-01-10-outline.yaml: notes: redact pattern '(a|aa)+$' took more than 1 s on this "
            "text; write it without nested repetition") in run.stderr
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize(
    ("text", "seen"),
    [
        ("Quentin *Zabriskie*", "Quentin Zabriskie"),
        ("Quentin **Zab**riskie", "Quentin Zabriskie"),
        ("[Quentin](https://example.com) Z&#97;briskie", "Quentin Zabriskie"),
        ("Quen\u00adtin\u200b  `Zabriskie`", "Quentin Zabriskie"),
        ("Quentin\nZabriskie", "Quentin Zabriskie"),
        ("plain text", "plain text"),
    ],
)
def test_visible_text_is_what_a_reader_reads(text, seen):
    assert privacy.visible(text) == seen


def test_the_design_journal_names_no_anonymous_partner(runner):
    result = runner.invoke(cli, ["check", str(FIXTURES / "design")])
    assert result.exit_code == 0 and "anonymous partner" not in result.output, result.output


@pytest.mark.parametrize(("name", "id"), [("Quentin Zabriskie", "qz-reader"), ("Kåre Ødegård", "ko"), ("Stine Ask", "sa")])
def test_looking_for_words_first_misses_no_mention(name, id):
    """A text is read closely only when its folded form holds the first word of the name or the id:
    that finds what reading every text closely finds (case folded: the Kelvin sign is a K, the long
    s an s; compatibility forms as their letters)."""
    from generator.model import Partner

    partners = {id: Partner(id=id, name=name, kind="human", anonymous=True)}
    probed = privacy.Anonymity(partners)
    unprobed = privacy.Anonymity(partners)
    unprobed.wanted = tuple(dataclasses.replace(w, words=("",)) for w in unprobed.wanted)  # "" is in every text
    first, last = name.split()
    texts = [name, name.upper(), name.lower(), f"met {first}\n {last} today", f"{first}{last}", id, id.upper(), f"x-{id}-y",
             f"{id}s", f"*{first[:2]}*{first[2:]} {last}", f"{first[:2]}\u00ad{first[2:]} {last}", f"[{first[:2]}](u){first[2:]} {last}",
             f"&#{ord(first[0])};{first[1:]} {last}", f"<b>{first[:2]}</b>{first[2:]} {last}", f"Zoë {name.upper()}",
             name.replace("K", "\u212a").replace("s", "\u017f"), name.replace("k", "\u212a"), f"{first}_{last}",
             id.replace("s", "\u017f").replace("k", "\u212a"), f"`{id}`", "nothing here", f"{first} and {last}", "é" + id,
             "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in name), f"%{ord(first[0]):02X}{first[1:]} {last}",
             f"[{first}][x] {last}", f"{first}-{last}".lower()]  # fmt: skip
    found = [text for text in texts if probed.mentions(text)]
    assert found == [text for text in texts if unprobed.mentions(text)]
    assert len(found) > len(texts) // 2


@pytest.mark.parametrize(("pattern", "says"), [
    ("", "matches empty text, so it would put [redacted] between every two characters"),
    ("x*", "matches empty text"),
    (r"\b", "matches empty text"),
    (".+", "matches every character of any text, so it would hide everything"),
    ("(?s).", "matches every character of any text"),
    ("(?V1)Zabriskie", "is not a valid regular expression as Python's re reads one"),
    ("(Zab", "is not a valid regular expression (missing )"),
])  # fmt: skip
def test_a_redact_pattern_that_would_hide_everything_or_is_no_pattern_is_refused_in_one_line(journal, runner, pattern, says):
    result = runner.invoke(cli, ["render", "journal", "-o", "out", "--redact", pattern])
    assert result.exit_code == 2, result.output
    [line] = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert line.startswith(f"Error: Invalid value for --redact: redact: {pattern!r} {says}"), line
    assert "Traceback" not in result.output and not (journal.parent / "out").exists()


def test_the_anonymous_partner_is_found_before_a_pattern_takes_part_of_the_name(journal, runner):
    edit(journal / "case-studies/study.yaml", "Reviewed by Quentin *Zabriskie*.", "Quentin Zabriskie read it twice.")
    result = runner.invoke(cli, ["render", "journal", "-o", "out", "--redact", "Quentin"])
    assert result.exit_code == 0, result.output
    page = (journal.parent / "out/case-studies/study/index.md").read_text(encoding="utf-8")
    assert "Second reader read it twice." in page and "Zabriskie" not in page


def test_a_text_that_grows_when_redacted_is_published_though_longer_than_its_field_takes(journal, runner):
    """Only the user's text is held to its field's limit: the alias is longer than the id it stands for,
    and "[redacted]" than the character it hides."""
    lesson = "qz-reader " + "x" * (4961 - len("qz-reader "))
    edit(journal / "sessions/2026-01-11-qz-reader-review.yaml", "lessons:\n", f"lessons:\n  - {lesson}\n")
    result = runner.invoke(cli, ["render", "journal", "-o", "out", "--redact", "x"])
    assert result.exit_code == 0, result.output
    page = (journal.parent / "out/sessions/2026-01-11-second-reader-review/index.md").read_text(encoding="utf-8")
    assert "Second reader " + "&#91;redacted&#93;" * (4961 - len("qz-reader ")) in page
