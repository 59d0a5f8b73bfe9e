"""Where an uncached page's time goes, in-process: database round trips, template rendering, and the
rest (middleware, the view, the ORM building SQL), per page type, beside the hello view.

    .venv/bin/python bench/page_profile.py [--requests 100] [--url '/search/?q=game' …]
        [--search-cache-seconds 60]   # page turns of a search with its census cached

Runs against the bench archive (var/bench-postgres, see page_bench.py) with production settings and
the page cache off, through Django's test client (no HTTP, no gunicorn): the figures say what one
core spends per request, which is what page_bench.py's "cache off" ratios are made of.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class Clock:
    """Time spent in database round trips and in template rendering (without its queries)."""

    def __init__(self) -> None:
        self.db = self.render = 0.0
        self.queries = 0
        self._render_depth = 0
        self._db_in_render = 0.0

    def execute(self, execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - start
            self.db += spent
            self.queries += 1
            if self._render_depth:
                self._db_in_render += spent

    @contextmanager
    def rendering(self) -> Iterator[None]:
        self._render_depth += 1
        start, db_before = time.perf_counter(), self._db_in_render
        try:
            yield
        finally:
            self._render_depth -= 1
            if not self._render_depth:
                self.render += time.perf_counter() - start - (self._db_in_render - db_before)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--url", action="append", default=[], help="profile this path too (repeatable)")
    parser.add_argument(
        "--search-cache-seconds",
        type=int,
        default=0,
        help="keep a search's census this long (SEARCH_CACHE_SECONDS; default 0: every request counts)",
    )
    args = parser.parse_args()

    from bench.page_bench import sample_urls, use_production_settings

    use_production_settings()
    os.environ["SEARCH_CACHE_SECONDS"] = str(args.search_cache_seconds)
    import django

    django.setup()
    from django.db import connection
    from django.template.backends import django as django_templates
    from django.template.backends import jinja2 as jinja2_templates
    from django.test import Client

    clock = Clock()

    def time_rendering(template_class: type) -> None:
        original_render = template_class.render

        def timed_render(self: Any, *a: Any, **kw: Any) -> str:
            with clock.rendering():
                return original_render(self, *a, **kw)

        template_class.render = timed_render

    time_rendering(django_templates.Template)  # the admin's, and any app's own
    time_rendering(jinja2_templates.Template)  # the reader pages'
    client = Client()
    print(f"{args.requests} requests per page, load average {os.getloadavg()[0]:.2f}")
    print("| page | ms/request | queries | database ms | templates ms | rest ms (middleware, view, ORM) |")
    print("|---|---:|---:|---:|---:|---:|")
    with connection.execute_wrapper(clock.execute):
        for name, url in {**sample_urls(), **{url: url for url in args.url}}.items():
            for _ in range(5):
                assert client.get(url).status_code == 200, url  # warm: connection, templates, caches
            clock.__init__()
            start = time.perf_counter()
            for _ in range(args.requests):
                client.get(url)
            total = (time.perf_counter() - start) * 1000 / args.requests
            db, render = clock.db * 1000 / args.requests, clock.render * 1000 / args.requests
            print(
                f"| {name} | {total:.2f} | {clock.queries / args.requests:.0f} | {db:.2f} | {render:.2f} "
                f"| {total - db - render:.2f} |"
            )


if __name__ == "__main__":
    main()
