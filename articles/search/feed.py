"""/search/feed/: any search, subscribed to as a feed of its newest matches (Atom)."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse

from articles.models import Article
from articles.search.results import newest_articles
from articles.search.sql import Search
from articles.search.views import build_search

FEED_SIZE = 20


class SearchFeed(Feed):
    """Subscribe to a search: the newest matches for any query and filters, as Atom."""

    def get_object(self, request: HttpRequest) -> Search:
        _form, query = build_search(request)
        query.sort = "newest"
        # On the search, not on `self`: one Feed instance serves every request (and thread).
        query.page_url = f"{reverse('search')}?{request.GET.urlencode()}"
        return query

    def title(self, obj: Search) -> str:
        return f"Search: {obj.parsed.text or 'latest stories'}"[:200]

    def link(self, obj: Search) -> str:
        return obj.page_url

    def subtitle(self, obj: Search) -> str:
        return "The newest archive stories matching this search."

    def items(self, obj: Search) -> list[Article]:
        if not obj.active:
            return list(Article.objects.published().for_listing()[:FEED_SIZE])
        return newest_articles(obj, FEED_SIZE)

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.summary

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_author_name(self, item: Article) -> str:
        return item.byline
