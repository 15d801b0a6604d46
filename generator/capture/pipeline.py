"""`pjournal import`, step by step: detect -> read -> normalise -> redact -> signals -> draft -> write.

Drafts go into the journal's sessions folder and nowhere else (partners.yaml is never written:
a partner the journal lacks is given as an entry to paste). Each session's draft has a place
of its own, found again on the next import by its `imported_from`: a draft nobody edited is
rewritten, one a person edited is left alone unless forced, and then kept beside the new one.
Each draft is validated as written, as `pjournal new` does.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..adopt import plugin_options, read_config
from ..engines import find_config
from ..errors import JournalError, LocatedError, UserError
from ..load import load_journal
from ..model import IMPORT_TODO, ImportTool, Partner
from ..privacy import compile_patterns
from ..routes import slugify
from ..scaffold import (
    Existing,
    check_case_study,
    existing,
    modeline_target,
    title_slug,
    validate_written,
    yaml_scalar,
)  # fmt: skip
from ..schema import schema_path
from . import detect, draft, git
from .normalise import Session, digest, short_id
from .read import Problems
from .redact import redactor
from .signals import quote, signals

Action = Literal["wrote", "rewrote", "unchanged", "left", "would write", "would rewrite"]


@dataclass(frozen=True)
class Options:
    """What the command line asked for."""

    journal: Path
    human: str | None = None
    ai: str | None = None
    case_study: str | None = None
    tool: ImportTool | None = None
    session: str | None = None
    git: str | None = None
    quotes: bool = True
    force: bool = False
    dry_run: bool = False


@dataclass(frozen=True)
class Written:
    """What became of one session's draft: `left` is a draft a person edited, not rewritten."""

    path: Path
    action: Action
    text: str
    backup: Path | None = None
    warnings: tuple[LocatedError, ...] = ()


@dataclass
class Imported:
    drafts: list[Written] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    entries: list[str] = field(default_factory=list)  # partners.yaml entries to paste, with why


@dataclass(frozen=True)
class Listed:
    """One row of `--list`."""

    tool: str
    id: str
    start: str
    end: str
    turns: int
    model: str
    title: str


class CaptureError(UserError):
    """A problem with what was asked for (an unknown partner, nothing to import), in one line."""


def site_patterns(folder: Path) -> list[Any]:
    """The `redact` patterns of the site here (its mkdocs.yml's journal plugin), compiled."""
    config = find_config(folder)
    if config is None or config.suffix not in (".yml", ".yaml"):
        return []
    try:
        options = plugin_options(read_config(config.read_text(encoding="utf-8"))) or {}
    except (OSError, UnicodeDecodeError):
        return []
    patterns = options.get("redact") if isinstance(options.get("redact"), list) else []
    return compile_patterns([p for p in patterns if isinstance(p, str)])


def sessions(paths: list[Path], options: Options, cwd: Path, problems: Problems,
             ai_names: list[str]) -> list[Session]:  # fmt: skip
    """Every session of the sources (and the git range), as read: not yet redacted."""
    found = [s for source in detect.sources(paths, options.tool, problems) for s in detect.read(source, problems)]
    if options.git:
        commits = git.read(options.git, cwd, ai_names)
        if not paths:
            found = [commits]
        for session in found if paths else []:
            session.events = [*session.events, *commits.events]
            session.digest = digest(session.digest.encode(), commits.digest.encode())
    if options.session is not None:
        wanted = options.session.strip()
        found = [s for s in found if s.id == wanted or s.title.strip().lower() == wanted.lower()]
        if not found:
            raise CaptureError(f"--session {wanted}: no session of that id or title")
    return found


def _partners(journal: Path) -> dict[str, Partner]:
    """The journal's partners, when there is a journal (`--list` works without one)."""
    return existing(journal).partners if journal.is_dir() else {}


def list_sessions(paths: list[Path], options: Options, cwd: Path) -> tuple[list[Listed], list[str]]:
    """The sessions found, redacted as a draft would be: nothing is written."""
    problems = Problems()
    partners = _partners(options.journal)
    rows = []
    for session in sessions(paths, options, cwd, problems, _ai_names(partners)):
        clean = redactor(session.cwd, partners, site_patterns(cwd)).session(session)
        times = [t.strftime("%Y-%m-%d %H:%M") if t else "-" for t in (clean.started, clean.ended)]
        rows.append(Listed(clean.tool, clean.id, *times, clean.turns, clean.model or "-",
                           quote(clean.title, 80) or "-"))  # fmt: skip
    return rows, problems.report()


