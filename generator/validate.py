"""Raw records to a checked `Journal`: every problem as file:line:col: field: message.

Each record is validated against its model (`model.py`), each reference against the
records it names, and the warnings of privacy (secrets, anonymous partners named) and of
placeholders are gathered with the errors, so one run reports them all.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import Any, Callable, Iterator

from pydantic import BaseModel, ValidationError

from . import privacy
from .errors import JournalError, LocatedError, format_loc
from .load import RawJournal, Record, display_path, joined, locate, strings
from .model import (
    IMPORT_CANDIDATE, IMPORT_TODO, PLACEHOLDERS, RECORD_MODELS, SLUG, TEXT_MAX, CaseStudy, Journal, Partner, Session,
    fields_at, references, text_limit,
)  # fmt: skip
from .privacy import scan
from .routes import reserved_reason

_PLACEHOLDER = re.compile(
    "|".join(re.escape(text).replace(re.escape("{partner}"), "[a-z0-9][a-z0-9-]*") for text in PLACEHOLDERS.values())
)


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


#: The words YAML 1.1 read as true and false: YAML 1.2, which editors and the JSON Schema follow, reads
#: them as text, and so does the loader (load._TEXT_IN_YAML_1_2).
_YES_NO = frozenset(("yes", "no", "on", "off"))


def _yes_no(kind: str, value: Any) -> str | None:
    """What to say of yes/no where true/false belongs, or of a yes/no or true/false where a number does;
    None for any other error."""
    word = str(value).lower() if isinstance(value, bool) or (isinstance(value, str) and value.lower() in _YES_NO) else ""
    if not word:
        return None
    if kind == "bool_type" and isinstance(value, str):
        return f"write true or false, not {value}: YAML reads yes/no/on/off as text (editors and the JSON Schema refuse them)"
    if kind in ("float_type", "int_type", "float_parsing", "int_parsing"):
        return f"expected a number, found {word}: yes/no and true/false are not numbers"
    return None


def _message(error: dict[str, Any], model: type[BaseModel] | None = None) -> str:
    """A pydantic error as one sentence: what was expected, what was found.

    An unknown field gets the nearest of the fields valid at its place in `model`, or,
    when none is near, the list of them.
    """
    kind, loc = error["type"], error["loc"]
    name = str(loc[-1]) if loc else ""
    if kind == "extra_forbidden":
        valid = fields_at(model, loc[:-1]) if model else []
        near = difflib.get_close_matches(name, valid, n=1)
        if near:
            return f"unknown field '{name}'; did you mean '{near[0]}'?"
        return f"unknown field '{name}'" + (f"; valid here: {', '.join(valid)}" if valid else "")
    if kind == "missing":
        return "required field is missing"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a mapping of fields, found {_show(error['input'])}"
    if kind == "string_pattern_mismatch":
        return f"an id is lowercase letters, digits and '-', not starting with '-', found {_show(error['input'])}"
    if kind == "too_short":
        need, found = error["ctx"]["min_length"], error["ctx"]["actual_length"]
        return f"needs at least {need} item{'s' if need != 1 else ''}, found {found or 'none'}"
    if kind == "list_type":
        return f"expected a list, found {_show(error['input'])}"
    if (hint := _yes_no(kind, error["input"])) is not None:
        return hint
    message = error["msg"]
    message = message[0].lower() + message[1:]
    if kind == "string_type" and (isinstance(error["input"], (bool, int, float, dt.date)) or error["input"] is None):
        message += " (put it in quotes if you meant text)"
    return f"{message}, found {_show(error['input'])}"


def _errors_from(exc: ValidationError, record: Record, prefix: tuple[str | int, ...] = ()) -> list[LocatedError]:
    found = []
    for error in exc.errors(include_url=False):
        loc = prefix + tuple(error["loc"])
        at_key = error["type"] == "extra_forbidden"
        line, col = locate(record.node, loc, at_key=at_key)
        where = format_loc(loc)
        text = _message(error, RECORD_MODELS.get(exc.title))
        found.append(LocatedError(record.display, line, col, f"{where}: {text}" if where else text))
    return found


class _Checker:
    """Collects located problems for one record."""

    def __init__(self, record: Record, errors: list[LocatedError], warnings: list[LocatedError]):
        self.record, self.errors, self.warnings = record, errors, warnings

    def add(self, loc: tuple[str | int, ...], message: str, *, warning: bool = False) -> None:
        line, col = locate(self.record.node, loc)
        where = format_loc(loc)
        problem = LocatedError(
            self.record.display, line, col, f"{where}: {message}" if where else message,
            "warning" if warning else "error",
        )  # fmt: skip
        (self.warnings if warning else self.errors).append(problem)


def _with_id(record: Record, errors: list[LocatedError]) -> dict[str, Any] | None:
    """The record's mapping with `id` defaulted to the file name, or None if it can't be a record."""
    if not isinstance(record.data, dict):
        if record.data is not None:
            errors.append(LocatedError(record.display, 1, 1, f"expected a mapping of fields, found {_show(record.data)}"))
        return None
    if "id" in record.data:
        return record.data
    if not SLUG.match(record.stem):
        errors.append(
            LocatedError(
                record.display, 1, 1,
                f"file name '{record.stem}' is not a valid id (lowercase letters, digits and '-'); "
                "rename the file or add an id field",
            )
        )  # fmt: skip
        return None
    return {"id": record.stem, **record.data}


def _taken(records: list[Any]) -> Iterator[Any]:
    """The items of a list in order, each removed from it as it is handed out."""
    records.reverse()
    while records:
        yield records.pop()


def validate(raw: RawJournal, *, release: bool = False) -> Journal:
    """Check every record and every reference between them; raise one JournalError listing all errors.

    With `release`, the caller gives the session records up: each leaves `raw` once its model
    is made, so at thousands of sessions the models take the memory the records held.
    """
    errors: list[LocatedError] = list(raw.errors)
    warnings: list[LocatedError] = []
    for record in raw.records():
        errors.extend(record.errors)
        warnings.extend(record.remember("texts", lambda: _text_warnings(record)))
    journal = Journal(root=raw.root, partners={}, case_studies={}, sessions=[])

    failed: Failed = {"partner": frozenset(), "case-study": frozenset()}
    if raw.partners is not None and raw.partners.text is not None:
        failed["partner"] = _validate_partners(raw.partners, journal, errors, warnings)
    elif raw.partners is not None and raw.partners.errors:
        failed["partner"] = None  # partners.yaml could not be read: its error is the cause
    failed_studies: set[str] = set()
    mentions = _mentions(journal.partners)
    for record in raw.records():
        warnings.extend(mentions(record))
    for record in raw.case_studies:
        data = _with_id(record, errors)
        if data is None:
            failed_studies.add(record.stem)
            continue
        try:
            study = CaseStudy.model_validate(data)
        except ValidationError as e:
            errors.extend(_errors_from(e, record))
            failed_studies.add(data["id"] if isinstance(data.get("id"), str) else record.stem)
            continue
        if _claim(journal, "case-study", study.id, record, errors):
            journal.case_studies[study.id] = study
    failed["case-study"] = frozenset(failed_studies - set(journal.case_studies))
    references = _references(journal, failed)
    for record in _taken(raw.sessions) if release else raw.sessions:
        data = _with_id(record, errors)
        if data is None:
            continue
        found_errors, found_warnings = references(record, data)
        errors.extend(found_errors)
        warnings.extend(found_warnings)
        try:
            session = _session(record, data)
        except ValidationError as e:
            errors.extend(_errors_from(e, record))
            continue
        if _claim(journal, "session", session.id, record, errors):
            journal.sessions.append(session)
    journal.sessions.sort(key=lambda s: (s.date, s.id))
    journal.warnings = warnings
    if errors:
        raise JournalError(errors, warnings)
    return journal


def _mentions(partners: dict[str, Partner]) -> Callable[[Record], list[LocatedError]]:
    """The warnings for a record that names an anonymous partner, kept with the record while
    the partners it is checked against are the same (serve re-checks only edits)."""
    if not any(p.anonymous for p in partners.values()):
        return lambda record: []
    key = "mentions:" + repr([(id, p.kind, p.anonymous and p.name, p.alias) for id, p in partners.items()])
    anonymity = privacy.Anonymity(partners)
    return lambda record: record.remember(key, lambda: privacy.mentions(record, anonymity) if _within_limits(record) else [])


def _references(journal: Journal, failed: Failed) -> Callable[[Record, dict[str, Any]], tuple[list[LocatedError], list[LocatedError]]]:
    """The problems of a session's references (`_check_references`), kept with the record while the
    partners and case studies it is checked against are the same (serve re-checks only edits)."""
    key = "references:" + repr(([(id, p.kind) for id, p in journal.partners.items()], list(journal.case_studies),
                                 sorted((k, sorted(v) if v is not None else None) for k, v in failed.items())))

    def check(record: Record, data: dict[str, Any]) -> tuple[list[LocatedError], list[LocatedError]]:
        errors: list[LocatedError] = []
        warnings: list[LocatedError] = []
        _check_references(data, _Checker(record, errors, warnings), journal, failed)
        return errors, warnings

    return lambda record, data: record.remember(key, lambda: check(record, data))


def _text_warnings(record: Record) -> list[LocatedError]:
    """The warnings of a record's texts (secrets, placeholders, import marks), from one gathering of them."""
    text = joined(record.data)
    if not _within_limits(record):
        return [*import_marks(record)]
    return [*scan(record, text), *placeholders(record, text), *import_marks(record)]


