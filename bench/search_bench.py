"""Search benchmark: this app's search against naive baselines and the bare-index floor, in one run.

    EMBEDDED_DB_DIR=var/bench-postgres .venv/bin/python bench/search_bench.py --rounds 15

Needs an archive from bench/generate_archive.py. Query terms are drawn from the archive's own
document frequencies (≈50%, 10%, 1%, 0.1%, 0.01% of articles), plus two-word AND, OR, phrase,
filtered (by section and date, and by one author), newest-first and zero-hit queries. Variants
run alternately, in a shuffled order each round, on the same data and the same warm server:

- http:       GET /search/?q=… through Django's full stack (test client: URLs, middleware, view,
              template) with production settings (DEBUG off, as page_bench.py's server), every
              query the page runs (title jump, census, page, suggestion; the masthead's section
              menu is a cached fragment). The page cache is OFF (PAGE_CACHE_SECONDS=0), and so is the
              census cache (SEARCH_CACHE_SECONDS=0): this is real search work, not cache hits.
              `http_cached` (a separate table) is the same GET served from the page cache, for
              reference only.
- engine:     the same search work without HTTP/templates (`run_search`).
- page_orm:   the page's main statement (ranked ids + rows + snippets; for a search with no match,
              its census) built from the parsed query as the page builds it (the ORM compiles
              the gate and filters) and run through the ORM (`Article.objects.raw`, model
              instances); page_raw: the same SQL text via a cursor (no building, no models),
              after the query for a quoted phrase's candidates when the page runs one.
- floor:      bare GIN lookup of the same tsquery, LIMIT 20, no rank (the raw floor).
- rank_all:   stored vector, ts_rank over every match, exact count(*) (the naive "good" version).
- icontains / per_query_vector: the naive baselines (fewer rounds, 20 s statement timeout).

Hard checks (exit status 1 on failure): for every query class up to 10% document frequency
(including newest-first on a rare term, the planner trap) EXPLAIN shows the census finding the
matches through a GIN index, and the page statement using one too or taking its ids from the
census; bounded ranking keeps ≥ 90% of what full ranking puts in its top 10 of the 20 gold
queries' planted stories. The speed targets are checked and reported, not enforced.

Warm cache: the tables are read once before timing (`warm`), and one untimed round runs first.
`--write` replaces this archive size's block in bench/RESULTS.md ("## Search"), between its
`<!-- search-bench N -->` markers, and leaves the hand-written text around it alone.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BUCKETS = {"df50": 0.5, "df10": 0.1, "df1": 0.01, "df0.1": 0.001, "df0.01": 0.0001}
FAST = ("http", "engine", "page_orm", "page_raw", "floor", "rank_all")
SLOW = ("icontains", "per_query_vector")
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def pick_terms(cursor, per_bucket: int = 2) -> dict[str, list[str]]:
    """Lexemes at each document-frequency bucket, from a 10% sample, then counted exactly."""
    cursor.execute("SELECT count(*) FROM articles_article")
    total = cursor.fetchone()[0]
    cursor.execute(
        "SELECT word, ndoc FROM ts_stat('SELECT search_vector FROM articles_article "
        "TABLESAMPLE SYSTEM (10) REPEATABLE (1)') WHERE word ~ '^[a-z]{4,}$'"
    )
    sampled = cursor.fetchall()
    sample_size = max(1, _sample_rows(cursor))
    chosen = {}
    for name, target in BUCKETS.items():
        ranked = sorted(sampled, key=lambda row: abs(row[1] / sample_size - target))
        chosen[name] = _exact_closest(cursor, [word for word, _ in ranked[:40]], target * total, per_bucket)
    return chosen


def _sample_rows(cursor) -> int:
    cursor.execute("SELECT count(*) FROM articles_article TABLESAMPLE SYSTEM (10) REPEATABLE (1)")
    return cursor.fetchone()[0]


def _exact_closest(cursor, words: list[str], target: float, keep: int) -> list[str]:
    """Words whose stem is themselves (so the query finds exactly that lexeme), closest in count."""
    counted = []
    for word in words:
        cursor.execute("SELECT websearch_to_tsquery('english', %s)::text", [word])
        if cursor.fetchone()[0] != f"'{word}'":
            continue
        cursor.execute(
            "SELECT count(*) FROM articles_article "
            "WHERE search_vector @@ websearch_to_tsquery('english', %s)",
            [word],
        )
        counted.append((abs(cursor.fetchone()[0] - target), word))
    return [word for _, word in sorted(counted)[:keep]]


def pick_phrase(cursor, term: str) -> str:
    """Two adjacent words around a 1%-bucket term in a real body, as a quoted phrase. The
    neighbour must not be a stop word ("mice that" would search for "mice" alone)."""
    cursor.execute(
        "SELECT body FROM articles_article WHERE search_vector @@ to_tsquery('english', %s) LIMIT 20", [term]
    )
    for (body,) in cursor.fetchall():
        words = body.replace(".", " ").split()
        # The body holds an inflected form ("cases" for the lexeme "case"): take those that start alike.
        for at, word in enumerate(words[:-1]):
            if not word.lower().startswith(term[:4]):
                continue
            neighbour = words[at + 1].lower()
            cursor.execute("SELECT numnode(to_tsquery('english', %s))", [neighbour])
            if neighbour.isalpha() and cursor.fetchone()[0] > 0:
                return f'"{word.lower()} {neighbour}"'
    return f'"{term}"'


def query_classes(cursor) -> tuple[dict[str, tuple[str, str]], dict[str, list[str]]]:
    """name -> (q, sort)."""
    terms = pick_terms(cursor)
    cursor.execute("SELECT name FROM articles_section ORDER BY id LIMIT 1")
    section = cursor.fetchone()[0]
    cursor.execute("SELECT slug FROM authors_author ORDER BY id LIMIT 1")
    author = cursor.fetchone()[0]
    classes = {name: (words[0], "relevance") for name, words in terms.items() if words}
    classes |= {
        "and2": (f"{terms['df10'][0]} {terms['df1'][0]}", "relevance"),
        "or": (f"{terms['df1'][0]} or {terms['df0.1'][0]}", "relevance"),
        "phrase": (pick_phrase(cursor, terms["df1"][0]), "relevance"),
        "filtered": (f"{terms['df10'][0]} section:{section} after:2015-01-01", "relevance"),
        "by_author": (f"{terms['df10'][0]} author:{author}", "relevance"),
        "newest_common": (terms["df10"][0], "newest"),
        "newest_rare": (terms["df0.01"][0], "newest"),
        "zero": ("qzxvbnwplk", "relevance"),
    }
    return classes, terms


def use_synonyms(terms: dict[str, list[str]]) -> None:
    """Searches' known terms (`articles.search.synonyms.known_terms`, the editors' list) replaced
    by one group per frequency bucket, its two words: every query class's term is then searched
    with an alternate form as common as itself, the worst case of a synonym."""
    from articles.search import synonyms

    known = {}
    for words in terms.values():
        if len(words) == 2:
            known |= {word: tuple(words) for word in words}
    synonyms.known_terms = lambda: known
    print("Synonyms:", ", ".join(f"{a}/{b}" for a, b in {pair for pair in known.values()}))


class Runner:
    """One callable per variant; each takes (q, sort) and does the variant's whole work."""

    def __init__(self) -> None:
        from django.db import connection
        from django.test import Client

        self.client = Client(HTTP_HOST="127.0.0.1")
        self.connection = connection
        self._cache: dict = {}
        self.plans = ""

    def search(self, q: str, sort: str):
        """A new Search (its gate and filters not compiled yet) for the query as the form reads
        it; the form's parsing is done once (it is not database work)."""
        from articles.forms import SearchForm
        from articles.search.sql import Search
        from articles.search.synonyms import with_alternates

        key = ("form", q, sort)
        if key not in self._cache:
            form = SearchForm({"q": q, "sort": sort})
            form.is_valid()
            # As the page builds it: with the known alternate spellings (`--synonyms`).
            self._cache[key] = (with_alternates(form.parsed()), form.sort_value)
        parsed, sort_value = self._cache[key]
        return Search(parsed, sort_value)

    def http(self, q: str, sort: str) -> None:
        response = self.client.get("/search/", {"q": q, "sort": sort})
        assert response.status_code == 200, response.status_code

    def engine(self, q: str, sort: str) -> None:
        from articles.search.results import run_search

        run_search(self.search(q, sort), 1, title_jump=sort == "relevance")  # as the page runs it

    def census(self, q: str, sort: str):
        """The page's census (count, facets, and the matches' ids when there are ≤ 1,000)."""
        from articles.search.census import census

        key = ("census", q, sort)
        if key not in self._cache:
            self._cache[key] = census(self.search(q, sort))
        return self._cache[key]

    def capped(self, q: str, sort: str) -> bool:
        return self.census(q, sort).capped

    def main_statement(self, q: str, sort: str, search=None):
        """The page's main statement for page 1 as run_search builds it after the census: ranked
        (or date-ordered) ids, the rows, their snippets. A search with no match runs no page
        statement: its census is its main statement."""
        from articles.search.census import census_statement
        from articles.search.limits import PAGE_SIZE
        from articles.search.ranking import page_statement

        search = search or self.search(q, sort)
        if not self.census(q, sort).total:
            return census_statement(search)
        return page_statement(search, 0, PAGE_SIZE, self.census(q, sort))

    def page_orm(self, q: str, sort: str) -> None:
        from articles.search.census import census
        from articles.search.statements import fetch_articles

        search = self.search(q, sort)  # compiling the gate and filters is part of the ORM's cost
        if not self.census(q, sort).total:
            census(search)
            return
        fetch_articles(search.db, self.main_statement(q, sort, search))

    def page_raw(self, q: str, sort: str) -> None:
        with self.connection.cursor() as cursor:
            for statement in self._statements(q, sort):
                cursor.execute(statement.text, statement.params)
                cursor.fetchall()

    def _statements(self, q: str, sort: str) -> list:
        """The main statement, after the query for a quoted phrase's candidates when building it
        ran one (`phrase_candidates`: when the page matches again rather than cutting the
        census's ids), so that both variants do the same database work."""
        from articles.search.sql import phrase_candidates_statement

        key = ("sql", q, sort)
        if key not in self._cache:
            search = self.search(q, sort)
            statement = self.main_statement(q, sort, search)
            read_candidates = "phrase_candidates" in vars(search)
            phrases = search.parsed.required_phrases if read_candidates else ()
            self._cache[key] = [*map(phrase_candidates_statement, phrases), statement]
        return self._cache[key]

    def floor(self, q: str, sort: str) -> None:
        text = self.search(q, sort).parsed.text
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM articles_article WHERE search_vector @@ websearch_to_tsquery('english', %s) "
                "LIMIT 20",
                [text],
            )
            cursor.fetchall()

    def rank_all(self, q: str, sort: str) -> None:
        from tests.search_reference import matches, rank_all

        search = self.search(q, sort)
        list(rank_all(matches(search), search.tsquery).defer("body")[:20])
        matches(search).count()

    def icontains(self, q: str, sort: str) -> None:
        from articles.models import Article

        word = self.search(q, sort).parsed.text.split()[0].strip('"')
        matches = Article.objects.published().filter(body__icontains=word)
        list(matches.defer("body")[:20])
        matches.count()

    def per_query_vector(self, q: str, sort: str) -> None:
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        from articles.models import Article

        text = self.search(q, sort).parsed.text
        vector = (
            SearchVector("title", weight="A") + SearchVector("summary", weight="B") + SearchVector("body")
        )
        query = SearchQuery(text, search_type="websearch", config="english")
        matches = Article.objects.published().annotate(v=vector).filter(v=query)
        list(matches.annotate(rank=SearchRank(vector, query)).order_by("-rank").defer("body")[:20])
        matches.count()


