"""The date archive: years, months and days of public stories, each a 404 when empty or
impossible, and the stories whose page carried no date."""

from __future__ import annotations

from datetime import date
from itertools import groupby
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.generic import ListView
from django.views.generic import dates as date_views

from articles.models import Article
from articles.views.base import ReaderPageMixin
from newsroom.links import url

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
