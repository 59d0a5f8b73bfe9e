"""The archive's queries as querysets: what readers may see (`published`, the gate of
`articles.rules`), lists in the listing order, the date archive's periods, an author's stories,
the stories of a calendar day in every year ("on this day")."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.apps import apps
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections, models
from django.db.models import F, Func, IntegerField, OuterRef, Subquery
from django.utils import timezone

from articles.rules import PUBLISHED, listing_order, public_q

if TYPE_CHECKING:
    from authors.models import Author

# The story's columns that only search reads.
SEARCH_COLUMNS = ("search_vector", "search_vector_head", "search_filters")
# The listing order (`articles.rules`), and an author's stories in it by the byline's copies of
# the story's date: the order of `author_listing_idx`.
LISTING_ORDER = listing_order()
AUTHOR_LISTING_ORDER = listing_order("author_links__article_published_at", "author_links__article_id")
# A story's month and day in UTC as one number (March 18: 318), what `article_on_this_day_idx`
# holds. In UTC, not the site's zone: the expression stays immutable and the index valid whatever
# TIME_ZONE is set to; `on_this_day` reads the UTC days a local day can overlap and keeps those
# of the local day. No parameter in it: a bound zone or factor would not match the index.
UTC_MONTH_DAY = Func(
    F("published_at"),
    template=(
        "(EXTRACT(MONTH FROM %(expressions)s AT TIME ZONE 'UTC')::integer * 100"
        " + EXTRACT(DAY FROM %(expressions)s AT TIME ZONE 'UTC')::integer)"
    ),
    output_field=IntegerField(),
)


class SectionQuerySet(models.QuerySet):
    def with_newest_story(self) -> SectionQuerySet:
        """Each section with its newest public story's title, slug and date (`newest_*`): one probe
        of article_section_listing_idx per section."""
        article = apps.get_model("articles", "Article")
        newest = article.objects.published().filter(section=OuterRef("pk")).order_by(*LISTING_ORDER)
        return self.annotate(
            newest_title=Subquery(newest.values("title")[:1]),
            newest_slug=Subquery(newest.values("slug")[:1]),
            newest_published_at=Subquery(newest.values("published_at")[:1]),
        )


class ArticleQuerySet(models.QuerySet):
    def published(self) -> ArticleQuerySet:
        """The public stories: the gate of `articles.rules`, through which every public view, feed,
        sitemap and search goes (an author's stories on the copies that `ArticleAuthor` keeps)."""
        return self.filter(public_q())

    def next_go_live(self) -> datetime | None:
        """When the next scheduled story goes live (published, dated later than now), if any: pages
        change then with no write to announce it."""
        scheduled = self.filter(status=PUBLISHED, published_at__gt=timezone.now())
        # NULLs first: the order of article_listing_idx read backwards (no NULL gets this far,
        # but with NULLs last PostgreSQL sorted every later story instead of reading one entry).
        soonest = scheduled.order_by(F("published_at").asc(nulls_first=True))
        return soonest.values_list("published_at", flat=True).first()

    def for_listing(self) -> ArticleQuerySet:
        """What a list of teasers needs, in a fixed number of queries."""
        return self.select_related("section", "hero_image").defer("body", *SEARCH_COLUMNS)

    def undated(self) -> ArticleQuerySet:
        return self.filter(published_at__isnull=True)

    def on_this_day(self, month: int, day: int) -> ArticleQuerySet:
        """The stories dated `month`/`day` (in the current time zone) of any year. The index
        (`article_on_this_day_idx`, published stories) finds those dated the day before, the day or
        the day after in UTC, which hold every story of the local day whatever the zone's offset;
        the local date is then tested on those few. Undated stories are never on a day."""
        return (
            self.alias(utc_month_day=UTC_MONTH_DAY)
            .filter(utc_month_day__in=utc_month_days_around(month, day))
            .filter(published_at__month=month, published_at__day=day)
        )

    def datetimes(
        self, field_name: str, kind: str, order: str = "ASC", tzinfo: object | None = None
    ) -> list[datetime] | models.QuerySet:
        """Django's distinct periods (the date views, the admin's date hierarchy): from `periods()`
        for the stories' own date when they are filtered on cheap columns of their own; anything
        else (a text search, a filter through another table) goes to Django's DISTINCT."""
        walk = self._period_filter() if field_name == "published_at" and tzinfo is None else None
        if walk is None:
            return super().datetimes(field_name, kind, order, tzinfo)
        found = self._walk_periods(kind, *walk)
        return found if order == "DESC" else found[::-1]

    def periods(self, kind: str) -> list[datetime]:
        """The years, months or days (`kind`, in the current time zone) that hold at least one of
        these dated stories, newest first, as aware datetimes at the period's start (what
        `QuerySet.datetimes()` gives). A loose index scan: one probe of the date index per
        period, where `datetimes()` reads every story (190 ms for the archive's months at 1M)."""
        walk = self._period_filter()
        if walk is None:
            raise ValueError("periods() needs stories filtered on cheap columns of their own")
        return self._walk_periods(kind, *walk)

    def _period_filter(self) -> tuple[str, list] | None:
        """The WHERE clause as SQL over the story table alone, or None when a probe could not
        test it cheaply: a join, or a text condition, which each probe would test story by story
        against its 5 KB vector (a search with no match walked the whole index: 29 s at 1M)."""
        if len(self.query.alias_map) > 1:
            return None
        if not self.query.where:
            return "TRUE", []
        compiler = self.query.get_compiler(using=self.db)
        try:
            where, params = compiler.compile(self.query.where)
        except EmptyResultSet:  # a condition nothing can meet (an id past 2**63): no periods
            return "FALSE", []
        except FullResultSet:
            return "TRUE", []
        if any(f'"{column}"' in where for column in (*SEARCH_COLUMNS, "body")):
            return None
        return where, list(params)

    def _walk_periods(self, kind: str, where: str, params: list) -> list[datetime]:
        if kind not in ("year", "month", "day"):
            raise ValueError(f"unknown period {kind!r}")
        zone = timezone.get_current_timezone_name()
        newest = (
            f"SELECT date_trunc(%s, max(published_at) AT TIME ZONE %s) FROM articles_article WHERE {where}"
        )
        sql = (
            f"WITH RECURSIVE periods(start) AS (({newest}) UNION ALL "
            f"SELECT ({newest} AND published_at < periods.start AT TIME ZONE %s) "
            "FROM periods WHERE periods.start IS NOT NULL) "
            "SELECT start FROM periods WHERE start IS NOT NULL"
        )
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, [kind, zone, *params, kind, zone, *params, zone])
            return [timezone.make_aware(start) for (start,) in cursor.fetchall()]

    def by_author(self, author: Author) -> ArticleQuerySet:
        """The author's public stories in listing order, read from `author_listing_idx` on the
        byline rows: bounded work however many stories the author has (a walk of the archive's
        listing index testing each story's byline took 90 ms for a page at 1M stories, and a
        rare author's page read the whole index)."""
        return self.filter(
            public_q("author_links__article_status", "author_links__article_published_at"),
            author_links__author=author,
        ).order_by(*AUTHOR_LISTING_ORDER)


class ArticleAuthorQuerySet(models.QuerySet):
    def public(self) -> ArticleAuthorQuerySet:
        """Bylines of public stories, by the story's status and date as copied onto the byline."""
        return self.filter(public_q("article_status", "article_published_at"))


def utc_month_days_around(month: int, day: int) -> list[int]:
    """The UTC month-days (`UTC_MONTH_DAY`) a local `month`/`day` may overlap in some year: the day
    and its neighbours in a leap year and in a common one (March 1 follows February 29 or 28).
    A ValueError for a day no year has."""
    days = {
        when + timedelta(days=step)
        for year in (2000, 2001)  # a leap year and a common one
        if (when := _calendar_day(year, month, day)) is not None
        for step in (-1, 0, 1)
    }
    if not days:
        raise ValueError(f"no such day: {month:02d}-{day:02d}")
    return sorted({when.month * 100 + when.day for when in days})


def _calendar_day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
