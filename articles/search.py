"""Full-text search over the public archive: the logic behind /search/ and its feed.

Everything starts from `Article.objects.published()`, the one gate for what readers see.

Cost model (measured, bench/RESULTS.md "## Search"): the stored body vector is ~5 KB and TOASTed,
so every row whose `search_vector` PostgreSQL must *read* (to rank it, or to test it outside the
GIN index) costs tens of µs; ranking or counting every match of a common word takes seconds on a
large archive. So the page never reads body vectors in bulk:

Relevance, in two tiers (a total order, so pages are stable):
  1. the newest HEAD_CANDIDATES stories matching in title or summary, scored by the small,
     inline `search_vector_head`:
         score = ts_rank(search_vector_head, q) * (0.5 + 0.5 * exp(-age_days / RECENCY_DAYS))
     (a story loses at most half its weight to age; undated stories count as old);
  2. then the stories that match only in the body, newest first.
Counts are exact up to COUNT_CAP and shown as "1,000+" beyond; the same ≤ COUNT_CAP rows feed
the section and year facets (and the author facet), so facets say "sample" when capped.
Snippets (`ts_headline`, which re-parses each document) are computed for the shown page only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db import connections, router, transaction
from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from articles.models import Article, ArticleAuthor
from articles.search_extras import headline, render_snippet, suggest, text_fragment
from articles.search_extras import refresh_vocabulary as refresh_vocabulary
from articles.search_query import ParsedQuery
from authors.models import Author

CONFIG = "english"
PAGE_SIZE = 10
HEAD_CANDIDATES = 500
COUNT_CAP = 1_000
FACET_LIMIT = 8
RECENCY_DAYS = 5 * 365
SORTS = ("relevance", "newest", "oldest")
NEWEST = (F("published_at").desc(nulls_last=True), F("id").desc())
OLDEST = (F("published_at").asc(nulls_last=True), F("id").asc())
STOP_WORDS_ONLY = (
    "Your search has only very common words (such as “the” or “and”), which are not indexed. "
    "Try a more specific word."
)
RECENCY_SQL = (
    "COALESCE(0.5 + 0.5 * exp(-greatest(extract(epoch FROM now() - articles_article.published_at), 0)"
    " / 86400.0 / %s), 0.5)"
)


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


@dataclass
class Search:
    """One search: the parsed query and filters, with its match set built lazily."""

    parsed: ParsedQuery
    sort: str = "relevance"
    messages: list[str] = field(default_factory=list)
    page_url: str = ""  # set by the feed
    # One database alias for all of a search's queries (a read replica when there are some), so
    # its planner setting and its transaction cover every query (run_search).
    db: str = ""

    def __post_init__(self) -> None:
        self.db = self.db or router.db_for_read(Article)
        if self.sort not in SORTS or (self.sort == "relevance" and not self.parsed.text):
            self.sort = self.sort if self.sort in ("newest", "oldest") else "newest"
        self.tsquery = SearchQuery(self.parsed.text, search_type="websearch", config=CONFIG)

    @property
    def active(self) -> bool:
        return bool(self.parsed.text or self.parsed.has_filters)

    def base(self) -> QuerySet:
        return filter_articles(Article.objects.using(self.db).published(), self.parsed)

    def matches(self) -> QuerySet:
        queryset = self.base()
        return queryset.filter(search_vector=self.tsquery) if self.parsed.text else queryset

    def head_matches(self) -> QuerySet:
        """Matches in title or summary. Without exclusions a head match is a full match, so the
        body vector is not read; `-word` must still be checked against the body."""
        queryset = self.base().filter(search_vector_head=self.tsquery)
        if any(token.kind == "exclude" for token in self.parsed.tokens):
            queryset = queryset.filter(search_vector=self.tsquery)
        return queryset

    def has_lexemes(self) -> bool:
        """False when the text is only stop words or punctuation (Postgres would match nothing)."""
        if not self.parsed.text:
            return True
        with connections[self.db].cursor() as cursor:
            cursor.execute("SELECT numnode(websearch_to_tsquery(%s, %s))", [CONFIG, self.parsed.text])
            return cursor.fetchone()[0] > 0


def filter_articles(queryset: QuerySet, parsed: ParsedQuery) -> QuerySet:
    """Apply author/section/date filters; names match case-insensitively, by name or slug."""
    if parsed.section:
        queryset = queryset.filter(
            Q(section__name__iexact=parsed.section) | Q(section__slug=slugify(parsed.section))
        )
    if parsed.author:
        authors = Author.objects.filter(Q(name__icontains=parsed.author) | Q(slug=slugify(parsed.author)))
        by_author = ArticleAuthor.objects.filter(article=OuterRef("pk"), author__in=authors.values("pk"))
        queryset = queryset.filter(Exists(by_author))
    if parsed.after:
        queryset = queryset.filter(published_at__gte=_day_start(parsed.after))
    if parsed.before:
        # "before:D" includes D itself, like "after:D".
        queryset = queryset.filter(published_at__lt=_day_start(parsed.before + timedelta(days=1)))
    return queryset


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def count_and_facets(search: Search) -> tuple[int, bool, Facets]:
    """(count, capped, facets) from one pass over at most COUNT_CAP + 1 matches."""
    rows = list(
        search.matches()
        .order_by()  # the model's default ordering would sort every match before the LIMIT
        .annotate(year=ExtractYear("published_at"))
        .values_list("pk", "section__name", "section__slug", "year")[: COUNT_CAP + 1]
    )
    capped = len(rows) > COUNT_CAP
    rows = rows[:COUNT_CAP]
    sections = Counter((name, slug) for _, name, slug, _ in rows if name)
    years = Counter(year for *_, year in rows if year)
    authors = (
        ArticleAuthor.objects.using(search.db)
        .filter(article_id__in=[row[0] for row in rows])
        .values_list("author__name", "author__slug")
        .annotate(n=Count("pk"))
        .order_by("-n", "author__name")[:FACET_LIMIT]
        if rows
        else []
    )
    facets = Facets(
        sections=[{"name": n, "slug": s, "n": c} for (n, s), c in sections.most_common(FACET_LIMIT)],
        authors=[{"name": n, "slug": s, "n": c} for n, s, c in authors],
        years=[{"year": y, "n": c} for y, c in sorted(years.items(), reverse=True)],
        sampled=capped,
    )
    return len(rows), capped, facets


def dated(search: Search, capped: bool) -> QuerySet:
    """Matches newest (or oldest) first. With few matches, sort them all: walking the date index
    instead would read the body vector of every story on the way (the rare-term trap)."""
    order = NEWEST if search.sort != "oldest" else OLDEST
    matches = search.matches()
    if capped or not search.parsed.text:
        return matches.order_by(*order)
    unindexed = ExpressionWrapper(F("published_at") + timedelta(0), output_field=DateTimeField())
    key = unindexed.asc(nulls_last=True) if search.sort == "oldest" else unindexed.desc(nulls_last=True)
    return matches.order_by(key, order[1])


def ranked_heads(search: Search) -> QuerySet:
    """Tier 1 of relevance: the newest HEAD_CANDIDATES title/summary matches, scored by the small
    vector (module docstring). Bounded, so a word in thousands of headlines costs the same."""
    recency = RawSQL(RECENCY_SQL, [RECENCY_DAYS], output_field=FloatField())
    score = SearchRank(F("search_vector_head"), search.tsquery) * recency
    candidates = search.head_matches().order_by(*NEWEST).values("pk")[:HEAD_CANDIDATES]
    return (
        Article.objects.using(search.db)
        .filter(pk__in=candidates)
        .annotate(score=score)
        .order_by("-score", *NEWEST)
    )


def page_ids(search: Search, start: int, stop: int, capped: bool) -> list[int]:
    """The ids of results start..stop in the search's order."""
    if stop <= start:
        return []
    if search.sort != "relevance":
        return list(dated(search, capped).values_list("pk", flat=True)[start:stop])
    heads = list(ranked_heads(search).values_list("pk", flat=True)[:HEAD_CANDIDATES])
    ids = heads[start:stop]
    if len(ids) < stop - start:
        offset = max(0, start - len(heads))
        body_only = dated(Search(search.parsed, "newest", db=search.db), capped).exclude(pk__in=heads)
        ids += body_only.values_list("pk", flat=True)[offset : offset + stop - start - len(ids)]
    return ids