def warm(connection) -> None:
    """Warm cache: read the stories' and bylines' tables once (they fit in shared_buffers; the
    sequential scans are not timed), so the first rounds do not pay for disk or OS-cache reads."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM articles_article WHERE search_vector_head IS NOT NULL")
        cursor.execute("SELECT count(*) FROM articles_articleauthor WHERE author_id > 0")
        cursor.execute("SELECT count(*) FROM articles_section WHERE id > 0")


def timed(call, q: str, sort: str, connection) -> float:
    start = time.perf_counter()
    try:
        call(q, sort)
    except Exception as error:  # statement timeout on a naive baseline: report it as such
        if "statement timeout" not in str(error):
            raise
        return float("inf")
    finally:
        if connection.needs_rollback or not connection.is_usable():
            connection.close()
    return (time.perf_counter() - start) * 1000


def measure(runner: Runner, classes: dict, variants: tuple, rounds: int, seed: int) -> dict:
    """{(class, variant): [ms, …]}: every round visits all pairs in a fresh shuffled order."""
    rng = random.Random(seed)
    samples: dict[tuple[str, str], list[float]] = {}
    pairs = [(name, variant) for name in classes for variant in variants]
    for _ in range(rounds):
        rng.shuffle(pairs)
        for name, variant in pairs:
            q, sort = classes[name]
            samples.setdefault((name, variant), []).append(
                timed(getattr(runner, variant), q, sort, runner.connection)
            )
    return samples


def explain_checks(runner: Runner, classes: dict) -> list[str]:
    """EXPLAIN both statements of the page (same text, same planner settings) for every class up
    to the 10% bucket. The census, which finds the matches, must use a GIN index. The page must
    use one too, or take its ids from the census (≤ limits.EXACT_LINE matches: ids looked up by
    primary key); never a sequential scan or a walk of the date index testing every story's vector."""
    from articles.search.census import census_statement

    problems, plans = [], []
    classes_checked = ("df10", "df1", "df0.1", "df0.01", "and2", "or", "phrase", "filtered", "by_author")
    for name in (*classes_checked, "newest_rare", "zero"):
        q, sort = classes[name]
        statements = {
            "census": census_statement(runner.search(q, sort)),
            "page": runner._statements(q, sort)[-1],
        }
        verdicts = []
        for part, statement in statements.items():
            settings = "".join(f"SET LOCAL {setting}; " for setting in statement.settings)
            with runner.connection.cursor() as cursor:
                cursor.execute(settings + "EXPLAIN " + statement.sql, statement.params)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            uses_gin = "article_search_gin" in plan or "article_search_head_gin" in plan
            by_ids = not uses_gin and "unnest" in plan and "Seq Scan on articles_article" not in plan
            if part == "page" and by_ids:  # the census handed every id (≤ limits.EXACT_LINE matches)
                verdicts.append("page ids from census")
                continue
            verdicts.append(f"{part} {'GIN' if uses_gin else 'NO GIN'}")
            if not uses_gin:
                problems.append(f"{name} {part} ({q!r}, {sort}) does not use a GIN index:\n{plan}")
            if part == "census" and name in ("filtered", "by_author") and not _filters_in_gin(plan):
                problems.append(f"{name} census ({q!r}) does not filter inside the GIN scan:\n{plan}")
            if part == "page" and not _years_in_gin(plan):
                problems.append(f"{name} page ({q!r}) tests a window's years outside the GIN scan:\n{plan}")
        plans.append(f"{name}: {', '.join(verdicts)}")
    runner.plans = "; ".join(plans)
    return problems


