"""Full-text search over the public archive: the logic behind /search/ and its feed.

Everything starts from `Article.objects.published()`, the one gate for what readers see: its
WHERE clause (with the reader's author/section/date filters) is compiled by the ORM once per
search and embedded in the SQL below, so the gate is never spelled out twice.

Cost model (measured, bench/RESULTS.md "## Search"): the stored body vector is ~5 KB and TOASTed,
so every row whose `search_vector` PostgreSQL must *read* (to rank it, or to test it outside the
GIN index) costs ~10 µs; ranking or counting every match of a common word takes seconds on a
large archive. A heap row visited costs ~1-2 µs, a posting in a bitmap ~0.1 µs, planning ~0.3 ms
per text condition, and an ORM query ~1 ms of Python to build. So a results page runs two SQL
statements, each bounded in the rows it visits, written here rather than composed by the ORM:

1. The census (`census_statement`): count, capped at COUNT_CAP ("1,000+"), and the section, year
   and author facets, from one sample of at most COUNT_CAP + 1 matches. Title/summary matches are
   taken first, from the small `search_vector_head` GIN index; the big body index is only read
   when those are too few (a word in half the archive's bodies is in ~3% of its headlines: the
   sample then costs 27,000 postings instead of 500,000 at 1M stories). When the census holds
   every match (≤ COUNT_CAP), or every headline match, it hands their ids over in order. On a
   results page's first page it also looks up the story titled exactly as a plain query (the
   jump to it), in the same round trip. The census is kept in the cache for the search's other
   pages (`cached_census`, SEARCH_CACHE_SECONDS).
2. The page (`page_statement`): the ids of results start..stop and those rows with highlighted
   snippets (`ts_headline` re-parses each document, so only the shown rows pay for it). Cut from
   the census's ids when it has them; otherwise it matches again, bounded as described below.

Filters: with words, a section or author filter is a condition on the story's `search_filters`
(its section and authors as lexemes, kept by database triggers), a second column of both GIN
indexes, so PostgreSQL intersects it with the words inside one index scan; ANDing another index
instead first decoded every posting of the word (`filter_articles`).

Relevance, in two tiers (a total order, so pages are stable):
  1. the newest HEAD_CANDIDATES stories matching in title or summary, scored by the small,
     inline `search_vector_head`:
         score = ts_rank(search_vector_head, q) * (0.5 + 0.5 * exp(-age_days / RECENCY_DAYS))
     (a story loses at most half its weight to age; undated stories count as old). For a word
     in thousands of headlines they are gathered window by window of years, newest first
     (`_head_windows`): the years are lexemes of `search_filters`, so each window is one scan
     of the head index that skips through the word's postings, not a visit of every match's row
     for its date.
  2. then the stories that match only in the body (or are older head matches), newest first.
Date sorts: with ≤ COUNT_CAP matches every match is sorted (the census's ids); beyond that the
date index is walked, which finds a page quickly because matches are dense.

Phrases: GIN keeps no word positions, so the text index hands over every story holding all of a
quoted phrase's words, and each one's body vector is re-read to check their order (5,335 for
"straw never" at 1M stories, ~300,000 for "game never"). A phrase that every match must hold is
first narrowed to the stories holding its pairs of adjacent words (`phrase_candidates`, an index
of hashed word pairs), when they are few enough to be worth it.

Every statement has a time budget (SEARCH_TIMEOUT_MS): PostgreSQL cancels one that runs past it,
and the search runs again in titles and summaries only, saying so (`within_budget`, `run_search`).
What can still get there is a phrase of very common words that the pairs do not narrow: beside an
`or`, with a stop word between them ("game of never"), or held by more stories than
PHRASE_CANDIDATES_LIMIT.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from typing import TypeVar

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db import OperationalError, connections, router, transaction
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from articles.caching import archive_cached
from articles.models import Article, ArticleAuthor, Section, filter_lexeme
from articles.search_extras import (
    HEADLINE_OPTIONS,
    START_SEL,
    STOP_SEL,
    render_snippet,
    suggest,
    text_fragment,
)
from articles.search_extras import refresh_vocabulary as refresh_vocabulary
from articles.search_query import ParsedQuery
from authors.models import Author

CONFIG = "english"
PAGE_SIZE = 10
HEAD_CANDIDATES = 200
COUNT_CAP = 1_000
FACET_LIMIT = 8  # entries of a facet group shown at first…
FACET_LISTED = 50  # …and listed at most behind its "all" toggle
RECENCY_DAYS = 5 * 365
# Tier-1 candidates of a word in more headlines than the census holds (the planner's estimate)
# are read window by window of years, newest first (`_head_windows`).
HEAD_WINDOW_SECONDS = 600  # how long a process keeps the archive's date histogram
AUTHOR_IDS_LIMIT = 20_000  # an author filter's stories are sent as a list of ids up to this many
FILTER_CACHE_SECONDS = 600  # how long a section or author name's ids are kept (`_filter_query`)
PHRASE_CANDIDATES_LIMIT = 2_000  # a phrase's candidates are sent as a list of ids up to this many
NO_SUCH_LEXEME = "'-'"  # `filter_lexeme` writes none like it
SORTS = ("relevance", "newest", "oldest")
NEWEST = (F("published_at").desc(nulls_last=True), F("id").desc())
STOP_WORDS_ONLY = (
    "Your search has only very common words (such as “the” or “and”), which are not indexed. "
    "Try a more specific word."
)
TOO_SLOW = (
    "This search took too long and was stopped. A phrase in quotes is checked story by story, and "
    "one of very common words is in a great many stories: search for the words without quotes, "
    "add a rarer word, or narrow it to a section or an author."
)
HEADLINES_ONLY = (
    "These words are in too many stories to check each story's text for this phrase in time: the "
    "results are the stories with it in the headline or summary. To search every story's text, "
    "add a rarer word or narrow the search to a section or an author."
)
T = TypeVar("T")
CANCELLED = "57014"  # SQLSTATE query_canceled: a statement ran past SEARCH_TIMEOUT_MS
TSQUERY = "websearch_to_tsquery('english'::regconfig, %s)"
# The recency factor in double precision (numeric exp() cost ~3 µs a row, 1.5 ms for 500
# candidates). %s is RECENCY_DAYS; the exponent is capped so a story thousands of years old
# cannot underflow exp().
RECENCY_SQL = (
    "COALESCE(0.5 + 0.5 * exp(-least(greatest(extract(epoch FROM now() - {published_at})::float8, 0)"
    " / (86400.0 * %s), 700)), 0.5)"
)
# Date orders. The "unindexed" ones (`+ interval '0'`) stop the planner from walking the date
# index: on a rare word that walk would test the body vector of nearly every story (the
# rare-term trap); a bitmap scan of the matches and a sort is then far cheaper.
ORDERS = {
    ("newest", True): "published_at DESC NULLS LAST, id DESC",
    ("oldest", True): "published_at ASC NULLS LAST, id ASC",
    ("newest", False): "published_at + interval '0' DESC NULLS LAST, id DESC",
    ("oldest", False): "published_at + interval '0' ASC NULLS LAST, id ASC",
}
# A match test outside the GIN index reads a TOASTed 5 KB vector per row, a cost the planner does
# not see: with sequential scans allowed, "LIMIT 1001" over a common word reads thousands of them.
# The census has no use for an ordered index walk either (same trap), so it gets bitmap scans
# only. work_mem keeps a bitmap of 100,000+ postings exact (a lossy page is re-tested row by row
# against the 5 KB vector). JIT compilation costs more than any of these short queries; parallel
# workers would also break the "tiers in order" guarantee of the page statement's UNION ALL.
PAGE_SETTINGS = (
    "enable_seqscan = off",
    "jit = off",
    "max_parallel_workers_per_gather = 0",
    "work_mem = '32MB'",
)
CENSUS_SETTINGS = (*PAGE_SETTINGS, "enable_indexscan = off")
SNIPPET_BEFORE, SNIPPET_LENGTH = 150, 600  # the body window ts_headline parses (characters)
# Columns the results page shows (the rest of the row stays deferred).
PAGE_COLUMNS = "a.id, a.title, a.slug, a.summary, a.published_at, a.byline, a.section_id"


@dataclass
class Hit:
    article: Article
    snippet: SafeString = mark_safe("")
    fragment: str = ""  # "#:~:text=…" into the article page at the first highlighted words

    @property
    def url(self) -> str:
        return self.article.get_absolute_url() + self.fragment


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


@dataclass(frozen=True)
class Statement:
    """One SELECT with the planner settings it needs. Sent as one string ("SET LOCAL …; SELECT"),
    which PostgreSQL runs as one implicit transaction: one round trip, and the settings end with
    the statement."""

    sql: str
    params: tuple
    settings: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        # Every statement gets the search time budget (`TOO_SLOW`, `run_search`).
        budget = f"statement_timeout = {int(settings.SEARCH_TIMEOUT_MS)}"
        return "".join(f"SET LOCAL {setting}; " for setting in (*self.settings, budget)) + self.sql


@dataclass
class Search:
    """One search: the parsed query and filters."""

    parsed: ParsedQuery
    sort: str = "relevance"
    messages: list[str] = field(default_factory=list)
    page_url: str = ""  # set by the feed
    # One database alias for all of a search's queries (a read replica when there are some).
    db: str = ""
    # Words matched in titles and summaries only: the time budget's fallback (`run_search`).
    headlines_only: bool = False

    def __post_init__(self) -> None:
        self.db = self.db or router.db_for_read(Article)
        if self.sort not in SORTS or (self.sort == "relevance" and not self.parsed.text):
            self.sort = self.sort if self.sort in ("newest", "oldest") else "newest"
        self.tsquery = SearchQuery(self.parsed.text, search_type="websearch", config=CONFIG)

    @property
    def active(self) -> bool:
        return bool(self.parsed.text or self.parsed.has_filters)

    @property
    def vector(self) -> str:
        """The stored vector the words are matched in."""
        return "search_vector_head" if self.headlines_only else "search_vector"

    @property
    def excludes(self) -> bool:
        """`-word` in the query: a title/summary match may still fail on the body."""
        return any(token.kind == "exclude" for token in self.parsed.tokens)

    def base(self) -> QuerySet:
        """The gate, the reader's filters, and the candidates of each quoted phrase."""
        queryset = filter_articles(Article.objects.using(self.db).published(), self.parsed)
        return queryset.filter(*self.phrase_candidates)

    @cached_property
    def phrase_candidates(self) -> list[Q]:
        """One condition per quoted phrase every match must hold (a query each, read once)."""
        return [phrase_candidates(phrase, self.db) for phrase in self.parsed.required_phrases]

    def matches(self) -> QuerySet:
        """Every match, through the ORM (tests and the benchmark's references; the page uses
        the statements below)."""
        queryset = self.base()
        return queryset.filter(**{self.vector: self.tsquery}) if self.parsed.text else queryset

    @cached_property
    def where(self) -> tuple[str, tuple]:
        """`base()` as SQL over the unaliased `articles_article` table."""
        queryset = self.base()
        compiler = queryset.query.get_compiler(using=self.db)
        sql, params = compiler.compile(queryset.query.where)
        return sql, tuple(params)


