"""A session record as YAML text: the same input gives the same bytes.

Facts are live YAML. Candidates are commented out, each ending in `# candidate: <evidence>`
(`pjournal check` warns about one still commented out in a published record), so that
uncommenting a candidate's lines makes it part of the record. What only a person knows is
`TODO(import)`. The header says what was redacted, and ends with a checksum of the text as
written: while the file still matches it, nobody edited it, and importing again may rewrite it.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from ..model import IMPORT_CANDIDATE, IMPORT_TODO, ImportTool
from ..scaffold import yaml_scalar
from .normalise import Session
from .signals import Fact, Signals

TOOL_NAMES: dict[ImportTool, str] = {
    "claude-code": "a Claude Code transcript", "codex": "a Codex CLI rollout", "aider": "an aider chat history",
    "chatgpt": "a ChatGPT conversation", "git": "a range of git commits",
}  # fmt: skip
CHECKSUM = re.compile(r"^# pjournal import checksum: ([0-9a-f]{16})\b.*\n", re.M)


@dataclass(frozen=True)
class Cast:
    """The partners a draft names, and what a person should check about the choice."""

    human: str
    ai: str
    notes: tuple[str, ...] = ()


def _item(fields: list[tuple[str, Any]], indent: int) -> list[str]:
    """A list item of block YAML: `- key: value` then its other keys, `indent` spaces in."""
    lines = []
    for n, (key, value) in enumerate(fields):
        lead = " " * indent + ("- " if n == 0 else "  ")
        if isinstance(value, list):
            lines.append(f"{lead}{key}:")
            for inner in value:
                lines += _item(inner, indent + 4)
        elif isinstance(value, dict):
            lines.append(f"{lead}{key}:")
            lines += [f"{' ' * (indent + 4)}{k}: {yaml_scalar(v)}" for k, v in value.items()]
        else:
            lines.append(f"{lead}{key}: {yaml_scalar(value)}")
    return lines


def _commented(lines: list[str], evidence: str, indent: int) -> list[str]:
    """Lines commented out at `indent` (uncommenting removes `# ` and nothing else); the first ends
    with the candidate's evidence."""
    out = [" " * indent + "# " + line[indent:] for line in lines]
    out[0] += f"  {IMPORT_CANDIDATE} {evidence}"
    return out


def redacted_line(counts: Counter[str]) -> str:
    """`# Redacted before writing: 2 e-mail-address, 1 home-folder.`, rules in order of name."""
    listed = ", ".join(f"{n} {rule}" for rule, n in sorted(counts.items()))
    return f"# Redacted before writing: {listed or 'nothing'}."


def checksum(text: str) -> str:
    """The first 16 hex digits of the SHA-256 of a draft without its checksum line."""
    return hashlib.sha256(CHECKSUM.sub("", text).encode("utf-8")).hexdigest()[:16]


def untouched(text: str) -> bool:
    """Whether a draft is still as `pjournal import` wrote it: its checksum line matches the rest."""
    found = CHECKSUM.search(text)
    return found is not None and found.group(1) == checksum(text)


