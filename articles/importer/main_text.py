"""A page's main text, as blocks, from trafilatura. Pure: HTML in, blocks out.

Main-text extraction from arbitrary sites is a solved problem with a well-kept library: measured
on a public evaluation set, trafilatura's F1 was 0.93 where our `<p>`-and-class-name heuristics
scored 0.78 (bench/RESULTS.md, "Importer"). It finds the text; this module keeps its structure:
trafilatura's XML gives paragraphs, headings, list items, quotes, code and table rows, and each
becomes a `Block` of the story's body (articles/richtext.py turns them into the body's HTML).
Everything else a page says (title, byline, dates, the hero figure, teasers) still comes from the
markup itself (parse_html.py and its html_*.py modules).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from articles.importer.parsed import Block

# trafilatura logs what it drops at INFO/WARNING; an import reports its own warnings.
logging.getLogger("trafilatura").setLevel(logging.ERROR)
logging.getLogger("htmldate").setLevel(logging.ERROR)


def main_text_blocks(html: str) -> list[Block]:
    """The page's main text as blocks; [] when trafilatura finds none (or cannot read the page)."""
    import trafilatura  # its import takes 0.3 s: only when an HTML page comes

    try:
        xml = trafilatura.extract(
            html,
            config=_config(),
            output_format="xml",
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            include_formatting=False,
            with_metadata=False,
            deduplicate=False,
        )
    except Exception:  # noqa: BLE001 - a library's failure on one page must not stop an import
        return []
    if not xml:
        return []
    from lxml import etree

    try:
        root = etree.fromstring(xml.encode("utf-8"), parser=etree.XMLParser(recover=True, huge_tree=False))
    except etree.XMLSyntaxError:
        return []
    main = root.find("main") if root is not None else None
    return [block for block in _blocks(main if main is not None else root) if block.text]


@cache
def _config():  # -> configparser.ConfigParser
    """trafilatura's settings, but for short stories: below MIN_EXTRACTED_SIZE characters (250) it
    tries other algorithms and, last, takes the whole page's text (menus, footer and all), where a
    short story's own text is what it found. The caller falls back to the markup's paragraphs."""
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")  # no signal-based timeout: imports run in threads
    return config


def _blocks(container) -> Iterator[Block]:  # container: an lxml element
    for element in container:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in {"div", "main"}:
            yield from _blocks(element)
        elif (read := _READERS.get(tag)) is not None:
            yield from read(element)


# Each element of trafilatura's XML that holds text, and the blocks it becomes.


def _paragraph(element) -> list[Block]:
    return [Block("p", _text(element))]


def _heading(element) -> list[Block]:
    return [Block("h3" if element.get("rend", "h2") in {"h3", "h4", "h5", "h6"} else "h2", _text(element))]


def _list(element) -> list[Block]:
    kind = "ol" if element.get("rend") == "ol" else "ul"
    return [Block(kind, _text(item)) for item in element.iter("item")]


def _quote(element) -> list[Block]:
    return [Block("quote", text) for text in _paragraph_texts(element)]


def _code(element) -> list[Block]:
    return [Block("pre", "".join(element.itertext()).strip())]


def _table(element) -> list[Block]:
    """A row a paragraph: its cells' words, in order."""
    return [
        Block("p", " ".join(cell for cell in (_text(c) for c in row.iter("cell")) if cell))
        for row in element.iter("row")
    ]


_READERS: dict[str, Callable[[Any], list[Block]]] = {
    "p": _paragraph,
    "head": _heading,
    "list": _list,
    "quote": _quote,
    "code": _code,
    "table": _table,
}


def _paragraph_texts(element) -> list[str]:
    inner = [_text(p) for p in element.iter("p")]
    return [text for text in inner if text] or [_text(element)]


def _text(element) -> str:
    """The element's words on one line (a <lb/> is a space), as a paragraph reads."""
    return " ".join(" ".join(element.itertext()).split())
