"""A range of git commits (`git log A..B`), read through `git log` in the current repository.

A commit an AI took part in says so in a trailer: `Co-authored-by:` naming an AI (aider,
Claude Code and others write one), `Assisted-by:` or `Generated-by:`; the trailer's name is
the model. A commit whose message says `This reverts commit <hash>.` (what `git revert`
writes) takes that commit's work back. Read of each commit: its hash, date, trailers, the
commit it reverts and how many files it added and changed; never its diff.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from ..errors import UserError
from .normalise import Commit, Session, Undo, Where, digest, parse_time

TRAILERS = ("co-authored-by", "assisted-by", "generated-by")
#: Names that mark a co-author as an AI (a partner of kind ai in partners.yaml does too).
AI_NAMES = re.compile(
    r"\b(?:claude|anthropic|gpt|openai|chatgpt|codex|copilot|gemini|aider|cursor|devin|llama|mistral|qwen|"
    r"deepseek|grok|ai assistant)\b",
    re.I,
)
_REVERTS = re.compile(r"This reverts commit ([0-9a-f]{7,40})")
_FORMAT = "%x1e%H%x1f%aI%x1f%(trailers:only,unfold)%x1f%B%x1d"


def _without_address(value: str) -> str:
    """A trailer's name without the `<address>` that ends it: from the first `<` after the `>`
    before the last. Found by `str.rfind`, as a pattern reads from every `<` to the next `>`."""
    body = value.rstrip()
    if body.endswith(">"):
        last = len(body) - 1
        opened = body.find("<", body.rfind(">", 0, last) + 1, last)
        if opened != -1:
            return body[:opened].strip()
    return value.strip()


def _in_brackets(name: str) -> str:
    """What the first `(...)` holding something in a name holds (`Claude (claude-opus-4)`), or "".
    That `(` is the first one not closed at once, its `)` the next: each found once, as a pattern
    reads from every `(` to the next `)`."""
    opened = re.search(r"\([^)]", name)
    if opened is None:
        return ""
    closed = name.find(")", opened.end())
    return name[opened.start() + 1 : closed] if closed != -1 else ""


class GitError(UserError):
    """`git log` could not read the range: its own message, in one line."""


def log(range_: str, folder: Path) -> bytes:
    """`git log` of the range, oldest first, with each commit's trailers and files."""
    if range_.startswith("-"):
        raise GitError(f"--git {range_}: a range is A..B, not an option")
    try:
        done = subprocess.run(
            ["git", "-c", "core.quotepath=off", "log", "--reverse", "--no-color", f"--format={_FORMAT}",
             "--name-status", "--no-renames", range_, "--"],
            cwd=folder, capture_output=True, check=False,
        )  # fmt: skip
    except OSError as e:
        raise GitError(f"--git: cannot run git ({e.strerror})") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"--git {range_}: {message[0] if message else 'git log failed'}")
    return done.stdout


def read(range_: str, folder: Path, ai_names: list[str]) -> Session:
    """The commits of the range as one session; `ai_names` are the names and models of the
    journal's AI partners, so a co-author named like one counts as an AI."""
    raw = log(range_, folder)
    session = Session("git", range_, f"git log {range_}", digest=digest(raw))
    known = [name.lower() for name in ai_names if name]
    hashes: list[str] = []
    for chunk in raw.decode("utf-8", "replace").split("\x1e")[1:]:
        head, _, files = chunk.partition("\x1d")
        fields = head.split("\x1f")
        if len(fields) < 4:
            continue
        commit, date, trailers, body = fields[:4]
        at = parse_time(date)
        session.time(at)
        hashes.append(commit)
        where = Where("commit", ref=commit[:7], at=at)
        model = ""
        ai = False
        for line in trailers.splitlines():
            key, _, value = line.partition(":")
            key, value = key.strip().lower(), value.strip()
            if key not in TRAILERS:
                continue
            name = _without_address(value)
            if key != "co-authored-by" or AI_NAMES.search(value) or any(k in value.lower() for k in known):
                ai = True
                model = model or _in_brackets(name) or name
        status = [line.split("\t", 1)[0][:1] for line in files.strip().splitlines() if "\t" in line]
        session.events.append(Commit(commit[:7], ai, where, model, status.count("A"), len(status) - status.count("A")))
        if model:
            session.models[model] += 1
        for reverted in _REVERTS.findall(body):
            session.events.append(Undo("revert", reverted[:7], where))
    if hashes:
        session.id = f"{hashes[0][:7]}..{hashes[-1][:7]}"
    return session
