"""A deterministic synthetic journal, and two MkDocs sites of the same content to compare with.

    python benchmarks/synth.py N OUT_DIR [--seed S]

writes

    OUT_DIR/mkdocs.yml, docs/index.md   our site: Material, search + partnership-journal
    OUT_DIR/journal/                    N sessions (about 3-4 KB of YAML each), 20 partners,
                                        one case study per 100 sessions, sessions/<year>/
    OUT_DIR/plain/                      the equal plain MkDocs Material site: the N sessions as
                                        hand-written Markdown pages, a small nav, search only
    OUT_DIR/blog/                       a Material blog-plugin site: the N sessions as posts
    OUT_DIR/light/ (with --light-pages P)  a plain Material site of P light pages: about 2 KB of
                                        Markdown each (a small table, a list, an admonition),
                                        the same compact nav

The same seed and N always give byte-identical output. Only the standard library and
PyYAML are used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

FORMAT = 5  # bump when the output changes, so run.py regenerates its cached journals

# A small vocabulary: enough that pages differ, small enough to read.
ADJECTIVES = """
quiet bold careful rough early late second final open hidden shared narrow broad
steady fragile plain vivid lean heavy clear vague local remote urgent gradual
""".split()
NOUNS = """
outline draft chapter label layout survey dataset model sample timeline budget
schedule interview diagram prototype checklist summary argument source chart
appendix template pipeline review lesson hypothesis workshop brief proposal
estimate dashboard glossary protocol sketch palette report index migration
""".split()
VERBS = """
revised checked merged drafted questioned reordered trimmed expanded tested
compared annotated simplified rebuilt measured grouped flagged verified
""".split()
GERUNDS = """
Drafting Revising Checking Planning Testing Restructuring Reviewing Sketching
Mapping Measuring Outlining Comparing Untangling Preparing Rethinking
""".split()
CONNECTIVES = ["because", "although", "so that", "while", "after", "before", "until", "since"]
DOMAINS = ["writing", "design", "medicine", "education", "research", "software", "law", "music"]
TAGS = ["workflow", "process", "uncertainty", "communication", "review", "trust", "tooling",
        "scope", "sources", "timing", "voice", "evidence"]
ROLES = ["direction and final edit", "structure and research synthesis", "first drafts",
         "review", "context and constraints", "analysis", "fact checking", "decisions"]
KINDS = ["research", "structure", "drafting", "analysis", "exploration", "direction",
         "context", "refinement", "review", "decision", "other"]
AI_KINDS = ["research", "structure", "drafting", "analysis", "exploration", "review", "refinement"]
HUMAN_KINDS = ["direction", "context", "refinement", "review", "decision", "other", "drafting"]
ABOUT = ["accuracy", "usefulness", "timing", "style", "process", "other"]
OUTCOMES = ["adopted", "compromise", "new-approach", "deferred", "unresolved"]
FIRST_NAMES = ["Alexa", "Bruno", "Chen", "Dana", "Emeka", "Farah", "Gil", "Hana", "Ivo",
               "Jun", "Kemal", "Lena", "Mira"]
AI_NAMES = ["Writing assistant", "Research assistant", "Design assistant", "Code assistant",
            "Imaging assistant", "Tutor assistant", "Analysis assistant"]

PARTNERS = 20
HUMANS = 13  # the other 7 are AI partners; the last human is anonymous


@dataclass(frozen=True)
class Shape:
    """What each dimension of a journal is made of: the defaults give the benchmark journal, and
    benchmarks/growth.py grows one at a time. Ranges are (fewest, most) per session."""

    humans: int = HUMANS
    anonymous: bool = True  # the last human is
    described: bool = True  # partners with a description and strengths (5,000 such pass the 1 MB limit)
    ais: int = PARTNERS - HUMANS
    per_session: tuple[int, int] = (2, 4)  # partners taking part
    contributions: tuple[int, int] = (3, 6)
    lessons: tuple[int, int] = (1, 3)
    tags: int = len(TAGS)  # the vocabulary sessions and lessons draw their tags from
    case_studies: int | None = None  # None: one per 100 sessions
    partnership: int | None = None  # sessions per human and AI pair, in turn; None: pairs drawn at random

    @property
    def tag_names(self) -> list[str]:
        return TAGS[:self.tags] + [f"{TAGS[i % len(TAGS)]}-{i // len(TAGS) + 1}" for i in range(len(TAGS), self.tags)]


class _Dumper(yaml.SafeDumper):
    """Block style, multi-line strings as literal blocks, like a person writes them."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=88, default_flow_style=False)


