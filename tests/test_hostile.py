"""Broken and hostile input: the YAML test suite, fuzzed records and named traps through `pjournal`.

Whatever a record holds, `pjournal check` and `pjournal build` answer with exit code 0 or 1,
never a traceback, and list every problem on a line of its own that names the file (with
line and column when there is one), then the summary.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from generator.cli import cli
from helpers import edit, get, places, problems, put, valid, write

from conftest import FIXTURES

SUITE = Path(__file__).parent / "corpora/yaml-test-suite"  # vendored: see corpora/README.md
SUMMARY = re.compile(r"(\d+) errors?, (\d+) warnings? in (\d+) records?")
BUILD_HEAD = re.compile(r"The journal has (\d+) errors?:$")
SESSION = "sessions/2026-01-10-outline.yaml"  # of the minimal fixture
DESIGN_SESSION = "sessions/2026-02-03-follow-up-post.yaml"


def invoke(runner: CliRunner, *args: str, color: bool = False) -> Result:
    """Run pjournal and check what holds for any input: exit 0 or 1, no traceback, no stray exception.

    `color=True` is a terminal: click then keeps escape sequences it would strip from a pipe.
    """
    result = runner.invoke(cli, list(args), color=color)
    assert result.exit_code in (0, 1), f"exit code {result.exit_code}\n{result.output}"
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result


def located(shown: str) -> re.Pattern[str]:
    """A problem line about the file `shown`: `shown:LINE:COL: ` or, for a whole-file problem, `shown: `."""
    return re.compile(re.escape(shown) + r"(:\d+:\d+)?: ")


def check_listing(result: Result, shown: str, records: int) -> list[str]:
    """The error lines of a failed `pjournal check`, after checking each is one located line about `shown`."""
    assert result.exit_code == 1
    *lines, summary = result.stderr.splitlines()
    counts = SUMMARY.fullmatch(summary)
    assert counts, f"the summary is not the last line: {summary!r}"
    errors, warnings, seen = map(int, counts.groups())
    assert errors >= 1 and seen == records
    assert len(lines) == errors + warnings, "one line per problem"
    for line in lines:
        assert located(shown).match(line), line
        if "YAML syntax" in line:
            assert re.match(re.escape(shown) + r":\d+:\d+: YAML syntax", line), line
    return lines[:errors]


def build_listing(result: Result) -> list[str]:
    """The error lines a failed `pjournal build` prints under "The journal has N errors:"."""
    lines = result.stderr.splitlines()
    head = next((i for i, line in enumerate(lines) if BUILD_HEAD.search(line)), None)
    assert head is not None, result.stderr
    count = int(BUILD_HEAD.search(lines[head]).group(1))
    return lines[head + 1 : head + 1 + count]


# 1. The YAML test suite (https://github.com/yaml/yaml-test-suite, MIT): every document as a session.

def suite_present() -> bool:
    return (SUITE / "valid").is_dir() and (SUITE / "invalid").is_dir()


def require_suite() -> None:
    """The corpus is part of the repository: missing, it is a failure (a clone without it is broken)."""
    if suite_present():
        return
    pytest.fail(f"YAML test suite not found at {SUITE}: tests/corpora is part of the repository")


#: Every document goes through check; one in this many through a build too (a build costs ten checks).
BUILD_EVERY = 20


def suite_cases() -> list[Any]:
    """Each document of the suite, and whether it is one of the sample that is also built."""
    if not suite_present():
        return [pytest.param(None, False, id="yaml-test-suite-missing")]
    paths = [(kind, path) for kind in ("valid", "invalid") for path in sorted((SUITE / kind).glob("*.yaml"))]
    return [pytest.param(path, i % BUILD_EVERY == 0, id=f"{kind}/{path.name}") for i, (kind, path) in enumerate(paths)]


@pytest.mark.corpus
def test_yaml_test_suite_is_all_there():
    require_suite()
    assert len(list((SUITE / "valid").glob("*.yaml"))) == 308
    assert len(list((SUITE / "invalid").glob("*.yaml"))) == 94


@pytest.mark.corpus
@pytest.mark.parametrize(("document", "built"), suite_cases())
def test_yaml_test_suite_document_as_a_session(document: Path | None, built: bool, journal_copy, runner):
    """Well-formed or not, a suite document gets located errors from check (and, for a sample, from
    a build: the same errors), never a crash.

    No suite document is a complete session (title, date, partners, goal, contributions), so
    exit 0 would mean the file was ignored: every case must exit 1, invalid ones above all.
    """
    require_suite()
    assert document is not None
    root = journal_copy("minimal")
    target = root / "sessions" / f"suite-{document.stem.lower()}.yaml"
    target.write_bytes(document.read_bytes())
    shown = f"journal/sessions/{target.name}"

    check = invoke(runner, "check")
    assert check.exit_code == 1, check.output
    errors = check_listing(check, shown, records=3)
    if not built:
        return
    site = root.parent / "site"
    build = invoke(runner, "build", "-q", "-d", str(site))
    assert build.exit_code == 1, build.output
    assert build_listing(build) == errors
    assert not site.exists()
    assert not list(root.parent.glob(".site-*")), "the staging folder is removed"


# 2. Fuzzing: the design example's session, mutated, through `pjournal check`.

BASE: dict[str, Any] = yaml.safe_load((FIXTURES / "design" / DESIGN_SESSION).read_text(encoding="utf-8"))
REQUIRED = ["title", "date", "partners", "goal", "contributions"]
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)  # lone surrogates can't be UTF-8
ODD_TEXT = st.sampled_from([
    "", " ", "\t", "\x00", "nul\x00byte", "\x1b[2J\x1b[31mred", "\u202egnp.exe", "\U0001f600" * 3, "\u2028", "\x85",
    "\ufeff", "a\nb", "'", '"', "&anchor", "*alias", "!!python/object/apply:os.system", "{{ config }}", "{% raw %}",
    "<script>alert(1)</script>", "[x](javascript:alert(1))", "---", "...", "#", "null", "~", "yes", "0x10",
    "1:00", "2026-02-30", "../../etc/passwd", "index", "-", "\u0301", "\U000e0001",
])  # fmt: skip
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), TEXT, ODD_TEXT, st.dates(), st.datetimes()
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=12,
)
HUGE = st.sampled_from(["x", "é", "\U0001f600", "a\n", "<b>", " "]).map(lambda c: c * 100_000)


def near_misses(name: str) -> st.SearchStrategy[str]:
    at = st.integers(0, max(len(name) - 1, 0))
    return st.one_of(
        at.map(lambda i: name[:i] + name[i + 1 :]),  # a letter left out
        at.map(lambda i: name[:i] + name[i : i + 1] * 2 + name[i + 1 :]),  # a letter doubled
        at.map(lambda i: name[:i] + name[i + 1 : i + 2] + name[i : i + 1] + name[i + 2 :]),  # two swapped
        st.sampled_from([name.upper(), name.title(), name.replace("_", "-"), name.replace("_", ""), name + "s",
                         f" {name}", f"{name}:", f"{name}\u200b", name.replace("o", "0")]),
    )  # fmt: skip


def deep(levels: int, mapping: bool) -> Any:
    value: Any = "bottom"
    for _ in range(levels):
        value = {"k": value} if mapping else [value]
    return value


def mutate(data: st.DataObject, record: Any) -> Any:
    """One mutation of `record` at a place drawn from it; returns the new record."""
    op = data.draw(
        st.sampled_from(["drop", "drop-required", "rename", "retype", "wrap", "huge", "empty", "text", "deep"]),
        label="mutation",
    )
    every = places(record)
    inner = [p for p in every if p]  # the record itself can't be dropped or renamed
    if op == "drop-required" and isinstance(record, dict):
        record.pop(data.draw(st.sampled_from(REQUIRED), label="field"), None)
    elif op == "drop" and inner:
        path = data.draw(st.sampled_from(inner), label="at")
        parent = get(record, path[:-1])
        del parent[path[-1]]
    elif op == "rename":
        keys = [p for p in inner if isinstance(get(record, p[:-1]), dict)]
        if keys:
            path = data.draw(st.sampled_from(keys), label="at")
            new = data.draw(near_misses(str(path[-1])), label="renamed to")
            parent = get(record, path[:-1])
            record = put(record, path[:-1], {(new if k == path[-1] else k): v for k, v in parent.items()})
    elif op == "retype":
        path = data.draw(st.sampled_from(every), label="at")
        value = data.draw(VALUES, label="value")
        record = put(record, path, value)
    elif op == "wrap":
        path = data.draw(st.sampled_from(every), label="at")
        value = get(record, path)
        record = put(record, path, {"items": value} if isinstance(value, list) else [value])
    elif op in ("huge", "empty", "text") and inner:
        path = data.draw(st.sampled_from(inner), label="at")
        strategy = {"huge": HUGE, "empty": st.sampled_from(["", " ", "\n"]), "text": st.one_of(TEXT, ODD_TEXT)}[op]
        record = put(record, path, data.draw(strategy, label="text"))
    elif op == "deep":
        path = data.draw(st.sampled_from(every), label="at")
        levels = data.draw(st.integers(50, 200), label="levels")
        record = put(record, path, deep(levels, data.draw(st.booleans(), label="mapping")))
    return record


def assert_check_answers(result: Result, shown: str, records: int) -> None:
    """Exit 0 with the summary on stdout, or exit 1 with located problems and the summary last on stderr.

    Every line is one problem, and starts with its location.
    """
    lines = result.stderr.splitlines()
    where = located(shown)
    if result.exit_code == 0:
        counts = SUMMARY.fullmatch(result.stdout.rstrip("\n"))
        assert counts and counts.group(1) == "0", result.stdout
    else:
        assert lines, "exit 1 without a message"
        counts = SUMMARY.fullmatch(lines[-1])
        assert counts, f"the summary is not the last line: {lines[-1]!r}"
        assert int(counts.group(1)) >= 1
        lines = lines[:-1]
    errors, warnings, seen = map(int, counts.groups())
    event(f"exit {result.exit_code}, errors: {errors if errors < 4 else 'many'}")
    assert seen == records
    assert sum(1 for line in lines if where.match(line)) == errors + warnings, result.stderr
    assert not lines or where.match(lines[0]), lines[0]


def design_once(journal_copy, tmp_path: Path) -> Path:
    """The design journal, copied once per test: every example rewrites only the session file."""
    root = tmp_path / "journal"
    return root if root.is_dir() else journal_copy("design")


@pytest.mark.corpus
@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzzed_session_records_get_located_errors_never_a_crash(data, journal_copy, runner, tmp_path):
    root = design_once(journal_copy, tmp_path)
    record: Any = copy.deepcopy(BASE)
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        record = mutate(data, record)
    text = yaml.dump(record, Dumper=_Dumper, allow_unicode=True, sort_keys=False)
    (root / DESIGN_SESSION).write_text(text, encoding="utf-8")
    note(f"{len(text):,} characters of YAML")
    result = invoke(runner, "check")
    assert_check_answers(result, f"journal/{DESIGN_SESSION}", records=3)
    if result.exit_code == 0:
        assert len(valid(Path("journal")).sessions) == 1, "a record that passes check is read, not skipped"


TOKENS = st.sampled_from([
    "!!bool ", "!!timestamp ", "!!int ", "!!float ",
    ":", ": ", "- ", "? ", "&a ", "*a", "*b", "!", "!!str ", "!x ", "!!python/name:os.system ", "{", "}", "[", "]",
    ",", "\t", "\n", "  ", "'", '"', "|", ">", "|-", "#", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "---\n", "...\n",
    "<<: ", "\\", "\ufeff", "\x00", "\x1b", "\x7f", "\r", "\u2028", "@", "`", "%",
])  # fmt: skip


@pytest.mark.corpus
@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzzed_session_text_gets_located_errors_never_a_crash(data, journal_copy, runner, tmp_path):
    """Edits to the YAML text itself: syntax errors are located by line and column."""
    root = design_once(journal_copy, tmp_path)
    path = root / DESIGN_SESSION
    text = (FIXTURES / "design" / DESIGN_SESSION).read_text(encoding="utf-8")
    for _ in range(data.draw(st.integers(1, 4), label="edits")):
        at = data.draw(st.integers(0, len(text)), label="at")
        how = data.draw(st.sampled_from(["insert", "delete", "duplicate line"]), label="edit")
        if how == "insert":
            text = text[:at] + data.draw(st.one_of(TOKENS, TEXT), label="inserted") + text[at:]
        elif how == "delete":
            text = text[:at] + text[at + data.draw(st.integers(1, 20), label="length") :]
        else:
            start = text.rfind("\n", 0, at) + 1
            end = text.find("\n", at) + 1 or len(text)
            text = text[:end] + text[start:end] + text[end:]
    path.write_bytes(text.encode("utf-8"))
    result = invoke(runner, "check")
    assert_check_answers(result, f"journal/{DESIGN_SESSION}", records=3)


# 3. Named traps.


def test_a_title_of_100k_characters_is_refused_with_a_located_message(journal_copy, runner):
    root = journal_copy("minimal")
    path = root / SESSION
    edit(path, "title: Outlining the post", "title: " + "x" * 100_000)
    check = invoke(runner, "check")
    [line] = check_listing(check, f"journal/{SESSION}", records=2)
    assert line.startswith(f"journal/{SESSION}:1:8: title: string should have at most 5000 characters, found 'xxx")
    assert len(line) < 200, "the value is shortened in the message"
    build = invoke(runner, "build", "-q")
    assert build.exit_code == 1
    assert build_listing(build) == [line]


@pytest.mark.build
def test_notes_of_100k_characters_are_published(journal_copy, runner):
    root = journal_copy("minimal")
    path = root / SESSION
    write(path, path.read_text() + "notes: |\n" + "  A line of notes.\n" * 6_000)
    result = invoke(runner, "build", "-q")
    assert result.exit_code == 0, result.output
    page = Path("site/sessions/2026-01-10-outline/index.html").read_text(encoding="utf-8")
    assert page.count("A line of notes.") == 6_000


@pytest.mark.parametrize(
    "content", ["null\n", "~\n", "---\n", "--- null\n...\n"], ids=["null", "tilde", "empty-document", "explicit-null"]
)
@pytest.mark.parametrize("kind", [SESSION, "case-studies/empty.yaml"])
def test_a_record_that_is_null_is_an_error(journal_copy, runner, kind, content):
    root = journal_copy("minimal")
    write(root / kind, content)
    result = invoke(runner, "check")
    assert result.exit_code == 1, "a null record must not be skipped silently"
    assert result.stderr.startswith(f"journal/{kind}")


def test_a_unicode_file_name_without_an_id_is_a_located_error(journal_copy, runner):
    root = journal_copy("minimal")
    (root / SESSION).rename(root / "sessions/café ☕ 日本.yaml")
    result = invoke(runner, "check")
    assert check_listing(result, "journal/sessions/café ☕ 日本.yaml", records=2) == [
        "journal/sessions/café ☕ 日本.yaml:1:1: file name 'café ☕ 日本' is not a valid id "
        "(lowercase letters, digits and '-'); rename the file or add an id field"
    ]


@pytest.mark.build
def test_a_unicode_file_name_with_an_id_is_published_under_the_id(journal_copy, runner):
    root = journal_copy("minimal")
    path = root / SESSION
    write(root / "sessions/café ☕ 日本.yaml", "id: cafe\n" + path.read_text())
    path.unlink()
    result = invoke(runner, "build", "-q")
    assert result.exit_code == 0, result.output
    assert Path("site/sessions/cafe/index.html").is_file()


@pytest.mark.build
def test_a_case_study_no_session_refers_to_is_published_empty(journal_copy, runner):
    root = journal_copy("minimal")
    write(root / "case-studies/lonely.yaml", "title: Lonely\nsummary: No session refers to it\n")
    assert invoke(runner, "check").exit_code == 0
    result = invoke(runner, "build", "-q", "--strict")
    assert result.exit_code == 0, result.output
    assert "Lonely" in Path("site/case-studies/lonely/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("content", "first"),
    [
        (
            "alexa: {name: Alexa, kind: human}\nassistant: {name: A, kind: ai}\n",
            "journal/partners.yaml:1:1: expected a list of partners, found a mapping",
        ),
        ("null\n", "journal/partners.yaml:1:1: file is empty; expected a list of partners"),
        ("- alexa\n- assistant\n", "journal/partners.yaml:1:3: [0]: expected a mapping of fields, found 'alexa'"),
    ],
    ids=["mapping", "null", "list-of-names"],
)
def test_partners_file_of_the_wrong_shape(journal_copy, runner, content, first):
    root = journal_copy("minimal")
    write(root / "partners.yaml", content)
    check = invoke(runner, "check")
    lines = check.stderr.splitlines()
    assert check.exit_code == 1 and lines[0] == first
    assert not any("unknown partner" in line for line in lines)  # the partners file is the one cause
    assert invoke(runner, "build", "-q").exit_code == 1


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-02-03T10:00:00", "date: input should be a date without a time of day (YYYY-MM-DD), found 2026-02-03 10:00:00"),
        ("2026-02-03 00:00:00", "date: input should be a date without a time of day (YYYY-MM-DD), found 2026-02-03 00:00:00"),
        (
            "2026-02-30",
            "date: input should be a valid date or datetime, day value is outside expected range, found '2026-02-30'",
        ),
        ("0000-01-01", "date: input should be a valid date in the format YYYY-MM-DD, year 0 is out of range"),
        ("[2026, 1, 10]", "date: input should be a valid date (YYYY-MM-DD), found a list"),
        ("0", "date: input should be a valid date (YYYY-MM-DD), found 0"),
        ("1767225600", "date: input should be a valid date (YYYY-MM-DD), found 1767225600"),
        ("'3 Feb 2026'", "date: input should be a date in the format YYYY-MM-DD, found '3 Feb 2026'"),
        ("2026-1-5", "date: input should be a date in the format YYYY-MM-DD, found '2026-1-5'"),
    ],
    ids=["with-time", "midnight", "february-30", "year-zero", "list", "zero", "unix-time", "prose", "short"],
)
def test_a_date_that_is_not_a_plain_date_is_a_located_error(journal_copy, value, message):
    root = journal_copy("minimal")
    path = root / SESSION
    edit(path, "date: 2026-01-10", f"date: {value}")
    [line] = problems(root)
    assert line.startswith(f"journal/{SESSION}:2:7: {message}")


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", "1e400"])
def test_confidence_that_is_not_a_finite_number_is_a_located_error(journal_copy, value):
    root = journal_copy("minimal")
    path = root / SESSION
    write(path, path.read_text() + f"    confidence: {value}\n")
    [line] = problems(root)
    assert line.startswith(f"journal/{SESSION}:11:17: contributions[0].confidence: input should be ")


@pytest.mark.parametrize(
    "change",
    [
        ("goal: Agree on an outline", 'goal: Agree on an outline\n"bad\\nkey": 1'),
        ("goal: Agree on an outline", 'goal: Agree on an outline\n"\\e[2J\\e[31mred": 1'),
        ("- partner: alexa", '- partner: "alexa\\njournal/sessions/forged.yaml:1:1: forged"'),
        ("goal: Agree on an outline", 'goal: Agree on an outline\n"a\\nb": 1\n"a\\nb": 2'),
        ("title: Outlining the post", 'title: Outlining the post\ncase_study: "x\\ny"'),
    ],
    ids=["unknown-field", "terminal-escape", "forged-location", "duplicate-key", "case-study-reference"],
)
def test_line_breaks_and_escapes_in_names_stay_on_one_line(journal_copy, runner, change):
    root = journal_copy("minimal")
    path = root / SESSION
    edit(path, *change)
    result = invoke(runner, "check", color=True)
    check_listing(result, f"journal/{SESSION}", records=2)
    assert "\x1b" not in result.output


@pytest.mark.parametrize(
    "tagged", ["!!bool x", "!!bool ''", "!!timestamp x", "!!timestamp 2026-01-01T", "!!int ''", "!!int _", "!!float ''"]
)
def test_explicit_core_tags_with_values_they_cannot_hold(journal_copy, runner, tagged):
    root = journal_copy("minimal")
    path = root / SESSION
    edit(path, "title: Outlining the post", f"title: {tagged}")
    result = invoke(runner, "check")
    assert result.stderr.startswith(f"journal/{SESSION}:1:8: ")


def test_explicit_core_tags_with_values_they_hold(journal_copy):
    root = journal_copy("minimal")
    path = root / SESSION
    edit(path, "title: Outlining the post", "title: !!str 5")
    edit(path, "date: 2026-01-10", "date: !!timestamp 2026-01-10")
    session = valid(root).sessions[0]
    assert (session.title, session.date) == ("5", dt.date(2026, 1, 10))


@pytest.mark.parametrize(
    "change",
    [
        ("goal: Agree on an outline", "goal: 0x" + "f" * 4_000),
        ("summary: Proposed a five-part outline", "summary: Proposed\n    confidence: 1" + ":00" * 3_000),
        ("date: 2026-01-10", "date: 0b" + "1" * 15_000),
    ],
    ids=["hex-text", "sexagesimal-confidence", "binary-date"],
)
def test_integers_too_long_to_print(journal_copy, runner, change):
    root = journal_copy("minimal")
    path = root / SESSION
    edit(path, *change)
    result = invoke(runner, "check")
    check_listing(result, f"journal/{SESSION}", records=2)


@pytest.mark.parametrize(
    "links", [[("a.yaml", "a.yaml")], [("a.yaml", "b.yaml"), ("b.yaml", "a.yaml")]], ids=["self", "pair"]
)
def test_a_symbolic_link_loop_is_a_located_error(journal_copy, runner, links):
    root = journal_copy("minimal")
    for name, target in links:
        os.symlink(target, root / "sessions" / name)
    result = invoke(runner, "check")
    assert result.exit_code == 1
    assert result.stderr.startswith("journal/sessions/a.yaml: ")


def test_a_dangling_symbolic_link_is_a_located_error(journal_copy, runner):
    root = journal_copy("minimal")
    os.symlink("nowhere.yaml", root / "sessions/gone.yaml")
    result = invoke(runner, "check")
    assert check_listing(result, "journal/sessions/gone.yaml", records=3) == [
        "journal/sessions/gone.yaml: cannot read: No such file or directory"
    ]