def filter_articles(queryset: QuerySet, parsed: ParsedQuery) -> QuerySet:
    """Apply author/section/date filters; names match case-insensitively, by name or slug.

    With words, the section and author filters are one condition on the story's
    `search_filters` lexemes, which share the words' GIN index: PostgreSQL intersects them inside
    the index scan. Without words they are index conditions the listing indexes serve (a
    section's stories newest first; an author's, by their ids). Never joins, so `Search.where`
    stands on its own."""
    if parsed.text and (parsed.section or parsed.author):
        queryset = queryset.filter(Matches(F("search_filters"), Value(_filter_query(parsed, queryset.db))))
    else:
        if parsed.section:
            sections = _sections_named(parsed.section, queryset.db)
            queryset = queryset.filter(AnyOf(F("section_id"), ArraySubquery(sections.values("pk"))))
        if parsed.author:
            queryset = queryset.filter(_by_authors(_authors_named(parsed.author, queryset.db), queryset.db))
    if parsed.after:
        queryset = queryset.filter(published_at__gte=_day_start(parsed.after))
    if parsed.before and parsed.before < date.max:
        # "before:D" includes D itself, like "after:D"; the last day a date can name bounds nothing.
        queryset = queryset.filter(published_at__lt=_day_start(parsed.before + timedelta(days=1)))
    return queryset


