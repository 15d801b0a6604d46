"""An anonymous partner's name or id, written the way text really arrives, is found and never published.

Each form goes into a small journal written here, in tmp_path: copy-paste's forms (a ligature,
fullwidth and mathematical letters, invisible characters inside the name, a fullwidth hyphen in
the id), Markdown's and URLs' (a reference link splitting the name, the name in a URL with `_`
or `%20`), addresses (a file name, a case study's id, a lesson tag and a heading whose slugs drop
an accent, a folder in fullwidth letters) and the pages a pair of partners gets. Then `pjournal
check` must warn where the form is, and `pjournal render -o` must publish no form of the name or
id in any page, search text, journal.json, feed or address. What is "a form of the name" is
decided here by `exposed`, written apart from the matcher under test (privacy.Anonymity), so a
form the matcher misses shows as a leak.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
import urllib.parse
from pathlib import Path

import pytest
import regex

from generator import privacy
from generator.cli import cli
from generator.model import Partner
from helpers import write

import test_privacy

#: test_privacy's partners, the anonymous one named nowhere else, and a second anonymous partner.
PARTNERS = test_privacy.PARTNERS.replace("  strengths: [reading as Quentin Zabriskie does]\n", "") + """\
- id: maud-g
  name: Maud Griffin
  kind: human
  anonymous: true
  alias: Third reader
"""

SESSION = """\
title: A review
date: 2026-03-03
partners:
  - partner: alexa
  - partner: assistant
  - partner: qz-reader
goal: Check the draft
contributions:
  - by: qz-reader
    kind: review
    summary: Read it twice
  - by: assistant
    kind: structure
    summary: Outlined it
