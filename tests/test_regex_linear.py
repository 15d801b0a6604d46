"""Every regular expression that runs on user text runs in linear time, on the worst text a record may hold.

Every compiled pattern of generator/ (module-level, also inside tuples, dicts and dataclasses) and
every pattern written into a call (`re.sub(r"...", ...)`) is found here, and must be in `WORST`:
the inputs built to make it slow, or why it never reads user text. A new pattern fails
`test_every_pattern_is_known` until its worst inputs are written.

Each is run on its inputs (and on a run of each character its source names) at the most text the
loader lets a record hold (load.MAX_TEXT characters), trying every start position as `search` and
`sub` do. The hard stop is the `regex` engine's timeout, or for Python's `re`, which has none, a
helper process stopped after as long. That is no assertion on our speed: on a million characters a
pattern that reads the rest of the text from every position takes hours, a linear one
milliseconds, so a limit of seconds tells them apart on any machine, however loaded.

The count (`test_no_attempt_reads_the_rest_of_the_text`): on each input, the start positions from
which an attempt to match runs out of text before it fails (the `regex` engine's partial matching
says so). A pattern that rescans the rest of the text from every position has one per position; a
linear one a few, however long the text.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import multiprocessing
import pkgutil
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
import regex

import generator
from generator import privacy
from generator.errors import JournalError
from generator.load import MAX_TEXT, load_journal
from generator.model import LONG_TEXT_MAX as FIELD
from generator.model import TEXT_MAX
from generator.validate import validate
from helpers import write

#: Corpora of adversarial texts at the longest lengths the loader allows: left out of the fast loop.
pytestmark = pytest.mark.corpus

#: The hard stop for one pattern on one input: far above a linear pattern's milliseconds, far
#: below a quadratic one's hours.
SECONDS = 5.0
#: How long an input of the count is: every start position in its first half is tried.
COUNTED = 3_000
#: How many attempts on one input may run out of text: the one or two that start the run that reaches the end.
READ_TO_THE_END = 4

#: Inputs: (head, unit, tail) makes head + unit repeated + tail, as long as the test asks; a str is its unit.
Input = tuple[str, str, str] | str


@dataclasses.dataclass(frozen=True)
class Worst:
    """The inputs that make a pattern slow, if anything can; `where` says what text it reads, `length`
    the most of it the loader lets through: a record's whole text, or one field's (a longer one is an
    error before any pattern reads it)."""

    where: str
    inputs: tuple[Input, ...] = ()
    length: int = MAX_TEXT


@dataclasses.dataclass(frozen=True)
class NotUserText:
    """A pattern that never reads what a user wrote as it was written; `why`."""

    why: str


OUR_HTML = NotUserText("reads HTML our templates wrote, where user text is escaped: no '<h' or '<' of it opens a tag")
DOTTED = ("a.", "a.a@", ("", "a.", "@"), ("a@", "a.", ""), "a@", "a@a.", ".@", "%+-", ("", "a", "@"))

#: Every pattern of generator/ by its source: its worst inputs, or why it reads no user text.
WORST: dict[str, Worst | NotUserText] = {
    # privacy: records' text (a record's whole text at once, for the first look) and file names
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----": Worst("a record's text", ("-----BEGIN ", ("-----BEGIN ", "A ", ""), ("-----BEGIN ", "PRIVATE KEY ", ""))),
    r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b": Worst("a record's text", ("AKIA", "AKIA0 ")),
    r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})": Worst("a record's text", ("ghp_", ("ghp_", "a", "!"), "github_pat_", "ghp_a ")),
    r"\bxox[abposr]-[A-Za-z0-9-]{10,}": Worst("a record's text", ("xoxb-", "xoxb-a ")),
    r"\bAIza[0-9A-Za-z_-]{35}\b": Worst("a record's text", ("AIza", "AIza-")),
    r"\bsk-[A-Za-z0-9_-]{20,}": Worst("a record's text", ("sk-", "sk-a ")),
    r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}":
        Worst("a record's text", ("eyJaaaaaaaaaa-", "eyJaaaaaaaaaa.", ("eyJ", "a", ""), "eyJaaaaaaaaaa.eyJaaaaaaaaaa-")),
    r"\b(?i:api[_-]?key|secret|token|password|passwd)\b\s*[:=]\s*['\"]?[^\s'\"]{8,}":
        Worst("a record's text", ("token ", "token:", ("token", " ", ""), "password= ", ("token=", "'", ""))),
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*+(?<=\.[A-Za-z]{2,})\b": Worst("a record's text", DOTTED),
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b": Worst("a transcript's text", DOTTED),
    # privacy: what a reader sees, and how a name is compared
    "_WRITTEN": Worst("a record's text", ("&", "&#", "&#x", "&a", "%", "%4", "%C3", ("", "\u200b", "a"))),
    "_MARKDOWN": Worst("a record's text", ("]", "](", "[a](", "][", "[a][", "](()", "](x (", "<", "<a", "<http:", "\\", "![",
                                           "[a]: x\n", ("[", "a", ""), "&#", "%", "\n[")),
    r"[\p{Mn}\p{Default_Ignorable_Code_Point}]+": Worst("a record's text", ("\u0301", "a\u200b", "\u200b")),
    r"[\s_]+|(?<=[^\W_])[-+.](?=[^\W_])": Worst("a record's text", ("_", "a-", "-", "a.", " _")),
    r"[\[\]()<>*`~\\]|(?<![^\s])_|_(?![^\s])": Worst("a name as written", ("_ ", " _", "_"), FIELD),
    r"[\\`*_{}\[\]()#+\-.!>]": Worst("a paragraph", ("\\",), FIELD),
    # markup: user text, and the HTML the sanitizer wrote of it
    r"[\\`*_\[\]{}|~^]": Worst("a field's text as HTML", ("*",), FIELD),
    r"^[^\\`*_\[\]{}|~^<>&!#\n\r]*$": Worst("a field's text", ("a", ("", "a", "*")), FIELD),
    r"(<[^<>]*>|&#?\w+;)": Worst("a field's text as HTML", ("<", "&", "&#", "&a", "<a"), FIELD),
    r"<[^<>]*>": Worst("a field's text as HTML", ("<", "<a"), FIELD),
    r"<(/?)h([1-6])>": Worst("a field's text as HTML", ("<h", "</h", "<h1"), FIELD),
    r"</?a\b[^<>]*>": Worst("a field's text as HTML", ("<a", "</a ", "<a "), FIELD),
    # routes, model, validate, errors: ids, names, dates, messages quoting user text
    r"[^a-z0-9]+": Worst("a name made a slug", ("-", "a-"), FIELD),
    r"^[a-z0-9][a-z0-9-]*$": Worst("an id", ("a", ("", "a", "_")), FIELD),
    r"\d{4}-\d\d-\d\d": Worst("a date", ("2026-01-0", "2026-"), FIELD),
    "_PLACEHOLDER": Worst("a record's text", ("TODO what ", "TODO ", "TODO what a", ("TODO what ", "a", ""))),
    r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]": Worst("a message quoting user text", ("\x1b",), FIELD),
    # load: a record file's text, and its plain scalars (PyYAML's resolvers, run by load._Loader)
    "_NOT_TEXT": Worst("a record file", ("a", "\U0001fffd")),
    "_NOT_TEXT_BMP": Worst("a record file", ("a",)),
    "_IMPLICIT_DATE": Worst("a plain scalar", ("1", ("2026-01-01", " ", "x"), ("2026-1-1 1:00:00.", "1", "x"), ("2026-1-1", "\t", "x"))),
    "yaml:bool": Worst("a plain scalar", ("y", "yes")),
    "yaml:float": Worst("a plain scalar", ("1", "1_", "1:0", "1:", ".5", ("1", "0", "x"), ("1.", "0", "x"), ("1:", "00:", "x"), ("", "1:0", ".x"))),
    "yaml:int": Worst("a plain scalar", ("1", "1_", "1:0", "0b1", "0x", ("1", "0", "x"), ("1:", "00:", "x"), ("", "1:5", "x"))),
    "yaml:merge": Worst("a plain scalar", ("<",)),
    "yaml:null": Worst("a plain scalar", ("~", "n")),
    "yaml:timestamp": Worst("a plain scalar", ("1", ("2001-12-14t21:59:43.", "1", "x"), ("2001-12-14", " ", "x"), ("2001-12-14 1:1:1", " ", "x"))),
    "yaml:value": Worst("a plain scalar", ("=",)),
    "yaml:yaml": Worst("a plain scalar", ("!", "&")),
    r"while (?:scanning|parsing) an? (.+)": NotUserText("reads PyYAML's own message about a syntax error"),
    # render, output, plugin: pages as HTML, names as file names, docs pages' links
    r'<h([1-6]) id="([^"]+)">(.*?)</h\1>': OUR_HTML,
    r"<[^>]*>": OUR_HTML,
    r"(<[^>]*>|&#?\w+;)": OUR_HTML,
    r"[\\`*_\[\]()#!{}~^=+\-.|:]": Worst("a page's text", ("\\",), FIELD),
    r"[^\w .,()+-]+": Worst("a folder's name", ("!", "a!"), FIELD),
    r'\sid="([^"]+)"': Worst("a page's HTML", (' id="', ' id="a'), FIELD),
    r'href="(?![a-z][a-z0-9+.-]*:|/|#)([^"#?]*\.md(?:#[^"]*)?)"': Worst("a docs page's HTML", ('href="', 'href="a', 'href="a.md', 'href="a.md#', ("href=\"", "a", ""))),
    # schema, scaffold: a record's first line, a workflow file, an answer at a prompt
    r"^\s*#\s*yaml-language-server\s*:\s*\$schema=(\S+)": Worst("a record's first line", (" ", ("#", " ", "x"), ("# yaml-language-server", " ", "x")), FIELD),
    r"\bmkdocs\b|actions/deploy-pages": Worst("a workflow file", ("mkdocs", "actions/", "mkdocsx")),
    r"[\s,]+": Worst("an answer at a prompt", (" ,",), FIELD),
    r"\b(?:mkdocs|properdocs)\b": Worst("a workflow file", ("mkdocs", "properdocsx")),
    "_DEPLOYS": Worst("a workflow file", ("mkdocs ", ("mkdocs", " ", "x"), "actions/", "peaceiris/")),
    r"(.*):(\d+):(.*)\t": NotUserText("reads git check-ignore's one line on the site's own folder"),
    r'(?:^|(?<=[\s(\[]))"': Worst("a field's text", ('"', ' "', '("', "(", " "), FIELD),
    r'"': Worst("a field's text", ('"',), FIELD),
    # lessons: a lesson's words
    r"[^\W_]+": Worst("a lesson", ("a", "a_", "_"), FIELD),
    # capture: transcripts, chat histories, commit messages
    r"^# aider chat started at (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\s*$": Worst("a chat history's line", (("# aider chat started at 2026-01-01 00:00:00", " ", "x"),)),
    r"^(?:Main model|Model|Models): (\S+)": Worst("a chat history's line", (("Model: ", "a", ""),)),
    r"^Applied edit to (.*\S|.)\s*$": Worst("a chat history's line", (("Applied edit to a", " ", "x"), ("Applied edit to ", "a ", "x"),
                                                                       ("Applied edit to a", " ", "\nx"))),
    r"^(.*?\?)\s*\(Y\)es/\(N\)o": Worst("a chat history's line", ("?", ("?", " ", "x"), "? (Y)es/(N)o", ("a? (Y)es/(N)o [Yes]:", " ", "x"))),
    r"\[(Yes|No)\]:": Worst("a chat history's line", ("[", "[Yes]", "[No")),
    r"^Commit ([0-9a-f]{7,40})\b": Worst("a chat history's line", ("Commit ",)),
    r"^Removed: ([0-9a-f]{7,40})\b": Worst("a chat history's line", ("Removed: ",)),
    r"^\*\*\* (Add|Update|Delete) File: (.*\S|.)\s*$": Worst("a patch in a transcript", (("*** Add File: a", " ", "x"), "*** Add File: a \n",
                                                                                         ("*** Add File: a", " ", "\n*** Add File: b"))),
    r"^(?:Exit code:|Process exited with code)\s*(-?\d+)": Worst("a tool's output", (("Exit code:", " ", "x"),)),
    r"^# pjournal import checksum: ([0-9a-f]{16})\b.*\n": Worst("a draft record", ("# pjournal import checksum: 0123456789abcdef ",)),
    r"This reverts commit ([0-9a-f]{7,40})": Worst("a commit message", ("This reverts commit ", "This reverts commit 0")),
    r"[A-Za-z0-9_.:-]{1,60}": Worst("a transcript's line type", ("a",)),
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----(?:.*?-----END [A-Z ]*PRIVATE KEY-----|.*\Z)":
        Worst("a transcript's text", ("-----BEGIN ", ("-----BEGIN PRIVATE KEY-----", "-----END ", ""))),
    r"(?<=://)[^\s/:@]+:[^\s/@]+(?=@)": Worst("a transcript's text", ("://a:", "://a:b", ("://", "a", ""), ("://a:", "b", ""))),
    r"(?<=\bBearer )[A-Za-z0-9._~+/-]{8,}=*": Worst("a transcript's text", ("Bearer ", ("Bearer ", "a", "!"))),
    r"^(?:an?|the) ": Worst("a secret's name", ("a",)),
    r"[\\/]+": Worst("a folder's path", ("/",)),
    r"(?<![\w.~])/(?:Users|home)/[^\s/\\\"'`:]+": Worst("a transcript's text", ("/home/", "/Users/a", " /home/")),
    r"\b[A-Za-z]:[\\/]++Users[\\/]++[^\s\\/\"'`:]+": Worst("a transcript's text", (("C:", "\\", "x"), ("C:", "/", ""), "C:\\Users\\")),
    r"[^A-Za-z0-9]": Worst("a folder's path", ("/",)),
    r"\([^)]": Worst("a commit trailer", ("(", "()")),
    "AI_NAMES": Worst("a commit trailer", ("claude", "ai ", "ai assistan")),
    "_APPROVAL": Worst("a person's message", (("yes", " ", "x"), ("yes", ",", "x"), ("yes, ", "thanks ", "x"))),
    "_CORRECTION": Worst("a person's message", ("instead", "that is not ", "not what I ", "en lugar")),
    "_PRAISE": Worst("a person's message", ("thanks",)),
    "_STYLE": Worst("a person's message", ("too ", "more ", "bullet ")),
    "_HEDGE": Worst("a message", ("I'm not ", "I'm not entirely ", "not sure ", "I can", "ich bin ")),
    r"```.*?(?:```|\Z)": Worst("a message", ("```", "``", "`")),
    r"(?<=[.!?])\s+|\n+": Worst("a message", (". ", "\n", ".")),
    "_TEST": Worst("a command line", (("npm", " ", "x"), " npm ", ("python -m", " ", "x"), ";pytes", ("cargo", " ", "x"))),
    "_READ_ONLY": Worst("a command line", ((" ", " ", "x"), ("git", " ", "x"), ("sed", " ", "x"))),
    "_SEARCH": Worst("a command line", ((" ", " ", "x"), ("git", " ", "x"))),
    "_NOT_TYPED": Worst("a person's message", ((" ", " ", "x"), "<command-name>")),
}  # fmt: skip

#: Patterns this test found slow in code it does not own, by key: the hard stop, and the count, fail on
#: them. Marked strict expected failures, so that each one made linear fails here until its line goes.
SLOW_ELSEWHERE: dict[str, str] = {}
#: Those of them the count fails on too.
RESCANS_ELSEWHERE: dict[str, str] = {}

#: Patterns known by their name where their source is long or built from parts.
NAMED = {"_WRITTEN", "_MARKDOWN", "_PLACEHOLDER", "_DEPLOYS", "_NOT_TEXT", "_NOT_TEXT_BMP", "_IMPLICIT_DATE", "AI_NAMES",
         "_APPROVAL", "_CORRECTION", "_PRAISE", "_STYLE", "_HEDGE", "_TEST", "_READ_ONLY", "_SEARCH", "_NOT_TYPED"}  # fmt: skip

Pattern = re.Pattern[str] | regex.Pattern[str]


@dataclasses.dataclass(frozen=True)
class Found:
    """A pattern of generator/, where it was found, and the key its entry in WORST has."""

    pattern: Pattern
    where: str  # "generator.privacy.SECRETS", "generator/scaffold.py:433"
    key: str


def _patterns_in(value: Any, depth: int = 0) -> Iterator[Pattern]:
    """The compiled patterns a module-level value is or holds (in tuples, lists, dicts, dataclasses)."""
    if isinstance(value, (re.Pattern, regex.Pattern)):
        yield value
    elif depth < 4 and isinstance(value, (tuple, list, set, frozenset, dict)):
        for item in value.values() if isinstance(value, dict) else value:
            yield from _patterns_in(item, depth + 1)
    elif depth < 4 and dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _patterns_in(getattr(value, f.name), depth + 1)


def _yaml_tags() -> dict[int, str]:
    """The keys of PyYAML's resolvers (which load._Loader runs on every plain scalar), by pattern: "yaml:int"."""
    from generator.load import _IMPLICIT

    return {id(p): "yaml:" + tag.rsplit(":", 1)[-1] for found in _IMPLICIT.values() for tag, p in found}


