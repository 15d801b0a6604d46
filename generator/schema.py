"""JSON Schemas of the three kinds of record, generated from the models, for editors and CI.

An editor that knows the schema (a `# yaml-language-server: $schema=...` line) completes
field names and flags a wrong enum or an unknown field as one types. The schema can say
less than `pjournal check`: references between records and file names are checked only there.
"""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path
from typing import Any, Literal, get_args
from urllib.parse import unquote, urlsplit

from pydantic import TypeAdapter
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from .errors import LocatedError
from .load import Record
from .model import FIELD_DOCS, MEMBER_DOCS, CaseStudy, Model, Partner, Session

SchemaKind = Literal["session", "partners", "case-study"]
KINDS: tuple[SchemaKind, ...] = ("session", "partners", "case-study")
DRAFT = "https://json-schema.org/draft/2020-12/schema"
#: Where a journal keeps its schemas, which records name in their modeline.
SCHEMA_DIR = ".schema"

#: DESIGN.md's examples, as JSON (dates as ISO strings).
EXAMPLES: dict[SchemaKind, Any] = {
    "partners": [
        {
            "id": "alexa",
            "name": "Alexa",
            "kind": "human",
            "description": "Writer and editor of the blog",
            "strengths": ["creative direction", "emotional resonance"],
        },
        {
            "id": "assistant",
            "name": "Writing assistant",
            "kind": "ai",
            "model": "general-purpose language model",
            "strengths": ["structure", "research synthesis"],
        },
        {"id": "reviewer", "name": "Dr. Jane Roe", "kind": "human", "anonymous": True, "alias": "Second reader"},
    ],
    "case-study": {
        "title": 'Writing "Beyond the Manifesto"',
        "summary": "How a blog post was written by a human and an AI together",
        "domain": "creative",
        "narrative": "Markdown.\n",
    },
    "session": {
        "title": "Drafting the follow-up post",
        "date": "2026-02-03",
        "status": "published",
        "case_study": "writing-beyond-the-manifesto",
        "domain": "creative",
        "partners": [
            {"partner": "alexa", "role": "direction and final edit"},
            {"partner": "assistant", "role": "structure and research synthesis"},
        ],
        "goal": "Turn a manifesto into a practical follow-up post",
        "constraints": ["Under 1,500 words", "Keep the author's voice"],
        "contributions": [
            {
                "by": "assistant",
                "kind": "structure",
                "summary": "Proposed the five-part outline",
                "confidence": 0.8,
                "uncertainty": "Unsure whether case studies belong before or after the framework",
                "held_up": True,
            },
            {"by": "alexa", "kind": "direction", "summary": "Asked for real-world cases before the challenges"},
        ],
        "disagreements": [
            {
                "topic": "Whether to name the medical centers",
                "positions": [
                    {"by": "assistant", "stance": "Name them, for credibility", "confidence": 0.4},
                    {"by": "alexa", "stance": "Keep them anonymous", "reasoning": "No permission to name them"},
                ],
                "resolution": {
                    "outcome": "adopted",
                    "adopted": "alexa",
                    "decided_by": "alexa",
                    "summary": 'Kept anonymous; described as "several medical centers"',
                },
                "held_up": True,
            }
        ],
        "feedback": [
            {
                "from": "alexa",
                "to": "assistant",
                "about": "style",
                "text": "Too many bullet lists; write in paragraphs",
                "acted_on": True,
            }
        ],
        "handoffs": [{"from": "assistant", "to": "alexa", "what": "Outline with open questions marked"}],
        "outcome": 'Published as "Beyond the Manifesto"',
        "lessons": [
            "Friction points are where the real work happens",
            {"lesson": "Ask for trade-offs, not answers", "tags": ["communication"]},
        ],
        "attribution": None,
        "notes": "Free Markdown narrative.\n",
    },
}

_ABOUT: dict[SchemaKind, tuple[str, str]] = {
    "session": (
        "partnership-journal session",
        "One working session between human and AI partners: who took part, what each contributed, "
        "where they disagreed, feedback, handoffs and lessons. A file under sessions/; `id` defaults "
        "to the file name.",
    ),
    "partners": (
        "partnership-journal partners",
        "partners.yaml: every partner of the journal, human or AI.",
    ),
    "case-study": (
        "partnership-journal case study",
        "A narrative that groups sessions. A file under case-studies/; `id` defaults to the file name.",
    ),
}


