"""On this day (/on-this-day/, /on-this-day/MM-DD/): a calendar day's public stories of earlier
years, newest year first, by the site's time zone, found through `article_on_this_day_idx`."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from articles.querysets import utc_month_days_around
from articles.views.on_this_day import seconds_to_midnight
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

INDEX = "article_on_this_day_idx"
MAX_QUERIES = 5  # the archive's version, the section menu (2, cold), the count and the page


def page(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "lxml")


def story_links(soup: BeautifulSoup) -> list[str]:
    return [a["href"] for a in soup.select(".story-title a")]


def year_headings(soup: BeautifulSoup) -> list[str]:
    return [h.get_text() for h in soup.select(".on-this-day-heading")]


def local(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def todays_day_in(year: int) -> datetime | None:
    today = timezone.localdate()
    try:
        return local(year, today.month, today.day)
    except ValueError:  # February 29 in a common year
        return None


def earlier_years(count: int) -> list[int]:
    """The `count` latest years before this one that have today's month and day."""
    this_year = timezone.localdate().year
    years = [year for year in range(this_year - 1, this_year - 40, -1) if todays_day_in(year)]
    return years[:count]


def test_on_this_day_redirects_to_todays_page_kept_no_later_than_midnight(client):
    response = client.get("/on-this-day/")

    assert response.status_code == 302
    assert response["Location"] == f"/on-this-day/{timezone.localdate():%m-%d}/"
    control = response["Cache-Control"]
    max_age = int(control.split("max-age=")[1].split(",")[0])
    assert "public" in control and 1 <= max_age <= 300
    assert client.post("/on-this-day/").status_code == 405


@pytest.mark.parametrize(
    ("now", "seconds"),
    [
        (datetime(2026, 3, 18, 23, 59, 30), 30),
        (datetime(2026, 3, 8, 0, 0), 23 * 3600),  # spring forward in New York: a 23-hour day
        (datetime(2026, 11, 1, 0, 0), 25 * 3600),  # fall back: 25 hours
    ],
)
def test_seconds_to_midnight_count_real_seconds_across_daylight_saving(now, seconds):
    zone = ZoneInfo("America/New_York")
    assert seconds_to_midnight(now.replace(tzinfo=zone)) == seconds


def test_todays_page_lists_this_day_of_earlier_years_newest_year_first(client, archive_state_read):
    newest, middle, oldest = earlier_years(3)
    listed = {year: ArticleFactory(title=f"On this day {year}", published_at=todays_day_in(year)) for year in
              (middle, oldest, newest)}  # fmt: skip
    second = ArticleFactory(title="Later that day", published_at=todays_day_in(newest) + timedelta(hours=3))
    start_of_today = timezone.make_aware(datetime.combine(timezone.localdate(), time()))
    hidden = [
        ArticleFactory(title="Today, this year", published_at=start_of_today),
        ArticleFactory(title="The day before", published_at=todays_day_in(newest) - timedelta(days=1)),
        ArticleFactory(title="The day after", published_at=todays_day_in(middle) + timedelta(days=1)),
        ArticleFactory(title="A draft", published_at=todays_day_in(middle), status=Article.Status.DRAFT),
        ArticleFactory(title="Scheduled", published_at=timezone.now() + timedelta(days=366)),
        ArticleFactory(title="Undated", published_at=None),
    ]

    soup = page(client.get(f"/on-this-day/{timezone.localdate():%m-%d}/"))

    assert year_headings(soup) == [str(newest), str(middle), str(oldest)]
    expected = [second, listed[newest], listed[middle], listed[oldest]]
    assert story_links(soup) == [story.get_absolute_url() for story in expected]
    assert not {story.get_absolute_url() for story in hidden} & set(story_links(soup))
    canonical = soup.select_one('link[rel="canonical"]')["href"]
    assert canonical.endswith(f"/on-this-day/{timezone.localdate():%m-%d}/")


@pytest.mark.parametrize(
    ("zone", "when_utc", "day", "other_day"),
    [
        # 23:30 on March 18 in New York is 03:30 on March 19 in UTC.
        ("America/New_York", datetime(2021, 3, 19, 3, 30, tzinfo=UTC), "03-18", "03-19"),
        # 00:30 on March 19 in New York.
        ("America/New_York", datetime(2021, 3, 19, 4, 30, tzinfo=UTC), "03-19", "03-18"),
        # 00:30 on March 1 in Tokyo, a common year: February 28 in UTC (not a neighbour in leap years).
        ("Asia/Tokyo", datetime(2021, 2, 28, 15, 30, tzinfo=UTC), "03-01", "02-28"),
        # New Year's Eve at 23:30 in New York is January 1 in UTC.
        ("America/New_York", datetime(2022, 1, 1, 4, 30, tzinfo=UTC), "12-31", "01-01"),
        ("Pacific/Kiritimati", datetime(2021, 6, 9, 10, 30, tzinfo=UTC), "06-10", "06-09"),  # UTC+14
    ],
)
def test_a_story_is_on_its_local_day(client, settings, zone, when_utc, day, other_day):
    settings.TIME_ZONE = zone
    story = ArticleFactory(published_at=when_utc)

    assert story_links(page(client.get(f"/on-this-day/{day}/"))) == [story.get_absolute_url()]
    assert story_links(page(client.get(f"/on-this-day/{other_day}/"))) == []


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Kolkata", "Pacific/Pago_Pago"])
def test_the_days_stories_are_those_pythons_local_dates_give(zone):
    """Stories an hour apart over a year's end, a leap day and a daylight-saving change: each day's
    query finds exactly the stories whose local date is that day."""
    moments = [
        first + timedelta(hours=hours)
        for first, span in [
            (datetime(2019, 12, 30, tzinfo=UTC), range(96)),
            (datetime(2020, 2, 28, tzinfo=UTC), range(72)),
            (datetime(2021, 3, 14, tzinfo=UTC), range(24)),
        ]
        for hours in span
    ]
    Article.objects.bulk_create(
        Article(title=f"S{i}", slug=f"s-{i}", status="published", published_at=moment)
        for i, moment in enumerate(moments)
    )
    by_local_day: dict[tuple[int, int], set[datetime]] = {}
    for moment in moments:
        local_day = moment.astimezone(ZoneInfo(zone))
        by_local_day.setdefault((local_day.month, local_day.day), set()).add(moment)
    with timezone.override(zone):
        for (month, day), expected in by_local_day.items():
            found = Article.objects.published().on_this_day(month, day)
            assert {story.published_at for story in found} == expected, (month, day)


