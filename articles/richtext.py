"""A story's body: HTML from the admin's editor or the importer, cleaned to an allow-list.

Editors write in django-prose-editor (ProseMirror in the admin): paragraphs, h2/h3 subheads, bold,
italic, links, block quotes, bulleted and numbered lists, line breaks. What the editor can make is
what the cleaner keeps: the allow-list is derived from the same extensions (django-prose-editor's
`create_sanitizer`, nh3 underneath), so a `<script>`, an `onerror=`, a `javascript:` link, an
`<iframe>` or a `style=` pasted in never reaches a reader, whichever way the body was saved.

Search reads the same column: PostgreSQL's text parser skips tags and entities, so the stored
vector holds the words only, never tag names or link addresses (tests/articles/test_richtext.py).
Everything here is pure (no models, no database); the cleaner is made on first use, from the
editor's settings.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from functools import cache
from html.parser import HTMLParser
from typing import Any

from django_prose_editor.fields import create_sanitizer

BODY_EDITOR = {
    "extensions": {
        "Bold": True,
        "Italic": True,
        "Heading": {"levels": [2, 3]},
        "BulletList": True,
        "OrderedList": True,
        "ListItem": True,
        "Blockquote": True,
        "CodeBlock": True,
        "HardBreak": True,
        "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
        "History": True,
    }
}
BLOCKS = frozenset({"p", "h2", "h3", "li", "blockquote", "ul", "ol", "pre"})
WORDS_PER_MINUTE = 230

_LINE_ENDS = re.compile(r"\r\n?")
_BLANK_LINES = re.compile(r"\n\s*\n")


def normalize_line_ends(text: str) -> str:
    """`\\r\\n` (what a browser's textarea sends) and lone `\\r` become `\\n`."""
    return _LINE_ENDS.sub("\n", text)


def clean_body(body: str) -> str:
    """The body as stored: HTML reduced to the editor's allow-list. Plain text (a body written
    before the editor, or by a script) becomes paragraphs, one per blank-line-separated block."""
    body = normalize_line_ends(body or "").strip()
    if body and not body.startswith("<"):
        body = paragraphs_to_html(_BLANK_LINES.split(body))
    return _sanitizer()(body)


def paragraphs_to_html(paragraphs: list[str]) -> str:
    """Plain paragraphs (the importer's) as `<p>` elements, their text escaped."""
    return "".join(
        f"<p>{html.escape(' '.join(text.split()), quote=False)}</p>" for text in paragraphs if text.strip()
    )


def blocks_to_html(blocks: list[Any]) -> str:
    """An HTML page's body blocks (`Block`: kind and text) as the body's HTML: consecutive list
    items of a kind in one list, quotes as block quotes, code as preformatted text."""
    parts: list[str] = []
    open_list = ""
    for block in blocks:
        text = html.escape(block.text, quote=False)
        if block.kind in ("ul", "ol"):
            if open_list != block.kind:
                parts.append((f"</{open_list}>" if open_list else "") + f"<{block.kind}>")
                open_list = block.kind
            parts.append(f"<li><p>{text}</p></li>")
            continue
        if open_list:
            parts.append(f"</{open_list}>")
            open_list = ""
        parts.append(_BLOCK_HTML.get(block.kind, "<p>{}</p>").format(text))
    if open_list:
        parts.append(f"</{open_list}>")
    return "".join(parts)


_BLOCK_HTML = {
    "h2": "<h2>{}</h2>",
    "h3": "<h3>{}</h3>",
    "quote": "<blockquote><p>{}</p></blockquote>",
    "pre": "<pre><code>{}</code></pre>",
}


def body_text(body: str) -> str:
    """The body's words as plain text, a blank line between blocks (paragraphs, subheads, list
    items, quotes): for reading time, descriptions and anything that wants text, not markup."""
    reader = _TextReader()
    reader.feed(body or "")
    reader.close()
    return "\n\n".join(
        block for block in (" ".join("".join(part).split()) for part in reader.blocks) if block
    )


def first_paragraph(body: str) -> str:
    text = body_text(body)
    return text.split("\n\n", 1)[0] if text else ""


def reading_minutes(body: str) -> int:
    """Minutes to read the body's words at WORDS_PER_MINUTE; at least one for any text."""
    words = len(body_text(body).split())
    return max(1, round(words / WORDS_PER_MINUTE)) if words else 0


_BULLET = re.compile(r"\s+\*\s+|^\*\s+")


def bullet_run(text: str) -> tuple[str, list[str]]:
    """A teaser summary such as "Key developments on March 18: * One * Two * Thr…" as its intro
    and its items (the page it came from had a list, flattened to text with `*` bullets); any
    other summary as itself with no items. A run needs two items at least."""
    parts = _BULLET.split(text.strip())
    if len(parts) < 3:
        return text, []
    intro, *items = (part.strip() for part in parts)
    return intro, [item for item in items if item]


@cache
def _sanitizer() -> Callable[[str], str]:
    # Made on first use: django-prose-editor reads its menu settings while it builds the list.
    return create_sanitizer(BODY_EDITOR["extensions"])


class _TextReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[list[str]] = [[]]

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in BLOCKS:
            self.blocks.append([])
        elif tag == "br":
            self.blocks[-1].append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCKS:
            self.blocks.append([])

    def handle_data(self, data: str) -> None:
        self.blocks[-1].append(data)
