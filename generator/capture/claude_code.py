"""Claude Code transcripts: `~/.claude/projects/<folder>/<session-id>.jsonl`, one JSON object a line.

A line's `type` says what it is: `user` (a person's message, or the results of tool calls),
`assistant` (one content block of a reply: `text`, `thinking` or `tool_use`), `summary`
(the session's title), and bookkeeping (`system`, `file-history-snapshot`, ...). A reply
the API streamed is written over several lines that share `message.id`: it is one reply
here. Lines are linked by `uuid`/`parentUuid`; a line written twice (same `uuid`) counts
once. A sub-agent writes its own file (`<session-id>/subagents/agent-*.jsonl`, or
`agent-*.jsonl` beside the session), every line `isSidechain: true`: it belongs to its
parent session, whose work it is, and is never a session of its own.

Read from a tool call: its name, its target (a path, a command's first line, a query) and
how it ended. A tool result is looked at only for the fixed words Claude Code writes when a
person rejects a call (and the reason they typed after them) or interrupts it; `is_error`
says whether it failed. Thinking, tool output and file contents are never taken.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from .normalise import (
    Approval,
    Interrupt,
    Session,
    ToolKind,
    ToolUse,
    Turn,
    Where,
    command_kind,
    first_line,
    interrupt,
    parse_time,
)
from .read import JsonLines, Problems, head_objects, text_of

#: What Claude Code writes into a tool result when a person refuses the call; after it, with a
#: reason, "To tell you how to proceed, the user said:" and their words.
REJECTED = "The user doesn't want to proceed with this tool use"
CANCELLED = "The user doesn't want to take this action right now"
REJECTED_RESULT = "User rejected tool use"
REASON = "the user said:"
#: A person pressed Esc: "[Request interrupted by user]" or "... for tool use]".
INTERRUPTED = "[Request interrupted by user"

#: Lines that are Claude Code's bookkeeping: nothing of the session's work is in them.
BOOKKEEPING = frozenset({
    "system", "file-history-snapshot", "queue-operation", "progress", "attachment", "last-prompt", "tag",
    "custom-title", "agent-name", "pr-link", "permission-mode",
})  # fmt: skip
#: A person's message that is really the terminal's: a slash command, its output, a shell escape.
_NOT_TYPED = re.compile(
    r"^\s*<(?:command-name|command-message|command-args|local-command-stdout|local-command-stderr|"
    r"local-command-caveat|bash-input|bash-stdout|bash-stderr|task-notification|user-memory-input)>"
)
#: What Claude Code adds to a person's message for the model alone: taken out (`_without_reminders`).
_REMINDER = ("<system-reminder>", "</system-reminder>")

#: Claude Code's tools: what each does, and the input that names its target.
TOOLS: dict[str, tuple[ToolKind, str]] = {
    "Read": ("read", "file_path"), "NotebookRead": ("read", "notebook_path"), "LS": ("read", "path"),
    "Grep": ("grep", "pattern"), "Glob": ("grep", "pattern"),
    "Write": ("write", "file_path"),
    "Edit": ("edit", "file_path"), "MultiEdit": ("edit", "file_path"), "NotebookEdit": ("edit", "notebook_path"),
    "WebSearch": ("search", "query"), "WebFetch": ("fetch", "url"),
    "TodoWrite": ("plan", ""), "ExitPlanMode": ("plan", ""), "TaskCreate": ("plan", "subject"),
    "TaskUpdate": ("plan", ""),
    "Task": ("delegate", "description"), "Agent": ("delegate", "description"),
    "AskUserQuestion": ("question", ""),
}  # fmt: skip


def is_subagent(path: Path) -> bool:
    """Whether a file is a sub-agent's: every message among its first lines is on a side chain."""
    messages = [o for o in head_objects(path) if o.get("type") in ("user", "assistant")]
    return bool(messages) and all(o.get("isSidechain") is True for o in messages)


def parent_of(path: Path) -> Path | None:
    """The session file a sub-agent's file belongs to, where Claude Code keeps it, if it is there."""
    found = next((o["sessionId"] for o in head_objects(path) if isinstance(o.get("sessionId"), str)), None)
    if found is None:
        return None
    folder = path.parent
    for candidate in (folder / f"{found}.jsonl", folder.parent.parent / f"{found}.jsonl"):
        if candidate != path and candidate.is_file():
            return candidate
    return None


