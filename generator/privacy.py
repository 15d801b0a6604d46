"""What must not be published: secrets, anonymous partners' names, and what `redact` blanks out.

`scan` finds likely secrets and e-mail addresses in a record's raw data, and `mentions` an
anonymous partner's name or id in any text or file name, each located, as warnings (a build
fails on them only under --strict). `redact` then makes the validated journal publishable
before anything is rendered: every match of the site's patterns becomes "[redacted]", and
every mention of an anonymous partner its public name, in the text a reader sees (emphasis
in the middle of a name does not hide it), in tags and in the ids that become addresses;
so pages, search index, JSON export and feed all follow.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_origin

import regex
from pydantic import BaseModel

from .errors import JournalError, LocatedError, UserError, format_loc
from .load import Record, display_path, joined, locate, strings
from .routes import slugify, unique_slug

from .model import ref_fields, ref_keys

if TYPE_CHECKING:
    from .model import Journal, Partner

REDACTED = "[redacted]"
#: What a redacted part of an id becomes in an address.
REDACTED_SLUG = "redacted"
#: How long one pattern may search one text: a pattern that backtracks without end stops the build
#: with its name and the record, instead of hanging it.
PATTERN_SECONDS = 1.0

#: Shapes of credentials that should never be in a record, each with the name a warning uses.
@dataclasses.dataclass(frozen=True)
class Secret:
    """A shape of credential that should never be in a record; `marks` are pieces of text (lower
    case) of which every match holds one: a text with none of them needs no search, and `in`
    says so far faster than a pattern that starts with \\b."""

    name: str  # as a warning says it: "text looks like a private key"
    pattern: re.Pattern[str]
    marks: tuple[str, ...]

    def found_in(self, text: str, lowered: str) -> bool:
        return any(mark in lowered for mark in self.marks) and self.pattern.search(text) is not None


SECRETS: tuple[Secret, ...] = (
    Secret("a private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"), ("-----begin",)),
    Secret("an AWS access key", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"), ("akia", "asia")),
    Secret("a GitHub token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})"),
           ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_")),
    Secret("a Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"), ("xox",)),
    Secret("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"), ("aiza",)),
    Secret("an API key", re.compile(r"\bsk-[A-Za-z0-9_-]{20,}"), ("sk-",)),
    Secret("a JSON web token", re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"), ("eyj",)),
    Secret("a password or key assignment",
           re.compile(r"\b(?i:api[_-]?key|secret|token|password|passwd)\b\s*[:=]\s*['\"]?[^\s'\"]{8,}"),
           ("api", "secret", "token", "passw")),
    Secret("an e-mail address", re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"), ("@",)),
)  # fmt: skip


def secret_in(text: str) -> Secret | None:
    """The first shape of secret the text holds, or None."""
    lowered = text.lower()
    return next((secret for secret in SECRETS if secret.found_in(text, lowered)), None)


#: Keys of a record that name a partner by id (the model's `PartnerRef` fields, as written in YAML):
#: an anonymous partner's id is expected there, and the export writes its public slug in its place.
PARTNER_KEYS = ref_keys("partner")


def scan(record: Record, text: str | None = None) -> list[LocatedError]:
    """A warning for each text value of a record that looks like a secret or an e-mail address;
    `text` is the record's `joined` text when the caller has it."""
    found: list[LocatedError] = []
    if secret_in(joined(record.data) if text is None else text) is None:  # one look at all of a record's text,
        return found  # for most records
    for loc, text in strings(record.data):
        secret = secret_in(text)
        if secret is not None:
            line, col = locate(record.node, loc)
            where = format_loc(loc)
            message = f"text looks like {secret.name}; remove it, or add a 'redact' pattern for it"
            found.append(LocatedError(record.display, line, col, f"{where}: {message}" if where else message, "warning"))
    return found




# How partners appear


@dataclasses.dataclass(frozen=True)
class PublicPartner:
    """How a partner appears in the site: an anonymous partner never by name or id."""

    id: str
    name: str
    slug: str
    kind: str
    anonymous: bool