def phrase_candidates(phrase: str, db: str) -> Q:
    """The stories holding every pair of adjacent words of a phrase (`article_phrase_pairs_idx`),
    a condition the phrase implies: a story's vector puts the words side by side only if it holds
    their pair. The text match then checks the phrase itself on these stories alone, where GIN
    (which keeps no positions) would hand over every story with all the words, each one's 5 KB
    body vector to be re-read.

    The ids are read first (one short query) and sent as a constant, as `_stories_of` does, up to
    PHRASE_CANDIDATES_LIMIT. More stories than that hold the phrase itself (hash collisions are
    ~1 in 4,000 stories), so matches are dense among the stories with its words and the text match
    alone finds a page of them quickly: no condition. Computed in the statement instead, the ids of
    "last year" (a fifth of a news archive) would all be read before the page; and ANDed as an
    index condition, the pairs would be computed again from each candidate's vector (~0.3 ms). A
    phrase whose words are never adjacent once stop words are dropped has no pairs: no condition."""
    [(pair_count, ids)] = _fetch(db, phrase_candidates_statement(phrase))
    if not pair_count or len(ids) > PHRASE_CANDIDATES_LIMIT:
        return Q()
    return Q(_one_of(ids))


def phrase_candidates_statement(phrase: str) -> Statement:
    """How many pairs the phrase has, and the ids of up to PHRASE_CANDIDATES_LIMIT + 1 stories
    holding them all."""
    pairs = "articles_phrase_pairs(to_tsvector('english'::regconfig, %s))"
    return Statement(
        f"SELECT cardinality({pairs}), ARRAY(SELECT p.id FROM articles_article p"
        f" WHERE cardinality({pairs}) > 0 AND articles_phrase_pairs(p.search_vector) @> {pairs} LIMIT %s)",
        (phrase, phrase, phrase, PHRASE_CANDIDATES_LIMIT + 1),
        PAGE_SETTINGS,
    )