def _filters_in_gin(plan: str) -> bool:
    """The section or author filter is a condition of the text index's scan (migration 0007), and
    no other index is ANDed with the word's postings."""
    lines = plan.splitlines()
    scans = [n for n, line in enumerate(lines) if "Bitmap Index Scan on article_search_gin" in line]
    conditions = [lines[n + 1] for n in scans if n + 1 < len(lines)]
    both = any("search_filters @@" in c and "search_vector @@" in c for c in conditions)
    return both and "BitmapAnd" not in plan


def _years_in_gin(plan: str) -> bool:
    """A window of years (migration 0008) is a condition of a GIN index's scan (the head index's
    for headline matches, the text index's for text-only ones), whenever the page reads its
    candidates window by window: no match's row is read to test its date."""
    marker = "search_filters @@ '''y"
    lines = plan.splitlines()
    windows = [line for line in lines if marker in line]
    gin = ("Bitmap Index Scan on article_search_head_gin", "Bitmap Index Scan on article_search_gin")
    scans = [n for n, line in enumerate(lines) if any(index in line for index in gin)]
    in_scans = [lines[n + 1] for n in scans if n + 1 < len(lines) and marker in lines[n + 1]]
    return not windows or (bool(in_scans) and all("Cond:" in line for line in windows))


