"""Strict values and bounded work: what a record may hold, and messages that point at the cause.

Control characters, text multiplied by aliases, files that are not files, values of the wrong
type, YAML left open, unknown fields, duplicate ids and placeholders left by `pjournal new`:
each is a located error (or, for a placeholder, a located warning), never a hang, a traceback
or something published.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import re
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from generator import report
from generator.analyze import public_partners
from generator.cli import cli
from generator.errors import JournalError
from generator.export import feed
from generator.load import MAX_TEXT, MAX_VALUES, load_journal
from generator.model import PLACEHOLDERS
from generator.validate import validate
from generator.render import ENV, render_site
from generator.schema import EXAMPLES, json_schema
from helpers import edit, get, places, problems, put, write

SESSION = "sessions/2026-01-10-outline.yaml"  # of the minimal fixture
SHOWN = f"journal/{SESSION}"
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def check(runner: CliRunner, *args: str) -> tuple[int, list[str]]:
    """`pjournal check`: its exit code and the lines it printed on stderr (the summary last)."""
    result = runner.invoke(cli, ["check", *args])
    assert "Traceback" not in result.output and (result.exception is None or isinstance(result.exception, SystemExit))
    return result.exit_code, result.stderr.splitlines()


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """pjournal in its own process: a hang fails the test (after a minute) instead of stopping the run."""
    return subprocess.run([sys.executable, "-m", "generator.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=60)  # fmt: skip


# A. Characters no page or feed can hold.


@pytest.mark.parametrize(
    ("escape", "code"),
    [
        (r"\x01", "U+0001"), (r"\0", "U+0000"), (r"\e", "U+001B"), (r"\x0b", "U+000B"), (r"\x0c", "U+000C"),
        (r"\x1f", "U+001F"), (r"\x7f", "U+007F"), (r"\x80", "U+0080"), (r"\N", "U+0085"), (r"\x9f", "U+009F"),
    ],
)  # fmt: skip
def test_a_control_character_from_an_escape_is_a_located_error(journal_copy, runner, escape, code):
    root = journal_copy("minimal")
    edit(root / SESSION, "title: Outlining the post", f'title: "Ctl {escape} end"')
    assert check(runner) == (1, [
        f"{SHOWN}:1:8: title: control character {code} is not allowed in text; remove it",
        "1 error, 0 warnings in 2 records",
    ])  # fmt: skip


@pytest.mark.parametrize(
    ("escape", "code"), [(r"\uFFFE", "U+FFFE"), (r"\uFFFF", "U+FFFF"), (r"\uFDD0", "U+FDD0"), (r"\uFDEF", "U+FDEF"),
                         (r"\U0001FFFE", "U+1FFFE"), (r"\U0010FFFF", "U+10FFFF")],
)  # fmt: skip
def test_a_noncharacter_from_an_escape_is_a_located_error(journal_copy, runner, escape, code):
    root = journal_copy("minimal")
    edit(root / SESSION, "summary: Proposed a five-part outline", f'summary: "Proposed {escape}"')
    assert check(runner)[1][0] == (
        f"{SHOWN}:10:14: contributions[0].summary: noncharacter {code} is not allowed in text; remove it"
    )


@pytest.mark.parametrize(("char", "code"), [("\ufdd0", "U+FDD0"), ("\U0001fffe", "U+1FFFE"), ("\U0010ffff", "U+10FFFF")])
def test_a_noncharacter_written_as_itself_is_a_located_error(journal_copy, runner, char, code):
    """YAML's reader lets these through as they are, without any escape in the file."""
    root = journal_copy("minimal")
    edit(root / SESSION, "summary: Proposed a five-part outline", f"summary: Proposed {char} here")
    assert "\\" not in (root / SESSION).read_text(encoding="utf-8")
    assert check(runner)[1][0] == (
        f"{SHOWN}:10:14: contributions[0].summary: noncharacter {code} is not allowed in text; remove it"
    )


