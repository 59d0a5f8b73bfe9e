"""A search's SQL: its tunables and its WHERE clause (the public gate and the reader's filters,
compiled by the ORM once per search, with named parameters). How a statement is written and run
is in `articles/search/statements.py`; the design is in `articles/search/__init__.py`."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import TypeVar

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import FullResultSet
from django.db import router
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.text import slugify

from articles.archive_state import archive_cached
from articles.models import Article, ArticleAuthor, Section, filter_lexeme
from articles.rules import listing_order_sql
from articles.search import limits
from articles.search.limits import FILTER_CACHE_SECONDS
from articles.search.query import ParsedQuery
from articles.search.statements import Statement, fetch_rows, merge, named, named_placeholders
from articles.search.synonyms import tsquery_sql
from authors.models import Author

CONFIG = "english"
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
# Statements take named parameters (`%(query)s`): a statement's are one dict merged from its parts
# (`merge`), and a value used twice is written once. A literal % in their SQL is written %%.
TSQUERY = "websearch_to_tsquery('english'::regconfig, %(query)s)"


def recency_sql(published_at: str = "published_at", days: str = "%(recency_days)s") -> str:
    """The recency factor in double precision (numeric exp() cost ~3 µs a row, 1.5 ms for 500
    candidates). `days` is the SQL for RECENCY_DAYS: the statements' named parameter, or `%s` in
    the ORM's RawSQL; the exponent is capped so a story thousands of years old cannot underflow
    exp(). An undated story counts as old (0.5): its NULL age is tested first, since greatest()
    skips NULLs (a COALESCE around the whole gave undated stories full weight)."""
    return (
        f"CASE WHEN {published_at} IS NULL THEN 0.5::float8 ELSE 0.5 + 0.5 * exp(-least(greatest("
        f"extract(epoch FROM now() - {published_at})::float8, 0) / (86400.0 * {days}), 700)) END"
    )


# Date orders. The "unindexed" ones (`+ interval '0'`) stop the planner from walking the date
# index: on a rare word that walk would test the body vector of nearly every story (the
# rare-term trap); a bitmap scan of the matches and a sort is then far cheaper.
ORDERS = {
    ("newest", True): listing_order_sql(),
    ("oldest", True): "published_at ASC NULLS LAST, id ASC",
    ("newest", False): listing_order_sql("published_at + interval '0'"),
    ("oldest", False): "published_at + interval '0' ASC NULLS LAST, id ASC",
}
# A match test outside the GIN index reads a 5 KB vector per row, a cost the planner does
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
# Columns the results page shows (the rest of the row stays deferred).
PAGE_COLUMNS = "a.id, a.title, a.slug, a.summary, a.published_at, a.byline, a.section_id"


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
    # The planner's estimates of its matches (`relevance.estimated_matches`), read once.
    estimates: tuple[float, float, float] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.db = self.db or router.db_for_read(Article)
        if self.sort not in SORTS or (self.sort == "relevance" and not self.parsed.text):
            self.sort = self.sort if self.sort in ("newest", "oldest") else "newest"
        self.tsquery = SearchQuery(self.parsed.text, search_type="websearch", config=CONFIG)
        # The tsquery as the statements write it: TSQUERY, or composed with the query's alternate
        # forms (`articles.search.synonyms`); `query_params` are its parameters.
        self.tsquery_sql, self.query_params = tsquery_sql(self.parsed)

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
    def conditions(self) -> list[tuple[str, QuerySet]]:
        """`base()` part by part, each named for its parameters in `where`: the gate ("public"),
        the reader's filters (`filter_conditions`) and each phrase's candidates ("phrase_0", …)."""
        stories = Article.objects.using(self.db)
        parts = [("public", stories.published())]
        parts += [
            (name, stories.filter(condition)) for name, condition in filter_conditions(self.parsed, self.db)
        ]
        parts += [(f"phrase_{n}", stories.filter(q)) for n, q in enumerate(self.phrase_candidates) if q]
        return parts

    @cached_property
    def phrase_candidates(self) -> list[Q]:
        """One condition per quoted phrase every match must hold (a query each, read once)."""
        return [phrase_candidates(phrase, self.db) for phrase in self.parsed.required_phrases]

    @cached_property
    def where(self) -> tuple[str, dict[str, object]]:
        """`base()` as SQL over the unaliased `articles_article` table, as the ORM compiles it,
        with its parameters named for their part of `conditions`: `%(public_0)s`, `%(section_0)s`,
        `%(author)s`, `%(filters)s`, `%(after)s`, `%(phrase_0)s`…"""
        clauses, params, count = [], {}, 0
        for name, part in self.conditions:
            compiler = part.query.get_compiler(using=self.db)
            sql, values = _compile_conditions(compiler, part.query.where.children)
            if sql:
                part_params = named(values, name)
                clauses.append(named_placeholders(" AND ".join(sql), list(part_params)))
                params, count = merge(params, part_params), count + len(sql)
        text = " AND ".join(clauses)
        return (f"({text})" if count > 1 else text), params


def _compile_conditions(compiler, children: Sequence) -> tuple[list[str], list]:
    """The conditions of an AND as the ORM compiles them (WhereNode.as_sql): one that holds for
    every story is left out; one that holds for none raises EmptyResultSet."""
    clauses, params = [], []
    for child in children:
        try:
            sql, child_params = compiler.compile(child)
        except FullResultSet:
            continue
        if sql:
            clauses.append(sql)
            params += child_params
    return clauses, params


def filter_articles(queryset: QuerySet, parsed: ParsedQuery) -> QuerySet:
    """Apply author/section/date filters (`filter_conditions`)."""
    for _name, condition in filter_conditions(parsed, queryset.db):
        queryset = queryset.filter(condition)
    return queryset


def filter_conditions(parsed: ParsedQuery, db: str) -> list[tuple[str, Q | Func | Exists]]:
    """The author/section/date filters as conditions, each with its name in `Search.where`; names
    match case-insensitively, by name or slug.

    With words, the section and author filters are one condition on the story's
    `search_filters` lexemes, which share the words' GIN index: PostgreSQL intersects them inside
    the index scan. Without words they are index conditions the listing indexes serve (a
    section's stories newest first; an author's, by their ids). Never joins, so `Search.where`
    stands on its own."""
    conditions: list[tuple[str, Q | Func | Exists]] = []
    if parsed.text and (parsed.section or parsed.author):
        conditions.append(("filters", Matches(F("search_filters"), Value(_filter_query(parsed, db)))))
    else:
        if parsed.section:
            sections = _sections_named(parsed.section, db)
            conditions.append(("section", AnyOf(F("section_id"), ArraySubquery(sections.values("pk")))))
        if parsed.author:
            conditions.append(("author", _by_authors(_authors_named(parsed.author, db), db)))
    if parsed.after:
        conditions.append(("after", Q(published_at__gte=_day_start(parsed.after))))
    if parsed.before and parsed.before < date.max:
        # "before:D" includes D itself, like "after:D"; the last day a date can name bounds nothing.
        conditions.append(("before", Q(published_at__lt=_day_start(parsed.before + timedelta(days=1)))))
    return conditions


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
    [(pair_count, ids)] = fetch_rows(db, phrase_candidates_statement(phrase))
    if not pair_count or len(ids) > limits.PHRASE_CANDIDATES_LIMIT:
        return Q()
    return Q(_one_of(ids))


def phrase_candidates_statement(phrase: str) -> Statement:
    """How many pairs the phrase has, and the ids of up to PHRASE_CANDIDATES_LIMIT + 1 stories
    holding them all."""
    pairs = "articles_phrase_pairs(to_tsvector('english'::regconfig, %(phrase)s))"
    return Statement(
        f"SELECT cardinality({pairs}), ARRAY(SELECT p.id FROM articles_article p"
        f" WHERE cardinality({pairs}) > 0 AND articles_phrase_pairs(p.search_vector) @> {pairs}"
        " LIMIT %(limit)s)",
        {"phrase": phrase, "limit": limits.PHRASE_CANDIDATES_LIMIT + 1},
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
    than limits.AUTHOR_IDS_LIMIT.

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
    ids = list(bylines.order_by().values_list("article_id", flat=True)[: limits.AUTHOR_IDS_LIMIT + 1])
    return ids if len(ids) <= limits.AUTHOR_IDS_LIMIT else None


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
