"""Reading YAML safely, with every problem located: load.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from generator import load
from generator.load import load_journal, locate
from helpers import edit, problems, write

SESSION = "sessions/2026-01-10-outline.yaml"


def first_line(root: Path) -> str:
    found = problems(root)
    assert found, "expected a problem"
    return found[0]


def test_positions_are_kept_for_every_value(journal_copy):
    root = journal_copy("minimal")
    record = load_journal(root).sessions[0]
    assert record.data["contributions"][0]["by"] == "assistant"
    assert locate(record.node, ("contributions", 0, "by")) == (8, 9)
    assert locate(record.node, ("contributions", 0, "missing")) == (8, 5)  # points at the mapping
    assert locate(record.node, ("goal",), at_key=True) == (6, 1)


def test_sessions_are_found_at_any_depth_and_sorted(journal_copy):
    root = journal_copy("minimal")
    text = (root / SESSION).read_text()
    write(root / "sessions/2025/q4/deep.yaml", text)
    write(root / "sessions/.hidden.yaml", "not: read")
    write(root / "sessions/notes.txt", "not a record")
    found = [r.display for r in load_journal(root).sessions]
    assert found == ["journal/sessions/2025/q4/deep.yaml", "journal/" + SESSION]


def test_syntax_error_has_line_and_column(journal_copy):
    """A `[` the file never closes is reported where it opens, not at the end of the file."""
    root = journal_copy("minimal")
    write(root / SESSION, "title: x\ndate: 2026-01-10\ngoal: [unclosed\n")
    assert first_line(root) == (
        "journal/sessions/2026-01-10-outline.yaml:3:7: YAML syntax: the flow sequence that starts here "
        "has no closing ] (the file ends at line 4, column 1)"
    )


def test_duplicate_keys_are_errors(journal_copy):
    root = journal_copy("minimal")
    text = (root / SESSION).read_text() + "title: Again\n"
    write(root / SESSION, text)
    assert first_line(root) == (
        "journal/sessions/2026-01-10-outline.yaml:11:1: duplicate key 'title' (first given on line 1)"
    )


@pytest.mark.parametrize(
    "payload",
    [
        "!!python/object/apply:os.system ['touch pwned']",
        "!!python/object/new:os.system ['touch pwned']",
        "!!python/name:os.system",
        "!custom value",
        "!!binary aGVsbG8=",
        "!!set {a, b}",
    ],
)
def test_tags_that_build_objects_are_refused_and_nothing_runs(journal_copy, payload):
    root = journal_copy("minimal")
    write(root / SESSION, f"title: x\ngoal: {payload}\n")
    line = first_line(root)
    assert line.startswith("journal/sessions/2026-01-10-outline.yaml:2:7: tag ")
    assert "is not allowed" in line
    assert not Path("pwned").exists()


def test_alias_bomb_is_refused(journal_copy):
    root = journal_copy("minimal")
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        prev, name = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    write(root / SESSION, "\n".join(lines) + "\n")
    assert "aliases (*name) repeated too often" in first_line(root)


def test_recursive_alias_is_refused(journal_copy):
    root = journal_copy("minimal")
    write(root / SESSION, "title: &t\n  - *t\n")
    assert "recursive alias" in first_line(root)


@pytest.mark.parametrize("levels", [load.MAX_DEPTH + 1, 5000])
def test_deep_nesting_is_refused_at_the_first_list_too_deep(journal_copy, levels):
    """The record is level 0 and `notes` level 1: the list opened at column 8 + MAX_DEPTH is one too many."""
    root = journal_copy("minimal")
    write(root / SESSION, "notes: " + "[" * levels + "]" * levels + "\n")
    assert problems(root) == ["journal/sessions/2026-01-10-outline.yaml:1:72: nested more than 64 levels deep"]


def test_nesting_as_deep_as_allowed_is_read(journal_copy):
    root = journal_copy("minimal")
    write(root / SESSION, "notes: " + "[" * load.MAX_DEPTH + "]" * load.MAX_DEPTH + "\n")
    [record] = load_journal(root).sessions
    innermost: list = []
    for _ in range(load.MAX_DEPTH - 1):
        innermost = [innermost]
    assert (record.errors, record.data) == ((), {"notes": innermost})


def test_aliases_and_merge_keys_are_plain_data(journal_copy):
    root = journal_copy("minimal")
    edit(root / SESSION, "goal: Agree on an outline", "goal: &g Agree on an outline\noutcome: *g")
    data = load_journal(root).sessions[0].data
    assert data["outcome"] == data["goal"] == "Agree on an outline"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "journal/sessions/2026-01-10-outline.yaml: file is empty; expected a mapping"),
        (b"# only a comment\n", "journal/sessions/2026-01-10-outline.yaml: file is empty; expected a mapping"),
        (b"title: caf\xe9\n", "journal/sessions/2026-01-10-outline.yaml:1:11: not valid UTF-8 (byte 0xe9)"),
        (b"- a\n- b\n", "journal/sessions/2026-01-10-outline.yaml:1:1: expected a mapping of fields, found a list"),
        (b"just text\n", "journal/sessions/2026-01-10-outline.yaml:1:1: expected a mapping of fields, found 'just text'"),
        (b"a: 1\n---\nb: 2\n", "journal/sessions/2026-01-10-outline.yaml:2:1: YAML syntax: expected a single document in the stream, but found another document"),
        (b"title: \x07bell\n", "journal/sessions/2026-01-10-outline.yaml:1:8: YAML syntax: control character U+0007 is not allowed"),
    ],
)
def test_unreadable_files_get_a_located_message(journal_copy, content, expected):
    root = journal_copy("minimal")
    (root / SESSION).write_bytes(content)
    assert first_line(root).startswith(expected)


def test_utf8_bom_is_accepted(journal_copy):
    root = journal_copy("minimal")
    (root / SESSION).write_bytes(b"\xef\xbb\xbf" + (root / SESSION).read_bytes())
    assert problems(root) == []


def test_oversized_file_is_refused_before_reading(journal_copy, monkeypatch):
    root = journal_copy("minimal")
    monkeypatch.setattr(load, "MAX_FILE_BYTES", 100)
    assert first_line(root) == (
        "journal/sessions/2026-01-10-outline.yaml: file is 216 bytes; a record may be at most 100 bytes"
    )


def test_symlink_out_of_the_journal_is_not_read(journal_copy, tmp_path):
    root = journal_copy("minimal")
    secret = write(tmp_path / "secret.yaml", "title: secret\n")
    os.symlink(secret, root / "sessions/leak.yaml")
    os.symlink(tmp_path, root / "sessions/outside")
    assert problems(root) == [
        "journal/sessions/leak.yaml: symbolic link points outside the journal folder; not read",
        "journal/sessions/outside: symbolic link points outside the journal folder; not read",
    ]


def test_missing_partners_file(journal_copy):
    root = journal_copy("minimal")
    (root / "partners.yaml").unlink()
    assert "journal/partners.yaml: missing: every journal needs a partners.yaml" in first_line(root)


def test_unchanged_files_are_not_parsed_again(journal_copy):
    root = journal_copy("minimal")
    cache: load.Cache = {}
    first = load_journal(root, cache).sessions[0]
    assert load_journal(root, cache).sessions[0] is first
    path = root / SESSION
    edit(path, "Agree on", "Settle")
    os.utime(path, ns=(1, 1))
    assert load_journal(root, cache).sessions[0].data["goal"] == "Settle an outline"


CORPUS = Path(__file__).parent / "corpora" / "yaml-test-suite"

#: Texts that each take one turn the quick builder hands to the full one: a duplicate key, a merge key,
#: foreign tags, characters no text may hold (as a value and as a key), a bad date, a long number,
#: nesting at the limit and past it, non-text keys, too many values, and an anchor.
UNUSUAL = [
    "a: 1\na: 2\n", "1: a\n'1': b\n", "<<: {a: 1}\nb: 2\n", "a: !foo x\n", "a: !!binary aGk=\n", "!!set {b}\n",
    'a: "\\x01"\n', '"\\x01": b\n', 'a: "\\ud800"\n', 'a: "\\U0001FFFE"\n', "a: \ufffe\n", 'a: "\\U0001F600"\n',
    "a: 2026-13-45\n", "a: 2026-02-30 10:00:00\n", "a: " + "1" * 101 + "\n", "a: " + "1" * 100 + "\n",
    *("[" * n + "]" * n for n in (63, 64, 65)), *("[" * n + "x" + "]" * n for n in (63, 64, 65)),
    "? [a]\n: b\n", "? {a: 1}\n: b\n", "null: x\n~: y\n", "? \n: x\n", "true: 1\nTrue: 2\n",
    "[" + ",".join(["1"] * (load.MAX_VALUES - 1)) + "]", "[" + ",".join(["1"] * load.MAX_VALUES) + "]",
    "a: &x [1]\nb: *x\n", "x: .nan\ny: -.inf\nz: 0x1f\nw: 0o17\nv: 1_000\nu: 1:20\n",
]


def _outcome(make):
    try:
        return "data", make()
    except load._YamlProblem as e:
        return "problem", e.message, e.alias, load.mark_of(e.node)


@pytest.mark.corpus
def test_the_quick_builder_gives_the_full_builders_data_and_problems():
    """`build` takes most records in one tight walk: whatever it meets, what it gives (the data, or the
    problem with its place) is what `_Builder` gives, for the YAML test suite, every fixture and each
    unusual case."""
    texts = [p.read_text(encoding="utf-8-sig") for folder in (CORPUS, Path(__file__).parent / "fixtures")
             for p in sorted(folder.rglob("*.y*ml"))] + UNUSUAL  # fmt: skip
    compared = 0
    for text in texts:
        try:
            node = yaml.compose(text, Loader=load._Loader)
        except yaml.YAMLError:
            continue
        if node is None:
            continue
        full = _outcome(lambda: load._Builder(text).build(node))
        quick = _outcome(lambda: load.build(node, text))
        assert repr(quick) == repr(full), text  # repr: a NaN is not equal to itself, and True == 1
        compared += 1
    assert compared > 300


@pytest.mark.corpus
def test_tags_are_resolved_as_pyyaml_resolves_them():
    def tags(node, found):
        found.append((type(node).__name__, node.tag))
        for child in node.value if isinstance(node, yaml.SequenceNode) else ():
            tags(child, found)
        for key, value in node.value if isinstance(node, yaml.MappingNode) else ():
            tags(key, found), tags(value, found)
        return found

    scalars = ["", "~", "null", "NULL", "true", "yes", "No", "on", "y", "0", "-1", "+1", "0x1F", "0o7", "0b101", "1_0",
               "1.5", "1.", ".5", "-.inf", ".NaN", "1e3", "1:20", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "<<", "=",
               "'1'", '"true"', "! 1", "!!str 1", "x"]  # fmt: skip
    texts = [p.read_text(encoding="utf-8-sig") for p in sorted((CORPUS / "valid").glob("*.yaml"))]
    for text in texts + [f"{v}: [{v}, {{{v}: {v}}}]\n" for v in scalars] + [f"[{v}]" for v in scalars]:
        try:
            expected = tags(yaml.compose(text, Loader=yaml.CSafeLoader), [])
        except (yaml.YAMLError, AttributeError):
            continue
        assert tags(yaml.compose(text, Loader=load._Loader), []) == expected, text