def test_the_titles_escapes_from_the_report_are_refused_by_check_and_build(journal_copy, runner):
    root = journal_copy("minimal")
    edit(root / SESSION, "title: Outlining the post", r'title: "Ctl \x01 \0 \e \x0b \uFFFE end"')
    expected = f"{SHOWN}:1:8: title: control character U+0001 is not allowed in text; remove it"
    assert check(runner) == (1, [expected, "1 error, 0 warnings in 2 records"])
    build = runner.invoke(cli, ["build", "-q"])
    assert build.exit_code == 1 and expected in build.stderr.splitlines()
    assert not Path("site").exists()


def test_a_surrogate_from_an_escape_is_a_located_error(journal_copy, runner):
    root = journal_copy("minimal")
    edit(root / SESSION, "goal: Agree on an outline", r'goal: "half \uD800 a pair"')
    code, lines = check(runner)
    assert code == 1
    assert lines[0].startswith(f"{SHOWN}:6:") and ("surrogate U+D800" in lines[0] or "YAML syntax" in lines[0])


def test_a_control_character_in_a_field_name_is_a_located_error(journal_copy, runner):
    root = journal_copy("minimal")
    edit(root / SESSION, "    kind: structure", '    kind: structure\n    "con\\x01fidence": 0.5')
    assert check(runner)[1][0] == (
        f"{SHOWN}:10:5: contributions[0]: field name 'con\\x01fidence': control character U+0001 is not allowed "
        "in text; remove it"
    )


def test_tabs_line_breaks_and_other_escapes_stay_allowed(journal_copy, runner):
    root = journal_copy("minimal")
    edit(root / SESSION, "title: Outlining the post", r'title: "Tab\there, \u00e9, \u2028, \U0001F600, \uFFFD"')
    edit(root / SESSION, "goal: Agree on an outline", r'goal: "Two\r\nlines"')
    assert check(runner) == (0, [])


def xml_text(char: str) -> bool:
    """What a record's text may hold: XML 1.0's characters, less DEL, the C1 controls and the noncharacters."""
    code = ord(char)
    xml = code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF
    return xml and not (0x7F <= code <= 0x9F or 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE)


ANY_TEXT = st.one_of(
    st.text(st.characters(categories=["L", "M", "N", "P", "S", "Zs"]), min_size=1, max_size=20),
    st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=20),  # lone surrogates can't be UTF-8
    st.lists(st.sampled_from(["a", " ", "\x00", "\x1b", "\x7f", "\x85", "\x9f", "\ufdd0", "\ufffe", "\U0001ffff",
                              "\u2028", "\ufeff", "\t", "\r", "<", "&", "]]>"]), min_size=1, max_size=6).map("".join),
)  # fmt: skip


@pytest.mark.corpus
@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=ANY_TEXT)
def test_whatever_text_passes_check_makes_a_well_formed_feed(text, tmp_path):
    """Text goes into a title, a goal, a tag, a partner's name and a case study: check refuses exactly
    the characters XML cannot hold (and text that is only white space), and what passes makes a
    feed that parses as XML and pages without such characters."""
    root = tmp_path / "journal"
    dump = lambda data: yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False)  # noqa: E731
    write(root / "partners.yaml", dump([{"id": "alexa", "name": text, "kind": "human"},
                                        {"id": "assistant", "name": "Assistant", "kind": "ai"}]))  # fmt: skip
    write(root / "case-studies/study.yaml", dump({"title": text, "summary": "A study"}))
    write(root / "sessions/s.yaml", dump({
        "title": text, "date": dt.date(2026, 2, 3), "case_study": "study", "tags": [text],
        "partners": [{"partner": "alexa"}, {"partner": "assistant"}], "goal": text,
        "contributions": [{"by": "assistant", "kind": "structure", "summary": "Outline"}],
    }))  # fmt: skip
    expected = all(map(xml_text, text)) and text.strip() != ""
    try:
        journal = validate(load_journal(root))
    except JournalError as e:
        note("\n".join(map(str, e.errors)))
        assert not expected, "text XML can hold was refused"
        event("refused")
        return
    assert expected, "text XML cannot hold passed check"
    event("passed")
    xml = feed(journal, public_partners(journal.partners), ENV, site_name="Journal", site_url="", prefix="")
    ET.fromstring(xml.encode("utf-8"))
    for uri, page in render_site(journal).items():
        assert all(map(xml_text, page.content)), uri


# B. Text multiplied by aliases.