"""

#: What no published file may hold, in any form: the names and the ids, as words.
SECRET_WORDS = ("quentin zabriskie", "qz reader", "maud griffin", "maud g")


def exposed(text: str) -> list[str]:
    """The names and ids a text shows in some form: decoded as a browser would (entities, %-escapes),
    tags dropped, compatibility forms folded (NFKD), invisible characters, accents and case dropped,
    and `_`, `-`, `+`, `.` and spaces read alike."""
    text = html.unescape(urllib.parse.unquote(html.unescape(text)))
    text = re.sub(r"<[^<>]*>", "", text)
    text = unicodedata.normalize("NFKD", regex.sub(r"\p{Default_Ignorable_Code_Point}", "", text))
    text = regex.sub(r"\p{Mn}", "", text).casefold()
    text = re.sub(r"(?:[\s_+.\-*`~]|\\)+", " ", text)
    return [word for word in SECRET_WORDS if re.search(rf"(?<![a-z0-9]){word}(?![a-z0-9])", text)]


def field(key: str, text: str) -> str:
    """A YAML field holding `text` as written (a literal block: no escape, no folding)."""
    return f"{key}: |\n" + "".join(f"  {line}\n" if line else "\n" for line in text.split("\n"))


#: Forms in a session's text: (name, the field it is in, the text). Characters nobody sees are
#: written as themselves, as copy and paste brings them.
TEXT_FORMS = [
    ("ligature", "notes", "Read by Maud Gri\ufb03n, who liked it."),
    ("fullwidth letters", "notes", "\uff31\uff55\uff45\uff4e\uff54\uff49\uff4e \uff3a\uff41\uff42\uff52\uff49\uff53\uff4b\uff49\uff45 read it."),
    ("mathematical letters", "notes", "".join(chr(0x1D400 + ord(c) - ord("A")) if c.isupper() else chr(0x1D41A + ord(c) - ord("a"))
                                              if c.islower() else c for c in "Quentin Zabriskie") + " read it."),
    ("bidi isolate", "notes", "Quen\u2066tin\u2069 Zabriskie read it."),
    ("combining grapheme joiner", "notes", "Quen\u034ftin Zabriskie read it."),
    ("variation selector", "notes", "Quentin Zabris\ufe0fkie read it."),
    ("tag characters", "notes", "Quentin Zab\U000e0072\U000e0069riskie read it."),
    ("fullwidth hyphen in the id", "notes", "Sent to qz\uff0dreader for a read."),
    ("reference link", "notes", "[Quentin][q] Zabriskie read it.\n\n[q]: https://example.com/people/q"),
    ("URL with underscore", "notes", "Who read it: https://en.wikipedia.org/wiki/Quentin_Zabriskie"),
    ("link target with underscore", "notes", "Read by [the second reader](https://en.wikipedia.org/wiki/Quentin_Zabriskie)."),
    ("link target with %20", "notes", "Read by [the second reader](https://example.com/people/Quentin%20Zabriskie)."),
    ("heading with an accent", "notes", "## Notes from Quentin Z\u00e0briskie\n\nHe read it twice."),
]  # fmt: skip


def journal_with(root: Path, sessions: dict[str, str] | None = None, studies: dict[str, str] | None = None) -> Path:
    write(root / "partners.yaml", PARTNERS)
    for path, text in (sessions or {"2026-03-03-review.yaml": SESSION}).items():
        write(root / "sessions" / path, text)
    for path, text in (studies or {}).items():
        write(root / "case-studies" / path, text)
    return root


def check_warnings(runner, root: Path) -> list[str]:
    result = runner.invoke(cli, ["check", str(root)])
    assert result.exit_code == 0, result.output
    return [line for line in result.stderr.splitlines() if "anonymous partner" in line]


def leaks(runner, root: Path, out: Path) -> dict[str, list[str]]:
    """Every file `pjournal render -o` writes, and its path, that shows a name or id."""
    result = runner.invoke(cli, ["render", str(root), "-o", str(out)])
    assert result.exit_code == 0, result.output
    files = sorted(p for p in out.rglob("*") if p.is_file())
    assert {"journal.json", "feed.xml"} <= {p.name for p in files}
    found = {}
    for path in files:
        relative = path.relative_to(out).as_posix()
        shown = exposed(relative) + exposed(path.read_text(encoding="utf-8"))
        if shown:
            found[relative] = shown
    return found


@pytest.mark.parametrize(("form", "key", "text"), TEXT_FORMS, ids=[form for form, _, _ in TEXT_FORMS])
def test_a_form_in_text_is_found_and_never_published(tmp_path, runner, form, key, text):
    root = journal_with(tmp_path / "journal", {"2026-03-03-review.yaml": SESSION + field(key, text)})
    warnings = check_warnings(runner, root)
    line = SESSION.count("\n") + 1
    assert warnings and all(w.startswith(f"journal/sessions/2026-03-03-review.yaml:{line}:") for w in warnings), warnings
    assert re.search(rf"warning: {key}: names the anonymous partner published as '(Second|Third) reader'", warnings[0])
    assert leaks(runner, root, tmp_path / "out") == {}
    page = (tmp_path / "out/sessions/2026-03-03-review/index.md").read_text(encoding="utf-8")
    assert re.search(r"(Second|Third) reader", page), "the alias stands where the name was"


def test_a_form_in_a_lesson_tag_is_found_and_its_address_uses_the_alias(tmp_path, runner):
    lessons = "lessons:\n  - lesson: Ask for a second read\n    tags: [Quentin Z\u00e0briskie, review]\n"
    root = journal_with(tmp_path / "journal", {"2026-03-03-review.yaml": SESSION + lessons})
    warnings = check_warnings(runner, root)
    assert [w.split(": warning: ")[1].split(":")[0] for w in warnings] == ["lessons[0].tags[0]"]
    assert leaks(runner, root, tmp_path / "out") == {}
    assert (tmp_path / "out/lessons/second-reader/index.md").is_file()


ADDRESS_FORMS = [
    ("session file name", {"2026-03-03-quentin-zabriskie-interview.yaml": SESSION}, {},
     "sessions/2026-03-03-second-reader-interview/index.md"),
    ("case study id", {"2026-03-03-review.yaml": SESSION + "case_study: quentin-zabriskie-review\n"},
     {"quentin-zabriskie-review.yaml": "title: A study\nsummary: How a draft was read\n"},
     "case-studies/second-reader-review/index.md"),
    ("folder at depth in fullwidth letters",
     {"\uff12\uff10\uff12\uff16/\uff51\uff55\uff45\uff4e\uff54\uff49\uff4e\uff0d\uff5a\uff41\uff42\uff52\uff49\uff53\uff4b\uff49\uff45/2026-03-03-review.yaml": SESSION},
     {}, "sessions/2026-03-03-review/index.md"),
]  # fmt: skip


@pytest.mark.parametrize(("form", "sessions", "studies", "page"), ADDRESS_FORMS, ids=[f[0] for f in ADDRESS_FORMS])
def test_a_form_in_an_address_is_warned_of_and_published_under_the_alias(tmp_path, runner, form, sessions, studies, page):
    root = journal_with(tmp_path / "journal", sessions, studies)
    warnings = check_warnings(runner, root)
    assert warnings, "check warns where the name can't be taken out where it is written"
    assert all("names the anonymous partner published as 'Second reader'" in w for w in warnings), warnings
    assert any("file name names" in w or ": warning: id: names" in w for w in warnings), warnings
    assert leaks(runner, root, tmp_path / "out") == {}
    assert (tmp_path / "out" / page).is_file()


def test_the_pages_of_a_pair_carry_no_id_in_addresses_or_anchors(tmp_path, runner):
    """Four sessions of the anonymous partner with an AI make a pair's page and its halves' counts;
    their addresses and anchors are made from the pair's ids, which must be the public slugs."""
    sessions = {f"2026-03-0{day}-review.yaml": SESSION.replace("2026-03-03", f"2026-03-0{day}") for day in range(1, 9)}
    root = journal_with(tmp_path / "journal", sessions)
    assert check_warnings(runner, root) == []
    assert leaks(runner, root, tmp_path / "out") == {}
    pages = {p.relative_to(tmp_path / "out").as_posix(): p.read_text(encoding="utf-8") for p in (tmp_path / "out").rglob("*.md")}
    pair = [uri for uri in pages if uri.startswith("partnerships/")]
    assert pair, sorted(pages)
    anchors = set(re.findall(r'(?:id|href)="[^"]*halves-pair_([^"]*?)-(?:first|last)"', "".join(pages.values())))
    assert "second-reader_assistant" in anchors and not any("qz" in a for a in anchors), anchors