def is_broad(search: Search) -> bool:
    """More than COUNT_CAP matches? (decides how `dated` sorts; one bounded query)."""
    return search.matches().order_by().values("pk")[: COUNT_CAP + 1].count() > COUNT_CAP


def rank_all(matches: QuerySet, tsquery: SearchQuery) -> QuerySet:
    """The unbounded reference: full-vector ts_rank over every match (benchmarks and tests only)."""
    recency = RawSQL(RECENCY_SQL, [RECENCY_DAYS], output_field=FloatField())
    score = SearchRank(F("search_vector"), tsquery) * recency
    return matches.annotate(score=score).order_by("-score", *NEWEST)


def page_hits(ids: list[int], search: Search) -> list[Hit]:
    """The page's articles in order, with highlighted snippets: one query, for these rows only."""
    rows = Article.objects.using(search.db).filter(pk__in=ids).select_related("section").order_by()
    rows = rows.defer("body", "search_vector", "search_vector_head")
    if not search.parsed.text:
        by_id = {article.pk: Hit(article) for article in rows}
        return [by_id[pk] for pk in ids if pk in by_id]
    snippet = headline(search.tsquery, _locator(search.parsed))
    by_id = {article.pk: article for article in rows.annotate(snippet=snippet)}
    return [
        Hit(by_id[pk], render_snippet(by_id[pk].snippet), text_fragment(by_id[pk].snippet))
        for pk in ids
        if pk in by_id
    ]


