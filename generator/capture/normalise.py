"""The one stream every reader produces: a session as typed events, whatever tool recorded it.

A reader turns its format's lines into these events and nothing else: turns (what a person
or the AI said), tool calls by kind, target and status (never their output), interrupts,
undos and reverts, commits, and the branches of an edited conversation. A tool's output, a
file's contents, thinking and system prompts have no field here, so they can't be kept. Each
event says where it is recorded (`Where`), for the evidence a draft gives its candidates.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Literal, Union

from ..model import ImportTool

Side = Literal["human", "ai"]
#: What a tool call did, as the draft counts work: the contribution kinds it maps to are in signals.py.
ToolKind = Literal[
    "search", "fetch", "read", "grep", "write", "edit", "plan", "test", "code", "delegate", "question", "command",
]  # fmt: skip
Status = Literal["ok", "failed", "rejected", "interrupted", "unknown"]


@dataclass(frozen=True)
class Where:
    """Where an event is recorded: `source` ("transcript", "rollout", "history", "conversation",
    "commit"), its line (1-based, 0 where the format has none), a message id or commit, a time."""

    source: str
    line: int = 0
    ref: str = ""
    at: dt.datetime | None = None


@dataclass(frozen=True)
class Turn:
    """Something a partner said: for the AI, the text it showed (never its thinking)."""

    side: Side
    text: str
    where: Where
    sidechain: bool = False


@dataclass(frozen=True)
class ToolUse:
    """A tool call: its kind, its target (a path, a command's first line, a query or an address),
    its status and, for one a person rejected, the reason they gave."""

    kind: ToolKind
    name: str
    target: str
    status: Status
    where: Where
    reason: str = ""
    sidechain: bool = False
    call: str = ""  # the call's id in the transcript, to match its result; never written
    side: Side = "ai"  # a person's own commands (aider's /add, /run, /test) are theirs


@dataclass(frozen=True)
class Approval:
    """A person said yes to what the AI proposed (an aider prompt, an accepted plan)."""

    what: str
    where: Where


@dataclass(frozen=True)
class Interrupt:
    """A person stopped the AI mid-work."""

    where: Where


@dataclass(frozen=True)
class Undo:
    """Work of the AI taken back: aider's /undo of a commit, or a later commit reverting one."""

    how: Literal["undo", "revert"]
    commit: str
    where: Where


@dataclass(frozen=True)
class Commit:
    """A commit: whether an AI took part (a trailer or the tool says so), the model a trailer names,
    and how many files it added and changed."""

    commit: str
    ai: bool
    where: Where
    model: str = ""
    added: int = 0
    changed: int = 0


@dataclass(frozen=True)
class Branch:
    """A turn of a conversation that has another version: a request the person edited, or an
    answer they had regenerated (ChatGPT keeps both as siblings in its message tree)."""

    how: Literal["edited", "regenerated"]
    where: Where


Event = Union[Turn, ToolUse, Approval, Interrupt, Undo, Commit, Branch]


@dataclass
class Session:
    """One session as read: its events in order, and what the source says about it."""

    tool: ImportTool
    id: str
    source: str  # the file it came from, as given (for messages only)
    title: str = ""
    cwd: str = ""  # the folder it ran in: paths under it are made relative
    started: dt.datetime | None = None
    ended: dt.datetime | None = None
    models: Counter[str] = field(default_factory=Counter)
    events: list[Event] = field(default_factory=list)
    digest: str = ""

    @property
    def model(self) -> str:
        """The model of most of the AI's replies (the first seen on a tie), or "" when none is named."""
        if not self.models:
            return ""
        top = max(self.models.values())
        return next(m for m, n in self.models.items() if n == top)

    @property
    def turns(self) -> int:
        """Turns of the main conversation: each request and each reply once (a sub-agent's are its own)."""
        return sum(1 for e in self.events if isinstance(e, Turn) and not e.sidechain)

    def time(self, at: dt.datetime | None) -> None:
        """Widen the session's start and end to a time an event was recorded at."""
        if at is not None:
            self.started = at if self.started is None or at < self.started else self.started
            self.ended = at if self.ended is None or at > self.ended else self.ended


def replace_texts(event: Event, change: Callable[[str], str]) -> Event:
    """The event with every text it holds passed through `change` (redaction)."""
    texts = {f.name: change(getattr(event, f.name)) for f in dataclasses.fields(event)
             if f.name in _TEXT_FIELDS and getattr(event, f.name)}  # fmt: skip
    return dataclasses.replace(event, **texts) if texts else event


#: The fields of events that hold text from the source (everything else is a kind, a status or a place).
_TEXT_FIELDS = frozenset({"text", "target", "reason", "what", "model"})


def interrupt(events: list[Event], where: Where) -> None:
    """A person stopped the AI: the calls since their last turn that have no end were cut short."""
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if isinstance(event, Turn) and event.side == "human":
            break
        if isinstance(event, ToolUse) and event.status == "unknown":
            events[index] = dataclasses.replace(event, status="interrupted")
    events.append(Interrupt(where))


def digest(*parts: bytes) -> str:
    """`sha256:` and the hash of what was read, in order."""
    hashed = hashlib.sha256()
    for part in parts:
        hashed.update(part)
    return f"sha256:{hashed.hexdigest()}"


def parse_time(value: object) -> dt.datetime | None:
    """An ISO 8601 time (`2026-01-12T21:21:07.123Z`) or Unix seconds, in UTC; None for anything else."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return dt.datetime.fromtimestamp(value, dt.timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(dt.timezone.utc) if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def first_line(text: str, limit: int = 160) -> str:
    """A command's or a query's first line, cut to `limit` characters: enough to say what it was."""
    line = text.strip().split("\n", 1)[0].strip()
    return line if len(line) <= limit else line[: limit - 1] + "…"


_TEST = re.compile(
    r"(?:^|[\s;&|(])(?:pytest|py\.test|tox|nox|unittest|jest|vitest|mocha|rspec|phpunit|ctest|"
    r"(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?test|cargo\s+test|go\s+test|mvn\s+test|gradle\w*\s+test|"
    r"make\s+(?:test|check)|dotnet\s+test|mix\s+test|bundle\s+exec\s+rspec|python3?\s+-m\s+(?:pytest|unittest))\b"
)
_READ_ONLY = re.compile(
    r"^\s*(?:cat|head|tail|less|ls|tree|find|grep|rg|ag|fd|wc|sed\s+-n|awk|file|stat|pwd|which|"
    r"git\s+(?:status|log|diff|show|blame|branch|grep|ls-files))\b"
)
_SEARCH = re.compile(r"^\s*(?:grep|rg|ag|fd|find|git\s+grep)\b")


def command_kind(command: str) -> ToolKind:
    """What a shell command did: a test run, a look at the code (reading or searching), or other."""
    if _TEST.search(command):
        return "test"
    if _SEARCH.match(command):
        return "grep"
    if _READ_ONLY.match(command):
        return "read"
    return "command"


def short_id(session_id: str) -> str:
    """Eight characters that tell sessions apart in a file name: a hash of the id."""
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()[:8]