def _within_limits(record: Record) -> bool:
    """Whether every text of a record is within its field's limit (model.text_limit). A longer text
    is an error of validation, and no pattern reads it before: what a field may hold bounds the work
    of every scan. A file this short holds no longer text (YAML's escapes and folding only shorten it)."""
    if record.text is None or len(record.text) <= TEXT_MAX:
        return True
    return record.remember("within limits", lambda: all(len(text) <= text_limit(loc) for loc, text in strings(record.data)))


def placeholders(record: Record, text: str | None = None) -> list[LocatedError]:
    """A warning for each text of a record that is still a placeholder `pjournal new` wrote;
    `text` is the record's `joined` text when the caller has it."""
    found: list[LocatedError] = []
    if not _PLACEHOLDER.search(joined(record.data) if text is None else text):
        return found
    check = _Checker(record, [], found)
    for loc, text in strings(record.data):
        if _PLACEHOLDER.fullmatch(text.strip()):
            check.add(loc, "still the placeholder from 'pjournal new'; replace it", warning=True)
    return found


def import_marks(record: Record) -> list[LocatedError]:
    """A warning for each `TODO(import)` a record still holds, in a value or a comment, and, in a
    published record, for each candidate `pjournal import` wrote that is still commented out.

    Read from the file's text, since comments are not in its data; most records hold neither mark,
    which one look at the text says.
    """
    text = record.text or ""
    if IMPORT_TODO not in text and IMPORT_CANDIDATE not in text:
        return []
    published = not isinstance(record.data, dict) or record.data.get("status", "published") == "published"
    todo = f"{IMPORT_TODO}: only a person knows this; write it, or delete the line"
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        column = line.find(IMPORT_TODO)
        while column >= 0:
            found.append(LocatedError(record.display, number, column + 1, todo, "warning"))
            column = line.find(IMPORT_TODO, column + 1)
        if published and IMPORT_CANDIDATE in line and line.lstrip().startswith("#"):
            found.append(LocatedError(record.display, number, line.index("#") + 1,
                                      "a candidate from 'pjournal import' is still commented out in a published "
                                      "record; uncomment it if it is true, else delete it", "warning"))  # fmt: skip
    return found


