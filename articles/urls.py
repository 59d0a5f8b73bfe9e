from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, register_converter

from articles import feeds, views
from articles.health import healthz
from articles.page_cache import cache_public_page
from articles.search import counting
from articles.search import feed as search_feed
from articles.search import views as search_views
from articles.search.views import SEARCH_PARAMETERS
from articles.sitemaps import NEWS_SITEMAPS, SITEMAPS, sitemap_section


class SlugTextConverter:
    """A slug as stored (Unicode allowed): anything but "/" and NUL, which PostgreSQL refuses."""

    regex = "[^/\x00]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class DigitsConverter:
    """Fixed-width digits, kept as a string: `/archive/2025/03/07/` and no other spelling of it."""

    regex = ""

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: object) -> str:
        return f"{int(str(value)):0{self.width}d}"


class YearConverter(DigitsConverter):
    regex = "[0-9]{4}"
    width = 4


class TwoDigitsConverter(DigitsConverter):
    regex = "[0-9]{2}"
    width = 2


class MonthDayConverter(DigitsConverter):
    """A calendar day as `MM-DD` (`/on-this-day/03-18/`); whether it exists is the view's to say."""

    regex = "[0-9]{2}-[0-9]{2}"

    def to_url(self, value: object) -> str:
        return str(value)


register_converter(SlugTextConverter, "slugtext")
register_converter(YearConverter, "yyyy")
register_converter(TwoDigitsConverter, "dd")
register_converter(MonthDayConverter, "mmdd")

# Public pages: served from the page cache to anonymous readers, cacheable by CDNs, each under the
# query parameters it reads (others are ignored). The home page changes most often, so browsers
# and CDNs keep it briefly.
page = cache_public_page()  # lists: ?page=N
feed_page = cache_public_page(params=())  # feeds and pages that read no parameter
front_page = cache_public_page(max_age=30, s_maxage=60)
story_page = cache_public_page(story_kwarg="slug", params=())  # stale when its story changes only
search_page = cache_public_page(params=SEARCH_PARAMETERS)
# Crawlers come often and sitemaps are big; a sitemap's page is `?p=N`. The stories' sitemap keeps
# its pages itself, compressed and by what they list (`sitemap_section`), not in the page cache.
sitemap_page = cache_public_page(max_age=300, s_maxage=900, params=("p",))
sitemap_section_page = cache_public_page(max_age=300, s_maxage=900, params=("p",), store=False)

urlpatterns = [
    path("", front_page(views.HomeView.as_view()), name="home"),
    path("feed/", feed_page(feeds.LatestStoriesFeed()), name="feed"),
    path("articles/<slugtext:slug>/", story_page(views.article_detail), name="article_detail"),
    path("authors/<slugtext:slug>/", page(views.AuthorDetailView.as_view()), name="author_detail"),
    path("authors/<slugtext:slug>/feed/", feed_page(feeds.AuthorFeed()), name="author_feed"),
    path("sections/", feed_page(views.SectionIndexView.as_view()), name="section_index"),
    path("sections/<slugtext:slug>/", page(views.SectionDetailView.as_view()), name="section_detail"),
    path("sections/<slugtext:slug>/feed/", feed_page(feeds.SectionFeed()), name="section_feed"),
    # Popular searches (and their facet counts) repeat: cached like any page, stale on any change.
    # Each reader's search is counted, cached or not (articles/search/counting.py); CDNs do not keep it.
    path("search/", counting.counted(search_page(search_views.search)), name="search"),
    path("search/opened/", search_views.opened, name="search_opened"),  # results' `ping`: never cached
    path("search/feed/", search_page(search_feed.SearchFeed()), name="search_feed"),
    path("corrections/", page(views.CorrectionListView.as_view()), name="corrections"),
    path("corrections/feed/", feed_page(feeds.CorrectionsFeed()), name="corrections_feed"),
    path("opensearch.xml", feed_page(views.opensearch), name="opensearch"),
    path("archive/", page(views.ArchiveIndexView.as_view()), name="archive"),
    path("archive/undated/", page(views.UndatedArchiveView.as_view()), name="archive_undated"),
    path("archive/<yyyy:year>/", page(views.YearArchiveView.as_view()), name="archive_year"),
    path("archive/<yyyy:year>/<dd:month>/", page(views.MonthArchiveView.as_view()), name="archive_month"),
    path(
        "archive/<yyyy:year>/<dd:month>/<dd:day>/", page(views.DayArchiveView.as_view()), name="archive_day"
    ),
    # Today's day moves at midnight: a redirect, kept no later than that, to the day's cached page.
    path("on-this-day/", views.on_this_day_today, name="on_this_day_today"),
    path("on-this-day/<mmdd:month_day>/", page(views.OnThisDayView.as_view()), name="on_this_day"),
    path(
        "sitemap.xml",
        sitemap_page(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap_index",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_section_page(sitemap_section),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path(
        "news-sitemap.xml",
        sitemap_page(sitemap_views.sitemap),
        {"sitemaps": NEWS_SITEMAPS, "template_name": "articles/sitemap_news.xml"},
        name="sitemap_news",
    ),
    path("healthz", healthz, name="healthz"),  # for load balancers: never cached
]
