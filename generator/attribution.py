"""Attribution statements: who did which kind of work, as prose and as an AI Attribution statement.

The prose is in the spirit of "AI handling structure and research synthesis, human providing
direction and refinement". The short form follows the AI Attribution Toolkit (IBM Research,
aiattribution.github.io): `AIA <proportion> <contributions> <initiative> <review> <model> v1.0`,
with the toolkit's own codes and explanations.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Iterable, get_args

from .model import Contribution, ContributionKind, Effort, Partner, Session

#: The kinds of work in the order of the record format (the Literal's), for every table and chart.
KIND_ORDER: tuple[ContributionKind, ...] = get_args(ContributionKind)

#: How a kind of work reads in a sentence ("AI handling structure and research synthesis").
_KIND_PHRASES: dict[ContributionKind, str] = {
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

#: How a kind of work both sides did reads after "both contributing to" ("... to the ideas that emerged").
_SHARED_PHRASES: dict[ContributionKind, str] = {
    "research": "the research",
    "structure": "the structure",
    "drafting": "the drafting",
    "analysis": "the analysis",
    "exploration": "the ideas that emerged",
    "direction": "the direction",
    "context": "the context",
    "refinement": "the refinement",
    "review": "the review",
    "decision": "the decisions",
    "other": "other work",
}

#: The toolkit's proportion codes, from most AI to none, with its explanations.
PROPORTIONS = {
    "EAI": "The work was entirely AI-generated.",
    "PAI": "The work was primarily AI-generated.",
    "HAb": "The work was created with an even blend of human and AI contributions.",
    "Ph": "The work was primarily human-created.",
    "Eh": "This work was entirely human-created, without the use of AI.",
}
#: The toolkit's kinds of AI contribution: stylistic edits, content edits, new content.
CONTRIBUTIONS = {
    "Se": "AI was used to make stylistic edits, such as changes to structure, wording, and clarity.",
    "Ce": "AI was used to make content edits, such as changes to scope, information, and ideas.",
    "Nc": "AI was used to make new content, such as text, images, analysis, and ideas.",
}
INITIATIVES = {
    "Hin": "AI was prompted for its contributions, or AI assistance was enabled.",
    "Ain": "The AI made proactive contributions, such as via auto-completion or unprompted changes.",
}
REVIEWS = {
    "R": "AI-generated content was reviewed and approved.",
    "Nr": "AI-generated content was not reviewed.",
}
#: Our kinds of work in the toolkit's terms: structure and wording are stylistic edits; scope,
#: information and ideas are content edits; text, analysis and ideas of its own are new content.
_TOOLKIT_TYPE: dict[ContributionKind, str] = {
    "structure": "Se", "refinement": "Se",
    "research": "Ce", "direction": "Ce", "context": "Ce", "review": "Ce", "decision": "Ce", "other": "Ce",
    "drafting": "Nc", "analysis": "Nc", "exploration": "Nc",
}  # fmt: skip
#: Human work that reviews and approves: the basis of R when a record does not say.
_REVIEW_KINDS: frozenset[ContributionKind] = frozenset({"review", "refinement", "decision"})


#: What a contribution weighs when any of the sessions weighed rate their contributions' `effort`:
#: a rough doubling scale; a contribution without a rating there weighs as medium.
EFFORT_WEIGHTS: dict[Effort, int] = {"small": 1, "medium": 2, "large": 4}


def weighted(sessions: Iterable[Session]) -> bool:
    """Whether attribution weighs effort here: when any contribution has one (else each counts 1)."""
    return any(c.effort is not None for s in sessions for c in s.contributions)


def _weight(c: Contribution, by_effort: bool) -> int:
    return EFFORT_WEIGHTS[c.effort or "medium"] if by_effort else 1


def main_kinds(counter: Counter[str], limit: int = 3) -> list[str]:
    """The kinds that make up the bulk of someone's work: the largest, and any at least half as large."""
    if not counter:
        return []
    ranked = sorted(counter, key=lambda k: (-counter[k], KIND_ORDER.index(k)))
    top = counter[ranked[0]]
    return [k for k in ranked if counter[k] * 2 >= top][:limit]


def _phrase(kinds: list[str], phrases: dict[ContributionKind, str] = _KIND_PHRASES) -> str:
    words = [phrases[k] for k in kinds]  # type: ignore[index]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def shared_kinds(ai: Counter[str], human: Counter[str], named: Iterable[str]) -> list[str]:
    """The kinds of work both sides did, by the smaller side's share of each, leaving out those
    already named as one side's main work: what the credit line says both contributed to."""
    both = Counter({k: min(ai[k], human[k]) for k in ai.keys() & human.keys() if k not in set(named)})
    return main_kinds(both)