def module_patterns() -> list[Found]:
    """Every compiled pattern held by a module of generator/ at its top level."""
    found = []
    tags = _yaml_tags()
    for info in pkgutil.walk_packages(generator.__path__, "generator."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, type) or callable(value):
                continue
            for pattern in _patterns_in(value):
                key = tags.get(id(pattern)) or (name if name in NAMED else pattern.pattern)
                found.append(Found(pattern, f"{info.name}.{name}", key))
    return found


_CALLS = {"compile", "search", "match", "fullmatch", "sub", "subn", "split", "findall", "finditer"}


def written_patterns() -> list[Found]:
    """Every pattern written as a literal into a call of `re` or `regex` in generator/'s source."""
    found = []
    root = Path(generator.__file__).parent
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _CALLS
                    and isinstance(node.func.value, ast.Name) and node.func.value.id in ("re", "regex") and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):  # fmt: skip
                source = node.args[0].value
                flags = [k.value for k in node.keywords if k.arg == "flags"] + node.args[1:2 if node.func.attr == "compile" else 0]
                flag = eval(compile(ast.Expression(flags[0]), "", "eval"), {"re": re, "regex": regex}) if flags else 0
                where = f"generator/{path.relative_to(root).as_posix()}:{node.lineno}"
                found.append(Found(re.compile(source, flag), where, source))
    return found