def aliased(root: Path, text: str, times: int) -> None:
    """The minimal session's goal anchored and aliased `times` times in a flow list of constraints."""
    source = edit(root / SESSION, "goal: Agree on an outline", f"goal: &g {text}")
    write(root / SESSION, source + "constraints: [" + ", ".join(["*g"] * times) + "]\n")


def alias_column(number: int) -> int:
    """The column of the `number`-th `*g` (from 1) on the line `constraints: [*g, *g, ...`."""
    return len("constraints: [") + 1 + (number - 1) * len("*g, ")


@pytest.mark.parametrize(("length", "times"), [(4_800, 5_000), (4_800, 90_000)], ids=["26-kb", "358-kb"])
def test_text_multiplied_by_aliases_is_refused_at_the_alias_that_crosses_the_limit(journal_copy, length, times):
    """A 26 KB record once built a 72 MB site, and a 358 KB one kept check busy for minutes."""
    root = journal_copy("minimal")
    aliased(root, "x" * length, times)
    crossing = MAX_TEXT // length  # the alias (counted from 1) that crosses, give or take the record's other text
    for command in (["check"], ["build", "-q"]):
        result = run(*command, cwd=root.parent)
        assert result.returncode == 1, result.stderr
        [line] = [line for line in result.stderr.splitlines() if "aliases" in line]
        found = re.fullmatch(
            re.escape(SHOWN) + r":11:(\d+): constraints\[(\d+)\]: document expands to more than "
            + re.escape(f"{MAX_TEXT:,}") + r" characters of text, the most a record may hold; "
            r"aliases \(\*name\) repeated too often",
            line,
        )  # fmt: skip
        assert found, line
        column, index = map(int, found.groups())
        assert column == alias_column(index + 1) and abs(index + 1 - crossing) <= 1
    assert not (root.parent / "site").exists()


def test_too_many_values_from_aliases_is_refused_at_the_alias(journal_copy):
    root = journal_copy("minimal")
    aliased(root, "x", MAX_VALUES)
    [line] = problems(root)
    found = re.fullmatch(re.escape(SHOWN) + r":11:(\d+): constraints\[(\d+)\]: document expands to more than "
                         r"100,000 values; aliases \(\*name\) repeated too often", line)  # fmt: skip
    assert found, line
    column, index = map(int, found.groups())
    assert column == alias_column(index + 1)


def test_an_alias_inside_an_aliased_value_is_located_at_the_outer_alias(journal_copy):
    """The limit is crossed while expanding *many; the message points there, not inside its anchor."""
    root = journal_copy("minimal")
    paragraph = "y" * 4_000
    text = (Path(__file__).parent / "fixtures/minimal" / SESSION).read_text(encoding="utf-8")
    text += f"notes: &p {paragraph}\nconstraints: &many [*p, *p, *p, *p, *p, *p, *p, *p, *p, *p]\n"
    text += "lessons: [" + ", ".join(["*many"] * 40) + "]\n"
    write(root / SESSION, text)
    [line] = problems(root)
    assert re.match(re.escape(SHOWN) + r":13:(\d+): lessons\[(\d+)\]: document expands to more than", line), line
    column, index = map(int, re.match(r".*?:13:(\d+): lessons\[(\d+)\]", line).groups())
    assert column == len("lessons: [") + 1 + index * len("*many, ")


def test_text_repeated_by_aliases_within_the_limit_is_accepted(journal_copy):
    root = journal_copy("minimal")
    aliased(root, "A constraint worth repeating", 100)
    assert problems(root) == []


# C. Files that are not regular files are never opened.


@pytest.fixture
def minimal(journal_copy) -> Path:
    return journal_copy("minimal")


def test_a_named_pipe_among_the_sessions_is_refused_not_read(minimal):
    os.mkfifo(minimal / "sessions/x.yaml")
    checked = run("check", cwd=minimal.parent)
    assert checked.returncode == 1
    assert checked.stderr.splitlines() == [
        "journal/sessions/x.yaml: not a regular file (a named pipe); not read",
        "1 error, 0 warnings in 3 records",
    ]
    build = run("build", "-q", "-d", "site", cwd=minimal.parent)
    assert build.returncode == 1
    assert "journal/sessions/x.yaml: not a regular file (a named pipe); not read" in build.stderr.splitlines()
    assert not (minimal.parent / "site").exists()