def _locator(parsed: ParsedQuery) -> str:
    """A prefix of the first wanted word, roughly stem-proof ("kremlins" → "kreml"), used to cut
    the body down to a window around its first occurrence before ts_headline parses it."""
    for token in parsed.tokens:
        if token.kind in ("term", "phrase"):
            word = token.value.split()[0].lower()
            return word[: max(4, len(word) - 3)]
    return ""


class _CountedIds:
    """Paginator input with a known (capped) count: only the requested slice of ids is queried."""

    def __init__(self, search: Search, total: int, capped: bool) -> None:
        self.search, self.total, self.capped = search, total, capped

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, key: slice) -> list[int]:
        return page_ids(self.search, key.start or 0, key.stop or self.total, self.capped)


@dataclass
class ResultsPage:
    page: Page
    hits: list[Hit]
    total: int
    capped: bool
    facets: Facets
    suggestion: str = ""


def run_search(search: Search, page_number: int | str) -> ResultsPage:
    """Count, facet, order, paginate, highlight and suggest. Raises InvalidPage for a bad page."""
    with transaction.atomic(using=search.db), connections[search.db].cursor() as cursor:
        # A match test outside the GIN index reads a TOASTed 5 KB vector per row, a cost the
        # planner does not see: without this, "LIMIT 1001" over a very common word picks a
        # sequential scan that is several times slower than the bitmap index scan.
        cursor.execute("SET LOCAL enable_seqscan = off")
        return _run(search, page_number)


def _run(search: Search, page_number: int | str) -> ResultsPage:
    total, capped, facets = count_and_facets(search)
    page = Paginator(_CountedIds(search, total, capped), PAGE_SIZE).page(page_number)
    hits = page_hits(list(page.object_list), search)
    suggestion = ""
    if not total and search.parsed.text:
        # Only a search that found nothing pays for these two look-ups.
        if not search.has_lexemes():
            search.messages.append(STOP_WORDS_ONLY)
        suggestion = suggest(search.parsed, search.db)
    return ResultsPage(page, hits, total, capped, facets, suggestion)


def exact_title(search: Search) -> Article | None:
    """The one public article whose title is exactly the (plain) query, for a direct jump."""
    if not search.parsed.is_plain or search.parsed.has_filters:
        return None
    title = " ".join(token.raw for token in search.parsed.tokens)
    found = list(Article.objects.published().filter(title__iexact=title).only("slug")[:2])
    return found[0] if len(found) == 1 else None
