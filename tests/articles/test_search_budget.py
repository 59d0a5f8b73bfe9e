"""The search time budget: a statement that runs past SEARCH_TIMEOUT_MS is cancelled by PostgreSQL;
the search is run again in titles and summaries only, and if that runs out of time too the page
(or feed) says so, instead of holding a worker for seconds or failing with a 500.

The slow search here is the real one: a quoted phrase whose two words are in many stories but
never side by side, so PostgreSQL re-reads every such story's vectors (GIN keeps no positions).
Beside an `or`, the phrase is one choice of several, so its word pairs cannot narrow the search
(`phrase_candidates`): every story with both words is re-read. On its own, it is fast."""

import pytest
from bs4 import BeautifulSoup
from django.db import OperationalError, connection
from django.utils import timezone

from articles.models import Article
from articles.search import limits
from articles.search.census import census, census_statement
from articles.search.query import parse_query
from articles.search.results import run_search, within_budget
from articles.search.sql import TOO_SLOW, Search
from articles.search.statements import Statement, fetch_rows, merge

FILLER = " ".join(f"word{n}" for n in range(300))  # a vector too big to be stored inline
PHRASE = '"harvest never"'
SLOW = f"{PHRASE} or xylophone"

# Each test fills a table with thousands of stories of common words (about 4 s).
pytestmark = pytest.mark.slow


@pytest.fixture
def common_words(db):
    """2,000 stories with both words apart (in the summary too), and three with the phrase."""
    now = timezone.now()
    stories = [
        Article(
            title=f"Story {n}",
            slug=f"story-{n}",
            summary="The harvest came, and we never knew.",
            body=f"The harvest came early. {FILLER} We never saw it.",
            status=Article.Status.PUBLISHED,
            published_at=now,
        )
        for n in range(2_000)
    ]
    stories += [
        Article(
            title=f"Phrase {n}",
            slug=f"phrase-{n}",
            summary="A report.",
            body="A harvest never forgotten.",
            status=Article.Status.PUBLISHED,
            published_at=now,
        )
        for n in range(3)
    ]
    Article.objects.bulk_create(stories)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")  # plans as on a live archive, not an empty table


def test_every_search_statement_carries_the_budget(settings):
    settings.SEARCH_TIMEOUT_MS = 1234
    assert Statement("SELECT 1", {}).text == "SET LOCAL statement_timeout = 1234; SELECT 1"
    statement = Statement("SELECT 1", {}, ("jit = off",))
    assert statement.text == "SET LOCAL jit = off; SET LOCAL statement_timeout = 1234; SELECT 1"


def test_statements_merge_named_parameters_and_still_hash():
    """A statement's parameters are one dict merged from its parts: a name they share is one value
    (two would be a bug). Statements stay hashable, the dict left out of the hash."""
    assert merge({"query": "a", "title": "A"}, {"query": "a"}) == {"query": "a", "title": "A"}
    with pytest.raises(ValueError, match="query"):
        merge({"query": "a"}, {"query": "b"})
    same = Statement("SELECT %(ids)s", {"ids": [1, 2]}), Statement("SELECT %(ids)s", {"ids": [1, 2]})
    assert len(set(same)) == 1
    assert Statement("SELECT %(ids)s", {"ids": [3]}) not in set(same)


def test_within_the_budget_the_phrase_is_found(common_words):
    results = run_search(Search(parse_query(SLOW)), 1)
    assert not results.stopped
    assert sorted(hit.article.slug for hit in results.hits) == ["phrase-0", "phrase-1", "phrase-2"]


def test_a_phrase_re_reads_only_the_stories_holding_its_word_pairs(common_words):
    """Buffers the census touches (EXPLAIN ANALYZE): the phrase alone reads the three stories
    holding its word pair; beside an `or`, where the pairs cannot narrow it, the 2,000 stories
    with both words have their vectors re-read."""
    assert _census_buffers(PHRASE) * 5 < _census_buffers(SLOW)


def _census_buffers(raw: str) -> int:
    search = Search(parse_query(raw))
    counted = census_statement(search)
    explain = Statement(
        f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {counted.sql}", counted.params, counted.settings
    )
    plan = fetch_rows(search.db, explain)[0][0][0]["Plan"]
    return plan["Shared Hit Blocks"] + plan["Shared Read Blocks"]