def public_partners(partners: dict[str, Partner]) -> dict[str, PublicPartner]:
    """Published names and page slugs; "Human partner 2" is the second human in partners.yaml.

    An anonymous partner's slug is made from its public name, and is never any partner's id.
    """
    taken = set(partners)
    numbers: Counter[str] = Counter()
    result = {}
    for id, p in partners.items():
        numbers[p.kind] += 1
        if not p.anonymous:
            result[id] = PublicPartner(id, p.name, id, p.kind, False)
            continue
        name = p.alias or f"{'Human' if p.kind == 'human' else 'AI'} partner {numbers[p.kind]}"
        slug = unique_slug(slugify(name), taken, f"partner-{numbers[p.kind]}")
        result[id] = PublicPartner(id, name, slug, p.kind, True)
    return result


# Anonymous partners in text


@dataclasses.dataclass(frozen=True)
class Substitution:
    """A pattern to take out of everything published: in text it becomes `text`, in an id `slug`."""

    pattern: regex.Pattern[str]
    text: str
    slug: str
    label: str  # for messages; never the matched text itself
    timeout: float | None = PATTERN_SECONDS  # None for our own patterns: words and lookarounds, linear
    #: Words of which every match holds one, or None: a text that holds none of them, nor does what
    #: a reader sees of it, needs no search (which costs ten times more than looking for a word).
    words: tuple[str, ...] | None = None


def _name_pattern(name: str) -> str:
    """A name as a reader may meet it: any case, any spacing between its words, as a whole word."""
    words = [regex.escape(w) for w in name.split()]
    return r"(?<![\w])" + r"\s+".join(words) + r"(?![\w])"


def _id_pattern(id: str) -> str:
    """An id as a whole word, in text or inside another id ("2026-01-qz-notes" names "qz")."""
    return r"(?<![a-z0-9])" + regex.escape(id) + r"(?![a-z0-9])"


def anonymous_substitutions(partners: dict[str, Partner]) -> list[Substitution]:
    """For each anonymous partner, its name or id, to be replaced by its public name and slug."""
    public = public_partners(partners)
    found = []
    for id, p in partners.items():
        if not p.anonymous:
            continue
        shown = public[id]
        # an alias that holds the name or id publishes it anyway: then that one is no mention
        kept = [(pattern, word) for pattern, word in ((_name_pattern(p.name), p.name.split()[:1]), (_id_pattern(id), [id]))
                if not _compiled(pattern).search(shown.name)]  # fmt: skip
        if kept:
            label = f"the anonymous partner published as '{shown.name}'"
            words = tuple(w for _, first in kept for w in first)
            found.append(Substitution(_compiled("|".join(pattern for pattern, _ in kept)), shown.name, shown.slug,
                                      label, None, words if len(words) == len(kept) else None))  # fmt: skip
    return found


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> regex.Pattern[str]:
    return regex.compile(pattern, regex.IGNORECASE | regex.V0)


def visible(text: str) -> str:
    """The text a reader sees of a field's Markdown, near enough to find a name in it:
    "Quentin *Zabriskie*" reads "Quentin Zabriskie", "[Quentin](x) Z&#97;briskie" reads
    "Quentin Zabriskie". Formatting marks, link targets, tags and invisible characters go.
    Runs on every text of every record: each step only where its character occurs."""
    if not _MARKED.search(text):
        return text
    if "[" in text:
        text = _LINK.sub(r"\1", text)
    if "<" in text:
        text = _TAG.sub("", text)
    text = text.translate(_DROPPED)
    if "&" in text:
        text = html.unescape(text).translate(_DROPPED)
    return " ".join(text.split())


