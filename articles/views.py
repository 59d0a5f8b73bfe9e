"""Reader-facing pages: small generic views behind one mixin, and the article page as a function.

The busiest pages (article, home, section, author) read their data in one prepared statement each
(articles/page_queries.py); the others query `Article.objects` (articles/models.py). `published()`
is the one gate for what readers see, and the statements repeat it in SQL (tested to agree); the
only exception is the editors' preview of a draft or scheduled story (`may_preview`), which is
marked `noindex` and never cached. Every page runs a fixed, small number of queries.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from itertools import groupby
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import InvalidPage, Page
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.views.decorators.http import condition
from django.views.defaults import page_not_found
from django.views.generic import ListView, TemplateView
from django.views.generic import dates as date_views

from articles import page_queries
from articles.archive_state import archive_cache_key, archive_version
from articles.http_cache import mark_not_found, mark_public
from articles.markup import busiest_sections, section_blocks
from articles.models import Article, Section
from articles.page_queries import Row
from articles.pagination import BoundedPaginator
from articles.richtext import first_paragraph, reading_minutes
from authors.models import initials
from newsroom.links import author_url, section_url, story_url, url

PAGE_SIZE = 20
NOT_FOUND_SECONDS = 60
HOME_TOP_STORIES = 5  # the lead and four beside it; the rest of the first page is "Latest"
DESCRIPTION_WORDS = 35
STORY_SETTLED_AFTER = timedelta(days=7)
SECTION_BLOCKS_CACHE_SECONDS = 3600  # a bound only: any change, and any go-live, replace them


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


def _describe(text: str) -> str:
    words = text.split()
    if len(words) <= DESCRIPTION_WORDS:  # most summaries: as Truncator gives them, at a tenth of the cost
        return " ".join(words)
    return Truncator(" ".join(words)).words(DESCRIPTION_WORDS)


def _feed(title: str, url_name: str, **kwargs: str) -> tuple[str, str]:
    return (title, url(url_name, **kwargs))


class StoryListView(ReaderPageMixin, TemplateView):
    """A page of a list of stories, fetched with the list's bounded count in one prepared statement
    (articles/page_queries.py) and rendered from plain rows, so that it is fast uncached.

    `?page=` is read as Django's ListView reads it: a number, or "last"; anything else, or a page
    past the end, is a 404."""

    def fetch(self, offset: int, limit: int) -> Row | None:
        """The listing's page at `offset` (`stories`) and its `count`; None when its owner (a
        section, an author) does not exist."""
        raise NotImplementedError

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.listing, page = self._fetch_page()
        return super().get_context_data(
            page_obj=page, paginator=page.paginator, is_paginated=page.has_other_pages(), **kwargs
        )

    def _fetch_page(self) -> tuple[Row, Page]:
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

    def _fetch(self, number: int) -> Row:
        listing = self.fetch((number - 1) * PAGE_SIZE, PAGE_SIZE)
        if listing is None:
            raise Http404("Not found")
        return listing

    def _page(self, listing: Row, number: int) -> Page:
        paginator = BoundedPaginator.fetched(listing.count, PAGE_SIZE)
        try:
            number = paginator.validate_number(number)
        except InvalidPage as error:
            raise Http404("No such page") from error
        return Page(listing.stories, number, paginator)


COUNT_CAP = PAGE_SIZE * BoundedPaginator.max_pages


class HomeView(StoryListView):
    """The front page: the lead story, the top stories beside it, the latest, stories by section;
    `?page=2…` is "More stories"."""

    template_name = "articles/home.html"

    def fetch(self, offset: int, limit: int) -> Row:
        """The page's stories; on the front page also its "By section" blocks, as markup kept in
        the cache until the archive changes (the cache framework's fragment: the blocks' query and
        42 headlines were a fifth of an uncached front page)."""
        front = offset == 0
        key = archive_cache_key("front-section-blocks") if front else ""
        self.blocks = cache.get(key) if front else None
        listing = page_queries.home_page(
            offset, limit, count_cap=COUNT_CAP, blocks=front and self.blocks is None
        )
        if listing.section_blocks is not None:
            self.blocks = section_blocks(listing.section_blocks)
            cache.set(key, self.blocks, SECTION_BLOCKS_CACHE_SECONDS)
        return listing

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if context["page_obj"].number == 1:
            stories = self.listing.stories
            context.update(
                lead=stories[0] if stories else None,
                lead_authors=self.listing.lead_authors,
                top_stories=stories[1:HOME_TOP_STORIES],
                latest=stories[HOME_TOP_STORIES:],
                blocks=self.blocks,
            )
        return context

    def get_meta(self) -> dict[str, Any]:
        number = self.page_obj.number
        return {"title": settings.SITE_NAME if number == 1 else f"More stories, page {number}"}


def may_preview(user: Any) -> bool:
    """Who sees drafts and scheduled stories on the reader site: staff who may change stories.
    Anyone else (a reader, staff who look after authors only) gets the reader's 404."""
    return user.is_staff and user.has_perm("articles.change_article")


