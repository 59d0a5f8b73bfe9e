"""One saved page, whatever its format: bytes in, verbatim text and a `ParsedArticle` out. Pure."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import cached_property

from articles.importer.parse_html import looks_like_html, parse_html_page
from articles.importer.parse_text import decode_page, parse_article_page
from articles.importer.parsed import ParsedArticle
from articles.importer.sniff import NotAPage, page_bytes


@dataclass(frozen=True)
class SavedPage:
    origin: str  # file path, "-" for stdin, or a URL
    text: str  # the page as decoded, kept verbatim in its SourceDocument
    parsed: ParsedArticle

    @cached_property  # asked for several times per page by the loader
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Unreadable:
    """A file that gave no page: it could not be read, or it is not a page (what it is)."""

    origin: str
    reason: str


def read_page_file(path: str, max_bytes: int) -> SavedPage | Unreadable:
    """Read and parse the page file at `path` (at most `max_bytes`): what a parsing process does
    for the import, so that every failure comes back as a value, never as an exception."""
    try:
        return read_saved_page(read_file_bytes(path, max_bytes), origin=path)
    except OSError as error:
        return Unreadable(path, f"cannot read: {error.strerror or error}")
    except NotAPage as refusal:
        return Unreadable(path, str(refusal))


def read_file_bytes(path: str, max_bytes: int) -> bytes:
    """A file's first `max_bytes` bytes (a page is kilobytes; more is not read)."""
    with open(path, "rb") as handle:
        # read(n) allocates n bytes before reading: asking for the 20 MB cap made every page a
        # 20 MB allocation (mmap, page fault, mremap: 0.25 s of system time per 10,000 pages).
        size = os.fstat(handle.fileno()).st_size
        if 0 < size < max_bytes:
            data = handle.read(size + 1)  # one more byte: a file that grew since is read on
            return data if len(data) <= size else data + handle.read(max_bytes - len(data))
        return handle.read(max_bytes)


def read_saved_page(data: bytes, origin: str) -> SavedPage:
    """Decode and parse one page; `.html` or `.txt` is told by content, not by file name. Raises
    NotAPage (saying what the file is) for anything that is not a page (articles/importer/sniff.py)."""
    text = decode_page(page_bytes(data))
    parsed = parse_html_page(text) if looks_like_html(text) else parse_article_page(text)
    page = SavedPage(origin=origin, text=text, parsed=parsed)
    page.sha256  # noqa: B018 - hashed now, by the import's reader thread, not by the loader's thread
    return page
