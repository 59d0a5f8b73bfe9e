"""Re-derive stories from their stored sources with the current parser (`reparse_sources`).

Every imported page is kept verbatim (SourceDocument); a better parser can re-read them all. For
each source: parse its text again, compare what the page now gives with what the story holds,
field by field, and update the story in place through the importer's own update (`update_article`)
when anything differs. Fields an editor changed in the admin (`Article.edited_fields`) are never
overwritten, and the story's status and slug are its own: re-parsing a page never publishes,
withdraws or moves a story.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from articles.importer.outcomes import ImportOptions
from articles.importer.pages import SavedPage
from articles.importer.parse_html import looks_like_html, parse_html_page
from articles.importer.parse_text import parse_article_page
from articles.importer.parsed import PARSER_VERSION
from articles.importer.story_rows import article_fields
from articles.importer.update_story import update_article
from articles.models import Article, SourceDocument

SHOWN_CHARACTERS = 120  # of a long old or new value in the report


@dataclass
class Reparsed:
    source: SourceDocument
    article_id: int | None
    changes: list[tuple[str, Any, Any]] = field(default_factory=list)  # (field, old, new)
    error: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source.origin or self.source.sha256,
            "article": self.article_id,
            "changes": [{"field": name, "old": old, "new": new} for name, old, new in self.changes],
            "error": self.error,
        }


def reparse(source: SourceDocument, *, dry_run: bool = False) -> Reparsed:
    """Re-read one source and bring its story up to date (in one transaction); what changed."""
    article = source.articles.select_related("section", "hero_image").first()
    result = Reparsed(source, article.id if article else None)
    if article is None:
        return result
    page = SavedPage(origin=source.origin, text=source.text, parsed=parse_page(source.text))
    if not page.parsed.title:
        result.error = "the current parser finds no title: the story is left as it is"
        return result
    options = ImportOptions(
        section=page.parsed.section or (article.section.name if article.section else ""),
        published=article.published_at,  # a date given at import (--published) when the page has none
        status=article.status,
    )
    result.changes = _changes(article, page, options)
    if result.changes and not dry_run:
        with transaction.atomic():
            update_article(article, page, options, source, made_by="reparse_sources")
            _note_parser(source, page)
    return result


def parse_page(text: str):  # -> ParsedArticle
    return parse_html_page(text) if looks_like_html(text) else parse_article_page(text)


def _note_parser(source: SourceDocument, page: SavedPage) -> None:
    source.layout = page.parsed.layout[:50]
    source.parser_version = PARSER_VERSION
    source.warnings = list(page.parsed.warnings)
    source.save(update_fields=["layout", "parser_version", "warnings"])


def _changes(article: Article, page: SavedPage, options: ImportOptions) -> list[tuple[str, Any, Any]]:
    """(field, old, new) for each field the page now gives differently, editors' fields left out."""
    now = _story_state(article)
    new = _page_state(article, page, options)
    kept = set(article.edited_fields) | ({"byline"} if "authors" in article.edited_fields else set())
    return [
        (name, _shown(now[name]), _shown(new[name]))
        for name in new
        if name not in kept and new[name] != now[name]
    ]


def _story_state(article: Article) -> dict[str, Any]:
    hero = article.hero_image
    return {
        **{name: getattr(article, name) for name in _SCALARS},
        "section": article.section.name if article.section else "",
        "hero_image": (hero.caption, hero.credit, hero.alt_text) if hero else None,
        "authors": [link.author.name for link in article.author_links.select_related("author")],
        "teasers": [(t.title, t.summary, t.url) for t in article.teasers.order_by("position")],
    }


def _page_state(article: Article, page: SavedPage, options: ImportOptions) -> dict[str, Any]:
    fields = article_fields(page, options)
    if not fields["canonical_url"]:
        fields["canonical_url"] = article.canonical_url  # as the update keeps it
    fields["revised_at"] = max(filter(None, [article.revised_at, fields["revised_at"]]), default=None)
    hero = page.parsed.hero_image
    return {
        **{name: fields[name] for name in _SCALARS},
        "section": options.section[:100],
        "hero_image": (hero.caption, hero.credit[:300], hero.alt[:500]) if hero else None,
        "authors": [author.name[:200] for author in page.parsed.authors],
        "teasers": [(t.title[:500], t.summary, t.url[:2000]) for t in page.parsed.teasers if t.title],
    }


_SCALARS = (
    "title",
    "summary",
    "body",
    "reading_minutes",
    "published_at",
    "revised_at",
    "canonical_url",
    "byline",
)


def _shown(value: Any) -> Any:
    if isinstance(value, str) and len(value) > SHOWN_CHARACTERS:
        return value[:SHOWN_CHARACTERS] + "…"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
