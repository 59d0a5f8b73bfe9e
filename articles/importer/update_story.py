"""A corrected version of a known story, applied in place: the story keeps its slug and URL, and
every field an editor changed in the admin (`Article.edited_fields`)."""

from __future__ import annotations

from typing import Any

import reversion

from articles import revisions
from articles.importer import story_links, story_rows
from articles.importer.outcomes import ImportOptions
from articles.importer.pages import SavedPage
from articles.importer.sections_authors import bylines, get_or_create_authors, get_or_create_sections
from articles.models import Article, Image, SourceDocument


def update_article(
    article: Article,
    page: SavedPage,
    options: ImportOptions,
    source: SourceDocument | None,
    *,
    made_by: str = "import",
) -> None:
    """A corrected version of a story: update it in place, keeping its slug and URL, and every
    field an editor changed in the admin (`Article.edited_fields`). A revision records it, made by
    `made_by` (the import, or reparse_sources), with no user (articles/revisions.py)."""
    revisions.keep_baseline(article)  # a story the import wrote with COPY: its state before this
    # manage_manually: the story's saves on the way add nothing; it goes in once, as it ends, with
    # its bylines and teasers (half the queries of recording it at each save).
    with reversion.create_revision(manage_manually=True):
        reversion.set_comment(f"Updated by {made_by} ({page.origin or page.sha256[:12]})")
        _update(article, page, options, source)
        reversion.add_to_revision(article)  # as it ends: its new bylines and teasers (no signals)


def _update(article: Article, page: SavedPage, options: ImportOptions, source: SourceDocument | None) -> None:
    kept = set(article.edited_fields) | ({"byline"} if "authors" in article.edited_fields else set())
    _apply_fields(article, story_rows.article_fields(page, options), kept)
    if "section" not in kept:
        name = story_rows.section_name(page, options)
        article.section = get_or_create_sections([name]).get(name)
    if source is None:
        source = story_rows.new_source(page)
        source.save()
    article.source = source
    if "hero_image" not in kept:
        _update_hero(article, story_rows.new_hero(page.parsed))
    article.save()
    _replace_links(article, page, kept)
    story_links.relink_teasers([article.title])


def _apply_fields(article: Article, fields: dict[str, Any], kept: set[str]) -> None:
    if not fields["canonical_url"]:  # a page without one (or our own rendering) keeps the known URL
        del fields["canonical_url"]
    # A revision readers saw stays, whether an editor made it or the page's dateModified says so.
    fields["revised_at"] = max(filter(None, [article.revised_at, fields["revised_at"]]), default=None)
    for name, value in fields.items():
        if name not in kept:
            setattr(article, name, value)


def _replace_links(article: Article, page: SavedPage, kept: set[str]) -> None:
    """The story's bylines and teasers as the page now gives them, unless an editor set them."""
    if "authors" not in kept:
        authors = get_or_create_authors(page.parsed.authors)
        article.author_links.all().delete()
        story_links.link_authors([article], bylines([page], authors))
    if "teasers" not in kept:
        article.teasers.all().delete()
        story_links.create_teasers([article], [page])


def _update_hero(article: Article, hero: Image | None) -> None:
    """Correct the story's hero image in place (an editor's uploaded file stays), or add or drop it."""
    if hero is None:
        article.hero_image = None
    elif article.hero_image_id:
        Image.objects.filter(pk=article.hero_image_id).update(
            alt_text=hero.alt_text, caption=hero.caption, credit=hero.credit, source_url=hero.source_url
        )
    else:
        hero.save()
        article.hero_image = hero
