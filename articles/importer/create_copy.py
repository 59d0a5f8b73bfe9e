"""New stories written with COPY: one statement per table for a whole batch of new pages.

The same rows as the ORM path, `create_orm.py` (a test compares them): the same field builders
(`story_rows.py`), and the ORM's defaults spelled out (timestamps, an image without a file). Ids are
taken first, so that the article rows can name their source and hero image before those rows exist.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from django.utils import timezone

from articles.importer import story_links, story_rows
from articles.importer.copy_rows import copy_into, reserve_ids
from articles.importer.outcomes import ImportOptions, check_importable
from articles.importer.pages import SavedPage
from articles.importer.sections_authors import sections_and_bylines
from articles.models import Article, Image, Section, SourceDocument

# What the ORM stores for an image known only by its address (no file read, no renditions yet).
_IMAGE_WITHOUT_FILE = {"file": "", "width": None, "height": None, "renditions": []}


class NewArticle(NamedTuple):
    id: int
    title: str
    status: str
    published_at: datetime | None


def copy_articles(pages: list[SavedPage], options: ImportOptions, *, slugs: list[str]) -> list[int]:
    """`create_orm.create_articles` for new pages with new sources, written with COPY; return their
    ids in order."""
    for page in pages:
        check_importable(page.parsed)
    sections, bylines = sections_and_bylines(pages, options)
    heroes = [story_rows.hero_fields(p.parsed) for p in pages]
    ids = reserve_ids(
        {SourceDocument: len(pages), Image: sum(h is not None for h in heroes), Article: len(pages)}
    )
    image_ids = iter(ids[Image])
    hero_ids = [None if hero is None else next(image_ids) for hero in heroes]
    now = timezone.now()  # what auto_now(_add) and default=timezone.now would give, once per batch
    copy_into(SourceDocument, _source_rows(pages, ids[SourceDocument], now))
    copy_into(Image, _image_rows(heroes, hero_ids, now))
    rows = [
        _article_row(
            page,
            options,
            now,
            id=article_id,
            slug=slug,
            section_id=_pk(sections.get(story_rows.section_name(page, options))),
            hero_image_id=hero_id,
            source_id=source_id,
        )
        for page, slug, article_id, source_id, hero_id in zip(
            pages, slugs, ids[Article], ids[SourceDocument], hero_ids, strict=True
        )
    ]
    articles = [NewArticle(row["id"], row["title"], row["status"], row["published_at"]) for row in rows]
    # Bylines first (foreign keys are checked at commit): each story's `search_filters` is then
    # complete when its row is written, instead of each byline updating its story again (a
    # second copy of every index entry of the story, GIN included).
    story_links.link_authors(articles, bylines, copy=True)
    copy_into(Article, rows)
    story_links.create_teasers(articles, pages, copy=True)
    story_links.relink_teasers([a.title for a in articles])
    return ids[Article]


def _source_rows(pages: list[SavedPage], source_ids: list[int], now: datetime) -> list[dict[str, Any]]:
    return [
        {**story_rows.source_fields(page), "id": source_id, "imported_at": now}
        for page, source_id in zip(pages, source_ids, strict=True)
    ]


def _image_rows(
    heroes: list[dict[str, Any] | None], hero_ids: list[int | None], now: datetime
) -> list[dict[str, Any]]:
    return [
        {
            **hero,
            "id": image_id,
            "file": "",
            "width": None,
            "height": None,
            "renditions": [],
            "created_at": now,
        }
        for hero, image_id in zip(heroes, hero_ids, strict=True)
        if hero is not None
    ]


def _article_row(page: SavedPage, options: ImportOptions, now: datetime, **keys: Any) -> dict[str, Any]:
    """The article's row: its fields, the keys naming its own and its related rows, the defaults."""
    return {
        **story_rows.article_fields(page, options),
        **keys,
        "created_at": now,
        "updated_at": now,
        "edited_fields": "{}",  # no editor has touched a new story (an empty array, as COPY reads it)
        "search_filters": None,  # the database writes it (migrations 0007, 0008)
    }


def _pk(instance: Section | None) -> int | None:
    return None if instance is None else instance.pk
