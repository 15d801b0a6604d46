"""What `pjournal check` and `pjournal stats` print, as text: pure functions, no I/O.

Problems go out in three forms: compiler-style lines for people, GitHub Actions workflow
commands (annotations on the changed files of a pull request), and one JSON document for
other tools. The headline figures are an aligned two-column table.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import get_args

from .errors import JournalError, LocatedError, printable
from .load import RawJournal
from .model import ContributionKind, Journal, Outcome
from .schema import unresolved_modelines
from .validate import validate

# The figures of `stats` come from analyze, imported by the functions that use them: `check` runs on
# every push, and analyze (with what it imports) is a tenth of its start-up.

# pjournal check


@dataclass(frozen=True)
class Checked:
    """The outcome of validating a journal: the journal when there is no error, and every problem."""

    journal: Journal | None
    errors: list[LocatedError]
    warnings: list[LocatedError]
    records: int


def check(raw: RawJournal) -> Checked:
    """Validate a loaded journal, keeping errors as data rather than raising them."""
    records = len(raw.records())
    editors = unresolved_modelines(raw.root, raw.records())
    try:
        journal = validate(raw)
    except JournalError as e:
        return Checked(None, e.errors, [*e.warnings, *editors], records)
    return Checked(journal, [], [*journal.warnings, *editors], records)


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary(checked: Checked) -> str:
    """`2 errors, 1 warning in 6 records`."""
    errors, warnings = _n(len(checked.errors), "error"), _n(len(checked.warnings), "warning")
    return f"{errors}, {warnings} in {_n(checked.records, 'record')}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(problem: LocatedError) -> str:
    """A problem as a GitHub Actions workflow command, escaped as GitHub documents."""
    properties = [f"file={_escape_property(problem.path)}"]
    if problem.line:
        properties += [f"line={problem.line}", f"col={problem.col or 1}"]
    properties.append("title=pjournal")
    return f"::{problem.severity} {','.join(properties)}::{_escape_data(printable(problem.message))}"


def _as_json(problem: LocatedError) -> dict[str, object]:
    return {
        "file": problem.path,
        "line": problem.line or None,
        "column": (problem.col or 1) if problem.line else None,
        "message": problem.message,
        "severity": problem.severity,
    }


def json_report(checked: Checked) -> str:
    """Every problem as one JSON document: errors, warnings (line and column null when unknown), records."""
    document = {
        "errors": [_as_json(p) for p in checked.errors],
        "warnings": [_as_json(p) for p in checked.warnings],
        "records": checked.records,
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


# pjournal stats


@dataclass(frozen=True)
class Stats:
    """The headline figures of a (published) journal."""

    sessions: int
    drafts_left_out: int
    first: str | None
    last: str | None
    case_studies: int
    humans: int
    ais: int
    contributions: dict[str, int]  # by kind, in the record format's order, kinds that occur
    disagreements: dict[str, int]  # by outcome; one without a resolution counts as unresolved
    feedback: int
    acted_on: int
    acted_on_unknown: int
    handoffs: dict[str, int]  # by side ("human to AI", ...), sides that occur
    lessons: int


def stats(journal: Journal, drafts_left_out: int = 0) -> Stats:
    """The figures `pjournal stats` shows, from a journal as published."""
    from .analyze import counts

    figures = counts(journal)
    kinds = Counter(c.kind for s in journal.sessions for c in s.contributions)
    disagreements = [d for s in journal.sessions for d in s.disagreements]
    outcomes = Counter(d.outcome for d in disagreements)
    feedback = [f for s in journal.sessions for f in s.feedback]
    return Stats(
        sessions=figures.sessions,
        drafts_left_out=drafts_left_out,
        first=figures.first,
        last=figures.last,
        case_studies=figures.case_studies,
        humans=figures.humans,
        ais=figures.ais,
        contributions={k: kinds[k] for k in get_args(ContributionKind) if kinds[k]},
        disagreements={o: outcomes[o] for o in get_args(Outcome) if outcomes[o]},
        feedback=len(feedback),
        acted_on=sum(f.acted_on is True for f in feedback),
        acted_on_unknown=sum(f.acted_on is None for f in feedback),
        handoffs=_handoffs_by_side(journal),
        lessons=figures.lessons,
    )


def _handoffs_by_side(journal: Journal) -> dict[str, int]:
    """Handoffs by side ("human to AI", ...), the most frequent first; sides that occur."""
    from .analyze import SIDE_NAMES, direction_of

    sides = Counter(SIDE_NAMES[side] for s in journal.sessions for h in s.handoffs
                    if (side := direction_of(journal.partners, h.from_, h.to)) is not None)  # fmt: skip
    return dict(sorted(sides.items(), key=lambda kv: -kv[1]))


def stats_table(figures: Stats) -> str:
    """The figures as two aligned columns; breakdowns indented under their total."""
    sessions = str(figures.sessions)
    if figures.drafts_left_out:
        sessions += f" ({_n(figures.drafts_left_out, 'draft')} left out; --drafts counts them)"
    if figures.first is None:
        dates = "none"
    else:
        dates = figures.first if figures.first == figures.last else f"{figures.first} to {figures.last}"
    rows: list[tuple[str, str]] = [
        ("Sessions", sessions),
        ("Dates", dates),
        ("Case studies", str(figures.case_studies)),
        ("Partners", f"{figures.humans + figures.ais} ({figures.humans} human, {figures.ais} AI)"),
        ("Contributions", str(sum(figures.contributions.values()))),
        *((f"  {kind}", str(n)) for kind, n in figures.contributions.items()),
        ("Disagreements", str(sum(figures.disagreements.values()))),
        *((f"  {outcome}", str(n)) for outcome, n in figures.disagreements.items()),
        ("Feedback", str(figures.feedback)),
    ]
    if figures.feedback:
        share = f"{figures.acted_on} of {figures.feedback} ({round(100 * figures.acted_on / figures.feedback)}%)"
        if figures.acted_on_unknown:
            share += f"; {figures.acted_on_unknown} not recorded"
        rows.append(("  acted on", share))
    rows.append(("Handoffs", str(sum(figures.handoffs.values()))))
    rows += [(f"  {side}", str(n)) for side, n in figures.handoffs.items()]
    rows.append(("Lessons", str(figures.lessons)))
    width = max(len(label) for label, _ in rows) + 2
    return "\n".join(f"{label:<{width}}{value}" for label, value in rows)
