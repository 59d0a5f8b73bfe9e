"""Reference implementations of search, for tests and benchmarks only: the ORM's every match,
full ranking of every match (`rank_all`; `rank_exact`, the page's own score applied to every
match: the order it promises up to limits.EXACT_LINE), and the census's count and facets alone.
The app never runs these (they do not scale); they check that the bounded statements agree with
the plain answer."""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchQueryField, SearchRank
from django.db.models import BooleanField, F, FloatField, QuerySet
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


def rank_exact(search: Search, cover_density: bool = False) -> list[int]:
    """Every match's id, ranked as the results page ranks (its score, `relevance.score_sql`,
    written here with the ORM's SearchRank) but with no bound at all: the query as the page
    composes it (with the editors' alternate forms), the vector the page matches in, every match
    scored. With `cover_density`, `ts_rank_cd` instead (the benchmark's independent check)."""
    tsquery = _composed_tsquery(search)
    vector = F(search.vector)
    found = search.base()
    if search.parsed.text:
        sql, params = _composed_sql(search)
        column = f'"articles_article"."{search.vector}"'
        matched = RawSQL(f"{column} @@ {sql}", params, output_field=BooleanField())
        found = found.alias(matched=matched).filter(matched=True)
    recency = RawSQL(
        recency_sql('"articles_article"."published_at"', days="%s"), [RECENCY_DAYS], output_field=FloatField()
    )
    score = SearchRank(vector, tsquery, cover_density=cover_density) * recency
    return list(found.annotate(score=score).order_by("-score", *NEWEST).values_list("pk", flat=True))


def _composed_sql(search: Search) -> tuple[str, list]:
    """The page's tsquery SQL (named parameters) with positional ones, as RawSQL takes them."""
    names: list[str] = []

    def positional(match: re.Match) -> str:
        names.append(match.group(1))
        return "%s"

    sql = re.sub(r"%\((\w+)\)s", positional, search.tsquery_sql)
    return f"({sql})", [search.query_params[name] for name in names]


def _composed_tsquery(search: Search) -> RawSQL:
    sql, params = _composed_sql(search)
    return RawSQL(sql, params, output_field=SearchQueryField())


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
