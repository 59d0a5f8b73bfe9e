"""Machine instructions one uncached page costs the app's Python process, counted by valgrind.

    apt-get install -y valgrind
    .venv/bin/python bench/page_instructions.py [hello,article,home,author,section] [--requests 200]

Timings on a shared machine move by a quarter within minutes; an instruction count does not (the
same code, data and settings give the same count to within a fraction of a percent), so a small
change to the page path can be compared before and after. Each page is served through Django's
WSGI handler in process (production settings, page cache off, the bench archive: see
page_bench.py) under `valgrind --tool=callgrind`, once with no requests and once with
`--requests` requests after the same warm-up; the difference divided by the requests is one
request. PostgreSQL's work is not counted (it runs in its own process): page_cpu.py measures it.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WARM_UP = 50


def serve(page: str, requests: int) -> None:
    """Child mode, run under valgrind: warm up, then serve `requests` requests for `page`."""
    from bench import page_bench

    urls = page_bench.sample_urls()
    page_bench.use_production_settings()
    os.environ["BENCHMARK_HELLO"] = "1"
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()

    def get(path: str) -> None:
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1", "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.input": io.BytesIO(), "wsgi.url_scheme": "http",
        }  # fmt: skip
        status = []
        body = handler(environ, lambda line, headers, exc_info=None: status.append(line))
        b"".join(body)
        body.close()
        assert status[0].startswith("200"), (path, status)

    for _ in range(WARM_UP):
        get(urls[page])
    for _ in range(requests):
        get(urls[page])


def instructions(page: str, requests: int) -> int:
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, __file__]
    run = subprocess.run(
        [*command, "--serve", page, "--requests", str(requests)], cwd=ROOT, capture_output=True, text=True
    )
    found = re.search(r"Collected : (\d+)", run.stderr)
    if run.returncode or not found:
        sys.exit(run.stderr[-2000:])
    return int(found[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="?", default="hello,article,home,author,section")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.requests)
        return
    counts = {}
    for page in args.pages.split(","):
        counts[page] = (instructions(page, args.requests) - instructions(page, 0)) / args.requests
        relative = f" ({counts[page] / counts['hello']:.2f}× hello)" if "hello" in counts else ""
        print(f"{page}: {counts[page] / 1e6:.2f} M instructions a request{relative}", flush=True)


if __name__ == "__main__":
    main()