def _sections_named(name: str, db: str) -> QuerySet[Section]:
    return Section.objects.using(db).filter(Q(name__iexact=name) | Q(slug=slugify(name)))


def _authors_named(name: str, db: str) -> QuerySet[Author]:
    return Author.objects.using(db).filter(Q(name__icontains=name) | Q(slug=slugify(name)))


def _by_authors(authors: QuerySet[Author], db: str) -> Func | Exists:
    """The authors' stories, without words: their ids (`_stories_of`), else a byline test."""
    ids = _stories_of(authors, db)
    if ids is not None:
        return _one_of(ids)
    return Exists(ArticleAuthor.objects.filter(article=OuterRef("pk"), author__in=authors.values("pk")))


def _filter_query(parsed: ParsedQuery, db: str) -> str:
    """The section and author filters as a tsquery over `search_filters`: any of the sections
    named and any of the authors, e.g. "('s3') & ('a12' | 'a40')". The ids are read first, so the
    planner sees a constant and estimates it from the column's statistics; a name stands for the
    same ids until a section or author is saved, so they are kept in the cache until the archive
    changes (a query saved on each filtered results page)."""
    names = hashlib.sha256(f"{db}\0{parsed.section}\0{parsed.author}".encode()).hexdigest()
    return archive_cached(
        f"search-filter:{names}", lambda: _read_filter_query(parsed, db), FILTER_CACHE_SECONDS
    )


def _read_filter_query(parsed: ParsedQuery, db: str) -> str:
    finders = (("section", parsed.section, _sections_named), ("author", parsed.author, _authors_named))
    named = {kind: find(name, db) for kind, name, find in finders if name}
    groups: dict[str, list[int]] = {kind: [] for kind in named}
    lookups = [found.values_list(Value(kind), "pk") for kind, found in named.items()]
    for kind, pk in lookups[0].union(*lookups[1:], all=True) if len(lookups) > 1 else lookups[0]:
        groups[kind].append(pk)
    return " & ".join(f"({_any_lexeme(kind, pks)})" for kind, pks in groups.items())


def _any_lexeme(kind: str, values: Iterable[int]) -> str:
    """A tsquery over `search_filters` for any of these sections, authors or years, e.g.
    "'a12' | 'a40'". For none it matches no story: NO_SUCH_LEXEME is never written."""
    return " | ".join(f"'{filter_lexeme(kind, value)}'" for value in values) or NO_SUCH_LEXEME


def _stories_of(authors: QuerySet[Author], db: str) -> list[int] | None:
    """The ids of the authors' public stories (read from `author_listing_idx`), or None for more
    than AUTHOR_IDS_LIMIT.

    Why: as an index condition (`id = ANY(…)`) the ids are ANDed with the text match like a
    section, where testing each match's byline visited 60,000 stories of a common word to find
    1,001 by one author (0.3-0.6 s at 1M). They are sent as a constant so that the planner knows
    how many there are: computed in the statement (an InitPlan), they are guessed at ten, and the
    planner then tested each of an author's 4,000 stories against its 5 KB body vector instead of
    reading the index. Past the limit (a name fragment that matches many authors) the byline test
    finds its matches quickly and the list would cost more than it saves."""
    bylines = (
        ArticleAuthor.objects.using(db)
        .public()
        .filter(AnyOf(F("author_id"), ArraySubquery(authors.values("pk"))))
    )
    ids = list(bylines.order_by().values_list("article_id", flat=True)[: AUTHOR_IDS_LIMIT + 1])
    return ids if len(ids) <= AUTHOR_IDS_LIMIT else None


def _one_of(ids: Iterable[int]) -> AnyOf:
    """`id = ANY('{…}')`: the ids as one constant, which the planner counts."""
    literal = "{" + ",".join(map(str, sorted(ids))) + "}"
    return AnyOf(F("pk"), Cast(Value(literal), ArrayField(BigIntegerField())))


class Matches(Func):
    """`vector @@ 'query'::tsquery`, the query written in tsquery syntax (no parsing)."""

    arg_joiner = " @@ "
    template = "%(expressions)s::tsquery"
    output_field = BooleanField()


