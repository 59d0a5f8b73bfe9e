"""Load parsed pages into the archive: one transaction per page, idempotent, fast in bulk.

How a page's story is identified (unchanged, a correction, or new) is `identity.py`'s.

Sections and authors are matched by slug (an author's newer role or bio updates the author:
`sections_authors.py`). Teasers link to the archived article with the same title, and teasers
imported earlier are re-linked when their target arrives (`story_links.py`). Every page keeps its
raw source (`SourceDocument`).

Speed: pages are handled in batches, sorted first (`batch_plan.py`). New, unambiguous pages of a
batch are created together with one COPY statement per table (`create_copy.py`, `copy_rows.py`);
if that batch fails, each of its pages is retried through the ORM (`create_orm.py`) in a
transaction of its own, so a bad page never takes others down and never leaves half an article.
Both paths write the same rows (`story_rows.py`). A known story is updated in place
(`update_story.py`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db import DatabaseError, IntegrityError, transaction

from articles.events import archive_changed_in_bulk
from articles.importer.batch_plan import BatchPlan, plan_batch
from articles.importer.create_copy import copy_articles
from articles.importer.create_orm import create_articles
from articles.importer.identity import find_same_story, free_slug
from articles.importer.outcomes import ImportOptions, Outcome, PageResult, UnimportablePage, check_importable
from articles.importer.pages import SavedPage
from articles.importer.update_story import update_article
from articles.models import SourceDocument

# Two imports of one folder race for the same sha256 and slugs; the loser re-decides ("unchanged").
CONFLICT_RETRIES = 2
# The options of a run that sets none (frozen: one instance serves every call).
DEFAULT_OPTIONS = ImportOptions()


def article_upsert_from_import(*, page: SavedPage, options: ImportOptions = DEFAULT_OPTIONS) -> PageResult:
    """Create, update or leave alone the article of one page, atomically."""
    return next(import_pages([page], options=options))


def import_pages(
    pages: Iterable[SavedPage], *, options: ImportOptions = DEFAULT_OPTIONS, batch_size: int = 200
) -> Iterator[PageResult]:
    """Import pages in order, yielding one result per page. Never raises for a bad page."""
    batch: list[SavedPage] = []
    for page in pages:
        batch.append(page)
        if len(batch) >= batch_size:
            yield from _import_batch(batch, options)
            batch = []
    if batch:
        yield from _import_batch(batch, options)


# --- batches ------------------------------------------------------------------------------------------


def _import_batch(batch: list[SavedPage], options: ImportOptions) -> Iterator[PageResult]:
    yield from _import_planned(plan_batch(batch), options)
    archive_changed_in_bulk.send(sender=__name__)  # COPY and bulk statements send no model signals


def _import_planned(plan: BatchPlan, options: ImportOptions) -> Iterator[PageResult]:
    if plan.fresh:
        try:
            with transaction.atomic():
                ids = copy_articles(plan.fresh, options, slugs=plan.fresh_slugs)
            yield from (PageResult(p, Outcome.CREATED, i) for p, i in zip(plan.fresh, ids, strict=True))
        except (DatabaseError, UnimportablePage, ValueError):  # ValueError: a value COPY cannot carry
            plan.one_by_one = plan.fresh + plan.one_by_one  # find the bad page, save the good ones
    yield from plan.unchanged
    for page in plan.one_by_one:
        yield _import_one(page, options)


# --- one page at a time -------------------------------------------------------------------------------


def _import_one(page: SavedPage, options: ImportOptions, *, retries: int = CONFLICT_RETRIES) -> PageResult:
    try:
        with transaction.atomic():
            return _upsert(page, options)
    except UnimportablePage as error:
        return PageResult(page, Outcome.FAILED, error=str(error))
    except (DatabaseError, ValueError) as error:
        if _is_conflict(error):
            if retries > 0:  # another import committed this page (or took its slug) first: decide again
                return _import_one(page, options, retries=retries - 1)
            return PageResult(page, Outcome.FAILED, error=f"conflict with a concurrent import: {error}")
        return PageResult(page, Outcome.FAILED, error=f"database refused the page: {error}".strip())


def _is_conflict(error: Exception) -> bool:
    """A unique-key race, deadlock or serialization failure with another writer, not a bad page."""
    code = getattr(error.__cause__, "pgcode", "")
    return (isinstance(error, IntegrityError) and code == "23505") or code in {"40P01", "40001"}


def _upsert(page: SavedPage, options: ImportOptions) -> PageResult:
    source = SourceDocument.objects.filter(sha256=page.sha256).first()
    if source is not None and (existing_id := source.articles.values_list("id", flat=True).first()):
        return PageResult(page, Outcome.UNCHANGED, existing_id)
    check_importable(page.parsed)
    article = find_same_story(page.parsed)
    if article is None:
        slug = free_slug(page.parsed.title)
        [article_id] = create_articles([page], options, slugs=[slug], sources=[source])
        return PageResult(page, Outcome.CREATED, article_id)
    update_article(article, page, options, source)
    return PageResult(page, Outcome.UPDATED, article.id)
