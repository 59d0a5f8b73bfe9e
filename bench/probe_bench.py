"""The health probe and the "on this day" page on a large archive, in process (Django's test client,
production settings, page cache off): p50 / p95 over `--requests` GETs after 20 warm-up ones,
beside the hello view's.

    EMBEDDED_DB_DIR=var/bench-1m .venv/bin/python bench/probe_bench.py --requests 200

Issue 28's bar: `/healthz` ≤ 5 ms p50 at 1,000,000 stories.
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

WARM_UP = 20


def timings(client, url: str, requests: int) -> list[float]:
    for _ in range(WARM_UP):
        client.get(url)
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--day", default="03-18", help="the on-this-day page's MM-DD")
    args = parser.parse_args()
    from bench.page_bench import use_production_settings

    use_production_settings()
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from articles.models import Article

    settings.PAGE_CACHE_SECONDS = 0
    client = Client(HTTP_HOST="127.0.0.1")
    stories = Article.objects.count()
    load = os.getloadavg()
    print(f"{stories:,} stories, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load {load[0]:.2f}")
    print("| page | p50 ms | p95 ms |\n|---|---|---|")
    for url in ("/bench/hello", "/healthz", f"/on-this-day/{args.day}/"):
        times = sorted(timings(client, url, args.requests))
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(f"| `{url}` | {statistics.median(times):.2f} | {p95:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
