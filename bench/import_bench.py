"""Importer throughput against `loaddata` of the equivalent fixture, in one run, on the same data.

    make bench-import                 # 10,000 pages
    PAGES=2000 make bench-import
    .venv/bin/python bench/import_bench.py --pages 10000 --jobs 1,2 --html 500

`--jobs` imports the text pages once per value of `import_articles --jobs` (each into an empty
database); `--html N` then renders N of the imported stories' pages with the app itself (full pages:
masthead, menus, byline, figure, teasers, author box, footer) and imports those HTML files with each
`--jobs` value, for the HTML front end's pages/s (its main text comes from trafilatura).

Steps: generate N synthetic pages (bench/make_pages.py); import them with `import_articles` into an
empty, migrated database (search vector and GIN index in place) under `/usr/bin/time -v`; dump the
result as a fixture; load that fixture with `loaddata` into another empty database, timed the same
way. Both run on a separate embedded server (var/bench-postgres), never the working database.
Prints pages/s for both and the ratio, and appends them to bench/RESULTS.md with --record.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"  # git-ignored
BENCH_DB_DIR = ROOT / "var" / "bench-postgres"


def manage(database: str, *args: str, timed: bool = False) -> float:
    """Run manage.py against `database` on the bench server; return wall seconds (and peak RSS line)."""
    env = {**os.environ, "DEBUG": "1", "EMBEDDED_DB_DIR": str(BENCH_DB_DIR), "EMBEDDED_DB_NAME": database}
    env.pop("DATABASE_URL", None)
    command = [sys.executable, "manage.py", *args]
    if timed and Path("/usr/bin/time").exists():
        command = ["/usr/bin/time", "-v", *command]
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    if rss := re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr):
        print(f"    peak RSS {int(rss[1]) // 1024} MB")
    return elapsed


def drop(database: str) -> None:
    sql = f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"
    code = f"from django.db import connection as c; c.cursor().execute({sql!r})"
    env = {**os.environ, "DEBUG": "1", "EMBEDDED_DB_DIR": str(BENCH_DB_DIR), "EMBEDDED_DB_NAME": "postgres"}
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code], cwd=ROOT, env=env, check=True
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--record", action="store_true", help="append the figures to bench/RESULTS.md")
    parser.add_argument("--jobs", default="", help="import_articles --jobs values to compare, e.g. 1,2")
    parser.add_argument("--html", type=int, default=0, help="also render and import this many HTML pages")
    args = parser.parse_args()
    if args.jobs:
        return compare_jobs(args)
    pages_dir, fixture = OUT / f"pages-{args.pages}", OUT / f"fixture-{args.pages}.json"
    shutil.rmtree(pages_dir, ignore_errors=True)
    subprocess.run(
        [sys.executable, "bench/make_pages.py", str(args.pages), str(pages_dir)], cwd=ROOT, check=True
    )
    results = {}
    for name in ("bench_import", "bench_loaddata"):
        drop(name)
        manage(name, "migrate", "--noinput")
    print(f"import_articles, {args.pages} pages:")
    results["import"] = manage("bench_import", "import_articles", str(pages_dir), timed=True)
    manage("bench_import", "dumpdata", "authors", "articles", "-o", str(fixture))
    print(f"loaddata of the same {args.pages} articles:")
    results["loaddata"] = manage("bench_loaddata", "loaddata", str(fixture), timed=True)
    for name in ("bench_import", "bench_loaddata"):
        drop(name)
    lines = [
        f"\n## Importer\n\n`PAGES={args.pages} make bench-import` ({time.strftime('%Y-%m-%d %H:%M')}, "
        f"load average before the run {os.getloadavg()[0]:.1f}):\n",
        f"- import_articles: {args.pages} pages in {results['import']:.1f} s = "
        f"**{args.pages / results['import']:.0f} pages/s** (parse included, one process)",
        f"- loaddata (same articles): {results['loaddata']:.1f} s = "
        f"{args.pages / results['loaddata']:.0f} pages/s",
        f"- ratio import / loaddata: **{results['loaddata'] / results['import']:.2f}×**",
    ]
    print("\n".join(lines))
    if args.record:
        with open(ROOT / "bench" / "RESULTS.md", "a", encoding="utf-8") as results_file:
            results_file.write("\n".join(lines) + "\n")


RENDER = """
from pathlib import Path
from django.test import Client
from articles.models import Article
client, folder = Client(), Path({folder!r})
folder.mkdir(parents=True, exist_ok=True)
for n, slug in enumerate(Article.objects.order_by("pk").values_list("slug", flat=True)[:{count}]):
    (folder / f"{{n:06}}.html").write_bytes(client.get(f"/articles/{{slug}}/", HTTP_HOST="localhost").content)
"""


def compare_jobs(args: argparse.Namespace) -> None:
    """Text pages, then (with --html) the app's own rendered pages, imported with each --jobs value."""
    jobs = [value.strip() for value in args.jobs.split(",")]
    pages_dir = OUT / f"pages-{args.pages}"
    shutil.rmtree(pages_dir, ignore_errors=True)
    subprocess.run(
        [sys.executable, "bench/make_pages.py", str(args.pages), str(pages_dir)], cwd=ROOT, check=True
    )
    html_dir = OUT / f"html-{args.html}"
    for n in jobs:
        drop("bench_import")
        manage("bench_import", "migrate", "--noinput")
        print(f"import_articles --jobs {n}, {args.pages} text pages:")
        seconds = manage("bench_import", "import_articles", str(pages_dir), "--jobs", n, timed=True)
        print(f"    {args.pages / seconds:.0f} pages/s")
        if args.html and not html_dir.exists():
            manage(
                "bench_import", "shell", "-v", "0", "-c", RENDER.format(folder=str(html_dir), count=args.html)
            )
    for n in jobs if args.html else []:
        drop("bench_html")
        manage("bench_html", "migrate", "--noinput")
        print(f"import_articles --jobs {n}, {args.html} HTML pages (rendered by the app):")
        seconds = manage("bench_html", "import_articles", str(html_dir), "--jobs", n, timed=True)
        print(f"    {args.html / seconds:.1f} pages/s")
    for name in ("bench_import", "bench_html"):
        drop(name)


if __name__ == "__main__":
    main()