def test_the_matcher_finds_each_form_where_it_is_written():
    """`anonymous_mentions` is the one matcher records, addresses, the site's config and its other
    pages are read with: each form is found at its place, as written."""
    partners = {p.id: p for p in (Partner(id="qz-reader", name="Quentin Zabriskie", kind="human", anonymous=True, alias="Second reader"),
                                  Partner(id="maud-g", name="Maud Griffin", kind="human", anonymous=True))}  # fmt: skip
    for _, _, text in TEXT_FORMS:
        found = privacy.anonymous_mentions(text, partners)
        assert found, text
        assert exposed(text[: found[0].start] + text[found[0].end :]) == [], (text, found)
    site_name = "site_name: The notes of\n  Quentin Zabriskie\n"
    [mention] = privacy.anonymous_mentions(site_name, partners)
    assert mention.located(site_name) == (2, 3) and mention.label == "the anonymous partner published as 'Second reader'"
    assert [str(w) for w in privacy.page_warnings("mkdocs.yml", site_name, partners)] == [
        "mkdocs.yml:2:3: warning: names the anonymous partner published as 'Second reader'; write that name instead"]
    for address in ("2026-03-03-quentin-zabriskie-interview", "quentin-zabriskie-review", "lessons/quentin-zabriskie/",
                    "#halves-pair_qz-reader_assistant-first", "notes-from-quentin-zabriskie"):
        assert privacy.anonymous_mentions(address, partners), address
    assert privacy.anonymous_mentions("Quentin, Zabriskie and Maud met the readers of qz-readers", partners) == []


@pytest.mark.build
def test_build_strict_fails_on_a_name_in_a_file_name(tmp_path, runner, monkeypatch):
    root = journal_with(tmp_path / "journal", {"2026-03-03-quentin-zabriskie-interview.yaml": SESSION})
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["build", "--strict", "-d", "site"])
    assert result.exit_code == 1, result.output
    assert ("journal/sessions/2026-03-03-quentin-zabriskie-interview.yaml: file name names the anonymous partner "
            "published as 'Second reader'") in result.stderr
    assert not (tmp_path / "site").exists() and root.is_dir()