def test_partners_yaml_as_a_named_pipe_is_refused_not_read(minimal):
    (minimal / "partners.yaml").unlink()
    os.mkfifo(minimal / "partners.yaml")
    checked = run("check", cwd=minimal.parent)
    assert checked.returncode == 1
    assert checked.stderr.splitlines()[0] == "journal/partners.yaml: not a regular file (a named pipe); not read"


def test_links_to_a_pipe_or_a_device_are_refused_not_read(minimal):
    os.mkfifo(minimal / "sessions/.pipe")
    os.symlink(".pipe", minimal / "sessions/linked.yaml")  # inside the journal: allowed as a link, refused as a pipe
    os.symlink("/dev/zero", minimal / "sessions/zero.yaml")
    os.symlink("/dev/zero", minimal / "case-studies.yaml")  # not a record: never looked at
    checked = run("check", cwd=minimal.parent)
    assert checked.returncode == 1
    assert checked.stderr.splitlines()[:2] == [
        "journal/sessions/linked.yaml: not a regular file (a named pipe); not read",
        "journal/sessions/zero.yaml: symbolic link points outside the journal folder; not read",
    ]


def test_a_socket_among_the_sessions_is_refused_not_read(minimal, runner):
    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind("journal/sessions/s.yaml")  # relative: a socket's path is short
        assert check(runner)[1][0] == "journal/sessions/s.yaml: not a regular file (a socket); not read"


# D. Values the schema refuses are refused.


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("confidence", "true", "expected a number, found true: yes/no and true/false are not numbers"),
        ("confidence", "yes", "expected a number, found yes: yes/no and true/false are not numbers"),
        ("confidence", "'0.8'", "input should be a valid number, found '0.8'"),
        ("held_up", "1", "input should be a valid boolean, found 1"),
        ("held_up", "'yes'", "write true or false, not yes: YAML reads yes/no/on/off as text (editors and the JSON "
                             "Schema refuse them)"),
        ("held_up", "0.0", "input should be a valid boolean, found 0.0"),
        ("by", "007", "input should be a valid string (put it in quotes if you meant text), found 7"),
    ],
)
def test_values_of_the_wrong_type_are_refused(journal_copy, runner, field, value, message):
    root = journal_copy("minimal")
    if field == "by":
        edit(root / SESSION, "  - by: assistant", f"  - by: {value}")
    else:
        edit(root / SESSION, "    kind: structure", f"    kind: structure\n    {field}: {value}")
    line = 8 if field == "by" else 10
    column = 9 if field == "by" else 7 + len(field)
    code, lines = check(runner)
    assert code == 1
    assert lines[0] == f"{SHOWN}:{line}:{column}: contributions[0].{field}: {message}"


@pytest.mark.parametrize(
    ("edit_to", "loc"),
    [
        ("  acted_on: 1", "feedback[0].acted_on"),
        ("  anonymous: 'true'", "[0].anonymous"),
        ("human_review: 0", "human_review"),
    ],
)
def test_yes_no_fields_take_only_true_or_false(journal_copy, runner, edit_to, loc):
    root = journal_copy("minimal")
    if loc.startswith("feedback"):
        edit(root / SESSION, "goal: Agree on an outline", "goal: Agree on an outline\nfeedback:\n- from: alexa\n  to: assistant\n"
             "  about: style\n  text: Fewer lists\n" + edit_to)  # fmt: skip
    elif loc.startswith("[0]"):
        path = root / "partners.yaml"
        edit(path, "  kind: human", "  kind: human\n" + edit_to)
    else:
        edit(root / SESSION, "goal: Agree on an outline", "goal: Agree on an outline\n" + edit_to)
    code, lines = check(runner)
    assert code == 1
    assert re.fullmatch(r"journal/[a-z0-9/.-]+:\d+:\d+: " + re.escape(loc) + r": input should be a valid boolean, found .+",
                        lines[0]), lines  # fmt: skip


