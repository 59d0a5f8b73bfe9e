"""One saved page, whatever its format: bytes in, verbatim text and a `ParsedArticle` out. Pure."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property

from articles.importer.parse_html import looks_like_html, parse_html_page
from articles.importer.parse_text import decode_page, parse_article_page
from articles.importer.parsed import ParsedArticle
from articles.importer.sniff import page_bytes


@dataclass(frozen=True)
class SavedPage:
    origin: str  # file path, "-" for stdin, or a URL
    text: str  # the page as decoded, kept verbatim in its SourceDocument
    parsed: ParsedArticle

    @cached_property  # asked for several times per page by the loader
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def read_saved_page(data: bytes, origin: str) -> SavedPage:
    """Decode and parse one page; `.html` or `.txt` is told by content, not by file name. Raises
    NotAPage (saying what the file is) for anything that is not a page (articles/importer/sniff.py)."""
    text = decode_page(page_bytes(data))
    parsed = parse_html_page(text) if looks_like_html(text) else parse_article_page(text)
    page = SavedPage(origin=origin, text=text, parsed=parsed)
    page.sha256  # noqa: B018 - hashed now, by the import's reader thread, not by the loader's thread
    return page
