"""Read a journal folder: YAML files to plain data, and the positions of values for error messages.

YAML is composed (never constructed by PyYAML) so that no tag can build an object,
duplicate keys can be caught, and every value keeps its line and column. Values are
built from the nodes by `_Builder`, which refuses foreign tags, recursive aliases, alias
bombs (too many values, or too much text) and characters no page or feed can hold. Only
regular files are opened: a named pipe or a device among the records would never end.
"""

from __future__ import annotations

import functools
import os
import re
import stat as filemode
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Literal

import yaml

from .errors import LocatedError, format_loc

Kind = Literal["partners", "case-study", "session"]

#: Records are a few KB; anything this large is a mistake, refused before it is read.
MAX_FILE_BYTES = 1_000_000
#: Values one document may expand to, aliases included; a record has a few hundred.
MAX_VALUES = 100_000
#: Characters of text (keys and string values) one document may expand to, aliases included.
#: Without aliases a document holds no more text than its file has characters (YAML's escapes
#: and folding only shorten text), so no record of at most MAX_FILE_BYTES reaches this; aliases
#: may not make one hold more text than the largest record could hold written out. (A 26 KB
#: record repeating a 4.8 KB paragraph 5,000 times built a 72 MB site.)
MAX_TEXT = MAX_FILE_BYTES
#: Nesting a record can need is about five levels.
MAX_DEPTH = 64

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: PyYAML's implicit resolvers by a scalar's first character, those for any character (None) after each.
_ANY_FIRST = tuple(_BaseLoader.yaml_implicit_resolvers.get(None, ()))
_IMPLICIT = {first: (*found, *_ANY_FIRST) for first, found in _BaseLoader.yaml_implicit_resolvers.items() if first is not None}


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader, its tags resolved as PyYAML's resolver does, in fewer steps.

    The composer asks the resolver about every node: a record's few hundred calls are a
    tenth of its composing. Safe loading has no path resolvers, so entering and leaving a
    node needs no bookkeeping, and a scalar's tag depends only on its first character's
    patterns (PyYAML looks them up anew, and joins them to a list, on every call).
    """

    def resolve(self, kind: type[yaml.Node], value: str | None, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, pattern in _IMPLICIT.get(value[:1], _ANY_FIRST):  # type: ignore[index]
                    if pattern.match(value):
                        return tag
            return _STR_TAG
        return _SEQ_TAG if kind is yaml.SequenceNode else _MAP_TAG

    if not _BaseLoader.yaml_path_resolvers:

        def descend_resolver(self, current_node: Any, current_index: Any) -> None:
            pass

        def ascend_resolver(self) -> None:
            pass


_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_INT_TAG = "tag:yaml.org,2002:int"
_STR_TAG = "tag:yaml.org,2002:str"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
#: What YAML itself reads as a date (PyYAML's resolver): such a value that is no real date stays text.
_IMPLICIT_DATE = re.compile(
    r"^\d{4}-\d\d-\d\d$|^\d{4}-\d\d?-\d\d?(?:[Tt]|[ \t]+)\d\d?:\d\d:\d\d(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d\d?(?::\d\d)?))?$"
)
#: Longer integers cannot even be printed in an error message (Python's int/str limit).
MAX_DIGITS = 100
#: Characters XML 1.0 cannot hold (the feed and every page are XML or HTML): C0 controls but tab,
#: line feed and carriage return; DEL and the C1 controls; surrogates; the noncharacters.
#: YAML's reader refuses most of them written raw, but a double-quoted "\x01" or "\0" makes them.
_NOT_TEXT = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17))
    + "]"
)
#: The same characters but those beyond U+FFFF: a class of only these is ten times faster to search.
_NOT_TEXT_BMP = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")


def _may_hold_bad_characters(source: str) -> bool:
    """Whether a file's text could yield a character no text may hold: an escape, or one written as itself.

    Checked on text YAML's reader took, which refuses the C0 controls (but tab and line breaks) and DEL
    written as themselves: ASCII text (most records; `isascii` needs no look at it) can make one only by an escape.
    """
    if source.isascii():
        return "\\" in source
    return ("\\" in source or _NOT_TEXT_BMP.search(source) is not None
            or (source > "" and max(source) > "\uffff" and _NOT_TEXT.search(source) is not None))  # fmt: skip
_constructor = yaml.constructor.SafeConstructor()


@dataclass(frozen=True)
class Record:
    """One YAML file, read: its data, and its text to locate values in when something is wrong.

    The node tree is composed again only when a position is needed: keeping every record's
    tree would cost far more memory (and garbage-collector time) than the records themselves.
    """

    path: Path
    display: str
    kind: Kind
    data: Any = None
    text: str | None = None
    errors: tuple[LocatedError, ...] = ()

    @property
    def stem(self) -> str:
        return self.path.stem

    @functools.cached_property
    def _memo(self) -> dict[str, Any]:
        return {}

    def remember(self, key: str, make: Callable[[], Any]) -> Any:
        """A value derived from this record alone (its validated model, its warnings), made once
        and kept with the record, that is while the file is unchanged."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    @functools.cached_property
    def node(self) -> yaml.Node | None:
        return yaml.compose(self.text, Loader=_Loader) if self.text is not None else None


