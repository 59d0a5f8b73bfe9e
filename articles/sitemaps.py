"""sitemap.xml (an index paginated by `limit`, with lastmod) and the Google News sitemap.

Everything listed comes through `published()`. Each sitemap page costs two queries (its bounds and
the page; the stories' pages go by id range, `IdRangePaginator`), and the index one more per
sitemap for its lastmod.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleAuthor, Section
from articles.pagination import IdRangePaginator
from authors.models import Author

NEWS_WINDOW = timedelta(hours=48)  # Google News reads only the last two days
NEWS_LIMIT = 1000  # …and at most 1,000 stories per sitemap


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
