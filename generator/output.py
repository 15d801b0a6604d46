"""`pjournal render`: the generated pages as Markdown files in a folder, without MkDocs.

For static site generators that read MkDocs' format, and for reviewing the pages in a pull
request. The files are the plugin's pages and exports; nothing is written until all are rendered.
A manifest in the folder (folders.Manifest) lists what was written, with each file's hash: the
next render removes only files of its own that it no longer makes and that nobody changed since,
and finishes the work of a render that was killed half-way.
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from .errors import UserError
from .folders import Manifest, digest, hash_of, new_folder, read_manifest, remove_abandoned, remove_tree, write_manifest
from .publish import Publication
from . import routes
from .export import STYLESHEET
from .render import OWN_HEADING, Page, stylesheet_link


class OutputError(UserError):
    """An output folder or prefix that can't be used, said in one line."""


def journal_files(publication: Publication, directory_urls: bool = True) -> dict[str, str]:
    """Every file `render` writes, by path below the prefix: the pages and the exports.

    A page is a Markdown file whose body is HTML with Markdown headings (so that every engine's
    table of contents sees them), its links made for a site with or without `use_directory_urls`
    and written where they resolve the same from the page's address or its file (routes.source_file).
    The exports (journal.json, its schema, the Atom feed) are those the plugin adds to a site.
    """
    files = {routes.source_file(page.src_uri, directory_urls): markdown_file(page, directory_urls) for page in publication.pages}
    return files | publication.exports


def markdown_file(page: Page, directory_urls: bool = True) -> str:
    """A page as a Markdown file: its front matter, a link to the journal's stylesheet (no plugin puts it
    in the head), then its body with our headings as Markdown headings."""
    return page.front_matter + stylesheet_link(page.src_uri, STYLESHEET, directory_urls) + markdown_headings(page.body)


#: What a Markdown engine could read as syntax in a heading's text (emphasis, links, emoji, ...).
_SYNTAX = re.compile(r"[\\`*_\[\]()#!{}~^=+\-.|:]")
_TAG_OR_ENTITY = re.compile(r"(<[^>]*>|&#?\w+;)")


def markdown_headings(body: str) -> str:
    """Our `<hN id="x">` headings as `## ... {#x}` (attr_list), which Python-Markdown's `toc` lists and links.

    A raw HTML heading is invisible to the table of contents of every engine. The heading's HTML
    is kept, its text with every character Markdown could read as syntax written as an entity:
    user text never becomes markup on a second pass.
    """

    def heading(m: re.Match[str]) -> str:
        level, id, inner = m.groups()
        parts = _TAG_OR_ENTITY.split(inner)
        text = "".join(p if i % 2 else _SYNTAX.sub(lambda c: f"&#{ord(c.group())};", p) for i, p in enumerate(parts))
        return f"\n{'#' * int(level)} {text} {{#{id}}}\n"

    return OWN_HEADING.sub(heading, body)


def sidebar(pages: dict[str, Page], prefix: str, directory_urls: bool) -> list[Any]:
    """The compact nav a site needs for rendered pages, as mkdocs.yml's and zensical.toml's `nav` write it:
    one "Journal" section of the few top pages (sections by their index page); never a session."""
    placed = sorted(((p.nav, uri) for uri, p in pages.items() if p.nav is not None), key=lambda n: n[0].rank)
    items: list[Any] = []
    seen: set[str | None] = set()
    for nav, uri in placed:  # a section's first page is its index page
        section = nav.section
        path = posixpath.join(prefix, routes.source_file(uri, directory_urls))
        if section is not None and section in seen:
            continue
        seen.add(section)
        title = section or str(pages[uri].meta["title"])
        items.append(path if uri == routes.OVERVIEW else {title: path})
    return [{"Journal": items}]


def nav_titles(nav: Any) -> Iterator[tuple[str, str]]:
    """(title, path) of every page a site's `nav` names with a title of its own."""
    if isinstance(nav, list):
        for item in nav:
            yield from nav_titles(item)
    elif isinstance(nav, dict):
        for title, value in nav.items():
            if isinstance(value, str):
                yield title, value
            else:
                yield from nav_titles(value)


def nav_renamed(nav: Any, names: dict[str, str]) -> Any:
    """A site's `nav` with each page path in `names` replaced by its value, every other entry as it was."""
    if isinstance(nav, str):
        return names.get(nav, nav)
    if isinstance(nav, list):
        return [nav_renamed(item, names) for item in nav]
    if isinstance(nav, dict):
        return {title: nav_renamed(value, names) for title, value in nav.items()}
    return nav


def clean_prefix(prefix: str) -> str:
    """The prefix as a relative folder (`journal`, `a/b`, or "" for none); anything that climbs out is refused."""
    cleaned = prefix.strip().strip("/")
    if any(part in ("..", ".") for part in cleaned.split("/")) or "\\" in cleaned:
        raise OutputError(f"prefix '{prefix}' must be a folder inside the site, like 'journal'")
    return cleaned


#: What `render` wrote into a folder (a folders.Manifest): each file's path below the prefix, and its SHA-256.
MANIFEST = ".pjournal-manifest.json"
WRITTEN_BY = "pjournal render (partnership-journal)"
#: A render's own folder in the output folder, of the files it writes before it moves them into place.
_STAGING = ".pjournal-render-"
_DONE = "pjournal render removes a file listed here when it no longer makes it, unless the file changed since"
_UNDER_WAY = ("pjournal render was writing these files: each holds one of the contents listed, "
              "and the next render finishes the work")  # fmt: skip


