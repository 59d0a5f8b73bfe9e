"""Pagination that stays cheap on a million stories."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class BoundedPaginator(Paginator):
    """Counts at most `max_pages` pages of stories, so a listing's count reads a bounded slice of an
    index however large the archive (an exact count of a million rows takes a second). Deeper
    stories are reached through the date archive, whose pages are small; `capped` tells templates
    to say "50+ pages"."""

    max_pages = 50

    @cached_property
    def count(self) -> int:
        return self.object_list[: self.per_page * self.max_pages].count()

    @property
    def capped(self) -> bool:
        return self.count >= self.per_page * self.max_pages
