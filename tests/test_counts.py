"""Every count opens exactly the records it counts: each `<a class="pj-count">N</a>` of a built site
leads to a list (or a heading followed by one) of exactly N entries, each a link to its record's
place on its session's page, or itself a count whose numbers add up to N (a long list split by year).

Walked on the example site, built for real, and on a synthetic journal of 1,000 sessions as the
publish pipeline makes its pages (their bodies, at the addresses a build gives them: the theme
around them changes no count).
"""

from __future__ import annotations

import posixpath
import re
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.publish import Options, publish
from mkdocs.structure.files import File

from conftest import ROOT

pytestmark = pytest.mark.build

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "path",
        "rect", "circle", "line", "polyline", "polygon", "use", "stop"}  # fmt: skip


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Element] = field(default_factory=list)
    text: str = ""

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


class _Tree(HTMLParser):
    """A page as a tree of elements, enough to find an id and count what it lists."""

    def __init__(self) -> None:
        super().__init__()
        self.root = Element("document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Element(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        self.stack[-1].text += data


def tree(path: Path) -> Element:
    parser = _Tree()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.root


def _target(site: Path, page: Path, href: str) -> tuple[Path, str]:
    path, _, fragment = href.partition("#")
    target = Path(posixpath.normpath(posixpath.join(page.parent.as_posix(), path)))
    return (target / "index.html" if path.endswith("/") or target.is_dir() else target), fragment


def ids(root: Element) -> dict[str, tuple[Element, Element]]:
    """Each element with an id, with its parent, by id (the first of a repeated id, as a browser's)."""
    found: dict[str, tuple[Element, Element]] = {}
    for parent in root.walk():
        for child in parent.children:
            if "id" in child.attrs:
                found.setdefault(child.attrs["id"], (parent, child))
    return found


def listed(index: dict[str, tuple[Element, Element]], id: str) -> list[Element]:
    """The entries of the list or table with this id, or of the one right after the heading with it."""
    assert id in index, f"no element with id {id!r}"
    parent, element = index[id]
    if element.tag in ("h1", "h2", "h3", "h4"):
        siblings = [c for c in parent.children]
        element = siblings[siblings.index(element) + 1]
    if element.tag in ("ol", "ul"):
        return [c for c in element.children if c.tag == "li"]
    assert element.tag == "table", f"#{id} is a {element.tag}, not a list or table"
    body = next(c for c in element.children if c.tag == "tbody")
    return [c for c in body.children if c.tag == "tr"]


def check_counts(site: Path) -> int:
    """Check every pj-count link of the site; the number of links checked."""
    checked = 0
    trees: dict[Path, dict[str, tuple[Element, Element]]] = {}  # a target page is read once, however many counts open it
    for page in sorted(site.rglob("*.html")):
        if "pj-count" not in page.read_text(encoding="utf-8"):
            continue  # no count on it (a session's page): not parsed
        for link in (e for e in tree(page).walk() if e.tag == "a" and "pj-count" in e.attrs.get("class", "").split()):
            target, fragment = _target(site, page, link.attrs["href"])
            if target not in trees:
                trees[target] = ids(tree(target))
            entries = listed(trees[target], fragment)
            total = 0
            for entry in entries:
                inner = [e for e in entry.walk() if e.tag == "a" and "pj-count" in e.attrs.get("class", "").split()]
                if inner:
                    total += sum(int(e.text) for e in inner)
                    continue
                hrefs = [e.attrs.get("href", "") for e in entry.walk() if e.tag == "a"]
                assert any("sessions/" in h for h in hrefs), f"{target}#{fragment}: an entry links to no session"
                total += 1
            assert total == int(link.text), f"{page.relative_to(site)}: {link.attrs['href']} says {link.text}, lists {total}"
            checked += 1
    return checked


def test_every_count_of_the_example_site_opens_exactly_its_records(tmp_path):
    site = tmp_path / "site"
    result = CliRunner().invoke(cli, ["build", "-q", "-f", str(ROOT / "mkdocs.yml"), "-d", str(site)])
    assert result.exit_code == 0, result.output
    checked = check_counts(site / "journal")
    assert checked >= 400, checked  # the overview's five, the ledger's outcomes, sides, partners and years; evolution's per period, case studies' by partner and kind, partners' kinds, positions and feedback, lesson tags, calibration bands
    ledger = (site / "journal/ledger/index.html").read_text(encoding="utf-8")
    assert not re.search(r'<a href="#by-year">\d+</a>', ledger), "no count links to the page's own summary any more"


def test_every_count_of_a_thousand_sessions_opens_exactly_its_records(tmp_path):
    synth = subprocess.run([sys.executable, str(ROOT / "benchmarks/synth.py"), "1000", str(tmp_path)],
                           capture_output=True, text=True, timeout=120)  # fmt: skip
    assert synth.returncode == 0, synth.stderr
    journal = tmp_path / "pages"
    for page in publish(Options(tmp_path / "journal")).pages:
        dest = journal / File(page.src_uri, None, str(journal), True).dest_uri
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(page.body, encoding="utf-8")
    assert any((journal / "counts").glob("*/20*/index.html")), "a count of thousands is split by year"
    assert check_counts(journal) >= 3900
