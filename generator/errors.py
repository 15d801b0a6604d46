"""Located problems in journal records, gathered so one run reports them all."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


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
        where = self.path
        if self.line:
            where += f":{self.line}:{self.col or 1}"
        label = "warning: " if severity and self.severity == "warning" else ""
        return f"{where}: {label}{self.message}"


def sort_problems(problems: list[LocatedError]) -> list[LocatedError]:
    """Sorted by file and position, duplicates dropped, as a compiler lists them."""
    return sorted(set(problems))


class JournalError(Exception):
    """Every error found in a journal; raised by the lower layers, shown by plugin and CLI."""

    def __init__(self, errors: list[LocatedError], warnings: list[LocatedError] | None = None):
        self.errors = sort_problems(errors)
        self.warnings = sort_problems(warnings or [])
        super().__init__(self.report())

    def report(self) -> str:
        """The problems, one per line: errors first, then warnings."""
        return "\n".join(str(p) for p in [*self.errors, *self.warnings])