def test_past_the_budget_the_search_stops_and_says_why(common_words, settings):
    settings.SEARCH_TIMEOUT_MS = 1
    search = Search(parse_query(SLOW))
    results = run_search(search, 1)
    assert results.stopped and results.hits == [] and results.total == 0
    assert search.messages == [TOO_SLOW]
    # The cancelled statement took nothing else with it: the connection still works.
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM articles_article")
        assert cursor.fetchone()[0] == 2_003


def test_the_budget_ends_with_the_search(common_words, settings):
    settings.SEARCH_TIMEOUT_MS = 1
    run_search(Search(parse_query(SLOW)), 1)
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"


def test_a_cancelled_statement_is_known_by_its_sqlstate(common_words, settings):
    settings.SEARCH_TIMEOUT_MS = 1
    with pytest.raises(OperationalError) as raised:
        census(Search(parse_query(SLOW)))
    assert getattr(raised.value.__cause__, "pgcode", None) == "57014"  # query_canceled


def test_the_page_and_the_feed_say_the_search_was_stopped(common_words, client, settings):
    settings.SEARCH_TIMEOUT_MS = 1
    response = client.get("/search/", {"q": SLOW})
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one(".search-messages").get_text(" ", strip=True) == TOO_SLOW
    assert page.select_one(".search-count") is None  # not "0 results": nothing was counted
    assert "No stories match" not in page.get_text()
    feed = client.get("/search/feed/", {"q": SLOW})
    assert feed.status_code == 200
    assert b"<item>" not in feed.content


def test_a_search_past_the_budget_runs_again_in_titles_and_summaries(db, settings):
    """Real cancellations: the first attempt sleeps past the budget, the second does not."""
    settings.SEARCH_TIMEOUT_MS = 50

    def run(search: Search) -> str:
        sleep = 0 if search.headlines_only else 1
        statement = Statement(
            "SELECT %(vector)s FROM pg_sleep(%(sleep)s)", {"vector": search.vector, "sleep": sleep}
        )
        return fetch_rows(search.db, statement)[0][0]

    result, ran = within_budget(run, Search(parse_query("harvest")))
    assert (result, ran.headlines_only) == ("search_vector_head", True)
    slow, ran = within_budget(lambda search: fetch_rows(search.db, Statement("SELECT pg_sleep(1)", {})), ran)
    assert slow is None


@pytest.fixture
def heads_and_bodies(db):
    """The phrase in three titles, three summaries and three bodies only."""
    now = timezone.now()
    where = {"title": ("Harvest never came {}", "A report.", "Nothing here."),
             "summary": ("Story {}", "The harvest never came.", "Nothing here."),
             "body": ("Tale {}", "A report.", "The harvest never came.")}  # fmt: skip
    Article.objects.bulk_create(
        Article(
            title=title.format(n),
            slug=f"{field}-{n}",
            summary=summary,
            body=body,
            status=Article.Status.PUBLISHED,
            published_at=now - timezone.timedelta(days=n),
        )  # fmt: skip
        for field, (title, summary, body) in where.items()
        for n in range(3)
    )


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
@pytest.mark.parametrize("cap", [1_000, 4])
def test_headlines_only_finds_the_words_in_titles_and_summaries(heads_and_bodies, monkeypatch, sort, cap):
    monkeypatch.setattr(limits, "COUNT_CAP", cap)  # 4: capped, the page matches again
    heads = {f"{field}-{n}" for field in ("title", "summary") for n in range(3)}
    everything = run_search(Search(parse_query(PHRASE), sort), 1)
    assert {hit.article.slug for hit in everything.hits} >= (heads if cap > 6 else set())
    results = run_search(Search(parse_query(PHRASE), sort, headlines_only=True), 1)
    slugs = [hit.article.slug for hit in results.hits]
    assert set(slugs) <= heads and len(slugs) == len(set(slugs)) == min(len(heads), cap)
    assert (results.total, results.capped) == (min(len(heads), cap), cap < len(heads))
