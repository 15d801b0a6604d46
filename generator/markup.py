"""User text to safe HTML, ready to sit inside a generated page.

Text fields take Markdown, but a record is untrusted: raw HTML in it is shown as text,
links may only be http(s), mailto or relative, and the result is cleaned by a real
sanitizer (nh3) as a second line of defence. Characters that Markdown and its extensions
read as syntax are then written as character references, so a page that does go through
a Markdown pass (`pjournal render -o` output in another site) cannot have its user text
read as Markdown, attribute lists, snippets or template syntax a second time.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import markdown
import nh3
from markdown.inlinepatterns import IMAGE_LINK_RE, LINK_RE, ImageInlineProcessor, LinkInlineProcessor

_INLINE_TAGS = {"a", "em", "strong", "code", "del", "s", "br", "sub", "sup", "kbd", "mark", "abbr"}
_BLOCK_TAGS = _INLINE_TAGS | {
    "p", "ul", "ol", "li", "blockquote", "pre", "hr", "h2", "h3", "h4", "h5", "h6", "img",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
_SCHEMES = {"http", "https", "mailto"}

#: Characters MkDocs' Markdown pass (and common extensions: attr_list, macros, footnotes,
#: tables, pymdownx) would read as syntax, in text between tags.
_MARKDOWN_SIGNIFICANT = re.compile(r"[\\`*_\[\]{}|~^]")
#: Text with none of these is plain: no Markdown to render, nothing to escape.
_PLAIN = re.compile(r"^[^\\`*_\[\]{}|~^<>&!#\n\r]*$")
#: A tag or a character reference in HTML the sanitizer wrote. A tag's run stops at '<' too: on
#: any text, an attempt reads no further than where the next one starts (linear).
_TAG_OR_TEXT = re.compile(r"(<[^<>]*>|&#?\w+;)")
_TAG = re.compile(r"<[^<>]*>")


#: How much of a text, in all, Python-Markdown may read looking for where its links' targets close:
#: this many times the text, and a little more. A real text's targets are read once each.
LINK_READING = 8
_LINK_READING_MORE = 10_000


class _Window(str):
    """A text that says it ends at `end`: Python-Markdown reads a link's target up to len(text)."""

    end = 0

    def __len__(self) -> int:
        return self.end


class _Bounded:
    """Python-Markdown's search for where a link's target closes, bounded for each text converted: it
    reads from the target's '(' to its ')' or to the end of the text, so from every `[a](` of a
    text of them it reads the rest (hours for a long field). Once a text's reading (`left`, set
    by `_convert`) is spent, a target is read no further and shown as the text it is."""

    left = 0
    _source: str | None = None
    _window = _Window()

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:  # noqa: N802 - Python-Markdown's name
        if data is not _Bounded._source:
            _Bounded._source, _Bounded._window = data, _Window(data)
        window = _Bounded._window
        window.end = min(str.__len__(data), index + max(_Bounded.left, 0))
        href, title, end, handled = super().getLink(window, index)  # type: ignore[misc]
        _Bounded.left -= (end if handled else window.end) - index
        return href, title, end, handled


class _Link(_Bounded, LinkInlineProcessor):
    pass


class _Image(_Bounded, ImageInlineProcessor):
    pass


def _converter() -> markdown.Markdown:
    md = markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists"])
    md.preprocessors.deregister("html_block")  # raw HTML stays text
    md.inlinePatterns.deregister("html")
    md.inlinePatterns.register(_Link(LINK_RE, md), "link", 160)  # Python-Markdown's names and priorities
    md.inlinePatterns.register(_Image(IMAGE_LINK_RE, md), "image_link", 150)
    return md


def _convert(text: str) -> str:
    """Markdown to HTML, with Python-Markdown's reading of link targets bounded by the text's length."""
    _md.reset()
    _Bounded.left, _Bounded._source = LINK_READING * len(text) + _LINK_READING_MORE, None
    return _md.convert(text)


_md = _converter()


