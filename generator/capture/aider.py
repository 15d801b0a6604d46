"""aider chat histories: `.aider.chat.history.md`, Markdown that aider appends to as it works.

Each run opens with `# aider chat started at YYYY-MM-DD HH:MM:SS`: one session each. A
person's input is written as `#### ` lines (an in-chat command such as `/undo` or `/add`
too); aider's own messages as `> ` lines (the model, `Applied edit to <file>`, `Commit <hash>
<message>`, `Removed: <hash> ...` after an `/undo`, and each question it asked with the
answer given: `Run shell command? (Y)es/(N)o [Yes]: n`); everything else is the model's reply.
aider writes no times but the session's start, and no output of the commands it runs.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from .normalise import (
    Approval,
    Commit,
    Interrupt,
    Session,
    Status,
    ToolKind,
    ToolUse,
    Turn,
    Undo,
    Where,
    command_kind,
    digest,
    first_line,
)  # fmt: skip
from .read import Problems

START = re.compile(r"^# aider chat started at (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\s*$")
_MODEL = re.compile(r"^(?:Main model|Model|Models): (\S+)")
#: The file edited, to the last non-space of the line (greedy: a lazy name rescans trailing spaces).
_APPLIED = re.compile(r"^Applied edit to (.*\S|.)\s*$")
_COMMIT = re.compile(r"^Commit ([0-9a-f]{7,40})\b")
_REMOVED = re.compile(r"^Removed: ([0-9a-f]{7,40})\b")
#: A question aider asked, to its `?`; the answer follows (`_asked`).
_QUESTION = re.compile(r"^(.*?\?)\s*\(Y\)es/\(N\)o")
#: The answer aider gives for a person who only pressed Enter: `[Yes]:`.
_DEFAULT = re.compile(r"\[(Yes|No)\]:")
_INTERRUPT = ("^C KeyboardInterrupt", "^C again to exit")
#: The questions whose answer is a person's decision on the AI's work: its kind, and whether the
#: line before it names the target (a command or a file).
QUESTIONS: dict[str, tuple[ToolKind, str]] = {
    "Run shell command?": ("command", "above"),
    "Create new file?": ("write", "above"),
    "Allow edits to file that has not been added to the chat?": ("edit", "above"),
    "Edit the files?": ("plan", "the proposed changes"),
    "Attempt to fix lint errors?": ("edit", "a fix of the lint errors"),
    "Attempt to fix test errors?": ("edit", "a fix of the failing tests"),
}
#: A person's in-chat commands that bring material in (context) or run something (a test is review).
_CONTEXT: dict[str, ToolKind] = {"/add": "read", "/read-only": "read", "/web": "fetch", "/paste": "read"}
_RUN = ("/run", "/test", "!")
_ASK = ("/ask", "/code", "/architect", "/chat")


def _asked(line: str) -> tuple[str, str] | None:
    """The question in one of aider's lines and the answer given: `Run shell command? (Y)es/(N)o
    [Yes]: n` -> ("Run shell command?", "n"); the default when the answer is blank.

    The answer is the line's last word if the word before it ends with the default (`[Yes]: n`),
    else what follows the default's first mention in the last word (`[Yes]:n`, `[Yes]:`). Read
    by words from the end: a pattern looking for the default after every `?` reads the rest of
    the line from each."""
    question = _QUESTION.match(line)
    if question is None:
        return None
    words = line[question.end() :].split()
    if len(words) > 1 and words[-2].endswith(("[Yes]:", "[No]:")):
        return question.group(1), words[-1]
    default = _DEFAULT.search(words[-1]) if words else None
    if default is None:
        return None
    return question.group(1), words[-1][default.end() :] or default.group(1)


def is_history(path: Path) -> bool:
    """Whether a file is an aider chat history: a session's opening line among its first lines."""
    try:
        with path.open("rb") as f:
            head = f.read(65_536).decode("utf-8", "replace")
    except OSError:
        return False
    return any(START.match(line) for line in head.splitlines()[:50])


def read(path: Path, shown: str, problems: Problems) -> list[Session]:
    """One session for each run the history holds in which anyone said anything."""
    lines = path.read_bytes().decode("utf-8", "replace").splitlines()
    starts = [i for i, line in enumerate(lines) if START.match(line)]
    sessions = []
    empty = 0
    for n, first in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        session = _session(lines, first, end, shown)
        if session.turns:
            sessions.append(session)
        else:
            empty += 1
    if empty:
        problems.add(shown, 0, f"{empty} run{'s' if empty != 1 else ''} in which nobody said anything; skipped")
    return sessions


def _session(lines: list[str], first: int, end: int, shown: str) -> Session:
    match = START.match(lines[first])
    assert match is not None
    started = dt.datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S")
    session = Session("aider", started.isoformat(), shown, started=started, ended=started)
    session.digest = digest("\n".join(lines[first:end]).encode("utf-8"))
    parser = _Parser(session)
    for index in range(first + 1, end):
        parser.line(lines[index], index + 1)
    parser.flush()
    return session


class _Parser:
    """The state of reading one run: the person's lines and the reply being gathered."""

    def __init__(self, session: Session):
        self.session = session
        self.human: list[str] = []
        self.human_at = 0
        self.reply: list[str] = []
        self.reply_at = 0
        self.fenced = False
        self.above = ""  # aider's line before a question: the command or file it asks about
        self.undoing: Where | None = None
        self.new_files: set[str] = set()

    def where(self, line: int) -> Where:
        return Where("history", line)

    def add(self, event: object) -> None:
        self.session.events.append(event)  # type: ignore[arg-type]

    def line(self, text: str, number: int) -> None:
        if not self.fenced and (text.startswith("#### ") or text.rstrip() == "####"):
            self.flush_reply()
            if not self.human:
                self.human_at = number
            self.human.append(text[5:].rstrip())
            return
        if not self.fenced and text.startswith(">"):
            self.flush()
            self.tool(text[1:].strip(), number)
            return
        self.flush_human()
        if text.lstrip().startswith("```"):
            self.fenced = not self.fenced
        if text.strip() or self.reply:
            if not self.reply:
                self.reply_at = number
            self.reply.append(text.rstrip())

    def flush(self) -> None:
        self.flush_human()
        self.flush_reply()

    def flush_reply(self) -> None:
        text = "\n".join(self.reply).strip()
        if text:
            self.add(Turn("ai", text, self.where(self.reply_at)))
        self.reply, self.fenced = [], False

    def flush_human(self) -> None:
        if not self.human:
            return
        text = "\n".join(self.human).strip()
        where = self.where(self.human_at)
        self.human = []
        if not text.startswith(("/", "!")):
            self.add(Turn("human", text, where))
            return
        command, _, rest = text.partition(" ")
        rest = rest.strip()
        if command == "/undo":
            self.undoing = where
        elif command in _ASK and rest:
            self.add(Turn("human", rest, where))
        elif command in _CONTEXT:
            self.add(ToolUse(_CONTEXT[command], command, first_line(rest), "ok", where, side="human"))
        elif command in _RUN or text.startswith("!"):
            run = text[1:] if text.startswith("!") else rest
            kind = "test" if command == "/test" else command_kind(run)
            self.add(ToolUse(kind, command, first_line(run), "unknown", where, side="human"))

    def tool(self, text: str, number: int) -> None:
        """One of aider's own lines."""
        where = self.where(number)
        if (found := _MODEL.match(text)) is not None:
            if not self.session.models:
                self.session.models[found.group(1)] += 1
        elif (found := _APPLIED.match(text)) is not None:
            path = found.group(1)
            self.add(ToolUse("write" if path in self.new_files else "edit", "edit", path, "ok", where))
        elif (found := _COMMIT.match(text)) is not None:
            self.add(Commit(found.group(1), True, where))
        elif (found := _REMOVED.match(text)) is not None and self.undoing is not None:
            self.add(Undo("undo", found.group(1), self.undoing))
            self.undoing = None
        elif (asked := _asked(text)) is not None:
            self.answer(*asked, where)
        elif text.startswith(_INTERRUPT):
            if not (self.session.events and isinstance(self.session.events[-1], Interrupt)):
                self.add(Interrupt(where))
        if text and _asked(text) is None:
            self.above = text

    def answer(self, question: str, answer: str, where: Where) -> None:
        """A question aider asked about the AI's work, and the person's yes or no."""
        if question not in QUESTIONS:
            return
        kind, target = QUESTIONS[question]
        if target == "above":
            target = first_line(self.above)
        if kind == "command":
            kind = command_kind(target)
        yes = answer.lower()[:1] in ("y", "a", "d")
        if yes and kind == "write":
            self.new_files.add(target)
        if yes:
            self.add(Approval(target, where))
        status: Status = "unknown" if yes else "rejected"
        if kind in ("test", "command", "read", "grep") or not yes:
            self.add(ToolUse(kind, question.rstrip("?"), target, status, where))
