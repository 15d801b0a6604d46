"""Located problems in journal records, gathered so one run reports them all."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """One line, no terminal escapes: control characters from user text shown as \\n, \\x1b, ..."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1] if m.group() != "\t" else " ", text)


@dataclass(frozen=True, order=True)
class LocatedError:
    """One problem at a place in a file. `line` and `col` are 1-based; 0 means unknown."""

    path: str
    line: int = 0
    col: int = 0
    message: str = ""
    severity: Severity = field(default="error", compare=False)

    def __str__(self) -> str:
        return self.format()

    def format(self, *, severity: bool = True) -> str:
        """`file:line:col: [warning: ]message`; without the label where a logger adds its own."""
        where = printable(self.path)
        if self.line:
            where += f":{self.line}:{self.col or 1}"
        label = "warning: " if severity and self.severity == "warning" else ""
        return f"{where}: {label}{printable(self.message)}"


#: Names pydantic gives the branches of a union (model.LessonItem): not part of the path a user sees.
UNION_TAGS = {"lesson-text", "lesson-entry"}


def format_loc(loc: tuple[str | int, ...]) -> str:
    """("contributions", 0, "by") -> "contributions[0].by"."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part not in UNION_TAGS:
            out += f".{part}" if out else part
    return out



def sort_problems(problems: list[LocatedError]) -> list[LocatedError]:
    """Sorted by file and position, duplicates dropped, as a compiler lists them."""
    return sorted(set(problems))


class UserError(Exception):
    """A problem the user can fix, said in one line: the command line prints it and exits 1, the
    plugin raises it as MkDocs' PluginError. Every error meant for a user is one of these;
    anything else that reaches a user is a bug."""


class JournalError(UserError):
    """Every error found in a journal (one line each); raised by the lower layers, shown by plugin and CLI."""

    def __init__(self, errors: list[LocatedError], warnings: list[LocatedError] | None = None):
        self.errors = sort_problems(errors)
        self.warnings = sort_problems(warnings or [])
        super().__init__(self.report())

    def report(self) -> str:
        """The problems, one per line: errors first, then warnings."""
        return "\n".join(str(p) for p in [*self.errors, *self.warnings])