def relevance_check(runner: Runner, generator_seed: int) -> tuple[list[str], list[str]]:
    """The 20 judged queries: must-appear stories are the three planted per query (generator).
    Kept = the share of must-appear stories in full ranking's top 10 that bounded ranking's top 10
    also has (target ≥ 90%); overlap = the share of full ranking's whole top 10 it shares."""
    from articles.models import Article
    from bench.generate_archive import gold_queries, plant_gold, vocabulary
    from tests.search_reference import matches, page_ids, rank_all

    topics = vocabulary()[2]
    planted = plant_gold(generator_seed, Article.objects.count(), topics)
    lines, found_full, found_both, overlaps = [], 0, 0, []
    for q in gold_queries(topics):
        gold = {pk for pk, (words, _) in planted.items() if words == q.split()}
        search = runner.search(q, "relevance")
        full = list(rank_all(matches(search), search.tsquery).values_list("pk", flat=True)[:10])
        bounded = page_ids(search, 0, 10, runner.capped(q, "relevance"))
        in_full, in_both = gold & set(full), gold & set(full) & set(bounded)
        found_full, found_both = found_full + len(in_full), found_both + len(in_both)
        overlaps.append(len(set(full) & set(bounded)) / max(1, len(full)))
        lines.append(
            f"| `{q}` | {len(gold & set(full))}/3 | {len(gold & set(bounded))}/3 | {overlaps[-1]:.0%} |"
        )
    kept = found_both / max(1, found_full)
    mean = statistics.mean(overlaps)
    lines.append(f"| **all** | {found_full}/60 | kept **{kept:.0%}** of full's | mean {mean:.0%} |")
    problems = [] if kept >= 0.9 else [f"bounded ranking keeps only {kept:.0%} of what full ranking finds"]
    return lines, problems


