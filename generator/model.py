"""The record format as typed models: the single statement of every record fact.

Field names are the YAML keys verbatim, so a pydantic error's `loc` is the path the
user sees. Every model forbids unknown fields: a typo must fail, not vanish. A field that
names another record is marked `Ref` on its type (`PartnerRef`), and everything that must
know which fields those are (reference checks, privacy, the export) asks `references`.
`validate.py` turns raw records into a checked `Journal` of these models.
"""

from __future__ import annotations

import datetime as dt
import re
import types
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Iterator, Literal, Union, get_args, get_origin

from pydantic import (
    BaseModel, ConfigDict, Discriminator, Field, Strict, StringConstraints, Tag, ValidatorFunctionWrapHandler,
    WrapValidator,
)  # fmt: skip
from pydantic_core import PydanticCustomError

from .errors import UNION_TAGS, LocatedError

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
#: The longest a text field may be (a title, a summary, a lesson), and a long one (notes, a narrative).
TEXT_MAX = 5_000
LONG_TEXT_MAX = 200_000
#: Text fields take numbers as their text (`title: 2026`): Model's coerce_numbers_to_str.
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TEXT_MAX)]
LongText = Annotated[str, StringConstraints(max_length=LONG_TEXT_MAX)]
#: Numbers, dates and yes/no are strict: `confidence: true` is not 100%, `date: 0` not 1970-01-01.
Confidence = Annotated[float, Strict(), Field(ge=0, le=1)]
Date = Annotated[dt.date, WrapValidator(_date)]
Flag = Annotated[bool, Strict()]

RefKind = Literal["partner", "case-study"]


@dataclass(frozen=True)
class Ref:
    """Marks a field whose value is the id of another record, of this kind. A partner named in a
    session is one of the session's partners, unless `of_session` is False (whoever verified it)."""

    kind: RefKind
    of_session: bool = True


PartnerRef = Annotated[Id, Ref("partner")]
AnyPartnerRef = Annotated[Id, Ref("partner", of_session=False)]
CaseStudyRef = Annotated[Id, Ref("case-study")]

#: The texts `pjournal new` leaves for a person to write (scaffold's template takes them from here,
#: `{partner}` filled in with an id). A record still holding one gets a warning, so `build --strict`
#: fails before a placeholder is published. Exact texts, not any "TODO": "TODO-list app" is a title.
PLACEHOLDERS = {
    "goal": "TODO what this session set out to do",
    "summary": "TODO what {partner} contributed",
    "text": "TODO",
}

#: What `pjournal import` leaves where only a person knows the answer (the goal, roles, confidence,
#: lessons), in values and in comments alike: each one left is a warning, so `build --strict` fails
#: until a person has written them.
IMPORT_TODO = "TODO(import)"
#: The mark that ends a candidate `pjournal import` wrote as a comment (`#   - topic: ...  # candidate: ...`):
#: left commented out in a published record, it is a warning.
IMPORT_CANDIDATE = "# candidate:"

PartnerKind = Literal["human", "ai"]
ContributionKind = Literal[
    "research", "structure", "drafting", "analysis", "exploration",
    "direction", "context", "refinement", "review", "decision", "other",
]  # fmt: skip
Outcome = Literal["adopted", "compromise", "new-approach", "deferred", "unresolved"]
FeedbackAbout = Literal["accuracy", "usefulness", "timing", "style", "process", "other"]
Effort = Literal["small", "medium", "large"]
Status = Literal["draft", "published"]
ImportTool = Literal["claude-code", "codex", "aider", "chatgpt", "git"]


