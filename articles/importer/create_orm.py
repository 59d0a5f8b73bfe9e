"""New stories written through the ORM: a page decided on its own (`load._upsert`), or each page of a
batch whose COPY failed, retried in a transaction of its own. The COPY path (`create_copy.py`)
writes the same rows for the same pages."""

from __future__ import annotations

from articles.importer import story_links, story_rows
from articles.importer.outcomes import ImportOptions, check_importable
from articles.importer.pages import SavedPage
from articles.importer.sections_authors import sections_and_bylines
from articles.models import Article, Image, SourceDocument


def create_articles(
    pages: list[SavedPage], options: ImportOptions, *, slugs: list[str], sources: list[SourceDocument | None]
) -> list[int]:
    """Create the articles of new pages with a handful of bulk statements; return their ids in order.

    `sources[i]` is page i's existing SourceDocument, or None to store a new one."""
    for page in pages:
        check_importable(page.parsed)
    sections, bylines = sections_and_bylines(pages, options)
    sources = _with_new_sources(pages, sources)
    heroes = _new_heroes(pages)
    articles = Article.objects.bulk_create(
        [
            Article(
                **story_rows.article_fields(page, options),
                slug=slug,
                section=sections.get(story_rows.section_name(page, options)),
                hero_image=heroes.get(i),
                source=src,
            )
            for i, (page, slug, src) in enumerate(zip(pages, slugs, sources, strict=True))
        ]
    )
    story_links.link_authors(articles, bylines)
    story_links.create_teasers(articles, pages)
    story_links.relink_teasers([a.title for a in articles])
    return [a.id for a in articles]


def _with_new_sources(pages: list[SavedPage], sources: list[SourceDocument | None]) -> list[SourceDocument]:
    """Each page's existing source, or a new one stored for it (all of them in one statement)."""
    created = SourceDocument.objects.bulk_create(
        [story_rows.new_source(p) for p, s in zip(pages, sources, strict=True) if not s]
    )
    new_sources = iter(created)
    return [s or next(new_sources) for s in sources]


def _new_heroes(pages: list[SavedPage]) -> dict[int, Image]:
    """The hero images of the pages that have one, stored, by the page's position."""
    heroes = {i: img for i, p in enumerate(pages) if (img := story_rows.new_hero(p.parsed)) is not None}
    Image.objects.bulk_create(list(heroes.values()))
    return heroes
