"""The editors' admin on a large archive: time per page of the article list, with filters and
searches, signed in as a superuser (created in the bench database as `bench-admin`).

    EMBEDDED_DB_DIR=var/bench-1m .venv/bin/python bench/admin_profile.py [--requests 3] [--url …]

Production settings, the test client in one process; the median of `--requests` requests after
one untimed request, and the number of queries of the last one.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

URLS = [
    "/admin/articles/article/",
    "/admin/articles/article/?p=500",
    "/admin/articles/article/?q=doctor",
    "/admin/articles/article/?q=caustic",
    "/admin/articles/article/?q=qzxvbnwplk",
    "/admin/articles/article/?published_at__year=2020",
    "/admin/articles/article/?status__exact=draft",
    "/admin/articles/article/?section__id__exact=1",
    "/admin/articles/article/?authors__id__exact=1",
    "/admin/authors/author/",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3)
    parser.add_argument("--url", action="append", default=[], help="a page to time instead (repeatable)")
    args = parser.parse_args()

    from bench.page_bench import use_production_settings

    use_production_settings()
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    editor, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(editor)
    print("| page | ms (median) | queries |\n|---|---:|---:|")
    for url in args.url or URLS:
        assert client.get(url, secure=True).status_code == 200, url
        times = []
        for _ in range(args.requests):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                client.get(url, secure=True)
                times.append((time.perf_counter() - start) * 1000)
        print(f"| `{url}` | {statistics.median(times):.1f} | {len(queries)} |")


if __name__ == "__main__":
    main()
