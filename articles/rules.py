"""What readers may see and the order they see it in, each stated once.

The code needs each rule in three forms: a Django `Q`/`OrderBy` for querysets, SQL text for the
hand-written statements (`page_queries`, `search`, the vocabulary migration) and a Python test on
one story. All of them are built here from the same two facts, so changing a rule is one edit;
tests/articles/test_page_queries.py and test_models.py still check the forms agree story by story.

- **The public gate**: a story is public when its status is published and it is not scheduled
  for later (no date, or a date not in the future).
- **The listing order**: newest first, undated stories last, then by id (newest id first): the
  order of `article_listing_idx`, `article_section_listing_idx` and `author_listing_idx`.

This module imports no model, so migrations may use it.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import F, OrderBy, Q
from django.utils import timezone

PUBLISHED = "published"  # Article.Status.PUBLISHED


def public_q(status: str = "status", published_at: str = "published_at") -> Q:
    """The gate as a filter on the fields `status` and `published_at` (or on the copies of them
    that a byline keeps: `public_q("article_status", "article_published_at")`)."""
    return Q(**{status: PUBLISHED}) & (
        Q(**{f"{published_at}__isnull": True}) | Q(**{f"{published_at}__lte": timezone.now()})
    )


def public_sql(status: str = "status", published_at: str = "published_at", now: str = "now()") -> str:
    """The gate as a SQL condition on the given columns; `now` is the SQL for the request's time
    (a statement parameter, as `public_q` takes `timezone.now()`)."""
    return f"({status} = '{PUBLISHED}' AND ({published_at} IS NULL OR {published_at} <= {now}))"


def is_public(status: str, published_at: datetime | None) -> bool:
    """The gate on one story's values."""
    return status == PUBLISHED and (published_at is None or published_at <= timezone.now())


def listing_order(published_at: str = "published_at", id: str = "id") -> tuple[OrderBy, OrderBy]:
    """The listing order for `order_by(*listing_order())`."""
    return (F(published_at).desc(nulls_last=True), F(id).desc())


def listing_order_sql(published_at: str = "published_at", id: str = "id", *, reverse: bool = False) -> str:
    """The listing order as a SQL ORDER BY list; `reverse=True` walks it backwards (oldest id
    first, undated first), for the story just newer than another."""
    if reverse:
        return f"{published_at} ASC NULLS FIRST, {id} ASC"
    return f"{published_at} DESC NULLS LAST, {id} DESC"
