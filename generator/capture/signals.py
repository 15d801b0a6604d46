"""What a session's events say for its record: the facts, and the candidates a person confirms.

Facts are counted from what the tools recorded: the AI's work by kind (searches and fetches are
research, reads and searches of the code exploration, new files drafting, edits refinement,
plans and delegation structure, test runs review), and the person's (task prompts are
direction, pasted material context, a yes or a no to a proposal decision), each with a summary
made of the counts. Candidates are what may be true and only a person can say: disagreements
the tools recorded (a rejected call and the reason given, a rejected plan, an undone or
reverted commit, an edited request or a regenerated answer) or that a person's words suggest
(a correction, in several languages), feedback, handoffs, the AI's hedges, and work that did
not hold up. Pure functions of a redacted session.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal, get_args

from ..model import IMPORT_TODO, ContributionKind, FeedbackAbout
from .normalise import Approval, Branch, Commit, Event, Interrupt, Session, Side, ToolKind, ToolUse, Turn, Undo, Where

#: The kind of contribution each kind of tool call is.
KINDS: dict[ToolKind, ContributionKind | None] = {
    "search": "research", "fetch": "research", "read": "exploration", "grep": "exploration", "write": "drafting",
    "edit": "refinement", "plan": "structure", "delegate": "structure", "test": "review", "code": "analysis",
    "command": "other", "question": None,
}  # fmt: skip
QUOTE_LIMIT = 200
#: The record format's own order of kinds, in which a draft lists its contributions.
_ORDER = {kind: i for i, kind in enumerate(get_args(ContributionKind))}
#: Tools that run a shell command: what they read is a command's target, not a file.
_SHELLS = frozenset({"Bash", "shell", "exec_command", "local_shell", "container.exec"})

# A person's turn: a yes, a correction, praise, a remark on style, pasted material.
_APPROVAL = re.compile(
    r"^(?:y|yes|yep|yup|yeah|ok|okay|sure|go|go ahead|go for it|do it|proceed|continue|lgtm|looks good(?: to me)?|"
    r"sounds good|approved?|ship it|perfect|great|that works|oui|ja|sí|si|sim|да|はい|好的?|可以|继续)"
    r"(?:[\s,.!]+(?:thanks|thank you|please))?[\s.!]*$",
    re.I,
)
_CORRECTION = re.compile(
    r"^(?:no|nope|not that|wrong|stop|actually|non|nein|não|nee|нет)\b"
    r"|^(?:不是|不对|違う|ちがう|いいえ|아니)"
    r"|\binstead\b|\bthat(?:'s| is) (?:wrong|not (?:right|what))|\bnot what I (?:asked|meant|wanted)|\brather than\b"
    r"|\bau lieu\b|\bplutôt\b|\bc'est faux\b|\bstattdessen\b|\bdas ist falsch\b|\ben (?:lugar|vez) de\b"
    r"|\best[aá] mal\b|\bem vez de\b|\best[aá] errado\b|\binvece\b|\bsbagliat[oa]\b|\bin plaats van\b"
    r"|\bklopt niet\b|\bвместо\b|\bнеправильно\b"
    r"|错了|而是|じゃなくて|ではなく|대신|틀렸",
    re.I,
)
_PRAISE = re.compile(
    r"^(?:thanks|thank you|thx|great|perfect|nice|awesome|excellent|well done|good job|good work|that works|"
    r"merci|danke|gracias|obrigad[oa]|grazie|спасибо|谢谢|ありがとう|감사)",
    re.I,
)
_STYLE = re.compile(
    r"\b(?:too (?:long|short|verbose|wordy|formal|casual|technical)|shorter|more concise|less verbose|simpler|"
    r"plainer|bullet (?:points|lists)|in paragraphs|the tone|formatting|wording)\b",
    re.I,
)
_HEDGE = re.compile(
    r"\b(?:I'?m not (?:entirely |completely |100% )?(?:sure|certain|confident)|I am not (?:sure|certain)|"
    r"not sure (?:if|whether|that|why|how)|unsure|uncertain|might not|may not (?:work|be)|could be wrong|"
    r"I (?:can(?:no|')t|couldn't) (?:verify|confirm|be sure)|haven't (?:verified|tested|checked)|"
    r"without (?:testing|verifying)|I suspect|probably|it'?s possible that|je ne suis pas s[uû]r|"
    r"ich bin (?:mir )?nicht sicher|no estoy seguro|não tenho certeza|non sono sicuro)\b",
    re.I,
)
_FENCE = re.compile(r"```.*?(?:```|\Z)", re.S)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")

TurnClass = Literal["request", "correction", "approval", "context"]


@dataclass(frozen=True)
class Fact:
    """A contribution, counted: `note` is a comment the draft writes under it."""

    side: Side
    kind: ContributionKind
    summary: str
    note: str = ""


@dataclass(frozen=True)
class Disagreement:
    topic: str
    ai: str
    human: str
    adopted: Side | None  # whose position the person's decision took, when the tool recorded one
    evidence: str


@dataclass(frozen=True)
class Feedback:
    about: FeedbackAbout
    text: str
    evidence: str


@dataclass(frozen=True)
class Handoff:
    giver: Side
    taker: Side
    what: str
    evidence: str


@dataclass(frozen=True)
class Undone:
    """Work of the AI that was taken back: a contribution that did not hold up."""

    kind: ContributionKind
    summary: str
    evidence: str


@dataclass(frozen=True)
class Hedge:
    """The AI said it was unsure: attached to its contribution of this kind."""

    kind: ContributionKind
    quote: str
    evidence: str


@dataclass
class Signals:
    date: dt.date | None
    title: str
    request: str  # the first request, quoted ("" without quotes)
    facts: list[Fact] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)
    feedback: list[Feedback] = field(default_factory=list)
    handoffs: list[Handoff] = field(default_factory=list)
    undone: list[Undone] = field(default_factory=list)
    hedges: list[Hedge] = field(default_factory=list)
    more_hedges: dict[ContributionKind, list[str]] = field(default_factory=dict)


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """Text as one short line: white space joined, cut at a word to `limit` characters."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1].rsplit(" ", 1)[0]
    return (cut if len(cut) > limit // 2 else line[: limit - 1]) + "…"


def said(text: str, quotes: bool) -> str:
    """A person's words, marked for rewriting (`pjournal check` reports the mark until it is done)."""
    return f"{IMPORT_TODO} rewrite: “{quote(text)}”" if quotes and text.strip() else ""


def evidence(where: Where, day: dt.date | None) -> str:
    """Where an event is recorded, as a draft's comment gives it: `transcript line 412, 21:21:07Z`."""
    place = f"{where.source} line {where.line}" if where.line else f"{where.source} {where.ref}".strip()
    if where.at is None:
        return place
    zone = "Z" if where.at.tzinfo is not None else ""
    shown = where.at.strftime("%H:%M:%S") if where.at.date() == day else where.at.strftime("%Y-%m-%d %H:%M:%S")
    return f"{place}, {shown}{zone}"


def classify(text: str, *, first: bool = False) -> TurnClass:
    """What a person's turn was: a yes, a correction (never the first turn: nothing came before it
    to correct), pasted material, or a request."""
    line = " ".join(text.split())
    if len(line) <= 60 and _APPROVAL.match(line):
        return "approval"
    if len(text) >= 800 or "```" in text or text.count("\n") >= 15:
        return "context"
    if not first and _CORRECTION.search(line[:300]):
        return "correction"
    return "request"


def hedges_in(text: str) -> list[str]:
    """The sentences of the AI's text in which it says it is unsure (code blocks left out)."""
    found = []
    for sentence in _SENTENCE.split(_FENCE.sub(" ", text)):
        if _HEDGE.search(sentence) and len(sentence.strip()) > 8:
            found.append(quote(sentence.strip()))
    return found


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else many or one + 's'}"


