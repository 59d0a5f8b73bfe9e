"""Relevance order (articles/search/relevance.py): every match scored by the page's own score when
there are at most limits.EXACT_LINE of them, the bounded window (headline and text-only matches,
all scored) above it, and what the results page says about each; against real PostgreSQL and the
plain reference (tests/search_reference.py)."""

from datetime import datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.search import census, limits, results
from articles.search.query import parse_query
from articles.search.sql import Search
from tests.articles.test_search import reference_order
from tests.factories import ArticleFactory
from tests.search_reference import page_ids, rank_exact


def ago(days: float) -> datetime:
    return timezone.now() - timedelta(days=days)


def run(raw: str, sort: str = "relevance") -> Search:
    return Search(parse_query(raw), sort)


def shown(raw: str, pages: int) -> list[int]:
    """The ids the results pages 1..pages show, in order."""
    return [
        hit.article.pk for number in range(1, pages + 1) for hit in results.run_search(run(raw), number).hits
    ]


@pytest.fixture
def mixed(db) -> dict[str, int]:
    """Eleven matches of "kremlin": in titles, a summary and bodies, at several ages, so that the
    page's score (weights × recency) and date order disagree. `rich` mentions it often in its
    text a year ago; `once`, once, last week: by score `rich` comes first, by date `once`."""
    make = ArticleFactory
    ids = {
        "title_new": make(title="Kremlin talks", summary="", body="Talks.", published_at=ago(3)),
        "title_old": make(title="Kremlin history", summary="", body="Long ago.", published_at=ago(9000)),
        "both": make(title="Kremlin again", summary="The kremlin spoke.", body="", published_at=ago(400)),
        "summary": make(title="Moscow notes", summary="A kremlin aide.", body="", published_at=ago(2000)),
        "rich": make(title="Winter", summary="", body="The kremlin. " * 12, published_at=ago(365)),
        "once": make(title="Spring", summary="", body="Near the kremlin walls.", published_at=ago(7)),
        "undated": make(title="Old kremlin map", summary="", body="", published_at=None),
    }
    for n in range(4):
        ids[f"body_{n}"] = make(
            title=f"Story {n}", summary="", body="The kremlin " * (n + 1), published_at=ago(100 * n + 50)
        )
    ArticleFactory(title="Unrelated", summary="", body="Nothing here.", published_at=ago(1))
    return {name: story.pk for name, story in ids.items()}


def test_under_the_line_every_match_is_ranked_by_the_pages_own_score(mixed, monkeypatch):
    monkeypatch.setattr(limits, "PAGE_SIZE", 4)
    found = census.census(run("kremlin"))
    assert sorted(found.matched) == sorted(mixed.values())  # the census hands every match over
    order = shown("kremlin", 3)
    assert order == rank_exact(run("kremlin"))  # exactness: 100%, page by page
    # Text-only matches are scored, not appended newest first.
    assert order.index(mixed["rich"]) < order.index(mixed["once"])
    assert order[:2] == [mixed["title_new"], mixed["both"]]
    # An undated story counts as old (half its weight), as the oldest dated one nearly does.
    assert order.index(mixed["undated"]) > order.index(mixed["title_old"]) > order.index(mixed["both"])


def test_the_exact_line_is_inclusive(mixed, monkeypatch):
    monkeypatch.setattr(limits, "EXACT_LINE", len(mixed))
    assert census.census(run("kremlin")).matched is not None
    monkeypatch.setattr(limits, "EXACT_LINE", len(mixed) - 1)
    assert census.census(run("kremlin")).matched is None


def test_exact_ranking_keeps_the_filters_and_exclusions(mixed):
    order = shown("kremlin -walls", 1)
    assert mixed["once"] not in order and order == rank_exact(run("kremlin -walls"))


