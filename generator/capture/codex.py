"""Codex CLI rollouts: `~/.codex/sessions/YYYY/MM/DD/rollout-<time>-<id>.jsonl`.

Each line is `{"timestamp", "type", "payload"}`. `session_meta` opens the file (the session's
id and folder; its `instructions` are a system prompt, never read); `turn_context` starts
each turn and names its `model`; `response_item` is what went to or came from the model (a
`message`, `reasoning`, a `function_call` or `custom_tool_call` and its `*_output`,
`local_shell_call`, `web_search_call`); `event_msg` is what the interface showed
(`user_message`, `agent_message`, `exec_command_end`, `turn_aborted`, token counts, ...).

A person's messages are taken from `event_msg`/`user_message` where the rollout has them
(the `response_item` copy also holds the context Codex injects), else from `response_item`
without that context. A call's output is read only for how it ended: its exit code, or the
fixed words Codex writes when a person declines a command or a patch ("exec command
rejected by user", "patch rejected by user"). Reasoning is never read.

A sub-agent's rollout (its `session_meta` says `"source": {"subagent": ...}`: a review, or a
thread another one spawned) is never a session of its own. A spawned thread names its parent
(`thread_spawn.parent_thread_id`): its work is read as part of the parent's session, whose
rollout is in the same folder; the parent's instructions to it are not a person's words.
"""

from __future__ import annotations

import dataclasses
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from .normalise import Session, Status, ToolKind, ToolUse, Turn, Where, command_kind, first_line, interrupt, parse_time
from .read import JsonLines, Problems, head_objects, text_of

LINE_TYPES = frozenset({"session_meta", "response_item", "event_msg", "turn_context", "compacted"})
REJECTED = frozenset({"exec command rejected by user", "patch rejected by user"})
#: Text Codex puts into the conversation as the person's, which they did not type.
INJECTED = ("<environment_context>", "<user_instructions>", "# AGENTS.md instructions", "<user_shell_command>",
            "<turn_aborted>")  # fmt: skip
#: A file a patch names, to the last non-space of its line: read greedily, as a lazy name followed
#: by `\s*$` rescans the line's trailing spaces once for each character it grows.
_PATCH_FILE = re.compile(r"^\*\*\* (Add|Update|Delete) File: (.*\S|.)\s*$", re.M)
_EXIT = re.compile(r"^(?:Exit code:|Process exited with code)\s*(-?\d+)")
_FUNCTIONS: dict[str, ToolKind] = {"update_plan": "plan", "view_image": "read", "web_search": "search"}


@lru_cache(maxsize=4096)  # a folder's rollouts are each asked once by every session beside them
def subagent_of(path: Path) -> tuple[str, str | None] | None:
    """When a rollout is a sub-agent's: which kind ("review", "thread_spawn", ...) and the id of the
    thread that spawned it, where the rollout names one; None for a person's own session."""
    meta = next((o["payload"] for o in head_objects(path, 1)
                 if o.get("type") == "session_meta" and isinstance(o.get("payload"), dict)), {})  # fmt: skip
    source = meta.get("source")
    if not isinstance(source, dict) or "subagent" not in source:
        return None
    agent = source["subagent"]
    if isinstance(agent, dict) and len(agent) == 1:
        (kind, detail), = agent.items()
        parent = detail.get("parent_thread_id") if isinstance(detail, dict) else None
        return str(kind), parent if isinstance(parent, str) else None
    return (agent if isinstance(agent, str) else "sub-agent"), None


def parent_of(path: Path) -> Path | None:
    """The rollout of the thread that spawned a sub-agent's, when it is in the same folder."""
    found = subagent_of(path)
    parent = found[1] if found is not None else None
    if parent is None:
        return None
    return next((p for p in sorted(path.parent.glob(f"rollout-*-{parent}.jsonl")) if p != path), None)


def read(path: Path, shown: str, problems: Problems) -> list[Session]:
    """The session of one rollout, with the work of the sub-agents it spawned; a sub-agent's own
    rollout is read as its parent's session, or reported when that is not beside it."""
    found = subagent_of(path)
    if found is not None:
        parent = parent_of(path)
        if parent is None:
            problems.add(shown, 0, f"a Codex sub-agent's rollout ({found[0]}), and the rollout of the session "
                                   "that spawned it is not beside it; skipped")  # fmt: skip
            return []
        problems.add(shown, 0, f"a Codex sub-agent's rollout: read as part of its session, {parent.name}")
        path, shown = parent, str(parent)
    session = Session("codex", path.stem.removeprefix("rollout-"), shown)
    lines = JsonLines(path, shown, problems)
    _read(lines, _Reader(session), "rollout", problems)
    for child in children(path, session.id):
        _read(JsonLines(child, str(child), problems, lines.hashed), _Reader(session, sidechain=True),
              f"sub-agent {child.stem}", problems)  # its lines in the session's digest
    session.digest = lines.digest
    return [session]