_MARKED = re.compile("[\\[<&\\\\`*_~\u00ad\u200b-\u200f\u2060-\u2064\ufeff]|\\s\\s|[\\t\\n\\r]")
_LINK = re.compile(r"!?\[([^\]\x00]*)\]\([^)\x00]*\)")  # never across load.SEPARATOR
_TAG = re.compile(r"<[^>\s\x00]*>")
#: Formatting marks, and characters a reader does not see (soft hyphen, zero-width ones).
_DROPPED = str.maketrans("", "", "\\`*_~\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff")


def _hits(text: str, substitutions: list[Substitution]) -> Substitution | None:
    """The first substitution whose pattern occurs in the text or in what a reader sees of it."""
    seen = None
    for sub in substitutions:
        if sub.words is not None and not _may_hold(sub.words, text):
            continue
        seen = visible(text) if seen is None else seen
        if _search(sub, text) or (seen != text and _search(sub, seen)):
            return sub
    return None


def _may_hold(words: tuple[str, ...], text: str) -> bool:
    """Whether one of the words may be in the text or in what a reader sees of it, in any case. Without
    a link, a tag or an entity, the reader sees the text without its formatting marks (spacing aside)."""
    if "[" in text or "<" in text or "&" in text:
        return True
    return any(_holds(word, seen) for seen in (text, text.translate(_DROPPED)) for word in words)


def _holds(word: str, text: str) -> bool:
    """Whether the text holds the word, in any case, as our IGNORECASE patterns see case. ASCII letters
    are the same as one another only in another case, so two ASCII texts need no pattern."""
    if word.isascii() and text.isascii():
        return word.lower() in text.lower()
    return _compiled(regex.escape(word)).search(text) is not None


def _search(sub: Substitution, text: str) -> bool:
    return sub.pattern.search(text, timeout=sub.timeout) is not None


def mentions(record: Record, substitutions: list[Substitution], anonymous: frozenset[str]) -> list[LocatedError]:
    """A warning for each text of a record, and for its file name, that names an anonymous partner.

    `substitutions` are those of `anonymous_substitutions`, `anonymous` the partners' ids.
    Reference fields (`by: reviewer`) are where the id belongs; partners.yaml's own entry for the
    partner holds its name and id. The warning names the partner by its public name only: check's
    output goes into CI logs, which may be public.
    """
    if not substitutions:
        return []
    found = []
    own = {(i, key) for i, item in enumerate(record.data)
           if isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"] in anonymous
           for key in ("id", "name")} if isinstance(record.data, list) else set()  # fmt: skip
    texts: list[tuple[tuple[str | int, ...], str]] = []
    if own or _hits(joined(record.data, PARTNER_KEYS), substitutions) is not None:  # most records: one search says
        texts = [(loc, text) for loc, text in strings(record.data)   # none of their texts names the partner
                 if not (loc in own or (loc and loc[-1] in PARTNER_KEYS))]  # fmt: skip
    for loc, text in texts:
        sub = _hits(text, substitutions)
        if sub is not None:
            line, col = locate(record.node, loc)
            message = f"{format_loc(loc)}: names {sub.label}; write that name instead (the build replaces it)"
            found.append(LocatedError(record.display, line, col, message, "warning"))
    sub = _hits(record.display, substitutions)
    if sub is not None:
        found.append(LocatedError(record.display, 0, 0, f"file name names {sub.label}; rename the file "
                                  "(its edit link is left out of the site)", "warning"))  # fmt: skip
    return found


# Redaction


class PatternError(UserError):
    """A `redact` pattern that is not a regular expression."""


def compile_patterns(patterns: list[str]) -> list[regex.Pattern[str]]:
    """The `redact` option's patterns; a bad one raises PatternError naming it.

    The `regex` engine, so that a pattern that backtracks without end can be stopped
    (PATTERN_SECONDS) rather than hang a build.
    """
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(regex.compile(pattern, regex.V0))
        except regex.error as e:
            raise PatternError(f"redact: {pattern!r} is not a valid regular expression ({e})") from None
    return compiled


