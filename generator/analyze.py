"""Figures across records: pure functions of a validated `Journal`, no I/O.

Everything the pages show that is not a field of one record is computed here, so it can
be tested on small journals without rendering anything.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from typing import Iterable

from .model import ContributionKind, Contribution, Journal, Partner, Session

KINDS: tuple[ContributionKind, ...] = (
    "research", "structure", "drafting", "analysis", "exploration",
    "direction", "context", "refinement", "review", "decision", "other",
)  # fmt: skip

#: How a kind of work reads in an attribution statement ("AI handling structure and research synthesis").
_KIND_PHRASES: dict[str, str] = {
    "research": "research synthesis",
    "structure": "structure",
    "drafting": "drafting",
    "analysis": "analysis",
    "exploration": "exploring options",
    "direction": "direction",
    "context": "context",
    "refinement": "refinement",
    "review": "review",
    "decision": "the decisions",
    "other": "other work",
}


def published(journal: Journal, drafts: bool = False) -> Journal:
    """The journal as it is published: drafts left out unless asked for."""
    if drafts:
        return journal
    return replace(journal, sessions=[s for s in journal.sessions if s.status != "draft"])


@dataclass(frozen=True)
class PublicPartner:
    """How a partner appears in the site: an anonymous partner never by name or id."""

    id: str
    name: str
    slug: str
    kind: str
    anonymous: bool


def public_partners(partners: dict[str, Partner]) -> dict[str, PublicPartner]:
    """Published names and page slugs; "Human partner 2" is the second human in partners.yaml."""
    taken = {id for id, p in partners.items() if not p.anonymous}
    numbers: Counter[str] = Counter()
    result = {}
    for id, p in partners.items():
        numbers[p.kind] += 1
        if not p.anonymous:
            result[id] = PublicPartner(id, p.name, id, p.kind, False)
            continue
        name = p.alias or f"{'Human' if p.kind == 'human' else 'AI'} partner {numbers[p.kind]}"
        slug = base = slugify(name) or f"partner-{numbers[p.kind]}"
        n = 2
        while slug in taken or slug == id:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        result[id] = PublicPartner(id, name, slug, p.kind, True)
    return result


def slugify(text: str) -> str:
    """Lowercase ASCII words joined by '-'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def sessions_by_year(sessions: Iterable[Session]) -> list[tuple[int, list[Session]]]:
    """Newest year first, and newest session first within a year."""
    years: dict[int, list[Session]] = defaultdict(list)
    for s in sessions:
        years[s.date.year].append(s)
    return [(y, sorted(years[y], key=lambda s: (s.date, s.id), reverse=True)) for y in sorted(years, reverse=True)]


def latest(sessions: list[Session], n: int = 10) -> list[Session]:
    """The n most recent sessions, newest first."""
    return sorted(sessions, key=lambda s: (s.date, s.id), reverse=True)[:n]


def sessions_of_case(journal: Journal) -> dict[str, list[Session]]:
    """Each case study's sessions in date order."""
    result: dict[str, list[Session]] = {id: [] for id in journal.case_studies}
    for s in journal.sessions:
        if s.case_study in result:
            result[s.case_study].append(s)
    return result


def sessions_of_partner(journal: Journal) -> dict[str, list[Session]]:
    """Each partner's sessions, newest first."""
    result: dict[str, list[Session]] = {id: [] for id in journal.partners}
    for s in reversed(journal.sessions):
        for p in s.partners:
            if p.partner in result:
                result[p.partner].append(s)
    return result


def contributions_of(sessions: Iterable[Session]) -> list[Contribution]:
    return [c for s in sessions for c in s.contributions]


def contribution_matrix(contributions: Iterable[Contribution]) -> dict[str, Counter[str]]:
    """Partner id -> count of contributions by kind, partners in order of first contribution."""
    matrix: dict[str, Counter[str]] = {}
    for c in contributions:
        matrix.setdefault(c.by, Counter())[c.kind] += 1
    return matrix


@dataclass(frozen=True)
class Counts:
    sessions: int
    case_studies: int
    humans: int
    ais: int
    contributions: int
    disagreements: int
    feedback: int
    lessons: int
    first: str | None
    last: str | None


def counts(journal: Journal) -> Counts:
    """The headline figures of the overview."""
    sessions = journal.sessions
    kinds = Counter(p.kind for p in journal.partners.values())
    return Counts(
        sessions=len(sessions),
        case_studies=len(journal.case_studies),
        humans=kinds["human"],
        ais=kinds["ai"],
        contributions=sum(len(s.contributions) for s in sessions),
        disagreements=sum(len(s.disagreements) for s in sessions),
        feedback=sum(len(s.feedback) for s in sessions),
        lessons=sum(len(s.lessons) for s in sessions),
        first=sessions[0].date.isoformat() if sessions else None,
        last=sessions[-1].date.isoformat() if sessions else None,
    )


def _main_kinds(counter: Counter[str], limit: int = 3) -> list[str]:
    """The kinds that make up the bulk of someone's work: the largest, and any at least half as large."""
    if not counter:
        return []
    ranked = sorted(counter, key=lambda k: (-counter[k], KINDS.index(k)))
    top = counter[ranked[0]]
    return [k for k in ranked if counter[k] * 2 >= top][:limit]


def _phrase(kinds: list[str]) -> str:
    words = [_KIND_PHRASES[k] for k in kinds]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def attribution(contributions: Iterable[Contribution], partners: dict[str, Partner]) -> str:
    """A sentence saying which side did which kinds of work, weighted by count.

    In the spirit of "AI handling structure and research synthesis, human providing
    direction and refinement": each side is named by its kind, not by who it was.
    """
    by_side: dict[str, Counter[str]] = {"ai": Counter(), "human": Counter()}
    for c in contributions:
        if c.by in partners:
            by_side[partners[c.by].kind][c.kind] += 1
    ai, human = _main_kinds(by_side["ai"]), _main_kinds(by_side["human"])
    parts = []
    if ai:
        parts.append(f"AI handling {_phrase(ai)}")
    if human:
        parts.append(f"{'human' if ai else 'Human'} providing {_phrase(human)}")
    if not parts:
        return "No contributions recorded."
    if not ai:
        parts.append("with no AI contribution recorded")
    elif not human:
        parts.append("with no human contribution recorded")
    return ", ".join(parts) + "."