def _escape_text(fragment: str) -> str:
    """Escape Markdown syntax in the text between tags, leaving the tags as they are."""
    parts = _TAG_OR_TEXT.split(fragment)
    for i in range(0, len(parts), 2):
        parts[i] = _MARKDOWN_SIGNIFICANT.sub(lambda m: f"&#{ord(m.group())};", parts[i])
    return "".join(parts)


_HEADING_TAG = re.compile(r"<(/?)h([1-6])>")


def _shift_headings(fragment: str, level: int) -> str:
    """Headings in user text sit under the page section they are shown in: the text's highest
    heading becomes `level` and each deeper one the next level down, so no level is skipped
    (the heading order that HTML validators and axe check); none goes below h6."""
    used = sorted({int(n) for closing, n in _HEADING_TAG.findall(fragment) if not closing})
    rank = {n: min(level + i, 6) for i, n in enumerate(used)}
    return _HEADING_TAG.sub(lambda m: f"<{m.group(1)}h{rank[int(m.group(2))]}>", fragment)


@lru_cache(maxsize=4096)  # names, roles, kinds: the same short texts on many pages
def inline(text: str) -> str:
    """One line of inline Markdown as safe HTML, for table cells, list items and headings."""
    text = " ".join(str(text).split())
    if _PLAIN.match(text):
        return text
    rendered = _convert(text)
    rendered = nh3.clean(rendered, tags=_INLINE_TAGS, attributes=_ATTRIBUTES, url_schemes=_SCHEMES,
                         link_rel="noopener noreferrer nofollow")  # fmt: skip
    return _escape_text(" ".join(rendered.split()))


@lru_cache(maxsize=256)
def block(text: str, level: int = 3) -> str:
    """Block Markdown (paragraphs, lists, quotes, code) as safe HTML in one raw HTML block;
    its headings start at `level` (3 under a page's h2 section, 2 right under its title)."""
    rendered = _shift_headings(_convert(str(text)), level)
    rendered = nh3.clean(rendered, tags=_BLOCK_TAGS, attributes=_ATTRIBUTES, url_schemes=_SCHEMES,
                         link_rel="noopener noreferrer nofollow")  # fmt: skip
    return f'<div class="pj-text">\n{_escape_text(rendered.strip())}\n</div>'


_ANCHOR_TAG = re.compile(r"</?a\b[^<>]*>")


def unlinked(html_text: str) -> str:
    """Inline HTML without its links, their text kept: for what is itself the text of a link
    (a link inside a link is invalid HTML, and a reader can't tell where either goes)."""
    return _ANCHOR_TAG.sub("", html_text)


def text(value: str) -> str:
    """Inline Markdown as the plain text a reader sees ("*Beyond*" -> "Beyond"), for feeds and labels."""
    return html.unescape(_TAG.sub("", inline(value)))


def literal(value: str) -> str:
    """Inline Markdown as the text a reader sees, as HTML safe inside a page (for code spans)."""
    return _escape_text(html.escape(text(value), quote=False))


def plain(value: str) -> str:
    """A title as plain text that stays inert wherever a theme puts it (nav, <title>, header).

    Themes print page titles unescaped and through `striptags`, which decodes entities,
    so '<' and '>' must not survive at all: they become look-alike angle quotes.
    """
    return text(value).replace("&", "&amp;").replace("<", "\u2039").replace(">", "\u203a")


def error_banner(problems: list[str], what: str = "journal") -> str:
    """The note at the top of every page while a preview's journal (or site config) has errors: what
    they are, and that the pages are the last good ones (the problems escaped: they quote the user's files)."""
    listing = "\n".join(html.escape(p) for p in problems)
    count = f"{len(problems)} error{'' if len(problems) == 1 else 's'}"
    return ('<div class="admonition failure"><p class="admonition-title">'
            f"The {what} has {count}; showing the last good version</p>"
            f"<pre><code>{listing}</code></pre></div>\n")  # fmt: skip
