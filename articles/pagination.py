"""Pagination that stays cheap on a million stories."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Max, Min, QuerySet
from django.utils.functional import cached_property


class BoundedPaginator(Paginator):
    """Counts at most `max_pages` pages of stories, so a listing's count reads a bounded slice of an
    index however large the archive (an exact count of a million rows takes a second). Deeper
    stories are reached through the date archive, whose pages are small; `capped` tells templates
    to say "50+ pages"."""

    max_pages = 50

    def __init__(
        self, object_list: Any, per_page: int, *, counted: QuerySet | None = None, **kwargs: Any
    ) -> None:
        """`counted`: a cheaper queryset holding as many rows as `object_list`, to count instead
        (an author's byline rows, counted from their index without reading each story)."""
        super().__init__(object_list, per_page, **kwargs)
        self.counted = object_list if counted is None else counted

    @classmethod
    def fetched(cls, count: int, per_page: int) -> BoundedPaginator:
        """The paginator of a listing whose page and bounded count one statement fetched together
        (articles/page_queries.py): it validates page numbers and tells the templates about pages."""
        paginator = cls([], per_page)
        paginator.count = min(count, per_page * cls.max_pages)
        return paginator

    @cached_property
    def count(self) -> int:
        return self.counted[: self.per_page * self.max_pages].count()

    @property
    def capped(self) -> bool:
        return self.count >= self.per_page * self.max_pages


class IdRangePaginator(Paginator):
    """Pages by primary-key range: page n holds the items whose ids fall in the n-th block of
    `per_page` ids from the smallest. For sitemaps, which must list every story: a page is an
    index range scan however deep it is (an OFFSET reads every row before it: 290 ms for the 20th
    page of 10,000 at 1M stories), the page count needs no count of the archive (two index probes
    for the smallest and largest id), and a story never moves to another page, so a crawler's
    copy of an old page stays valid. A page holds at most `per_page` items, fewer where ids
    belong to drafts or deleted stories."""

    @cached_property
    def _bounds(self) -> tuple[int | None, int | None]:
        bounds = self.object_list.aggregate(first=Min("pk"), last=Max("pk"))
        return bounds["first"], bounds["last"]

    @cached_property
    def num_pages(self) -> int:
        first, last = self._bounds
        return 0 if first is None else (last - first) // self.per_page + 1

    @cached_property
    def count(self) -> int:  # an upper bound: the ids the pages span
        return self.num_pages * self.per_page

    def page(self, number: int | str) -> Page:
        number = self.validate_number(number)
        first, _ = self._bounds
        if first is None:
            return self._get_page(self.object_list.none(), number, self)
        start = first + (number - 1) * self.per_page
        items = self.object_list.filter(pk__gte=start, pk__lt=start + self.per_page).order_by("pk")
        return self._get_page(items, number, self)