class AnyOf(Func):
    """`expression = ANY(array)`. Unlike `IN (subquery)`, which the planner turns into a join, an
    array computed up front is an index condition: a section filter becomes one more bitmap
    ANDed with the text match (10,000 rows visited → 400 for a 10% word in one section)."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


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
    title_match: str = ""  # the slug of the one public story titled exactly as the query


def _sample_sql(search: Search) -> tuple[str, tuple, bool]:
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
    if search.headlines_only:
        head_only = f"{columns.format(head='TRUE')}{where} AND search_vector_head @@ {TSQUERY}"
        return head_only, (*params, text), False
    # One branch when a head match may fail (`-word`), or when a section or author filter keeps
    # few of the headline matches (151 of a 10% word's 3,869 at 1M stories, for one section
    # after 2015): the body index is read anyway.
    if search.excludes or search.parsed.section or search.parsed.author:
        head = f"search_vector_head @@ {TSQUERY}"
        return (
            f"{columns.format(head=head)}{where} AND search_vector @@ {TSQUERY}",
            (text, *params, text),
            False,
        )
    return (
        f"({columns.format(head='TRUE')}{where} AND search_vector_head @@ {TSQUERY}) UNION ALL "
        f"({columns.format(head='FALSE')}{where} AND search_vector @@ {TSQUERY} "
        f"AND NOT search_vector_head @@ {TSQUERY})",
        (*params, text, *params, text, text),
        True,
    )


def census_statement(search: Search, facets: bool = True, titles: bool = False) -> Statement:
    """Count (to COUNT_CAP + 1) and, from the same ≤ COUNT_CAP rows, the three facets; with
    `titles`, the stories titled exactly as a plain query (the jump to a story), in the same
    round trip."""
    sample, params, split = _sample_sql(search)
    columns = ["(SELECT count(*) FROM found) AS total", f"numnode({TSQUERY}) AS lexemes"]
    params = (*params, search.parsed.text)
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
            " SELECT extract(year FROM published_at AT TIME ZONE %s)::int AS year, count(*) AS n"
            " FROM sample WHERE published_at IS NOT NULL GROUP BY 1) x) AS years",
            # Only authors with at least the FACET_LISTED-th largest count can be listed: join
            # names for those (ties included), not for every author in the sample.
            "(SELECT json_agg(x ORDER BY x.n DESC, x.name) FROM ("
            " SELECT au.name, au.slug, c.n FROM bylines c JOIN authors_author au ON au.id = c.author_id"
            f" WHERE c.n >= (SELECT n FROM bylines ORDER BY n DESC OFFSET {FACET_LISTED - 1} LIMIT 1)"
            f" OR (SELECT count(*) FROM bylines) < {FACET_LISTED}"
            f" ORDER BY c.n DESC, au.name LIMIT {FACET_LISTED}) x) AS authors",
        ]
        params = (*params, timezone.get_current_timezone_name())
        # The authors come from the sampled rows' own `search_filters` (their "a<id>" lexemes,
        # `filter_lexeme`), already read: looking up 1,000 stories' bylines cost 2-4 ms.
        tables = (
            ", bylines AS MATERIALIZED (SELECT substr(lexeme, 2)::bigint AS author_id, count(*) AS n"
            " FROM sample, unnest(tsvector_to_array(search_filters)) AS lexeme"
            " WHERE lexeme LIKE 'a%%' GROUP BY 1)"
        )
    else:
        tables = ""
    # With no more than COUNT_CAP matches the census has them all: it hands over their ids in
    # order, and the page is cut from those (no second match test: a phrase re-checks every
    # candidate's 5 KB body vector, ~10 µs each). Subqueries under CASE run only when needed.
    order = ORDERS["oldest" if search.sort == "oldest" else "newest", True]
    uncapped = f"(SELECT count(*) FROM found) <= {COUNT_CAP}"
    columns.append(f"CASE WHEN {uncapped} THEN ARRAY(SELECT id FROM found ORDER BY {order}) END AS ordered")
    if search.sort == "relevance":
        # The headline matches too, newest first, whenever the census holds all of them: with
        # the title/summary branch first, that is when it ended before the cap.
        newest = ORDERS["newest", True]
        complete = f"(SELECT count(*) FILTER (WHERE head) FROM found) <= {COUNT_CAP}" if split else uncapped
        columns.append(
            f"CASE WHEN {complete} THEN ARRAY(SELECT id FROM found WHERE head ORDER BY {newest}) END AS heads"
        )
    if titles and (title := _plain_title(search)):
        where, where_params = search.where
        columns.append(
            f"ARRAY(SELECT slug FROM articles_article WHERE {where} "
            "AND upper(title::text) = upper(%s) LIMIT 2) AS titles"  # the article_title_upper_idx expression
        )
        params = (*params, *where_params, title)
    sql = (
        f"WITH found AS MATERIALIZED ({sample} LIMIT {COUNT_CAP + 1}), "
        f"sample AS MATERIALIZED (SELECT * FROM found LIMIT {COUNT_CAP}){tables} "
        f"SELECT {', '.join(columns)}"
    )
    # Without words there is no vector to protect: the planner's own choice is right.
    return Statement(sql, params, CENSUS_SETTINGS if search.parsed.text else ("jit = off",))


def census(search: Search, facets: bool = True, titles: bool = False) -> Census:
    statement = census_statement(search, facets, titles)
    with _scope(search.db), connections[search.db].cursor() as cursor:
        cursor.execute(statement.text, statement.params)
        row = dict(zip((column[0] for column in cursor.description), cursor.fetchone(), strict=True))
    capped = row["total"] > COUNT_CAP
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
        min(row["total"], COUNT_CAP),
        capped,
        found,
        row["lexemes"],
        row["ordered"],
        row.get("heads"),
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
    parts += (search.headlines_only,)
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


def count_and_facets(search: Search) -> tuple[int, bool, Facets]:
    """(count, capped, facets) from one pass over at most COUNT_CAP + 1 matches."""
    found = census(search)
    return found.total, found.capped, found.facets


# --- the page: ordered ids, then those rows with snippets ---


def _head_candidates(search: Search) -> tuple[str, tuple]:
    """Tier 1's candidates: the newest HEAD_CANDIDATES title/summary matches, with their head
    vectors. One UNION ALL branch per window of years, newest first, under one LIMIT: a later
    window is only read when the earlier ones held too few. Each window sorts its matches
    (`+ interval '0'`: no date-index walk, which visits ~20,000 rows to find 500 matches of a
    word in 2.5% of headlines). A window is its years' lexemes in `search_filters` (migration
    0008), a condition of the head index's own scan: only the window's matches are visited (a
    10% word at 1M stories: 10.7 → 1.9 ms; ANDing a date range of the listing index cost as
    much as reading all 3,800 matches). The last window, the oldest years and undated stories,
    is a date condition: it is only read for a word with few recent matches."""
    where, params = search.where
    text = search.parsed.text
    match = f"search_vector_head @@ {TSQUERY}"
    match_params: tuple = (text,)
    if search.excludes:
        match += f" AND {search.vector} @@ {TSQUERY}"
        match_params = (text, text)
    windows: list[tuple[str, tuple]] = []
    newer = timezone.now().year + 1  # no public story is dated later (the gate: up to now)
    for year in _head_windows(search):
        windows.append(("search_filters @@ %s::tsquery", (_any_lexeme("year", range(year, newer)),)))
        newer = year
    if not windows:
        windows.append(("TRUE", ()))
    else:
        oldest = datetime(newer, 1, 1, tzinfo=UTC)
        windows.append(("(published_at < %s OR published_at IS NULL)", (oldest,)))
    branches, branch_params = [], []
    for condition, condition_params in windows:
        branches.append(
            f"(SELECT id, published_at, search_vector_head FROM articles_article "
            f"WHERE {where} AND {match} AND {condition} "
            f"ORDER BY {ORDERS['newest', False]} LIMIT {HEAD_CANDIDATES})"
        )
        branch_params += [*params, *match_params, *condition_params]
    union = " UNION ALL ".join(branches)
    return f"SELECT * FROM ({union}) windows LIMIT {HEAD_CANDIDATES}", tuple(branch_params)


def _head_windows(search: Search) -> tuple[int, ...]:
    """The first (UTC) year of each window for `_head_candidates`, newest first; none for a word
    in no more headlines than the census holds (it then hands them over). The first window is
    sized to hold ~1.5 × HEAD_CANDIDATES of the estimated matches if they were spread evenly over
    the archive's stories, the second four times that (for an archive whose recent stories use
    the word less), both rounded out to whole years. Results never depend on the windows, only
    cost."""
    estimate = _estimated_head_matches(search)
    if estimate <= COUNT_CAP:
        return ()
    histogram = _date_statistics(search.db)
    if len(histogram) < 10:  # no statistics yet (a new archive): fixed ages instead
        year = timezone.now().year
        return (year - 1, year - 4)
    share = 1.5 * HEAD_CANDIDATES / estimate
    last = len(histogram) - 1
    picked = {histogram[max(0, round(last * (1 - min(1.0, part))))].year for part in (share, 4 * share)}
    return tuple(sorted(picked, reverse=True))


def _estimated_head_matches(search: Search) -> float:
    """The planner's estimate of the search's title/summary matches (EXPLAIN: planning only,
    ~0.3 ms; its statistics on `search_vector_head` are within a few % for common words)."""
    where, params = search.where
    sql = (
        "EXPLAIN (FORMAT JSON) SELECT 1 FROM articles_article "
        f"WHERE {where} AND search_vector_head @@ {TSQUERY}"
    )
    with connections[search.db].cursor() as cursor:
        cursor.execute(sql, (*params, search.parsed.text))
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


def _ordered_ids(search: Search, start: int, stop: int, capped: bool) -> tuple[str, tuple]:
    """A SELECT of the ids of results start..stop, in order."""
    where, params = search.where
    text = search.parsed.text
    window = f"OFFSET {int(start)} LIMIT {int(stop - start)}"
    if search.sort != "relevance":
        match = f" AND {search.vector} @@ {TSQUERY}" if text else ""
        order = ORDERS[search.sort, capped or not text]
        return (
            f"SELECT id FROM articles_article WHERE {where}{match} ORDER BY {order} {window}",
            (*params, *((text,) if text else ())),
        )
    heads, head_params = _head_candidates(search)
    recency = RECENCY_SQL.format(published_at="published_at")
    # Append runs its branches in order and stops when the LIMIT is met: the body-only tier is
    # not even started while the ranked heads fill the page.
    sql = (
        f"WITH heads AS MATERIALIZED ({heads}) "
        "SELECT id FROM ("
        f"(SELECT id FROM heads ORDER BY ts_rank(search_vector_head, {TSQUERY}) * {recency} DESC, "
        f"{ORDERS['newest', True]}) "
        "UNION ALL "
        f"(SELECT id FROM articles_article WHERE {where} AND {search.vector} @@ {TSQUERY} "
        f"AND id NOT IN (SELECT id FROM heads) ORDER BY {ORDERS['newest', capped]})"
        f") tiers {window}"
    )
    return sql, (*head_params, text, RECENCY_DAYS, *params, text)


def _rows_sql(ids_sql: str, search: Search, snippets: bool = True) -> tuple[str, tuple]:
    """The rows whose ids `ids_sql` (an array) lists, in its order, with a snippet when there are
    words. `ts_headline` is evaluated for these rows only."""
    columns = f"{PAGE_COLUMNS}, s.name AS section_name, s.slug AS section_slug"
    params: tuple = ()
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
            "regexp_replace(substr(a.body, greatest(strpos(lower(a.body), %s) - "
            f"{SNIPPET_BEFORE}, 1), {SNIPPET_LENGTH}), '^[^<]*>|<[^>]*$', '', 'g')),"
            " %s, ''), "
            f"{TSQUERY}, %s) AS snippet"
        )
        params = (_locator(search.parsed), START_SEL + STOP_SEL, search.parsed.text, HEADLINE_OPTIONS)
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
        ids_sql, ids_params = _ordered_ids(search, start, stop, capped)
    rows_sql, rows_params = _rows_sql(f"ARRAY({ids_sql})", search, snippets)
    return Statement(rows_sql, (*rows_params, *ids_params), PAGE_SETTINGS)


def hits_statement(ids: Sequence[int], search: Search) -> Statement:
    """Given rows (by id, in that order) with snippets."""
    rows_sql, rows_params = _rows_sql("%s::bigint[]", search)
    return Statement(rows_sql, (*rows_params, list(ids)), PAGE_SETTINGS)


def _ordered_ids_from(search: Search, start: int, stop: int, found: Census) -> tuple[str, tuple]:
    """`_ordered_ids` from the census's ids: date sorts are a slice of them (uncapped); relevance
    ranks the newest HEAD_CANDIDATES headline matches (fetched by id), then the rest newest
    first: from the census's ids when it holds every match, else matched again."""
    window = f"OFFSET {int(start)} LIMIT {int(stop - start)}"
    if search.sort != "relevance":
        return "SELECT unnest(%s::bigint[])", ((found.ordered or [])[start:stop],)
    candidates = (found.heads or [])[:HEAD_CANDIDATES]
    if found.ordered is not None:
        chosen = set(candidates)
        rest = [pk for pk in found.ordered if pk not in chosen]
        if start >= len(candidates):
            offset = start - len(candidates)
            return "SELECT unnest(%s::bigint[])", (rest[offset : offset + stop - start],)
        tier2 = "(SELECT id FROM unnest(%s::bigint[]) WITH ORDINALITY AS rest(id, ord) ORDER BY ord)"
        tier2_params: tuple = (rest[: stop - len(candidates)],)
    else:
        where, params = search.where
        tier2 = (
            f"(SELECT id FROM articles_article WHERE {where} AND {search.vector} @@ {TSQUERY} "
            f"AND id <> ALL(%s::bigint[]) ORDER BY {ORDERS['newest', True]})"
        )
        tier2_params = (*params, search.parsed.text, candidates)
    recency = RECENCY_SQL.format(published_at="published_at")
    sql = (
        "SELECT id FROM ("
        f"(SELECT id FROM articles_article WHERE id = ANY(%s::bigint[]) "
        f"ORDER BY ts_rank(search_vector_head, {TSQUERY}) * {recency} DESC, {ORDERS['newest', True]}) "
        f"UNION ALL {tier2}"
        f") tiers {window}"
    )
    return sql, (candidates, search.parsed.text, RECENCY_DAYS, *tier2_params)