def _story(request: HttpRequest, slug: str) -> Row | None:
    """The story page's row (`page_queries.story_page`): editors also get drafts and scheduled
    stories, as a preview. Fetched once per request, and shared by the ETag, Last-Modified and the
    page."""
    if not hasattr(request, "_story"):
        # Staff sign in with a session: without its cookie, no user (and no session) is looked up.
        signed_in = settings.SESSION_COOKIE_NAME in request.COOKIES
        request._story = page_queries.story_page(slug, preview=signed_in and may_preview(request.user))
    return request._story


def _article_last_modified(request: HttpRequest, slug: str) -> datetime | None:
    """Last-Modified of a public story; none for a preview, which is never cached.

    A revalidation (If-None-Match / If-Modified-Since) usually ends in a 304, so it reads only the
    story's `updated_at`; any other request reads the whole page once, for the page as well."""
    if not hasattr(request, "_story_updated_at"):
        if "If-None-Match" in request.headers or "If-Modified-Since" in request.headers:
            updated = Article.objects.published().filter(slug=slug).values_list("updated_at", flat=True)
            request._story_updated_at = updated.first()
        else:
            story = _story(request, slug)
            request._story_updated_at = story.updated_at if story and story.is_public else None
    return request._story_updated_at


def _article_etag(request: HttpRequest, slug: str) -> str | None:
    """The story's version and the archive's (author boxes, teasers and neighbours show other
    stories): a browser's If-None-Match is answered with a 304 without rendering the page."""
    updated = _article_last_modified(request, slug)
    if updated is None:
        return None
    return hashlib.sha1(f"{slug}|{updated.isoformat()}|{archive_version()}".encode()).hexdigest()


@condition(etag_func=_article_etag, last_modified_func=_article_last_modified)
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A story with its byline, author boxes, teasers and section neighbours: one prepared
    statement (`page_queries.story_page`) rendered by Jinja2, so that the page is fast uncached.
    A function, not a generic view: the busiest page skips a class's layers (~0.1 ms a page)."""
    story = _story(request, slug)
    if story is None:
        raise Http404("No such story")
    for author in story.authors:
        author.initials = initials(author.name)
    preview = not story.is_public
    context = {
        "article": story,
        "authors": story.authors,
        "teasers": story.teasers,
        "more_by_author": [(author, author.more) for author in story.authors],
        # Cleaned to the editor's allow-list whenever a story is saved (articles/richtext.py).
        "body": mark_safe(story.body),  # noqa: S308
        "reading_minutes": story.reading_minutes or reading_minutes(story.body),
        "preview": preview,
        "older": story.older,
        "newer": story.newer,
        "meta": _article_meta(request, story),
    }
    response = render(request, "articles/article_detail.html", context)
    if preview:
        add_never_cache_headers(response)  # private, no-store: a draft is never kept by any cache
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    else:
        mark_public(response, max_age=300, s_maxage=_cdn_seconds(story))
    return response


def _article_meta(request: HttpRequest, story: Row) -> dict[str, Any]:
    crumbs, feeds = [("Home", url("home"))], []
    if section := story.section:
        crumbs.append((section.name, section_url(section.slug)))
        feeds.append(_feed(f"{section.name} stories", "section_feed", slug=section.slug))
    return page_meta(
        title=story.title,
        # Only the dek: a made-up description would come back as a dek when the importer re-reads
        # this page (its contract). Search engines write their own snippet from the body.
        description=_describe(story.summary),
        social_description=_describe(story.summary or first_paragraph(story.body)),
        og_type="article",
        image=story.hero_image,
        noindex=not story.is_public,
        feeds=feeds,
        breadcrumbs=[*crumbs, (story.title, story_url(story.slug))],
        canonical=story.canonical_url or request.build_absolute_uri(request.path),
    )


def _cdn_seconds(story: Row) -> int:
    """How long a CDN keeps the page before revalidating it, which bounds how late a correction
    reaches readers behind it: an hour for stories older than a week, which rarely change, five
    minutes for fresh ones."""
    published = story.published_at
    settled = published is not None and timezone.now() - published > STORY_SETTLED_AFTER
    return 3_600 if settled else 300


