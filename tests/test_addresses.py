"""No silent collisions: every generated address is unique, none replaces a page of ours, and
every one can be created on Windows.

Each reserved name (our folders' `index`, Windows' device names) is tried as a session id,
a case study id, a partner id, a lesson tag and an anonymous partner's alias.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import render, routes
from generator.errors import JournalError
from generator.routes import RESERVED
from helpers import problems, valid, write

from conftest import FIXTURES

NAMES = sorted(RESERVED)
PARTNERS = (FIXTURES / "minimal/partners.yaml").read_text(encoding="utf-8")
SESSION = (FIXTURES / "minimal/sessions/2026-01-10-outline.yaml").read_text(encoding="utf-8")


def journal(root: Path, partners: str = PARTNERS, **sessions: str) -> Path:
    write(root / "partners.yaml", partners)
    for stem, text in (sessions or {"2026-01-10-outline": SESSION}).items():
        write(root / f"sessions/{stem}.yaml", text)
    return root


def path_parts(uri: str) -> list[str]:
    """The names of an address's folders and file, as a file system sees them (no extension)."""
    return [part.split(".")[0].lower() for part in uri.split("/") if part]


@pytest.mark.parametrize("name", NAMES)
def test_a_reserved_name_as_a_session_file_name_is_a_located_error(tmp_path, name):
    root = journal(tmp_path / "journal", **{name: SESSION})
    found = problems(root)
    assert len(found) == 1 and found[0].startswith(f"journal/sessions/{name}.yaml:1:1: id: '{name}' is "), found
    assert found[0].endswith("choose another id (add an id field, or rename the file)")


@pytest.mark.parametrize("name", ["index", "con", "lpt9"])
def test_a_reserved_name_as_an_id_is_a_located_error(tmp_path, name):
    root = journal(tmp_path / "journal", **{"2026-01-10-outline": f"id: {name}\n{SESSION}"})
    write(root / "case-studies/study.yaml", f"id: {name}\ntitle: T\nsummary: S\n")
    write(root / "partners.yaml", PARTNERS + f"- id: {name}\n  name: N\n  kind: human\n")
    found = problems(root)
    assert [line.split(": ")[0] for line in found] == [
        "journal/case-studies/study.yaml:1:5", "journal/partners.yaml:7:7", "journal/sessions/2026-01-10-outline.yaml:1:5",
    ], found  # fmt: skip
    assert all("choose another id" in line for line in found)


def test_every_reserved_name_as_a_lesson_tag_gets_a_page_of_its_own(tmp_path):
    tags = [*NAMES, "Index", "INDEX", "Con", "untagged", "Untagged!", "!!!"]
    lessons = "lessons:\n" + "".join(f"  - lesson: Lesson {i}\n    tags: ['{t}']\n" for i, t in enumerate(tags))
    pages = render.render_site(valid(journal(tmp_path / "journal", **{"2026-01-10-outline": SESSION + lessons})))
    assert pages["lessons.md"].meta["title"] == "Lessons learned"
    tag_pages = {uri: page for uri, page in pages.items() if uri.startswith("lessons/")}
    assert len(tag_pages) == len(tags), sorted(tag_pages)
    assert sorted(page.meta["title"] for page in tag_pages.values()) == sorted(f"Lessons: {t}" for t in tags)
    for uri in pages:
        assert not set(path_parts(uri)[1:]) & RESERVED - {"index"}, uri
        assert uri.endswith("index.md") or path_parts(uri)[-1] not in RESERVED, uri
    addresses = [routes.address(uri, True) for uri in pages]
    assert len(set(addresses)) == len(addresses), "no two pages share an address"


@pytest.mark.parametrize("alias", ["Index", "con", "Human partner 1"])
def test_an_alias_that_is_a_reserved_name_or_an_id_gets_another_slug(tmp_path, alias):
    partners = PARTNERS + f"- id: human-partner-1\n  name: Jo\n  kind: human\n- id: secret\n  name: S\n  kind: human\n  anonymous: true\n  alias: {alias}\n"  # fmt: skip
    pages = render.render_site(valid(journal(tmp_path / "journal", partners)))
    partner_pages = sorted(uri for uri in pages if uri.startswith("partners/"))
    assert len(partner_pages) == 5, partner_pages  # the index and four partners
    assert not any(path_parts(uri)[-1] in RESERVED - {"index"} for uri in partner_pages), partner_pages
    assert "partners/secret.md" not in partner_pages


def test_two_pages_on_one_address_are_an_error_never_an_overwrite(tmp_path):
    claimed: dict[str, str] = {}
    j = valid(journal(tmp_path / "journal"))
    render._claim(claimed, "lessons.md", None, j)
    with pytest.raises(JournalError) as e:
        render._claim(claimed, "lessons/index.md", None, j)
    assert str(e.value.errors[0]) == ("journal: two pages would be published at 'lessons/' (lessons.md and "
                                      "lessons/index.md); rename one")  # fmt: skip
    with pytest.raises(JournalError):
        render._claim(claimed, "LESSONS.md", None, j)  # a case-insensitive file system's view