def _times(count: int) -> str:
    return "once" if count == 1 else "twice" if count == 2 else f"{count} times"


def _sentence(parts: list[str]) -> str:
    parts = [p for p in parts if p]
    text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return text[:1].upper() + text[1:]


def ai_facts(session: Session) -> list[Fact]:
    """The AI's work, by kind, counted from its tool calls (refused and interrupted ones left out)."""
    by: dict[ToolKind, list[ToolUse]] = {kind: [] for kind in get_args(ToolKind)}
    for e in session.events:
        if isinstance(e, ToolUse) and e.side == "ai" and e.status not in ("rejected", "interrupted"):
            by[e.kind].append(e)
    reads = {u.target for u in by["read"] if u.name not in _SHELLS}
    looks = [u for u in by["read"] if u.target not in reads]
    written = {u.target for u in by["write"] if u.target}
    edited = {u.target for u in by["edit"] if u.target}
    edits = f" ({_n(len(by['edit']), 'edit')})" if edited and len(by["edit"]) > len(edited) else ""
    helper = "a sub-agent" if len(by["delegate"]) == 1 else "sub-agents"
    summaries: dict[ContributionKind, list[str]] = {
        "research": [_count(by["search"], "searched the web {times}"), _count(by["fetch"], "fetched {n} page{s}")],
        "exploration": [_count(reads, "read {n} file{s}"), _count(by["grep"], "searched the code {times}"),
                        _count(looks, "ran {n} command{s} to look around")],
        "drafting": [_count(written, "wrote {n} new file{s}") or _count(by["write"], "drafted {n} new document{s}")],
        "refinement": [_count(edited, "edited {n} file{s}") + edits or _count(by["edit"], "revised the work {times}")],
        "structure": [_count(by["plan"], "laid out the plan {times}"),
                      _count(by["delegate"], f"handed {{n}} task{{s}} to {helper}")],
        "review": [_tests(by["test"]) if by["test"] else ""],
        "analysis": [_count(by["code"], "ran code {times}")],
        "other": [_count(by["command"], "ran {n} other command{s}")],
    }  # fmt: skip
    if session.tool == "git":
        summaries.update(_commit_facts(session))
    found = [Fact("ai", kind, _sentence(parts)) for kind, parts in summaries.items() if any(parts)]
    replies = [e for e in session.events if isinstance(e, Turn) and e.side == "ai" and not e.sidechain and e.text]
    if not found and replies:
        note = f"{IMPORT_TODO} the kind of work the replies were (research, drafting, analysis, ...)"
        found.append(Fact("ai", "other", f"Replied {_times(len(replies))}", note))
    return sorted(found, key=lambda f: _ORDER[f.kind])