class AuthorDetailView(StoryListView):
    template_name = "articles/author_detail.html"

    def fetch(self, offset: int, limit: int) -> Row | None:
        return page_queries.author_page(self.kwargs["slug"], offset, limit, count_cap=COUNT_CAP)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        author = context["author"] = self.listing
        author.initials = initials(author.name)
        return context

    def get_meta(self) -> dict[str, Any]:
        author = self.listing
        role = f"{author.role}, {settings.SITE_NAME}" if author.role else settings.SITE_NAME
        return {
            "title": f"{author.name} — {role}",
            "description": _describe(
                author.bio or f"Stories by {author.name} in the {settings.SITE_NAME} archive."
            ),
            "og_type": "profile",
            "feeds": [_feed(f"Stories by {author.name}", "author_feed", slug=author.slug)],
            "breadcrumbs": [("Home", url("home")), (author.name, author_url(author.slug))],
        }


class SectionDetailView(StoryListView):
    template_name = "articles/section_detail.html"

    def fetch(self, offset: int, limit: int) -> Row | None:
        return page_queries.section_page(self.kwargs["slug"], offset, limit, count_cap=COUNT_CAP)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["section"] = self.listing
        return context

    def get_meta(self) -> dict[str, Any]:
        section = self.listing
        return {
            "title": section.name,
            "description": _describe(section.description or f"{section.name}: stories from the archive."),
            "feeds": [_feed(f"{section.name} stories", "section_feed", slug=section.slug)],
            "breadcrumbs": [("Home", url("home")), (section.name, section_url(section.slug))],
        }


class SectionIndexView(ReaderPageMixin, TemplateView):
    """Every section with public stories, the busiest first: how many stories each holds (counts
    kept a few minutes, `busiest_sections`) and its newest story."""

    template_name = "articles/section_index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        busiest = busiest_sections()
        newest = Section.objects.filter(pk__in=[s.pk for s in busiest]).with_newest_story().in_bulk()
        for section in busiest:
            found = newest.get(section.pk)
            section.newest_title = found.newest_title if found else ""
            section.newest_slug = found.newest_slug if found else ""
            section.newest_published_at = found.newest_published_at if found else None
        return super().get_context_data(sections=[s for s in busiest if s.newest_slug], **kwargs)

    def get_meta(self) -> dict[str, Any]:
        return {
            "title": "Sections",
            "description": f"Every section of the {settings.SITE_NAME} archive.",
            "breadcrumbs": [("Home", url("home")), ("Sections", url("section_index"))],
        }


def opensearch(request: HttpRequest) -> HttpResponse:
    """The OpenSearch description (`<link rel="search">` on every page): browsers offer the
    archive as a search engine."""
    search = request.build_absolute_uri(url("search"))
    return render(
        request,
        "opensearch.xml",
        {"search": search, "icon": request.build_absolute_uri(static("img/favicon.svg"))},
        content_type="application/opensearchdescription+xml",
    )


# --- the date archive -------------------------------------------------------------------------------

PERIOD_PARTS = ("year", "month", "day")
PERIOD_LINKS = {
    "year": ("archive_year", "Y"),
    "month": ("archive_month", "F Y"),
    "day": ("archive_day", "F j, Y"),
}