def _session(record: Record, data: dict[str, Any]) -> Session:
    """The record's Session, validated once per version of the file (serve re-validates only edits)."""
    return record.remember("session", lambda: Session.model_validate(data))


#: Ids whose own entry failed, by kind of reference (None: the whole file failed): a reference to one
#: is no second error, since the entry's error is its one cause.
Failed = dict[str, frozenset[str] | None]


def _validate_partners(record: Record, journal: Journal, errors: list[LocatedError],
                       warnings: list[LocatedError]) -> frozenset[str] | None:  # fmt: skip
    """Register each valid partner; the ids of the entries that failed (None when the file is no list)."""
    if not isinstance(record.data, list):
        errors.append(LocatedError(record.display, 1, 1, f"expected a list of partners, found {_show(record.data)}"))
        return None
    check = _Checker(record, errors, warnings)
    failed: set[str] = set()
    for index, item in enumerate(record.data):
        try:
            partner = Partner.model_validate(item)
        except ValidationError as e:
            errors.extend(_errors_from(e, record, (index,)))
            given = item.get("id") if isinstance(item, dict) else item  # `- alexa` meant partner alexa
            if isinstance(given, str):
                failed.add(given)
            continue
        if (reason := reserved_reason(partner.id)) is not None:
            check.add((index, "id"), f"{reason}; choose another id")
            failed.add(partner.id)
            continue
        if partner.id in journal.partners:
            check.add((index, "id"), f"duplicate partner id '{partner.id}' ({_first_given(record, partner.id)})")
            continue
        if partner.model and partner.kind != "ai":
            check.add((index, "model"), "model is for ai partners only")
        if partner.alias and not partner.anonymous:
            check.add((index, "alias"), "alias is used only when anonymous: true", warning=True)
        journal.partners[partner.id] = partner
        journal.sources[("partners", partner.id)] = record.path
    return frozenset(failed - set(journal.partners))


def _first_given(record: Record, id: str) -> str:
    """Where partners.yaml first gives a partner id: "first given on line 2"."""
    first = next(i for i, item in enumerate(record.data) if isinstance(item, dict) and item.get("id") == id)
    return f"first given on line {locate(record.node, (first, 'id'))[0]}"


