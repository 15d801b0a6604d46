"""Names that become addresses: slugs, and the names no generated page may take.

A page's address is made of ids and slugs, so it is also a file name on whoever builds
or serves the site: it must be unique, must not replace a page of ours ("index" is the
index page of every folder) and must be creatable on Windows.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable

#: Slugs made from names stay short: they are ids (80 at most) and file names.
MAX_SLUG = 60

#: Names Windows cannot give a file or folder, whatever the extension (`con.md`, `con/`).
WINDOWS_DEVICES = frozenset({"con", "prn", "aux", "nul", *(f"{d}{n}" for d in ("com", "lpt") for n in range(10))})

#: Names a record's id, a tag or an alias must not become: our index pages, and Windows' devices.
RESERVED = frozenset({"index", *WINDOWS_DEVICES})


def slugify(text: str) -> str:
    """Lowercase ASCII words joined by '-' (accents dropped: "Zoë" -> "zoe"), cut to MAX_SLUG at a word."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
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


def unique_slugs(names: Iterable[str], taken: set[str], fallback: str) -> list[str]:
    """A unique, unreserved slug for each name, in order (equal names get numbered slugs)."""
    return [unique_slug(slugify(name), taken, fallback) for name in names]