def test_numbers_dates_and_yes_no_of_the_right_type_are_accepted(journal_copy):
    root = journal_copy("minimal")
    edit(root / SESSION, "    kind: structure", "    kind: structure\n    confidence: 1\n    held_up: true")
    edit(root / SESSION, "date: 2026-01-10", "date: '2026-01-10'")
    session = validate(load_journal(root)).sessions[0]
    assert (session.contributions[0].confidence, session.contributions[0].held_up) == (1.0, True)
    assert session.date == dt.date(2026, 1, 10)


def iso(data: Any) -> Any:
    """Data as JSON (and an editor's YAML server) sees it: dates are ISO strings."""
    return json.loads(json.dumps(data, default=lambda value: value.isoformat()))


#: What check knows and the schema cannot say: references between records, and rules across fields.
BEYOND_THE_SCHEMA = re.compile(
    r"unknown partner|unknown case study|is not listed in this session|is listed twice|took no position"
    r"|outcome 'adopted' needs|model is for ai partners only|duplicate partner id|index page|device name"
)
#: Values a mutation puts in a record: of every type, valid and nearly valid for each kind of field.
ODD_VALUES = st.one_of(
    st.sampled_from([
        True, False, None, 0, 1, 2, -1, 0.0, 0.5, 1.5, -0.25, 10**12, "", " ", "\t", "x", "0.8", "yes", "true",
        "2026-02-03", "2026-02-30", "2026-1-5", "2026-02-03T10:00:00", "3 Feb 2026",
        dt.date(2026, 2, 3), dt.date(1, 1, 1), dt.datetime(2026, 2, 3, 10, 0), dt.datetime(2026, 2, 3),
        "alexa", "assistant", "nobody", "UPPER", "-dash", "has space", "x" * 81, "a" * 80,
        "structure", "structur", "adopted", "adoptd", "style", "draft", "final", "human", "robot", "ai",
        [], {}, ["alexa"], [{}], {"by": "alexa"}, {"lesson": "x"}, {"lesson": "x", "tags": "t"},
    ]),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),  # JSON has neither: nothing for the schema to judge
    st.text(st.characters(categories=["L", "N", "P", "S"]), max_size=6),  # no control characters: see part A
).map(copy.deepcopy)  # a fresh list or mapping each time: mutations change them in place  # fmt: skip
FIELD_NAMES = st.sampled_from(["confidance", "rationale", "form", "extra", "id", "tags", "notes", "model", "alias"])


def mutate(data: st.DataObject, record: Any) -> Any:
    """One near-valid change: a value replaced, a field or item dropped, a field added or renamed."""
    inner = [p for p in places(record) if p]
    if not inner:
        return record
    op = data.draw(st.sampled_from(["replace", "drop", "add", "rename"]), label="mutation")
    path = data.draw(st.sampled_from(inner), label="at")
    parent = get(record, path[:-1])
    if op == "replace":
        value = data.draw(ODD_VALUES, label="value")
        if isinstance(value, dt.date) and path != ("date",):
            # JSON has no dates: where text is expected, the schema sees an ISO string, check a
            # YAML date (refused, "put it in quotes"). Only the date field gets real dates.
            value = value.isoformat()
        return put(record, path, value)
    if op == "drop":
        del parent[path[-1]]
    elif op == "add" and isinstance(parent, dict):
        parent[data.draw(FIELD_NAMES, label="field")] = data.draw(ODD_VALUES.filter(lambda v: not isinstance(v, dt.date)))
    elif op == "rename" and isinstance(parent, dict):
        key = path[-1]
        new = data.draw(st.sampled_from([key + "s", key[:-1], key.replace("_", "-"), key.upper()]), label="renamed to")
        record = put(record, path[:-1], {(new if k == key else k): v for k, v in parent.items()})
    return record


def journal_for_schema_tests(root: Path) -> None:
    """DESIGN.md's partners and case study, which the session example refers to."""
    write(root / "partners.yaml", yaml.dump(EXAMPLES["partners"], Dumper=_Dumper, sort_keys=False))
    write(root / "case-studies/writing-beyond-the-manifesto.yaml",
          yaml.dump(EXAMPLES["case-study"], Dumper=_Dumper, sort_keys=False))  # fmt: skip
    (root / "sessions").mkdir(exist_ok=True)


