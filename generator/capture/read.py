"""What every reader shares: JSON Lines read one line at a time, and the problems found on the way.

A transcript is read as it is: a line that is not JSON, a last line cut short (a session still
being written), a line of a type no reader knows, is reported with its file and line and
skipped, never a traceback. Lines are read one at a time and dropped once their events are
taken, so a 100 MB transcript never sits in memory whole; the digest of what was read is
made on the way.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from ..errors import UserError


class NotATranscript(UserError):
    """A source that no reader reads, said in one line."""


#: A type as a format names one; anything else found there is not repeated in a message.
_TYPE_NAME = re.compile(r"[A-Za-z0-9_.:-]{1,60}")


@dataclass
class Problems:
    """Lines to report, `file:line: message`, in the order found; an unknown line type once per file,
    with how many lines had it."""

    lines: list[str] = field(default_factory=list)
    _unknown: dict[tuple[str, str], list[int]] = field(default_factory=dict)

    def add(self, path: str, line: int, message: str) -> None:
        self.lines.append(f"{path}:{line}: {message}" if line else f"{path}: {message}")

    def unknown(self, path: str, line: int, kind: object) -> None:
        """A line of a type the reader does not know: reported once, at its first line."""
        name = kind if isinstance(kind, str) and _TYPE_NAME.fullmatch(kind) else "?"
        found = self._unknown.setdefault((path, name), [])
        if not found:
            self.lines.append("")  # its place in the order; filled in by `report`
            found.append(len(self.lines) - 1)
        found.append(line)

    def report(self) -> list[str]:
        """Every problem, one line each."""
        lines = list(self.lines)
        for (path, name), (slot, first, *more) in self._unknown.items():
            count = f" ({1 + len(more)} lines)" if more else ""
            lines[slot] = f"{path}:{first}: unknown line type '{name}'{count}; skipped"
        return lines


class JsonLines:
    """The JSON objects of a JSON Lines file with their line numbers; `digest` once read through.

    A line that is not a JSON object is reported and skipped; so is a last line without its
    end (the tool is still writing the file).
    """

    def __init__(self, path: Path, shown: str, problems: Problems, hashed: Any = None):
        self.path, self.shown, self.problems = path, shown, problems
        self.hashed = hashed if hashed is not None else hashlib.sha256()

    @property
    def digest(self) -> str:
        return f"sha256:{self.hashed.hexdigest()}"

    def __iter__(self) -> Iterator[tuple[int, dict[str, Any]]]:
        with self.path.open("rb") as f:
            for number, raw in enumerate(f, 1):
                self.hashed.update(raw)
                if not raw.strip():
                    continue
                try:
                    value = json.loads(raw)
                except ValueError:
                    if not raw.endswith(b"\n"):
                        self.problems.add(self.shown, number, "the last line is incomplete (is the session still "
                                                              "going on?); skipped")  # fmt: skip
                    else:
                        self.problems.add(self.shown, number, "not a line of JSON; skipped")
                    continue
                if isinstance(value, dict):
                    yield number, value
                else:
                    self.problems.add(self.shown, number, "not a JSON object; skipped")


def head_objects(path: Path, lines: int = 20) -> list[dict[str, Any]]:
    """The JSON objects among a file's first lines (what detection looks at), [] when there are none."""
    found = []
    try:
        with path.open("rb") as f:
            for _ in range(lines):
                raw = f.readline(4_000_000)
                if not raw:
                    break
                try:
                    value = json.loads(raw)
                except ValueError:
                    continue
                if isinstance(value, dict):
                    found.append(value)
    except OSError:
        return []
    return found


def text_of(content: Any) -> str:
    """The text of a message's content: a string, or the `text` of its text blocks joined."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(block["text"] for block in content
                         if isinstance(block, dict) and block.get("type") in ("text", "input_text", "output_text")
                         and isinstance(block.get("text"), str))  # fmt: skip
    return ""
