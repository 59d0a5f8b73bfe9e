"""Sorting a batch of pages before anything is written: which are unchanged (their source is
archived), which are new stories that can be created together with COPY, and which need a decision
of their own (a known slug or canonical URL, no title, our own story's URL)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from articles.importer.identity import base_slug, own_story_slug
from articles.importer.outcomes import Outcome, PageResult
from articles.importer.pages import SavedPage
from articles.models import Article, SourceDocument


@dataclass
class BatchPlan:
    fresh: list[SavedPage] = field(default_factory=list)  # new stories with a free slug: bulk-created
    fresh_slugs: list[str] = field(default_factory=list)  # theirs, checked free
    unchanged: list[PageResult] = field(default_factory=list)
    one_by_one: list[SavedPage] = field(default_factory=list)  # anything needing a decision per page


def plan_batch(batch: list[SavedPage]) -> BatchPlan:
    """Sort a batch with two queries: which sources exist, which slugs and canonical URLs are taken."""
    plan = BatchPlan()
    known = _archived_sources(batch)
    slugs = [base_slug(p.parsed.title) for p in batch]
    taken_keys = _taken_keys(batch, slugs)
    for page, slug in zip(batch, slugs, strict=True):
        if page.sha256 in known:
            plan.unchanged.append(PageResult(page, Outcome.UNCHANGED, known[page.sha256]))
            continue
        keys = {slug, page.parsed.canonical_url, page.sha256} - {""}
        if _needs_decision(page, keys, taken_keys):
            plan.one_by_one.append(page)
        else:
            plan.fresh.append(page)
            plan.fresh_slugs.append(slug)
        taken_keys |= keys  # a second page with the same story in this batch is decided on its own
    return plan


def _archived_sources(batch: list[SavedPage]) -> dict[str, int]:
    """sha256 → the id of the story already archived from that very page."""
    return dict(
        SourceDocument.objects.filter(
            sha256__in=[p.sha256 for p in batch], articles__isnull=False
        ).values_list("sha256", "articles__id")
    )


def _taken_keys(batch: list[SavedPage], slugs: list[str]) -> set[str]:
    """The slugs and canonical URLs of the batch that archived stories already hold."""
    urls = {p.parsed.canonical_url for p in batch if p.parsed.canonical_url}
    taken = Article.objects.filter(Q(slug__in=set(slugs)) | Q(canonical_url__in=urls)).values_list(
        "slug", "canonical_url"
    )
    return {key for pair in taken for key in pair if key}


def _needs_decision(page: SavedPage, keys: set[str], taken_keys: set[str]) -> bool:
    """No title (to be refused with its reasons), a story that may be known, or our own story's URL."""
    return bool(not page.parsed.title or keys & taken_keys or own_story_slug(page.parsed.canonical_url))
