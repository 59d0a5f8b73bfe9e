"""Search benchmark: this app's search against naive baselines and the bare-index floor, in one run.

    EMBEDDED_DB_DIR=var/bench-postgres DEBUG=1 .venv/bin/python bench/search_bench.py --rounds 7

Needs an archive from bench/generate_archive.py. Query terms are drawn from the archive's own
document frequencies (≈50%, 10%, 1%, 0.1%, 0.01% of articles), plus two-word AND, OR, phrase,
filtered, newest-first and zero-hit queries. Variants run alternately, in a shuffled order each
round, on the same data and the same warm server:

- http:       GET /search/?q=… through Django's full stack (test client: URLs, middleware, view,
              template), every query the page runs (count, page, snippets, facets, suggestion).
- engine:     the same work without HTTP/templates (`run_search`).
- page_orm:   the ranked page query alone through the ORM; page_raw: the same SQL via a cursor.
- floor:      bare GIN lookup of the same tsquery, LIMIT 20, no rank (the raw floor).
- rank_all:   stored vector, ts_rank over every match, exact count(*) (the naive "good" version).
- icontains / per_query_vector: the naive baselines (fewer rounds, 20 s statement timeout).

Hard checks (exit status 1 on failure): EXPLAIN shows the GIN index for every query class up to
10% document frequency (including newest-first on a rare term, the planner trap); bounded ranking
keeps ≥ 90% of full ranking's top 10 over the 20 gold queries and finds the planted gold stories.
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
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("DEBUG", "1")

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
    """Two adjacent words around a 1%-bucket term in a real body, as a quoted phrase."""
    cursor.execute(
        "SELECT body FROM articles_article WHERE search_vector @@ to_tsquery('english', %s) LIMIT 1", [term]
    )
    words = cursor.fetchone()[0].replace(".", " ").split()
    # The body holds an inflected form ("cases" for the lexeme "case"): take the first that starts alike.
    at = next(i for i, word in enumerate(words) if word.lower().startswith(term[:4]))
    term = words[at].lower()
    neighbour = words[at + 1] if at + 1 < len(words) else words[at - 1]
    return f'"{term} {neighbour}"' if at + 1 < len(words) else f'"{neighbour} {term}"'


def query_classes(cursor) -> tuple[dict[str, tuple[str, str]], dict[str, list[str]]]:
    """name -> (q, sort)."""
    terms = pick_terms(cursor)
    cursor.execute("SELECT name FROM articles_section ORDER BY id LIMIT 1")
    section = cursor.fetchone()[0]
    classes = {name: (words[0], "relevance") for name, words in terms.items() if words}
    classes |= {
        "and2": (f"{terms['df10'][0]} {terms['df1'][0]}", "relevance"),
        "or": (f"{terms['df1'][0]} or {terms['df0.1'][0]}", "relevance"),
        "phrase": (pick_phrase(cursor, terms["df1"][0]), "relevance"),
        "filtered": (f"{terms['df10'][0]} section:{section} after:2015-01-01", "relevance"),
        "newest_common": (terms["df10"][0], "newest"),
        "newest_rare": (terms["df0.01"][0], "newest"),
        "zero": ("qzxvbnwplk", "relevance"),
    }
    return classes, terms


class Runner:
    """One callable per variant; each takes (q, sort) and does the variant's whole work."""

    def __init__(self) -> None:
        from django.db import connection
        from django.test import Client

        self.client = Client(HTTP_HOST="localhost")
        self.connection = connection
        self._cache: dict = {}
        self.plans = ""

    def search(self, q: str, sort: str):
        from articles.forms import SearchForm

        form = SearchForm({"q": q, "sort": sort})
        form.is_valid()
        from articles.search import Search

        return Search(form.parsed(), form.sort_value)

    def http(self, q: str, sort: str) -> None:
        response = self.client.get("/search/", {"q": q, "sort": sort})
        assert response.status_code == 200, response.status_code

    def engine(self, q: str, sort: str) -> None:
        from articles.search import run_search

        run_search(self.search(q, sort), 1)

    def capped(self, q: str, sort: str) -> bool:
        from articles.search import is_broad

        key = ("capped", q, sort)
        if key not in self._cache:
            self._cache[key] = is_broad(self.search(q, sort))
        return self._cache[key]

    def main_queryset(self, q: str, sort: str):
        """The page's main query: ranked title/summary matches, or the date-ordered matches."""
        from articles.search import HEAD_CANDIDATES, PAGE_SIZE, dated, ranked_heads

        search = self.search(q, sort)
        if search.sort == "relevance":
            return ranked_heads(search).values_list("pk", flat=True)[:HEAD_CANDIDATES]
        return dated(search, self.capped(q, sort)).values_list("pk", flat=True)[:PAGE_SIZE]

    def page_orm(self, q: str, sort: str) -> None:
        with self.planner():
            list(self.main_queryset(q, sort))

    def page_raw(self, q: str, sort: str) -> None:
        sql, params = self._page_sql(q, sort)
        with self.planner(), self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    def _page_sql(self, q: str, sort: str) -> tuple[str, tuple]:
        key = ("sql", q, sort)
        if key not in self._cache:
            self._cache[key] = self.main_queryset(q, sort).query.sql_with_params()
        return self._cache[key]

    def planner(self):
        """The app's planner setting (articles/search.py, run_search), in a transaction."""
        from contextlib import contextmanager

        from django.db import transaction

        @contextmanager
        def scope():
            with transaction.atomic(), self.connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")
                yield

        return scope()

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
        from articles.search import rank_all

        search = self.search(q, sort)
        list(rank_all(search.matches(), search.tsquery).defer("body")[:20])
        search.matches().count()

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
    """EXPLAIN the page and count queries; up to the 10% bucket they must use a GIN index."""
    problems, plans = [], []
    for name in ("df10", "df1", "df0.1", "df0.01", "and2", "or", "phrase", "filtered", "newest_rare", "zero"):
        q, sort = classes[name]
        sql, params = runner._page_sql(q, sort)
        with runner.planner(), runner.connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        uses_gin = "article_search_gin" in plan or "article_search_head_gin" in plan
        plans.append(f"{name}: {'GIN' if uses_gin else 'NO GIN'}")
        if not uses_gin:
            problems.append(f"{name} ({q!r}, {sort}) does not use the GIN index:\n{plan}")
    runner.plans = ", ".join(plans)
    return problems