def summarize(samples: dict, classes: dict, terms_df: dict) -> list[str]:
    variants = sorted({variant for _, variant in samples}, key=(FAST + SLOW).index)
    header = "| class | q | df | " + " | ".join(f"{v} p50/p95/max" for v in variants) + " |"
    lines = [header, "|" + "---|" * (len(variants) + 3)]
    for name in classes:
        cells = []
        for variant in variants:
            values = samples.get((name, variant))
            cells.append(_stats(values) if values else "–")
        q = classes[name][0] + (f" ({classes[name][1]})" if classes[name][1] != "relevance" else "")
        lines.append(f"| {name} | `{q}` | {terms_df.get(name, '')} | " + " | ".join(cells) + " |")
    return lines


def _stats(values: list[float]) -> str:
    if any(v == float("inf") for v in values):
        return "timeout (20 s)"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered):.1f} / {p95:.1f} / {ordered[-1]:.1f}"


# Issue 5's bars, by archive size (ms; over HTTP, every class, warm cache).
TARGETS = {100_000: {"p50": 15, "p95": 50}, 1_000_000: {"p50": 30, "p95": 150, "max": 500}}


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "p50": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
        "max": ordered[-1],
    }


def targets_for(articles: int) -> dict[str, float]:
    """The bar of the nearest size at or below this archive's (100k's for anything smaller)."""
    sizes = [size for size in sorted(TARGETS) if size <= articles * 1.05] or [min(TARGETS)]
    return TARGETS[sizes[-1]]


