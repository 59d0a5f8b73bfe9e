"""What the "did you mean" index costs, as a table in PostgreSQL or as symspellpy in each process.

    pip install --target /tmp/sym symspellpy   # not a dependency of the app: only for this comparison
    PYTHONPATH=/tmp/sym DEBUG=1 EMBEDDED_DB_DIR=var/<scratch>-postgres \
        .venv/bin/python bench/suggest_memory.py

Vocabularies: the English word list of wordfreq (as the archive generator uses) cut to N words and
filtered as the archive's vocabulary is; N = 30,000 (a synthetic archive's), 70,000 (the 100,000-story
archive of issue 28) and 200,000 (a real archive of a million stories, whose vocabulary keeps
growing). For each: the deletion-variant table built by the refresh's own SQL (inside a transaction
that is rolled back: run it on a scratch database, never on a bench archive) with its size and build
time; and symspellpy's dictionary (max edit distance 2, its default prefix length 7) loaded in a
fresh process, whose resident memory grows by what every gunicorn worker would hold.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
SIZES = (30_000, 70_000, 200_000)
KEPT = re.compile(r"^[a-z][a-z'-]{2,29}$")  # as REFRESH_VOCABULARY keeps words


def words(count: int) -> list[str]:
    from wordfreq import top_n_list

    return [word for word in top_n_list("en", count) if KEPT.match(word)]


def rss_kb() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def symspell_child(count: int) -> None:
    """In a fresh process: the resident memory symspellpy's dictionary adds, and its load time."""
    from symspellpy import SymSpell

    listed = words(count)
    before, start = rss_kb(), time.perf_counter()
    speller = SymSpell(max_dictionary_edit_distance=2)
    for rank, word in enumerate(listed):
        speller.create_dictionary_entry(word, len(listed) - rank)
    seconds = time.perf_counter() - start
    print(json.dumps({"words": len(listed), "mb": (rss_kb() - before) / 1024, "seconds": seconds}))


def symspell(count: int) -> dict:
    found = subprocess.run(
        [sys.executable, __file__, "--symspell-child", str(count)], capture_output=True, text=True, check=True
    )
    return json.loads(found.stdout)


def table(count: int) -> dict:
    """The variants of `count` words built by REFRESH_SPELLING, measured, then rolled back."""
    from django.db import connection

    from articles.search.vocabulary import REFRESH_SPELLING

    listed = words(count)
    with connection.cursor() as cursor:
        cursor.execute("BEGIN")
        # New, empty files for both (TRUNCATE is transactional): sizes of this build alone.
        cursor.execute("TRUNCATE articles_search_vocabulary, articles_search_spelling")
        cursor.execute(
            "INSERT INTO articles_search_vocabulary (word, ndoc) SELECT unnest(%s::text[]), 1", [listed]
        )
        start = time.perf_counter()
        cursor.execute(REFRESH_SPELLING)
        seconds = time.perf_counter() - start
        cursor.execute(
            "SELECT count(*), pg_table_size('articles_search_spelling'), "
            "pg_indexes_size('articles_search_spelling') FROM articles_search_spelling"
        )
        rows, heap, index = cursor.fetchone()
        cursor.execute("ROLLBACK")
    return {
        "words": len(listed),
        "rows": rows,
        "heap_mb": heap / 2**20,
        "index_mb": index / 2**20,
        "seconds": seconds,
    }


def main() -> None:
    if sys.argv[1:2] == ["--symspell-child"]:
        symspell_child(int(sys.argv[2]))
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    print(f"load (1/5/15 min) {'/'.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        "| words | variant rows | table + key (MB) | SQL build (s) | symspellpy a process (MB) | load (s) |"
    )
    print("|---|---|---|---|---|---|")
    for count in SIZES:
        built, held = table(count), symspell(count)
        print(
            f"| {built['words']:,} | {built['rows']:,} | {built['heap_mb']:.0f} + {built['index_mb']:.0f} "
            f"| {built['seconds']:.1f} | {held['mb']:.0f} | {held['seconds']:.1f} |"
        )


if __name__ == "__main__":
    main()
