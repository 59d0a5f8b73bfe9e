"""Every public listing's ORDER BY and filter is served by an index (checked with EXPLAIN).

The test database is tiny, so sequential scans are switched off for the check: what matters is that
an index exists that returns the rows already in listing order, with no sort step."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db


def explain(sql: str, params: tuple = ()) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        # Statistics of tiny tables change as tests come and go: with sorts discouraged too, what is
        # checked is that an index returns the rows in listing order.
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params or None)
        return "\n".join(row[0] for row in cursor.fetchall())


def plan(queryset) -> str:
    return explain(*queryset.query.sql_with_params())


@pytest.fixture
def archive():
    section, author = SectionFactory(), AuthorFactory()
    ArticleFactory.create_batch(5, section=section, authors=[author])
    return section, author


def test_home_listing_walks_the_listing_index_in_order(archive):
    explained = plan(Article.objects.published().for_listing()[:20])
    assert "article_listing_idx" in explained and "Sort" not in explained


def test_section_listing_walks_the_section_index_in_order(archive):
    section, _ = archive
    explained = plan(Article.objects.published().for_listing().filter(section=section)[:20])
    assert "article_section_listing_idx" in explained and "Sort" not in explained


def test_author_listing_walks_the_author_index_in_order(archive):
    _, author = archive
    explained = plan(Article.objects.published().for_listing().by_author(author)[:20])
    assert "author_listing_idx" in explained and "Sort" not in explained
    assert "article_listing_idx" not in explained  # no walk of the whole archive


def test_admin_list_of_every_story_walks_the_date_index_in_order(archive):
    explained = plan(Article.objects.order_by(*Article._meta.ordering)[:100])
    assert "article_published_idx" in explained and "Sort" not in explained
    drafts = plan(Article.objects.filter(status="draft").order_by(*Article._meta.ordering)[:100])
    assert "article_draft_idx" in drafts and "Sort" not in drafts


def test_latest_change_for_sitemaps_reads_the_updated_index(archive):
    explained = plan(Article.objects.published().order_by("-updated_at").values("updated_at")[:1])
    assert "article_updated_idx" in explained and "Sort" not in explained


def test_every_connection_plans_for_an_archive_held_in_memory():
    """The planner settings that keep an author's page from walking the whole listing index
    (newsroom/embedded_db.py, SESSION_SETTINGS), in effect on whatever server the app uses."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone() == ("1.1",)
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone() == ("0",)
        cursor.execute("SHOW plan_cache_mode")  # the reader pages' statements: planned once
        assert cursor.fetchone() == ("force_generic_plan",)


@pytest.mark.django_db
def test_the_body_vector_keeps_detailed_statistics():
    # Coarse statistics on the body vector misjudge rare words as common, and a newest-first search
    # for one walks the date index testing thousands of body vectors (articles/search/, ORDERS).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, attstattarget FROM pg_attribute WHERE attrelid = 'articles_article'::regclass"
            " AND attname IN ('search_vector', 'search_vector_head') ORDER BY attname"
        )
        assert cursor.fetchall() == [("search_vector", 1000), ("search_vector_head", 100)]


@pytest.mark.parametrize("path", ["%Y", "%Y/%m", "%Y/%m/%d"])
def test_a_date_archive_pages_previous_and_next_links_walk_the_listing_index(
    client, path, archive_state_read
):
    """Not Django's own lookup, whose order puts NULLs at the other end from the index: PostgreSQL
    then read and sorted every story before the period (0.4-0.7 s per link at 1M stories)."""
    stories = ArticleFactory.create_batch(3)
    middle = timezone.localtime(sorted(story.published_at for story in stories)[1])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(middle.strftime(f"/archive/{path}/")).status_code == 200
    links = [
        query["sql"]
        for query in queries
        if query["sql"].startswith('SELECT "articles_article"."published_at"')
    ]
    assert len(links) == 2
    for sql in links:
        explained = explain(sql)
        assert "article_listing_idx" in explained and "Sort" not in explained


def test_the_next_go_live_time_is_one_step_into_the_listing_index(archive):
    """Read once per archive version (articles/archive_state.py), so that scheduled stories go live on
    cached pages at their time."""
    ArticleFactory(published_at=timezone.now() + timedelta(hours=1))
    with CaptureQueriesContext(connection) as queries:
        Article.objects.next_go_live()
    explained = explain(queries[0]["sql"])
    assert "Scan Backward using article_listing_idx" in explained and "Sort" not in explained
