"""What every reader page shares: the mixin, `<head>` data, the list view over one prepared
statement, and the 404 page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import InvalidPage, Page
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.text import Truncator
from django.views.defaults import page_not_found
from django.views.generic import TemplateView

from articles.http_cache import mark_not_found
from articles.models import Article
from articles.pagination import BoundedPaginator
from articles.rows import Listing
from newsroom.links import url

PAGE_SIZE = 20
NOT_FOUND_SECONDS = 60
HOME_TOP_STORIES = 5  # the lead and four beside it; the rest of the first page is "Latest"
DESCRIPTION_WORDS = 35


class ReaderPageMixin:
    """What every reader page shares: the public listing newest first, pagination (a bad page number
    is a 404), date-archive settings, and `meta` for <head>: title, description, canonical URL,
    OpenGraph type and image, feeds, breadcrumbs, robots."""

    request: HttpRequest
    kwargs: dict[str, Any]
    paginate_by = PAGE_SIZE
    paginator_class = BoundedPaginator
    allow_empty = True
    date_field = "published_at"
    month_format = "%m"
    day_format = "%d"
    make_object_list = True
    allow_future = False
    page_obj: Any = None

    def get_queryset(self) -> QuerySet[Article]:
        return Article.objects.published().for_listing()

    def get_meta(self) -> dict[str, Any]:
        """This page's title, description, breadcrumbs …; merged over the site's defaults."""
        return {}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        self.page_obj = context.get("page_obj")
        context["meta"] = page_meta(canonical=self.canonical_url(self.page_obj), **self.get_meta())
        return context

    def canonical_url(self, page: Any) -> str:
        """The page's own address; a later page of a listing is its own canonical page."""
        query = f"?page={page.number}" if page is not None and page.number > 1 else ""
        return self.request.build_absolute_uri(self.request.path) + query


def page_meta(**fields: Any) -> dict[str, Any]:
    """A page's `meta` for <head>: `fields` over the site's defaults."""
    return {
        "title": settings.SITE_NAME,
        "description": f"The {settings.SITE_NAME} news archive: every story by date, section and author.",
        "og_type": "website",
        "image": None,
        "noindex": False,
        "feeds": [],
        "breadcrumbs": [],
        **fields,
    }


def describe(text: str) -> str:
    words = text.split()
    if len(words) <= DESCRIPTION_WORDS:  # most summaries: as Truncator gives them, at a tenth of the cost
        return " ".join(words)
    return Truncator(" ".join(words)).words(DESCRIPTION_WORDS)


def feed_link(title: str, url_name: str, **kwargs: str) -> tuple[str, str]:
    return (title, url(url_name, **kwargs))


class StoryListView(ReaderPageMixin, TemplateView):
    """A page of a list of stories, fetched with the list's bounded count in one prepared statement
    (articles/page_queries.py) and rendered from plain rows, so that it is fast uncached.

    `?page=` is read as Django's ListView reads it: a number, or "last"; anything else, or a page
    past the end, is a 404."""

    def fetch(self, offset: int, limit: int) -> Listing | None:
        """The listing's page at `offset` (`stories`) and its `count`; None when its owner (a
        section, an author) does not exist."""
        raise NotImplementedError

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.listing, page = self._fetch_page()
        return super().get_context_data(
            page_obj=page, paginator=page.paginator, is_paginated=page.has_other_pages(), **kwargs
        )

    def _fetch_page(self) -> tuple[Listing, Page]:
        requested = self.request.GET.get("page") or "1"
        if requested == "last":
            first = self._fetch(1)
            number = BoundedPaginator.fetched(first.count, PAGE_SIZE).num_pages
            if number == 1:
                return first, self._page(first, 1)
        else:
            try:
                number = int(requested)
            except ValueError as error:
                raise Http404("No such page") from error
        if not 1 <= number <= BoundedPaginator.max_pages:
            raise Http404("No such page")
        listing = self._fetch(number)
        return listing, self._page(listing, number)

    def _fetch(self, number: int) -> Listing:
        listing = self.fetch((number - 1) * PAGE_SIZE, PAGE_SIZE)
        if listing is None:
            raise Http404("Not found")
        return listing

    def _page(self, listing: Listing, number: int) -> Page:
        paginator = BoundedPaginator.fetched(listing.count, PAGE_SIZE)
        try:
            number = paginator.validate_number(number)
        except InvalidPage as error:
            raise Http404("No such page") from error
        return Page(listing.stories, number, paginator)


COUNT_CAP = PAGE_SIZE * BoundedPaginator.max_pages


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The site's 404 page (`handler404`), with a lifetime for browsers and CDNs (`mark_not_found`)."""
    response = page_not_found(request, exception)
    mark_not_found(response, request, NOT_FOUND_SECONDS)
    return response
