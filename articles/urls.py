from django.urls import path, register_converter

from articles import feeds, search_views, views


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


register_converter(SlugTextConverter, "slugtext")
register_converter(YearConverter, "yyyy")
register_converter(TwoDigitsConverter, "dd")

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("feed/", feeds.LatestStoriesFeed(), name="feed"),
    path("articles/<slugtext:slug>/", views.ArticleDetailView.as_view(), name="article_detail"),
    path("authors/<slugtext:slug>/", views.AuthorDetailView.as_view(), name="author_detail"),
    path("authors/<slugtext:slug>/feed/", feeds.AuthorFeed(), name="author_feed"),
    path("sections/<slugtext:slug>/", views.SectionDetailView.as_view(), name="section_detail"),
    path("sections/<slugtext:slug>/feed/", feeds.SectionFeed(), name="section_feed"),
    path("search/", search_views.search, name="search"),
    path("search/feed/", search_views.SearchFeed(), name="search_feed"),
    path("archive/", views.ArchiveIndexView.as_view(), name="archive"),
    path("archive/undated/", views.UndatedArchiveView.as_view(), name="archive_undated"),
    path("archive/<yyyy:year>/", views.YearArchiveView.as_view(), name="archive_year"),
    path("archive/<yyyy:year>/<dd:month>/", views.MonthArchiveView.as_view(), name="archive_month"),
    path("archive/<yyyy:year>/<dd:month>/<dd:day>/", views.DayArchiveView.as_view(), name="archive_day"),
]
