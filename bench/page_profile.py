"""Where an uncached page's time goes, in-process: database round trips, template rendering, and the
rest (middleware, the view, the ORM building SQL), per page type, beside the hello view.

    .venv/bin/python bench/page_profile.py [--requests 100] [--url '/search/?q=game' …]
        [--search-cache-seconds 60]   # page turns of a search with its census cached
    .venv/bin/python bench/page_profile.py --more-like-this 200   # only the article page, 3 ways

Runs against the bench archive (var/bench-postgres, see page_bench.py) with production settings and
the page cache off, through Django's test client (no HTTP, no gunicorn): the figures say what one
core spends per request, which is what page_bench.py's "cache off" ratios are made of.

`--more-like-this N` profiles the article page of N stories spread over the archive, one request
each: with the list computed in the request (cold: the first view of a story after the archive
changed), then twice in turn without "More like this" (MORE_LIKE_THIS_STORIES=0) and with it kept
(warm: every later view), as ratios to without; then how many of the stories shown share a subject
with their story: a topic word of the generator (bench/generate_archive.py) said at least twice in
both bodies (singular and plural alike), for the stories whose headline or dek says their own
topic and for all.
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
    parser.add_argument("--more-like-this", type=int, default=0, metavar="N", help="see above")
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
    if args.more_like_this:
        print(f"load average {os.getloadavg()[0]:.2f}")
        with connection.execute_wrapper(clock.execute):
            more_like_this(client, clock, args.more_like_this)
        return
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


def more_like_this(client: Any, clock: Clock, count: int) -> None:
    """The article page of `count` public stories (evenly spread by id) without "More like this",
    with it computed in the request, and with it kept in the cache; one request a story a way."""
    from django.conf import settings

    from articles import more_like_this as module
    from articles.models import Article

    ids = Article.objects.published().order_by("id").values_list("id", flat=True)
    step = max(1, ids.count() // count)
    urls = [story.get_absolute_url() for story in Article.objects.filter(id__in=list(ids[::step][:count]))]
    kept = module.archive_cached

    def computed(name: str, compute: Callable[[], Any], timeout: int) -> Any:
        return compute()

    def timed(label: str) -> float:
        clock.__init__()
        start = time.perf_counter()
        shown = sum(b'class="more-like-this"' in client.get(url).content for url in urls)
        total = (time.perf_counter() - start) * 1000 / len(urls)
        db, render = clock.db * 1000 / len(urls), clock.render * 1000 / len(urls)
        print(
            f"| {label} | {total:.2f} | {clock.queries / len(urls):.2f} | {db:.2f} | {render:.2f} "
            f"| {shown}/{len(urls)} |",
            flush=True,
        )
        return total

    print("| article page | ms/request | queries | database ms | templates ms | with the block |")
    print("|---|---:|---:|---:|---:|---:|")
    settings.MORE_LIKE_THIS_STORIES = 0
    for url in urls:
        client.get(url)  # warm: connection, templates, caches, the stories' own rows
    settings.MORE_LIKE_THIS_STORIES = 4
    module.archive_cached = computed
    cold = timed("with, computed in the request (cold)")
    module.archive_cached = kept
    for url in urls:
        client.get(url)  # computed and kept
    without, warm = [], []
    for _ in range(2):  # alternated, so that neither finds the other's pages in the buffers
        settings.MORE_LIKE_THIS_STORIES = 0
        without.append(timed("without"))
        settings.MORE_LIKE_THIS_STORIES = 4
        warm.append(timed("with, kept (warm)"))
    base = sum(without) / len(without)
    print(f"ratios to without: cold {cold / base:.2f}, warm {sum(warm) / len(warm) / base:.2f}")
    subjects(module, ids[::step][:count])


def subjects(module: Any, ids: list[int]) -> None:
    """How many of the stories "More like this" shows share a subject with their story."""
    import re
    from collections import Counter

    from articles.models import Article
    from bench.generate_archive import vocabulary

    topics = set(vocabulary()[2])

    def topics_of(text: str) -> set[str]:
        said = Counter(word.lower() for word in re.findall(r"[A-Za-z]+", text))
        return {word.rstrip("s") for word, times in said.items() if word in topics and times >= 2}

    shared = {"headline says its topic": [0, 0], "all": [0, 0]}
    for story in Article.objects.filter(id__in=ids).only("title", "summary", "body"):
        own = topics_of(story.body)
        shown = module.similar_stories(story.id)[:4]  # as the page shows them (no teasers here)
        bodies = Article.objects.filter(id__in=[s.id for s in shown]).values_list("body", flat=True)
        alike = sum(bool(topics_of(body) & own) for body in bodies)
        headline = {
            word.lower().rstrip("s") for word in re.findall(r"[A-Za-z]+", story.title + " " + story.summary)
        }
        for kind in ("headline says its topic", "all") if own & headline else ("all",):
            shared[kind][0] += alike
            shared[kind][1] += len(shown)
    for kind, (alike, shown) in shared.items():
        share = alike / max(shown, 1)
        print(f"shown stories sharing their story's subject ({kind}): {alike}/{shown} = {share:.2f}")


if __name__ == "__main__":
    main()