def relevance_check(runner: Runner, generator_seed: int) -> tuple[list[str], list[str]]:
    """The 20 judged queries: must-appear stories are the three planted per query (generator).
    Kept = the share of must-appear stories in full ranking's top 10 that bounded ranking's top 10
    also has (target ≥ 90%); overlap = the share of full ranking's whole top 10 it shares."""
    from articles.models import Article
    from articles.search import page_ids, rank_all
    from bench.generate_archive import gold_queries, plant_gold, vocabulary

    topics = vocabulary()[2]
    planted = plant_gold(generator_seed, Article.objects.count(), topics)
    lines, found_full, found_both, overlaps = [], 0, 0, []
    for q in gold_queries(topics):
        gold = {pk for pk, (words, _) in planted.items() if words == q.split()}
        search = runner.search(q, "relevance")
        full = list(rank_all(search.matches(), search.tsquery).values_list("pk", flat=True)[:10])
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


def ratios(samples: dict, classes: dict) -> list[str]:
    def p50(name, variant):
        values = samples.get((name, variant))
        return statistics.median(values) if values else float("nan")

    lines = [
        "| class | rank_all ÷ engine | page_orm ÷ page_raw | page_orm ÷ floor | http p50 ≤ 15 ms |",
        "|---|---|---|---|---|",
    ]
    for name in classes:
        lines.append(
            f"| {name} | {p50(name, 'rank_all') / p50(name, 'engine'):.1f}× "
            f"| {p50(name, 'page_orm') / p50(name, 'page_raw'):.2f}× "
            f"| {p50(name, 'page_orm') / p50(name, 'floor'):.1f}× "
            f"| {'yes' if p50(name, 'http') <= 15 else 'NO'} |"
        )
    return lines


def document_frequencies(runner: Runner, classes: dict) -> dict[str, str]:
    from articles.models import Article

    total = Article.objects.count()
    found = {}
    for name, (q, sort) in classes.items():
        count = runner.search(q, sort).matches().count()
        found[name] = f"{count / total:.3%}"
    return found


def write_results(section: str) -> None:
    """Replace this benchmark's own section of bench/RESULTS.md, leaving the others alone."""
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    start = text.find("\n## Search")
    if start >= 0:
        end = text.find("\n## ", start + 1)
        text = text[:start] + (text[end:] if end >= 0 else "\n")
    RESULTS.write_text(text.rstrip("\n") + "\n\n" + section.strip("\n") + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--slow-rounds", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--generator-seed", type=int, default=2026, help="the archive's --seed")
    parser.add_argument("--write", action="store_true", help="write the figures into bench/RESULTS.md")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from articles.models import Article

    settings.DEBUG = False  # no per-query logging inside the timings
    runner = Runner()
    with connection.cursor() as cursor:
        classes, _terms = query_classes(cursor)
    frequencies = document_frequencies(runner, classes)
    measure(runner, classes, FAST, 1, args.seed)  # warm caches and connections
    fast = measure(runner, classes, FAST, args.rounds, args.seed)
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = '20s'")
    slow_classes = {name: classes[name] for name in ("df50", "df1", "df0.01", "zero")}
    slow = measure(runner, slow_classes, SLOW, args.slow_rounds, args.seed)
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
    problems = explain_checks(runner, classes)
    relevance, relevance_problems = relevance_check(runner, args.generator_seed)
    problems += relevance_problems
    report = [
        "## Search",
        "",
        f"{Article.objects.count():,} articles ({Article.objects.published().count():,} public); "
        f"{args.rounds} rounds of the fast variants, {args.slow_rounds} of the naive ones; times in ms.",
        "",
        *summarize({**fast, **slow}, classes, frequencies),
        "",
        *ratios(fast, classes),
        "",
        "Relevance (gold = planted stories that must be in the top 10):",
        "",
        "| query | must-appear in full top 10 | must-appear in bounded top 10 | top-10 overlap |",
        "|---|---|---|---|",
        *relevance,
        "",
        f"EXPLAIN (page query uses a GIN index): {runner.plans}.",
        "",
        "Hard checks: " + ("all passed" if not problems else "FAILED: " + "; ".join(problems)),
    ]
    print("\n".join(report))
    if args.write:
        write_results("\n".join(report))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
