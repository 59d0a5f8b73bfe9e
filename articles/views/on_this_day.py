"""On this day: the public stories of one calendar day in earlier years, newest year first.

* The day is a day in the site's time zone (the current one): a story at 23:30 on March 18 in New
  York is a March 18 story there, though it is March 19 in UTC (`ArticleQuerySet.on_this_day`,
  served by `article_on_this_day_idx`).
* "Earlier years" are the years before the current one, on every day's page alike: today's page
  shows the anniversaries, not today's news, and a day's page keeps its list all year.
* `/on-this-day/MM-DD/` is the page, kept in the page cache like any list (per day, by its
  address); `/on-this-day/` redirects to today's, and is kept by browsers and CDNs no later than
  midnight, so that no one is sent to yesterday's. February 29 is a day; 02-30 or 13-01 is a 404.
  At New Year a day's cached page may keep the old year's list for `PAGE_CACHE_SECONDS`.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta
from itertools import groupby
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.formats import date_format
from django.views.decorators.http import require_safe
from django.views.generic import ListView

from articles.models import Article
from articles.views.base import ReaderPageMixin
from newsroom.links import url

LEAP_YEAR = 2000  # a calendar day as a date of a leap year: February 29 is one
TODAY_REDIRECT_SECONDS = 300  # at most; less as midnight nears


@require_safe
def on_this_day_today(request: HttpRequest) -> HttpResponse:
    """`/on-this-day/`: a redirect to today's page (in the site's time zone)."""
    now = timezone.localtime()
    response = HttpResponseRedirect(url("on_this_day", month_day=f"{now:%m-%d}"))
    seconds = min(TODAY_REDIRECT_SECONDS, seconds_to_midnight(now))
    patch_cache_control(response, public=True, max_age=seconds, s_maxage=seconds)
    return response


def seconds_to_midnight(now: datetime) -> int:
    """Whole seconds (at least 1) from `now`, an aware local time, to the start of the next day."""
    midnight = timezone.make_aware(datetime.combine(now.date() + timedelta(days=1), time()), now.tzinfo)
    return max(1, math.ceil((midnight.astimezone(UTC) - now.astimezone(UTC)).total_seconds()))


def calendar_day(month_day: str) -> date:
    """`MM-DD` as a date of `LEAP_YEAR`; a 404 for a day no year has."""
    month, _, day = month_day.partition("-")
    try:
        return date(LEAP_YEAR, int(month), int(day))
    except ValueError as error:
        raise Http404("No such day") from error


def month_day_url(when: date) -> str:
    return url("on_this_day", month_day=f"{when:%m-%d}")


class OnThisDayView(ReaderPageMixin, ListView):
    template_name = "articles/on_this_day.html"
    day: date

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.day = calendar_day(kwargs["month_day"])
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Article]:
        this_year = timezone.make_aware(datetime(timezone.localdate().year, 1, 1))
        stories = super().get_queryset().on_this_day(self.day.month, self.day.day)
        return stories.filter(published_at__lt=this_year)

    @property
    def day_label(self) -> str:
        return date_format(self.day, "F j")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["years"] = [
            (year, list(stories))
            for year, stories in groupby(
                context["page_obj"].object_list, lambda story: timezone.localtime(story.published_at).year
            )
        ]
        context["day_label"] = self.day_label
        context["previous_link"] = self.day_link(self.day - timedelta(days=1))
        context["next_link"] = self.day_link(self.day + timedelta(days=1))
        return context

    @staticmethod
    def day_link(when: date) -> tuple[str, str]:
        return date_format(when, "F j"), month_day_url(when)

    def get_meta(self) -> dict[str, Any]:
        label = self.day_label
        archive = f"the {settings.SITE_NAME} archive"
        return {
            "title": f"On this day: {label}",
            "description": f"Stories published on {label} in earlier years, from {archive}.",
            "breadcrumbs": [
                ("Home", url("home")),
                ("Archive", url("archive")),
                (f"On this day: {label}", month_day_url(self.day)),
            ],
        }