def children(path: Path, id: str) -> list[Path]:
    """The rollouts beside a session's of the sub-agents it spawned."""
    return [p for p in sorted(path.parent.glob("rollout-*.jsonl"))
            if p != path and (found := subagent_of(p)) is not None and found[1] == id]  # fmt: skip


def _read(lines: JsonLines, reader: _Reader, source: str, problems: Problems) -> None:
    """A rollout's lines into the reader's session."""
    session, shown = reader.session, lines.shown
    for number, obj in lines:
        kind = obj.get("type")
        if kind not in LINE_TYPES:
            problems.unknown(shown, number, kind)
            continue
        payload = obj.get("payload")
        if not isinstance(payload, dict):
            problems.add(shown, number, f"a '{kind}' line without its payload; skipped")
            continue
        where = Where(source, number, at=parse_time(obj.get("timestamp")))
        if not reader.sidechain:  # a sub-agent's time, folder and model are not the session's
            session.time(where.at)
            if kind == "session_meta":
                reader.meta(payload)
            elif kind == "turn_context" and isinstance(payload.get("model"), str):
                session.models[payload["model"]] += 1
        if kind == "response_item":
            reader.item(payload, where)
        elif kind == "event_msg":
            reader.event(payload, where)
    reader.finish()


class _Reader:
    """A rollout's lines as events of `session`; a sub-agent's (`sidechain`) without the turns that
    stand for a person's, which are the parent agent's instructions."""

    def __init__(self, session: Session, sidechain: bool = False):
        self.session, self.sidechain = session, sidechain
        self.calls: dict[str, list[int]] = {}
        self.from_items: list[int] = []  # the person's turns taken from response_item
        self.from_events: list[int] = []  # ... and from event_msg

    def meta(self, payload: dict[str, Any]) -> None:
        if isinstance(payload.get("id"), str):
            self.session.id = payload["id"]
        if isinstance(payload.get("cwd"), str):
            self.session.cwd = payload["cwd"]
        self.session.time(parse_time(payload.get("timestamp")))

    def add(self, event: Turn | ToolUse) -> None:
        if self.sidechain:
            event = dataclasses.replace(event, sidechain=True)
        self.session.events.append(event)

    def item(self, payload: dict[str, Any], where: Where) -> None:
        kind = payload.get("type")
        if kind == "message":
            text = text_of(payload.get("content")).strip()
            if payload.get("role") == "user" and text and not text.startswith(INJECTED) and not self.sidechain:
                self.from_items.append(len(self.session.events))
                self.add(Turn("human", text, where))
            elif payload.get("role") == "assistant":
                self.add(Turn("ai", text, where))
        elif kind in ("function_call", "custom_tool_call", "local_shell_call", "web_search_call"):
            call = next((payload[k] for k in ("call_id", "id") if isinstance(payload.get(k), str)), "")
            uses = list(_uses(payload))
            start = len(self.session.events)
            self.calls.setdefault(call, []).extend(range(start, start + len(uses)))
            for tool, name, target in uses:
                self.add(ToolUse(tool, name, target, _status_of_call(payload), where, call=call))
        elif kind in ("function_call_output", "custom_tool_call_output"):
            self.ended(payload.get("call_id"), _status_of_output(payload.get("output")), where)

    def event(self, payload: dict[str, Any], where: Where) -> None:
        kind = payload.get("type")
        if kind == "user_message" and isinstance(payload.get("message"), str):
            text = payload["message"].strip()
            if text and not text.startswith(INJECTED) and not self.sidechain:
                self.from_events.append(len(self.session.events))
                self.add(Turn("human", text, where))
        elif kind == "turn_aborted" and payload.get("reason") == "interrupted" and not self.sidechain:
            interrupt(self.session.events, where)
        elif kind == "exec_command_end" and isinstance(payload.get("exit_code"), int):
            self.ended(payload.get("call_id"), "ok" if payload["exit_code"] == 0 else "failed", where)
        elif kind == "patch_apply_end" and isinstance(payload.get("success"), bool):
            self.ended(payload.get("call_id"), "ok" if payload["success"] else "failed", where)

    def ended(self, call: Any, status: Status, where: Where) -> None:
        """A call's end: a refusal or an interruption is final; an exit code says ok or failed."""
        if status == "unknown":
            return
        events = self.session.events
        for index in self.calls.get(call, []) if isinstance(call, str) else []:
            use = events[index]
            assert isinstance(use, ToolUse)
            if use.status in ("rejected", "interrupted"):
                continue
            moved = {"where": where} if status in ("rejected", "interrupted") else {}
            events[index] = dataclasses.replace(use, status=status, **moved)

    def finish(self) -> None:
        """Keep one copy of each of the person's turns: event_msg's where the rollout has them."""
        dropped = set(self.from_items if self.from_events else [])
        if dropped:
            self.session.events = [e for i, e in enumerate(self.session.events) if i not in dropped]


