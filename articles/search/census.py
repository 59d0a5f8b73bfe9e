"""The census of a search: how many stories match (to limits.COUNT_CAP), its facets, and the ordered
ids of its matches when they are few; one statement, kept in the cache for the search's pages."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections
from django.utils import timezone

from articles.archive_state import archive_cached
from articles.search import limits
from articles.search.limits import FACET_LISTED
from articles.search.sql import CENSUS_SETTINGS, ORDERS, Search
from articles.search.statements import Statement, merge, run_scope


@dataclass
class Facets:
    sections: list[dict] = field(default_factory=list)
    authors: list[dict] = field(default_factory=list)
    years: list[dict] = field(default_factory=list)
    sampled: bool = False
    # How many sections and authors the (sampled) matches have in all: a group lists at most
    # FACET_LISTED, and says so when it holds more.
    section_count: int = 0
    author_count: int = 0


# --- the census: count and facets ---


@dataclass
class Census:
    total: int
    capped: bool
    facets: Facets
    lexemes: int = 1  # query nodes left after stop words (0: only stop words)
    # Every match's id in the search's date order when not capped; the headline matches' newest
    # first when the census holds all of them (relevance only).
    ordered: list[int] | None = None
    heads: list[int] | None = None
    # Every match's id, in no order, when there are at most limits.EXACT_LINE (relevance only):
    # the page then scores them all (`relevance.exact_ids`).
    matched: list[int] | None = None
    title_match: str = ""  # the slug of the one public story titled exactly as the query


def _sample_sql(search: Search) -> tuple[str, dict[str, object], bool]:
    """The matches, title/summary matches first, each with a `head` flag. Under a LIMIT the
    second branch of the UNION ALL only runs when the first found too few rows, so a very common
    word never reads the big body index. Without `-exclusions` a head match is a full match,
    hence the split."""
    where, params = search.where
    text = search.parsed.text
    columns = (
        "SELECT id, section_id, published_at, search_filters, {head} AS head FROM articles_article WHERE "
    )
    if not text:
        return columns.format(head="FALSE") + where, params, False
    params = merge(params, search.query_params)
    if search.headlines_only:
        head_only = f"{columns.format(head='TRUE')}{where} AND search_vector_head @@ {search.tsquery_sql}"
        return head_only, params, False
    # One branch when a head match may fail (`-word`), or when a section or author filter keeps
    # few of the headline matches (151 of a 10% word's 3,869 at 1M stories, for one section
    # after 2015): the body index is read anyway.
    if search.excludes or search.parsed.section or search.parsed.author:
        head = f"search_vector_head @@ {search.tsquery_sql}"
        return f"{columns.format(head=head)}{where} AND search_vector @@ {search.tsquery_sql}", params, False
    return (
        f"({columns.format(head='TRUE')}{where} AND search_vector_head @@ {search.tsquery_sql}) UNION ALL "
        f"({columns.format(head='FALSE')}{where} AND search_vector @@ {search.tsquery_sql} "
        f"AND NOT search_vector_head @@ {search.tsquery_sql})",
        params,
        True,
    )


def census_statement(search: Search, facets: bool = True, titles: bool = False) -> Statement:
    """Count (to limits.COUNT_CAP + 1; for relevance, to limits.EXACT_LINE + 1) and, from the first
    ≤ limits.COUNT_CAP of those rows, the three facets; with
    `titles`, the stories titled exactly as a plain query (the jump to a story), in the same
    round trip."""
    sample, params, split = _sample_sql(search)
    columns = ["(SELECT count(*) FROM found) AS total", f"numnode({search.tsquery_sql}) AS lexemes"]
    params = merge(params, search.query_params)
    if facets:
        # Counts are grouped by id first and names joined after, so that only the few groups
        # shown are looked up (row by row, these lookups were most of the census's time).
        columns += [
            "(SELECT json_agg(x ORDER BY x.n DESC, x.name) FROM ("
            " SELECT s.name, s.slug, c.n FROM (SELECT section_id, count(*) AS n FROM sample GROUP BY 1) c"
            " JOIN articles_section s ON s.id = c.section_id"
            f" ORDER BY c.n DESC, s.name LIMIT {FACET_LISTED}) x) AS sections",
            "(SELECT count(DISTINCT section_id) FROM sample) AS section_count",
            "(SELECT count(*) FROM bylines) AS author_count",
            "(SELECT json_agg(x ORDER BY x.year DESC) FROM ("
            " SELECT extract(year FROM published_at AT TIME ZONE %(time_zone)s)::int AS year, count(*) AS n"
            " FROM sample WHERE published_at IS NOT NULL GROUP BY 1) x) AS years",
            # Only authors with at least the FACET_LISTED-th largest count can be listed: join
            # names for those (ties included), not for every author in the sample.
            "(SELECT json_agg(x ORDER BY x.n DESC, x.name) FROM ("
            " SELECT au.name, au.slug, c.n FROM bylines c JOIN authors_author au ON au.id = c.author_id"
            f" WHERE c.n >= (SELECT n FROM bylines ORDER BY n DESC OFFSET {FACET_LISTED - 1} LIMIT 1)"
            f" OR (SELECT count(*) FROM bylines) < {FACET_LISTED}"
            f" ORDER BY c.n DESC, au.name LIMIT {FACET_LISTED}) x) AS authors",
        ]
        params = merge(params, {"time_zone": timezone.get_current_timezone_name()})
        # The authors come from the sampled rows' own `search_filters` (their "a<id>" lexemes,
        # `filter_lexeme`), already read: looking up 1,000 stories' bylines cost 2-4 ms.
        tables = (
            ", bylines AS MATERIALIZED (SELECT substr(lexeme, 2)::bigint AS author_id, count(*) AS n"
            " FROM sample, unnest(tsvector_to_array(search_filters)) AS lexeme"
            " WHERE lexeme LIKE 'a%%' GROUP BY 1)"
        )
    else:
        tables = ""
    # With no more than limits.COUNT_CAP matches the census has them all: it hands over their ids in
    # order, and the page is cut from those (no second match test: a phrase re-checks every
    # candidate's 5 KB vector). Subqueries under CASE run only when needed.
    order = ORDERS["oldest" if search.sort == "oldest" else "newest", True]
    uncapped = f"(SELECT count(*) FROM found) <= {limits.COUNT_CAP}"
    columns.append(f"CASE WHEN {uncapped} THEN ARRAY(SELECT id FROM found ORDER BY {order}) END AS ordered")
    if search.sort == "relevance":
        # Every match's id when they are few enough to score them all (the census reads up to
        # limits.EXACT_LINE + 1 of them for relevance, the facets only the first COUNT_CAP).
        exact = f"(SELECT count(*) FROM found) <= {limits.EXACT_LINE}"
        columns.append(f"CASE WHEN {exact} THEN ARRAY(SELECT id FROM found) END AS matched")
        # The headline matches too, newest first, whenever the census holds all of them: with
        # the title/summary branch first, that is when it ended before the cap.
        newest = ORDERS["newest", True]
        heads = f"(SELECT count(*) FILTER (WHERE head) FROM found) <= {limits.COUNT_CAP}"
        complete = heads if split else uncapped
        columns.append(
            f"CASE WHEN {complete} THEN ARRAY(SELECT id FROM found WHERE head ORDER BY {newest}) END AS heads"
        )
    if titles and (title := _plain_title(search)):
        where, where_params = search.where
        columns.append(
            f"ARRAY(SELECT slug FROM articles_article WHERE {where} "
            "AND upper(title::text) = upper(%(title)s) LIMIT 2) AS titles"  # article_title_upper_idx's
        )
        params = merge(params, where_params, {"title": title})
    read = limits.EXACT_LINE if search.sort == "relevance" and search.parsed.text else limits.COUNT_CAP
    sql = (
        f"WITH found AS MATERIALIZED ({sample} LIMIT {max(read, limits.COUNT_CAP) + 1}), "
        f"sample AS MATERIALIZED (SELECT * FROM found LIMIT {limits.COUNT_CAP}){tables} "
        f"SELECT {', '.join(columns)}"
    )
    # Without words there is no vector to protect: the planner's own choice is right.
    return Statement(sql, params, CENSUS_SETTINGS if search.parsed.text else ("jit = off",))


def census(search: Search, facets: bool = True, titles: bool = False) -> Census:
    statement = census_statement(search, facets, titles)
    with run_scope(search.db), connections[search.db].cursor() as cursor:
        cursor.execute(statement.text, statement.params)
        row = dict(zip((column[0] for column in cursor.description), cursor.fetchone(), strict=True))
    capped = row["total"] > limits.COUNT_CAP
    found = Facets(
        sections=_json(row.get("sections")),
        authors=_json(row.get("authors")),
        years=[item for item in _json(row.get("years")) if item["year"]],
        sampled=capped,
        section_count=row.get("section_count") or 0,
        author_count=row.get("author_count") or 0,
    )
    same_title = row.get("titles") or []
    return Census(
        min(row["total"], limits.COUNT_CAP),
        capped,
        found,
        row["lexemes"],
        row["ordered"],
        row.get("heads"),
        row.get("matched"),
        title_match=same_title[0] if len(same_title) == 1 else "",
    )


def cached_census(search: Search, titles: bool = False) -> Census:
    """`census()`, kept in the cache for SEARCH_CACHE_SECONDS or until the archive changes: the
    count and facets of a search are the same on each of its pages, and a reader turning them
    should not pay for them again (4-25 ms at 1M stories)."""
    if settings.SEARCH_CACHE_SECONDS <= 0:
        return census(search, titles=titles)
    parsed = search.parsed
    parts = (parsed.text, parsed.author, parsed.section, parsed.after, parsed.before, search.sort, titles)
    parts += (search.headlines_only, parsed.alternates)
    key = hashlib.sha256(repr((*parts, timezone.get_current_timezone_name())).encode()).hexdigest()
    return archive_cached(
        f"census:{key}", lambda: census(search, titles=titles), settings.SEARCH_CACHE_SECONDS
    )


def _plain_title(search: Search) -> str:
    """The query as a title to jump to: only words (no operators, phrases or filters)."""
    if not search.parsed.is_plain or search.parsed.has_filters:
        return ""
    return " ".join(token.raw for token in search.parsed.tokens)


def _json(value) -> list[dict]:
    # psycopg2 decodes json columns itself; a driver that does not hands over the text.
    if value is None:
        return []
    return json.loads(value) if isinstance(value, str) else value