class Redacted:
    """Records as last redacted, kept across rebuilds (`serve`): a record is cleaned again only
    when it is a new object (its file changed) or what cleaning depends on did (the `key`: the
    substitutions and the renamed ids). The cleaned record stays the same object, so the pages
    made from it are kept too. Likewise whether a record's path holds a match."""

    def __init__(self) -> None:
        self.key: tuple[Any, ...] = ()
        self.records: dict[tuple[str, str], tuple[BaseModel, BaseModel]] = {}
        self.paths: dict[Path, bool] = {}  # whether a record's path, shown in its edit link, holds a match


def redact(journal: Journal, patterns: list[regex.Pattern[str]], memo: Redacted | None = None) -> Journal:
    """The journal as it may be published: redact patterns and anonymous partners' names taken out.

    Text: every match becomes "[redacted]" (or the partner's public name). Ids that become
    addresses (sessions, case studies, partners) lose the match the same way ("redacted", or the
    public slug), numbered where two would meet. Records that nothing touches are returned as
    they are, so `serve` keeps its per-session caches; with a `memo`, so are those it touched
    when they are unchanged. Raises JournalError when a pattern takes too long on a text, naming
    the pattern and the record.
    """
    substitutions = [Substitution(p, REDACTED, REDACTED_SLUG, f"redact pattern {p.pattern!r}") for p in patterns]
    substitutions += anonymous_substitutions(journal.partners)
    if not substitutions:
        return journal
    cleaner = _Cleaner(substitutions, journal)
    partner_ids = cleaner.ids("partners", [id for id, p in journal.partners.items() if not p.anonymous])
    study_ids = cleaner.ids("case-study", list(journal.case_studies))
    session_ids = cleaner.ids("session", [s.id for s in journal.sessions])
    refs = {"partner": partner_ids, "case-study": study_ids}
    memo = memo if memo is not None else Redacted()
    key = (tuple((s.pattern.pattern, s.pattern.flags, s.text, s.slug, s.words) for s in substitutions),
           *(tuple(sorted(ids.items())) for ids in (partner_ids, study_ids, session_ids)))  # fmt: skip
    last_round = memo.records if key == memo.key else {}
    kept: dict[tuple[str, str], tuple[BaseModel, BaseModel]] = {}

    def record(value: BaseModel, kind: str, id: str, new_id: str) -> Any:
        last = last_round.get((kind, id))
        if last is not None and last[0] is value:
            cleaned = last[1]
        else:
            cleaner.where = (kind, id)
            cleaned = cleaner.clean(value, "", refs)
            cleaned = cleaned.model_copy(update={"id": new_id}) if new_id != id else cleaned
        kept[(kind, id)] = (value, cleaned)
        return cleaned

    public = public_partners(journal.partners)
    partners = {}
    for id, p in journal.partners.items():
        if p.anonymous:  # nothing of it but its public name may reach the site
            p = p.model_copy(update={"name": public[id].name, "description": None})
        partners[partner_ids.get(id, id)] = record(p, "partners", id, partner_ids.get(id, id))
    studies = {study_ids.get(id, id): record(c, "case-study", id, study_ids.get(id, id))
               for id, c in journal.case_studies.items()}  # fmt: skip
    sessions = [record(s, "session", s.id, session_ids.get(s.id, s.id)) for s in journal.sessions]
    renamed = {"partners": partner_ids, "case-study": study_ids, "session": session_ids}
    sources: dict[tuple[str, str], Path | None] = {}
    last_paths = memo.paths if key == memo.key else {}
    paths: dict[Path, bool] = {}
    for (kind, id), path in journal.sources.items():
        if path is not None:
            named = paths[path] = last_paths[path] if path in last_paths else cleaner.names_something(path)
        sources[(kind, renamed[kind].get(id, id))] = None if path is None or named else path
    memo.key, memo.records, memo.paths = key, kept, paths
    return dataclasses.replace(journal, partners=partners, case_studies=studies, sessions=sessions, sources=sources)