def _hits(search: Search, statement: Statement) -> list[Hit]:
    hits = []
    for article in _fetch_articles(search.db, statement):
        if article.section_id is not None:
            article.section = Section(
                id=article.section_id, name=article.section_name, slug=article.section_slug
            )
        raw = getattr(article, "snippet", "")
        hits.append(Hit(article, render_snippet(raw), text_fragment(raw)) if raw else Hit(article))
    return hits


def page_hits(ids: Sequence[int], search: Search) -> list[Hit]:
    """The given articles in order, with highlighted snippets: one query, for these rows only."""
    return _hits(search, hits_statement(ids, search)) if ids else []


def page_ids(search: Search, start: int, stop: int, capped: bool) -> list[int]:
    """The ids of results start..stop in the search's order."""
    if stop <= start:
        return []
    sql, params = _ordered_ids(search, start, stop, capped)
    return [row[0] for row in _fetch(search.db, Statement(sql, params, PAGE_SETTINGS))]


def _locator(parsed: ParsedQuery) -> str:
    """A prefix of the first wanted word, roughly stem-proof ("kremlins" → "kreml"), used to cut
    the body down to a window around its first occurrence before ts_headline parses it."""
    for token in parsed.tokens:
        if token.kind in ("term", "phrase"):
            word = token.value.split()[0].lower()
            return word[: max(4, len(word) - 3)]
    return ""