def _count(items: object, words: str) -> str:
    """`words` with {n}, {s} and {times} filled in from how many items there are; "" for none."""
    n = len(items)  # type: ignore[arg-type]
    return words.format(n=n, s="" if n == 1 else "s", times=_times(n)) if n else ""


def _tests(runs: list[ToolUse]) -> str:
    ended = {"ok": "the last run passed", "failed": "the last run failed"}
    return f"ran the tests {_times(len(runs))}; {ended.get(runs[-1].status, 'how the last run ended is not recorded')}"


def _commit_facts(session: Session) -> dict[ContributionKind, list[str]]:
    """What the commits an AI took part in did: files added are drafting, files changed refinement."""
    ai = [c for c in session.events if isinstance(c, Commit) and c.ai]
    adding, changing = [c for c in ai if c.added], [c for c in ai if c.changed]
    added, changed = sum(c.added for c in ai), sum(c.changed for c in ai)
    return {
        "drafting": [_count(adding, f"took part in {{n}} commit{{s}} that added {_n(added, 'file')}")],
        "refinement": [_count(changing, f"took part in {{n}} commit{{s}} that changed {_n(changed, 'file')}")],
    }



def human_facts(session: Session) -> list[Fact]:
    """The person's part: requests (and corrections) as direction, pasted material and files added as
    context, yes and no to proposals as decisions, their own test runs as review, commits."""
    said = [e.text for e in session.events if isinstance(e, Turn) and e.side == "human"]
    count = Counter(classify(text, first=n == 0) for n, text in enumerate(said))
    own = [e for e in session.events if isinstance(e, ToolUse) and e.side == "human"]
    approvals = count["approval"] + sum(1 for e in session.events if isinstance(e, Approval))
    refusals = [e for e in session.events if isinstance(e, ToolUse) and e.side == "ai" and e.status == "rejected"]
    commits = [c for c in session.events if isinstance(c, Commit)] if session.tool == "git" else []
    theirs = [c for c in commits if not c.ai]
    tests = [u for u in own if u.kind == "test"]
    added = [u for u in own if u.kind in ("read", "fetch")]
    summaries: dict[ContributionKind, list[str]] = {
        "direction": [_requests(count["request"] + count["correction"], count["correction"])],
        "context": [_count(range(count["context"]), "pasted material {times}"),
                    _count(added, "added {n} file{s} or page{s} to the chat")],
        "decision": [_count(range(approvals), "said yes {times} to what the AI proposed"),
                     _count(refusals, "turned down {n} proposal{s}"),
                     _count([c for c in commits if c.ai], "committed {n} AI-assisted change{s}")],
        "review": [_tests(tests) if tests else ""],
        "refinement": [_count(theirs, "made {n} commit{s} without an AI")],
    }  # fmt: skip
    found = [Fact("human", kind, _sentence(parts)) for kind, parts in summaries.items() if any(parts)]
    return sorted(found, key=lambda f: _ORDER[f.kind])


