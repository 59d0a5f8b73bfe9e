"""How long a correction takes to reach the cached pages of every app process.

    .venv/bin/python bench/invalidation_latency.py [--rounds 5] [--workers 4]

Starts gunicorn as page_bench.py does (production settings, the default per-process page cache,
PAGE_CACHE_SECONDS=300) on the bench archive, fills every worker's cache with an article page,
then changes the story's title with plain SQL on a connection of its own (no Django signal: as
psql or another app server would) and reads the page without pause until no worker serves the
old title any more. Reported per round: how many answers after the commit were stale, and how
long after it the last one came. The title is put back after each round, and the story saved
--burst times more in a row, as an import or a busy desk does; then the ETag of one answer is sent
back (If-None-Match) as many times, and the 304s counted: a browser's copy from one worker should
be revalidated by any other, which holds only if all agree on the archive's version after the
changes, however each worker heard them.

With `ARCHIVE_CHANGE_LISTENER=0` in the environment the old title stays until the cache expires
(the script gives up after --give-up seconds).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.page_bench import BASE, database_params, sample_urls, start_server  # noqa: E402


def title_of(url: str) -> str:
    with urllib.request.urlopen(BASE + url, timeout=5) as response:
        return response.read().decode().split('<h1 class="story-headline">', 1)[1].split("<", 1)[0]


def revalidations(url: str, requests: int) -> int:
    """How many of `requests` revalidations of one answer's ETag (any worker may answer each) got a 304."""
    with urllib.request.urlopen(BASE + url, timeout=5) as response:
        etag = response.headers["ETag"]
    not_modified = 0
    for _ in range(requests):
        try:
            urllib.request.urlopen(
                urllib.request.Request(BASE + url, headers={"If-None-Match": etag}), timeout=5
            )
        except urllib.error.HTTPError as answer:  # urllib raises for a 304
            not_modified += answer.code == 304
    return not_modified


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--give-up", type=float, default=10.0)
    parser.add_argument("--burst", type=int, default=20)
    args = parser.parse_args()
    url = sample_urls()["article"]
    slug = url.strip("/").split("/")[-1]
    params = database_params()
    os.environ["WEB_CONCURRENCY"] = str(args.workers)
    server = start_server(300)
    writer = psycopg2.connect(**params)
    try:
        original = title_of(url)
        for round_number in range(1, args.rounds + 1):
            for _ in range(50 * args.workers):  # every worker has the page in its cache
                assert title_of(url) == original
            with writer.cursor() as cursor:
                cursor.execute(
                    "UPDATE articles_article SET title = title || ' (corrected)' WHERE slug = %s", [slug]
                )
            writer.commit()
            committed = last_stale = time.perf_counter()
            reads = stale = 0
            # Stale answers end when every worker has heard; read on a while to be sure none is left.
            while time.perf_counter() - last_stale < 0.5 and time.perf_counter() - committed < args.give_up:
                reads += 1
                if title_of(url) == original:
                    stale, last_stale = stale + 1, time.perf_counter()
            lag = f", the last {(last_stale - committed) * 1000:.1f} ms after the commit" if stale else ""
            gave_up = " (gave up: still stale)" if time.perf_counter() - committed >= args.give_up else ""
            print(f"round {round_number}: {stale} stale answers of {reads} after the commit{lag}{gave_up}")
            with writer.cursor() as cursor:
                cursor.execute("UPDATE articles_article SET title = %s WHERE slug = %s", [original, slug])
            writer.commit()
            for n in range(args.burst):  # 0-30 ms apart: workers take them in batches of their own
                with writer.cursor() as cursor:
                    cursor.execute("UPDATE articles_article SET title = title WHERE slug = %s", [slug])
                writer.commit()
                time.sleep(0.01 * (n % 4))
            time.sleep(0.5)
            requests = 50 * args.workers
            print(f"  then {revalidations(url, requests)} of {requests} revalidations answered 304")
    finally:
        writer.close()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