def _ai_names(partners: dict[str, Partner]) -> list[str]:
    return [name for p in partners.values() if p.kind == "ai" for name in (p.name, p.model or "")]


def entry(id: str, kind: str, model: str = "") -> str:
    """A partners.yaml entry to paste."""
    lines = [f"- id: {id}", f"  name: {yaml_scalar(model or id)}", f"  kind: {kind}"]
    return "\n".join(lines + ([f"  model: {yaml_scalar(model)}"] if model else []))


def match_model(partners: dict[str, Partner], model: str) -> str | None:
    """The AI partner whose `model` is the transcript's model id, or the start of it
    (`claude-opus-4-5` for `claude-opus-4-5-20251101`)."""
    wanted = model.lower()
    ais = [(id, (p.model or "").lower()) for id, p in partners.items() if p.kind == "ai" and p.model]
    return next((id for id, m in ais if m == wanted), None) or next(
        (id for id, m in ais if len(m) >= 3 and (wanted.startswith(m) or m.startswith(wanted))), None)


def cast(partners: dict[str, Partner], model: str, options: Options, entries: list[str]) -> draft.Cast:
    """Who the draft names: --human and --ai, else the partner whose model the transcript names,
    else the first of each kind, with a note for a person to check."""
    notes = []
    humans = [id for id, p in partners.items() if p.kind == "human"]
    ais = [id for id, p in partners.items() if p.kind == "ai"]
    for given, kind in ((options.human, "human"), (options.ai, "ai")):
        if given is not None and given not in partners:
            paste = entry(slugify(given) or "x", kind)
            raise CaptureError(f"unknown partner '{given}'; add it to partners.yaml:\n{paste}")
        if given is not None and partners[given].kind != kind:
            raise CaptureError(f"--{kind} {given}: '{given}' is a partner of kind {partners[given].kind}")
    if not humans or not ais:
        paste = entry("me", "human") if not humans else entry(slugify(model) or "assistant", "ai", model)
        kind = "human" if not humans else "ai"
        raise CaptureError(f"partners.yaml has no {kind} partner; add one, such as:\n{paste}")
    human = options.human or humans[0]
    if options.human is None:
        notes.append(f"{IMPORT_TODO} who the person was: without --human, the first human partner is named")
    ai = options.ai or (match_model(partners, model) if model else None)
    if ai is None:
        ai = ais[0]
        if model:
            notes.append(f"{IMPORT_TODO} which AI partner this was: the model {model} is no partner's model")
            entries.append(f"no partner has the model {model}; to add one, paste into partners.yaml:\n"
                           f"{entry(slugify(model) or 'assistant', 'ai', model)}")  # fmt: skip
        else:
            notes.append(f"{IMPORT_TODO} which AI partner this was: the source names no model")
    return draft.Cast(human, ai, tuple(notes))


def _existing_drafts(journal: Existing) -> dict[tuple[str, str], Path]:
    """The drafts an import wrote, by (tool, session id), as their `imported_from` says."""
    found = {}
    for record in load_journal(journal.root, journal.cache).sessions:
        origin = record.data.get("imported_from") if isinstance(record.data, dict) else None
        if isinstance(origin, dict) and isinstance(origin.get("tool"), str):
            found[(origin["tool"], str(origin.get("session")))] = record.path
    return found


def place(journal: Existing, session: Session, title: str, day: dt.date, known: dict[tuple[str, str], Path],
          taken: set[Path]) -> Path:  # fmt: skip
    """Where a session's draft goes: where an earlier import of it went, else a new name."""
    earlier = known.get((session.tool, session.id))
    if earlier is not None:
        return earlier
    slug = title_slug(title) if title else f"{session.tool}-{short_id(session.id)}"
    folder = journal.root / "sessions" / str(day.year)
    for n in range(1, 1000):
        stem = f"{day.isoformat()}-{slug}" + (f"-{n}" if n > 1 else "")
        path = folder / f"{stem}.yaml"
        if not (path.exists() or path in taken or stem in journal.session_ids):
            return path
    raise CaptureError(f"no free name for {slug} in {folder}")


