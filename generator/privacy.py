"""What must not be published: secrets, anonymous partners' names and ids, and what `redact` blanks out.

`scan` finds likely secrets and e-mail addresses in a record's raw data, and `Anonymity` an
anonymous partner's name or id in any text: a record's, a file name, the site's config, a page
of the site. Each is a located warning (a build fails on them only under --strict). `redact`
then makes the validated journal publishable before anything is rendered: every mention of an
anonymous partner becomes its public name (its public slug in an id), then every match of the
site's patterns "[redacted]", in the text as written and in what a reader sees of it; so pages,
search index, JSON export, feed and addresses all follow.

A mention is looked for in what a reader sees, however the text was typed: Markdown read as a
reader sees it (`visible`: links of every kind, tags, entities, escapes, emphasis), and the text
as written (link targets and addresses), each with URLs' escapes decoded, then folded
(compatibility forms as their letters, invisible characters, case and accents dropped) and with
`_`, `-`, `.`, `+` between words read as spaces, against the partner's name and id read the same way.

Every regular expression here runs on user text as long as a record may hold, in linear time:
no attempt to match reads past the character that starts the next attempt, or a start is
guarded by a lookbehind so that a run is read once (tests/test_regex_linear.py builds the worst
inputs for each). Only the site's own `redact` patterns, which we do not write, have the
engine's timeout (PATTERN_SECONDS) as their bound.
"""

from __future__ import annotations

import dataclasses
import html
import unicodedata
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Literal, Mapping, get_origin

import regex
from pydantic import BaseModel

from .errors import JournalError, LocatedError, UserError, format_loc
from .load import Record, _position, display_path, joined, locate, strings
from .model import ref_fields, ref_keys
from .routes import slugify, unique_slug

if TYPE_CHECKING:
    from .model import Journal, Partner

REDACTED = "[redacted]"
#: What a redacted part of an id becomes in an address.
REDACTED_SLUG = "redacted"
#: How long one `redact` pattern may search one text: a pattern that backtracks without end stops the
#: build with its name and the record, instead of hanging it.
PATTERN_SECONDS = 1.0


def _compile(pattern: str, flags: int = 0) -> regex.Pattern[str]:
    """One of our patterns on user text: the `regex` engine, reading it as Python's `re` does (V0)."""
    return regex.compile(pattern, flags | regex.V0)


# Secrets


@dataclasses.dataclass(frozen=True)
class Secret:
    """A shape of credential that should never be in a record; `marks` are pieces of text (lower
    case) of which every match holds one: a text with none of them needs no search, and `in`
    says so far faster than a pattern that starts with \\b."""

    name: str  # as a warning says it: "text looks like a private key"
    pattern: regex.Pattern[str]
    marks: tuple[str, ...]

    def found_in(self, text: str, lowered: str) -> bool:
        return any(mark in lowered for mark in self.marks) and self.pattern.search(text) is not None


