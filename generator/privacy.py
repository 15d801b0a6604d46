"""What must not be published: text that looks like a secret or an address, and the `redact` option.

`scan` finds likely secrets and e-mail addresses in a record's raw data, each located, as
warnings (a build fails on them only under --strict). `redact` blanks every match of the
site's patterns in the free text of a validated journal, before anything is rendered, so
pages, search index, JSON export and feed all show "[redacted]".
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Any, Iterator

from pydantic import BaseModel

from .errors import LocatedError, format_loc
from .load import Record, locate

if TYPE_CHECKING:  # model imports this module to scan records
    from .model import Journal

REDACTED = "[redacted]"

#: Shapes of credentials that should never be in a record, each with the name a warning uses.
SECRETS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    ("an AWS access key", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("a GitHub token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})")),
    ("a Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("an API key", re.compile(r"\bsk-[A-Za-z0-9_-]{20,}")),
    ("a JSON web token", re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}")),
    (
        "a password or key assignment",
        re.compile(r"\b(?i:api[_-]?key|secret|token|password|passwd)\b\s*[:=]\s*['\"]?[^\s'\"]{8,}"),
    ),
    ("an e-mail address", re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")),
)

#: Every shape at once: one search per text in the common case where nothing matches.
_ANY_SECRET = re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in SECRETS))

#: Fields that hold ids, never free text: redaction leaves them alone so links keep working.
ID_FIELDS = {"id", "by", "partner", "from_", "to", "adopted", "decided_by", "case_study"}


def _strings(value: Any, loc: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*loc, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, (*loc, i))


def scan(record: Record) -> list[LocatedError]:
    """A warning for each text value of a record that looks like a secret or an e-mail address."""
    found = []
    for loc, text in _strings(record.data):
        if not _ANY_SECRET.search(text):
            continue
        for name, pattern in SECRETS:
            if pattern.search(text):
                line, col = locate(record.node, loc)
                where = format_loc(loc)
                message = f"text looks like {name}; remove it, or add a 'redact' pattern for it"
                found.append(LocatedError(record.display, line, col, f"{where}: {message}" if where else message, "warning"))
                break
    return found


def compile_patterns(patterns: list[str]) -> list[re.Pattern[str]]:
    """The `redact` option's patterns; a bad one raises ValueError naming it."""
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern))
        except re.error as e:
            raise ValueError(f"redact: {pattern!r} is not a valid regular expression ({e})") from None
    return compiled


def redact(journal: Journal, patterns: list[re.Pattern[str]]) -> Journal:
    """The journal with every match of the patterns in its free text replaced by "[redacted]"."""
    if not patterns:
        return journal

    def text(value: str) -> str:
        for pattern in patterns:
            value = pattern.sub(REDACTED, value)
        return value

    def clean(value: Any, field: str = "") -> Any:
        if isinstance(value, BaseModel):
            return value.model_copy(update={name: clean(getattr(value, name), name) for name in type(value).model_fields})
        if isinstance(value, list):
            return [clean(item, field) for item in value]
        if isinstance(value, str) and field not in ID_FIELDS:
            return text(value)
        return value

    return dataclasses.replace(
        journal,
        partners={id: clean(p) for id, p in journal.partners.items()},
        case_studies={id: clean(c) for id, c in journal.case_studies.items()},
        sessions=[clean(s) for s in journal.sessions],
    )