# --- running statements ---


@contextmanager
def _scope(db: str) -> Iterator[None]:
    """Outside a transaction a statement's SET LOCALs end with it. Inside one (tests, or a caller's
    atomic block) they would last to its end: run in a savepoint and roll it back (reads only)."""
    if not connections[db].in_atomic_block:
        yield
        return
    with transaction.atomic(using=db):
        yield
        transaction.set_rollback(True, using=db)


def _fetch(db: str, statement: Statement) -> list[tuple]:
    with _scope(db), connections[db].cursor() as cursor:
        cursor.execute(statement.text, statement.params)
        return cursor.fetchall()


def _fetch_articles(db: str, statement: Statement) -> list[Article]:
    with _scope(db):
        return list(Article.objects.raw(statement.text, statement.params, using=db))


def rank_all(matches: QuerySet, tsquery: SearchQuery) -> QuerySet:
    """The unbounded reference: full-vector ts_rank over every match (benchmarks and tests only)."""
    recency = RawSQL(
        RECENCY_SQL.format(published_at='"articles_article"."published_at"'),
        [RECENCY_DAYS],
        output_field=FloatField(),
    )
    score = SearchRank(F("search_vector"), tsquery) * recency
    return matches.annotate(score=score).order_by("-score", *NEWEST)


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
        empty = Paginator(_Counted(0), PAGE_SIZE)
        return ResultsPage(Page([], 1, empty), [], 0, False, Facets(), stopped=True)
    if ran.headlines_only:
        search.messages.append(HEADLINES_ONLY)
    return results