@pytest.mark.parametrize("cap", [3, 20])
def test_above_the_line_the_window_scores_text_only_matches_too(mixed, monkeypatch, cap):
    # Above the line: the newest 2 headline matches and the newest 3 text-only ones ranked by
    # score, then the rest newest first. Cap 20: the census still holds every headline match;
    # cap 3: it does not, and the page matches them again. Same order either way.
    monkeypatch.setattr(limits, "EXACT_LINE", 5)
    monkeypatch.setattr(limits, "COUNT_CAP", cap)
    monkeypatch.setattr(limits, "HEAD_CANDIDATES", 2)
    monkeypatch.setattr(limits, "BODY_CANDIDATES", 3)
    monkeypatch.setattr(limits, "PAGE_SIZE", 3)
    found = census.census(run("kremlin"))
    assert found.matched is None
    expected = reference_order(run("kremlin"))
    pages = (min(cap, len(mixed)) + 2) // 3
    assert shown("kremlin", pages) == expected[: pages * 3]
    assert page_ids(run("kremlin"), 0, 100, found.capped) == expected
    window = expected[:5]
    assert mixed["once"] in window and mixed["body_0"] in window  # the newest text-only matches
    assert mixed["rich"] not in window  # a year old: after the window, by date


def test_the_page_says_what_a_bounded_order_means(client, mixed, monkeypatch):
    def note(q: str) -> str:
        page = BeautifulSoup(client.get("/search/", {"q": q}).content, "html.parser")
        return " ".join(p.get_text() for p in page.select(".search-results .search-note"))

    assert note("kremlin") == ""  # exact: nothing to explain
    monkeypatch.setattr(limits, "EXACT_LINE", 3)
    text = note("kremlin")
    assert "most relevant among the newest 200 headline and 100 other matches" in text
    assert note("nothingmatcheshere") == ""
    page = BeautifulSoup(client.get("/search/", {"q": "kremlin"}).content, "html.parser")
    assert page.select_one(".search-results .search-note").get("style") is None  # CSP: no inline style
    html = client.get("/search/", {"q": "kremlin", "sort": "newest"}).content.decode()
    assert "most relevant among" not in html  # date sorts are exact by nature


def test_a_bounded_search_runs_a_fixed_number_of_queries(
    client, mixed, archive_state_read, monkeypatch, django_assert_max_num_queries
):
    # As many as an exact one (pinned in tests/articles/test_search_views.py), plus the
    # planner's estimates for the window (one EXPLAIN, `relevance.estimated_matches`) when the
    # page matches again.
    client.get("/search/", {"q": "kremlin"})  # the menu and the synonym list, cached
    with CaptureQueriesContext(connection) as exact:
        client.get("/search/", {"q": "kremlin"})
    monkeypatch.setattr(limits, "EXACT_LINE", 3)
    monkeypatch.setattr(limits, "COUNT_CAP", 3)
    with django_assert_max_num_queries(len(exact) + 1):
        client.get("/search/", {"q": "kremlin"})
    assert sum("EXPLAIN" in query["sql"] for query in exact.captured_queries) == 0


@pytest.mark.django_db
def test_a_storys_search_vector_is_kept_in_its_row_for_ranking():
    """Exact ranking reads every match's vector: kept in the row (migration 0025), not fetched
    from the TOAST table. A story of ordinary length (800 words of varied text, a ~6 KB vector)
    keeps its vector inline; its body, the bigger text, is what gets compressed."""
    words = " ".join(f"word{n} lexeme{n % 97} term{n % 13}" for n in range(270))
    story = ArticleFactory(title="A long story", summary="Summary.", body=f"<p>{words}</p>")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_column_size(search_vector), current_setting('server_version_num')::int"
            " FROM articles_article WHERE id = %s",
            [story.pk],
        )
        size, version = cursor.fetchone()
        assert size > 4000  # big enough that the default storage would have moved it out
        cursor.execute(
            "SELECT attstorage FROM pg_attribute WHERE attrelid = 'articles_article'::regclass"
            " AND attname = 'search_vector'"
        )
        assert cursor.fetchone()[0] == "m"
        if version >= 170000:  # pg_column_toast_chunk_id: PostgreSQL 17 and later
            cursor.execute(
                "SELECT pg_column_toast_chunk_id(search_vector) FROM articles_article WHERE id = %s",
                [story.pk],
            )
            assert cursor.fetchone()[0] is None
