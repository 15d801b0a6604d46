"""Search sections of a journal page, read from its HTML in one pass, as Material's search finds them.

Material's search plugin cuts every page into sections (one a heading) with Python's
`html.parser`, which at thousands of pages was close to half of a build. Our pages are HTML
that we wrote (templates, and user text through a sanitizer): well-formed tags and quoted
attributes. For such HTML this scanner gives the sections Material's `Parser` gives, its
rules followed one by one (the tags it keeps and skips, its whitespace, its sections of
nested headings; it matches open elements by tag name, and so does this), with one regular
expression for the tokens instead of html.parser's state machine. `tests/test_search.py`
holds it to Material's parser page by page, and a built site's index to the one Material
makes. No MkDocs here: the plugin turns sections into entries with Material's own code.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

#: Tokens: a comment; a raw-text element (script, style: its text is never indexed); a tag; text.
_TOKEN = re.compile(
    r"<!--.*?-->"
    r"|<(script|style)\b[^>]*>.*?</\1\s*>"
    r"|<(/?)([a-zA-Z][^\s/>]*)((?:\s*[^\s/>=\"']+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>\"']*))?)*)\s*(/?)>"
    r"|[^<]+|<",
    re.S | re.I,
)
_ATTRIBUTE = re.compile(r"([^\s/>=\"']+)(\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>\"']*)))?")

#: Material's lists (material/plugins/search/plugin.py): elements whose text is left out,
#: elements kept as tags in the text, and void elements, which never open.
_SKIP = ("object", "script", "style")
_KEEP = frozenset({"p", "code", "pre", "li", "ol", "ul", "sub", "sup"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_PREFACE = "hx"  # Material's name for the element of a section no heading starts


@dataclass
class Section:
    """A heading's part of a page: its id (None for the first), its title and text as pieces of HTML."""

    tag: str
    id: str | None = None
    depth: float = 0
    excluded: bool = False
    title: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)


def attributes(source: str) -> dict[str, str | None]:
    """A tag's attributes as html.parser gives them: names lower-cased, values unquoted and unescaped."""
    found: dict[str, str | None] = {}
    for name, equals, double, single, bare in _ATTRIBUTE.findall(source):
        found[name.lower()] = html.unescape(double or single or bare) if equals else None
    return found


def sections(content: str) -> list[Section]:
    """The sections of a page's HTML, as Material's search parser makes them (excluded ones included)."""
    scan = _Scan()
    start, end, data = scan.start, scan.end, scan.data
    for m in _TOKEN.finditer(content):
        raw, closing, name, attrs, empty = m.group(1, 2, 3, 4, 5)
        if name is not None:
            tag = name.lower()
            if closing:
                end(tag)
            else:
                start(tag, attributes(attrs) if attrs else {})
                if empty:
                    end(tag)  # <x/>: html.parser starts and ends it
        elif raw:
            start(raw.lower(), {})
            end(raw.lower())
        elif (text := m.group()).startswith("<!--"):
            continue
        else:
            data(html.unescape(text) if "&" in text else text)
    return scan.found


class _Scan:
    """Material's `Parser` handlers, over the open elements (their tags counted: it compares elements by tag)."""

    def __init__(self) -> None:
        self.context: list[tuple[str, bool]] = []  # open elements: tag, is a heading's permalink
        self.open: dict[str, int] = dict.fromkeys((*_KEEP, *_HEADINGS, *_SKIP, _PREFACE), 0)
        self.permalinks = 0
        self.skip = set(_SKIP)  # tags whose elements' text is left out
        self.skipped = 0  # open elements with such a tag
        self.found: list[Section] = []
        self.section: Section | None = None
        self.first: dict[tuple[int, str], int] = {}  # where a kept tag first opens in a title's or text's pieces

    def _current(self) -> Section:
        if self.section is None:
            self.section = Section(_PREFACE)
            self.found.append(self.section)
        return self.section

    def start(self, tag: str, attrs: dict[str, str | None]) -> None:
        if tag in _VOID:
            return
        permalink = tag == "a" and attrs.get("class") == "headerlink"
        self.context.append((tag, permalink))
        self.open[tag] = self.open.get(tag, 0) + 1
        self.permalinks += permalink
        if tag in self.skip:
            self.skipped += 1
        if tag in _HEADINGS and "id" in attrs:
            depth = len(self.context)
            if tag != "h1" and not self.found:
                self.found.append(Section(_PREFACE, depth=depth))
            self.section = Section(tag, attrs["id"] if self.found else None, depth, "data-search-exclude" in attrs)
            self.found.append(self.section)
        section = self.section or self._current()
        if attrs and ("data-search-exclude" in attrs or attrs.get("class") == "linenodiv"):
            if tag not in self.skip:
                self.skip.add(tag)
                self.skipped += self.open[tag]
            return
        if tag in _KEEP and not self.skipped:
            (section.title if self.open[section.tag] else section.text).append(f"<{tag}>")

    def end(self, tag: str) -> None:
        if not self.context or self.context[-1][0] != tag:
            return
        section = self._current()
        if section.depth > len(self.context):
            for earlier in reversed(self.found):
                if earlier.depth <= len(self.context):
                    section.depth = float("inf")  # left: never to be continued
                    self.section = section = earlier
                    break
        _, permalink = self.context.pop()
        self.open[tag] -= 1
        self.permalinks -= permalink
        if tag in self.skip:
            self.skipped -= 1
            if tag not in _SKIP:
                self.skip.discard(tag)
                self.skipped -= self.open[tag]
            return
        if tag in _KEEP and not self.skipped:
            data = section.title if self.open[section.tag] else section.text
            index = self._first(data, tag)  # Material's `data.index`: the first, not the matching one
            if any(not data[i].isspace() for i in range(index + 1, len(data))):
                data.append(f"</{tag}>")
            else:
                del data[index:]  # an element with no text leaves nothing
                self.first.clear()

    def _first(self, data: list[str], tag: str) -> int:
        """Where `<tag>` first is in the pieces, found once while nothing is removed from them: in a
        section of 10,000 list items, searching again for each item's end made its scan 2.1 s, not 0.19 s."""
        key = (id(data), tag)
        index = self.first.get(key)
        if index is None:
            index = self.first[key] = data.index(f"<{tag}>")
        return index

    def data(self, text: str) -> None:
        if self.skipped:
            return
        pre = self.open["pre"] > 0
        if not pre:
            text = " " if text.isspace() else text.replace("\n", " ")
        section = self.section or self._current()
        if self.open[section.tag]:
            if not self.permalinks:
                section.title.append(html.escape(text, quote=False))
        elif text == " " or (pre and text.isspace()):
            if not section.text or not section.text[-1].isspace() or pre:
                section.text.append(text)
        else:
            section.text.append(html.escape(text, quote=False) if ("&" in text or "<" in text or ">" in text) else text)