def subagent_files(path: Path, session_id: str) -> list[Path]:
    """The sub-agents' files of a session: in `<session-id>/subagents/`, or `agent-*.jsonl` beside it."""
    folder = path.parent / session_id / "subagents"
    found = sorted(folder.glob("*.jsonl")) if folder.is_dir() else []
    for other in sorted(path.parent.glob("agent-*.jsonl")):
        if any(o.get("sessionId") == session_id for o in head_objects(other, 3)):
            found.append(other)
    return found


def read(path: Path, shown: str, problems: Problems) -> list[Session]:
    """The session of a transcript, its sub-agents' work joined to it; a sub-agent's own file is read
    as its parent session, or reported when that is not beside it."""
    if is_subagent(path):
        parent = parent_of(path)
        if parent is None:
            problems.add(shown, 0, "a sub-agent's transcript, and its session's file is not beside it; skipped")
            return []
        problems.add(shown, 0, f"a sub-agent's transcript: read as part of its session, {parent.name}")
        path, shown = parent, str(parent)
    session_id = next((o["sessionId"] for o in head_objects(path) if isinstance(o.get("sessionId"), str)), path.stem)
    session = Session("claude-code", session_id, shown)
    reader = _Reader(session, problems)
    lines = JsonLines(path, shown, problems)
    reader.read(lines, "transcript", sidechain=False)
    for agent in subagent_files(path, session_id):
        reader.read(JsonLines(agent, str(agent), problems, lines.hashed), f"sub-agent {agent.stem}", sidechain=True)
    session.digest = lines.digest
    return [session]


def _without_reminders(text: str) -> str:
    """The text without its reminders, each to the first closing tag after it (one never closed
    stays). Found by `str.find` from where the last ended: a pattern looking for the closing tag
    after every opening one reads the rest of the text from each that is never closed."""
    opening, closing = _REMINDER
    parts, at = [], 0
    while (start := text.find(opening, at)) != -1 and (end := text.find(closing, start + len(opening))) != -1:
        parts.append(text[at:start])
        at = end + len(closing)
    return "".join(parts) + text[at:]