#: Shapes of credentials that should never be in a record, each with the name a warning uses. A run
#: that may repeat what starts a match (a JSON web token's, an address's) starts only where the run
#: does (a lookbehind), so a long run is read once, not once from each of its characters; an
#: address's domain is read once (possessive), its last label then looked at behind it.
SECRETS: tuple[Secret, ...] = (
    Secret("a private key", _compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"), ("-----begin",)),
    Secret("an AWS access key", _compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"), ("akia", "asia")),
    Secret("a GitHub token", _compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})"),
           ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_")),
    Secret("a Slack token", _compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"), ("xox",)),
    Secret("a Google API key", _compile(r"\bAIza[0-9A-Za-z_-]{35}\b"), ("aiza",)),
    Secret("an API key", _compile(r"\bsk-[A-Za-z0-9_-]{20,}"), ("sk-",)),
    Secret("a JSON web token",
           _compile(r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"), ("eyj",)),
    Secret("a password or key assignment",
           _compile(r"\b(?i:api[_-]?key|secret|token|password|passwd)\b\s*[:=]\s*['\"]?[^\s'\"]{8,}"),
           ("api", "secret", "token", "passw")),
    Secret("an e-mail address",
           _compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*+(?<=\.[A-Za-z]{2,})\b"),
           ("@",)),
)  # fmt: skip


def secret_in(text: str) -> Secret | None:
    """The first shape of secret the text holds, or None."""
    lowered = text.lower()
    return next((secret for secret in SECRETS if secret.found_in(text, lowered)), None)


#: Keys of a record that name a partner by id (the model's `PartnerRef` fields, as written in YAML):
#: an anonymous partner's id is expected there, and the published journal has its public slug there.
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

    An anonymous partner's slug is made from its public name, and is never another partner's id;
    it is its own id only when that id is already that slug (numbered or not), as it is in a
    redacted journal, where `redact` gave it its slug: so the slugs of a redacted journal are those
    of the journal it was made from.
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
        base = slugify(name) or f"partner-{numbers[p.kind]}"
        own = id == base or (id.startswith(f"{base}-") and id[len(base) + 1 :].isdigit())
        result[id] = PublicPartner(id, name, id if own else unique_slug(base, taken, base), p.kind, True)
    return result


# What a reader sees


@dataclasses.dataclass(frozen=True)
class _Read:
    """A text read from another: each of its characters with the span of the original it was read
    from (`starts`, `ends`), or None where the text is the original itself."""

    text: str
    starts: list[int] | None = None
    ends: list[int] | None = None

    def span(self, i: int, j: int) -> tuple[int, int]:
        """The span of the original that `text[i:j]` was read from."""
        if self.starts is None or self.ends is None:
            return i, j
        return self.starts[i], self.ends[j - 1]

    def then(self, outer: _Read) -> _Read:
        """`outer`, read from this text, as read from this text's original."""
        if self.starts is None or self.ends is None:
            return outer
        if outer.starts is None or outer.ends is None:
            return _Read(outer.text, self.starts, self.ends)
        return _Read(outer.text, [self.starts[i] for i in outer.starts], [self.ends[j - 1] for j in outer.ends])


def _read(text: str, tokens: regex.Pattern[str], shown: Callable[[regex.Match[str]], str]) -> _Read:
    """The text with each match of `tokens` replaced by what `shown` says a reader sees of it."""
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    at = 0
    for m in tokens.finditer(text):
        seen = shown(m)
        if seen == m.group():
            continue
        a, b = m.span()
        parts.append(text[at:a])
        starts.extend(range(at, a))
        ends.extend(range(at + 1, a + 1))
        parts.append(seen)
        starts.extend([a] * len(seen))
        ends.extend([b] * len(seen))
        at = b
    if not parts:
        return _Read(text)
    parts.append(text[at:])
    starts.extend(range(at, len(text)))
    ends.extend(range(at + 1, len(text) + 1))
    return _Read("".join(parts), starts, ends)


#: What a reader sees differently from how it is written, whatever else the text is: character
#: references, URLs' %-escapes, and characters nobody sees (soft hyphen, zero-width ones, bidi
#: controls, the combining grapheme joiner, variation selectors, tag characters).
_CHARACTERS = (r"(?P<entity>&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});)"
               r"|(?P<percent>(?:%[0-9A-Fa-f]{2})+)|(?P<ignorable>\p{Default_Ignorable_Code_Point}+)")  # fmt: skip
#: The text as written, read as a URL is: an address, a link's target, a file name.
_WRITTEN = _compile(_CHARACTERS)
#: Markdown a reader does not see as it is written: a reference definition (the whole line), a link's
#: or image's brackets, its target, its reference label, a tag, an autolink's angle brackets, a
#: backslash escape, emphasis marks; then the characters above. No part reads past the character
#: that would start another (a target stops at a parenthesis it does not close, a label at a
#: bracket, a tag at '<'), or past the end of one of `load.joined`'s texts (\x00).
_MARKDOWN = _compile(
    r"(?P<definition>^[ ]{0,3}\[[^\[\]\n\x00]*\]:[^\n\x00]*)"
    r"|(?P<open>(?:!?\[)+)|(?P<target>\]\((?:[^()\n\x00]|\([^()\n\x00]*\))*\))|(?P<label>\]\[[^\[\]\n\x00]*\])"
    r"|(?P<close>\]+(?![(\[]))|<(?P<autolink>(?:https?|mailto|ftp):[^<>\s\x00]*)>|(?P<tag></?[A-Za-z][^<>\n\x00]*>)"
    r"|(?P<escape>(?:\\[!-/:-@\[-`{-~])+)|(?P<space>_+)|(?P<mark>[*`~]+)|" + _CHARACTERS,
    regex.MULTILINE,
)


def _shown(m: regex.Match[str]) -> str:
    """What a reader sees of one token of `_MARKDOWN` or `_WRITTEN`."""
    kind = m.lastgroup
    if kind == "entity":
        return html.unescape(m.group())
    if kind == "percent":
        try:
            return bytes.fromhex(m.group().replace("%", "")).decode("utf-8")
        except UnicodeDecodeError:
            return m.group()
    if kind == "escape":
        return m.group()[1::2]
    if kind == "autolink":
        return m.group("autolink")
    return " " if kind == "space" else ""  # markup, and characters nobody sees


def _seen(text: str) -> _Read:
    """What a reader sees of a text's Markdown, each character mapped to where it was written."""
    return _read(text, _MARKDOWN, _shown)


def _written(text: str) -> _Read:
    """The text as written, its escapes decoded and its invisible characters dropped."""
    return _read(text, _WRITTEN, _shown)


def visible(text: str) -> str:
    """The text a reader sees of a field's Markdown, on one line: "Quentin *Zabriskie*" reads
    "Quentin Zabriskie", "[Quentin](x) Z&#97;briskie" reads "Quentin Zabriskie". Link targets,
    tags, formatting marks and invisible characters go; `_` reads as a space."""
    return " ".join(_seen(text).text.split())


#: Marks on letters (accents) and characters nobody sees: left out of a comparison.
_UNSEEN = _compile(r"[\p{Mn}\p{Default_Ignorable_Code_Point}]+")
#: Between two words, what joins them as a space would: runs of spaces and '_', and one '-', '.' or '+'
#: ("quentin_zabriskie", "quentin-zabriskie", "quentin.zabriskie@").
_JOINS = _compile(r"[\s_]+|(?<=[^\W_])[-+.](?=[^\W_])")


@lru_cache(maxsize=65536)
def _fold(text: str) -> str:
    """Text as a comparison reads it: compatibility forms as their letters ("ﬃ" ffi, "Ｑ" and "𝐐" q,
    "－" -), case folded, accents and invisible characters dropped."""
    if text.isascii():
        return text.lower()
    return _UNSEEN.sub("", unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold()))


def _folded(text: str) -> _Read:
    """`_fold` of the text, each character mapped to the one it was folded from."""
    if text.isascii():
        return _Read(text.lower())
    parts, starts, ends = [], [], []
    for i, c in enumerate(text):
        f = _fold(c)
        parts.append(f)
        starts.extend([i] * len(f))
        ends.extend([i + 1] * len(f))
    return _Read("".join(parts), starts, ends)


def _joined(folded: str) -> str:
    return _JOINS.sub(" ", folded)


def _key(text: str) -> str:
    """A name or an id as `Anonymity` compares it: "Quentin Zabriskie" and "qz-reader" read
    "quentin zabriskie" and "qz reader"."""
    return _joined(_fold(text)).strip()


def _whole(text: str, i: int, j: int) -> bool:
    """Whether text[i:j] is not part of a longer word."""
    return (i == 0 or not text[i - 1].isalnum()) and (j == len(text) or not text[j].isalnum())


#: Keys up to this long are looked for with str.find, at most once per place they occur; longer ones
#: (long names) with Knuth-Morris-Pratt, which reads each character once whatever the key.
_SHORT_KEY = 64


def _occurrences(key: str, text: str) -> list[tuple[int, int]]:
    """Where `key` occurs in `text` as whole words, none overlapping; linear in the text."""
    found: list[tuple[int, int]] = []
    if not key or key not in text:
        return found
    if len(key) <= _SHORT_KEY:
        i = text.find(key)
        while i != -1:
            j = i + len(key)
            if _whole(text, i, j):
                found.append((i, j))
            i = text.find(key, j if found and found[-1] == (i, j) else i + 1)
        return found
    fail = _failure(key)
    k = 0
    for i, c in enumerate(text):
        while k and key[k] != c:
            k = fail[k - 1]
        if key[k] == c:
            k += 1
        if k == len(key):
            if _whole(text, i + 1 - k, i + 1):
                found.append((i + 1 - k, i + 1))
                k = 0
            else:
                k = fail[k - 1]
    return found


@lru_cache(maxsize=64)
def _failure(key: str) -> tuple[int, ...]:
    """Knuth-Morris-Pratt's table: for each prefix of the key, its longest proper prefix that is also its suffix."""
    fail = [0] * len(key)
    k = 0
    for i in range(1, len(key)):
        while k and key[i] != key[k]:
            k = fail[k - 1]
        if key[i] == key[k]:
            k += 1
        fail[i] = k
    return tuple(fail)


# Anonymous partners in text


@dataclasses.dataclass(frozen=True, order=True)
class Mention:
    """Where a text names an anonymous partner: `text[start:end]`, as written; `partner` says how it
    is published (a finding never quotes the name: check's output goes into CI logs, maybe public)."""

    start: int
    end: int
    partner: PublicPartner = dataclasses.field(compare=False)

    @property
    def label(self) -> str:
        return f"the anonymous partner published as '{self.partner.name}'"

    def located(self, text: str) -> tuple[int, int]:
        """1-based line and column of the mention in `text`."""
        return _position(text, self.start)


@dataclasses.dataclass(frozen=True)
class _Wanted:
    """One anonymous partner, as `_key` reads its name and id; `words` are the first word of each:
    a text whose folded form holds none of them names the partner nowhere."""

    partner: PublicPartner
    keys: tuple[str, ...]
    words: tuple[str, ...]


class Anonymity:
    """The anonymous partners of a journal, as any text may name them: a record's, a file name,
    the site's config (`site_name`), a page of the site. `mentions(text)` finds them; a name or
    id that the partner's alias or slug holds is published anyway, and is no mention."""

    def __init__(self, partners: dict[str, Partner]):
        public = public_partners(partners)
        wanted = []
        for id, p in partners.items():
            if not p.anonymous:
                continue
            shown = public[id]
            keys = tuple(key for key in dict.fromkeys((_key(p.name), _key(id)))
                         if key and not any(_occurrences(key, _key(s)) for s in (shown.name, shown.slug)))  # fmt: skip
            if keys:
                words = tuple(key.split()[0] for key in keys)
                wanted.append(_Wanted(shown, keys, words))
        self.wanted = tuple(wanted)

    def __bool__(self) -> bool:
        return bool(self.wanted)

    @property
    def key(self) -> tuple[Any, ...]:
        """What the mentions it finds depend on (a cache's key)."""
        return tuple((w.partner, w.keys) for w in self.wanted)

    def mentions(self, text: str) -> list[Mention]:
        """Every place the text names an anonymous partner, in order; where two readings of it
        (as written, as a reader sees it) find overlapping places, one mention spans both."""
        found = [m for tokens, read in _readings(text) for m in self._found(text, tokens, read)]
        return _merged(found)

    def first(self, text: str) -> Mention | None:
        """The first mention in the text, or None: the question check asks of every text."""
        found = self.mentions(text) if self.wanted else []
        return found[0] if found else None

    def _found(self, text: str, tokens: regex.Pattern[str], read: str) -> list[Mention]:
        """The mentions in one reading of a text (`read`, made with `tokens`), as written. The reading
        is made again with its map back to the text as written only for a text that holds a key (rare)."""
        folded = _fold(read)
        candidates = [w for w in self.wanted if any(word in folded for word in w.words)]
        if not candidates:
            return []
        joined_text = _joined(folded)
        if not any(key in joined_text for w in candidates for key in w.keys):
            return []
        reading = _read(text, tokens, _shown)
        mapped = reading.then(_folded(reading.text))
        keyed = mapped.then(_read(mapped.text, _JOINS, lambda m: " "))
        found = [Mention(*keyed.span(i, j), w.partner) for w in candidates for key in w.keys
                 for i, j in _occurrences(key, keyed.text)]  # fmt: skip
        if not found and keyed.text != _joined(_fold(reading.text)):  # folding one character at a time read differently
            found = [Mention(0, len(text), candidates[0].partner)]
        return found

    def replaced(self, text: str, *, slugs: bool = False, in_place: bool = False) -> str:
        """The text with each mention replaced by the partner's public name (its slug with `slugs`).

        With `in_place`, the text is Markdown: a mention is replaced only where what is written
        there is plain text (the name split by a link or emphasis is left, for the caller to
        publish its paragraph as plain text); one inside a link's target becomes the slug.
        """
        found = self.mentions(text)
        if not found:
            return text
        hidden = _hidden(text) if in_place else None
        parts, at = [], 0
        for m in found:
            written = text[m.start : m.end]
            if in_place and _STRUCTURE.search(written):
                continue
            in_target = hidden is not None and not any(hidden[m.start : m.end])
            parts += [text[at : m.start], m.partner.slug if slugs or in_target else m.partner.name]
            at = m.end
        return "".join(parts) + text[at:]


#: What `_MARKDOWN` reads in a text of ASCII characters with none of "[]<&%\\": emphasis marks, and `_`.
_MARKS_ONLY = str.maketrans({"*": None, "`": None, "~": None, "_": " "})


def _readings(text: str) -> list[tuple[regex.Pattern[str], str]]:
    """Each way a text is read, with what it reads: as written, and as a reader sees its Markdown
    (one reading where the two are the same). Most texts are ASCII with no link, tag or escape:
    for them, no pattern needs to run."""
    if text.isascii() and not any(c in text for c in "[]<&%\\"):
        seen = text.translate(_MARKS_ONLY)
        return [(_WRITTEN, text)] if seen == text else [(_WRITTEN, text), (_MARKDOWN, seen)]
    written = _WRITTEN.sub(_shown, text)
    if _MARKDOWN.search(text) is None:
        return [(_WRITTEN, written)]
    return [(_WRITTEN, written), (_MARKDOWN, _MARKDOWN.sub(_shown, text))]


#: Markdown's structure: a mention written across any of it can't be replaced where it is written.
_STRUCTURE = _compile(r"[\[\]()<>*`~\\]|(?<![^\s])_|_(?![^\s])")


def _hidden(text: str) -> bytearray:
    """For each character of a text's Markdown, 1 where a reader sees something of it."""
    seen = _seen(text)
    shown = bytearray(len(text)) if seen.starts is not None else bytearray(b"\x01" * len(text))
    for start in seen.starts or ():
        shown[start] = 1
    return shown


def _merged(found: list[Mention]) -> list[Mention]:
    """Mentions in order, those that overlap made one."""
    merged: list[Mention] = []
    for m in sorted(found):
        if merged and m.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = Mention(last.start, max(last.end, m.end), last.partner)
        else:
            merged.append(m)
    return merged


#: The last partners `anonymous_mentions` was asked about, as what the matcher depends on, and its matcher.
_last: list[tuple[Any, Anonymity]] = []


def anonymous_mentions(text: str, partners: dict[str, Partner]) -> list[Mention]:
    """Every place a text names one of the anonymous partners (`partners` as validated, before
    `redact`): for any text the site publishes that is no record, as a page of the site's docs
    or its `site_name`. `Mention.located(text)` gives its line and column. The matcher is made
    once for the same partners (a site's pages are read one after another)."""
    key = tuple((id, p.name, p.kind, p.anonymous, p.alias) for id, p in partners.items())
    if not _last or _last[0][0] != key:
        _last[:] = [(key, Anonymity(partners))]
    return _last[0][1].mentions(text)


def config_warnings(shown: str, config: Mapping[str, Any], partners: dict[str, Partner]) -> list[LocatedError]:
    """The site's own texts in its config (its name, description, author, copyright) that name an
    anonymous partner, each a warning naming the key."""
    found = []
    for key in ("site_name", "site_description", "site_author", "copyright"):
        if isinstance(config.get(key), str):
            found += [dataclasses.replace(w, line=0, col=0, message=f"{key}: {w.message}")
                      for w in page_warnings(shown, config[key], partners)]  # fmt: skip
    return found


def page_warnings(shown: str, text: str, partners: dict[str, Partner]) -> list[LocatedError]:
    """A located warning for each place a text that is no record (a page's Markdown, a config
    file) names an anonymous partner; `shown` is its path as a user reads it."""
    found = []
    for m in anonymous_mentions(text, partners):
        line, col = m.located(text)
        found.append(LocatedError(shown, line, col, f"names {m.label}; write that name instead", "warning"))
    return found


def mentions(record: Record, anonymity: Anonymity) -> list[LocatedError]:
    """A warning for each text of a record, and for its file name, that names an anonymous partner.

    Reference fields (`by: reviewer`) are where the id belongs; partners.yaml's own entry for the
    partner holds its name and id. The warning names the partner by its public name only: check's
    output goes into CI logs, which may be public.
    """
    if not anonymity:
        return []
    found = []
    anonymous = {w.partner.id for w in anonymity.wanted}
    own = {(i, key) for i, item in enumerate(record.data)
           if isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"] in anonymous
           for key in ("id", "name")} if isinstance(record.data, list) else set()  # fmt: skip
    texts: list[tuple[tuple[str | int, ...], str]] = []
    if own or anonymity.first(joined(record.data, PARTNER_KEYS)) is not None:  # most records: one search says
        texts = [(loc, text) for loc, text in strings(record.data)   # none of their texts names the partner
                 if not (loc in own or (loc and loc[-1] in PARTNER_KEYS))]  # fmt: skip
    for loc, text in texts:
        hit = anonymity.first(text)
        if hit is not None:
            line, col = locate(record.node, loc)
            message = f"{format_loc(loc)}: names {hit.label}; write that name instead (the build replaces it)"
            found.append(LocatedError(record.display, line, col, message, "warning"))
    hit = anonymity.first(record.display)
    if hit is not None:
        found.append(LocatedError(record.display, 0, 0, f"file name names {hit.label}; rename the file "
                                  "(its edit link is left out of the site, its address uses the public name)", "warning"))  # fmt: skip
    return found


# Redaction


class PatternError(UserError):
    """A `redact` pattern that can't be used: not a regular expression, or one that would hide everything."""


#: A line of ordinary text: a `redact` pattern that matches nothing in it, or every character of it,
#: would put "[redacted]" between every two characters of every text, or in place of all of it.
_SAMPLE = "Quentin Zabriskie read it twice, at 9:30; AZaz09 _-.,!?'\"()[]{}<>@#$%^&*+=/\\|~`"


def compile_patterns(patterns: list[str]) -> list[regex.Pattern[str]]:
    """The `redact` option's patterns; a bad one raises PatternError naming it, in one line.

    The `regex` engine, so that a pattern that backtracks without end can be stopped
    (PATTERN_SECONDS) rather than hang a build. A pattern that matches empty text (`''`, `x*`,
    `\\b`) or every character of a line is refused: it would redact everything.
    """
    compiled = []
    for pattern in patterns:
        try:
            p = regex.compile(pattern, regex.V0)
            spans = [m.span() for m in p.finditer(_SAMPLE, timeout=PATTERN_SECONDS)]
        except regex.error as e:
            raise PatternError(f"redact: {pattern!r} is not a valid regular expression ({e})") from None
        except ValueError as e:  # flags that can't be V0's, as (?V1) sets
            raise PatternError(f"redact: {pattern!r} is not a valid regular expression as Python's re reads one "
                               f"({e})") from None  # fmt: skip
        except TimeoutError:
            raise PatternError(f"redact: {pattern!r} takes more than {PATTERN_SECONDS:g} s on one line of text; "
                               "write it without nested repetition") from None  # fmt: skip
        if p.search("") is not None or any(a == b for a, b in spans):
            raise PatternError(f"redact: {pattern!r} matches empty text, so it would put {REDACTED} between every two "
                               "characters; give a pattern for what to hide") from None  # fmt: skip
        if sum(b - a for a, b in spans) == len(_SAMPLE):
            raise PatternError(f"redact: {pattern!r} matches every character of any text, so it would hide "
                               "everything; give a pattern for what to hide") from None  # fmt: skip
        compiled.append(p)
    return compiled


@dataclasses.dataclass(frozen=True)
class _Pattern:
    """One of the site's `redact` patterns: every match becomes "[redacted]" ("redacted" in an id)."""

    pattern: regex.Pattern[str]

    @property
    def label(self) -> str:
        return f"redact pattern {self.pattern.pattern!r}"

    def seen(self, text: str) -> bool:
        """Whether the pattern matches the text or what a reader sees of it."""
        if self.pattern.search(text, timeout=PATTERN_SECONDS) is not None:
            return True
        seen = visible(text)
        return seen != text and self.pattern.search(seen, timeout=PATTERN_SECONDS) is not None

    def replaced(self, text: str, by: str) -> str:
        return self.pattern.sub(lambda _: by, text, timeout=PATTERN_SECONDS)


class Redacted:
    """Records as last redacted, kept across rebuilds (`serve`): a record is cleaned again only
    when it is a new object (its file changed) or what cleaning depends on did (the `key`: the
    patterns, the anonymous partners and the renamed ids). The cleaned record stays the same
    object, so the pages made from it are kept too. Likewise whether a record's path holds a match."""

    def __init__(self) -> None:
        self.key: tuple[Any, ...] = ()
        self.records: dict[tuple[str, str], tuple[BaseModel, BaseModel]] = {}
        self.paths: dict[Path, bool] = {}  # whether a record's path, shown in its edit link, holds a match


def redact(journal: Journal, patterns: list[regex.Pattern[str]], memo: Redacted | None = None) -> Journal:
    """The journal as it may be published: anonymous partners' names and ids, then the site's
    `redact` patterns, taken out.

    Text: every mention of an anonymous partner becomes its public name, then every match of a
    pattern "[redacted]". The anonymous partner is looked for first, so that a pattern that
    takes part of its name ("Quentin") leaves nothing of it to find. Ids that become addresses
    (sessions, case studies, partners) lose the match the same way (the public slug, or
    "redacted"), numbered where two would meet; an anonymous partner's id becomes its public slug,
    everywhere it is referred to. Records that nothing touches are returned as they are, so
    `serve` keeps its per-session caches; with a `memo`, so are those it touched when they are
    unchanged. Raises JournalError when a pattern takes too long on a text, naming the pattern
    and the record. Cleaned text is not validated again: a name longer than its id, or
    "[redacted]" in place of a short match, may make a text longer than its field's limit.
    """
    anonymity = Anonymity(journal.partners)
    public = public_partners(journal.partners)
    anonymous = {id: public[id].slug for id, p in journal.partners.items() if p.anonymous}
    if not patterns and not anonymous:
        return journal
    cleaner = _Cleaner(anonymity, [_Pattern(p) for p in patterns], journal)
    named = [id for id, p in journal.partners.items() if not p.anonymous]
    partner_ids = {**{id: slug for id, slug in anonymous.items() if slug != id},
                   **cleaner.ids("partners", named, set(anonymous.values()))}  # fmt: skip
    study_ids = cleaner.ids("case-study", list(journal.case_studies))
    session_ids = cleaner.ids("session", [s.id for s in journal.sessions])
    refs = {"partner": partner_ids, "case-study": study_ids}
    memo = memo if memo is not None else Redacted()
    key = (tuple(p.pattern for p in patterns), tuple(p.flags for p in patterns), anonymity.key,
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
            named_there = paths[path] = last_paths[path] if path in last_paths else cleaner.names_something(path)
        sources[(kind, renamed[kind].get(id, id))] = None if path is None or named_there else path
    memo.key, memo.records, memo.paths = key, kept, paths
    return dataclasses.replace(journal, partners=partners, case_studies=studies, sessions=sessions, sources=sources)


#: What Markdown would read as syntax in plain text.
_SYNTAX = _compile(r"[\\`*_{}\[\]()#+\-.!>]")


def _escaped(plain: str) -> str:
    """Plain text as Markdown that reads as exactly that text."""
    return _SYNTAX.sub(lambda m: "\\" + m.group(), plain)


@lru_cache(maxsize=64)
def _literal_fields(model: type[BaseModel]) -> frozenset[str]:
    """A model's enum fields (kind, outcome, status, ...): never text, never redacted."""
    return frozenset(n for n, f in model.model_fields.items() if get_origin(f.annotation) is Literal)


class _Cleaner:
    """Takes the anonymous partners, then the patterns, out of a journal's text and ids; `where`
    names the record being cleaned."""

    def __init__(self, anonymity: Anonymity, patterns: list[_Pattern], journal: Journal):
        self.anonymity = anonymity
        self.patterns = patterns
        self.journal = journal
        self.where: tuple[str, str] = ("", "")

    def _fail(self, pattern: _Pattern, field: str) -> JournalError:
        kind, id = self.where
        path = self.journal.sources.get((kind, id))
        shown = display_path(path, self.journal.root) if path is not None else f"{kind} '{id}'"
        return JournalError([LocatedError(shown, message=f"{field or 'id'}: {pattern.label} took more than "
                             f"{PATTERN_SECONDS:g} s on this text; write it without nested repetition")])  # fmt: skip

    def _replaced(self, text: str, by: Callable[[_Pattern], str], field: str, *, slugs: bool = False,
                  in_place: bool = False) -> str:  # fmt: skip
        """The text with the anonymous partners taken out, then each pattern's matches."""
        text = self.anonymity.replaced(text, slugs=slugs, in_place=in_place) if self.anonymity else text
        for pattern in self.patterns:
            try:
                text = pattern.replaced(text, by(pattern))
            except TimeoutError:
                raise self._fail(pattern, field) from None
        return text

    def _seen(self, text: str, field: str) -> bool:
        """Whether the text names an anonymous partner or matches a pattern, as written or as read."""
        if self.anonymity and self.anonymity.first(text) is not None:
            return True
        for pattern in self.patterns:
            try:
                if pattern.seen(text):
                    return True
            except TimeoutError:
                raise self._fail(pattern, field) from None
        return False

    def text(self, value: str, field: str) -> str:
        """The text with every match replaced, in its Markdown and in what a reader sees of it.

        A match that only the reader's view shows (a name split by a link or emphasis) costs its
        paragraph the formatting: that paragraph is published as the plain text it reads as. The
        anonymous partners are taken out first, their paragraphs made plain before any pattern
        runs: a pattern that takes part of a name leaves the rest of it to be found by no one.
        """
        if not self._seen(value, field):
            return value
        if self.anonymity:
            value = self.anonymity.replaced(value, in_place=True)
            if self.anonymity.first(value) is not None:
                value = self._plain(value, field, lambda paragraph: self.anonymity.first(paragraph) is not None)
        value = self._replaced(value, lambda _: REDACTED, field, in_place=True)
        if not self._seen(value, field):
            return value
        return self._plain(value, field, lambda paragraph: self._seen(paragraph, field))

    def _plain(self, value: str, field: str, named: Callable[[str], bool]) -> str:
        """The text with each paragraph that is `named` published as the plain text it reads as, cleaned."""
        paragraphs = value.split("\n\n")
        for i, paragraph in enumerate(paragraphs):
            if named(paragraph):
                paragraphs[i] = _escaped(self._replaced(visible(paragraph), lambda _: REDACTED, field))
        return "\n\n".join(paragraphs)

    def names_something(self, path: Path) -> bool:
        """Whether a record's path (shown in its edit link) holds a match."""
        return self._seen(display_path(path, self.journal.root), "file name")

    def ids(self, kind: str, ids: list[str], taken: set[str] | None = None) -> dict[str, str]:
        """New ids for those that hold a match, unique among the ids of their kind and `taken`."""
        taken = set(ids) | (taken or set())
        renamed = {}
        for id in ids:
            self.where = (kind, id)
            new = self._replaced(id, lambda _: REDACTED_SLUG, "id", slugs=True)
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