@dataclass
class RawJournal:
    """Every record of a journal folder, read but not yet validated."""

    root: Path
    partners: Record | None
    case_studies: list[Record] = field(default_factory=list)
    sessions: list[Record] = field(default_factory=list)
    errors: list[LocatedError] = field(default_factory=list)

    def records(self) -> list[Record]:
        head = [self.partners] if self.partners else []
        return [*head, *self.case_studies, *self.sessions]


#: Parsed records by path, reused while (mtime, size) are unchanged: `serve` re-reads only edits.
Cache = dict[Path, tuple[tuple[int, int], Record]]


class _YamlProblem(Exception):
    """A problem found while building values: at `node`, or at the `alias`-th alias of the text when not 0."""

    def __init__(self, message: str, node: yaml.Node | None = None, alias: int = 0):
        super().__init__(message)
        self.message = message
        self.node = node
        self.alias = alias


def display_path(path: Path, root: Path) -> str:
    """The path as a user should read it: relative to the working folder when inside it."""
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        try:
            return path.relative_to(root.parent).as_posix()
        except ValueError:
            return path.as_posix()


def load_journal(root: Path, cache: Cache | None = None) -> RawJournal:
    """Find and read every record under `root`; problems are collected, never raised."""
    root = root.absolute()
    journal = RawJournal(root=root, partners=None)
    if not root.is_dir():
        journal.errors.append(LocatedError(str(root), message="journal folder not found"))
        return journal
    partners_path = first_existing(root, "partners")
    if partners_path is None:
        journal.errors.append(
            LocatedError(display_path(root / "partners.yaml", root), message="missing: every journal needs a partners.yaml listing its partners")
        )
    elif not partners_path.is_symlink() or _check_link(partners_path, root.resolve(), root, journal.errors):
        journal.partners = _read(partners_path, root, "partners", cache)
    for path in _find_yaml(root / "case-studies", root, journal.errors):
        journal.case_studies.append(_read(path, root, "case-study", cache))
    journal.sessions = [_read(path, root, "session", cache) for path in _find_yaml(root / "sessions", root, journal.errors)]
    return journal


def first_existing(root: Path, stem: str) -> Path | None:
    """`stem`.yaml or .yml, whatever it is (a folder or a pipe of that name is refused by `_read`)."""
    for suffix in (".yaml", ".yml"):
        if (root / f"{stem}{suffix}").exists():
            return root / f"{stem}{suffix}"
    return None


