"""The record format as typed models, and `validate`: raw records to a checked `Journal`.

Field names are the YAML keys verbatim, so a pydantic error's `loc` is the path the
user sees. Every model forbids unknown fields: a typo must fail, not vanish.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Callable, Iterator, Literal, Union, get_args, get_origin

from pydantic import (
    BaseModel, ConfigDict, Discriminator, Field, Strict, StringConstraints, Tag, ValidationError,
    ValidatorFunctionWrapHandler, WrapValidator,
)  # fmt: skip
from pydantic_core import PydanticCustomError

from .errors import UNION_TAGS, JournalError, LocatedError, format_loc
from .load import RawJournal, Record, display_path, locate
from . import privacy
from .privacy import scan
from .routes import reserved_reason

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")

_ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d", re.ASCII)


def _date(value: Any, handler: ValidatorFunctionWrapHandler) -> dt.date:
    """A date as YAML reads one (a date) or as JSON writes one (a `YYYY-MM-DD` string), nothing else.

    Pydantic's lax dates take 0 for 1970-01-01 and a datetime at midnight for its day; the
    JSON Schema (`format: date`) takes neither. A no-date like 2026-13-45 stays a string in
    load.py, for pydantic's own message ("month value is outside expected range").
    """
    if isinstance(value, dt.datetime):
        raise PydanticCustomError("date_with_time", "input should be a date without a time of day (YYYY-MM-DD)")
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("date_type", "input should be a valid date (YYYY-MM-DD)")
    if not _ISO_DATE.fullmatch(value):
        raise PydanticCustomError("date_format", "input should be a date in the format YYYY-MM-DD")
    return handler(value)


#: Ids are text: strict, so that `by: 010` is not taken for the id "8" (YAML's octal).
Id = Annotated[str, Strict(), StringConstraints(pattern=SLUG.pattern, max_length=80)]
#: Text fields take numbers as their text (`title: 2026`): Model's coerce_numbers_to_str.
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5_000)]
LongText = Annotated[str, StringConstraints(max_length=200_000)]
#: Numbers, dates and yes/no are strict: `confidence: true` is not 100%, `date: 0` not 1970-01-01.
Confidence = Annotated[float, Strict(), Field(ge=0, le=1, description="How sure the partner said it was, 0 to 1.")]
Date = Annotated[dt.date, WrapValidator(_date)]
Flag = Annotated[bool, Strict()]

#: The texts `pjournal new` leaves for a person to write (scaffold's template takes them from here,
#: `{partner}` filled in with an id). A record still holding one gets a warning, so `build --strict`
#: fails before a placeholder is published. Exact texts, not any "TODO": "TODO-list app" is a title.
PLACEHOLDERS = {
    "goal": "TODO what this session set out to do",
    "summary": "TODO what {partner} contributed",
    "text": "TODO",
}
_PLACEHOLDER = re.compile(
    "|".join(re.escape(text).replace(re.escape("{partner}"), "[a-z0-9][a-z0-9-]*") for text in PLACEHOLDERS.values())
)

PartnerKind = Literal["human", "ai"]
ContributionKind = Literal[
    "research", "structure", "drafting", "analysis", "exploration",
    "direction", "context", "refinement", "review", "decision", "other",
]  # fmt: skip
Outcome = Literal["adopted", "compromise", "new-approach", "deferred", "unresolved"]
FeedbackAbout = Literal["accuracy", "usefulness", "timing", "style", "process", "other"]


class Model(BaseModel):
    """Base of every record model: unknown fields are errors, numbers may stand for text."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, populate_by_name=True)


class Partner(Model):
    """A human or AI partner, from partners.yaml."""

    id: Id
    name: Text
    kind: PartnerKind
    description: Text | None = None
    model: Text | None = Field(None, description="Which AI system (ai partners only).")
    strengths: list[Text] = []
    anonymous: Flag = Field(False, description="Publish only as `alias`, never by name or id.")
    alias: Text | None = None


class CaseStudy(Model):
    """A narrative that groups sessions."""

    id: Id
    title: Text
    summary: Text
    domain: Text | None = None
    tags: list[Text] = []
    narrative: LongText | None = None
    attribution: Text | None = Field(None, description="Overrides the generated attribution statement.")


class SessionPartner(Model):
    partner: Id
    role: Text | None = None


class Contribution(Model):
    by: Id
    kind: ContributionKind
    summary: Text
    confidence: Confidence | None = None
    uncertainty: Text | None = None
    held_up: Flag | None = Field(None, description="Verified later; absent means unknown.")


class Position(Model):
    by: Id
    stance: Text
    reasoning: Text | None = None
    confidence: Confidence | None = None


class Resolution(Model):
    outcome: Outcome
    adopted: Id | None = Field(None, description="Whose position, when outcome is adopted.")
    decided_by: Id | None = None
    summary: Text | None = None


