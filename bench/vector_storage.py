"""What keeping the search vector in the row saves (migration 0025), measured in one run: the
archive's `id, search_vector` copied into two scratch tables, one with PostgreSQL's default
storage (a ~5 KB vector goes to the TOAST table) and one as `articles_article` keeps it now
(`STORAGE MAIN`, `toast_tuple_target` 8,160), then `ts_rank` over every match of a few words in
each, alternated. The tables are unlogged and dropped at the end.

    EMBEDDED_DB_DIR=var/bench-postgres .venv/bin/python bench/vector_storage.py happier utrecht

Words default to one of ~1% of the stories and one of ~0.1% (bench/search_bench.py's buckets).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TABLES = {
    "toast (default)": "CREATE UNLOGGED TABLE bench_vector_toast (id bigint PRIMARY KEY, v tsvector)",
    "in the row": (
        "CREATE UNLOGGED TABLE bench_vector_row (id bigint PRIMARY KEY, v tsvector STORAGE MAIN)"
        " WITH (toast_tuple_target = 8160)"
    ),
}


def _timed(cursor, sql: str, params: dict, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        cursor.execute(sql, params)
        cursor.fetchall()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("words", nargs="*")
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from django.db import connection

    from bench.search_bench import pick_terms

    with connection.cursor() as cursor:
        words = args.words or [pick_terms(cursor, 1)[name][0] for name in ("df1", "df0.1")]
        names = {label: sql.split()[3] for label, sql in TABLES.items()}
        for label, create in TABLES.items():
            cursor.execute(f"DROP TABLE IF EXISTS {names[label]}")
            cursor.execute(create)
            cursor.execute(f"INSERT INTO {names[label]} SELECT id, search_vector FROM articles_article")
            cursor.execute(f"VACUUM ANALYZE {names[label]}")
            cursor.execute(
                "SELECT pg_size_pretty(pg_relation_size(%s::regclass)),"
                " pg_size_pretty(pg_total_relation_size(%s::regclass))",
                [names[label], names[label]],
            )
            print(f"{label}: table {' , all '.join(cursor.fetchone())}")
        print(f"| word | matches | {' | '.join(f'{label}: rows / ts_rank ms' for label in TABLES)} | ratio |")
        print("|---|---|---|---|---|")
        try:
            for word in words:
                cursor.execute(
                    "SELECT array_agg(id) FROM articles_article"
                    " WHERE search_vector @@ plainto_tsquery('english', %s)",
                    [word],
                )
                ids = cursor.fetchone()[0] or []
                params = {"ids": ids, "word": word}
                cells, ranked = [], []
                for label in TABLES:
                    table = names[label]
                    rows = _timed(
                        cursor, f"SELECT count(*) FROM {table} WHERE id = ANY(%(ids)s)", params, args.rounds
                    )
                    rank = _timed(
                        cursor,
                        f"SELECT sum(ts_rank(v, plainto_tsquery('english', %(word)s))) FROM {table}"
                        " WHERE id = ANY(%(ids)s)",
                        params,
                        args.rounds,
                    )
                    cells.append(f"{rows:.2f} / {rank:.2f}")
                    ranked.append(rank)
                print(f"| {word} | {len(ids):,} | {' | '.join(cells)} | {ranked[0] / ranked[1]:.1f}× |")
        finally:
            for table in names.values():
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