def _claim(journal: Journal, kind: str, id: str, record: Record, errors: list[LocatedError]) -> bool:
    """Register a record's id; a second record with the same id is an error on the later file."""
    if (reason := reserved_reason(id)) is not None:
        line, col = locate(record.node, ("id",)) if "id" in record.data else (1, 1)
        errors.append(LocatedError(record.display, line, col, f"id: {reason}; choose another id"
                                   + ("" if "id" in record.data else " (add an id field, or rename the file)")))
        return False
    if (kind, id) in journal.sources:
        other = display_path(journal.sources[(kind, id)], journal.root)
        line, col = locate(record.node, ("id",)) if "id" in record.data else (1, 1)
        errors.append(LocatedError(record.display, line, col, f"duplicate {kind} id '{id}' (also {other})"))
        return False
    journal.sources[(kind, id)] = record.path
    return True


def _items(data: Any, key: str) -> list[tuple[int, dict[str, Any]]]:
    """The mappings in a list field of raw data, with their indexes; anything else is skipped."""
    value = data.get(key) if isinstance(data, dict) else None
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)] if isinstance(value, list) else []


def _ref(item: dict[str, Any], key: str) -> str | None:
    value = item.get(key)
    return value if isinstance(value, str) else None


def _check_references(data: dict[str, Any], check: _Checker, journal: Journal, failed: Failed | None = None) -> None:
    """Every id a session names (each field marked `Ref` in the model) must exist, and a partner
    it names must be one of the session's; then the rules between references. A reference to an
    entry that failed (`failed`) is not checked: the entry's own error is the one cause.

    Works on the raw mapping, so a record with a type error still gets its references checked.
    """
    known = {"partner": journal.partners, "case-study": journal.case_studies}
    listed = {_ref(p, "partner") for _, p in _items(data, "partners")}
    for loc, ref, id in references(data, Session):
        unread = (failed or {}).get(ref.kind, frozenset())
        if unread is None or (id in unread and id not in known[ref.kind]):
            continue
        if id not in known[ref.kind]:
            near = difflib.get_close_matches(id, list(known[ref.kind]), n=1)
            hint = f"; did you mean '{near[0]}'?" if near else ""
            check.add(loc, f"unknown {ref.kind.replace('-', ' ')} '{id}'{hint}")
        elif ref.kind == "partner" and ref.of_session and loc[0] != "partners" and id not in listed:
            check.add(loc, f"'{id}' is not listed in this session's partners", warning=True)
    seen: set[str] = set()
    for i, p in _items(data, "partners"):
        id = _ref(p, "partner")
        if id in seen:
            check.add(("partners", i, "partner"), f"partner '{id}' is listed twice")
        seen.add(id or "")
    for i, d in _items(data, "disagreements"):
        _check_resolution(d, ("disagreements", i, "resolution"), check, journal)
    for name in ("contributions", "disagreements"):
        for i, item in _items(data, name):
            _check_verified(item, (name, i), data.get("date"), check)
    kinds = {journal.partners[id].kind for id in listed if id in journal.partners}
    if kinds and kinds != {"human", "ai"} and listed <= set(journal.partners):
        missing = "AI" if "ai" not in kinds else "human"
        check.add(("partners",), f"session has no {missing} partner; the journal is about human-AI work", warning=True)


def _check_verified(item: dict[str, Any], loc: tuple[str | int, ...], day: Any, check: _Checker) -> None:
    """`verified` tells how `held_up` was found out: without `held_up` it says nothing, and it
    can't have been found out before the session."""
    verified = item.get("verified")
    if not isinstance(verified, dict):
        return
    if item.get("held_up") is None:
        check.add((*loc, "verified"), "verified tells how held_up was found out, but held_up is not given", warning=True)
    on = verified.get("date")
    if isinstance(on, dt.date) and isinstance(day, dt.date) and on < day:
        check.add((*loc, "verified", "date"), f"verified on {on}, before the session itself ({day})", warning=True)


def _check_resolution(d: dict[str, Any], loc: tuple[str | int, ...], check: _Checker, journal: Journal) -> None:
    """A resolution's `adopted` names a partner who took a position, and is there just when the outcome is adopted."""
    r = d.get("resolution")
    if not isinstance(r, dict):
        return
    sides = {_ref(p, "by") for _, p in _items(d, "positions")}
    adopted = _ref(r, "adopted")
    if r.get("outcome") == "adopted" and adopted is None:
        check.add(loc, "outcome 'adopted' needs 'adopted': whose position was adopted")
    elif adopted is not None and adopted in journal.partners and adopted not in sides:
        taken = ", ".join(sorted(s for s in sides if s))
        check.add((*loc, "adopted"), f"'{adopted}' took no position in this disagreement (positions by {taken})")
    elif adopted is not None and r.get("outcome") != "adopted":
        check.add((*loc, "adopted"), f"'adopted' is ignored when outcome is '{r.get('outcome')}'", warning=True)
