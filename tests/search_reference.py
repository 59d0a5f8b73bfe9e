"""Reference implementations of search, for tests and benchmarks only: the ORM's every match,
full ranking of every match, and the census's count and facets alone. The app never runs these
(they do not scale); they check that the bounded statements agree with the plain answer."""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F, FloatField, QuerySet
from django.db.models.expressions import RawSQL

from articles.search.census import Facets, census
from articles.search.limits import RECENCY_DAYS
from articles.search.ranking import ordered_ids
from articles.search.sql import NEWEST, PAGE_SETTINGS, Search, recency_sql
from articles.search.statements import Statement, fetch_rows


def matches(search: Search) -> QuerySet:
    """Every match, through the ORM (the app uses the bounded statements instead)."""
    queryset = search.base()
    return queryset.filter(**{search.vector: search.tsquery}) if search.parsed.text else queryset


def rank_all(matches: QuerySet, tsquery: SearchQuery) -> QuerySet:
    """The unbounded reference: full-vector ts_rank over every match (benchmarks and tests only)."""
    recency = RawSQL(
        recency_sql('"articles_article"."published_at"', days="%s"),
        [RECENCY_DAYS],
        output_field=FloatField(),
    )
    score = SearchRank(F("search_vector"), tsquery) * recency
    return matches.annotate(score=score).order_by("-score", *NEWEST)


def count_and_facets(search: Search) -> tuple[int, bool, Facets]:
    """(count, capped, facets) from one pass over at most COUNT_CAP + 1 matches."""
    found = census(search)
    return found.total, found.capped, found.facets


def page_ids(search: Search, start: int, stop: int, capped: bool) -> list[int]:
    """The ids of results start..stop in the search's order."""
    if stop <= start:
        return []
    text, params = ordered_ids(search, start, stop, capped)
    return [row[0] for row in fetch_rows(search.db, Statement(text, params, PAGE_SETTINGS))]
