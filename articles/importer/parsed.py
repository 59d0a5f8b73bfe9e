"""The importer's intermediate form: what a parser read from one saved page.

Pure data, no Django: parsers produce it, the loader consumes it, `--json` prints it.
A field the parser could not find stays empty (None / empty list) and a warning says so;
nothing is ever invented.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

PARSER_VERSION = "1"


@dataclass(frozen=True)
class ParsedAuthor:
    name: str
    role: str = ""
    bio: str = ""
    is_organization: bool = False
    url: str = ""  # the author's page on the original site, when the page links it


@dataclass(frozen=True)
class ParsedImage:
    alt: str = ""
    caption: str = ""  # without the credit
    credit: str = ""  # the LAST parenthesised group of the page's caption line
    url: str = ""  # the image file's address, when the page gives one


@dataclass(frozen=True)
class ParsedTeaser:
    title: str
    summary: str = ""
    kind: str = "article"  # "article" or "video"
    url: str = ""
    image_alt: str = ""


@dataclass(frozen=True)
class Block:
    """One block of a story's body, when the page shows its structure (HTML pages)."""

    kind: str  # "p", "h2", "h3", "ul" / "ol" (one list item), "quote", "pre"
    text: str


@dataclass
class ParsedArticle:
    layout: str  # e.g. "text/kyiv-v1", "text/byline", "html/jsonld", "unknown"
    title: str = ""
    section: str = ""
    summary: str = ""
    read_minutes: int | None = None
    published: date | datetime | None = None  # datetime when the page gives a time
    modified: date | datetime | None = None  # when the page says it was last changed (dateModified)
    authors: list[ParsedAuthor] = field(default_factory=list)
    hero_image: ParsedImage | None = None
    paragraphs: list[str] = field(default_factory=list)  # the body's text, a block each
    blocks: list[Block] = field(default_factory=list)  # the same with each block's kind, when known
    teasers: list[ParsedTeaser] = field(default_factory=list)
    canonical_url: str = ""
    truncated: bool = False
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The `--json` shape: plain JSON types, ISO 8601 dates, None where the page has no such field."""
        data = dataclasses.asdict(self)
        data["published"] = self.published.isoformat() if self.published else None
        data["modified"] = self.modified.isoformat() if self.modified else None
        data["read_minutes"] = self.read_minutes
        data["blocks"] = [[block.kind, block.text] for block in self.blocks]
        return data