def ratios(samples: dict, classes: dict, articles: int) -> tuple[list[str], list[str]]:
    """The per-class ratios and the HTTP bar; returns (table lines, misses)."""

    def p50(name, variant):
        values = samples.get((name, variant))
        return statistics.median(values) if values else float("nan")

    bar = targets_for(articles)
    bar_text = ", ".join(f"{key} ≤ {value} ms" for key, value in bar.items())
    lines = [
        f"| class | rank_all ÷ engine | page_orm ÷ page_raw | page_orm ÷ floor | http {bar_text} |",
        "|---|---|---|---|---|",
    ]
    misses = []
    for name in classes:
        http = _percentiles(samples[name, "http"])
        failed = [key for key, limit in bar.items() if http[key] > limit]
        if failed:
            misses.append(f"{name} http {'/'.join(failed)}")
        lines.append(
            f"| {name} | {p50(name, 'rank_all') / p50(name, 'engine'):.1f}× "
            f"| {p50(name, 'page_orm') / p50(name, 'page_raw'):.2f}× "
            f"| {p50(name, 'page_orm') / p50(name, 'floor'):.1f}× "
            f"| {'NO (' + ', '.join(failed) + ')' if failed else 'yes'} |"
        )
    common = p50("df50", "rank_all") / p50("df50", "engine")
    if common < 20:
        misses.append(f"df50 rank_all ÷ engine {common:.1f}× < 20×")
    orm = [name for name in classes if p50(name, "page_orm") / p50(name, "page_raw") > 1.5]
    if orm:
        misses.append("page_orm ÷ page_raw > 1.5× for " + ", ".join(orm))
    return lines, misses


def cached_http(runner: Runner, classes: dict, rounds: int) -> list[str]:
    """The same GETs served from the page cache (PAGE_CACHE_SECONDS=300): for reference only."""
    from django.conf import settings
    from django.core.cache import cache

    settings.PAGE_CACHE_SECONDS = 300
    try:
        cache.clear()
        lines = ["| class | http_cached p50/p95/max |", "|---|---|"]
        for name, (q, sort) in classes.items():
            runner.http(q, sort)  # fills the cache
            times = [timed(runner.http, q, sort, runner.connection) for _ in range(rounds)]
            lines.append(f"| {name} | {_stats(times)} |")
        return lines
    finally:
        settings.PAGE_CACHE_SECONDS = 0
        cache.clear()


def document_frequencies(runner: Runner, classes: dict) -> dict[str, str]:
    from articles.models import Article
    from tests.search_reference import matches

    total = Article.objects.count()
    found = {}
    for name, (q, sort) in classes.items():
        count = matches(runner.search(q, sort)).count()
        found[name] = f"{count / total:.3%}"
    return found


