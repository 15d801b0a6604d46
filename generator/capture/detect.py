"""Which reader reads a source: found from the file's content, never from its name alone.

A source is a transcript file, a folder of them, or a ChatGPT export. A folder is searched
for what the readers read; a sub-agent's file there is left to its session. `--latest`
finds the newest session of the current folder where Claude Code or Codex keeps them.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import UserError
from ..model import ImportTool
from . import aider, chatgpt, claude_code, codex
from .normalise import Session
from .read import NotATranscript, Problems, head_objects

Reader = Callable[[Path, str, Problems], list[Session]]
READERS: dict[ImportTool, Reader] = {
    "claude-code": claude_code.read, "codex": codex.read, "aider": aider.read, "chatgpt": chatgpt.read,
}  # fmt: skip
FORMATS: tuple[str, ...] = tuple(READERS)
_NOT_A_TRANSCRIPT = ("not a transcript pjournal import reads (a Claude Code or Codex CLI JSONL file, an aider chat "
                     "history, a ChatGPT export)")  # fmt: skip


@dataclass(frozen=True)
class Source:
    """A file to read, and the reader for it."""

    path: Path
    shown: str
    tool: ImportTool


def detect(path: Path) -> ImportTool | None:
    """The format of a file, from its first lines; None when no reader reads it."""
    if chatgpt.is_export(path):
        return "chatgpt"
    if aider.is_history(path):
        return "aider"
    heads = head_objects(path)
    if any(o.get("type") in codex.LINE_TYPES and "payload" in o for o in heads):
        return "codex"
    if any(o.get("type") in ("user", "assistant", "summary") and ("uuid" in o or "leafUuid" in o) for o in heads):
        return "claude-code"
    return None


def _candidates(folder: Path) -> list[Path]:
    """The files of a folder that could be transcripts: not a sub-agent's, which its session reads."""
    found = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or "subagents" in path.relative_to(folder).parts[:-1]:
            continue
        if path.name.startswith("agent-") and path.suffix == ".jsonl":
            continue
        if path.suffix in (".jsonl", ".json", ".zip") or path.name.endswith(".aider.chat.history.md"):
            found.append(path)
    return found


def sources(paths: list[Path], chosen: ImportTool | None, problems: Problems) -> list[Source]:
    """What to read: each file given, and the transcripts in each folder given.

    Raises NotATranscript for a file given by name that no reader reads, or that is not there.
    """
    found: list[Source] = []
    for path in paths:
        if not path.exists():
            raise NotATranscript(f"{path}: no such file or folder")
        if path.is_dir():
            skipped = 0
            for inner in _candidates(path):
                tool = chosen or detect(inner)
                if tool is None:
                    skipped += 1
                elif tool == "codex" and codex.parent_of(inner) is not None:
                    continue  # a sub-agent's rollout: its session's, beside it, reads it
                else:
                    found.append(Source(inner, str(inner), tool))
            if skipped:
                files = "1 file that is" if skipped == 1 else f"{skipped} files that are"
                problems.add(str(path), 0, f"{files} not a transcript; skipped")
            continue
        tool = chosen or detect(path)
        if tool is None:
            raise NotATranscript(f"{path}: {_NOT_A_TRANSCRIPT}")
        found.append(Source(path, str(path), tool))
    return found


def read(source: Source, problems: Problems) -> list[Session]:
    """The sessions of a source, by its reader; a file it can't open is reported, not raised."""
    try:
        return READERS[source.tool](source.path, source.shown, problems)
    except OSError as e:
        problems.add(source.shown, 0, f"cannot read it ({e.strerror}); skipped")
        return []
    except UnicodeDecodeError:
        problems.add(source.shown, 0, "not text (UTF-8); skipped")
        return []


def claude_folder(cwd: Path, home: Path) -> Path:
    """Where Claude Code keeps the sessions of a folder: its path with every other character than a
    letter or digit made '-', under ~/.claude/projects (or $CLAUDE_CONFIG_DIR/projects)."""
    base = Path(os.environ["CLAUDE_CONFIG_DIR"]) if os.environ.get("CLAUDE_CONFIG_DIR") else home / ".claude"
    return base / "projects" / re.sub(r"[^A-Za-z0-9]", "-", str(cwd))


def latest(tool: str, cwd: Path, home: Path) -> Path:
    """The newest session of the folder `cwd`, of Claude Code or Codex CLI."""
    if tool == "claude-code":
        folder = claude_folder(cwd, home)
        found = [p for p in folder.glob("*.jsonl") if not p.name.startswith("agent-")] if folder.is_dir() else []
        where = f"~/{folder.relative_to(home)}" if folder.is_relative_to(home) else str(folder)
    else:
        base = Path(os.environ["CODEX_HOME"]) if os.environ.get("CODEX_HOME") else home / ".codex"
        found = [p for p in sorted((base / "sessions").rglob("rollout-*.jsonl"))
                 if any(o.get("type") == "session_meta" and isinstance(o.get("payload"), dict)
                        and o["payload"].get("cwd") == str(cwd) for o in head_objects(p, 1))]  # fmt: skip
        where = "~/.codex/sessions"
    if not found:
        raise UserError(f"--latest {tool}: no session of this folder in {where}")
    return max(found, key=lambda p: (p.stat().st_mtime, p.name))