class Words:
    """Random text from the vocabulary, all drawn from one seeded generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def pick(self, seq: list[Any]) -> Any:
        return self.rng.choice(seq)

    def phrase(self) -> str:
        return f"the {self.pick(ADJECTIVES)} {self.pick(NOUNS)}"

    def title(self) -> str:
        # Plain words only (no ':' or quotes), so the YAML line is `title: words` and easy to edit.
        return f"{self.pick(GERUNDS)} {self.phrase()} for {self.phrase()}"

    def clause(self) -> str:
        return f"{self.phrase()} {self.pick(VERBS)} {self.phrase()}"

    def sentence(self, markup: bool = False) -> str:
        text = self.clause()
        if self.rng.random() < 0.6:
            text += f" {self.pick(CONNECTIVES)} {self.clause()}"
        if markup and self.rng.random() < 0.25:
            word = self.pick(NOUNS)
            text = text.replace(f" {word}", f" **{word}**", 1) if f" {word}" in text else text + f" with **{word}**"
        if markup and self.rng.random() < 0.15:
            text += f", see `{self.pick(NOUNS)}-{self.rng.randint(1, 99)}.md`"
        return text[0].upper() + text[1:] + "."

    def sentences(self, low: int, high: int, markup: bool = False) -> str:
        return " ".join(self.sentence(markup) for _ in range(self.rng.randint(low, high)))

    def paragraphs(self, low: int, high: int) -> str:
        return "\n\n".join(_wrap(self.sentences(2, 4, markup=True)) for _ in range(self.rng.randint(low, high))) + "\n"


def _wrap(text: str, width: int = 78) -> str:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines)


def _slug(text: str) -> str:
    return "-".join("".join(ch for ch in word.lower() if ch.isalnum()) for word in text.split())


# The journal -----------------------------------------------------------------------------------


def _numbered(names: list[str], i: int) -> str:
    """The i-th name, numbered once the list runs out ("Alexa 2")."""
    return names[i % len(names)] + (f" {i // len(names) + 1}" if i >= len(names) else "")


def make_partners(w: Words, shape: Shape = Shape()) -> list[dict[str, Any]]:
    partners = []
    for i in range(shape.humans):
        name = _numbered(FIRST_NAMES, i)
        p: dict[str, Any] = {"id": _slug(name), "name": f"{name} {w.pick(['Okafor', 'Roe', 'Ivanova', 'Lindqvist', 'Tanaka', 'Moreau'])}",
                             "kind": "human"}
        if shape.described:
            p.update(description=w.sentences(1, 2), strengths=w.rng.sample(ROLES, 2))
        if shape.anonymous and i == shape.humans - 1:
            p.update(anonymous=True, alias="Second reader")
        partners.append(p)
    for i in range(shape.ais):
        name = _numbered(AI_NAMES, i)
        p = {"id": _slug(name), "name": name, "kind": "ai", "model": "general-purpose language model"}
        if shape.described:
            p.update(description=w.sentences(1, 2), strengths=w.rng.sample(ROLES, 3))
        partners.append(p)
    return partners


def make_case_study(w: Words, index: int) -> tuple[str, dict[str, Any]]:
    title = w.title()
    id = f"{_slug(title)[:60]}-{index + 1}"
    return id, {"title": title, "summary": w.sentence(), "domain": w.pick(DOMAINS),
                "tags": w.rng.sample(TAGS, 2), "narrative": w.paragraphs(3, 5)}


def _confidence(w: Words) -> float:
    return round(w.rng.uniform(0.2, 0.95), 2)


def make_session(w: Words, index: int, date: dt.date, partners: list[dict[str, Any]], studies: list[str],
                 outcome_turn: int, shape: Shape = Shape()) -> tuple[str, dict[str, Any], int]:
    rng = w.rng
    humans = [p for p in partners if p["kind"] == "human"]
    ais = [p for p in partners if p["kind"] == "ai"]
    count = min(rng.randint(*shape.per_session), len(partners))
    if shape.partnership:
        turn = index // shape.partnership
        chosen = [humans[turn % len(humans)], ais[turn // len(humans) % len(ais)]]
    else:
        chosen = [rng.choice(humans), rng.choice(ais)]
    others = [p for p in partners if p not in chosen]
    chosen += rng.sample(others, count - 2)
    rng.shuffle(chosen)
    ids = [p["id"] for p in chosen]
    kind_of = {p["id"]: p["kind"] for p in chosen}

    title = w.title()
    id = f"{date.isoformat()}-{_slug(title)[:50]}-{index + 1}"
    s: dict[str, Any] = {"title": title, "date": date}
    tags = shape.tag_names
    if studies and shape.partnership:
        s["case_study"] = studies[index // shape.partnership % len(studies)]
    elif studies and rng.random() < 0.6:
        s["case_study"] = rng.choice(studies)
    s["domain"] = w.pick(DOMAINS)
    if rng.random() < 0.7:
        s["tags"] = rng.sample(tags, rng.randint(1, 3))
    s["partners"] = [{"partner": p, "role": w.pick(ROLES)} for p in ids]
    s["goal"] = w.sentence()
    if rng.random() < 0.7:
        s["constraints"] = [w.sentence() for _ in range(rng.randint(1, 3))]

    contributions = []
    for _ in range(rng.randint(*shape.contributions)):
        by = rng.choice(ids)
        c: dict[str, Any] = {"by": by, "kind": rng.choice(AI_KINDS if kind_of[by] == "ai" else HUMAN_KINDS),
                             "summary": w.sentence()}
        if rng.random() < 0.7:
            c["confidence"] = _confidence(w)
        if rng.random() < 0.4:
            c["uncertainty"] = f"Unsure whether {w.clause()}"
        if rng.random() < 0.7:
            c["held_up"] = rng.random() < 0.7
        contributions.append(c)
    s["contributions"] = contributions

    disagreements = []
    for _ in range(rng.randint(0, 3)):
        sides = rng.sample(ids, min(len(ids), rng.randint(2, 3)))
        positions = []
        for by in sides:
            p: dict[str, Any] = {"by": by, "stance": w.sentence()}
            if rng.random() < 0.7:
                p["reasoning"] = w.sentence()
            if rng.random() < 0.7:
                p["confidence"] = _confidence(w)
            positions.append(p)
        d: dict[str, Any] = {"topic": f"Whether {w.clause()}", "positions": positions}
        if rng.random() < 0.9:
            outcome = OUTCOMES[outcome_turn % len(OUTCOMES)]  # every outcome, in turn
            outcome_turn += 1
            r: dict[str, Any] = {"outcome": outcome}
            if outcome == "adopted":
                r["adopted"] = rng.choice(sides)
            r["decided_by"] = rng.choice(ids)
            r["summary"] = w.sentence()
            d["resolution"] = r
            if outcome in ("adopted", "compromise", "new-approach") and rng.random() < 0.7:
                d["held_up"] = rng.random() < 0.7
        disagreements.append(d)
    if disagreements:
        s["disagreements"] = disagreements

    feedback = []
    for _ in range(rng.randint(1, 3)):
        a, b = rng.sample(ids, 2)
        f: dict[str, Any] = {"from": a, "to": b, "about": w.pick(ABOUT), "text": w.sentences(1, 2)}
        if rng.random() < 0.8:
            f["acted_on"] = rng.random() < 0.7
        feedback.append(f)
    s["feedback"] = feedback

    handoffs = []
    for _ in range(rng.randint(0, 2)):
        a, b = rng.sample(ids, 2)
        handoffs.append({"from": a, "to": b, "what": w.sentence()})
    if handoffs:
        s["handoffs"] = handoffs

    s["outcome"] = w.sentences(1, 2)
    lessons: list[Any] = []
    for _ in range(rng.randint(*shape.lessons)):
        if rng.random() < 0.5:
            lessons.append({"lesson": w.sentence(), "tags": rng.sample(tags, rng.randint(1, 2))})
        else:
            lessons.append(w.sentence())
    s["lessons"] = lessons
    s["notes"] = w.paragraphs(2, 3)
    return id, s, outcome_turn


def _dates(rng: random.Random, n: int) -> list[dt.date]:
    """n dates spread over 2021-2026, in order."""
    start, end = dt.date(2021, 1, 1), dt.date(2026, 10, 31)
    span = (end - start).days
    return sorted(start + dt.timedelta(days=rng.randrange(span + 1)) for _ in range(n))


# The two comparison sites ----------------------------------------------------------------------


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown_page(s: dict[str, Any], names: dict[str, str], kinds: dict[str, str], link: str) -> str:
    """A session as a hand-written Markdown page: about the size and shape of our session page.

    Partner names link to their entry in `link` (the site's partners page), as ours link to partner pages.
    """

    def who(id: str) -> str:
        return f"[{names[id]}]({link}#{_slug(names[id])})"

    def held(value: bool | None) -> str:
        return {True: "held up", False: "did not hold up", None: "not yet known"}[value]

    def conf(item: dict[str, Any]) -> str:
        return f"{round(item['confidence'] * 100)}%" if "confidence" in item else "not stated"

    out = [f"# {s['title']}", "", f"{s['date']} · {s['domain']}", "", f"**Goal:** {s['goal']}", "",
           f"**Written by:** {', '.join(names[p['partner']] for p in s['partners'])}.", "",
           "## Partners", "", "| Partner | Kind | Role |", "|---|---|---|"]
    out += [f"| {who(p['partner'])} | {kinds[p['partner']]} | {p['role']} |" for p in s["partners"]]
    if s.get("constraints"):
        out += ["", "## Constraints", ""] + [f"- {c}" for c in s["constraints"]]
    out += ["", "## Contributions", "", "| By | Kind | Contribution | Stated confidence | Unsure about | Held up |",
            "|---|---|---|---:|---|---|"]
    for c in s["contributions"]:
        out.append(f"| {who(c['by'])} | {c['kind']} | {_cell(c['summary'])} | {conf(c)} | "
                   f"{_cell(c.get('uncertainty', ''))} | {held(c.get('held_up'))} |")
    if s.get("disagreements"):
        out += ["", "## Disagreements"]
        for d in s["disagreements"]:
            ps = d["positions"]
            out += ["", f"### {d['topic']}", "", "| | " + " | ".join(who(p["by"]) for p in ps) + " |",
                    "|---|" + "---|" * len(ps),
                    "| Position | " + " | ".join(_cell(p["stance"]) for p in ps) + " |",
                    "| Reasoning | " + " | ".join(_cell(p.get("reasoning", "")) for p in ps) + " |",
                    "| Stated confidence | " + " | ".join(conf(p) for p in ps) + " |", ""]
            r = d.get("resolution")
            if r:
                adopted = f": {who(r['adopted'])}'s position adopted" if r.get("adopted") else ""
                out.append(f"**Resolution:** {r['outcome']}{adopted}; decided by {who(r['decided_by'])}. {r.get('summary', '')}")
            else:
                out.append("**Resolution:** none recorded.")
            out += ["", f"**Held up:** {held(d.get('held_up'))}."]
    out += ["", "## Feedback", "", "| From | To | About | Feedback | Acted on |", "|---|---|---|---|---|"]
    out += [f"| {who(f['from'])} | {who(f['to'])} | {f['about']} | {_cell(f['text'])} | "
            f"{ {True: 'yes', False: 'no', None: 'not recorded'}[f.get('acted_on')] } |" for f in s["feedback"]]
    if s.get("handoffs"):
        out += ["", "## Handoffs", ""] + [f"- {who(h['from'])} → {who(h['to'])}: {h['what']}" for h in s["handoffs"]]
    out += ["", "## Outcome", "", s["outcome"], "", "## Lessons", ""]
    for l in s["lessons"]:
        out.append(f"- {l['lesson']} ({', '.join(l['tags'])})" if isinstance(l, dict) else f"- {l}")
    out += ["", "## Notes", "", s["notes"]]
    return "\n".join(out)


def partners_page(partners: list[dict[str, Any]], names: dict[str, str]) -> str:
    out = ["# Partners", ""]
    for p in partners:
        out += [f"## {names[p['id']]}", "", f"{p['kind']}. {p['description']}", "",
                f"Strengths: {', '.join(p['strengths'])}.", ""]
    return "\n".join(out)


def _material_site(out: Path, name: str, intro: str, partners: list[dict[str, Any]], names: dict[str, str],
                   config: str) -> Path:  # fmt: skip
    """A Material site's mkdocs.yml (`config` after the theme), home page and partners page; its docs folder."""
    docs = out / "docs"
    docs.mkdir(parents=True)
    (out / "mkdocs.yml").write_text(f"site_name: {name}\ntheme:\n  name: material\n{config}", encoding="utf-8")
    (docs / "index.md").write_text(f"# {name}\n\n{intro}\n", encoding="utf-8")
    (docs / "partners.md").write_text(partners_page(partners, names), encoding="utf-8")
    return docs


def write_plain(out: Path, sessions: list[tuple[str, dict[str, Any]]], partners: list[dict[str, Any]],
                names: dict[str, str], kinds: dict[str, str]) -> None:
    """The equal plain site: the N sessions as hand-written Markdown pages of the same content,
    a partners page, the sessions listed on a page per year, and a sidebar of three pages."""
    docs = _material_site(
        out, "Plain benchmark site", f"{len(sessions)} pages of sessions.", partners, names,
        "plugins:\n  - search\n"
        "nav:\n  - Home: index.md\n  - Sessions: sessions/index.md\n  - Partners: partners.md\n"
        "not_in_nav: |\n  /sessions/*.md\n  /years/*.md\n",
    )  # fmt: skip
    (docs / "sessions").mkdir()
    years: dict[int, list[str]] = {}
    for id, s in sessions:
        years.setdefault(s["date"].year, []).append(f"| {s['date']} | [{s['title']}](../sessions/{id}.md) |")
        (docs / "sessions" / f"{id}.md").write_text(markdown_page(s, names, kinds, "../partners.md"), encoding="utf-8")
    (docs / "years").mkdir()
    for year, rows in years.items():
        table = ["| Date | Session |", "|---|---|", *reversed(rows)]
        (docs / "years" / f"{year}.md").write_text(f"# Sessions in {year}\n\n" + "\n".join(table) + "\n", encoding="utf-8")
    index = "\n".join(f"- [{year}](../years/{year}.md): {len(rows)} sessions" for year, rows in sorted(years.items()))
    (docs / "sessions" / "index.md").write_text("# Sessions\n\n" + index + "\n", encoding="utf-8")


def write_blog(out: Path, sessions: list[tuple[str, dict[str, Any]]], partners: list[dict[str, Any]],
               names: dict[str, str], kinds: dict[str, str]) -> None:
    docs = _material_site(
        out, "Blog benchmark site", f"{len(sessions)} sessions as blog posts.", partners, names,
        "plugins:\n  - search\n  - blog\n"
        "nav:\n  - Home: index.md\n  - Blog:\n    - blog/index.md\n  - Partners: partners.md\n",
    )  # fmt: skip
    posts = docs / "blog" / "posts"
    posts.mkdir(parents=True)
    (docs / "blog" / "index.md").write_text("# Blog\n", encoding="utf-8")
    for id, s in sessions:
        body = markdown_page(s, names, kinds, "../../partners.md")
        title, rest = body.split("\n", 1)
        # Front matter: the date, the domain as the category, an explicit slug (titles may repeat).
        head = f"---\ndate: {s['date']}\ncategories:\n  - {s['domain']}\nslug: {id}\n---\n\n"
        # The excerpt on the index pages ends after the goal, as a blogger would place it.
        rest = rest.replace("\n\n## Partners", "\n\n<!-- more -->\n\n## Partners", 1)
        (posts / f"{id}.md").write_text(head + title + "\n" + rest, encoding="utf-8")


def light_page(w: Words, number: int) -> str:
    """About 2 KB of Markdown: a title, paragraphs, a small table, a list and an admonition."""
    rows = [f"| {w.title()} | {w.pick(ADJECTIVES)} | {w.rng.randint(1, 99)} |" for _ in range(3)]
    items = [f"- {w.sentence()}" for _ in range(4)]
    return "\n".join([
        f"# {w.title()} {number}", "", w.sentences(4, 5), "", "## Figures", "",
        "| Name | Kind | Count |", "|---|---|---|", *rows, "", "## Points", "", *items, "",
        f'!!! note "{w.title()}"', "", f"    {w.sentences(2, 3)}", "", "## Notes", "", w.sentences(7, 9), "",
    ])  # fmt: skip


def write_light(out: Path, pages: int, seed: int = 1) -> None:
    """The light reference site: `pages` pages in all (the home page and an index page among them),
    the rest outside the nav, so that its sidebar is as small as ours."""
    if out.exists():
        shutil.rmtree(out)
    w = Words(random.Random(seed))
    docs = out / "docs"
    (docs / "pages").mkdir(parents=True)
    (out / "mkdocs.yml").write_text(
        "site_name: Light benchmark site\ntheme:\n  name: material\n"
        "markdown_extensions:\n  - admonition\n  - tables\n  - toc\n"
        "plugins:\n  - search\n"
        "nav:\n  - Home: index.md\n  - Pages: pages/index.md\n"
        "not_in_nav: |\n  /pages/page-*.md\n",
        encoding="utf-8",
    )  # fmt: skip
    (docs / "index.md").write_text(f"# Light benchmark site\n\n{pages} pages.\n", encoding="utf-8")
    (docs / "pages" / "index.md").write_text("# Pages\n\n" + w.sentences(2, 3) + "\n", encoding="utf-8")
    for number in range(1, pages - 1):
        (docs / "pages" / f"page-{number:05d}.md").write_text(light_page(w, number), encoding="utf-8")


def write_ours(out: Path) -> None:
    (out / "docs").mkdir(parents=True, exist_ok=True)
    (out / "mkdocs.yml").write_text(
        "site_name: Journal benchmark site\n"
        "theme:\n  name: material\n"
        "plugins:\n  - search\n  - partnership-journal:\n      journal_dir: journal\n",
        encoding="utf-8",
    )
    (out / "docs" / "index.md").write_text("# Journal benchmark site\n\nThe journal is under [Journal](journal/index.md).\n",
                                            encoding="utf-8")


def write_journal(journal: Path, n: int, w: Words, shape: Shape = Shape()) -> tuple[list[dict[str, Any]], list[tuple[str, dict[str, Any]]]]:
    """A journal of n sessions shaped as `shape` says, in the empty or missing folder `journal`;
    its partners and sessions, for the comparison sites."""
    (journal / "case-studies").mkdir(parents=True)
    partners = make_partners(w, shape)
    (journal / "partners.yaml").write_text(dump(partners), encoding="utf-8")

    studies = []
    for i in range(max(1, n // 100) if shape.case_studies is None else shape.case_studies):
        id, study = make_case_study(w, i)
        studies.append(id)
        (journal / "case-studies" / f"{id}.yaml").write_text(dump(study), encoding="utf-8")

    sessions = []
    turn = 0
    for i, date in enumerate(_dates(w.rng, n)):
        id, s, turn = make_session(w, i, date, partners, studies, turn, shape)
        folder = journal / "sessions" / str(date.year)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{id}.yaml").write_text(dump(s), encoding="utf-8")
        sessions.append((id, s))
    return partners, sessions


def generate(n: int, out: Path, seed: int = 1) -> None:
    rng = random.Random(seed)
    w = Words(rng)
    for part in ("journal", "plain", "blog", "light", "docs", "mkdocs.yml", "site"):
        path = out / part
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    out.mkdir(parents=True, exist_ok=True)
    partners, sessions = write_journal(out / "journal", n, w)
    names = {p["id"]: p.get("alias") if p.get("anonymous") else p["name"] for p in partners}

    write_ours(out)
    kinds = {p["id"]: p["kind"] for p in partners}
    write_plain(out / "plain", sessions, partners, names, kinds)
    write_blog(out / "blog", sessions, partners, names, kinds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of sessions")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--light-pages", type=int, metavar="P", help="also write OUT_DIR/light with P pages")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be at least 1")
    generate(args.n, args.out_dir, args.seed)
    if args.light_pages:
        write_light(args.out_dir / "light", args.light_pages, args.seed)
    print(f"wrote {args.n} sessions to {args.out_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