def write_results(block: str, articles: int, kind: str = "search-bench") -> None:
    """Replace this size's generated block inside the "## Search" section of bench/RESULTS.md
    (between its markers, `kind`: "search-bench-http" for --http), leaving the hand-written text
    and the other blocks alone."""
    begin, end = f"<!-- {kind} {articles} -->", f"<!-- /{kind} {articles} -->"
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    generated = f"{begin}\n{block.strip()}\n{end}"
    if begin in text and end in text:
        text = text[: text.index(begin)] + generated + text[text.index(end) + len(end) :]
    else:
        start = text.find("\n## Search")
        if start < 0:
            text = text.rstrip("\n") + "\n\n## Search\n"
            start = text.find("\n## Search")
        following = text.find("\n## ", start + 1)
        following = len(text) if following < 0 else following
        text = text[:following].rstrip("\n") + "\n\n" + generated + "\n" + text[following:]
    RESULTS.write_text(text if text.endswith("\n") else text + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--slow-rounds", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--generator-seed", type=int, default=2026, help="the archive's --seed")
    parser.add_argument("--write", action="store_true", help="write the figures into bench/RESULTS.md")
    parser.add_argument(
        "--synonyms",
        action="store_true",
        help="give each query's term an alternate form of the same frequency (an OR of two terms)",
    )
    parser.add_argument(
        "--http",
        action="store_true",
        help="over HTTP against gunicorn (bench/search_http.py), beside in-process and hello",
    )
    args = parser.parse_args()
    if args.http and args.synonyms:
        parser.error("--synonyms replaces the list in this process only: gunicorn would not see it")

    from bench.page_bench import use_production_settings

    use_production_settings()  # what a server runs: DEBUG off (no per-query logging) …
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from articles.models import Article

    # Real search work, not page-cache hits (articles/page_cache.py serves search pages too).
    settings.PAGE_CACHE_SECONDS = 0
    started, load_before = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), os.getloadavg()
    runner = Runner()
    if args.http:
        return http_main(args, runner, started, load_before)
    with connection.cursor() as cursor:
        classes, terms = query_classes(cursor)
    if args.synonyms:
        use_synonyms(terms)
    frequencies = document_frequencies(runner, classes)
    warm(connection)
    measure(runner, classes, FAST, 1, args.seed)  # warm caches and connections
    fast = measure(runner, classes, FAST, args.rounds, args.seed)
    load_after = os.getloadavg()
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = '20s'")
    slow_classes = {name: classes[name] for name in ("df50", "df1", "df0.01", "zero")}
    slow = measure(runner, slow_classes, SLOW, args.slow_rounds, args.seed)
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
    cached = cached_http(runner, classes, args.rounds)
    problems = explain_checks(runner, classes)
    relevance, relevance_problems = relevance_check(runner, args.generator_seed)
    problems += relevance_problems
    articles = Article.objects.count()
    ratio_lines, misses = ratios(fast, classes, articles)
    command = " ".join(["bench/search_bench.py", *sys.argv[1:]])
    report = [
        f"#### {articles:,} articles — {started}",
        "",
        f"`EMBEDDED_DB_DIR={os.environ.get('EMBEDDED_DB_DIR', '')} .venv/bin/python {command}`; "
        f"{articles:,} articles ({Article.objects.published().count():,} public); {args.rounds} rounds of "
        f"the fast variants, {args.slow_rounds} of the naive ones; times in ms; page cache off. Load average "
        f"(1/5/15 min) {'/'.join(f'{x:.2f}' for x in load_before)} at the start, "
        f"{'/'.join(f'{x:.2f}' for x in load_after)} after the fast variants.",
        "",
        *summarize({**fast, **slow}, classes, frequencies),
        "",
        *ratio_lines,
        "",
        "Served from the page cache instead (PAGE_CACHE_SECONDS=300, a repeat of the same URL; "
        "not search work, for reference only):",
        "",
        *cached,
        "",
        "Relevance (gold = planted stories that must be in the top 10):",
        "",
        "| query | must-appear in full top 10 | must-appear in bounded top 10 | top-10 overlap |",
        "|---|---|---|---|",
        *relevance,
        "",
        f"EXPLAIN (GIN index used by each statement): {runner.plans}.",
        "",
        "Hard checks: " + ("all passed" if not problems else "FAILED: " + "; ".join(problems)),
        "",
        "Speed targets: " + ("all met" if not misses else "NOT met: " + "; ".join(misses)),
    ]
    print("\n".join(report))
    if args.write:
        write_results("\n".join(report), articles)
    return 1 if problems else 0


def http_main(args: argparse.Namespace, runner: Runner, started: str, load_before: tuple) -> int:
    """`--http`: bench/search_http.py's run, its table printed (and written with --write)."""
    from django.db import connection

    from articles.models import Article
    from articles.search import limits
    from bench import search_http

    articles = Article.objects.count()
    warm(connection)
    with connection.cursor() as cursor:
        lines, misses = search_http.run(runner, cursor, args.rounds, args.seed, articles)
    command = " ".join(["bench/search_bench.py", *sys.argv[1:]])
    report = [
        f"#### {articles:,} articles over HTTP — {started}",
        "",
        f"`EMBEDDED_DB_DIR={os.environ.get('EMBEDDED_DB_DIR', '')} .venv/bin/python {command}`; gunicorn "
        f"(gunicorn.conf.py) with production settings, page cache and census cache off; "
        f"{search_http.QUERIES_PER_CLASS} queries a class × {args.rounds} rounds after a warm-up round; "
        f"limits.EXACT_LINE = {limits.EXACT_LINE:,}. Load average (1/5/15 min) "
        f"{'/'.join(f'{x:.2f}' for x in load_before)} at the start, "
        f"{'/'.join(f'{x:.2f}' for x in os.getloadavg())} at the end "
        f"({time.strftime('%H:%M UTC', time.gmtime())}).",
        "",
        *lines,
        "",
        "Bars (issue 28): " + ("all met" if not misses else "NOT met: " + "; ".join(misses)),
    ]
    print("\n".join(report))
    if args.write:
        write_results("\n".join(report), articles, kind="search-bench-http")
    return 0


if __name__ == "__main__":
    sys.exit(main())
