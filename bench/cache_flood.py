"""Unknown query parameters cannot fill the cache: 1,000 requests with `?junk=<random>`, measured.

    .venv/bin/python bench/cache_flood.py                      # own gunicorn, 10,000-story archive

Starts gunicorn (production settings, its default locmem page cache, 2 workers) on a scratch
archive of its own (bench/reliability_server.py, database `reliab_flood`), then for the front page
and for the first page of the stories' sitemap (10,000 addresses): sends the same URL 1,000 times
(the baseline), then 1,000 times with a random unknown parameter, one request at a time. Reports
each run's latency (first request, then p50/p95/max of the rest) and every worker's resident
memory (RSS, psutil) before and after, as a difference. Before the cache keys were normalised each
`?junk=` rendered the page again and kept its own copy (+1.5 MB a sitemap request).
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
import reliability_server as server  # noqa: E402  (bench/ is not a package)

PATHS = ["/", "/sitemap-articles.xml"]


def fetch(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()
        assert response.status == 200, (url, response.status)
    return (time.perf_counter() - started) * 1000


def workers_rss(master: psutil.Process) -> dict[int, float]:
    return {child.pid: child.memory_info().rss / 2**20 for child in master.children()}


def run(base: str, path: str, count: int, junk: bool) -> dict[str, float]:
    times = []
    for _ in range(count):
        suffix = f"?junk={secrets.token_hex(8)}" if junk else ""
        times.append(fetch(f"{base}{path}{suffix}"))
    rest = sorted(times[1:])
    return {
        "first_ms": times[0],
        "p50_ms": statistics.median(rest),
        "p95_ms": rest[int(len(rest) * 0.95)],
        "max_ms": rest[-1],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--port", type=int, default=8771)
    args = parser.parse_args()
    server.setup_django("reliab_flood")
    server.prepare_archive("reliab_flood", args.pages)
    log = ROOT / "var" / "reliab_flood-gunicorn.log"
    worst_growth, worst_after_first = 0.0, 0.0
    with server.gunicorn("reliab_flood", args.port, log, workers=2) as process:
        master, base = psutil.Process(process.pid), f"http://127.0.0.1:{args.port}"
        for path in PATHS:
            for junk in (False, True):
                before = workers_rss(master)
                figures = run(base, path, args.requests, junk)
                after = workers_rss(master)
                growth = {pid: after[pid] - before.get(pid, after[pid]) for pid in after}
                worst_growth = max(worst_growth, *growth.values())
                if junk:
                    worst_after_first = max(worst_after_first, figures["max_ms"])
                label = f"{path}{'?junk=<random>' if junk else ''}"
                print(
                    f"{label:40} first {figures['first_ms']:7.1f} ms  then p50 {figures['p50_ms']:5.1f}  "
                    f"p95 {figures['p95_ms']:5.1f}  max {figures['max_ms']:6.1f} ms  worker RSS "
                    + ", ".join(f"{before.get(pid, 0):.0f}→{after[pid]:.0f} MB" for pid in sorted(after))
                )
    print(f"largest worker growth: {worst_growth:+.1f} MB (bar: 20)  slowest junk answer after the first: "
          f"{worst_after_first:.1f} ms (bar: 50)")  # fmt: skip
    return 0 if worst_growth <= 20 and worst_after_first <= 50 else 1


if __name__ == "__main__":
    sys.exit(main())
