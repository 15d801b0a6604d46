"""New files for a journal: the site `pjournal init` writes and the session `pjournal new` adds.

Nothing here overwrites a file. Every record written starts with a
`# yaml-language-server: $schema=...` line naming a JSON Schema kept in `journal/.schema/`
(a relative path, so editors check fields offline), and `new` validates what it wrote.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import yaml
from jinja2 import Environment, PackageLoader, StrictUndefined

from .analyze import slugify
from .engines import read_config
from .errors import JournalError, LocatedError, UserError
from .load import Cache, RawJournal, display_path, load_journal
from .model import PLACEHOLDERS, CaseStudy, Partner
from .validate import validate
from .schema import KINDS, SchemaKind, schema_text

SCHEMA_DIR = ".schema"
#: The sample session of a new site is dated, so that `init` always writes the same files.
SAMPLE_DATE = dt.date(2026, 2, 3)
SAMPLE_CASE_STUDY = "newsletter-relaunch"


class ScaffoldError(UserError):
    """A problem the user can fix (a file in the way, an unknown partner), said in one line."""


def _yaml_scalar(value: Any) -> str:
    """A value as one YAML scalar, quoted only where YAML needs it (`a: b`, `yes`, `2026`)."""
    return yaml.safe_dump(value, allow_unicode=True, width=1_000_000).removesuffix("\n...\n").removesuffix("\n")


ENV = Environment(
    loader=PackageLoader("generator", "templates/scaffold"),
    undefined=StrictUndefined,
    autoescape=False,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
ENV.filters["yaml"] = _yaml_scalar


def schema_path(kind: SchemaKind) -> str:
    """Where a journal keeps the schema of one kind of record, relative to the journal folder."""
    return f"{SCHEMA_DIR}/{kind}.json"


def schema_files() -> dict[str, str]:
    """The three JSON Schemas as files, by path relative to the journal folder."""
    return {schema_path(kind): schema_text(kind) for kind in KINDS}


def _modeline_target(record: str, kind: SchemaKind) -> str:
    """The schema's path as seen from a record, both relative to the journal folder."""
    return posixpath.relpath(schema_path(kind), posixpath.dirname(record) or ".")


def _record(template: str, record: str, kind: SchemaKind, **values: Any) -> str:
    return ENV.get_template(template).render(schema=_modeline_target(record, kind), **values)


# pjournal init


def site_files(site_name: str) -> dict[str, str]:
    """Every file of a new journal site, by path relative to its folder: the site, a sample journal, CI."""
    session = f"sessions/{SAMPLE_DATE.year}/{SAMPLE_DATE.isoformat()}-planning-the-first-issue.yaml"
    study = f"case-studies/{SAMPLE_CASE_STUDY}.yaml"
    journal = {
        "partners.yaml": _record("partners.yaml.j2", "partners.yaml", "partners"),
        study: _record("case-study.yaml.j2", study, "case-study", id=SAMPLE_CASE_STUDY),
        session: _record("session.yaml.j2", session, "session", date=SAMPLE_DATE, case_study=SAMPLE_CASE_STUDY),
        **schema_files(),
    }
    return {
        "mkdocs.yml": ENV.get_template("mkdocs.yml.j2").render(site_name=site_name),
        "docs/index.md": ENV.get_template("index.md.j2").render(),
        **{f"journal/{path}": text for path, text in journal.items()},
        ".github/workflows/journal.yml": ENV.get_template("workflow.yml.j2").render(),
        ".gitignore": ENV.get_template("gitignore.j2").render(),
    }


def write_new_files(folder: Path, files: dict[str, str]) -> list[Path]:
    """Write every file under `folder`, or none: any that exists already is refused, by name."""
    targets = [folder / path for path in files]
    taken = [path for path in targets if path.exists() or path.is_symlink()]
    if taken:
        names = ", ".join(display_path(path, folder) for path in taken)
        raise ScaffoldError(f"not overwriting {names}: nothing was written")
    written: list[Path] = []
    try:
        for path, content in zip(targets, files.values()):
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("x", encoding="utf-8", newline="\n") as f:
                f.write(content)
            written.append(path)
    except OSError as e:
        for path in written:
            path.unlink(missing_ok=True)
        raise ScaffoldError(f"cannot write {display_path(Path(e.filename or folder), folder)}: {e.strerror}") from None
    return written


def init_site(folder: Path, engine: str = "mkdocs") -> list[Path]:
    """A new journal site in `folder` (created if need be), named after the folder; for Zensical, its own files."""
    if folder.exists() and not folder.is_dir():
        raise ScaffoldError(f"{folder} is a file, not a folder")
    name = folder.absolute().resolve().name or "My"
    if engine == "zensical":
        from .zensical_site import site_files as zensical_files

        return write_new_files(folder, zensical_files(f"{name} journal"))
    return write_new_files(folder, site_files(f"{name} journal"))


# pjournal new


@dataclass(frozen=True)
class Existing:
    """What a new session may refer to: the journal's partners and case studies, and the ids taken."""

    root: Path
    partners: dict[str, Partner]
    case_studies: dict[str, CaseStudy]
    session_ids: frozenset[str]
    cache: Cache