RECORD_FILES = {
    "session": "sessions/s.yaml",
    "case-study": "case-studies/writing-beyond-the-manifesto.yaml",
    "partners": "partners.yaml",
}


@pytest.mark.corpus
@pytest.mark.parametrize("kind", ["session", "partners", "case-study"])
@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_json_schema_and_check_agree_on_every_record(kind, data, tmp_path):
    """schema-valid ⇔ no field error from `pjournal check`, for valid and near-valid records.

    References are left out: every id the examples name exists, and check's messages about
    references and rules across fields (BEYOND_THE_SCHEMA) are not field errors.
    """
    root = tmp_path / "journal"
    journal_for_schema_tests(root)
    record: Any = copy.deepcopy(EXAMPLES[kind])
    if kind == "session" and data.draw(st.booleans(), label="date as a YAML date"):
        record["date"] = dt.date(2026, 2, 3)
    for _ in range(data.draw(st.integers(0, 2), label="mutations")):
        record = mutate(data, record)
    text = yaml.dump(record, Dumper=_Dumper, allow_unicode=True, sort_keys=False)
    note(text)
    path = root / RECORD_FILES[kind]
    write(path, text)
    raw = load_journal(root)
    [read] = [r for r in raw.records() if r.path == path]
    assert not read.errors, read.errors
    schema = json_schema(kind)  # type: ignore[arg-type]
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    schema_says = sorted(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(iso(read.data)))
    check_says = [str(e) for e in report.check(raw).errors if e.path == read.display and not BEYOND_THE_SCHEMA.search(e.message)]
    note(f"schema: {schema_says}\ncheck: {check_says}")
    event(f"{kind}: {'valid' if not schema_says else 'invalid'}")
    assert (not schema_says) == (not check_says)


def test_a_partner_id_that_is_a_list_is_a_located_error_beside_an_anonymous_partner(journal_copy):
    root = journal_copy("minimal")
    write(root / "partners.yaml", "- {id: [], name: A, kind: human}\n- {id: b, name: B, kind: ai, anonymous: true}\n")
    assert problems(root)[0].startswith("journal/partners.yaml:1:8: [0].id: input should be a valid string")


def test_pjournal_schema_prints_the_schema_check_agrees_with(runner):
    for kind in ("session", "partners", "case-study"):
        result = runner.invoke(cli, ["schema", "--kind", kind])
        assert json.loads(result.stdout) == json_schema(kind)  # type: ignore[arg-type]
    session = json_schema("session")
    contribution = session["$defs"]["Contribution"]["properties"]
    assert contribution["confidence"]["anyOf"][0]["type"] == "number"
    assert contribution["held_up"]["anyOf"][0] == {"type": "boolean"}
    assert session["properties"]["title"]["type"] == ["string", "number"]  # `title: 2026` is text
    assert session["properties"]["id"]["type"] == "string"  # an id is never a number


# E. YAML syntax errors name where the construct began.


def record_with(text: str, after: int = 20) -> str:
    """A record with `text` on line 8, and `after` lines after it, as in a real file."""
    head = "partners:\n  - partner: alexa\n  - partner: assistant\ndate: 2026-01-10\ngoal: Agree\n"
    head += "contributions:\n  - {by: alexa, kind: other, summary: Wrote}\n"
    return head + text + "".join(f"tag{i}: value\n" for i in range(after))


@pytest.mark.parametrize(
    ("opened", "message"),
    [
        ('title: "Outlining the post\n', '8:8: YAML syntax: the quoted scalar that starts here has no closing " '
                                         "(the file ends at line 29, column 1)"),
        ("title: 'Outlining the post\n", "8:8: YAML syntax: the quoted scalar that starts here has no closing ' "
                                         "(the file ends at line 29, column 1)"),
        ("title: [Outlining, the post\n", "9:5: YAML syntax: did not find expected ',' or ']' "
                                          "(in the flow sequence that starts at line 8, column 8)"),
        ("title: {a: Outlining, b: the post\n", "9:5: YAML syntax: did not find expected ',' or '}' "
                                                "(in the flow mapping that starts at line 8, column 8)"),
    ],
    ids=["double-quote", "single-quote", "flow-sequence", "flow-mapping"],
)  # fmt: skip
def test_a_construct_left_open_is_reported_where_it_starts(journal_copy, runner, opened, message):
    root = journal_copy("minimal")
    write(root / SESSION, record_with(opened))
    assert check(runner) == (1, [f"{SHOWN}:{message}", "1 error, 0 warnings in 2 records"])