def _requests(requests: int, corrections: int) -> str:
    """"made 3 requests, 1 of them a correction"."""
    if not corrections:
        return _count(range(requests), "made {n} request{s}")
    some = "a correction" if corrections == 1 else "corrections"
    return f"made {_n(requests, 'request')}, {corrections} of them {some}"


def signals(session: Session, *, quotes: bool) -> Signals:
    """Everything a draft says of a (redacted) session."""
    humans = [e for e in session.events if isinstance(e, Turn) and e.side == "human"]
    first = next((e.where.at for e in humans if e.where.at is not None), None) or session.started
    day = first.date() if first is not None else None
    found = Signals(day, quote(session.title, 120), quote(humans[0].text) if humans and quotes else "")
    found.facts = [*ai_facts(session), *human_facts(session)]
    _candidates(session, found, day, quotes)
    _hedges(session, found, day)
    return found


def _candidates(session: Session, found: Signals, day: dt.date | None, quotes: bool) -> None:
    """Disagreements, feedback, handoffs and undone work, in the order the session recorded them."""
    commits = {e.commit: e for e in session.events if isinstance(e, Commit)}
    first_request = True
    last_tool: ToolUse | None = None
    events: list[Event] = session.events
    for index, event in enumerate(events):
        where = evidence(event.where, day)
        if isinstance(event, ToolUse):
            if event.side == "ai" and event.status == "rejected":
                found.disagreements.append(_refusal(event, where, quotes))
            if event.kind == "question" and event.side == "ai":
                found.handoffs.append(Handoff("ai", "human", f"A question: “{quote(event.target)}”" if event.target
                                              else "A question for the person", where))  # fmt: skip
            if event.kind == "delegate" and event.side == "ai" and event.status != "rejected":
                returned = ", its work returned" if event.status == "ok" else ""
                what = f"Delegated to a sub-agent: {quote(event.target or event.name)}{returned}"
                found.handoffs.append(Handoff("ai", "ai", what, where))
            last_tool = event
        elif isinstance(event, Interrupt):
            if last_tool is None or last_tool.status != "rejected":
                topic = f"{IMPORT_TODO} what the AI was stopped from doing"
                doing = f"{IMPORT_TODO} what it was doing"
                found.disagreements.append(Disagreement(topic, doing, "Stopped it", "human", where))
        elif isinstance(event, Undo):
            _undone(event, commits.get(event.commit), where, found)
        elif isinstance(event, Branch):
            found.disagreements.append(_branch(event, where))
        elif isinstance(event, Turn) and event.side == "human":
            _human_turn(event, where, found, quotes, first_request)
            first_request = False
        elif isinstance(event, Turn) and not event.sidechain and event.text:
            question = _question(event.text)
            if question and any(isinstance(e, Turn) and e.side == "human" for e in events[index + 1:index + 4]):
                found.handoffs.append(Handoff("ai", "human", f"A question: “{question}”", where))