class _Reader:
    """Turns a transcript's lines into a session's events."""

    def __init__(self, session: Session, problems: Problems):
        self.session, self.problems = session, problems
        self.seen: set[str] = set()
        self.replies: dict[str, int] = {}  # message id -> index of its Turn
        self.calls: dict[str, int] = {}  # tool_use id -> index of its ToolUse

    def read(self, lines: JsonLines, source: str, *, sidechain: bool) -> None:
        for number, obj in lines:
            uuid = obj.get("uuid")
            if isinstance(uuid, str):
                if uuid in self.seen:
                    continue
                self.seen.add(uuid)
            kind = obj.get("type")
            side = sidechain or obj.get("isSidechain") is True
            where = Where(source, number, at=parse_time(obj.get("timestamp")))
            if kind == "summary":
                if not self.session.title and isinstance(obj.get("summary"), str):
                    self.session.title = obj["summary"]
            elif kind in ("user", "assistant"):
                message = obj.get("message")
                if not isinstance(message, dict):
                    self.problems.add(lines.shown, number, f"a '{kind}' line without its message; skipped")
                    continue
                if not side:
                    self.session.time(where.at)
                    if not self.session.cwd and isinstance(obj.get("cwd"), str):
                        self.session.cwd = obj["cwd"]
                if kind == "user":
                    self.user(obj, message, where, side)
                else:
                    self.assistant(message, where, side)
            elif kind not in BOOKKEEPING:
                self.problems.unknown(lines.shown, number, kind)

    def user(self, obj: dict[str, Any], message: dict[str, Any], where: Where, side: bool) -> None:
        content = message.get("content")
        if obj.get("isMeta") is True or obj.get("isCompactSummary") is True:
            return
        blocks = content if isinstance(content, list) else [{"type": "text", "text": content}]
        typed = []
        for block in blocks:
            if not isinstance(block, dict):
                continue
            if block.get("type") == "tool_result":
                self.result(block, obj.get("toolUseResult"), where)
            elif block.get("type") == "text" and isinstance(block.get("text"), str):
                typed.append(block["text"])
        text = _without_reminders("\n".join(typed)).strip()
        if not text or side or _NOT_TYPED.match(text):
            return
        events = self.session.events
        if text.startswith(INTERRUPTED):
            if not (events and isinstance(events[-1], Interrupt)):
                interrupt(events, where)
            return
        events.append(Turn("human", text, where))

    def assistant(self, message: dict[str, Any], where: Where, side: bool) -> None:
        content = message.get("content")
        blocks = content if isinstance(content, list) else []
        mid = message.get("id") if isinstance(message.get("id"), str) else f"line {where.line}"
        events = self.session.events
        text = text_of([b for b in blocks if isinstance(b, dict) and b.get("type") == "text"]).strip()
        if mid in self.replies:
            index = self.replies[mid]
            if text:
                old = events[index]
                assert isinstance(old, Turn)
                first = old.where if old.text else where  # the evidence of a reply is where its text starts
                events[index] = Turn("ai", f"{old.text}\n{text}".strip(), first, old.sidechain)
        else:
            self.replies[mid] = len(events)
            events.append(Turn("ai", text, where, side))
            model = message.get("model")
            if not side and isinstance(model, str) and model and not model.startswith("<"):
                self.session.models[model] += 1
        for block in blocks:
            if isinstance(block, dict) and block.get("type") == "tool_use" and isinstance(block.get("name"), str):
                self.call(block, where, side)

    def call(self, block: dict[str, Any], where: Where, side: bool) -> None:
        name = block["name"]
        given = block.get("input") if isinstance(block.get("input"), dict) else {}
        if name == "Bash":
            command = given.get("command") if isinstance(given.get("command"), str) else ""
            kind, target = command_kind(command), first_line(command)
        elif name in TOOLS:
            kind, key = TOOLS[name]
            value = given.get(key) if key else None
            target = first_line(value) if isinstance(value, str) else ("the plan" if name == "ExitPlanMode" else "")
            if name == "AskUserQuestion":
                questions = given.get("questions")
                first = questions[0] if isinstance(questions, list) and questions else None
                asked = first.get("question") if isinstance(first, dict) else None
                target = first_line(asked) if isinstance(asked, str) else ""
        else:
            kind, target = "command", name
        call = block.get("id") if isinstance(block.get("id"), str) else ""
        if call:
            self.calls[call] = len(self.session.events)
        self.session.events.append(ToolUse(kind, name, target, "unknown", where, sidechain=side, call=call))

    def result(self, block: dict[str, Any], outcome: Any, where: Where) -> None:
        """A tool call's result: how it ended, from the fixed words of a refusal or `is_error` alone."""
        index = self.calls.get(block.get("tool_use_id"))  # type: ignore[arg-type]
        if index is None:
            return
        events = self.session.events
        use = events[index]
        assert isinstance(use, ToolUse)
        start = _start(block.get("content"))
        if outcome == REJECTED_RESULT or start.startswith((REJECTED, CANCELLED)):
            reason = ""
            if REASON in start:
                reason = _full(block.get("content")).split(REASON, 1)[1].strip()[:1000]
            events[index] = dataclasses.replace(use, status="rejected", reason=reason, where=where)
        elif start.startswith(INTERRUPTED):
            events[index] = dataclasses.replace(use, status="interrupted", where=where)
        else:
            failed = block.get("is_error") is True
            kind = use.kind
            if use.name == "Write" and isinstance(outcome, dict) and outcome.get("type") == "update":
                kind = "edit"  # Write over a file that was there: a change, not a new file
            events[index] = dataclasses.replace(use, status="failed" if failed else "ok", kind=kind)
            if use.name == "ExitPlanMode" and not failed:
                events.append(Approval("the plan", where))


def _start(content: Any, size: int = 400) -> str:
    """The first characters of a tool result: all that is needed to see a refusal's fixed words."""
    if isinstance(content, str):
        return content[:size]
    if isinstance(content, list):
        first = next((b.get("text") for b in content if isinstance(b, dict) and isinstance(b.get("text"), str)), "")
        return first[:size]
    return ""


def _full(content: Any) -> str:
    """A refusal's whole text: the fixed words and what the person typed after them."""
    return content if isinstance(content, str) else text_of(content)