class Disagreement(Model):
    topic: Text
    positions: list[Position] = Field(min_length=1)
    resolution: Resolution | None = None
    held_up: Flag | None = None


class Feedback(Model):
    from_: Id = Field(alias="from")
    to: Id
    about: FeedbackAbout
    text: Text
    acted_on: Flag | None = None


class Handoff(Model):
    from_: Id = Field(alias="from")
    to: Id
    what: Text


class Lesson(Model):
    lesson: Text
    tags: list[Text] = []


def _lesson_branch(value: Any) -> str:
    """A lesson is plain text or a {lesson, tags} entry (a mapping when read, a Lesson when written)."""
    return "lesson-text" if isinstance(value, (str, int, float)) else "lesson-entry"


LessonItem = Annotated[
    Union[Annotated[Text, Tag("lesson-text")], Annotated[Lesson, Tag("lesson-entry")]],
    Discriminator(_lesson_branch),
]


class Session(Model):
    """One working session between partners."""

    id: Id
    title: Text
    date: Date
    status: Literal["draft", "published"] = "published"
    case_study: Id | None = None
    domain: Text | None = None
    tags: list[Text] = []
    partners: list[SessionPartner] = Field(min_length=2)
    goal: Text
    constraints: list[Text] = []
    contributions: list[Contribution] = Field(min_length=1)
    disagreements: list[Disagreement] = []
    feedback: list[Feedback] = []
    handoffs: list[Handoff] = []
    outcome: LongText | None = None
    lessons: list[LessonItem] = []
    attribution: Text | None = Field(None, description="Overrides the generated attribution statement.")
    initiative: PartnerKind = Field("human", description="Who started the work: human (AI was asked) or ai.")
    human_review: Flag | None = Field(
        None, description="Whether a human reviewed and approved the AI's work; by default, whether a human "
        "reviewed, refined or decided something in the session."
    )  # fmt: skip
    notes: LongText | None = None

    @property
    def lesson_entries(self) -> list[Lesson]:
        """Lessons in one shape: plain strings become untagged entries."""
        return [item if isinstance(item, Lesson) else Lesson(lesson=item) for item in self.lessons]


@dataclass
class Journal:
    """A validated journal: partners and case studies by id, sessions by date."""

    root: Path
    partners: dict[str, Partner]
    case_studies: dict[str, CaseStudy]
    sessions: list[Session]
    sources: dict[tuple[str, str], Path] = field(default_factory=dict)
    warnings: list[LocatedError] = field(default_factory=list)

    def source(self, kind: str, id: str) -> Path:
        """The YAML file a record came from ("partners", "case-study" or "session")."""
        return self.sources[(kind, id)]


def _members(annotation: Any) -> list[Any]:
    """The types a field's annotation may hold, through Annotated, Optional and unions."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _members(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return [member for arg in get_args(annotation) for member in _members(arg)]
    return [annotation]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    return next((m for m in _members(annotation) if isinstance(m, type) and issubclass(m, BaseModel)), None)


def fields_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    """The fields (by their YAML names) of the mapping at `loc` in a record of `model`, sorted.

    Walks the model's fields along the path, as pydantic gives it: an index steps into a
    list, a union's branch name (errors.UNION_TAGS) stays at the union.
    """
    here: Any = model
    for part in loc:
        if isinstance(part, int):
            here = next((get_args(m)[0] for m in _members(here) if get_origin(m) is list), None)
        elif part not in UNION_TAGS:
            found = _model_in(here)
            fields = {f.alias or name: f for name, f in found.model_fields.items()} if found else {}
            here = fields[part].annotation if part in fields else None
    found = _model_in(here)
    return sorted(f.alias or name for name, f in found.model_fields.items()) if found else []


#: The models `validate` checks records against, by the name pydantic gives their errors.
_RECORD_MODELS: dict[str, type[BaseModel]] = {m.__name__: m for m in (Partner, CaseStudy, Session)}


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


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
        text = _message(error, _RECORD_MODELS.get(exc.title))
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
        warnings.extend(record.remember("scan", lambda: scan(record)))
        warnings.extend(record.remember("placeholders", lambda: placeholders(record)))
    journal = Journal(root=raw.root, partners={}, case_studies={}, sessions=[])

    if raw.partners is not None and raw.partners.text is not None:
        _validate_partners(raw.partners, journal, errors, warnings)
    mentions = _mentions(journal.partners)
    for record in raw.records():
        warnings.extend(mentions(record))
    for record in raw.case_studies:
        data = _with_id(record, errors)
        if data is None:
            continue
        try:
            study = CaseStudy.model_validate(data)
        except ValidationError as e:
            errors.extend(_errors_from(e, record))
            continue
        if _claim(journal, "case-study", study.id, record, errors):
            journal.case_studies[study.id] = study
    for record in _taken(raw.sessions) if release else raw.sessions:
        data = _with_id(record, errors)
        if data is None:
            continue
        _check_references(data, _Checker(record, errors, warnings), journal)
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
    substitutions = privacy.anonymous_substitutions(partners)
    anonymous = frozenset(id for id, p in partners.items() if p.anonymous)
    return lambda record: record.remember(key, lambda: privacy.mentions(record, substitutions, anonymous))


def _texts(value: Any, loc: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        yield loc, value
    pairs = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in pairs:
        yield from _texts(item, (*loc, key))


def placeholders(record: Record) -> list[LocatedError]:
    """A warning for each text of a record that is still a placeholder `pjournal new` wrote."""
    found: list[LocatedError] = []
    check = _Checker(record, [], found)
    for loc, text in _texts(record.data):
        if _PLACEHOLDER.fullmatch(text.strip()):
            check.add(loc, "still the placeholder from 'pjournal new'; replace it", warning=True)
    return found


def _session(record: Record, data: dict[str, Any]) -> Session:
    """The record's Session, validated once per version of the file (serve re-validates only edits)."""
    return record.remember("session", lambda: Session.model_validate(data))


