"""The date archive: /archive/, year, month, day, and "Date unknown" for stories without a date."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from django.db.models import QuerySet
from django.utils import timezone

from articles.models import Article
from tests.articles.reader_data import dated, shared_archive_fixture
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

# With the section menu on a cold cache: its sections and their story counts (2).
MAX_QUERIES = {"index": 6, "year": 8, "month": 8, "day": 7, "undated": 4}

archive = shared_archive_fixture(50)


def page(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "lxml")


def story_links(soup: BeautifulSoup) -> list[str]:
    return [a["href"] for a in soup.select(".story-title a")]


@pytest.fixture
def calendar():
    """Stories on known days, an undated one, and unpublished ones that must never show."""
    return {
        "mar18": ArticleFactory(title="Call on March 18", published_at=dated(2024, 3, 18)),
        "mar20": ArticleFactory(title="Talks on March 20", published_at=dated(2024, 3, 20)),
        "nov": ArticleFactory(title="November vote", published_at=dated(2024, 11, 2)),
        "jan": ArticleFactory(title="New year", published_at=dated(2025, 1, 5)),
        "old": ArticleFactory(title="Long ago", published_at=dated(1999, 6, 1)),
        "undated": ArticleFactory(title="A story from nowhen", published_at=None),
        "draft": ArticleFactory(
            title="Draft in 2023", published_at=dated(2023, 5, 1), status=Article.Status.DRAFT
        ),
        "scheduled": ArticleFactory(title="Embargoed", published_at=timezone.now() + timedelta(days=400)),
    }


def test_archive_index_lists_years_months_and_the_undated_page(client, calendar):
    soup = page(client.get("/archive/"))

    years = [a.get_text() for a in soup.select(".archive-year")]
    assert years[-3:] == ["2025", "2024", "1999"] and "2023" not in years
    months = [a["href"] for a in soup.select(".archive-months a")]
    assert {"/archive/2024/03/", "/archive/2024/11/", "/archive/2025/01/"} <= set(months)
    undated = soup.select_one('.archive-undated a[href="/archive/undated/"]')
    assert undated.get_text() == "Date unknown"
    assert calendar["undated"].title not in " ".join(a.get_text() for a in soup.select(".story-title"))


def test_year_page_lists_its_months_and_stories(client, calendar):
    soup = page(client.get("/archive/2024/"))

    assert soup.select_one("h1").get_text() == "2024"
    assert [a["href"] for a in soup.select(".archive-periods a")] == [
        "/archive/2024/03/",
        "/archive/2024/11/",
    ]
    assert story_links(soup) == [calendar[k].get_absolute_url() for k in ("nov", "mar20", "mar18")]
    assert soup.select_one('.archive-pager a[rel="prev"]')["href"] == "/archive/1999/"
    assert soup.select_one('.archive-pager a[rel="next"]')["href"] == "/archive/2025/"


def test_month_page_lists_its_days_and_stories(client, calendar):
    soup = page(client.get("/archive/2024/03/"))

    assert soup.select_one("h1").get_text() == "March 2024"
    assert [a["href"] for a in soup.select(".archive-periods a")] == [
        "/archive/2024/03/18/",
        "/archive/2024/03/20/",
    ]
    assert story_links(soup) == [calendar["mar20"].get_absolute_url(), calendar["mar18"].get_absolute_url()]
    assert soup.select_one('.archive-pager a[rel="next"]')["href"] == "/archive/2024/11/"
    crumbs = [a.get_text() for a in soup.select("nav.breadcrumbs a")]
    assert crumbs == ["Home", "Archive", "2024"]


def test_day_page_lists_that_days_stories(client, calendar):
    soup = page(client.get("/archive/2024/03/18/"))

    assert soup.select_one("h1").get_text() == "March 18, 2024"
    assert story_links(soup) == [calendar["mar18"].get_absolute_url()]
    assert soup.select_one('.archive-pager a[rel="next"]')["href"] == "/archive/2024/03/20/"


@pytest.mark.parametrize(
    ("url", "previous", "following"),
    [
        ("/archive/1999/", None, "/archive/2024/"),
        ("/archive/2025/", "/archive/2024/", None),  # the scheduled story's year is not linked
        ("/archive/2024/03/", "/archive/1999/06/", "/archive/2024/11/"),
        ("/archive/2025/01/", "/archive/2024/11/", None),
        ("/archive/2024/03/20/", "/archive/2024/03/18/", "/archive/2024/11/02/"),
        ("/archive/1999/06/01/", None, "/archive/2024/03/18/"),
    ],
)
def test_period_pages_link_the_nearest_periods_with_public_stories(
    client, calendar, url, previous, following
):  # noqa: E501
    soup = page(client.get(url))
    hrefs = [
        link["href"] if (link := soup.select_one(f'.archive-pager a[rel="{rel}"]')) else None
        for rel in ("prev", "next")
    ]
    assert hrefs == [previous, following]


def test_undated_stories_have_their_own_date_unknown_page(client, calendar):
    soup = page(client.get("/archive/undated/"))

    assert soup.select_one("h1").get_text() == "Date unknown"
    links = story_links(soup)
    assert calendar["undated"].get_absolute_url() in links
    assert calendar["mar18"].get_absolute_url() not in links
    assert not soup.select("main time")
    assert "Date unknown" in soup.select_one(".story-meta").get_text()


@pytest.mark.parametrize(
    "url",
    [
        "/archive/2023/",  # only a draft that year
        "/archive/2030/",  # nothing yet
        "/archive/2024/02/",
        "/archive/2024/13/",
        "/archive/2024/00/",
        "/archive/2024/02/30/",
        "/archive/2024/3/",  # one spelling per page
        "/archive/0000/",
        "/archive/99999/",
        "/archive/9999/12/31/",
        "/archive/9999/12/",
        "/archive/9999/",
        "/archive/abcd/",
    ],
)
def test_impossible_or_empty_dates_are_404s(client, calendar, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", ["/archive/", "/archive/undated/"])
@pytest.mark.parametrize("number", ["abc", "-1", "99999"])
def test_a_bad_page_number_is_a_404(client, archive, url, number):
    assert client.get(f"{url}?page={number}").status_code == 404


def test_archive_pages_are_paginated(client, archive):
    soup = page(client.get("/archive/?page=2"))
    assert soup.select_one(".pagination-status").get_text() == "Page 2 of 3"
    assert soup.select_one('link[rel="canonical"]')["href"] == "http://testserver/archive/?page=2"


def archive_urls(archive) -> dict[str, str]:
    when = archive["stories"][0].published_at
    return {
        "index": "/archive/",
        "year": f"/archive/{when:%Y}/",
        "month": f"/archive/{when:%Y/%m}/",
        "day": f"/archive/{when:%Y/%m/%d}/",
        "undated": "/archive/undated/",
    }


@pytest.mark.parametrize("kind", list(MAX_QUERIES))
def test_archive_pages_run_a_fixed_number_of_queries(
    client, archive, kind, archive_state_read, django_assert_max_num_queries
):
    with django_assert_max_num_queries(MAX_QUERIES[kind]):
        soup = page(client.get(archive_urls(archive)[kind]))
    assert len(soup.find_all("h1")) == 1
    assert soup.select_one('script[type="application/ld+json"]')


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Kolkata"])
@pytest.mark.parametrize("kind", ["year", "month", "day"])
def test_periods_with_stories_match_the_frameworks_distinct_dates(zone, kind):
    """The date archive's lists of years, months and days come from an index walk
    (`ArticleQuerySet.periods`): the same periods as Django's `datetimes()`, in any time zone,
    stories near a boundary included, drafts, scheduled and undated stories left out."""
    utc = UTC
    for when in [
        datetime(2019, 12, 31, 23, 30, tzinfo=utc),  # 2020 already in Kolkata, still 2019 in New York
        datetime(2020, 1, 1, 3, 0, tzinfo=utc),  # still 2019-12-31 in New York
        datetime(2020, 5, 12, 12, 0, tzinfo=utc),
        datetime(2020, 5, 12, 13, 0, tzinfo=utc),
        datetime(2024, 2, 29, 20, 0, tzinfo=utc),
    ]:
        ArticleFactory(published_at=when)
    ArticleFactory(published_at=None)
    ArticleFactory(status="draft", published_at=datetime(2018, 6, 1, tzinfo=utc))
    ArticleFactory(published_at=timezone.now() + timedelta(days=400))  # scheduled

    with timezone.override(zone):
        stories = Article.objects.published()
        assert stories.periods(kind) == list(stories.datetimes("published_at", kind, order="DESC"))
        in_2020 = stories.filter(published_at__year=2020)
        assert in_2020.periods(kind) == list(in_2020.datetimes("published_at", kind, order="DESC"))


def test_periods_refuses_filters_a_probe_cannot_test_cheaply():
    """A join, or a text condition (each probe would test stories' vectors one by one): those go
    to Django's DISTINCT, with the same answer."""
    ArticleFactory(title="Harbour news", published_at=datetime(2021, 3, 4, tzinfo=UTC))
    ArticleFactory(title="Other", published_at=datetime(2022, 3, 4, tzinfo=UTC), authors=[])
    stories = Article.objects.published()
    for narrowed in (
        stories.filter(authors__name="Someone"),
        stories.filter(search_vector="harbour"),
        stories.filter(body__icontains="harbour"),
    ):
        with pytest.raises(ValueError):
            narrowed.periods("year")
        distinct = QuerySet.datetimes(narrowed, "published_at", "year")
        assert list(narrowed.datetimes("published_at", "year")) == list(distinct)
    harbour = stories.filter(search_vector="harbour").datetimes("published_at", "year")
    assert [when.year for when in harbour] == [2021]
