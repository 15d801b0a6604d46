"""ChatGPT data exports: `conversations.json`, alone or in the export's zip.

The file is a list of conversations: `title`, `create_time`, `default_model_slug`, and the
messages as a tree, `mapping` (node id -> `{message, parent, children}`), whose
`current_node` is the last message of the branch the person last saw. A message has an
`author.role` (`user`, `assistant`, `system`, `tool`), a `content` (`content_type`, `parts`),
a `create_time` and `metadata.model_slug`. Editing a request or regenerating an answer
keeps the old one as a sibling in the tree: the branch shown is the session, its siblings
are recorded as such. Tool messages (code run, pages searched) are read for the tool's name
only; system messages, hidden ones and the model's thoughts are never read.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from .normalise import Branch, Session, Status, ToolKind, ToolUse, Turn, Where, digest, parse_time
from .read import Problems

#: ChatGPT's tools, by the author name of their messages.
TOOLS: dict[str, ToolKind] = {
    "python": "code", "browser": "search", "web": "search", "web.run": "search", "web.search": "search",
    "dalle.text2im": "write", "canmore.create_textdoc": "write", "canmore.update_textdoc": "edit",
    "file_search": "read", "myfiles_browser": "read",
}  # fmt: skip
_TEXT = ("text", "multimodal_text")


def is_export(path: Path) -> bool:
    """Whether a file is a ChatGPT export: a zip holding conversations.json, or a JSON list of
    conversations (each with a `mapping`)."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return bool(_members(archive))
    try:
        with path.open("rb") as f:
            head = f.read(4096).lstrip()
    except OSError:
        return False
    return head.startswith(b"[") and (b'"mapping"' in head or b'"title"' in head or head.rstrip() == b"[]")


def _members(archive: zipfile.ZipFile) -> list[str]:
    return sorted(n for n in archive.namelist()
                  if PurePosixPath(n).name == "conversations.json" or
                  (PurePosixPath(n).name.startswith("conversations-") and n.endswith(".json")))  # fmt: skip


def read(path: Path, shown: str, problems: Problems) -> list[Session]:
    """One session per conversation of the export."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            documents = [(f"{shown}!{name}", archive.read(name)) for name in _members(archive)]
    else:
        documents = [(shown, path.read_bytes())]
    sessions = []
    for where, raw in documents:
        try:
            conversations = json.loads(raw)
        except ValueError as e:
            problems.add(where, 0, f"not JSON ({e}); skipped")
            continue
        if not isinstance(conversations, list):
            problems.add(where, 0, "not a list of conversations; skipped")
            continue
        for number, conversation in enumerate(conversations, 1):
            if isinstance(conversation, dict) and isinstance(conversation.get("mapping"), dict):
                sessions.append(_conversation(conversation, where))
            else:
                problems.add(where, 0, f"conversation {number} has no message tree; skipped")
    return sessions


def _conversation(conversation: dict[str, Any], shown: str) -> Session:
    mapping: dict[str, Any] = conversation["mapping"]
    found = conversation.get("conversation_id") or conversation.get("id")
    session = Session("chatgpt", found if isinstance(found, str) else "", shown)
    session.title = conversation.get("title") if isinstance(conversation.get("title"), str) else ""
    session.digest = digest(json.dumps(conversation, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    if not session.id:
        session.id = session.digest.removeprefix("sha256:")[:32]
    session.time(parse_time(conversation.get("create_time")))
    for node_id in _branch(mapping, conversation.get("current_node")):
        _message(session, mapping, node_id)
    if not session.models and isinstance(conversation.get("default_model_slug"), str):
        session.models[conversation["default_model_slug"]] += 1
    return session


def _branch(mapping: dict[str, Any], leaf: Any) -> list[str]:
    """The node ids from the root to `current_node` (or, without one, along each node's last child)."""
    if not isinstance(leaf, str) or leaf not in mapping:
        root = next((k for k, n in mapping.items() if isinstance(n, dict) and not n.get("parent")), None)
        leaf, seen = root, set()
        while isinstance(leaf, str) and leaf not in seen:
            seen.add(leaf)
            children = _node(mapping, leaf).get("children") or []
            if not children or not isinstance(children[-1], str) or children[-1] not in mapping:
                break
            leaf = children[-1]
    path: list[str] = []
    while isinstance(leaf, str) and leaf in mapping and leaf not in path:
        path.append(leaf)
        leaf = _node(mapping, leaf).get("parent")
    return path[::-1]


def _node(mapping: dict[str, Any], node_id: str) -> dict[str, Any]:
    node = mapping.get(node_id)
    return node if isinstance(node, dict) else {}


def _role(mapping: dict[str, Any], node_id: Any) -> str:
    message = _node(mapping, node_id).get("message") if isinstance(node_id, str) else None
    author = message.get("author") if isinstance(message, dict) else None
    return author.get("role", "") if isinstance(author, dict) else ""


def _message(session: Session, mapping: dict[str, Any], node_id: str) -> None:
    node = _node(mapping, node_id)
    message = node.get("message")
    if not isinstance(message, dict):
        return
    author = message.get("author") if isinstance(message.get("author"), dict) else {}
    content = message.get("content") if isinstance(message.get("content"), dict) else {}
    metadata = message.get("metadata") if isinstance(message.get("metadata"), dict) else {}
    role = author.get("role")
    if role == "system" or metadata.get("is_visually_hidden_from_conversation"):
        return
    at = parse_time(message.get("create_time"))
    session.time(at)
    mid = message.get("id") if isinstance(message.get("id"), str) else node_id
    where = Where("conversation", ref=mid[:8], at=at)
    siblings = _node(mapping, node.get("parent")).get("children") if isinstance(node.get("parent"), str) else []
    others = [s for s in siblings or [] if s != node_id and _role(mapping, s) == role]
    if role == "tool":
        name = author.get("name") if isinstance(author.get("name"), str) else ""
        kind = TOOLS.get(name) or TOOLS.get(name.split(".", 1)[0], "command")
        result = metadata.get("aggregate_result") if isinstance(metadata.get("aggregate_result"), dict) else {}
        status: Status = "failed" if result.get("status") not in (None, "success") else "ok"
        session.events.append(ToolUse(kind, name, "", status, where))
        return
    if content.get("content_type") not in _TEXT:
        return  # code sent to a tool (its result is the tool's message), thoughts, summaries of reasoning
    parts = content.get("parts") if isinstance(content.get("parts"), list) else []
    text = "\n".join(p for p in parts if isinstance(p, str)).strip()
    if role == "user":
        if others:
            session.events.append(Branch("edited", where))
        if text:
            session.events.append(Turn("human", text, where))
    elif role == "assistant":
        if others:
            session.events.append(Branch("regenerated", where))
        session.events.append(Turn("ai", text, where))
        if isinstance(metadata.get("model_slug"), str):
            session.models[metadata["model_slug"]] += 1
