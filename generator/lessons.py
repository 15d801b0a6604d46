"""Lessons learned as a document: each lesson once, however many times and ways it was written down.

The merging rule, stated once: a wording's *words* are its words lower-cased, split at anything
that is not a letter or digit, without the common words in STOP and with a plural "s" taken off
("answers" -> "answer"). Two wordings are the same lesson when the shorter has at least
MIN_WORDS words and every one of them is among the longer's ("Ask for trade-offs, not answers"
and "Ask for trade-offs between angles, not for the answer"). Lessons merge transitively; the
wording shown is the one written most often (the earliest of those tied), the others are "also
worded as". Pure functions, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from .analyze import LessonEntry
from .model import Session

#: Words that say nothing of a lesson's content.
STOP = frozenset("a an and are as at be before by for from in into is it its of on or so than that the their them "
                 "then there they this to was were what when which who will with".split())  # fmt: skip

#: A wording needs this many words to merge with a longer one: "Be clear" merges with nothing.
MIN_WORDS = 3

_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> frozenset[str]:
    """A wording's content words, as the merging rule compares them."""
    found = set()
    for word in _WORD.findall(text.lower()):
        if word in STOP:
            continue
        found.add(word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word)
    return frozenset(found)


def same(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two wordings say the same lesson: the shorter's words (MIN_WORDS or more) all in the longer."""
    short, long = sorted((a, b), key=len)
    return len(short) >= MIN_WORDS and short <= long


@dataclass(frozen=True)
class Lesson:
    """One lesson, however often written down: its wording, its other wordings, where it was learned."""

    wording: str
    also: tuple[str, ...]
    entries: tuple[LessonEntry, ...]  # newest first
    tags: tuple[str, ...]

    @property
    def sessions(self) -> int:
        return len({e.session.id for e in self.entries})

    @property
    def case_studies(self) -> int:
        return len({e.session.case_study for e in self.entries if e.session.case_study is not None})

    @property
    def learned(self) -> str:
        """How often and how widely: "in 3 sessions across 2 case studies"."""
        n, k = self.sessions, self.case_studies
        where = f"in {n} {'session' if n == 1 else 'sessions'}"
        return where + (f" across {k} case studies" if k > 1 else "")


def merged(sessions: Iterable[Session]) -> list[Lesson]:
    """Every lesson of some sessions once, the most widely learned first: by sessions, then case
    studies, then the newest."""
    entries = [LessonEntry(s, lesson, i) for s in sorted(sessions, key=lambda s: (s.date, s.id), reverse=True)
               for i, lesson in enumerate(s.lesson_entries, 1)]  # fmt: skip
    keys = [words(e.lesson.lesson) for e in entries]
    parent = list(range(len(entries)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_words: dict[frozenset[str], int] = {}
    for i, key in enumerate(keys):  # equal wordings first: one comparison per distinct wording below
        j = by_words.setdefault(key, i)
        parent[root(i)] = root(j)
    postings: dict[str, set[frozenset[str]]] = {}
    for key in by_words:
        for word in key:
            postings.setdefault(word, set()).add(key)
    for key, i in by_words.items():  # each wording with those holding all its words: no pair compared twice over
        if len(key) < MIN_WORDS:
            continue
        holding = set.intersection(*sorted((postings[w] for w in key), key=len))
        for other in holding:
            parent[root(by_words[other])] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(entries)):
        groups.setdefault(root(i), []).append(i)
    result = []
    for members in groups.values():
        texts = [entries[i].lesson.lesson for i in members]
        counts = {t: texts.count(t) for t in texts}
        wording = max(counts, key=lambda t: (counts[t], -texts[::-1].index(t)))  # most written; then the earliest
        tags = tuple(dict.fromkeys(t for i in members for t in entries[i].lesson.tags))
        result.append(Lesson(wording, tuple(t for t in counts if t != wording), tuple(entries[i] for i in members), tags))
    result.sort(key=lambda l: (-l.sessions, -l.case_studies, -l.entries[0].session.date.toordinal(), l.wording.lower()))
    return result
