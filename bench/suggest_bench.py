"""The "did you mean" suggestion alone: the deletion-variant look-up against the scan it replaced.

    EMBEDDED_DB_DIR=var/bench-postgres .venv/bin/python bench/suggest_bench.py [--rounds 30] [--refresh]

Misspellings are made from the archive's own vocabulary (seeded: one or two random edits after the
first letter, words of 3-14 letters, each not a known word), plus the search bench's zero-hit word
and unknown words near none. Each round times every query both ways, in a fresh shuffled order:

- lookup: `articles.search.suggest.suggest` (one indexed statement on `articles_search_spelling`,
  then edit distances on the few candidates);
- scan: the suggester before issue 28, kept here as the baseline: every vocabulary word of similar
  length and the same first letter (its `(length(word), word)` index, dropped by migration 0024,
  rebuilt on a session-local copy of the vocabulary), edit distances in Python.

Both must give the same suggestion for every query (exit status 1 otherwise). Also printed: the
look-up's EXPLAIN (the primary key must be used), the candidates per word, the tables' sizes, and
with `--refresh` the refresh's time: the vocabulary alone (as before), with the variants (no
change: the usual refresh), and with the variants built from empty (the first one), each in a
transaction rolled back (then VACUUMed), so the archive is left as it was.
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

ZERO_HIT = ("qzxvbnwplk", "zzyzxqvtr", "xqj")  # search_bench's zero-hit word, and two near nothing


def scan_suggest(parsed, cursor) -> str:
    """The suggester as it was before the deletion variants (articles/search/suggest.py at issue
    27), reading the session's copy of the vocabulary (`scan_vocabulary`)."""
    from articles.search.suggest import closest, respellable_words

    wanted = respellable_words(parsed)
    if not wanted:
        return ""
    lengths = [len(word) for word in wanted]
    cursor.execute(
        "SELECT word, ndoc FROM scan_vocabulary WHERE word = ANY(%(words)s) OR ("
        "length(word) BETWEEN %(shortest)s AND %(longest)s AND left(word, 1) = ANY(%(initials)s))",
        {
            "words": list(wanted),
            "shortest": min(lengths) - 2,
            "longest": max(lengths) + 2,
            "initials": sorted({word[0] for word in wanted}),
        },
    )
    vocabulary = dict(cursor.fetchall())
    found = {word: closest(word, vocabulary) for word in wanted if word not in vocabulary}
    replacements = {word: best for word, best in found.items() if best}
    if not replacements:
        return ""
    return " ".join(replacements.get(token.value.lower(), token.raw) for token in parsed.tokens)


def misspellings(words: list[str], count: int, seed: int) -> list[str]:
    """`count` unknown words, each one or two edits (after the first letter) from a known one."""
    rng = random.Random(seed)
    known, made = set(words), []
    pool = [word for word in words if word.isalpha() and 3 <= len(word) <= 14]
    while len(made) < count:
        word = rng.choice(pool)
        for _ in range(rng.choice((1, 1, 2))):
            word = _edit(word, rng)
        if word not in known and word.isalpha() and len(word) >= 3:
            made.append(word)
    return made


def _edit(word: str, rng: random.Random) -> str:
    at = rng.randrange(1, len(word))
    letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
    return rng.choice(
        (
            word[:at] + word[at + 1 :],  # a letter left out
            word[:at] + letter + word[at:],  # one too many
            word[:at] + letter + word[at + 1 :],  # a wrong one
            word[: at - 1] + word[at] + word[at - 1] + word[at + 1 :] if at > 1 else word,  # two swapped
        )
    )


def time_both(queries: list[str], rounds: int, seed: int, cursor) -> tuple[dict, list[str]]:
    """{(variant, query): [ms…]} over `rounds` shuffled rounds, and the queries whose answers differ."""
    from articles.search.query import parse_query
    from articles.search.suggest import suggest

    parsed = {q: parse_query(q) for q in queries}
    variants = {"lookup": lambda p: suggest(p), "scan": lambda p: scan_suggest(p, cursor)}
    differ = [q for q in queries if variants["lookup"](parsed[q]) != variants["scan"](parsed[q])]
    pairs = [(name, q) for name in variants for q in queries]
    rng, samples = random.Random(seed), {}
    for _ in range(rounds):
        rng.shuffle(pairs)
        for name, q in pairs:
            start = time.perf_counter()
            variants[name](parsed[q])
            samples.setdefault((name, q), []).append((time.perf_counter() - start) * 1000)
    return samples, differ


