"""Running a search for a results page or a feed: census, page, suggestion, within the time
budget (`within_budget`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from django.core.paginator import Page, Paginator
from django.db import OperationalError

from articles.models import Article
from articles.search import limits
from articles.search.census import Facets, cached_census, census
from articles.search.ranking import Hit, hits_of, page_statement
from articles.search.sql import CANCELLED, HEADLINES_ONLY, STOP_WORDS_ONLY, TOO_SLOW, Search, T
from articles.search.suggest import suggest


class _Counted:
    """Paginator input of a known (capped) count: the page's rows come from `page_statement`."""

    def __init__(self, total: int) -> None:
        self.total = total

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total


@dataclass
class ResultsPage:
    page: Page
    hits: list[Hit]
    total: int
    capped: bool
    facets: Facets
    suggestion: str = ""
    title_match: str = ""  # see `run_search`
    stopped: bool = False  # ran past the time budget: no results, and a message says why
    # Relevance ranked only the newest matches (too many to score them all): the page says so.
    bounded: bool = False


def _cancelled(error: OperationalError) -> bool:
    return getattr(error.__cause__, "pgcode", None) == CANCELLED


def within_budget(run: Callable[[Search], T], search: Search) -> tuple[T | None, Search]:
    """`run(search)`; if PostgreSQL cancels a statement for the time budget (SEARCH_TIMEOUT_MS),
    `run` again with the words matched in titles and summaries only, whose small vectors are
    stored inline and cheap to re-check. Returns the result (None if both ran out of time) and
    the search that produced it."""
    attempt = search
    for attempt in (search, replace(search, headlines_only=True)):
        try:
            return run(attempt), attempt
        except OperationalError as error:
            if not _cancelled(error):
                raise
    return None, attempt


def run_search(search: Search, page_number: int | str, title_jump: bool = False) -> ResultsPage:
    """Count, facet, order, paginate, highlight and suggest. Raises InvalidPage for a bad page.

    With `title_jump`, a plain query that is exactly one public story's title (any case) returns
    only that story's slug as `title_match`: the reader is taken straight to it.

    A statement that runs past SEARCH_TIMEOUT_MS is cancelled by PostgreSQL (`within_budget`):
    the search is then run in titles and summaries only and says so (`HEADLINES_ONLY`), and if
    that runs out of time too it returns no results and says why (`TOO_SLOW`), rather than hold a
    worker for seconds. Every benchmark query class ends far inside the budget; a quoted phrase of
    two very common words does not: GIN keeps no word positions, so each story holding both words
    is re-read."""
    results, ran = within_budget(lambda attempt: _run_search(attempt, page_number, title_jump), search)
    if results is None:
        search.messages.append(TOO_SLOW)
        empty = Paginator(_Counted(0), limits.PAGE_SIZE)
        return ResultsPage(Page([], 1, empty), [], 0, False, Facets(), stopped=True)
    if ran.headlines_only:
        search.messages.append(HEADLINES_ONLY)
    return results


def _run_search(search: Search, page_number: int | str, title_jump: bool) -> ResultsPage:
    found = cached_census(search, titles=title_jump)
    paginator = Paginator(_Counted(found.total), limits.PAGE_SIZE)
    if found.title_match:
        return ResultsPage(
            Page([], 1, paginator), [], found.total, found.capped, found.facets, title_match=found.title_match
        )
    number = paginator.validate_number(page_number)
    start = (number - 1) * limits.PAGE_SIZE
    stop = min(start + limits.PAGE_SIZE, found.total)
    hits = hits_of(search, page_statement(search, start, stop, found)) if stop > start else []
    suggestion = ""
    if not found.total and search.parsed.text:
        # Only a search that found nothing pays for the vocabulary look-up.
        if not found.lexemes:
            search.messages.append(STOP_WORDS_ONLY)
        suggestion = suggest(search.parsed, search.db)
    bounded = search.sort == "relevance" and found.matched is None
    return ResultsPage(
        Page(hits, number, paginator),
        hits,
        found.total,
        found.capped,
        found.facets,
        suggestion,
        bounded=bounded,
    )


def newest_articles(search: Search, count: int) -> list[Article]:
    """The newest `count` matches (the search's feed): a census without facets, then one page.
    Past the time budget, in titles and summaries only; none if that runs out of time too."""

    def newest_page(newest: Search) -> list[Article]:
        found = census(newest, facets=False)
        statement = page_statement(newest, 0, count, found, snippets=False)
        return [hit.article for hit in hits_of(newest, statement)]

    articles, _ran = within_budget(newest_page, Search(search.parsed, "newest", db=search.db))
    return articles or []
