"""sitemap.xml (an index paginated by `limit`, with lastmod) and the Google News sitemap.

Everything listed comes through `published()`. Each sitemap page costs two queries (its bounds and
the page; the stories' pages go by id range, `IdRangePaginator`), and the index one more per
sitemap for its lastmod. A page of the stories' sitemap (10,000 addresses) takes ~1 s to render,
so it is kept, compressed, under what it lists (`sitemap_section`).
"""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.cache import cache
from django.core.paginator import InvalidPage
from django.db.models import CharField, Exists, Max, OuterRef, QuerySet, Value
from django.db.models.functions import MD5, Cast, Concat
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleAuthor, Section
from articles.pagination import IdRangePaginator
from authors.models import Author

NEWS_WINDOW = timedelta(hours=48)  # Google News reads only the last two days
NEWS_LIMIT = 1000  # …and at most 1,000 stories per sitemap
KEPT_PAGE_SECONDS = 86_400  # a kept sitemap page is found by what it lists: it need not expire soon


class ArticleSitemap(Sitemap):
    limit = 10_000  # pages of the index; the protocol allows 50,000 URLs per file

    @property
    def paginator(self) -> IdRangePaginator:
        # By id range, not OFFSET: any page costs the same on a million stories.
        return IdRangePaginator(self._items(), self.limit)

    def items(self) -> QuerySet[Article]:
        return Article.objects.published().only("slug", "updated_at")

    def lastmod(self, item: Article) -> datetime:
        return item.updated_at

    def fingerprint(self, number: int | str) -> str:
        """What page `number` lists, summed up: its public stories' ids and last changes, in one
        aggregate over its id range (~13 ms for 10,000 stories). Any story that is saved, goes
        live, is withdrawn or deleted changes its page's fingerprint, and no other page's."""
        stories = self.paginator.page(number).object_list.order_by()
        stamp = Concat(Cast("pk", CharField()), Value(":"), Cast("updated_at", CharField()))
        found = stories.aggregate(fingerprint=MD5(StringAgg(stamp, ",", order_by="pk")))
        return found["fingerprint"] or "empty"

    def get_latest_lastmod(self) -> datetime | None:
        # One aggregate rather than the framework's default of loading every item.
        return Article.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class SectionSitemap(Sitemap):
    def items(self) -> QuerySet[Section]:
        has_stories = Exists(Article.objects.published().filter(section=OuterRef("pk")))
        return Section.objects.filter(has_stories).only("slug")


class AuthorSitemap(Sitemap):
    def items(self) -> QuerySet[Author]:
        has_stories = Exists(ArticleAuthor.objects.public().filter(author=OuterRef("pk")))
        return Author.objects.filter(has_stories).only("slug")


class PageSitemap(Sitemap):
    def items(self) -> list[str]:
        return ["home", "archive"]

    def location(self, item: str) -> str:
        return reverse(item)


class NewsSitemap(ArticleSitemap):
    """Stories published in the last 48 hours, for Google News (rendered with news: tags)."""

    limit = NEWS_LIMIT
    # One file of at most NEWS_LIMIT recent stories: counted pages, not id ranges (an old draft
    # published today has a low id).
    paginator = Sitemap.paginator

    def items(self) -> QuerySet[Article]:
        since = timezone.now() - NEWS_WINDOW
        return (
            Article.objects.published().filter(published_at__gte=since).only("slug", "title", "published_at")
        )

    def lastmod(self, item: Article) -> datetime | None:
        return item.published_at


SITEMAPS = {
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "authors": AuthorSitemap,
    "pages": PageSitemap,
}
NEWS_SITEMAPS = {"news": NewsSitemap}


def sitemap_section(request: HttpRequest, section: str, sitemaps: dict, **kwargs: Any) -> HttpResponse:
    """Django's sitemap view, with each page of a sitemap that has a `fingerprint` (the stories')
    kept compressed (~870 KB of XML in ~30 KB) under that fingerprint, the site's address and the
    page number. A crawler's request then costs the fingerprint's aggregate and a read of the
    cache, however often other stories change; only a page whose stories changed is rendered
    again."""
    sitemap = sitemaps.get(section)
    number = request.GET.get("p", 1)
    keeps = hasattr(sitemap, "fingerprint") and settings.PAGE_CACHE_SECONDS > 0  # 0: no page cache
    try:
        fingerprint = sitemap().fingerprint(number) if keeps else None
    except InvalidPage:
        fingerprint = None  # Django's view answers it with its 404
    if fingerprint is None:
        return sitemap_views.sitemap(request, sitemaps, section, **kwargs)
    key = f"sitemap-page:{request.scheme}://{request.get_host()}:{section}:{number}:{fingerprint}"
    kept = cache.get(key)
    if kept is not None:
        headers, body = kept
        return HttpResponse(zlib.decompress(body), headers=headers)
    response = sitemap_views.sitemap(request, sitemaps, section, **kwargs).render()
    if response.status_code == 200:
        cache.set(key, (dict(response.headers), zlib.compress(response.content, 1)), KEPT_PAGE_SECONDS)
    return response