def _by_side(sessions: list[Session], partners: dict[str, Partner]) -> dict[str, Counter[str]]:
    """Each side's work by kind: contributions counted, or weighed by effort where it is rated."""
    by_effort = weighted(sessions)
    sides: dict[str, Counter[str]] = {"ai": Counter(), "human": Counter()}
    for s in sessions:
        for c in s.contributions:
            if c.by in partners:
                sides[partners[c.by].kind][c.kind] += _weight(c, by_effort)
    return sides


def prose(sessions: list[Session], partners: dict[str, Partner], override: str | None = None) -> str:
    """A sentence saying which side did which kinds of work, weighted by how often, and what both
    did ("both contributing to the ideas that emerged"), as the post's closing line has it.

    Each side is named by its kind ("AI", "human"), not by who it was, as in a credit line.
    A record's own `attribution:` (`override`) replaces it.
    """
    if override:
        return override
    sides = _by_side(sessions, partners)
    ai, human = main_kinds(sides["ai"]), main_kinds(sides["human"])
    parts = []
    if ai:
        parts.append(f"AI handling {_phrase(ai)}")
    if human:
        parts.append(f"{'human' if ai else 'Human'} providing {_phrase(human)}")
    if both := shared_kinds(sides["ai"], sides["human"], ai + human):
        parts.append(f"both contributing to {_phrase(both, _SHARED_PHRASES)}")
    if not parts:
        return "No contributions recorded."
    if not ai:
        parts.append("with no AI contribution recorded")
    elif not human:
        parts.append("with no human contribution recorded")
    return ", ".join(parts) + "."


@dataclass(frozen=True)
class Statement:
    """An AI Attribution statement: its codes, the short form and its plain-English reading."""

    proportion: str
    contributions: tuple[str, ...]
    initiative: str
    review: str
    models: tuple[str, ...]
    by_effort: bool = False  # the proportion weighs each contribution's effort

    @property
    def short(self) -> str:
        parts = ["AIA", self.proportion, *self.contributions]
        if self.proportion != "Eh":
            parts += [self.initiative, self.review]
        if self.models:
            parts.append(", ".join(self.models))
        return " ".join(parts + ["v1.0"])

    @property
    def reading(self) -> str:
        sentences = [PROPORTIONS[self.proportion]]
        if self.proportion != "Eh":
            sentences += [CONTRIBUTIONS[c] for c in self.contributions]
            sentences += [INITIATIVES[self.initiative], REVIEWS[self.review]]
        if self.models:
            sentences.append(f"The following model(s) or application(s) were used: {', '.join(self.models)}.")
        if self.by_effort:
            sentences.append("The proportion weighs each contribution by its recorded effort (small 1, medium 2, "
                             "large 4; a contribution without one as medium).")  # fmt: skip
        return " ".join(sentences)


def proportion_code(ai_share: float) -> str:
    """The toolkit's proportion from the AI's share of contributions: all, most, about half, some, none."""
    if ai_share >= 1:
        return "EAI"
    if ai_share > 0.6:
        return "PAI"
    if ai_share >= 0.4:
        return "HAb"
    return "Ph" if ai_share > 0 else "Eh"


def statement(sessions: list[Session], partners: dict[str, Partner]) -> Statement:
    """The AI Attribution statement for some sessions (one, a case study's, the whole journal's).

    Initiative is the sessions' `initiative` (human unless a record says otherwise), taken by
    majority. Review is a record's `human_review` where given, else whether a human reviewed,
    refined or decided something, or decided a disagreement.
    """
    sides = _by_side(sessions, partners)
    ai_total, total = sum(sides["ai"].values()), sum(sides["ai"].values()) + sum(sides["human"].values())
    kinds = sorted({_TOOLKIT_TYPE[k] for k in sides["ai"]}, key=list(CONTRIBUTIONS).index)
    ai_led = sum(1 for s in sessions if s.initiative == "ai")
    initiative = "Ain" if ai_led * 2 > len(sessions) else "Hin"
    reviewed = [_reviewed(s, partners) for s in sessions]
    review = "R" if reviewed and all(reviewed) else "Nr"
    models = sorted(
        {name for s in sessions for c in s.contributions if c.by in partners and (name := _model_name(partners[c.by]))}
    )
    return Statement(proportion_code(ai_total / total if total else 0), tuple(kinds), initiative, review, tuple(models),
                     weighted(sessions))  # fmt: skip


def _model_name(partner: Partner) -> str | None:
    """What an AI partner ran on, for the statement; an anonymous partner's name is never used."""
    if partner.kind != "ai":
        return None
    return partner.model or (None if partner.anonymous else partner.name)


def _reviewed(session: Session, partners: dict[str, Partner]) -> bool:
    if session.human_review is not None:
        return session.human_review
    human = {id for id, p in partners.items() if p.kind == "human"}
    return any(c.by in human and c.kind in _REVIEW_KINDS for c in session.contributions) or any(
        d.resolution is not None and d.resolution.decided_by in human for d in session.disagreements
    )