def table_facts(cursor) -> list[str]:
    cursor.execute(
        "SELECT (SELECT count(*) FROM articles_search_vocabulary), count(*), "
        "pg_size_pretty(pg_table_size('articles_search_spelling')), "
        "pg_size_pretty(pg_indexes_size('articles_search_spelling')), "
        "pg_size_pretty(pg_total_relation_size('articles_search_vocabulary')) FROM articles_search_spelling"
    )
    words, rows, heap, index, vocabulary = cursor.fetchone()
    return [
        f"vocabulary: {words:,} words ({vocabulary} with its index); variants: {rows:,} rows "
        f"({rows / max(1, words):.1f} a word), table {heap}, primary key {index}"
    ]


def explain(cursor, word: str) -> str:
    from articles.search.suggest import CANDIDATES, deletion_variants, edit_limit

    variants = sorted(deletion_variants(word, edit_limit(word)))
    cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + CANDIDATES, {"variants": variants})
    return "\n".join(row[0] for row in cursor.fetchall())


def candidates_per_word(queries: list[str]) -> str:
    from articles.search.suggest import candidates

    counts = [len(candidates({q})[q]) for q in queries]
    return f"candidates a word: median {statistics.median(counts):.0f}, max {max(counts)}"


def time_refresh(cursor) -> list[str]:
    """The refresh's statements, timed inside transactions that are rolled back."""
    from articles.search.vocabulary import REFRESH_SPELLING, REFRESH_VOCABULARY

    cases = {
        "vocabulary only (before)": [REFRESH_VOCABULARY],
        "vocabulary + variants, no change (after, usual)": [REFRESH_VOCABULARY, REFRESH_SPELLING],
        "vocabulary + variants from empty (after, first)": [
            REFRESH_VOCABULARY,
            "TRUNCATE articles_search_spelling",  # new files, the old ones back on ROLLBACK: no bloat
            REFRESH_SPELLING,
        ],
    }
    lines = []
    for name, statements in cases.items():
        cursor.execute("BEGIN")
        start = time.perf_counter()
        for statement in statements:
            cursor.execute(statement)
        lines.append(f"refresh, {name}: {time.perf_counter() - start:.2f} s")
        cursor.execute("ROLLBACK")
    cursor.execute("VACUUM ANALYZE articles_search_vocabulary")
    cursor.execute("VACUUM ANALYZE articles_search_spelling")
    return lines


def _p50(samples: dict, name: str, queries: list[str]) -> float:
    return statistics.median(statistics.median(samples[name, q]) for q in queries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--words", type=int, default=40, help="misspellings made from the vocabulary")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--refresh", action="store_true", help="also time the refresh (rolled back)")
    args = parser.parse_args()
    from bench.page_bench import use_production_settings

    use_production_settings()  # as search_bench.py: DEBUG off (no per-query logging)
    import django

    django.setup()
    from django.db import connection

    started, load = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), os.getloadavg()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE scan_vocabulary AS SELECT * FROM articles_search_vocabulary")
        cursor.execute("CREATE INDEX ON scan_vocabulary (length(word), word)")
        cursor.execute("ANALYZE scan_vocabulary")
        cursor.execute("SELECT word FROM articles_search_vocabulary ORDER BY word")
        words = [row[0] for row in cursor.fetchall()]
        made = misspellings(words, args.words, args.seed)
        queries = [*made, *ZERO_HIT, f"{made[0]} {made[1]}"]
        samples, differ = time_both(queries, args.rounds, args.seed, cursor)
        lookup, scan = _p50(samples, "lookup", queries), _p50(samples, "scan", queries)
        zero = {name: statistics.median(samples[name, ZERO_HIT[0]]) for name in ("lookup", "scan")}
        plan = explain(cursor, made[0])
        report = [
            f"`EMBEDDED_DB_DIR={os.environ.get('EMBEDDED_DB_DIR', '')} .venv/bin/python "
            f"{' '.join(['bench/suggest_bench.py', *sys.argv[1:]])}`, {started}, load (1/5/15 min) "
            f"{'/'.join(f'{x:.2f}' for x in load)} at the start, "
            f"{'/'.join(f'{x:.2f}' for x in os.getloadavg())} at the end",
            *table_facts(cursor),
            f"{len(queries)} queries × {args.rounds} rounds; median of the per-query p50s: lookup "
            f"{lookup:.2f} ms, scan {scan:.2f} ms, scan ÷ lookup {scan / lookup:.1f}×; "
            f"zero-hit `{ZERO_HIT[0]}`: lookup {zero['lookup']:.2f} ms, scan {zero['scan']:.2f} ms",
            candidates_per_word(made),
            f"same answers: {'all' if not differ else 'NO, differ for ' + ', '.join(differ)}",
            *(time_refresh(cursor) if args.refresh else []),
            "EXPLAIN ANALYZE of the look-up for `" + made[0] + "`:",
            plan,
        ]
    print("\n".join(report))
    uses_index = "articles_search_spelling_pkey" in plan
    if not uses_index:
        print("FAILED: the look-up does not use the variants' primary key")
    return 1 if differ or not uses_index else 0


if __name__ == "__main__":
    sys.exit(main())