def _find_yaml(folder: Path, root: Path, errors: list[LocatedError]) -> list[Path]:
    """Every .yaml/.yml file below `folder`, sorted; hidden names skipped, escaping links refused.

    Read with `os.scandir`, whose entries say what is a link or a folder without a call per file
    (`serve` looks again after every edit). A `folder` that is not one, or a folder that can't be
    read, is an error: its records would otherwise go unread without a word."""
    if not os.path.lexists(folder):
        return []
    if not folder.is_dir():
        problem = f"not a folder, so no record in it was read; make it a folder of records ({folder.name}/<id>.yaml)"
        errors.append(LocatedError(display_path(folder, root), message=problem))
        return []
    real_root = root.resolve()
    found: list[Path] = []
    folders = [folder]
    while folders:
        here = folders.pop()
        try:
            with os.scandir(here) as listing:
                entries = sorted((e for e in listing if not e.name.startswith(".")), key=lambda e: e.name)
        except OSError as e:
            errors.append(LocatedError(display_path(here, root), message=f"cannot read the folder: {e.strerror}"))
            continue
        below = []
        for entry in entries:
            path = here / entry.name
            if entry.is_symlink():
                if _is_folder(entry):
                    _check_link(path, real_root, root, errors)  # never followed: said so
                elif entry.name.endswith((".yaml", ".yml")) and _check_link(path, real_root, root, errors):
                    found.append(path)
            elif entry.is_dir():
                below.append(path)
            elif entry.name.endswith((".yaml", ".yml")):
                found.append(path)
        folders += reversed(below)  # the first folder is looked in next, as a walk from the top would
    return sorted(found)


def _is_folder(entry: os.DirEntry[str]) -> bool:
    """Whether a link leads to a folder (one that can't be followed, such as a loop, does not)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _check_link(path: Path, real_root: Path, root: Path, errors: list[LocatedError]) -> bool:
    """A symbolic link may point only inside the journal: a record must not read files elsewhere."""
    try:
        target = path.resolve(strict=False)
    except (RuntimeError, OSError):
        errors.append(LocatedError(display_path(path, root), message="symbolic link loop; not read"))
        return False
    if target.is_relative_to(real_root) and not path.is_dir():
        return True
    if not target.is_relative_to(real_root):
        errors.append(
            LocatedError(display_path(path, root), message="symbolic link points outside the journal folder; not read")
        )
    elif path.is_dir():
        errors.append(LocatedError(display_path(path, root), message="linked folders are not followed; not read"))
    return False


def _read(path: Path, root: Path, kind: Kind, cache: Cache | None) -> Record:
    try:
        stat = path.stat()
    except OSError as e:
        shown = display_path(path, root)
        return Record(path, shown, kind, errors=(LocatedError(shown, message=f"cannot read: {e.strerror}"),))
    if not filemode.S_ISREG(stat.st_mode):
        # Opening a named pipe waits for a writer, and a device never ends: never open one.
        shown = display_path(path, root)
        problem = LocatedError(shown, message=f"not a regular file ({_file_kind(stat.st_mode)}); not read")
        return Record(path, shown, kind, errors=(problem,))
    key = (stat.st_mtime_ns, stat.st_size)
    if cache is not None and path in cache and cache[path][0] == key:
        return cache[path][1]
    record = _parse(path, display_path(path, root), kind, stat.st_size)
    if cache is not None:
        cache[path] = (key, record)
    return record


def _file_kind(mode: int) -> str:
    if filemode.S_ISDIR(mode):
        return "a folder"
    if filemode.S_ISFIFO(mode):
        return "a named pipe"
    if filemode.S_ISSOCK(mode):
        return "a socket"
    if filemode.S_ISCHR(mode) or filemode.S_ISBLK(mode):
        return "a device"
    return "a special file"


def _read_regular(path: Path) -> bytes:
    """The bytes of a regular file; OSError for anything else, without blocking: the file may have
    been replaced by a pipe since it was looked at (O_NONBLOCK makes opening a pipe return at once)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as f:
        mode = os.fstat(fd).st_mode
        if not filemode.S_ISREG(mode):
            raise OSError(0, f"not a regular file ({_file_kind(mode)})")
        return f.read(MAX_FILE_BYTES + 1)


