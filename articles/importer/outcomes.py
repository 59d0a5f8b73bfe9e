"""What an import is asked and what it answers: the options of a run, each page's outcome and
result, and the refusal of a page that cannot become an article."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from articles.importer.pages import SavedPage
from articles.importer.parsed import ParsedArticle
from articles.models import Article


class Outcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    FAILED = "failed"


@dataclass(frozen=True)
class ImportOptions:
    section: str = ""  # overrides the page's section
    published: datetime | None = None  # used when the page carries no date
    status: str = Article.Status.PUBLISHED


@dataclass(frozen=True)
class PageResult:
    page: SavedPage
    outcome: Outcome
    article_id: int | None = None
    error: str = ""


class UnimportablePage(Exception):
    """A page that cannot become an article (the reason is shown to ops)."""


def check_importable(parsed: ParsedArticle) -> None:
    """Refuse a page without a title: whatever else it holds, it is not an article page."""
    if not parsed.title:
        reasons = "; ".join(parsed.warnings) or "no title found"
        raise UnimportablePage(f"not an article page ({reasons})")
