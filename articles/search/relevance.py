"""Relevance order: every match scored when they are few (exact), else the newest candidates
scored and the rest newest first (bounded). The design and its costs are in
`articles/search/__init__.py`; `ranking.py` turns these ids into the page's rows."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime

from django.db import connections
from django.utils import timezone

from articles.search import limits
from articles.search.limits import HEAD_WINDOW_SECONDS, RECENCY_DAYS
from articles.search.sql import ORDERS, Search, _any_lexeme, recency_sql
from articles.search.statements import merge


def score_sql(search: Search) -> str:
    """The page's score of a story: ts_rank over its stored vector (title A, summary B, body D:
    the weights the index was built with) times the recency blend. The reference
    (`tests/search_reference.rank_exact`) applies it to every match."""
    return f"ts_rank({search.vector}, {search.tsquery_sql}) * {recency_sql()}"


def _ranked(search: Search, ids_sql: str) -> str:
    """The stories whose ids `ids_sql` (an array) lists, best score first (a total order). As a
    semi-join of the array's elements: as `id = ANY('{…}')` the planner estimated a constant of
    2,000 ids element by element (6-17 ms of planning)."""
    return (
        f"SELECT id FROM articles_article WHERE id IN (SELECT unnest({ids_sql})) "
        f"ORDER BY {score_sql(search)} DESC, {ORDERS['newest', True]}"
    )


def exact_ids(search: Search, start: int, stop: int, matched: Sequence[int]) -> tuple[str, dict[str, object]]:
    """Results start..stop of every match (`matched`, the census's ids, ≤ limits.EXACT_LINE)
    ranked by the page's score: each one's row is read once, its vector in it (~3-6 µs)."""
    sql = f"{_ranked(search, '%(match_ids)s::bigint[]')} OFFSET {int(start)} LIMIT {int(stop - start)}"
    return sql, {"match_ids": list(matched), **search.query_params, "recency_days": RECENCY_DAYS}


def bounded_ids(
    search: Search, start: int, stop: int, capped: bool, heads: Sequence[int] | None = None
) -> tuple[str, dict[str, object]]:
    """Results start..stop when there are too many matches to score them all: the window (the
    newest limits.HEAD_CANDIDATES title/summary matches, `heads` when the census holds them, and
    the newest limits.BODY_CANDIDATES text-only matches) ranked by the page's score, then every
    other match newest first. Append runs its branches in order and stops at the LIMIT: the rest
    is not even started while the window fills the page."""
    where, params = search.where
    if heads is None:
        head_sql, window_params = candidates(search, head=True)
    else:
        head_sql, window_params = "SELECT unnest(%(head_ids)s::bigint[]) AS id", {"head_ids": list(heads)}
    body_sql, body_params = candidates(search, head=False)
    window = "ARRAY(SELECT id FROM heads UNION ALL SELECT id FROM body)"
    sql = (
        f"WITH heads AS MATERIALIZED ({head_sql}), body AS MATERIALIZED ({body_sql}) "
        f"SELECT id FROM (({_ranked(search, window)}) UNION ALL "
        f"(SELECT id FROM articles_article WHERE {where} AND {search.vector} @@ {search.tsquery_sql} "
        f"AND id <> ALL({window}) ORDER BY {ORDERS['newest', capped]})"
        f") tiers OFFSET {int(start)} LIMIT {int(stop - start)}"
    )
    return sql, merge(params, search.query_params, window_params, body_params, {"recency_days": RECENCY_DAYS})


def candidates(search: Search, head: bool) -> tuple[str, dict[str, object]]:
    """The window's newest title/summary matches (`head`) or text-only matches (the others): one
    UNION ALL branch per window of years, newest first, under one LIMIT, so that a later window
    is only read when the earlier ones held too few. Each window sorts its matches (`+ interval
    '0'`: no date-index walk, which visits ~20,000 rows to find 500 matches of a word in 2.5% of
    headlines). A window is its years' lexemes in `search_filters` (migration 0008), a condition
    of the GIN index's own scan: only the window's matches are visited (a 10% word at 1M
    stories: 10.7 → 1.9 ms; ANDing a date range of the listing index cost as much as reading all
    3,800 matches). The last window, the oldest years and undated stories, is a date condition:
    it is only read for a word with few recent matches. Text-only matches of a word in more than
    limits.DENSE_SHARE of the stories are dense enough to walk the date index instead (a year of
    them would be tens of thousands of rows)."""
    where, params = search.where
    kind, limit = ("head", limits.HEAD_CANDIDATES) if head else ("body", limits.BODY_CANDIDATES)
    if head:
        match = f"search_vector_head @@ {search.tsquery_sql}"
        if search.excludes:
            match += f" AND {search.vector} @@ {search.tsquery_sql}"
    elif search.headlines_only:
        return "SELECT NULL::bigint AS id WHERE FALSE", {}
    else:
        match = f"search_vector @@ {search.tsquery_sql} AND NOT search_vector_head @@ {search.tsquery_sql}"
    params = merge(params, search.query_params)
    years, dense = window_years(search, head)
    order = ORDERS["newest", dense]
    branches = []
    for condition, condition_params in _window_conditions(years, kind):
        branches.append(
            f"(SELECT id FROM articles_article WHERE {where} AND {match} AND {condition} "
            f"ORDER BY {order} LIMIT {limit})"
        )
        params = merge(params, condition_params)
    return f"SELECT id FROM ({' UNION ALL '.join(branches)}) windows LIMIT {limit}", params


def _window_conditions(years: tuple[int, ...], kind: str) -> list[tuple[str, dict[str, object]]]:
    """Each window's condition for `candidates`, newest first, with its own parameters
    (`head_window_0_years`, …): a window from each of `years` to the next newer one, as year
    lexemes, and the last one, before the oldest of them (or undated), as a date condition. One
    window, every story, when there are no `years`."""
    if not years:
        return [("TRUE", {})]
    windows = []
    newer = timezone.now().year + 1  # no public story is dated later (the gate: up to now)
    for n, year in enumerate(years):
        name = f"{kind}_window_{n}_years"
        windows.append(
            (f"search_filters @@ %({name})s::tsquery", {name: _any_lexeme("year", range(year, newer))})
        )
        newer = year
    name = f"{kind}_window_{len(years)}_before"
    oldest = datetime(newer, 1, 1, tzinfo=UTC)
    windows.append((f"(published_at < %({name})s OR published_at IS NULL)", {name: oldest}))
    return windows


def window_years(search: Search, head: bool) -> tuple[tuple[int, ...], bool]:
    """The first (UTC) year of each window for `candidates`, newest first, and whether to walk
    the date index instead (dense text-only matches: no windows). No windows for matches no more
    than the census holds (they are all read and sorted). The first window is sized to hold ~1.5 ×
    the candidates of the estimated matches if they were spread evenly over the archive's
    stories, the second four times that (for an archive whose recent stories use the word less),
    both rounded out to whole years. Results never depend on the windows, only cost."""
    heads, body, stories = estimated_matches(search)
    estimate = heads if head else body - heads
    if estimate <= limits.COUNT_CAP:
        return (), False
    if not head and estimate > limits.DENSE_SHARE * stories:
        return (), True
    histogram = _date_statistics(search.db)
    if len(histogram) < 10:  # no statistics yet (a new archive): fixed ages instead
        year = timezone.now().year
        return (year - 1, year - 4), False
    wanted = limits.HEAD_CANDIDATES if head else limits.BODY_CANDIDATES
    share = 1.5 * wanted / estimate
    last = len(histogram) - 1
    picked = {histogram[max(0, round(last * (1 - min(1.0, part))))].year for part in (share, 4 * share)}
    return tuple(sorted(picked, reverse=True)), False


def estimated_matches(search: Search) -> tuple[float, float, float]:
    """The planner's estimates of the search's title/summary matches, all its matches and the
    stories it may show, from one EXPLAIN (planning only, ~0.3 ms; its statistics on the vectors
    are within a few % for common words). Kept on the search: both windows ask."""
    if search.estimates is not None:
        return search.estimates
    where, params = search.where
    query = search.tsquery_sql
    branches = [f"search_vector_head @@ {query}", f"{search.vector} @@ {query}", "TRUE"]
    sql = "EXPLAIN (FORMAT JSON) " + " UNION ALL ".join(
        f"(SELECT 1 FROM articles_article WHERE {where} AND {branch})" for branch in branches
    )
    with connections[search.db].cursor() as cursor:
        cursor.execute(sql, merge(params, search.query_params))
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    heads, body, stories = (float(part["Plan Rows"]) for part in plan[0]["Plan"]["Plans"])
    search.estimates = (heads, body, stories)
    return search.estimates


_histograms: dict[str, tuple[float, list[datetime]]] = {}


def _date_statistics(db: str) -> list[datetime]:
    """The planner's equal-count histogram of `published_at` (pg_stats, kept by ANALYZE), oldest
    first, up to now and in UTC; kept by each process for HEAD_WINDOW_SECONDS."""
    now = timezone.now()
    cached = _histograms.get(db)
    if cached and cached[0] > now.timestamp():
        return cached[1]
    with connections[db].cursor() as cursor:
        cursor.execute(
            "SELECT histogram_bounds::text::timestamptz[] FROM pg_stats"
            " WHERE schemaname = current_schema() AND tablename = 'articles_article'"
            " AND attname = 'published_at'"
        )
        row = cursor.fetchone()
    histogram = [bound.astimezone(UTC) for bound in (row[0] if row else None) or [] if bound <= now]
    _histograms[db] = (now.timestamp() + HEAD_WINDOW_SECONDS, histogram)
    return histogram