def _run_search(search: Search, page_number: int | str, title_jump: bool) -> ResultsPage:
    found = cached_census(search, titles=title_jump)
    paginator = Paginator(_Counted(found.total), PAGE_SIZE)
    if found.title_match:
        return ResultsPage(
            Page([], 1, paginator), [], found.total, found.capped, found.facets, title_match=found.title_match
        )
    number = paginator.validate_number(page_number)
    start = (number - 1) * PAGE_SIZE
    stop = min(start + PAGE_SIZE, found.total)
    hits = _hits(search, page_statement(search, start, stop, found)) if stop > start else []
    suggestion = ""
    if not found.total and search.parsed.text:
        # Only a search that found nothing pays for the vocabulary look-up.
        if not found.lexemes:
            search.messages.append(STOP_WORDS_ONLY)
        suggestion = suggest(search.parsed, search.db)
    return ResultsPage(
        Page(hits, number, paginator), hits, found.total, found.capped, found.facets, suggestion
    )


def newest_articles(search: Search, count: int) -> list[Article]:
    """The newest `count` matches (the search's feed): a census without facets, then one page.
    Past the time budget, in titles and summaries only; none if that runs out of time too."""

    def newest_page(newest: Search) -> list[Article]:
        found = census(newest, facets=False)
        return [hit.article for hit in _hits(newest, page_statement(newest, 0, count, found, snippets=False))]

    articles, _ran = within_budget(newest_page, Search(search.parsed, "newest", db=search.db))
    return articles or []