@pytest.mark.parametrize(
    ("opened", "message"),
    [("title: [Outlining, the post\n", "8:8: YAML syntax: the flow sequence that starts here has no closing ] "),
     ("title: {a: Outlining\n", "8:8: YAML syntax: the flow mapping that starts here has no closing } ")],
    ids=["flow-sequence", "flow-mapping"],
)  # fmt: skip
def test_a_flow_collection_open_at_the_end_of_the_file_is_reported_where_it_starts(journal_copy, opened, message):
    root = journal_copy("minimal")
    write(root / SESSION, record_with(opened + "# the end\n", after=0))
    assert problems(root) == [f"{SHOWN}:{message}(the file ends at line 10, column 1)"]


# F. An unknown field's suggestion comes from the fields valid at its place.


@pytest.mark.parametrize(
    ("where", "edit_to", "message"),
    [
        ("goal: Agree on an outline", "goal: Agree on an outline\ntitel: x",
         "7:1: titel: unknown field 'titel'; did you mean 'title'?"),
        ("goal: Agree on an outline", "goal: Agree on an outline\nrationale: x",
         "7:1: rationale: unknown field 'rationale'; valid here: attribution, case_study, constraints, contributions, "
         "date, disagreements, domain, feedback, goal, handoffs, human_review, id, imported_from, initiative, "
         "lessons, notes, outcome, partners, status, tags, title"),
        ("    kind: structure", "    kind: structure\n    confidance: 0.8",
         "10:5: contributions[0].confidance: unknown field 'confidance'; did you mean 'confidence'?"),
        ("    kind: structure", "    kind: structure\n    role: editor",
         "10:5: contributions[0].role: unknown field 'role'; valid here: by, confidence, effort, held_up, kind, "
         "summary, uncertainty, verified"),
    ],
    ids=["session-near", "session-none-near", "contribution-near", "contribution-none-near"],
)  # fmt: skip
def test_unknown_session_fields_get_suggestions_from_their_place(journal_copy, where, edit_to, message):
    root = journal_copy("minimal")
    edit(root / SESSION, where, edit_to)
    assert problems(root) == [f"{SHOWN}:{message}"]


DISAGREEMENT = """disagreements:
  - topic: Names
    positions:
      - {by: assistant, stanse: Name them}
      - {by: alexa, stance: Keep them anonymous}
    resolution: {outcome: adopted, adopted: alexa, rationale: No permission}
feedback:
  - {form: alexa, to: assistant, about: style, text: Fewer lists}
lessons:
  - {lesson: Ask for trade-offs, tag: [communication]}
"""


def test_unknown_fields_deeper_in_a_session_get_suggestions_from_their_place(journal_copy):
    root = journal_copy("minimal")
    write(root / SESSION, (root / SESSION).read_text() + DISAGREEMENT)
    assert problems(root) == [
        f"{SHOWN}:14:9: disagreements[0].positions[0].stance: required field is missing",
        f"{SHOWN}:14:25: disagreements[0].positions[0].stanse: unknown field 'stanse'; did you mean 'stance'?",
        f"{SHOWN}:16:52: disagreements[0].resolution.rationale: unknown field 'rationale'; "
        "valid here: adopted, decided_by, outcome, summary",
        f"{SHOWN}:18:5: feedback[0].from: required field is missing",
        f"{SHOWN}:18:6: feedback[0].form: unknown field 'form'; did you mean 'from'?",
        f"{SHOWN}:20:34: lessons[0].tag: unknown field 'tag'; did you mean 'tags'?",
    ]