class Model(BaseModel):
    """Base of every record model: unknown fields are errors, numbers may stand for text."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, populate_by_name=True)


class Partner(Model):
    """A human or AI partner, from partners.yaml."""

    id: Id
    name: Text
    kind: PartnerKind
    description: Text | None = None
    model: Text | None = None
    strengths: list[Text] = []
    anonymous: Flag = False
    alias: Text | None = None


class CaseStudy(Model):
    """A narrative that groups sessions."""

    id: Id
    title: Text
    summary: Text
    domain: Text | None = None
    tags: list[Text] = []
    narrative: LongText | None = None

    @property
    def labels(self) -> list[str]:
        """Its domain and tags: the page's tags, the feed entry's categories."""
        return ([self.domain] if self.domain else []) + self.tags
    attribution: Text | None = None


class SessionPartner(Model):
    partner: PartnerRef
    role: Text | None = None


class Verification(Model):
    """How `held_up` was found out: when, by whom, and how. (`date`, not `on`: YAML 1.1 readers,
    PyYAML's safe_load among them, take the key `on` for true.)"""

    date: Date | None = None
    by: AnyPartnerRef | None = None
    note: LongText | None = None


class Contribution(Model):
    by: PartnerRef
    kind: ContributionKind
    summary: Text
    confidence: Confidence | None = None
    uncertainty: Text | None = None
    held_up: Flag | None = None
    verified: Verification | None = None
    effort: Effort | None = None


class Position(Model):
    by: PartnerRef
    stance: Text
    reasoning: Text | None = None
    confidence: Confidence | None = None


class Resolution(Model):
    outcome: Outcome
    adopted: PartnerRef | None = None
    decided_by: PartnerRef | None = None
    summary: Text | None = None


class Disagreement(Model):
    topic: Text
    positions: list[Position] = Field(min_length=1)
    resolution: Resolution | None = None
    held_up: Flag | None = None
    verified: Verification | None = None

    @property
    def outcome(self) -> Outcome:
        """How it ended: a disagreement with no resolution recorded is unresolved."""
        return self.resolution.outcome if self.resolution is not None else "unresolved"

    @property
    def adopted(self) -> str | None:
        """Whose position was adopted: only with the outcome `adopted` (else `adopted` is ignored, with a warning)."""
        return self.resolution.adopted if self.outcome == "adopted" and self.resolution is not None else None


class Feedback(Model):
    from_: PartnerRef = Field(alias="from")
    to: PartnerRef
    about: FeedbackAbout
    text: Text
    acted_on: Flag | None = None


class Handoff(Model):
    from_: PartnerRef = Field(alias="from")
    to: PartnerRef
    what: Text


class Lesson(Model):
    lesson: Text
    tags: list[Text] = []


class ImportedFrom(Model):
    """Where `pjournal import` drafted a session from: never shown on a page."""

    tool: ImportTool
    session: Text
    digest: Text


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
    status: Status = "published"
    case_study: CaseStudyRef | None = None
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
    attribution: Text | None = None
    initiative: PartnerKind = "human"
    human_review: Flag | None = None
    notes: LongText | None = None
    imported_from: ImportedFrom | None = None

    @property
    def labels(self) -> list[str]:
        """Its domain and tags: the page's tags, the feed entry's categories."""
        return ([self.domain] if self.domain else []) + self.tags

    @property
    def lesson_entries(self) -> list[Lesson]:
        """Lessons in one shape: plain strings become untagged entries."""
        return [item if isinstance(item, Lesson) else Lesson.model_construct(lesson=item) for item in self.lessons]


@dataclass
class Journal:
    """A validated journal: partners and case studies by id, sessions by date."""

    root: Path
    partners: dict[str, Partner]
    case_studies: dict[str, CaseStudy]
    sessions: list[Session]
    sources: dict[tuple[str, str], Path | None] = field(default_factory=dict)
    warnings: list[LocatedError] = field(default_factory=list)

    def source(self, kind: str, id: str) -> Path | None:
        """The YAML file a record came from ("partners", "case-study" or "session"); None where
        its path may not be published (it names an anonymous partner: see privacy.redact)."""
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
    return next((m for m in _members(annotation) if _is_model(m)), None)


def _sub_model(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds, itself or as the items of a list (`list[Contribution]`)."""
    for member in _members(annotation):
        if _is_model(member):
            return member
        if get_origin(member) is list and (inner := _sub_model(get_args(member)[0])) is not None:
            return inner
    return None


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


#: The models validate checks records against, by the name pydantic gives their errors.
RECORD_MODELS: dict[str, type[BaseModel]] = {m.__name__: m for m in (Partner, CaseStudy, Session)}


def ref_of(annotation: Any) -> Ref | None:
    """The `Ref` mark of a field's type (`PartnerRef | None` -> Ref("partner")), or None."""
    if get_origin(annotation) is Annotated:
        found = next((m for m in annotation.__metadata__ if isinstance(m, Ref)), None)
        return found or ref_of(get_args(annotation)[0])
    if get_origin(annotation) in (Union, types.UnionType):
        return next((ref for arg in get_args(annotation) if (ref := ref_of(arg)) is not None), None)
    return None


@lru_cache(maxsize=None)
def refs_of(model: type[BaseModel]) -> dict[str, Ref]:
    """A model's fields that name another record, by Python name, with their marks."""
    return {name: ref for name, f in model.model_fields.items()
            if (ref := ref_of(Annotated[f.annotation, *f.metadata] if f.metadata else f.annotation))}  # fmt: skip


def ref_fields(model: type[BaseModel]) -> dict[str, RefKind]:
    """A model's fields that name another record, by Python name, with the kind they name."""
    return {name: ref.kind for name, ref in refs_of(model).items()}


@lru_cache(maxsize=None)
def _all_models() -> frozenset[type[BaseModel]]:
    """Every model a record is made of: the record models and those inside them."""
    models: set[type[BaseModel]] = set()
    pending = list(RECORD_MODELS.values())
    while pending:
        model = pending.pop()
        if model not in models:
            models.add(model)
            pending += [m for f in model.model_fields.values() if (m := _sub_model(f.annotation)) is not None]
    return frozenset(models)


def ref_keys(kind: RefKind) -> frozenset[str]:
    """The YAML keys that name a record of this kind, in any record model."""
    return frozenset(model.model_fields[name].alias or name for model in _all_models()
                     for name, k in ref_fields(model).items() if k == kind)  # fmt: skip


@lru_cache(maxsize=None)
def _long_text_keys() -> frozenset[str]:
    """The YAML keys of the fields that take long text (`LongText`), in any record model."""
    return frozenset(f.alias or name for model in _all_models() for name, f in model.model_fields.items()
                     if f.annotation == LongText or LongText in get_args(f.annotation))  # fmt: skip


def text_limit(loc: tuple[str | int, ...]) -> int:
    """The longest a text at `loc` in a raw record may be: its field's limit (LONG_TEXT_MAX for a long
    text's key, else TEXT_MAX, also where no model has the key: such a field is an error anyway)."""
    key = next((part for part in reversed(loc) if isinstance(part, str)), "")
    return LONG_TEXT_MAX if key in _long_text_keys() else TEXT_MAX


def references(data: Any, model: type[BaseModel], loc: tuple[str | int, ...] = ()
               ) -> Iterator[tuple[tuple[str | int, ...], Ref, str]]:  # fmt: skip
    """(path, mark, id) of every reference in a raw record, however malformed the rest of it is:
    the fields marked `Ref` in the model, followed through sub-records and lists."""
    if not isinstance(data, dict):
        return
    for key, ref, inner in _reference_plan(model):
        if key not in data:
            continue
        value = data[key]
        if ref is not None:
            if isinstance(value, str):
                yield (*loc, key), ref, value
            continue
        if isinstance(value, list):
            for i, item in enumerate(value):
                yield from references(item, inner, (*loc, key, i))
        else:
            yield from references(value, inner, (*loc, key))


@lru_cache(maxsize=None)
def _reference_plan(model: type[BaseModel]) -> tuple[tuple[str, Ref | None, Any], ...]:
    """The fields `references` looks at in a model, by YAML key: those that name a record (with their
    mark) and those that hold sub-records (with their model), worked out once per model."""
    refs = refs_of(model)
    plan = []
    for name, f in model.model_fields.items():
        if name in refs:
            plan.append((f.alias or name, refs[name], None))
        elif (inner := _sub_model(f.annotation)) is not None:
            plan.append((f.alias or name, None, inner))
    return tuple(plan)


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


#: What each field of a record means, by model and YAML key: the one statement of it. The JSON
#: Schemas give it as the field's description (what an editor shows on hover), and the tables of
#: docs/record-format.md repeat it word for word (tests/test_docs.py holds them to it).
FIELD_DOCS: dict[type[BaseModel], dict[str, str]] = {
    Partner: {
        "id": "How sessions refer to this partner. Also the partner page's address, unless the partner is anonymous.",
        "name": "The name shown on every page that mentions the partner. Never published for an anonymous partner.",
        "kind": (
            "Whether the partner is a person or an AI system. Shown in the partner tables and used for the "
            "attribution statements."
        ),
        "description": (
            "A sentence or two about the partner, shown on the partner page. Not published for an anonymous "
            "partner."
        ),
        "model": (
            "Which AI system the partner is. Allowed only when `kind: ai`. Shown next to \"AI partner\" on the "
            "partner page."
        ),
        "strengths": "What the partner is good at. Shown on the partner page and in the Partners list.",
        "anonymous": (
            "Default `false`. When `true`, the partner is published only under `alias` or a generated label; its "
            "name or id written in any other record's text, tags or file names is a warning, and published as the"
            " alias."
        ),
        "alias": "The published name of an anonymous partner. Used only together with `anonymous: true`.",
    },
    CaseStudy: {
        "id": "Defaults to the file name. The case study page's address.",
        "title": "The page title, also used in the navigation and in links to the case study.",
        "summary": "One or two sentences, shown under the title and in the list of case studies.",
        "domain": "The field of work, such as `creative` or `healthcare`. Becomes a page tag.",
        "tags": "More page tags.",
        "narrative": "The story of the case study, shown under the summary.",
        "attribution": (
            "Replaces the generated attribution statement, such as \"AI handling structure and research synthesis,"
            " human providing direction and refinement.\""
        ),
    },
    Session: {
        "id": "Defaults to the file name. The session page's address.",
        "title": "The page title, also used in the navigation and in links to the session.",
        "date": "When the session took place. Orders the sessions and groups them by year.",
        "status": (
            "Default `published`. A draft is checked but left out of the site unless you build or serve with "
            "`--drafts`; it is then marked as a draft."
        ),
        "case_study": "The case study this session belongs to. Must be an existing case study.",
        "domain": "The field of work. Shown under the title and becomes a page tag.",
        "tags": "More page tags.",
        "partners": "Who took part. Shown in the Partners table.",
        "goal": "What the session set out to do. Shown under the title and in the case study's list of sessions.",
        "constraints": "Limits the work had to respect. Shown as a list.",
        "contributions": "What each partner did. Shown in the Contributions table and counted in the charts.",
        "disagreements": "Where the partners disagreed and how it was resolved.",
        "feedback": "Feedback one partner gave another. Shown in the Feedback table.",
        "handoffs": "Work passed from one partner to another. Shown as a list.",
        "outcome": "What came out of the session. Shown under Outcome.",
        "lessons": (
            "What was learned. Each item is either a plain string or a mapping with `lesson` and `tags`. Shown on"
            " the session page and collected on the case study page."
        ),
        "attribution": "Replaces the attribution statement generated from the contributions.",
        "initiative": (
            "Who started the work: `human` (the AI was asked, the default) or `ai` (the AI made unprompted "
            "contributions). The *initiative* of the AI Attribution statement: `Hin` or `Ain`."
        ),
        "human_review": (
            "Whether a human reviewed and approved the AI's work. When absent, a session counts as reviewed when "
            "a human partner contributed `review`, `refinement` or `decision` work, or decided a disagreement. "
            "The *review* of the AI Attribution statement: `R` or `Nr`."
        ),
        "notes": "Anything else, in Markdown. Shown under Notes at the end of the page.",
        "imported_from": (
            "Written by `pjournal import`: where the draft came from. Exported in `journal.json`, never shown on a "
            "page."
        ),
    },
    ImportedFrom: {
        "tool": "What the session was imported from.",
        "session": "The session's id in that tool's files (for a git range, its first and last commit).",
        "digest": "`sha256:` and the SHA-256 of what was read, so that a later import can tell whether it changed.",
    },
    SessionPartner: {
        "partner": "A partner from `partners.yaml`. Each partner may be listed once per session.",
        "role": (
            "What the partner did in this session. Shown on the session page and in the session list of the "
            "partner page."
        ),
    },
    Contribution: {
        "by": "The partner who made the contribution.",
        "kind": "The kind of work. Counted in the charts and the attribution statement.",
        "summary": "What the contribution was.",
        "confidence": (
            "How sure the contributor said it was. Shown as a percentage under \"Stated confidence\", or \"not "
            "stated\"."
        ),
        "uncertainty": "What the contributor said it was unsure about. Shown under \"Unsure about\".",
        "held_up": (
            "Whether the contribution proved right when checked later. Shown as \"held up\", \"did not hold up\" or "
            "\"not verified\" (without a promise that it ever will be)."
        ),
        "verified": "How `held_up` was found out: when, by whom, how. Shown beside it. A warning without `held_up`.",
        "effort": (
            "How much work the contribution was. When any contribution of the sessions an attribution covers has "
            "one, the AI share in the AI Attribution statement and the kinds named in the attribution sentence "
            "weigh each contribution 1, 2 or 4 (one without a rating as medium), and the statement says so. "
            "Without any, each contribution counts once."
        ),
    },
    Verification: {
        "date": (
            "When it was found out: not before the session (a warning otherwise). Shown with the days since the "
            "session. (Not `on`: YAML 1.1 readers take that key for `true`.)"
        ),
        "by": "Who found it out: any partner, not only the session's.",
        "note": "How it was found out.",
    },
    Position: {
        "by": "The partner who held this position.",
        "stance": "The position.",
        "reasoning": "Why the partner held it.",
        "confidence": "How sure the partner said it was.",
    },
    Resolution: {
        "outcome": "How the disagreement ended.",
        "adopted": "Whose position was adopted. Must be a partner who has a position in this disagreement.",
        "decided_by": "The partner who made the decision.",
        "summary": "What was decided.",
    },
    Disagreement: {
        "topic": "What the disagreement was about. Its heading on the session page.",
        "positions": "Each side's position. Shown side by side in a table.",
        "resolution": (
            "How it was settled. Without one, the page says \"none recorded\" and the case study lists it as "
            "`unresolved`."
        ),
        "held_up": "Whether the resolution proved right when checked later.",
        "verified": "How `held_up` was found out. The ledger's year pages say how many days after the session it was.",
    },
    Feedback: {
        "from": "The partner who gave the feedback.",
        "to": "The partner who received it.",
        "about": "What the feedback was about.",
        "text": "The feedback itself.",
        "acted_on": "Whether the receiver acted on it. Shown as \"yes\", \"no\" or \"not recorded\".",
    },
    Handoff: {
        "from": "The partner who handed the work over.",
        "to": "The partner who took it.",
        "what": "What was handed over.",
    },
    Lesson: {
        "lesson": "What was learned.",
        "tags": "Topics of the lesson, shown in brackets after it on the session page.",
    },
}


#: What each value of an enumerated field means: the schemas' `enumDescriptions`, which editors show
#: when they offer the values.
MEMBER_DOCS: dict[Any, dict[str, str]] = {
    PartnerKind: {"human": "A person.", "ai": "An AI system, such as a language model or an assistant built on one."},
    Status: {
        "draft": "Checked, but left out of the site unless built or served with `--drafts`.",
        "published": "Published (the default).",
    },
    ContributionKind: {
        "research": "Finding and summarising sources, facts or data.",
        "structure": "Outlining, ordering or organising the work.",
        "drafting": "Writing a first version: text, code or other content.",
        "analysis": "Working through data or arguments to a finding.",
        "exploration": "Trying out options or ideas to see what works.",
        "direction": "Setting the goal, the scope or the next step.",
        "context": "Giving background the others did not have.",
        "refinement": "Improving existing work: editing, tightening, polishing.",
        "review": "Checking work for mistakes and judging whether it is right.",
        "decision": "Choosing between options: the final say.",
        "other": "Anything else.",
    },
    Outcome: {
        "adopted": "One partner's position was taken (name it in `adopted`).",
        "compromise": "The partners met in the middle.",
        "new-approach": "Neither position: a third way came out of the disagreement.",
        "deferred": "Put off to later.",
        "unresolved": "Not settled.",
    },
    FeedbackAbout: {
        "accuracy": "Whether the work was correct.",
        "usefulness": "Whether the work helped.",
        "timing": "When something was done or said.",
        "style": "How the work was written or presented.",
        "process": "How the partners worked together.",
        "other": "Anything else.",
    },
    ImportTool: {
        "claude-code": "A Claude Code transcript (JSONL).",
        "codex": "A Codex CLI rollout (JSONL).",
        "aider": "An aider chat history (.aider.chat.history.md).",
        "chatgpt": "A conversation of a ChatGPT data export (conversations.json).",
        "git": "A range of git commits and their trailers.",
    },
    Effort: {"small": "A small part of the work (weight 1).", "medium": "A fair share of the work (weight 2).",
             "large": "Most of the work (weight 4)."},  # fmt: skip
}
