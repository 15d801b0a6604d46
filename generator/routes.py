"""Every page's address, in one place; the slugs they are made of, and the names none may take.

A page is named by its path below the journal's prefix, as MkDocs names a source file
("sessions/a.md"); `address` is where MkDocs then publishes it ("sessions/a/"). Render,
export, the templates (as `routes`) and the plugin all ask here. An address is made of ids
and slugs, so it is also a file name on whoever builds or serves the site: it must be
unique, must not replace a page of ours ("index" is the index page of every folder) and
must be creatable on Windows.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

#: Slugs made from names stay short: they are ids (80 at most) and file names.
MAX_SLUG = 60

#: Names Windows cannot give a file or folder, whatever the extension (`con.md`, `con/`).
WINDOWS_DEVICES = frozenset({"con", "prn", "aux", "nul", *(f"{d}{n}" for d in ("com", "lpt") for n in range(10))})

#: Names a record's id, a tag or an alias must not become: our index pages, and Windows' devices.
RESERVED = frozenset({"index", *WINDOWS_DEVICES})


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """Lowercase ASCII words joined by '-' (accents dropped: "Zoë" -> "zoe"), cut to MAX_SLUG at a word."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > MAX_SLUG:
        slug = slug[: MAX_SLUG + 1].rsplit("-", 1)[0] if "-" in slug[:MAX_SLUG] else slug[:MAX_SLUG]
    return slug


def reserved_reason(name: str) -> str | None:
    """Why a name can't be a page of its own, or None when it can."""
    if name.lower() == "index":
        return "'index' is the name of the index page of its folder"
    if name.lower() in WINDOWS_DEVICES:
        return f"'{name}' is a device name on Windows, where no file or folder can be called that"
    return None


def unique_slug(base: str, taken: set[str], fallback: str) -> str:
    """`base` (or `fallback` when empty), numbered ("-2", "-3", ...) until it is neither taken
    nor reserved; the result is added to `taken`."""
    base = base or fallback
    slug, n = base, 2
    while slug in taken or slug in RESERVED:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


# The pages

OVERVIEW = "index.md"
FRAMEWORK = "framework.md"
SESSIONS = "sessions/index.md"
CASE_STUDIES = "case-studies/index.md"
PARTNERS = "partners/index.md"
LESSONS = "lessons.md"
LEDGER = "ledger.md"
HANDOFFS = "handoffs.md"
FEEDBACK = "feedback.md"
EVOLUTION = "evolution.md"
CALIBRATION = "calibration.md"

# The exports beside them
JOURNAL_JSON = "journal.json"
JOURNAL_SCHEMA = "journal.schema.json"
FEED = "feed.xml"


def session(id: str) -> str:
    return f"sessions/{id}.md"


def year(year: int | str) -> str:
    """The sessions of one year."""
    return f"years/{year}.md"


def case_study(id: str) -> str:
    return f"case-studies/{id}.md"


def partner(slug: str) -> str:
    """A partner's page, by its public slug (never an anonymous partner's id)."""
    return f"partners/{slug}.md"


def lesson_tag(slug: str) -> str:
    return f"lessons/{slug}.md"


def ledger_year(year: int | str) -> str:
    """The disagreements of one year."""
    return f"ledger/{year}.md"


def partnership(slug: str) -> str:
    """How one human and AI pair worked together over their sessions, by the pair's public slug."""
    return f"partnerships/{slug}.md"


def count(key: str) -> str:
    """The records behind one count on a page (analyze.count_sets), listed."""
    return f"counts/{key}.md"


def count_year(key: str, year: int) -> str:
    """One year's part of a count too long for one page."""
    return f"counts/{key}/{year}.md"


def calibration_of(slug: str) -> str:
    """The claims behind one partner's calibration figures."""
    return f"calibration/{slug}.md"


#: The records a session page shows, each under an anchor of its own: `anchor("feedback", 2)`.
RecordKind = Literal["contribution", "disagreement", "feedback", "handoff", "lesson"]


def anchor(record: RecordKind, number: int) -> str:
    """Where a session page shows its `number`-th record of a kind (1-based, in the record's order)."""
    return f"{record}-{number}"


def address(uri: str, directory_urls: bool) -> str:
    """Where MkDocs puts a file's page: "sessions/a.md" -> "sessions/a/" (or "sessions/a.html"); exports stay."""
    if not uri.endswith(".md"):
        return uri
    stem = uri[:-3]
    if not directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return stem[:-5]
    return stem + "/"


def source_file(uri: str, directory_urls: bool) -> str:
    """The file `render -o` writes a page to: in the folder of its address ("sessions/a.md" ->
    "sessions/a/index.md" with directory URLs), so that a link relative to the page means the same
    read from its address (browsers, MkDocs) or from its source file (Zensical)."""
    if not directory_urls or not uri.endswith(".md") or uri == "index.md" or uri.endswith("/index.md"):
        return uri
    return uri[:-3] + "/index.md"


def relative(target: str, start: str) -> str:
    """The link from folder `start` to address `target`, both below the prefix ("sessions/b", "partners/a/").

    A string operation, not posixpath.relpath, which asks the file system for the working
    folder on every call: pages carry thousands of links.
    """
    folders = [part for part in start.split("/") if part]
    parts = target.split("/")
    shared = 0
    while shared < min(len(folders), len(parts) - 1) and folders[shared] == parts[shared]:
        shared += 1
    return "/".join([".."] * (len(folders) - shared) + parts[shared:])