def render(session: Session, found: Signals, cast: Cast, *, counts: Counter[str], schema: str | None,
           case_study: str | None, day: str, dated: bool) -> str:  # fmt: skip
    """The draft of a session, as the text of its file."""
    lines = [f"# yaml-language-server: $schema={schema}"] if schema else []
    lines += [
        f"# Drafted by `pjournal import` from {TOOL_NAMES[session.tool]}. Facts are written out; candidates",
        "# are commented out, each with its evidence: uncomment those that are true, delete the rest.",
        "# What only a person knows is marked for them to write: `pjournal check` lists each mark left.",
        redacted_line(counts),
        "# pjournal import checksum: 0000000000000000 (importing again rewrites this file until it is edited)",
        f"title: {yaml_scalar(found.title or f'{IMPORT_TODO} a title')}",
        f"date: {day}" + ("" if dated else f"  # {IMPORT_TODO} the date: {TOOL_NAMES[session.tool]} records none"),
        "status: draft",
        *([f"case_study: {case_study}"] if case_study else []),
        "imported_from:",
        f"  tool: {session.tool}",
        f"  session: {yaml_scalar(session.id)}",
        f"  digest: {session.digest}",
        "partners:",
        f"  - partner: {cast.human}",
        f"    role: {IMPORT_TODO} their part in this session",
        f"  - partner: {cast.ai}",
        f"    role: {IMPORT_TODO} its part in this session",
        *[f"# {note}" for note in cast.notes],
        f"goal: {IMPORT_TODO} what this session set out to do",
    ]
    if found.request:
        lines.append(f"# The first request, for reference (write the goal in your own words): “{found.request}”")
    lines += _contributions(found, cast)
    lines += _disagreements(found, cast)
    lines += _section("feedback", [(f.evidence, [("from", cast.human), ("to", cast.ai), ("about", f.about),
                                                 ("text", f.text)]) for f in found.feedback])  # fmt: skip
    lines += _section("handoffs", [(h.evidence, [("from", _who(h.giver, cast)), ("to", _who(h.taker, cast)),
                                                 ("what", h.what)]) for h in found.handoffs])  # fmt: skip
    lines += ["# lessons:", f"#   - {IMPORT_TODO} what was learned"]
    text = "\n".join(lines) + "\n"
    return text.replace("checksum: 0000000000000000", f"checksum: {checksum(text)}", 1)


def _who(side: str, cast: Cast) -> str:
    return cast.human if side == "human" else cast.ai


def _contributions(found: Signals, cast: Cast) -> list[str]:
    lines = ["contributions:"]
    for fact in found.facts:
        lines += _item([("by", _who(fact.side, cast)), ("kind", fact.kind), ("summary", fact.summary)], 2)
        lines += _fact_comments(fact, found)
    for undone in found.undone:
        item = _item([("by", cast.ai), ("kind", undone.kind), ("summary", undone.summary), ("held_up", False)], 2)
        lines += _commented(item, undone.evidence, 2)
    lines.append(f"# {IMPORT_TODO} confidence (0..1), only on a contribution whose partner said how sure it was: "
                 "no transcript records one")  # fmt: skip
    lines.append(f"# {IMPORT_TODO} held_up true, on a contribution that was checked later and held up")
    return lines


def _fact_comments(fact: Fact, found: Signals) -> list[str]:
    lines = [f"    # {fact.note}"] if fact.note else []
    if fact.side != "ai":
        return lines
    for hedge in found.hedges:
        if hedge.kind == fact.kind:
            quoted = yaml_scalar(f"“{hedge.quote}”")
            lines.append(f"    # uncertainty: {quoted}  {IMPORT_CANDIDATE} {hedge.evidence}")
    more = found.more_hedges.get(fact.kind, [])
    if more:
        rest = f"; and {len(more) - 10} more" if len(more) > 10 else ""
        lines.append(f"    # more hedges: {'; '.join(more[:10])}{rest}")
    return lines


def _disagreements(found: Signals, cast: Cast) -> list[str]:
    entries = []
    for d in found.disagreements:
        fields: list[tuple[str, Any]] = [
            ("topic", d.topic),
            ("positions", [[("by", cast.ai), ("stance", d.ai)], [("by", cast.human), ("stance", d.human)]]),
        ]
        if d.adopted is not None:
            who = _who(d.adopted, cast)
            fields.append(("resolution", {"outcome": "adopted", "adopted": who, "decided_by": cast.human}))
        entries.append((d.evidence, fields))
    return _section("disagreements", entries)


def _section(key: str, entries: list[tuple[str, list[tuple[str, Any]]]]) -> list[str]:
    """A list field of candidates, all commented out; nothing when there are none."""
    if not entries:
        return []
    lines = [f"# {key}:"]
    for evidence, fields in entries:
        lines += _commented(_item(fields, 2), evidence, 0)
    return lines
