"""What must not leave the import: taken out of every text of a session before anything is written
or printed.

Secrets (private keys, cloud and API keys and tokens, `Bearer` tokens, passwords in addresses
and in assignments; the shapes `pjournal check` warns about, with word boundaries, so that
`task-notification` is no key), e-mail addresses, the names and ids of anonymous partners and
the site's `redact` patterns become `[redacted:<rule>]`; a path under the folder the session
ran in becomes relative to it, and a home folder (`/Users/<name>`, `/home/<name>`,
`C:\\Users\\<name>`) `~`. A commit hash matches none of them. Each rule counts what it
replaced, for the draft's header.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..model import Partner
from ..privacy import SECRETS, Anonymity
from ..routes import slugify
from .normalise import Session, replace_texts

#: The credentials `pjournal check` warns about, by the name a draft's header counts them under; a
#: private key is taken out whole, to its END line.
_PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----(?:.*?-----END [A-Z ]*PRIVATE KEY-----|.*\Z)", re.S)
_EXTRA = (
    ("url-password", re.compile(r"(?<=://)[^\s/:@]+:[^\s/@]+(?=@)")),
    ("bearer-token", re.compile(r"(?<=\bBearer )[A-Za-z0-9._~+/-]{8,}=*", re.I)),
)


def _rule_name(secret_name: str) -> str:
    """"an AWS access key" -> "aws-access-key"."""
    return slugify(re.sub(r"^(?:an?|the) ", "", secret_name))


@dataclass(frozen=True)
class Rule:
    """A pattern to take out, by its name; what it becomes (`[redacted:<name>]` unless said)."""

    name: str
    pattern: Any  # anything with `subn(replace, text)`: a pattern of re or regex, `_Anonymous`
    replacement: str | None = None

    def apply(self, text: str) -> tuple[str, int]:
        replacement = f"[redacted:{self.name}]" if self.replacement is None else self.replacement
        return self.pattern.subn(lambda _: replacement, text)


@dataclass
class Redactor:
    """The rules, in the order they run, and how often each has matched."""

    rules: list[Rule]
    counts: Counter[str] = field(default_factory=Counter)

    def text(self, text: str) -> str:
        for rule in self.rules:
            if text:
                text, found = rule.apply(text)
                if found:
                    self.counts[rule.name] += found
        return text

    def session(self, session: Session) -> Session:
        """The session with every text it holds redacted (events, title, models)."""
        session.events = [replace_texts(event, self.text) for event in session.events]
        models: Counter[str] = Counter()
        for model, n in session.models.items():
            models[self.text(model)] += n
        return dataclasses.replace(session, title=self.text(session.title), models=models)


@dataclass(frozen=True)
class _Anonymous:
    """The journal's anonymous partners, found in a text as `pjournal check` finds them (their name
    in any case and spacing, their id as a word), as a pattern to substitute."""

    anonymity: Anonymity

    def subn(self, replace: Any, text: str) -> tuple[str, int]:
        found = self.anonymity.mentions(text)
        parts, at = [], 0
        for mention in found:
            parts += [text[at : mention.start], replace(mention)]
            at = mention.end
        return "".join(parts) + text[at:], len(found)


def secret_rules() -> list[Rule]:
    """The secrets and e-mail addresses `privacy.SECRETS` names, and passwords in addresses and Bearer tokens."""
    rules = [Rule("private-key", _PRIVATE_KEY)]
    rules += [Rule(name, pattern) for name, pattern in _EXTRA]
    rules += [Rule(_rule_name(s.name), s.pattern) for s in SECRETS if "PRIVATE KEY" not in s.pattern.pattern]
    return rules


def path_rules(folder: str) -> list[Rule]:
    """Paths under the session's folder made relative to it, then home folders made `~`."""
    rules = []
    if len(folder.strip("/\\")) > 2:
        parts = [re.escape(p) for p in re.split(r"[\\/]+", folder.rstrip("/\\")) if p]
        lead = r"(?:[\\/]+)" if folder[:1] in "/\\" else ""
        under = lead + r"[\\/]+".join(parts)
        rules.append(Rule("repository-path", re.compile(under + r"[\\/]+(?=\S)"), ""))
        rules.append(Rule("repository-path", re.compile(under + r"(?![\w.-])"), "."))
    rules.append(Rule("home-folder", re.compile(r"(?<![\w.~])/(?:Users|home)/[^\s/\\\"'`:]+"), "~"))
    rules.append(Rule("home-folder", re.compile(r"\b[A-Za-z]:[\\/]++Users[\\/]++[^\s\\/\"'`:]+"), "~"))
    return rules


def redactor(folder: str, partners: dict[str, Partner], patterns: list[Any]) -> Redactor:
    """Every rule, in order: the site's patterns and anonymous partners first (they name things the
    others may hold), then secrets, then paths."""
    rules = [Rule("redact-pattern", p) for p in patterns]
    if any(p.anonymous for p in partners.values()):
        rules.append(Rule("anonymous-partner", _Anonymous(Anonymity(partners))))
    rules += secret_rules()
    rules += path_rules(folder)
    return Redactor(rules)
