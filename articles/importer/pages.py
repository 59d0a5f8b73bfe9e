"""One saved page, whatever its format: bytes in, verbatim text and a `ParsedArticle` out. Pure."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from articles.importer.parse_html import looks_like_html, parse_html_page
from articles.importer.parse_text import decode_page, parse_article_page
from articles.importer.parsed import ParsedArticle


@dataclass(frozen=True)
class SavedPage:
    origin: str  # file path, "-" for stdin, or a URL
    text: str  # the page as decoded, kept verbatim in its SourceDocument
    parsed: ParsedArticle

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def read_saved_page(data: bytes, origin: str) -> SavedPage:
    """Decode and parse one page; `.html` or `.txt` is told by content, not by file name."""
    text = decode_page(data)
    parsed = parse_html_page(text) if looks_like_html(text) else parse_article_page(text)
    return SavedPage(origin=origin, text=text, parsed=parsed)
