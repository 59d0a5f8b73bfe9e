"""The results page's rows: the ids of results start..stop in the search's order (relevance,
`relevance.py`, or dates), then those rows with highlighted snippets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from articles.models import Article, Section
from articles.search import limits
from articles.search.census import Census
from articles.search.limits import SNIPPET_BEFORE, SNIPPET_LENGTH
from articles.search.query import ParsedQuery
from articles.search.relevance import bounded_ids, exact_ids
from articles.search.snippets import (
    HEADLINE_OPTIONS,
    START_SEL,
    STOP_SEL,
    render_snippet,
    text_fragment,
)
from articles.search.sql import ORDERS, PAGE_COLUMNS, PAGE_SETTINGS, Search
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


def ordered_ids(search: Search, start: int, stop: int, capped: bool) -> tuple[str, dict[str, object]]:
    """A SELECT of the ids of results start..stop, in order, matching again (the census did not
    keep what the page needs): relevance is then the bounded order (`relevance.bounded_ids`)."""
    if search.sort == "relevance":
        return bounded_ids(search, start, stop, capped)
    where, params = search.where
    text = search.parsed.text
    window = f"OFFSET {int(start)} LIMIT {int(stop - start)}"
    match = f" AND {search.vector} @@ {search.tsquery_sql}" if text else ""
    order = ORDERS[search.sort, capped or not text]
    return (
        f"SELECT id FROM articles_article WHERE {where}{match} ORDER BY {order} {window}",
        merge(params, search.query_params) if text else params,
    )


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
        found.ordered is not None
        or (search.sort == "relevance" and (found.matched is not None or found.heads is not None))
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
    scores every match when the census holds them all (`exact_ids`), else ranks the bounded window
    with the census's headline matches (`bounded_ids`)."""
    if search.sort != "relevance":
        return "SELECT unnest(%(page_ids)s::bigint[])", {"page_ids": (found.ordered or [])[start:stop]}
    if found.matched is not None:
        return exact_ids(search, start, stop, found.matched)
    return bounded_ids(search, start, stop, found.capped, (found.heads or [])[: limits.HEAD_CANDIDATES])


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