def _uses(payload: dict[str, Any]) -> list[tuple[ToolKind, str, str]]:
    """What a call did, as (kind, tool name, target): a patch gives one for each file it touches."""
    kind = payload.get("type")
    name = payload.get("name") if isinstance(payload.get("name"), str) else str(kind)
    if kind == "web_search_call":
        action = payload.get("action") if isinstance(payload.get("action"), dict) else {}
        query = action.get("query")
        return [("search", "web_search", first_line(query) if isinstance(query, str) else "")]
    if kind == "custom_tool_call":
        given = payload.get("input") if isinstance(payload.get("input"), str) else ""
        return _patch(given) if name == "apply_patch" else [("command", name, name)]
    if kind == "local_shell_call":
        action = payload.get("action") if isinstance(payload.get("action"), dict) else {}
        return _shell(action.get("command"), "local_shell")
    try:
        arguments = json.loads(payload.get("arguments") or "{}")
    except (TypeError, ValueError):
        arguments = {}
    arguments = arguments if isinstance(arguments, dict) else {}
    if name in ("shell", "container.exec", "local_shell"):
        return _shell(arguments.get("command"), name)
    if name == "exec_command":
        return _shell(arguments.get("cmd"), name)
    if name == "apply_patch":
        given = arguments.get("input")
        return _patch(given if isinstance(given, str) else "")
    if name in _FUNCTIONS:
        return [(_FUNCTIONS[name], name, "the plan" if name == "update_plan" else "")]
    return [("command", name, name)]


def _shell(command: Any, name: str) -> list[tuple[ToolKind, str, str]]:
    """A shell call: `["bash", "-lc", "pytest -q"]` or a string; `apply_patch` run as a command is a patch."""
    if isinstance(command, list) and all(isinstance(part, str) for part in command):
        text = command[2] if len(command) >= 3 and command[1] in ("-lc", "-c") else " ".join(command)
    else:
        text = command if isinstance(command, str) else ""
    if text.lstrip().startswith("apply_patch"):
        return _patch(text)
    return [(command_kind(text), name, first_line(text))]


def _patch(patch: str) -> list[tuple[ToolKind, str, str]]:
    """The files a patch adds (new work) and updates or deletes (changes): only their names are read."""
    files = [("write" if op == "Add" else "edit", "apply_patch", path) for op, path in _PATCH_FILE.findall(patch)]
    return files or [("edit", "apply_patch", "a patch")]


def _status_of_call(payload: dict[str, Any]) -> Status:
    status = payload.get("status")
    return "ok" if status == "completed" and payload.get("type") == "web_search_call" else "unknown"


def _status_of_output(output: Any) -> Status:
    """How a call ended, from its output's first words or its exit code: nothing else of it is kept."""
    text = output.get("content") if isinstance(output, dict) else output
    if not isinstance(text, str):
        return "unknown"
    head = text[:200].strip()
    if head in REJECTED:
        return "rejected"
    if head.startswith("{"):
        try:
            metadata = json.loads(text).get("metadata")
        except (ValueError, AttributeError):
            metadata = None
        code = metadata.get("exit_code") if isinstance(metadata, dict) else None
        if isinstance(code, int):
            return "ok" if code == 0 else "failed"
    found = _EXIT.match(head)
    if found:
        return "ok" if found.group(1) == "0" else "failed"
    if head.startswith("Success."):
        return "ok"
    if head.startswith("aborted"):
        return "interrupted"
    return "unknown"