def _parse(path: Path, shown: str, kind: Kind, size: int) -> Record:
    def fail(message: str, line: int = 0, col: int = 0) -> Record:
        return Record(path, shown, kind, errors=(LocatedError(shown, line, col, message),))

    if size > MAX_FILE_BYTES:
        return fail(f"file is {size:,} bytes; a record may be at most {MAX_FILE_BYTES:,} bytes")
    try:
        raw = _read_regular(path)
    except OSError as e:
        return fail(f"cannot read: {e.strerror}")
    if len(raw) > MAX_FILE_BYTES:
        return fail(f"file is over {MAX_FILE_BYTES:,} bytes; a record may be at most {MAX_FILE_BYTES:,} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line, col = _position(raw, e.start)
        return fail(f"not valid UTF-8 (byte 0x{raw[e.start]:02x}); save the file as UTF-8", line, col)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as e:
        if (deep := _too_deep(text)) is not None:  # newer PyYAML refuses deep nesting itself, further in
            return fail(f"nested more than {MAX_DEPTH} levels deep", *deep)
        return fail(*_syntax_error(e, text))
    except yaml.reader.ReaderError as e:
        line, col = _position(text, e.position)
        code = e.character if isinstance(e.character, int) else ord(e.character)
        return fail(f"YAML syntax: control character U+{code:04X} is not allowed; remove it", line, col)
    except yaml.YAMLError as e:
        return fail(f"YAML syntax: {e}")
    except RecursionError:
        return fail(f"nested too deeply (records need at most {MAX_DEPTH} levels)")
    if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"):
        line, col = mark_of(node)
        wanted = "a list of partners" if kind == "partners" else "a mapping with at least the required fields"
        return fail(f"file is empty; expected {wanted}", line, col)
    try:
        data = build(node, text)
    except _YamlProblem as e:
        line, col = _alias_mark(text, e.alias) if e.alias else mark_of(e.node)
        return fail(e.message, line, col)
    return Record(path, shown, kind, data=data, text=text)


def _too_deep(text: str) -> tuple[int, int] | None:
    """Where the first list or mapping nested more than MAX_DEPTH levels opens, if one does before
    the parser gives up: the same place `_Builder` names when the file parses. (PyYAML's own
    parser, which reads as far as it must: libyaml scans a flow collection ahead to its end.)"""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                if depth > MAX_DEPTH:
                    return event.start_mark.line + 1, event.start_mark.column + 1
                depth += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return None
    return None


#: Constructs a character closes (', ", ], }): left open, the parser fails only at the end of the file.
_CLOSED_BY_A_CHARACTER = ("quoted scalar", "flow sequence", "flow mapping")


def _syntax_error(e: yaml.MarkedYAMLError, text: str) -> tuple[str, int, int]:
    """A YAML syntax error, its line and column: placed at the cause, naming the other place.

    PyYAML marks where the construct in question began (`context_mark`, "while scanning a
    quoted scalar") and where the parser gave up (`problem_mark`). A quote, `[` or `{` left
    open is given up on only at the end of the file, which says nothing of the cause: then
    the error is where the construct starts. Otherwise it is where the parser gave up.
    """
    start, stop = e.context_mark, e.problem_mark
    if (hint := _quote_hint(e, text)) is not None:
        return hint
    mark = stop or start
    here = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    named = re.fullmatch(r"while (?:scanning|parsing) an? (.+)", e.context or "")
    if start is None or stop is None or named is None or (start.line, start.column) == (stop.line, stop.column):
        return "YAML syntax: " + ", ".join(part for part in (e.context, e.problem) if part), *here
    construct, began = named.group(1), (start.line + 1, start.column + 1)
    if here >= _position(text, len(text)) and construct in _CLOSED_BY_A_CHARACTER:
        lines = text.split("\n")
        opener = lines[start.line][start.column : start.column + 1] if start.line < len(lines) else ""
        closer = {"'": "'", '"': '"', "[": "]", "{": "}"}.get(opener)
        missing = f"has no closing {closer}" if closer else "is not closed"
        ends = f"the file ends at line {here[0]}, column {here[1]}"
        return f"YAML syntax: the {construct} that starts here {missing} ({ends})", *began
    return f"YAML syntax: {e.problem} (in the {construct} that starts at line {began[0]}, column {began[1]})", *here


#: Characters that can't start a plain value (YAML reserves them), as people write them at the start of text.
_RESERVED_START = {"@": "'@'", "`": "a backtick", "*": "'*' (an alias)", "&": "'&' (an anchor)", "%": "'%'"}
def _value_after_key(before: str) -> int | None:
    """Where the value starts on a line that holds `key: value` (or `- key: value`) before the place the
    parser gave up; None when it holds no such pair (then the mistake is not an unquoted ': ')."""
    colon = before.find(": ")
    key, value = before[:colon].strip(" -\t"), before[colon + 2 :]
    if colon < 0 or not key or key[0] in "#'\"" or not value.strip():
        return None
    return colon + 2 + len(value) - len(value.lstrip())


def _quote_hint(e: yaml.MarkedYAMLError, text: str) -> tuple[str, int, int] | None:
    """The everyday mistakes YAML reports in its own terms, told as what to do: an unquoted ': ' inside
    a value ("mapping values are not allowed"), a value starting with '@', '`' or '*'. Placed at the
    value's first character; None for any other error."""
    lines = text.split("\n")
    stop = e.problem_mark
    if stop is not None and "mapping values are not allowed" in (e.problem or "") and stop.line < len(lines):
        start = _value_after_key(lines[stop.line][: stop.column])
        if start is not None:
            return ("YAML syntax: ': ' inside a value starts a mapping; put the value in quotes "
                    "(key: \"text: more text\")", stop.line + 1, start + 1)  # fmt: skip
    said = f"{e.context or ''} {e.problem or ''}"
    if not any(words in said for words in ("cannot start any token", "alias", "anchor")):
        return None
    for mark in (e.context_mark, stop):
        if mark is None or mark.line >= len(lines) or mark.column >= len(lines[mark.line]):
            continue
        before, first = lines[mark.line][: mark.column], lines[mark.line][mark.column]
        if first in _RESERVED_START and (not before.strip(" -\t") or before.rstrip().endswith(":")):
            return (f"YAML syntax: a value can't start with {_RESERVED_START[first]} unquoted; put the value in "
                    "quotes", mark.line + 1, mark.column + 1)  # fmt: skip
    return None


def _position(text: str | bytes, offset: int) -> tuple[int, int]:
    """1-based line and column of an offset."""
    newline = "\n" if isinstance(text, str) else b"\n"
    line = text.count(newline, 0, offset) + 1
    start = text.rfind(newline, 0, offset) + 1
    return line, offset - start + 1


def strings(value: Any, loc: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(path, text) of every string in a record's data, keys of mappings followed as path parts."""
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(item, (*loc, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from strings(item, (*loc, i))


#: Between the texts of `joined`: no pattern of ours matches across it (it is neither text nor space).
SEPARATOR = "\x00"


def joined(value: Any, skip: frozenset[str] = frozenset()) -> str:
    """Every string of a record's data in one text, for one search where most records hold no match;
    only a record that does is then searched text by text, for the places. The texts are those of
    `strings`, in its order, but those right under a key in `skip`: found without their paths."""
    return SEPARATOR.join(value if isinstance(value, str) else _texts(value, skip, []))


def _texts(value: Any, skip: frozenset[str], found: list[str]) -> list[str]:
    """The strings inside a list or mapping, appended to `found` (a walk without paths, for `joined`)."""
    for key, item in value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ():
        if isinstance(item, str):
            if key not in skip:
                found.append(item)
        elif isinstance(item, (dict, list)):
            _texts(item, skip, found)
    return found


def mark_of(node: yaml.Node | None) -> tuple[int, int]:
    """1-based line and column where a node starts (0, 0 when unknown)."""
    if node is None or node.start_mark is None:
        return 0, 0
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Builder:
    """Builds plain Python data from a composed node tree, safely.

    PyYAML's constructors keep the last of two equal keys and follow aliases without
    limit; here both are errors, as is any tag that is not plain data, and any character
    a page or the feed could not hold.

    A composed alias is the node it names, met again: the tree keeps no trace of where
    the `*name` was written. So the builder counts aliases in document order (the order of
    the text, which it walks in), and a problem an alias causes carries its number, for
    `_alias_mark` to find its place in the text.
    """

    def __init__(self, source: str = "\\") -> None:
        # A character no text may hold can come from the file itself or from an escape ("\x01"):
        # a file with neither (most of them) needs no look at each of its texts.
        self.screen = _may_hold_bad_characters(source)
        self.count = 0  # values built, aliases expanded
        self.text = 0  # characters of keys and strings built, aliases expanded
        self.open: set[int] = set()
        self.seen: set[int] = set()  # nodes built once: meeting one again is an alias
        self.aliases = 0  # aliases met so far in the document's text
        self.inside = 0  # the alias being expanded (its number), 0 in the document's own text
        self.alias_loc: tuple[str | int, ...] = ()  # the path of the last alias met

    def _enter(self, node: yaml.Node, loc: tuple[str | int, ...]) -> bool:
        """Note a node about to be built; True when it is an alias written in the text (then `_leave`)."""
        if id(node) not in self.seen:
            self.seen.add(id(node))
            return False
        if self.inside:
            return False  # an alias within an expansion was counted where its anchor's value was written
        self.aliases += 1
        self.inside, self.alias_loc = self.aliases, loc
        return True

    def _leave(self, started: bool) -> None:
        if started:
            self.inside = 0

    def _too_much(self, message: str, node: yaml.Node, loc: tuple[str | int, ...]) -> _YamlProblem:
        """A limit crossed: at the alias being expanded, or the last one before (only aliases cross a limit)."""
        where = format_loc(self.alias_loc if self.aliases else loc)
        return _YamlProblem(f"{where}: {message}" if where else message, node, self.inside or self.aliases)

    def build(self, node: yaml.Node, loc: tuple[str | int, ...] = (), depth: int = 0) -> Any:
        started = self._enter(node, loc)
        try:
            self.count += 1
            if self.count > MAX_VALUES:
                message = f"document expands to more than {MAX_VALUES:,} values; aliases (*name) repeated too often"
                raise self._too_much(message, node, loc)
            if depth > MAX_DEPTH:
                raise _YamlProblem(f"nested more than {MAX_DEPTH} levels deep", node)
            if isinstance(node, yaml.ScalarNode):
                return self._scalar(node, loc)
            if id(node) in self.open:
                raise _YamlProblem("an alias refers to a value that contains it (recursive alias)", node)
            self.open.add(id(node))
            try:
                if isinstance(node, yaml.SequenceNode):
                    self._expect_tag(node, _SEQ_TAG)
                    return [self.build(item, (*loc, i), depth + 1) for i, item in enumerate(node.value)]
                self._expect_tag(node, _MAP_TAG)
                return self._mapping(node, loc, depth)
            finally:
                self.open.discard(id(node))
        finally:
            self._leave(started)

    def _mapping(self, node: yaml.MappingNode, loc: tuple[str | int, ...], depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        merged: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merged.update(self._merge(value_node, loc, depth))
                continue
            key = self.key(key_node, loc)
            if key in result:
                line, _ = mark_of(_key_node(node, key))
                raise _YamlProblem(f"duplicate key '{key}' (first given on line {line})", key_node)
            result[key] = self.build(value_node, (*loc, key), depth + 1)
        return {**merged, **result}

    def _merge(self, node: yaml.Node, loc: tuple[str | int, ...], depth: int) -> dict[str, Any]:
        """The mappings a merge key (<<) names, built in the order written; the first wins."""
        if isinstance(node, yaml.SequenceNode):
            started = self._enter(node, loc)
            try:
                values = [(source, self.build(source, loc, depth + 1)) for source in node.value]
            finally:
                self._leave(started)
        else:
            values = [(node, self.build(node, loc, depth + 1))]
        merged: dict[str, Any] = {}
        for source, value in reversed(values):
            if not isinstance(value, dict):
                raise _YamlProblem("a merge key (<<) takes a mapping or a list of mappings", source)
            merged.update(value)
        return merged

    def key(self, node: yaml.Node, loc: tuple[str | int, ...] = ()) -> str:
        if not isinstance(node, yaml.ScalarNode):
            raise _YamlProblem("a key must be plain text, not a list or mapping", node)
        started = self._enter(node, loc)
        try:
            self._expect_tag(node, *_SCALAR_TAGS)
            key = str(node.value)
            self._check_text(key, node, loc, f"field name {key!r}")
            return key
        finally:
            self._leave(started)

    def _scalar(self, node: yaml.ScalarNode, loc: tuple[str | int, ...]) -> Any:
        self._expect_tag(node, *_SCALAR_TAGS)
        if node.tag == _STR_TAG:
            self._check_text(node.value, node, loc)
            return node.value
        return _typed_scalar(node)

    def _check_text(self, text: str, node: yaml.Node, loc: tuple[str | int, ...], what: str = "") -> None:
        """Count a text against MAX_TEXT; refuse a character no page or feed can hold."""
        self.text += len(text)
        if self.text > MAX_TEXT:
            message = (f"document expands to more than {MAX_TEXT:,} characters of text, the most a record may hold; "
                       "aliases (*name) repeated too often")  # fmt: skip
            raise self._too_much(message, node, loc)
        bad = _NOT_TEXT.search(text) if self.screen else None
        if bad is None:
            return
        code = ord(bad.group())
        kind = "surrogate" if 0xD800 <= code <= 0xDFFF else "noncharacter" if code >= 0xFDD0 else "control character"
        where = ": ".join(part for part in (format_loc(loc), what) if part)
        message = f"{kind} U+{code:04X} is not allowed in text; remove it"
        raise _YamlProblem(f"{where}: {message}" if where else message, node)

    @staticmethod
    def _expect_tag(node: yaml.Node, *allowed: str) -> None:
        if node.tag not in allowed:
            raise _YamlProblem(f"tag '{node.tag}' is not allowed: records hold plain text, numbers, dates, lists and mappings", node)


#: YAML 1.1's booleans that YAML 1.2 (editors, the JSON Schema) reads as text: kept as the text written,
#: so that `held_up: yes` is refused by `check` as by an editor, with a message saying to write true.
_TEXT_IN_YAML_1_2 = frozenset(("yes", "no", "on", "off"))
_BOOL_TAG = "tag:yaml.org,2002:bool"


def _typed_scalar(node: yaml.ScalarNode) -> Any:
    """The value of a scalar of an allowed tag but text: a number, a date, true, null."""
    if node.tag == _BOOL_TAG and node.value.lower() in _TEXT_IN_YAML_1_2:
        return node.value
    if node.tag == _INT_TAG and len(node.value) > MAX_DIGITS:
        raise _YamlProblem(f"a number of {len(node.value):,} characters is too long", node)
    try:
        return _constructor.yaml_constructors[node.tag](_constructor, node)
    except Exception:  # noqa: BLE001 - PyYAML raises KeyError, IndexError, ... on values that misfit a tag
        if node.tag == _TIMESTAMP_TAG and _IMPLICIT_DATE.match(node.value):
            return node.value  # e.g. 2026-13-45: validation reports it as a bad date, located
        raise _YamlProblem(f"{node.value!r} is not a valid {node.tag.rsplit(':', 1)[-1]}", node) from None


class _Unusual(Exception):
    """Met by `_plain`: something only `_Builder` may judge (and name, at its place)."""


_ScalarNode, _MappingNode, _SequenceNode = yaml.ScalarNode, yaml.MappingNode, yaml.SequenceNode
_KEY_TAGS = frozenset(_SCALAR_TAGS)


def build(node: yaml.Node, source: str) -> Any:
    """Plain data from a composed record, with every check of `_Builder` and its messages.

    A document without anchors (most records: their text has no `&`) has no aliases, so no
    value is met twice and no limit on expansion can be crossed: `_plain` builds it in one
    tight walk, and hands anything unusual (a duplicate key, a merge key, a foreign tag, a
    character no text may hold, deep nesting, too many values) to `_Builder`, which finds
    and locates the problem as it always has.
    """
    if "&" not in source:
        screen = _may_hold_bad_characters(source)
        try:
            values = [0]
            data = _plain(node, 0, screen, values)
            if values[0] < MAX_VALUES:
                return data
        except (_Unusual, _YamlProblem):
            pass
    return _Builder(source).build(node)


def _plain(node: yaml.Node, depth: int, screen: bool, values: list[int]) -> Any:
    """`_Builder.build` for a tree without aliases; raises _Unusual on anything it does not take.
    `values` counts the values built, as `_Builder.count` does (a key is not a value)."""
    kind = node.__class__
    if kind is _ScalarNode:
        if node.tag == _STR_TAG:
            if screen and _NOT_TEXT.search(node.value):
                raise _Unusual
            return node.value
        if node.tag not in _KEY_TAGS:
            raise _Unusual
        return _typed_scalar(node)
    if depth >= MAX_DEPTH:
        raise _Unusual
    depth += 1
    values[0] += len(node.value)
    if kind is _SequenceNode and node.tag == _SEQ_TAG:
        return [item.value if item.__class__ is _ScalarNode and item.tag == _STR_TAG and not screen
                else _plain(item, depth, screen, values) for item in node.value]  # fmt: skip
    if kind is not _MappingNode or node.tag != _MAP_TAG:
        raise _Unusual
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if key_node.__class__ is not _ScalarNode or key_node.tag not in _KEY_TAGS:  # a merge key (<<) is not in it
            raise _Unusual
        key = key_node.value
        if key in result or (screen and _NOT_TEXT.search(key)):
            raise _Unusual
        if value_node.__class__ is _ScalarNode and value_node.tag == _STR_TAG and not screen:
            result[key] = value_node.value
        else:
            result[key] = _plain(value_node, depth, screen, values)
    return result


def _alias_mark(text: str, number: int) -> tuple[int, int]:
    """1-based line and column of the document's `number`-th alias (*name), counted from 1."""
    seen = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            seen += 1
            if seen == number:
                return event.start_mark.line + 1, event.start_mark.column + 1
    return 0, 0


def _key_node(mapping: yaml.MappingNode, key: str) -> yaml.Node | None:
    for key_node, _ in mapping.value:
        if isinstance(key_node, yaml.ScalarNode) and str(key_node.value) == key:
            return key_node
    return None


def locate(root: yaml.Node | None, loc: tuple[str | int, ...], *, at_key: bool = False) -> tuple[int, int]:
    """Line and column of the value at a path such as ("contributions", 0, "by").

    Walks as far as the path exists, so a missing field points at the mapping that lacks
    it; `at_key` points at the key itself (for an unknown field) rather than its value.
    """
    node = root
    key_node: yaml.Node | None = None
    for part in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            hit = next(
                ((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and str(k.value) == part), None
            )
            if hit is None:
                continue  # a union's branch name, or a field that is missing
            key_node, node = hit
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            key_node, node = None, node.value[part]
        else:
            continue
    return mark_of(key_node if at_key and key_node is not None else node)
