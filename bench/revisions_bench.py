"""What keeping every revision costs (issue 26, articles/revisions.py): saves and imports, on and off.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/revisions_bench.py
    … --pages 2000 --saves 500

Against the PostgreSQL server of DATABASE_URL (its database is only used to create two others,
`bench_revisions_on` and `bench_revisions_off`, each dropped, created and migrated first). For each,
a child process:
1. imports N synthetic pages (bench/make_pages.py): new stories, written with COPY;
2. imports them again, each page's body changed: every story updated through the ORM
   (`update_article`), which records a revision per story when on;
3. saves S of the stories as the admin's form does (the story, then its bylines), inside
   `reversion.create_revision()` with a user when on (after `keep_baseline`), bare when off.
"Off" is the code without revisions: the importer's revision calls replaced by no-ops. Prints pages/s,
the saves' CPU (this process) and wall time, and the rows and `pg_total_relation_size` of
`reversion_version` (and `reversion_revision`) after each step.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"


def database_url(name: str) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}"))


def recreate(name: str) -> None:
    import psycopg2

    connection = psycopg2.connect(database_url("postgres"))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {name}")
    connection.close()


def changed_copy(source: Path, target: Path) -> None:
    """The same pages, each with one sentence added to its first body paragraph."""
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.iterdir()):
        blocks = path.read_text().split("\n\n")
        blocks[3] += " Corrected later that day."
        (target / path.name).write_text("\n\n".join(blocks))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--saves", type=int, default=500)
    parser.add_argument("--child", choices=["on", "off"])
    args = parser.parse_args()
    pages, changed = OUT / f"revisions-{args.pages}", OUT / f"revisions-{args.pages}-changed"
    if args.child:
        return child(args.child, pages, changed, args.saves)
    subprocess.run([sys.executable, "bench/make_pages.py", str(args.pages), str(pages)], cwd=ROOT, check=True)
    changed_copy(pages, changed)
    for mode in ("off", "on"):
        name = f"bench_revisions_{mode}"
        recreate(name)
        env = {**os.environ, "DATABASE_URL": database_url(name), "DEBUG": "1"}
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
        )
        command = [sys.executable, "bench/revisions_bench.py", "--pages", str(args.pages)]
        subprocess.run([*command, "--saves", str(args.saves), "--child", mode], cwd=ROOT, env=env, check=True)


def child(mode: str, pages: Path, changed: Path, saves: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    if mode == "off":
        switch_off()
    figures = {"mode": mode, "pages": len(list(pages.iterdir()))}
    figures["new"] = timed_import(pages)
    figures["after_new"] = table_sizes()
    figures["changed"] = timed_import(changed)
    figures["after_changed"] = table_sizes()
    figures["saves"] = timed_saves(mode, saves)
    figures["after_saves"] = table_sizes()
    print(json.dumps(figures))


def switch_off() -> None:
    """The importer as it was before revisions: no baseline, no revision around an update."""
    from articles import revisions
    from articles.importer import update_story

    class Off:
        create_revision = staticmethod(lambda **options: contextlib.nullcontext())
        set_comment = staticmethod(lambda comment: None)
        add_to_revision = staticmethod(lambda obj: None)

    update_story.reversion = Off
    revisions.keep_baseline = lambda article: None


def timed_import(folder: Path) -> dict[str, float]:
    from django.core.management import call_command

    started = time.perf_counter()
    out = io.StringIO()
    call_command("import_articles", str(folder), stdout=out, stderr=io.StringIO())
    seconds = time.perf_counter() - started
    count = len(list(folder.iterdir()))
    return {
        "seconds": round(seconds, 2),
        "pages_per_s": round(count / seconds, 1),
        "report": out.getvalue()[-90:],
    }


def table_sizes() -> dict[str, int]:
    from django.db import connection

    sizes = {}
    with connection.cursor() as cursor:
        for table in ("reversion_version", "reversion_revision"):
            cursor.execute(f"SELECT count(*), pg_total_relation_size('{table}') FROM {table}")
            rows, size = cursor.fetchone()
            sizes[f"{table}_rows"], sizes[f"{table}_bytes"] = rows, size
    return sizes


def timed_saves(mode: str, saves: int) -> dict[str, float]:
    """The admin form's writes for `saves` stories: the story, each byline, the byline refreshed."""
    import reversion
    from django.contrib.auth import get_user_model

    from articles import revisions
    from articles.models import Article
    from articles.querysets import SEARCH_COLUMNS

    user, _ = get_user_model().objects.get_or_create(username="bench-editor", defaults={"is_staff": True})
    stories = list(Article.objects.defer(*SEARCH_COLUMNS).order_by("pk")[: saves + 50])

    def save(story: Article, number: int) -> None:
        story.summary = f"{story.summary.split(' [')[0]} [revised {number}]"
        story.save()
        for link in story.author_links.all():
            link.save()
        story.refresh_byline()

    def one(story: Article, number: int) -> None:
        if mode == "off":
            return save(story, number)
        revisions.keep_baseline(story)
        with reversion.create_revision():
            reversion.set_user(user)
            reversion.set_comment("Changed summary.")
            save(story, number)

    for number, story in enumerate(stories[:50]):  # warm-up
        one(story, number)
    cpu, wall = time.process_time(), time.perf_counter()
    for number, story in enumerate(stories[50:]):
        one(story, number)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return {
        "saves": saves,
        "cpu_ms_per_save": round(cpu * 1000 / saves, 2),
        "wall_ms_per_save": round(wall * 1000 / saves, 2),
    }


if __name__ == "__main__":
    main()