class RecordSchema(GenerateJsonSchema):
    """JSON Schema that says of text what `pjournal check` does.

    A text field takes a number as its text (`title: 2026`; the models' coerce_numbers_to_str),
    so its type is string or number; ids are strict text. A text that must not be empty is
    stripped first, so it must hold something other than white space.
    """

    def literal_schema(self, schema: core_schema.LiteralSchema) -> JsonSchemaValue:
        """An enum with what each value means (model.MEMBER_DOCS), shown by editors as they offer it."""
        generated = super().literal_schema(schema)
        docs = _MEMBERS.get(tuple(schema["expected"]))
        if docs is not None:
            meanings = [docs[value] for value in schema["expected"]]
            generated["enumDescriptions"] = generated["markdownEnumDescriptions"] = meanings
        return generated

    def str_schema(self, schema: core_schema.StringSchema) -> JsonSchemaValue:
        generated = super().str_schema(schema)
        if Model.model_config.get("coerce_numbers_to_str") and not schema.get("strict"):
            generated["type"] = ["string", "number"]
        if schema.get("strip_whitespace") and schema.get("min_length"):
            generated["pattern"] = r"\S"
        return generated


_MEMBERS = {get_args(members): docs for members, docs in MEMBER_DOCS.items()}
_FIELDS = {model.__name__: docs for model, docs in FIELD_DOCS.items()}


def _describe(generated: dict[str, Any], top: str | None) -> None:
    """Give every field of every model in a generated schema its meaning (model.FIELD_DOCS)."""
    models = [*generated.get("$defs", {}).items(), *([(top, generated)] if top else [])]
    for name, node in models:
        for key, field in node.get("properties", {}).items():
            field["description"] = _FIELDS[name][key]


def json_schema(kind: SchemaKind = "session") -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one kind of record, with a title, description and example."""
    if kind == "partners":
        generated = TypeAdapter(list[Partner]).json_schema(by_alias=True, schema_generator=RecordSchema)
        _describe(generated, None)
    else:
        model = Session if kind == "session" else CaseStudy
        generated = model.model_json_schema(by_alias=True, schema_generator=RecordSchema)
        _describe(generated, model.__name__)
        # The id defaults to the file name, so a record need not give it.
        generated["required"] = [name for name in generated["required"] if name != "id"]
    title, description = _ABOUT[kind]
    return {"$schema": DRAFT, **generated, "title": title, "description": description, "examples": [EXAMPLES[kind]]}


def schema_path(kind: SchemaKind) -> str:
    """Where a journal keeps the schema of one kind of record, relative to the journal folder."""
    return f"{SCHEMA_DIR}/{kind}.json"


def schema_text(kind: SchemaKind = "session") -> str:
    """The schema as the file `init` writes and `pjournal schema` prints: indented JSON."""
    return json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n"


#: The comment that names a record's schema for the YAML language server (VS Code's YAML extension).
MODELINE = re.compile(r"^\s*#\s*yaml-language-server\s*:\s*\$schema=(\S+)")


def _schema_file(record: Path, target: str) -> Path | None:
    """The file a modeline's target names, seen from its record; None for a web address (not fetched)."""
    parts = urlsplit(target)
    if parts.scheme in ("http", "https"):
        return None
    if parts.scheme == "file":
        return Path(unquote(parts.path))
    return record.parent / unquote(target)


def unresolved_modelines(root: Path, records: list[Record]) -> list[LocatedError]:
    """A warning for each record whose `$schema` modeline names a file that is not there: the editor
    then says only "Unable to load schema" and checks nothing (a record moved to another depth)."""
    warnings = []
    for record in records:
        if "yaml-language-server" not in (record.text or ""):
            continue  # most records: no modeline, no line to look at
        for number, line in enumerate((record.text or "").splitlines(), 1):
            found = MODELINE.match(line)
            if found is None:
                continue
            schema = _schema_file(record.path, found.group(1))
            if schema is not None and not schema.is_file():
                right = posixpath.relpath((root / schema_path(record.kind)).as_posix(), record.path.parent.as_posix())
                message = (f"$schema: the yaml-language-server line names {found.group(1)}, which is not there, "
                           f"so editors check nothing in this file; from here the journal's schema is {right}")
                warnings.append(LocatedError(record.display, number, found.start(1) + 1, message, "warning"))
            break
    return warnings