def test_february_29_is_a_day(client):
    story = ArticleFactory(published_at=local(2020, 2, 29))
    ArticleFactory(published_at=local(2021, 3, 1))

    soup = page(client.get("/on-this-day/02-29/"))

    assert story_links(soup) == [story.get_absolute_url()]
    assert soup.select_one("h1").get_text() == "On this day: February 29"


def test_a_day_with_no_stories_says_so(client):
    soup = page(client.get("/on-this-day/07-04/"))
    assert soup.select_one(".empty") is not None and story_links(soup) == []


@pytest.mark.parametrize(
    ("day", "previous", "following"),
    [
        ("03-01", "02-29", "03-02"),
        ("02-28", "02-27", "02-29"),
        ("12-31", "12-30", "01-01"),
        ("01-01", "12-31", "01-02"),
    ],
)
def test_a_day_links_the_day_before_and_after(client, day, previous, following):
    soup = page(client.get(f"/on-this-day/{day}/"))
    assert soup.select_one('.archive-pager a[rel="prev"]')["href"] == f"/on-this-day/{previous}/"
    assert soup.select_one('.archive-pager a[rel="next"]')["href"] == f"/on-this-day/{following}/"


@pytest.mark.parametrize(
    "path",
    [
        "02-30", "02-31", "04-31", "13-01", "00-10", "01-00", "00-00", "99-99", "19-39",
        "3-18", "03-1", "0318", "03_18", "ab-cd", "03-18-2020", "%E2%80%8F03-18", "03-18%00",
    ],
)  # fmt: skip
def test_a_day_that_does_not_exist_is_a_404(client, path):
    assert client.get(f"/on-this-day/{path}/").status_code == 404


@pytest.mark.parametrize("number", ["abc", "-1", "99999", "2"])
def test_a_bad_page_number_is_a_404(client, number):
    ArticleFactory(published_at=local(2020, 5, 5))
    assert client.get(f"/on-this-day/05-05/?page={number}").status_code == 404


def test_the_front_page_links_on_this_day(client):
    soup = page(client.get("/"))
    assert soup.select_one('a[href="/on-this-day/"]').get_text() == "On this day"


def test_the_page_runs_a_fixed_number_of_queries(client, archive_state_read, django_assert_max_num_queries):
    for year in range(2001, 2026):
        ArticleFactory(published_at=local(year, 5, 5))
    with django_assert_max_num_queries(MAX_QUERIES):
        soup = page(client.get("/on-this-day/05-05/"))
    assert len(story_links(soup)) == 20 and soup.select_one(".pagination-status").get_text() == "Page 1 of 2"


def explain(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
def test_the_page_answers_from_the_on_this_day_index(client, settings, zone):
    """With the planner's own settings, on 4,000 stories with fresh statistics: the count and the
    page read the index, not the table."""
    settings.TIME_ZONE = zone
    start = datetime(2015, 1, 1, tzinfo=UTC)
    Article.objects.bulk_create(
        Article(
            title=f"Story {i}",
            slug=f"bulk-{i}",
            status="published",
            published_at=start + timedelta(hours=26 * i),
        )
        for i in range(4000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")

    with CaptureQueriesContext(connection) as queries:
        soup = page(client.get("/on-this-day/03-18/"))
    assert story_links(soup)
    reads = [query["sql"] for query in queries if "AT TIME ZONE 'UTC')::integer" in query["sql"]]
    assert len(reads) == 2  # the count and the page
    for sql in reads:
        plan = explain(sql, None)
        assert INDEX in plan and "Seq Scan on articles_article" not in plan, (
            plan
        )  # (a tiny joined table may be scanned)


@pytest.mark.parametrize(
    ("month", "day", "keys"),
    [
        (3, 18, [317, 318, 319]),
        (3, 1, [228, 229, 301, 302]),
        (2, 28, [227, 228, 229, 301]),
        (2, 29, [228, 229, 301]),
        (1, 1, [101, 102, 1231]),
        (12, 31, [101, 1230, 1231]),
    ],
)
def test_a_local_day_reads_its_neighbouring_utc_days(month, day, keys):
    assert utc_month_days_around(month, day) == keys


@pytest.mark.parametrize(("month", "day"), [(2, 30), (13, 1), (0, 10), (4, 31)])
def test_a_day_no_year_has_has_no_utc_days(month, day):
    with pytest.raises(ValueError):
        utc_month_days_around(month, day)