def import_sessions(paths: list[Path], options: Options, cwd: Path) -> Imported:
    """Draft a record for each session of the sources; write them unless it is a dry run."""
    journal = existing(options.journal)
    check_case_study(options.case_study, journal.case_studies)
    problems = Problems()
    found = sessions(paths, options, cwd, problems, _ai_names(journal.partners))
    if not found:
        raise CaptureError("no session to import" + (f": {problems.report()[-1]}" if problems.report() else ""))
    done = Imported()
    patterns = site_patterns(cwd)
    known = _existing_drafts(journal)
    taken: set[Path] = set()
    for session in found:
        clean_up = redactor(session.cwd, journal.partners, patterns)
        clean = clean_up.session(session)
        found_signals = signals(clean, quotes=options.quotes)
        who = cast(journal.partners, clean.model, options, done.entries)
        day = found_signals.date or _undated(session)
        title = found_signals.title
        path = place(journal, clean, title, day, known, taken)
        taken.add(path)
        relative = path.relative_to(journal.root).as_posix()
        schema = modeline_target(relative, "session") if (journal.root / schema_path("session")).is_file() else None
        text = draft.render(clean, found_signals, who, counts=clean_up.counts, schema=schema,
                            case_study=options.case_study, day=day.isoformat(),
                            dated=found_signals.date is not None)  # fmt: skip
        done.drafts.append(write(journal, path, text, force=options.force, dry_run=options.dry_run))
    done.problems = problems.report()
    return done


def _undated(session: Session) -> dt.date:
    """A session whose source records no time is dated by its file (the draft says to check it)."""
    try:
        return dt.date.fromtimestamp(os.stat(session.source).st_mtime)
    except (OSError, ValueError):
        return dt.date(1970, 1, 1)


def _backup(path: Path) -> Path:
    """A free name beside a draft for the edited version a forced import replaces: `x.yaml.bak`, `.bak2`, ..."""
    for n in range(1, 1000):
        candidate = path.with_name(f"{path.name}.bak" + (str(n) if n > 1 else ""))
        if not candidate.exists():
            return candidate
    raise CaptureError(f"no free name beside {path} to keep it")


def write(journal: Existing, path: Path, text: str, *, force: bool, dry_run: bool) -> Written:
    """Write a draft: new, over one nobody edited, or (with `force`) over an edited one, kept beside it.
    An edited draft is otherwise left alone. The record is validated as written."""
    old = path.read_text(encoding="utf-8") if path.is_file() else None
    if old is not None and old == text:
        return Written(path, "unchanged", text)
    if old is not None and not draft.untouched(old) and not force:
        return Written(path, "left", old)
    if dry_run:
        return Written(path, "would write" if old is None else "would rewrite", text)
    backup = None
    if old is not None and not draft.untouched(old):
        backup = _backup(path)
        os.replace(path, backup)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")
    try:
        warnings = validate_written(journal, path)
    except JournalError:
        if old is None or backup is not None:
            path.unlink()
        if backup is not None:
            os.replace(backup, path)
        elif old is not None:
            path.write_text(old, encoding="utf-8", newline="\n")
        raise
    return Written(path, "wrote" if old is None else "rewrote", text, backup, tuple(warnings))



def listing(rows: list[Listed]) -> str:
    """`--list` as aligned columns, a header first."""
    table = [("TOOL", "SESSION", "START", "END", "TURNS", "MODEL", "TITLE")]
    table += [(r.tool, r.id, r.start, r.end, str(r.turns), r.model, r.title) for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]) - 1)]
    return "\n".join("  ".join([*(cell.ljust(w) for cell, w in zip(row, widths)), row[-1]]).rstrip() for row in table)


def todo_marks(written: Written) -> tuple[int, list[LocatedError]]:
    """How many of a draft's warnings are its marks for a person, and the other warnings."""
    marks = [w for w in written.warnings if w.message.startswith(IMPORT_TODO)]
    return len(marks), [w for w in written.warnings if w not in marks]