class DateArchivePage(ReaderPageMixin):
    """The date archive's pages: a date that cannot exist, or has no stories, is a 404."""

    allow_empty = False
    period = ""  # "year", "month" or "day"
    period_title = "Archive"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().get(request, *args, **kwargs)  # type: ignore[misc]
        except OverflowError as error:  # the day after 9999-12-31
            raise Http404("Date out of range") from error

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if self.period:
            context["previous_link"] = self.period_link(context.get(f"previous_{self.period}"))
            context["next_link"] = self.period_link(context.get(f"next_{self.period}"))
        return context

    # The previous and next period with stories. Django's own lookup orders by the date with its
    # NULLs at the other end from article_listing_idx, so PostgreSQL read and sorted every story
    # before it (0.4-0.7 s per link at 1M stories); these walk the index from the period's edge.

    def get_previous_year(self, date: date) -> date | None:
        return self.adjacent_period(date, "year", previous=True)

    def get_next_year(self, date: date) -> date | None:
        return self.adjacent_period(date, "year", previous=False)

    def get_previous_month(self, date: date) -> date | None:
        return self.adjacent_period(date, "month", previous=True)

    def get_next_month(self, date: date) -> date | None:
        return self.adjacent_period(date, "month", previous=False)

    def get_previous_day(self, date: date) -> date | None:
        return self.adjacent_period(date, "day", previous=True)

    def get_next_day(self, date: date) -> date | None:
        return self.adjacent_period(date, "day", previous=False)

    def adjacent_period(self, when: date, period: str, *, previous: bool) -> date | None:
        """The first day of the nearest earlier (or later) `period` with a public story."""
        stories = self.get_queryset()  # public, so never a scheduled story's period
        if previous:
            start = getattr(self, f"_get_current_{period}")(when)
            stories = stories.filter(published_at__lt=self._make_date_lookup_arg(start))
        else:
            end = getattr(self, f"_get_next_{period}")(when)
            stories = stories.filter(published_at__gte=self._make_date_lookup_arg(end)).reverse()
        published = stories.values_list("published_at", flat=True).first()
        if published is None:
            return None
        return getattr(self, f"_get_current_{period}")(timezone.localtime(published).date())

    def period_link(self, when: date | None) -> tuple[str, str] | None:
        """(label, URL) of the archive page for the period starting at `when`."""
        if when is None:
            return None
        parts = {"year": f"{when.year:04d}", "month": f"{when.month:02d}", "day": f"{when.day:02d}"}
        keys = PERIOD_PARTS[: PERIOD_PARTS.index(self.period) + 1]
        url_name, label = PERIOD_LINKS[self.period]
        return date_format(when, label), url(url_name, **{key: parts[key] for key in keys})

    def archive_crumbs(self) -> list[tuple[str, str]]:
        return [("Home", url("home")), ("Archive", url("archive"))]

    def get_meta(self) -> dict[str, Any]:
        title = self.period_title
        return {
            "title": f"Archive: {title}",
            "description": f"Stories from {title} in the {settings.SITE_NAME} archive.",
            "breadcrumbs": [*self.archive_crumbs(), (title, self.request.path)],
        }


class ArchiveIndexView(DateArchivePage, date_views.ArchiveIndexView):
    template_name = "articles/archive_index.html"
    allow_empty = True
    date_list_period = "month"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        undated = Article.objects.published().undated().count()
        context = super().get_context_data(undated_count=undated, **kwargs)
        context["years"] = [
            (year, list(months)) for year, months in groupby(context["date_list"], lambda month: month.year)
        ]
        return context

    def get_meta(self) -> dict[str, Any]:
        return {
            "title": "Archive",
            "description": f"The {settings.SITE_NAME} archive by year and month.",
            "breadcrumbs": self.archive_crumbs(),
        }


class YearArchiveView(DateArchivePage, date_views.YearArchiveView):
    template_name = "articles/archive_period.html"
    period = "year"

    @property
    def period_title(self) -> str:
        return self.kwargs["year"]


class MonthArchiveView(DateArchivePage, date_views.MonthArchiveView):
    template_name = "articles/archive_period.html"
    period = "month"

    @property
    def period_title(self) -> str:
        return date_format(date(int(self.kwargs["year"]), int(self.kwargs["month"]), 1), "F Y")

    def archive_crumbs(self) -> list[tuple[str, str]]:
        year = self.kwargs["year"]
        return [*super().archive_crumbs(), (year, url("archive_year", year=year))]


class DayArchiveView(DateArchivePage, date_views.DayArchiveView):
    template_name = "articles/archive_period.html"
    period = "day"

    @property
    def period_title(self) -> str:
        return date_format(self._day(), "F j, Y")

    def get_previous_month(self, date: date) -> None:
        return None  # the day page links days, not months: skip the two lookups

    def get_next_month(self, date: date) -> None:
        return None

    def _day(self) -> date:
        return date(*(int(self.kwargs[key]) for key in ("year", "month", "day")))

    def archive_crumbs(self) -> list[tuple[str, str]]:
        year, month = self.kwargs["year"], self.kwargs["month"]
        month_url = url("archive_month", year=year, month=month)
        return [
            *super().archive_crumbs(),
            (year, url("archive_year", year=year)),
            (date_format(self._day(), "F Y"), month_url),
        ]


class UndatedArchiveView(ReaderPageMixin, ListView):
    """Stories whose page carried no date: listed apart, never given an invented one."""

    template_name = "articles/archive_undated.html"

    def get_queryset(self) -> QuerySet[Article]:
        return super().get_queryset().undated()

    def get_meta(self) -> dict[str, Any]:
        crumbs = [("Home", url("home")), ("Archive", url("archive"))]
        return {
            "title": "Archive: date unknown",
            "description": "Stories in the archive whose original page carried no date.",
            "breadcrumbs": [*crumbs, ("Date unknown", url("archive_undated"))],
        }


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The site's 404 page (`handler404`), with a lifetime for browsers and CDNs (`mark_not_found`)."""
    response = page_not_found(request, exception)
    mark_not_found(response, request, NOT_FOUND_SECONDS)
    return response