def _escaped(plain: str) -> str:
    """Plain text as Markdown that reads as exactly that text."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!>])", r"\\\1", plain)


@lru_cache(maxsize=64)
def _literal_fields(model: type[BaseModel]) -> frozenset[str]:
    """A model's enum fields (kind, outcome, status, ...): never text, never redacted."""
    return frozenset(n for n, f in model.model_fields.items() if get_origin(f.annotation) is Literal)


class _Cleaner:
    """Applies the substitutions to a journal's text and ids; `where` names the record being cleaned."""

    def __init__(self, substitutions: list[Substitution], journal: Journal):
        self.substitutions = substitutions
        self.journal = journal
        self.where: tuple[str, str] = ("", "")

    def _fail(self, sub: Substitution, field: str) -> JournalError:
        kind, id = self.where
        path = self.journal.sources.get((kind, id))
        shown = display_path(path, self.journal.root) if path is not None else f"{kind} '{id}'"
        return JournalError([LocatedError(shown, message=f"{field or 'id'}: {sub.label} took more than "
                             f"{PATTERN_SECONDS:g} s on this text; write it without nested repetition")])  # fmt: skip

    def _sub(self, sub: Substitution, text: str, replacement: str, field: str) -> str:
        try:
            return sub.pattern.sub(lambda _: replacement, text, timeout=sub.timeout)
        except TimeoutError:
            raise self._fail(sub, field) from None

    def _hits(self, text: str, field: str) -> bool:
        try:
            return _hits(text, self.substitutions) is not None
        except TimeoutError:
            raise self._fail(self.substitutions[0], field) from None

    def text(self, value: str, field: str) -> str:
        """The text with every match replaced, in its Markdown and in what a reader sees of it.

        A match that only the reader's view shows (a name split by emphasis) costs its
        paragraph the formatting: that paragraph is published as the plain text it reads as.
        """
        if not self._hits(value, field):
            return value
        for sub in self.substitutions:
            value = self._sub(sub, value, sub.text, field)
        if not self._hits(value, field):
            return value
        paragraphs = value.split("\n\n")
        for i, paragraph in enumerate(paragraphs):
            if self._hits(paragraph, field):
                plain = visible(paragraph)
                for sub in self.substitutions:
                    plain = self._sub(sub, plain, sub.text, field)
                paragraphs[i] = _escaped(plain)
        return "\n\n".join(paragraphs)

    def names_something(self, path: Path) -> bool:
        """Whether a record's path (shown in its edit link) holds a match."""
        return self._hits(display_path(path, self.journal.root), "file name")

    def ids(self, kind: str, ids: list[str]) -> dict[str, str]:
        """New ids for those that hold a match, unique among the ids of their kind."""
        taken = set(ids)
        renamed = {}
        for id in ids:
            self.where = (kind, id)
            new = id
            for sub in self.substitutions:
                new = self._sub(sub, new, sub.slug, "id")
            if new != id:
                renamed[id] = unique_slug(slugify(new), taken, REDACTED_SLUG)
        return renamed

    def clean(self, value: Any, field: str, refs: dict[str, dict[str, str]]) -> Any:
        """The value with its text cleaned and renamed ids followed; the same object when unchanged.

        `id` is the caller's: it is the record's own, renamed with its kind.
        """
        if isinstance(value, BaseModel):
            skip = _literal_fields(type(value)) | {"id"}
            update = {}
            for name in type(value).model_fields:
                item = getattr(value, name)
                if name in skip or item is None:
                    continue
                if (kind := ref_fields(type(value)).get(name)) is not None:
                    new = refs[kind].get(item, item)
                else:
                    new = self.clean(item, name, refs)
                if new is not item:
                    update[name] = new
            return value.model_copy(update=update) if update else value
        if isinstance(value, list):
            items = [self.clean(item, field, refs) for item in value]
            return items if any(a is not b for a, b in zip(items, value)) else value
        if isinstance(value, str):
            cleaned = self.text(value, field)
            return cleaned if cleaned != value else value
        return value
