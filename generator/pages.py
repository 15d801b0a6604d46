"""`pjournal render`: the generated pages as Markdown files in a folder, without MkDocs.

For static site generators that read MkDocs' format, and for reviewing the pages in a pull
request. The files are the plugin's pages and exports; nothing is written until all are rendered.
"""

from __future__ import annotations

from pathlib import Path

from .analyze import public_partners
from .export import exports
from .model import Journal
from .render import ENV, render_site


class OutputError(Exception):
    """An output folder or prefix that can't be used, said in one line."""


def journal_files(journal: Journal, *, site_name: str, prefix: str = "", directory_urls: bool = True) -> dict[str, str]:
    """Every file `render` writes, by path below the prefix: the pages and the exports.

    A page is a Markdown file whose body is HTML, its links made for a site with or without
    MkDocs' `use_directory_urls`. The exports (journal.json, its schema, the Atom feed) are
    those the plugin adds to a site, with links relative to the pages, since there is no site
    address here.
    """
    files = {uri: page.content for uri, page in render_site(journal, directory_urls=directory_urls).items()}
    names = public_partners(journal.partners)
    files.update(exports(journal, names, ENV, site_name=site_name, site_url="", prefix=prefix,
                         directory_urls=directory_urls))  # fmt: skip
    return files


def clean_prefix(prefix: str) -> str:
    """The prefix as a relative folder (`journal`, `a/b`, or "" for none); anything that climbs out is refused."""
    cleaned = prefix.strip().strip("/")
    if any(part in ("..", ".") for part in cleaned.split("/")) or "\\" in cleaned:
        raise OutputError(f"prefix '{prefix}' must be a folder inside the site, like 'journal'")
    return cleaned


def write_files(files: dict[str, str], out: Path, *, prefix: str = "", force: bool = False) -> list[Path]:
    """Write files into `out/<prefix>/`; `out` must be new or empty unless `force` (files are then overwritten)."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} is a file, not a folder")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise OutputError(f"{out} is not empty; choose a new folder or add --force to write into it")
    base = out / clean_prefix(prefix)
    root = out.resolve()
    targets = {base / uri: content for uri, content in files.items()}
    for path in targets:  # uris are made of ids, which are slugs: this is a guard
        if not path.resolve().is_relative_to(root):
            raise OutputError(f"'{path.relative_to(base)}' would be written outside {out}")
    try:
        for path, content in targets.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8", newline="\n")
    except OSError as e:
        raise OutputError(f"cannot write {e.filename or out}: {e.strerror}") from None
    return list(targets)
