"""The results page with and without counting searches (issue 27, articles/search/counting.py).

    EMBEDDED_DB_DIR=var/bench-postgres .venv/bin/python bench/search_log_bench.py [--rounds 400]
    EMBEDDED_DB_DIR=var/bench-postgres .venv/bin/python bench/search_log_bench.py --instructions

In process, production settings (page_bench.use_production_settings), each request through
Django's WSGI handler as gunicorn drives it: the response, then its `close()`, where
`request_finished` writes the count once the bytes are out. The reader waits for the first part
only. Each round asks for the same search with counting on (SEARCH_LOG_DAYS=90) and off (0),
alternately, so a change of the machine's load falls on both; medians, and on/off as a ratio.
Two pages: a search served from the page cache (the cheapest page there is, where a count would
show most) and the page rendered (page cache off; the search's census cached, as for a repeat).

`--instructions`: the app process's instructions per cached search, counting on and off, by
valgrind (as bench/page_instructions.py: a run of N requests minus a run of none); the response
and the count's write together, so an upper bound on what the reader could wait for.
The rows the benchmark counted are deleted at the end: the archive is left as it was.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
QUERY = "doctor"
WARM_UP = 50


def setup():
    from bench import page_bench

    page_bench.use_production_settings()
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler

    return WSGIHandler()


def request(handler, query: str) -> tuple[float, float]:
    """Seconds to the response's last byte, and seconds its close() took."""
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": "/search/", "QUERY_STRING": f"q={query}",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_USER_AGENT": "Mozilla/5.0 (bench)",
        "wsgi.input": io.BytesIO(), "wsgi.url_scheme": "http",
    }  # fmt: skip
    status = []
    start = time.perf_counter()
    body = handler(environ, lambda line, headers, exc_info=None: status.append(line))
    b"".join(body)
    sent = time.perf_counter()
    body.close()
    closed = time.perf_counter()
    assert status[0].startswith("200"), status
    return sent - start, closed - sent


def timings(rounds: int) -> None:
    handler = setup()
    from django.conf import settings

    print(f"load average before: {os.getloadavg()}", flush=True)
    for label, cache_seconds in (("from the page cache", 300), ("rendered (page cache off)", 0)):
        settings.PAGE_CACHE_SECONDS = cache_seconds
        samples: dict[int, list[tuple[float, float]]] = {90: [], 0: []}
        for days in (90, 0) * WARM_UP:
            settings.SEARCH_LOG_DAYS = days
            request(handler, QUERY)
        for _ in range(rounds):
            for days in random.sample((90, 0), 2):  # neither always first
                settings.SEARCH_LOG_DAYS = days
                samples[days].append(request(handler, QUERY))
        on, off = (statistics.median(s for s, _ in samples[days]) for days in (90, 0))
        write = statistics.median(c for _, c in samples[90]) - statistics.median(c for _, c in samples[0])
        print(
            f"{label}: response {on * 1e3:.3f} ms counting / {off * 1e3:.3f} ms not (×{on / off:.3f});"
            f" the count's write after the response {write * 1e3:.3f} ms",
            flush=True,
        )
    print(f"load average after: {os.getloadavg()}", flush=True)
    cleanup()


def serve(days: int, requests: int) -> None:
    """Child mode, under valgrind: warm up, then `requests` cached searches, counting or not."""
    handler = setup()
    from django.conf import settings

    settings.PAGE_CACHE_SECONDS = 300
    settings.SEARCH_LOG_DAYS = days
    for _ in range(WARM_UP + requests):
        request(handler, QUERY)


def instructions(days: int, requests: int) -> int:
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, __file__]
    run = subprocess.run(
        [*command, "--serve", str(days), "--requests", str(requests)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    found = re.search(r"Collected : (\d+)", run.stderr)
    if run.returncode or not found:
        sys.exit(run.stderr[-2000:])
    return int(found[1])


def cleanup() -> None:
    from articles.search_log import SearchCount, utc_today

    SearchCount.objects.filter(query=QUERY, day=utc_today()).delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=400)
    parser.add_argument("--instructions", action="store_true")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        serve(args.serve, args.requests)
        return
    if not args.instructions:
        timings(args.rounds)
        return
    counts = {}
    for days in (0, 90):
        counts[days] = (instructions(days, args.requests) - instructions(days, 0)) / args.requests
        print(f"cached search, SEARCH_LOG_DAYS={days}: {counts[days] / 1e6:.3f} M instructions", flush=True)
    print(f"counting on / off: ×{counts[90] / counts[0]:.3f}")
    setup()
    cleanup()


if __name__ == "__main__":
    main()