def _refusal(use: ToolUse, where: str, quotes: bool) -> Disagreement:
    """A call the person refused: they decided, and their reason (if they gave one) is their stance."""
    target = use.target or use.name
    topic, proposed = {
        "edit": (f"Changing {target}", f"Change {target}"),
        "write": (f"Creating {target}", f"Create {target}"),
        "plan": ("The AI's plan", "Go ahead with its plan"),
        "fetch": (f"Fetching {target}", f"Fetch {target}"),
        "search": (f"Searching for {target}", f"Search for {target}"),
        "delegate": (f"Handing {target} to a sub-agent", f"Hand {target} to a sub-agent"),
        "question": ("A question for the person", "Ask a question"),
    }.get(use.kind, (f"Running `{target}`", f"Run `{target}`"))
    stance = said(use.reason, quotes) or ("Turned it down and said why" if use.reason else "Turned it down")
    return Disagreement(quote(topic, 120), quote(proposed, 160), stance, "human", where)


def _undone(undo: Undo, commit: Commit | None, where: str, found: Signals) -> None:
    """Work taken back: with aider's /undo, or a revert of a commit an AI took part in."""
    if undo.how == "revert" and (commit is None or not commit.ai):
        return
    how = "undone with /undo" if undo.how == "undo" else f"reverted by commit {undo.where.ref}"
    kind: ContributionKind = "drafting" if commit is not None and commit.added and not commit.changed else "refinement"
    found.undone.append(Undone(kind, f"Commit {undo.commit}, {how}", where))
    human = "Undid it with /undo" if undo.how == "undo" else f"Reverted it in commit {undo.where.ref}"
    made = f"Made commit {undo.commit}"
    found.disagreements.append(Disagreement(f"Commit {undo.commit}", made, human, "human", where))


def _branch(branch: Branch, where: str) -> Disagreement:
    if branch.how == "edited":
        return Disagreement(f"{IMPORT_TODO} what the rewritten request changed",
                            f"{IMPORT_TODO} what the answer to the first request said",
                            "Rewrote the request (ChatGPT kept both)", None, where)  # fmt: skip
    return Disagreement(f"{IMPORT_TODO} what was wrong with the first answer", "The first answer",
                        "Had the answer written again (ChatGPT kept both)", None, where)  # fmt: skip


def _human_turn(turn: Turn, where: str, found: Signals, quotes: bool, first: bool) -> None:
    kind = classify(turn.text, first=first)
    words = said(turn.text, quotes)
    if first and kind != "approval":
        found.handoffs.append(Handoff("human", "ai", words or f"{IMPORT_TODO} the task, in a few words", where))
    if kind == "correction":
        found.disagreements.append(Disagreement(f"{IMPORT_TODO} what the correction was about",
                                                f"{IMPORT_TODO} what the AI had done or proposed",
                                                words or "Corrected the AI", None, where))  # fmt: skip
    line = " ".join(turn.text.split())
    if _PRAISE.match(line):
        found.feedback.append(Feedback("usefulness", words or "Said the work was good", where))
    if _STYLE.search(line[:300]):
        found.feedback.append(Feedback("style", words or "Asked for another style", where))


def _question(text: str) -> str:
    """The question an AI reply ends with, if it ends with one."""
    lines = [line.strip() for line in _FENCE.sub(" ", text).splitlines() if line.strip()]
    last = lines[-1] if lines else ""
    if not last.endswith("?"):
        return ""
    sentences = [s for s in _SENTENCE.split(last) if s.strip()]
    return quote(sentences[-1] if sentences else last)


def _hedges(session: Session, found: Signals, day: dt.date | None) -> None:
    """The AI's hedges, each on its contribution of the kind of work that followed it."""
    kinds = [f.kind for f in found.facts if f.side == "ai"]
    if not kinds:
        return
    events = session.events
    for index, event in enumerate(events):
        if not (isinstance(event, Turn) and event.side == "ai" and not event.sidechain and event.text):
            continue
        hedges = hedges_in(event.text)
        if not hedges:
            continue
        after = next((KINDS[e.kind] for e in events[index:] if isinstance(e, ToolUse) and e.side == "ai"
                      and KINDS[e.kind] in kinds), None)  # fmt: skip
        kind = after or kinds[0]
        where = evidence(event.where, day)
        for text in hedges:
            if any(h.kind == kind for h in found.hedges):
                found.more_hedges.setdefault(kind, []).append(where)
            else:
                found.hedges.append(Hedge(kind, text, where))