def all_patterns() -> list[Found]:
    """Every pattern of generator/, once per key (a module's, by its key, before the same source written in a call)."""
    held = module_patterns()
    sources = {f.pattern.pattern for f in held}
    return list({f.key: f for f in [*held, *(f for f in written_patterns() if f.key not in sources)]}.values())


def made(spec: Input, n: int) -> str:
    """An input of about `n` characters: head, then the unit repeated, then tail."""
    head, unit, tail = ("", spec, "") if isinstance(spec, str) else spec
    return head + unit * max(1, (n - len(head) - len(tail)) // len(unit)) + tail


def worst_inputs(found: Found) -> list[Input]:
    """The worst inputs written for a pattern."""
    worst = WORST[found.key]
    assert isinstance(worst, Worst)
    return list(worst.inputs)


def counted_inputs(found: Found) -> list[Input]:
    """The worst inputs written for a pattern, and a run of each character its source names."""
    named = sorted({c for c in found.pattern.pattern if c.isprintable() and not c.isalnum()} | {"a", " ", "\n"})
    return [*worst_inputs(found), *(c for c in named if c not in worst_inputs(found))]


def _run_all(pattern: Pattern, texts: list[str], done: Any) -> None:
    """In a helper process: run the pattern over each text, saying when each is done."""
    for i, text in enumerate(texts):
        pattern.subn("", text)
        done.send(i)


def slow_inputs(pattern: Pattern, texts: list[str], seconds: float = SECONDS) -> list[int]:
    """The texts (by index) on which trying the pattern at every start position did not end within SECONDS.

    `regex` stops itself at its timeout; `re` can't, so it runs in a forked helper that is stopped
    when a text takes longer."""
    if isinstance(pattern, regex.Pattern):
        slow = []
        for i, text in enumerate(texts):
            try:
                pattern.subn("", text, timeout=seconds)  # every start position, as search and sub try them
            except TimeoutError:
                slow.append(i)
        return slow
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    helper = context.Process(target=_run_all, args=(pattern, texts, send), daemon=True)
    helper.start()
    send.close()
    done = -1
    try:
        while done < len(texts) - 1 and receive.poll(seconds):
            done = receive.recv()
    except EOFError:
        pass
    helper.kill()
    helper.join()
    return [] if done == len(texts) - 1 else [done + 1]


FOUND = all_patterns()
USER_TEXT = [f for f in FOUND if isinstance(WORST.get(f.key), Worst)]


def cases(known: dict[str, str]) -> list[Any]:
    """The patterns on user text as test cases, those `known` to fail marked so."""
    return [pytest.param(f, id=f.where, marks=[pytest.mark.xfail(strict=True, reason=known[f.key])] if f.key in known else [])
            for f in USER_TEXT]  # fmt: skip


def test_every_pattern_is_known():
    """A pattern added to generator/ fails here until WORST says how to make it slow, or why it reads no user text."""
    unknown = [f"{f.where}: {f.key!r}" for f in FOUND if f.key not in WORST]
    assert unknown == [], "patterns with no worst inputs in WORST:\n" + "\n".join(unknown)
    assert len(USER_TEXT) > 40


@pytest.mark.parametrize("found", cases(SLOW_ELSEWHERE))
def test_a_pattern_on_user_text_ends_on_its_worst_inputs_at_the_longest_text(found):
    specs = worst_inputs(found)
    length = WORST[found.key].length  # type: ignore[union-attr]
    slow = slow_inputs(found.pattern, [made(spec, length) for spec in specs])
    assert slow == [], (f"{found.where} ({WORST[found.key].where}) took more than {SECONDS:g} s on "  # type: ignore[union-attr]
                        f"{[specs[i] for i in slow]} at {length:,} characters: make each attempt stop where the next "
                        "one starts, or guard where a run starts with a lookbehind")  # fmt: skip


def attempts_to_the_end(pattern: Pattern, text: str, *, stop_at_none: bool = False) -> int:
    """How many attempts to match, from the start positions in the text's first half, run out of text
    before they fail: each read the rest of the text. (The `regex` engine's partial matching, on the
    pattern as `re` reads it.) Counting stops past READ_TO_THE_END, unless `stop_at_none`."""
    counted = pattern
    if isinstance(pattern, re.Pattern):  # the same flags by name: their values differ (re.ASCII is regex.VERSION1's)
        flags = [getattr(regex, name) for name in ("IGNORECASE", "MULTILINE", "DOTALL", "VERBOSE", "ASCII")
                 if pattern.flags & getattr(re, name)]  # fmt: skip
        counted = regex.compile(pattern.pattern, sum(flags) | regex.V0)
    ends = 0
    for start in range(len(text) // 2):
        try:
            m = counted.match(text, start, partial=True, timeout=1.0)  # one attempt on a short text: microseconds
        except TimeoutError:  # an attempt that backtracks without end reads the rest, and more
            return len(text)
        ends += m is not None and m.partial
        if ends > READ_TO_THE_END and not stop_at_none:
            return ends
    return ends


@pytest.mark.parametrize("found", cases(RESCANS_ELSEWHERE))
def test_no_attempt_reads_the_rest_of_the_text(found):
    counts = {spec: attempts_to_the_end(found.pattern, made(spec, COUNTED)) for spec in counted_inputs(found)}
    assert {spec: n for spec, n in counts.items() if n > READ_TO_THE_END} == {}, (
        f"{found.where}: attempts that read to the end of a {COUNTED:,}-character input, by input")


def test_the_count_tells_a_quadratic_pattern_from_its_linear_form():
    """The patterns the journal had before: the count and the hard stop both tell them apart."""
    old_link, new_link = regex.compile(r"!?\[([^\]\x00]*)\]\([^)\x00]*\)"), regex.compile(r"\]\((?:[^()\n\x00]|\([^()\n\x00]*\))*\)")
    old_mail = regex.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
    new_mail = next(f.pattern for f in FOUND if "@" in f.key and f.where.startswith("generator.privacy"))
    for old, new, spec in ((old_link, new_link, "["), (old_link, new_link, "[a]("), (old_mail, new_mail, ("", "a.", "@"))):
        assert attempts_to_the_end(old, made(spec, COUNTED), stop_at_none=True) >= COUNTED // 10
        assert attempts_to_the_end(new, made(spec, COUNTED)) <= READ_TO_THE_END
    assert slow_inputs(old_link, [made("[", 200_000)], seconds=1) == [0], "a quadratic pattern is stopped"
    assert slow_inputs(re.compile(old_link.pattern), [made("[", 200_000)], seconds=1) == [0], "by the helper for re too"


def _block_all(texts: list[str], done: Any) -> None:
    from generator import markup

    for i, text in enumerate(texts):
        markup.block(text)
        done.send(i)


@pytest.mark.parametrize("unit", ["[a](", "[a](<", "![a](", "[a](b (c"])
def test_markdown_reads_the_target_of_a_link_that_never_closes_a_bounded_number_of_times(unit, monkeypatch):
    """Python-Markdown reads from a link's '(' to its ')', or to the end of the text: from each `[a](`
    of a long field of them it read the rest (hours at the longest field). Now a text's links are read
    at most markup.LINK_READING times its length in all: counted, and stopped as the patterns are."""
    from generator import markup

    text = made(unit, FIELD)
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    helper = context.Process(target=_block_all, args=([text], send), daemon=True)
    helper.start()
    send.close()
    finished = receive.poll(SECONDS)
    helper.kill()
    helper.join()
    assert finished, f"rendering {unit!r} * {len(text) // len(unit):,} took more than {SECONDS:g} s"
    reads = []
    monkeypatch.setattr(markup._Window, "__getitem__", lambda self, i: reads.append(1) or str.__getitem__(self, i))
    markup.block.cache_clear()
    markup.block(made(unit, 20_000))
    assert 0 < len(reads) <= markup.LINK_READING * 20_000 + markup._LINK_READING_MORE


RECORD = """\
title: Outlining the post
date: 2026-01-10
partners:
  - partner: alexa
  - partner: assistant
goal: Agree on an outline
contributions:
  - by: assistant
    kind: structure
    summary: Proposed a five-part outline
"""
PARTNERS = """\
- {id: alexa, name: Alexa, kind: human}
- {id: assistant, name: Writing assistant, kind: ai}
- {id: qz-reader, name: Quentin Zabriskie, kind: human, anonymous: true}
"""
LINES = {"brackets": "[", "angle brackets": "<", "a dotted run ending in @": ("", "a.", "@"), "link targets": "[a]("}


def _check(root: Path) -> subprocess.CompletedProcess[str]:
    """`pjournal check` in its own process, stopped if it runs for minutes (it reads a journal in a second)."""
    return subprocess.run([sys.executable, "-m", "generator.cli", "check", str(root)], capture_output=True, text=True,
                          timeout=120, cwd=root.parent)  # fmt: skip


@pytest.mark.parametrize("name", LINES)
def test_a_line_of_900_kb_in_notes_is_refused_where_it_is_before_any_scan(tmp_path, name):
    root = tmp_path / "journal"
    write(root / "partners.yaml", PARTNERS)
    write(root / "sessions/2026-01-10-outline.yaml", RECORD + "notes: '" + made(LINES[name], 900_000) + "'\n")
    run = _check(root)
    assert run.returncode == 1, run.stdout + run.stderr
    assert re.match(r"journal/sessions/2026-01-10-outline\.yaml:11:8: notes: string should have at most 200000 characters",
                    run.stderr), run.stderr[:300]  # fmt: skip
    assert "warning:" not in run.stderr and "Traceback" not in run.stderr


@pytest.mark.parametrize("name", LINES)
def test_texts_at_their_limits_are_scanned_to_the_end(tmp_path, name):
    """The longest notes and as many of the longest lessons as a record may hold, all of one worst
    line, and the anonymous partner named at the end of each: found, each."""
    root = tmp_path / "journal"
    write(root / "partners.yaml", PARTNERS)
    line = made(LINES[name], FIELD - 20)
    lessons = "".join(f"  - '{made(LINES[name], TEXT_MAX - 20)} qz-reader'\n" for _ in range(150))
    write(root / "sessions/2026-01-10-outline.yaml", RECORD + f"notes: '{line} qz-reader'\nlessons:\n{lessons}")
    run = _check(root)
    assert run.returncode == 0, run.stdout + run.stderr[:500]
    assert run.stderr.count("names the anonymous partner") == 151, run.stderr[:500]


def test_a_text_over_its_limit_is_given_to_no_scan(tmp_path, monkeypatch):
    seen: list[int] = []
    read = privacy.Anonymity.mentions
    monkeypatch.setattr(privacy, "secret_in", lambda text: seen.append(len(text)))
    monkeypatch.setattr(privacy.Anonymity, "mentions", lambda self, text: seen.append(len(text)) or read(self, text))
    root = tmp_path / "journal"
    write(root / "partners.yaml", PARTNERS)
    write(root / "sessions/2026-01-10-outline.yaml", RECORD + "notes: '" + "x" * (FIELD + 1) + "'\n")
    write(root / "sessions/2026-01-11-outline.yaml", RECORD + "lessons: ['" + "x" * (TEXT_MAX + 1) + "']\n")
    with pytest.raises(JournalError) as e:
        validate(load_journal(root))
    problems = [str(p) for p in e.value.errors]
    assert len(problems) == 2 and all("string should have at most" in p for p in problems), problems
    assert seen and max(seen) < TEXT_MAX, "texts of records within their limits are scanned; these two records are not"