@dataclass
class Written:
    """What a render did: the files it wrote, its stale files it removed, and stale files it kept (changed since)."""

    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)


def write_files(files: dict[str, str], out: Path, *, prefix: str = "", force: bool = False) -> Written:
    """Write files into `out/<prefix>/` and a manifest of them; remove the last render's stale files.

    The folder must be new, empty, or hold the manifest of an earlier render; `force` writes
    into another folder too. Either way no file is deleted or overwritten unless the manifest
    proves this tool wrote it as it is: a file in the way is refused (nothing is written), and a
    stale file changed since it was written is kept and reported.

    A render killed or stopped by a full disk at any point is finished by the next, without
    `force`: the files to change are written into a folder of this render's first (`_STAGING`,
    removed by the next render if this one is killed), then the manifest lists what each file may
    hold until the render is done, then each is moved into place, and the manifest is rewritten.
    """
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} is a file, not a folder")
    base = out / clean_prefix(prefix)
    root = out.resolve()
    targets = {uri: base / uri for uri in files}
    for path in targets.values():  # uris are made of ids, which are slugs: this is a guard
        if not path.resolve().is_relative_to(root):
            raise OutputError(f"'{path.relative_to(base)}' would be written outside {out}")
    try:
        found = read_manifest(base / MANIFEST, WRITTEN_BY)
        if base.is_dir():
            remove_abandoned(base, _STAGING, "staging")
        if found is None and base.is_dir() and any(base.iterdir()) and not force:
            raise OutputError(f"{base} is not empty and has no {MANIFEST} (pjournal did not write it); choose a new "
                              "folder, or add --force to write beside what is in it (none of it is deleted or overwritten)")  # fmt: skip
        last = found or Manifest({})
        hashes = {uri: hash_of(content.encode("utf-8")) for uri, content in files.items()}
        held = {uri: digest(path) for uri, path in targets.items()}
        in_the_way = [path for uri, path in targets.items()
                      if os.path.lexists(path) and held[uri] not in (*last.files.get(uri, ()), hashes[uri])]  # fmt: skip
        if found is None and os.path.lexists(base / MANIFEST):  # someone's own file of that name (with --force)
            in_the_way.insert(0, base / MANIFEST)
        if in_the_way:
            more = f" and {len(in_the_way) - 1} more" if len(in_the_way) > 1 else ""
            raise OutputError(f"{in_the_way[0]}{more} exists and is not what pjournal last wrote there; "
                              "move it away or choose another folder (nothing was written)")  # fmt: skip
        base.mkdir(parents=True, exist_ok=True)
        staging = new_folder(base, _STAGING, "staging")
        try:
            return _write(files, targets, base, staging, last, hashes, held)
        finally:
            remove_tree(staging)
    except OSError as e:
        raise OutputError(f"cannot write {e.filename or out}: {e.strerror}") from None


def _write(files: dict[str, str], targets: dict[str, Path], base: Path, staging: Path, last: Manifest,
           hashes: dict[str, str], held: dict[str, str | None]) -> Written:  # fmt: skip
    """The render's files moved into place through `staging`, as write_files says; unchanged files are
    left as they are, keeping their time: a watching engine rebuilds only what changed."""
    staged = {}
    for uri, path in targets.items():
        if held[uri] != hashes[uri]:
            staged[uri] = staging / str(len(staged))
            try:
                staged[uri].write_text(files[uri], encoding="utf-8", newline="\n")
            except OSError as e:
                raise OutputError(f"cannot write {path}: {e.strerror} (nothing was changed)") from None
    under_way = {uri: (*last.files.get(uri, ()), *([hashes[uri]] if uri in hashes else [])) for uri in {*last.files, *hashes}}
    write_manifest(base / MANIFEST, under_way, WRITTEN_BY, _UNDER_WAY, staging)
    done = Written()
    for uri, path in targets.items():
        if uri in staged:
            path.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged[uri], path)
        done.written.append(path)
    for uri in sorted(set(last.files) - set(files)):
        path = base / uri
        if last.proves(base, uri):
            path.unlink()
            _remove_empty_parents(path, base)
            done.removed.append(path)
        elif os.path.lexists(path):
            done.kept.append(path)
    write_manifest(base / MANIFEST, {uri: [sha] for uri, sha in hashes.items()}, WRITTEN_BY, _DONE, staging)
    return done


def _remove_empty_parents(path: Path, base: Path) -> None:
    for parent in path.parents:
        if parent == base or not parent.is_relative_to(base) or any(parent.iterdir()):
            return
        parent.rmdir()


_UNSAFE_IN_NAME = re.compile(r"[^\w .,()+-]+")


def default_site_name(journal_dir: Path) -> str:
    """"<folder> journal", after the folder that holds the journal, for a site nothing else names.

    Themes print the site name into HTML attributes as it is (Material's aria-labels), so of the
    folder's name only letters, digits, spaces and `_.,()+-` are kept.
    """
    name = " ".join(_UNSAFE_IN_NAME.sub(" ", journal_dir.absolute().parent.name).split())
    return f"{name} journal" if name else "Journal"
