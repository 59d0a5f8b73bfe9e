"""The values a page gives its story's rows: the article, its source document and its hero image.

Both ways of writing a new story (the COPY path, `create_copy.py`, and the ORM path,
`create_orm.py`) and the update of a known one (`update_story.py`) build their rows here, so that
every path stores the same thing for the same page (a test compares the rows they write).
"""

from __future__ import annotations

from typing import Any

from articles.importer.identity import own_story_slug, published_datetime, revised_datetime
from articles.importer.outcomes import ImportOptions
from articles.importer.pages import SavedPage
from articles.importer.parsed import PARSER_VERSION, ParsedArticle
from articles.models import Image, SourceDocument, format_byline
from articles.richtext import blocks_to_html, clean_body, paragraphs_to_html, reading_minutes


def section_name(page: SavedPage, options: ImportOptions) -> str:
    """The story's section: the one the run imposes, else the page's own."""
    return options.section or page.parsed.section


def article_fields(page: SavedPage, options: ImportOptions) -> dict:
    parsed = page.parsed
    # As Article.save() would store it: the page's blocks (HTML pages), else its paragraphs.
    body = clean_body(
        blocks_to_html(parsed.blocks) if parsed.blocks else paragraphs_to_html(parsed.paragraphs)
    )
    minutes = parsed.read_minutes
    if minutes is None:
        minutes = reading_minutes(body)
    return {
        "title": parsed.title[:500],
        "summary": parsed.summary,
        "body": body,
        "reading_minutes": min(minutes, 32767),
        "published_at": published_datetime(parsed) or options.published,
        "revised_at": revised_datetime(parsed),
        "status": options.status,
        "canonical_url": "" if own_story_slug(parsed.canonical_url) else parsed.canonical_url[:2000],
        "byline": format_byline([a.name for a in parsed.authors])[:500],
    }


def source_fields(page: SavedPage) -> dict[str, Any]:
    return {
        "text": page.text,
        "sha256": page.sha256,
        "origin": page.origin[:1000],
        "layout": page.parsed.layout[:50],
        "parser_version": PARSER_VERSION,
        "warnings": list(page.parsed.warnings),
    }


def new_source(page: SavedPage) -> SourceDocument:
    return SourceDocument(**source_fields(page))


def hero_fields(parsed: ParsedArticle) -> dict[str, Any] | None:
    hero = parsed.hero_image
    if hero is None:
        return None
    return {
        "alt_text": hero.alt[:500],
        "caption": hero.caption,
        "credit": hero.credit[:300],
        "source_url": hero.url[:2000],
    }


def new_hero(parsed: ParsedArticle) -> Image | None:
    fields = hero_fields(parsed)
    return Image(**fields) if fields is not None else None
