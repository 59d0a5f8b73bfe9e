"""The page cache while editors are busy: readers' traffic while the archive keeps changing.

    .venv/bin/python bench/cache_under_change.py [--every 10 2] [--seconds 30]

For each interval: starts gunicorn as page_bench.py does (production settings, page cache on, the
default per-process cache) on the bench archive, warms it with readers' traffic until the rate
stops rising (a random one of the 1,000 newest stories per request: page_bench's wrk script and
warm-up), then measures the same traffic for --seconds while another connection commits a change
every `every` seconds, with plain SQL, as any editor's save or tool would: to one story (a
correction: only its own page and the lists go stale) or to one author (a byline shows on many
pages: every page goes stale, as every change did before migration 0011); and once with no changes.
Reported: req/s, p50 and p99, and how many changes were made.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.page_bench import database_params, newest_stories_script, start_server, warm, wrk  # noqa: E402

CHANGES = {
    "a story": "UPDATE articles_article SET title = title WHERE id = (SELECT max(id) FROM articles_article)",
    "an author": "UPDATE authors_author SET name = name WHERE id = (SELECT min(id) FROM authors_author)",
}


def measure(change: str, every: float, seconds: int, params: dict, script: Path) -> str:
    server = start_server(300)
    stop, changes = threading.Event(), []

    def edit() -> None:
        writer = psycopg2.connect(**params)
        try:
            while not stop.wait(every):
                with writer.cursor() as cursor:
                    cursor.execute(CHANGES[change])
                writer.commit()
                changes.append(1)
        finally:
            writer.close()

    try:
        warm(script)  # every process fills its cache
        editor = threading.Thread(target=edit)
        if every:
            editor.start()
        result = wrk("/", seconds, script=script)
        stop.set()
        if every:
            editor.join()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    label = f"{change} changed every {every:g} s" if every else "no changes"
    return (
        f"| {label} | {len(changes)} | {result['rps']:.0f} | {result['p50']:.1f} / {result['p99']:.1f} "
        f"| {result['errors']} | {result['non2xx']} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--every", type=float, nargs="+", default=[10, 2])
    parser.add_argument("--seconds", type=int, default=30)
    args = parser.parse_args()
    params, script = database_params(), newest_stories_script()
    print(f"load average {os.getloadavg()[0]:.1f}; random traffic over the 1,000 newest stories")
    print("| while | changes | req/s | p50 / p99 ms | errors | non-2xx/3xx |")
    print("|---|---:|---:|---:|---:|---:|")
    print(measure("a story", 0, args.seconds, params, script), flush=True)
    for every in args.every:
        for change in CHANGES:
            print(measure(change, every, args.seconds, params, script), flush=True)


if __name__ == "__main__":
    main()