def test_unknown_partner_and_case_study_fields_get_suggestions_from_their_place(journal_copy):
    root = journal_copy("minimal")
    path = root / "partners.yaml"
    write(path, path.read_text() + "  strenghts: [structure]\n  nick: A\n")
    write(root / "case-studies/study.yaml", "title: A study\nsummary: What\nnarative: Long\n")
    assert problems(root) == [
        "journal/case-studies/study.yaml:3:1: narative: unknown field 'narative'; did you mean 'narrative'?",
        "journal/partners.yaml:7:3: [1].strenghts: unknown field 'strenghts'; did you mean 'strengths'?",
        "journal/partners.yaml:8:3: [1].nick: unknown field 'nick'; valid here: alias, anonymous, description, id, "
        "kind, model, name, strengths",
    ]  # the session's references to 'assistant', whose entry failed, are no second error


# G. A duplicate id names both files.


def test_a_duplicate_session_id_names_the_other_file_by_its_path(journal_copy):
    root = journal_copy("minimal")
    text = (root / SESSION).read_text()
    write(root / "sessions/2026/outline.yaml", text)
    write(root / "sessions/2027/outline.yaml", text)
    write(root / "case-studies/a.yaml", "id: b\ntitle: A\nsummary: A\n")
    write(root / "case-studies/b.yaml", "title: B\nsummary: B\n")
    assert problems(root) == [
        "journal/case-studies/b.yaml:1:1: duplicate case-study id 'b' (also journal/case-studies/a.yaml)",
        "journal/sessions/2027/outline.yaml:1:1: duplicate session id 'outline' (also journal/sessions/2026/outline.yaml)",
    ]


def test_a_duplicate_partner_id_names_the_line_of_the_first(journal_copy):
    root = journal_copy("minimal")
    path = root / "partners.yaml"
    write(path, path.read_text() + "- id: alexa\n  name: Alexa again\n  kind: human\n")
    assert problems(root) == ["journal/partners.yaml:7:7: [2].id: duplicate partner id 'alexa' (first given on line 1)"]


# H. Placeholders that `pjournal new` writes are warnings until replaced.


def new_session(runner: CliRunner) -> str:
    result = runner.invoke(cli, ["new", "-t", "Planning", "--date", "2026-12-01"])
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def test_a_new_session_warns_of_its_placeholders_until_they_are_replaced(journal_copy, runner):
    root = journal_copy("minimal")
    shown = new_session(runner)
    assert shown == "journal/sessions/2026/2026-12-01-planning.yaml"
    warnings = [
        f"{shown}:7:7: warning: goal: still the placeholder from 'pjournal new'; replace it",
        f"{shown}:12:14: warning: contributions[0].summary: still the placeholder from 'pjournal new'; replace it",
    ]
    assert check(runner) == (0, warnings)
    path = root.parent / shown
    edit(path, PLACEHOLDERS["goal"], "Plan the year")
    edit(path, "TODO what alexa", "Alexa listed what")
    assert check(runner) == (0, [])
    write(path, path.read_text() + "outcome: TODO\nlessons:\n  - TODO\n  - TODO-list apps need a clear owner\n")
    assert check(runner) == (0, [
        f"{shown}:30:10: warning: outcome: still the placeholder from 'pjournal new'; replace it",
        f"{shown}:32:5: warning: lessons[0]: still the placeholder from 'pjournal new'; replace it",
    ])  # fmt: skip


@pytest.mark.build
def test_placeholders_fail_a_strict_build_of_a_new_site(tmp_path, runner, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(cli, ["init", "demo"]).exit_code == 0
    monkeypatch.chdir(tmp_path / "demo")
    assert check(runner) == (0, []), "the sample records hold no placeholder"
    new_session(runner)
    build = runner.invoke(cli, ["build", "--strict", "-q"])
    assert build.exit_code == 1
    assert "goal: still the placeholder from 'pjournal new'; replace it" in build.stderr
    assert not (tmp_path / "demo/site").exists()


def test_only_the_texts_new_writes_are_placeholders(journal_copy):
    root = journal_copy("minimal")
    edit(root / SESSION, "title: Outlining the post", "title: TODO-list app")
    edit(root / SESSION, "goal: Agree on an outline", "goal: TODO list for the launch")
    edit(root / SESSION, "summary: Proposed a five-part outline", "summary: TODO what assistant contributed")
    assert problems(root) == [
        f"{SHOWN}:10:14: warning: contributions[0].summary: still the placeholder from 'pjournal new'; replace it"
    ]
