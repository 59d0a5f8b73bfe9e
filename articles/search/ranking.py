"""The results page's rows: the ids of results start..stop in the search's order (relevance in
two tiers, or dates), then those rows with highlighted snippets."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connections
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article, Section
from articles.search import limits
from articles.search.census import Census
from articles.search.limits import HEAD_WINDOW_SECONDS, RECENCY_DAYS, SNIPPET_BEFORE, SNIPPET_LENGTH
from articles.search.query import ParsedQuery
from articles.search.snippets import (
    HEADLINE_OPTIONS,
    START_SEL,
    STOP_SEL,
    render_snippet,
    text_fragment,
)
from articles.search.sql import (
    ORDERS,
    PAGE_COLUMNS,
    PAGE_SETTINGS,
    Search,
    _any_lexeme,
    recency_sql,
)
from articles.search.statements import Statement, fetch_articles, merge


@dataclass
class Hit:
    article: Article
    snippet: SafeString = mark_safe("")
    fragment: str = ""  # "#:~:text=…" into the article page at the first highlighted words

    @property
    def url(self) -> str:
        return self.article.get_absolute_url() + self.fragment


# --- the page: ordered ids, then those rows with snippets ---


def _head_candidates(search: Search) -> tuple[str, dict[str, object]]:
    """Tier 1's candidates: the newest limits.HEAD_CANDIDATES title/summary matches, with their head
    vectors. One UNION ALL branch per window of years, newest first, under one LIMIT: a later
    window is only read when the earlier ones held too few. Each window sorts its matches
    (`+ interval '0'`: no date-index walk, which visits ~20,000 rows to find 500 matches of a
    word in 2.5% of headlines). A window is its years' lexemes in `search_filters` (migration
    0008), a condition of the head index's own scan: only the window's matches are visited (a
    10% word at 1M stories: 10.7 → 1.9 ms; ANDing a date range of the listing index cost as
    much as reading all 3,800 matches). The last window, the oldest years and undated stories,
    is a date condition: it is only read for a word with few recent matches."""
    where, params = search.where
    match = f"search_vector_head @@ {search.tsquery_sql}"
    if search.excludes:
        match += f" AND {search.vector} @@ {search.tsquery_sql}"
    params = merge(params, search.query_params)
    branches = []
    for condition, condition_params in _window_conditions(_head_windows(search)):
        branches.append(
            f"(SELECT id, published_at, search_vector_head FROM articles_article "
            f"WHERE {where} AND {match} AND {condition} "
            f"ORDER BY {ORDERS['newest', False]} LIMIT {limits.HEAD_CANDIDATES})"
        )
        params = merge(params, condition_params)
    union = " UNION ALL ".join(branches)
    return f"SELECT * FROM ({union}) windows LIMIT {limits.HEAD_CANDIDATES}", params


def _window_conditions(years: tuple[int, ...]) -> list[tuple[str, dict[str, object]]]:
    """Each window's condition for `_head_candidates`, newest first, with its own parameters
    (`window_0_years`, …): a window from each of `years` to the next newer one, as year lexemes,
    and the last one, before the oldest of them (or undated), as a date condition. One window,
    every story, when there are no `years`."""
    if not years:
        return [("TRUE", {})]
    windows = []
    newer = timezone.now().year + 1  # no public story is dated later (the gate: up to now)
    for n, year in enumerate(years):
        name = f"window_{n}_years"
        windows.append(
            (f"search_filters @@ %({name})s::tsquery", {name: _any_lexeme("year", range(year, newer))})
        )
        newer = year
    name = f"window_{len(years)}_before"
    oldest = datetime(newer, 1, 1, tzinfo=UTC)
    windows.append((f"(published_at < %({name})s OR published_at IS NULL)", {name: oldest}))
    return windows


def _head_windows(search: Search) -> tuple[int, ...]:
    """The first (UTC) year of each window for `_head_candidates`, newest first; none for a word
    in no more headlines than the census holds (it then hands them over). The first window is
    sized to hold ~1.5 × limits.HEAD_CANDIDATES of the estimated matches if they were spread evenly over
    the archive's stories, the second four times that (for an archive whose recent stories use
    the word less), both rounded out to whole years. Results never depend on the windows, only
    cost."""
    estimate = _estimated_head_matches(search)
    if estimate <= limits.COUNT_CAP:
        return ()
    histogram = _date_statistics(search.db)
    if len(histogram) < 10:  # no statistics yet (a new archive): fixed ages instead
        year = timezone.now().year
        return (year - 1, year - 4)
    share = 1.5 * limits.HEAD_CANDIDATES / estimate
    last = len(histogram) - 1
    picked = {histogram[max(0, round(last * (1 - min(1.0, part))))].year for part in (share, 4 * share)}
    return tuple(sorted(picked, reverse=True))


def _estimated_head_matches(search: Search) -> float:
    """The planner's estimate of the search's title/summary matches (EXPLAIN: planning only,
    ~0.3 ms; its statistics on `search_vector_head` are within a few % for common words)."""
    where, params = search.where
    sql = (
        "EXPLAIN (FORMAT JSON) SELECT 1 FROM articles_article "
        f"WHERE {where} AND search_vector_head @@ {search.tsquery_sql}"
    )
    with connections[search.db].cursor() as cursor:
        cursor.execute(sql, merge(params, search.query_params))
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return float(plan[0]["Plan"]["Plan Rows"])


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


def ordered_ids(search: Search, start: int, stop: int, capped: bool) -> tuple[str, dict[str, object]]:
    """A SELECT of the ids of results start..stop, in order."""
    where, params = search.where
    text = search.parsed.text
    window = f"OFFSET {int(start)} LIMIT {int(stop - start)}"
    if search.sort != "relevance":
        match = f" AND {search.vector} @@ {search.tsquery_sql}" if text else ""
        order = ORDERS[search.sort, capped or not text]
        return (
            f"SELECT id FROM articles_article WHERE {where}{match} ORDER BY {order} {window}",
            merge(params, search.query_params) if text else params,
        )
    heads, head_params = _head_candidates(search)
    recency = recency_sql()
    # Append runs its branches in order and stops when the LIMIT is met: the body-only tier is
    # not even started while the ranked heads fill the page.
    sql = (
        f"WITH heads AS MATERIALIZED ({heads}) "
        "SELECT id FROM ("
        f"(SELECT id FROM heads ORDER BY ts_rank(search_vector_head, {search.tsquery_sql}) * {recency} DESC, "
        f"{ORDERS['newest', True]}) "
        "UNION ALL "
        f"(SELECT id FROM articles_article WHERE {where} AND {search.vector} @@ {search.tsquery_sql} "
        f"AND id NOT IN (SELECT id FROM heads) ORDER BY {ORDERS['newest', capped]})"
        f") tiers {window}"
    )
    return sql, merge(head_params, {"recency_days": RECENCY_DAYS})


def _rows_sql(ids_sql: str, search: Search, snippets: bool = True) -> tuple[str, dict[str, object]]:
    """The rows whose ids `ids_sql` (an array) lists, in its order, with a snippet when there are
    words. `ts_headline` is evaluated for these rows only."""
    columns = f"{PAGE_COLUMNS}, s.name AS section_name, s.slug AS section_slug"
    params: dict[str, object] = {}
    if snippets and search.parsed.text:
        # ts_headline over the summary and a window of the body around the first occurrence of
        # the locator (parsing costs ~0.2 ms per 1,000 characters: the whole 4 KB body cost
        # ~1.5 ms per story, a 600-character window ~0.13 ms, enough for two 35-word fragments;
        # measured, bench/RESULTS.md). If the window
        # misses, the snippet is the window's start, unhighlighted. Marker characters planted in
        # the text are removed so that only ts_headline's own become <mark>. The body is HTML:
        # ts_headline drops whole tags, and a tag the window cut at either end is cut off here.
        columns += (
            ", ts_headline('english'::regconfig, translate(concat_ws(E'\\n\\n', a.summary, "
            "regexp_replace(substr(a.body, greatest(strpos(lower(a.body), %(locator)s) - "
            f"{SNIPPET_BEFORE}, 1), {SNIPPET_LENGTH}), '^[^<]*>|<[^>]*$', '', 'g')),"
            " %(markers)s, ''), "
            f"{search.tsquery_sql}, %(headline_options)s) AS snippet"
        )
        params = {
            "locator": _locator(search.parsed),
            "markers": START_SEL + STOP_SEL,
            **search.query_params,
            "headline_options": HEADLINE_OPTIONS,
        }
    sql = (
        f"SELECT {columns} FROM unnest({ids_sql}) WITH ORDINALITY AS p(id, ord) "
        "JOIN articles_article a ON a.id = p.id LEFT JOIN articles_section s ON s.id = a.section_id "
        "ORDER BY p.ord"
    )
    return sql, params


def page_statement(
    search: Search, start: int, stop: int, found: Census | bool, snippets: bool = True
) -> Statement:
    """Results start..stop of the search as rows with snippets, in one statement. `found` is the
    census (or only whether it was capped): an uncapped census already holds every match in order,
    and the page is cut from it."""
    capped = found if isinstance(found, bool) else found.capped
    by_ids = isinstance(found, Census) and (
        found.ordered is not None or (search.sort == "relevance" and found.heads is not None)
    )
    if by_ids:
        ids_sql, ids_params = _ordered_ids_from(search, start, stop, found)
    else:
        ids_sql, ids_params = ordered_ids(search, start, stop, capped)
    rows_sql, rows_params = _rows_sql(f"ARRAY({ids_sql})", search, snippets)
    return Statement(rows_sql, merge(rows_params, ids_params), PAGE_SETTINGS)


def hits_statement(ids: Sequence[int], search: Search) -> Statement:
    """Given rows (by id, in that order) with snippets."""
    rows_sql, rows_params = _rows_sql("%(ids)s::bigint[]", search)
    return Statement(rows_sql, merge(rows_params, {"ids": list(ids)}), PAGE_SETTINGS)


def _ordered_ids_from(search: Search, start: int, stop: int, found: Census) -> tuple[str, dict[str, object]]:
    """`ordered_ids` from the census's ids: date sorts are a slice of them (uncapped); relevance
    ranks the newest limits.HEAD_CANDIDATES headline matches (fetched by id), then the rest newest
    first: from the census's ids when it holds every match, else matched again."""
    window = f"OFFSET {int(start)} LIMIT {int(stop - start)}"
    if search.sort != "relevance":
        return "SELECT unnest(%(page_ids)s::bigint[])", {"page_ids": (found.ordered or [])[start:stop]}
    candidates = (found.heads or [])[: limits.HEAD_CANDIDATES]
    if found.ordered is not None:
        chosen = set(candidates)
        rest = [pk for pk in found.ordered if pk not in chosen]
        if start >= len(candidates):
            offset = start - len(candidates)
            return "SELECT unnest(%(page_ids)s::bigint[])", {"page_ids": rest[offset : offset + stop - start]}
        tier2 = (
            "(SELECT id FROM unnest(%(rest_ids)s::bigint[]) WITH ORDINALITY AS rest(id, ord) ORDER BY ord)"
        )
        tier2_params = {"rest_ids": rest[: stop - len(candidates)]}
    else:
        where, tier2_params = search.where
        tier2 = (
            f"(SELECT id FROM articles_article WHERE {where} AND {search.vector} @@ {search.tsquery_sql} "
            f"AND id <> ALL(%(head_ids)s::bigint[]) ORDER BY {ORDERS['newest', True]})"
        )
    sql = (
        "SELECT id FROM ("
        f"(SELECT id FROM articles_article WHERE id = ANY(%(head_ids)s::bigint[]) "
        f"ORDER BY ts_rank(search_vector_head, {search.tsquery_sql}) * {recency_sql()} DESC, "
        f"{ORDERS['newest', True]}) "
        f"UNION ALL {tier2}"
        f") tiers {window}"
    )
    head_params = {"head_ids": candidates, **search.query_params, "recency_days": RECENCY_DAYS}
    return sql, merge(tier2_params, head_params)


def hits_of(search: Search, statement: Statement) -> list[Hit]:
    hits = []
    for article in fetch_articles(search.db, statement):
        if article.section_id is not None:
            article.section = Section(
                id=article.section_id, name=article.section_name, slug=article.section_slug
            )
        raw = getattr(article, "snippet", "")
        hits.append(Hit(article, render_snippet(raw), text_fragment(raw)) if raw else Hit(article))
    return hits


def page_hits(ids: Sequence[int], search: Search) -> list[Hit]:
    """The given articles in order, with highlighted snippets: one query, for these rows only."""
    return hits_of(search, hits_statement(ids, search)) if ids else []


def _locator(parsed: ParsedQuery) -> str:
    """A prefix of the first wanted word, roughly stem-proof ("kremlins" → "kreml"), used to cut
    the body down to a window around its first occurrence before ts_headline parses it."""
    for token in parsed.tokens:
        if token.kind in ("term", "phrase"):
            word = token.value.split()[0].lower()
            return word[: max(4, len(word) - 3)]
    return ""