def _validate_partners(record: Record, journal: Journal, errors: list[LocatedError], warnings: list[LocatedError]) -> None:
    if not isinstance(record.data, list):
        errors.append(LocatedError(record.display, 1, 1, f"expected a list of partners, found {_show(record.data)}"))
        return
    check = _Checker(record, errors, warnings)
    for index, item in enumerate(record.data):
        try:
            partner = Partner.model_validate(item)
        except ValidationError as e:
            errors.extend(_errors_from(e, record, (index,)))
            continue
        if (reason := reserved_reason(partner.id)) is not None:
            check.add((index, "id"), f"{reason}; choose another id")
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


def _check_references(data: dict[str, Any], check: _Checker, journal: Journal) -> None:
    """Every id a session names must exist, and name a partner of the session.

    Works on the raw mapping, so a record with a type error still gets its references checked.
    """
    known = journal.partners
    listed = {_ref(p, "partner") for _, p in _items(data, "partners")}

    def partner(loc: tuple[str | int, ...], id: str | None) -> None:
        if id is None:
            return
        if id not in known:
            near = difflib.get_close_matches(id, list(known), n=1)
            hint = f"; did you mean '{near[0]}'?" if near else ""
            check.add(loc, f"unknown partner '{id}'{hint}")
        elif id not in listed:
            check.add(loc, f"'{id}' is not listed in this session's partners", warning=True)

    seen: set[str] = set()
    for i, p in _items(data, "partners"):
        id = _ref(p, "partner")
        partner(("partners", i, "partner"), id)
        if id in seen:
            check.add(("partners", i, "partner"), f"partner '{id}' is listed twice")
        seen.add(id or "")
    case_study = data.get("case_study")
    if isinstance(case_study, str) and case_study not in journal.case_studies:
        near = difflib.get_close_matches(case_study, list(journal.case_studies), n=1)
        hint = f"; did you mean '{near[0]}'?" if near else ""
        check.add(("case_study",), f"unknown case study '{case_study}'{hint}")
    for i, c in _items(data, "contributions"):
        partner(("contributions", i, "by"), _ref(c, "by"))
    for i, d in _items(data, "disagreements"):
        sides = set()
        for j, p in _items(d, "positions"):
            partner(("disagreements", i, "positions", j, "by"), _ref(p, "by"))
            sides.add(_ref(p, "by"))
        r = d.get("resolution")
        if not isinstance(r, dict):
            continue
        loc = ("disagreements", i, "resolution")
        adopted = _ref(r, "adopted")
        partner((*loc, "decided_by"), _ref(r, "decided_by"))
        partner((*loc, "adopted"), adopted)
        if r.get("outcome") == "adopted" and adopted is None:
            check.add(loc, "outcome 'adopted' needs 'adopted': whose position was adopted")
        elif adopted is not None and adopted in known and adopted not in sides:
            taken = ", ".join(sorted(s for s in sides if s))
            check.add((*loc, "adopted"), f"'{adopted}' took no position in this disagreement (positions by {taken})")
        elif adopted is not None and r.get("outcome") != "adopted":
            check.add((*loc, "adopted"), f"'adopted' is ignored when outcome is '{r.get('outcome')}'", warning=True)
    for name in ("feedback", "handoffs"):
        for i, item in _items(data, name):
            partner((name, i, "from"), _ref(item, "from"))
            partner((name, i, "to"), _ref(item, "to"))
    kinds = {known[id].kind for id in listed if id in known}
    if kinds and kinds != {"human", "ai"} and listed <= set(known):
        missing = "AI" if "ai" not in kinds else "human"
        check.add(("partners",), f"session has no {missing} partner; the journal is about human-AI work", warning=True)
