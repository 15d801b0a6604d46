"""One publish pipeline: a journal folder and explicit options in; pages, exports and warnings out.

The MkDocs/ProperDocs plugin, Zensical's render into docs/ and `pjournal render -o` all call
`publish`: the journal is loaded, validated, narrowed to what is published (drafts, redaction,
anonymous partners) and rendered once, here, with the options as arguments. What an engine then
does with the pages (generated files of a build, Markdown files in a folder) is the caller's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from jinja2.bccache import Bucket, BytecodeCache

from .analyze import public_partners, published
from .errors import JournalError, LocatedError
from .export import exports
from .load import Cache, load_journal
from .model import Journal, Partner
from .privacy import Anonymity, Redacted, compile_patterns, redact
from .render import ENV, Page, PageMemo, SessionCache, own_pages, shared_key, site_pages
from .validate import validate
from . import framework


@dataclass(frozen=True)
class Options:
    """What a publication is made with: the plugin's options and the site's settings that pages show."""

    journal_dir: Path
    prefix: str = "journal"
    drafts: bool = False
    redact: tuple[str, ...] = ()
    directory_urls: bool = True
    site_name: str = "Journal"
    site_url: str = ""


@dataclass
class Kept:
    """What `serve` keeps from one publication to the next: the records as read and as redacted, the
    sessions' pages and exports, and the other pages; each is made again only when its inputs changed."""

    records: Cache = field(default_factory=dict)
    redacted: Redacted = field(default_factory=Redacted)
    sessions: SessionCache = field(default_factory=SessionCache)
    pages: PageMemo = field(default_factory=PageMemo)
    exported: SessionCache = field(default_factory=SessionCache)
    compiled: Compiled = field(default_factory=lambda: Compiled())


class Compiled(BytecodeCache):
    """Templates compiled once, kept in memory (`serve` keeps an engine's theme templates here)."""

    def __init__(self) -> None:
        self.codes: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.codes:
            bucket.bytecode_from_string(self.codes[bucket.key])  # Jinja drops it if the source changed

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.codes[bucket.key] = bucket.bytecode_to_string()


@dataclass(frozen=True)
class Publication:
    """A journal as published: its pages (made one at a time as they are read), its export files by
    name (journal.json, its schema, the feed), the warnings of its records, and its partners as
    written (before redaction: what other pages of a site must not name)."""

    journal: Journal
    pages: Iterator[Page]
    exports: dict[str, str]
    warnings: list[LocatedError]
    partners: dict[str, Partner]
    site_name: str  # as published: an anonymous partner it names replaced by the public name


def checked_journal(options: Options, kept: Kept | None = None) -> Journal:
    """The journal read and validated; a JournalError lists every problem (a missing folder too)."""
    raw = load_journal(options.journal_dir, kept.records if kept is not None else None)
    return validate(raw, release=kept is None)


def published_journal(options: Options, kept: Kept | None = None, checked: Journal | None = None) -> Journal:
    """The journal as it may be published: validated (`checked`, or read here), drafts left out unless
    asked for, redacted. Its warnings are those of all its records, drafts too."""
    checked = checked if checked is not None else checked_journal(options, kept)
    patterns = compile_patterns(list(options.redact))
    return redact(published(checked, options.drafts), patterns, kept.redacted if kept is not None else None)


def publish(options: Options, kept: Kept | None = None, checked: Journal | None = None) -> Publication:
    """Every page and export of the journal (`checked`: validated already). The pages are made as they
    are read, so a caller that turns each into a file holds one at a time; the exports are made first
    (they share the figures)."""
    checked = checked if checked is not None else checked_journal(options, kept)
    journal = published_journal(options, kept, checked)
    figures = framework.views(journal)
    site_name = Anonymity(checked.partners).replaced(options.site_name)
    files = exports(journal, public_partners(journal.partners), ENV, site_name=site_name,
                    site_url=options.site_url, prefix=options.prefix,
                    cache=kept.exported if kept is not None else None,
                    directory_urls=options.directory_urls, views=figures[0])  # fmt: skip
    pages = site_pages(journal, kept.sessions if kept is not None else None, directory_urls=options.directory_urls,
                       memo=kept.pages if kept is not None else None, figures=figures)  # fmt: skip
    return Publication(journal, pages, files, journal.warnings, checked.partners, site_name)


#: The most sessions an edit may change for `edited_sessions` to make their pages alone (a branch
#: switch changes many: then every page is built together).
MAX_EDITED = 5


def edited_sessions(options: Options, kept: Kept, last: Journal) -> tuple[Journal, list[Page]] | None:
    """The journal read again and the own pages of the sessions changed since `last` (the journal as
    last published), when that is all an edit changed: no error, the same warnings, the same
    sessions, partners and case-study titles. Otherwise None: the edit needs a whole publication.
    A record read again unchanged keeps its model (`kept`), so a changed session is a new object."""
    try:
        checked = checked_journal(options, kept)
    except JournalError:
        return None
    journal = published_journal(options, kept, checked)
    before = {s.id: s for s in last.sessions}
    if ([s.id for s in journal.sessions] != list(before) or journal.warnings != last.warnings
            or shared_key(journal) != shared_key(last)):  # fmt: skip
        return None
    changed = [s for s in journal.sessions if s is not before[s.id]]
    if not changed or len(changed) > MAX_EDITED:
        return None
    return journal, own_pages(journal, changed, directory_urls=options.directory_urls)


def made_of(page: Page) -> tuple[Any, ...]:
    """What a journal page's output is made of besides what every page carries: its front matter,
    body and record (`serve` builds a page again when this changed)."""
    return repr(page.meta), hash(page.body), len(page.body), str(page.source)


def carried_by_every_page(pages: list[Page], problems: list[LocatedError]) -> tuple[Any, ...]:
    """What every page of a site carries from the journal: the sidebar's journal pages with their
    titles, the errors shown at the top of every page, and the pages' tags (a tags index gathers
    them). When it changed, `serve` builds every page again."""
    return (tuple((p.src_uri, p.meta.get("title"), p.nav) for p in pages if p.nav is not None),
            tuple(map(str, problems)),
            tuple((p.src_uri, tuple(p.meta["tags"])) for p in pages if p.meta.get("tags")))  # fmt: skip