def existing(root: Path) -> Existing:
    """Read a journal for `new`: partners and case studies must be valid; sessions are only counted.

    Raises JournalError when partners.yaml or a case study has an error (a session's errors
    do not stop a new session from being written).
    """
    cache: Cache = {}
    raw = load_journal(root, cache)
    journal = validate(RawJournal(raw.root, raw.partners, raw.case_studies, [], raw.errors))
    ids = {r.data["id"] if isinstance(r.data, dict) and isinstance(r.data.get("id"), str) else r.stem
           for r in raw.sessions}  # fmt: skip
    return Existing(raw.root, journal.partners, journal.case_studies, frozenset(ids), cache)


def default_partners(partners: dict[str, Partner]) -> list[str]:
    """The first human and the first AI partner of partners.yaml, else its first two."""
    human = next((id for id, p in partners.items() if p.kind == "human"), None)
    ai = next((id for id, p in partners.items() if p.kind == "ai"), None)
    return [human, ai] if human and ai else list(partners)[:2]


def check_partners(ids: list[str], partners: dict[str, Partner]) -> list[str]:
    """The chosen partner ids, once each; an unknown id is an error that lists the known ones."""
    unknown = [id for id in ids if id not in partners]
    if unknown:
        listed = ", ".join(partners) or "none"
        raise ScaffoldError(f"unknown partner '{unknown[0]}'; the partners in partners.yaml are: {listed}")
    chosen = list(dict.fromkeys(ids))
    if len(chosen) < 2:
        raise ScaffoldError(f"a session needs two or more partners, got {len(chosen)}")
    return chosen


def choose_partners(answer: str, partners: dict[str, Partner]) -> list[str]:
    """Partners picked by number (`1 3`) or id (`sam, assistant`) from the numbered list."""
    ids = list(partners)
    picked = []
    for word in re.split(r"[\s,]+", answer.strip()):
        if word.isdigit() and 1 <= int(word) <= len(ids):
            picked.append(ids[int(word) - 1])
        elif word.isdigit():
            raise ScaffoldError(f"{word} is not a number from the list (1 to {len(ids)})")
        elif word:
            picked.append(word)
    return check_partners(picked, partners)


def check_case_study(id: str | None, case_studies: dict[str, CaseStudy]) -> None:
    """An unknown case study is an error that lists the known ones."""
    if id is not None and id not in case_studies:
        listed = ", ".join(case_studies) or "none yet"
        raise ScaffoldError(f"unknown case study '{id}'; the case studies are: {listed}")


def title_slug(title: str) -> str:
    """A file-name slug of a title (with the date it stays well inside an id's 80 characters)."""
    return slugify(title) or "session"


@dataclass(frozen=True)
class NewSession:
    """What `new` wrote: the record, schema files it added, and warnings about the record."""

    path: Path
    schemas: list[Path]
    warnings: list[LocatedError]


def new_session(
    journal: Existing, *, title: str, partners: list[str], date: dt.date, case_study: str | None = None
) -> NewSession:
    """Write a session record with placeholders to fill; it validates as written, with a
    warning for each placeholder (model.PLACEHOLDERS) until it is replaced.

    Missing schema files are added to `.schema/` so that the record's modeline resolves.
    """
    title = title.strip()
    if not title:
        raise ScaffoldError("the title is empty")
    if "\n" in title or "\r" in title:
        raise ScaffoldError("the title must be one line")
    partners = check_partners(partners, journal.partners)
    check_case_study(case_study, journal.case_studies)
    stem = f"{date.isoformat()}-{title_slug(title)}"
    relative = f"sessions/{date.year}/{stem}.yaml"
    path = journal.root / relative
    if path.exists() or path.is_symlink():
        raise ScaffoldError(f"{display_path(path, journal.root)} exists already; give another --title or --date")
    if stem in journal.session_ids:
        raise ScaffoldError(f"a session with id '{stem}' exists already; give another --title or --date")
    todo = {**PLACEHOLDERS, "summary": PLACEHOLDERS["summary"].format(partner=partners[0])}
    content = _record("new-session.yaml.j2", relative, "session", title=title, date=date.isoformat(),
                      partners=partners, case_study=case_study, todo=todo)  # fmt: skip
    missing = {p: text for p, text in schema_files().items() if not (journal.root / p).exists()}
    written = write_new_files(journal.root, {relative: content})
    try:
        warnings = _validate_new(journal, written[0])
    except JournalError:
        written[0].unlink()
        raise
    schemas = write_new_files(journal.root, missing) if missing else []
    return NewSession(written[0], schemas, warnings)


def _validate_new(journal: Existing, path: Path) -> list[LocatedError]:
    """Validate the new record against the journal's partners and case studies; its warnings."""
    raw = load_journal(journal.root, journal.cache)  # the cache re-reads only the new file
    record = [r for r in raw.sessions if r.path == path]
    checked = validate(RawJournal(raw.root, raw.partners, raw.case_studies, record))
    return [w for w in checked.warnings if record and w.path == record[0].display]


# pjournal serve


def serve_url(config_file: Path, dev_addr: str | None) -> str:
    """The address `mkdocs serve` will use: `dev_addr` (or the config's), under the path of `site_url`."""
    try:
        config = read_config(config_file)
    except UserError:
        config = {}
    address = dev_addr or config.get("dev_addr")
    address = address if isinstance(address, str) and address else "127.0.0.1:8000"
    site_url = config.get("site_url")
    path = urlsplit(site_url).path if isinstance(site_url, str) else ""
    return f"http://{address}{PurePosixPath('/', path.strip('/')).as_posix().rstrip('/')}/"
