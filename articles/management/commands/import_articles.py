"""`python manage.py import_articles PATH…` — load saved article pages into the archive.

Guarantees:

* **atomic per page**: a page is imported whole or not at all; a bad page never stops the others;
* **idempotent**: importing the same page again changes nothing ("unchanged"); a corrected version
  of a story updates it in place ("updated"); see `articles/importer/load.py` for how a page's story
  is identified;
* **nothing lost**: every page's raw text is kept verbatim as a SourceDocument;
* `--dry-run` parses, validates and reports (created / updated / unchanged / failed) and writes nothing;
* `--json` prints one JSON object per page (JSON Lines) on stdout and everything else on stderr;
* the exit code is 0 when every page was imported, 1 when any failed (each failure is named).

PATH may be a file, a folder (searched recursively), a glob, or `-` for standard input. Text and
HTML pages are told apart by their content, not their file names; a gzip-compressed page is read.
A file that is not a page (empty, an image, a PDF, an archive, binary data) is refused with what it
is ("JPEG image, not a page"), counted as failed, and never imported; the pages beside it still are.
"""

from __future__ import annotations

import contextlib
import gc
import glob
import json
import multiprocessing
import os
import queue
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, time
from functools import partial
from pathlib import Path
from time import sleep

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from tqdm import tqdm

from articles.events import stories_imported
from articles.import_log import ImportRecorder
from articles.importer.load import ImportOptions, Outcome, import_pages
from articles.importer.pages import SavedPage, Unreadable, read_page_file, read_saved_page
from articles.importer.sniff import NotAPage
from articles.models import Article

MAX_PAGE_BYTES = 20 * 1024 * 1024  # a saved article page is kilobytes; larger is not a page
PARALLEL_FROM = 64  # fewer files are parsed here: starting the processes would cost more
PARALLEL_WINDOW = 2000  # files handed to the processes at a time
PARALLEL_CHUNK = 16  # files per hand-over


class Command(BaseCommand):
    help = "Import saved article pages (text or HTML): files, folders, globs, or - for stdin."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--dry-run", action="store_true", help="Parse, validate and report; write nothing."
        )
        parser.add_argument(
            "--json", action="store_true", help="Print each parsed page as JSON Lines on stdout."
        )
        parser.add_argument("--section", default="", help="Put every page in this section.")
        parser.add_argument(
            "--published", type=_published_option, help="Date for pages that carry none (ISO)."
        )
        parser.add_argument("--status", choices=Article.Status.values, default=Article.Status.PUBLISHED)
        parser.add_argument(
            "--jobs",
            type=int,
            default=os.cpu_count() or 1,
            help="Processes that parse pages (default: one per core; 1 parses beside the loader).",
        )

    def handle(self, *args, **options) -> None:
        if _unapplied_migrations():
            # Before any page is read: otherwise the first write fails with a database traceback.
            raise CommandError(
                "The database is not set up for this version: run `make migrate` "
                "(or `python manage.py migrate`) first."
            )
        report = self.stderr if options["json"] else self.stdout
        import_options = ImportOptions(
            section=options["section"], published=options["published"], status=options["status"]
        )
        files = list(_expand(options["paths"]))
        # Outcomes are counted as they come and each page is let go once loaded: a run's memory
        # does not grow with its pages (only failures are kept, with their reasons).
        counts: Counter[Outcome] = Counter()
        failures: list[tuple[str, str]] = []
        # A dry run does all the work inside one transaction and rolls it back; a real run commits
        # page by page (batch by batch), so an interrupted import keeps every page it finished.
        with (
            _rare_garbage_collection(),
            transaction.atomic() if options["dry_run"] else contextlib.nullcontext(),
        ):
            pages = read_ahead(
                self._read_pages(files, failures, as_json=options["json"], jobs=options["jobs"])
            )
            trail = None if options["dry_run"] else ImportRecorder(_arguments(options))
            self._load(pages, import_options, len(files), counts, failures, trail)
            if options["dry_run"]:
                transaction.set_rollback(True)
            else:
                stories_imported.send(
                    sender=self.__class__, created=counts[Outcome.CREATED], updated=counts[Outcome.UPDATED]
                )
        self._summarise(counts, failures, report, dry_run=options["dry_run"])

    def _load(
        self,
        pages: Iterator[SavedPage],
        options: ImportOptions,
        total: int,
        counts: Counter[Outcome],
        failures: list[tuple[str, str]],
        trail: ImportRecorder | None,
    ) -> None:
        """Load the pages, counting outcomes and keeping failures; the trail lists the stories."""
        progress = tqdm(total=total, unit="page", file=sys.stderr, disable=None, leave=False)
        for result in import_pages(pages, options=options):
            counts[result.outcome] += 1
            if result.outcome is Outcome.FAILED:
                failures.append((result.page.origin, result.error))
            elif trail and result.outcome in (Outcome.CREATED, Outcome.UPDATED) and result.article_id:
                trail.story(result.article_id, result.outcome.value, result.page.origin)
            progress.update(1)
        progress.close()
        if trail:
            # (files refused before parsing fail too: the failures list holds them all)
            trail.finish({**{o.value: n for o, n in counts.items()}, "failed": len(failures)}, failures)

    def _read_pages(
        self, files: list[str], failures: list, *, as_json: bool, jobs: int
    ) -> Iterator[SavedPage]:
        for page in _pages(files, jobs):
            if isinstance(page, Unreadable):  # not read, or not a page (an image, a PDF…): never imported
                failures.append((page.origin, page.reason))
                continue
            if as_json:
                self.stdout.write(
                    json.dumps({"source": page.origin, **page.parsed.to_json()}, ensure_ascii=False)
                )
            yield page

    def _summarise(self, counts: Counter, failures: list, report, *, dry_run: bool) -> None:
        prefix = "Dry run (nothing written): " if dry_run else ""
        report.write(
            f"{prefix}{counts[Outcome.CREATED]} created, {counts[Outcome.UPDATED]} updated, "
            f"{counts[Outcome.UNCHANGED]} unchanged, {len(failures)} failed"
        )
        for path, reason in failures:
            report.write(f"  failed: {path}: {reason}")
        if failures:
            raise CommandError(f"{len(failures)} page(s) could not be imported", returncode=1)


def read_ahead(items: Iterator[SavedPage], depth: int = 400, chunk: int = 25) -> Iterator[SavedPage]:
    """Yield `items`, produced by a background thread up to `depth` ahead.

    Reading and parsing run in Python while the database works on the previous batch (the driver
    releases the GIL while it waits), so the two use both cores instead of taking turns. Items
    cross over `chunk` at a time: one hand-over per page cost ~0.5 s of CPU per 10,000 pages in
    lock and GIL traffic between the two threads.
    """
    buffer: queue.Queue = queue.Queue(maxsize=max(1, depth // chunk))
    done = object()

    def produce() -> None:
        batch: list = []
        try:
            for item in items:
                batch.append(item)
                if len(batch) >= chunk:
                    buffer.put(batch)
                    batch = []
                    # Let go of the GIL: the loader's thread wants it back after every database
                    # reply, and a parser that keeps it delays the whole pipeline.
                    sleep(0)
        except BaseException as error:  # handed to the consumer, which re-raises it
            batch.append(error)
        buffer.put(batch)
        buffer.put(done)

    threading.Thread(target=produce, daemon=True, name="import-reader").start()
    while (batch := buffer.get()) is not done:
        for item in batch:
            if isinstance(item, BaseException):
                raise item
            yield item


@contextlib.contextmanager
def _rare_garbage_collection() -> Iterator[None]:
    """Run Python's cycle collector every 50,000 net allocations instead of every 700, for the run.

    An import allocates millions of short-lived objects that reference counting frees; the cycle
    collector found nothing to free in them but spent ~0.25 s of a 10,000-page run (3%) walking
    the pages held in the read-ahead buffer. Cycles are still collected, just less often."""
    threshold = gc.get_threshold()
    gc.set_threshold(50_000, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


def _unapplied_migrations() -> bool:
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _published_option(value: str) -> datetime:
    parsed = parse_datetime(value) or (
        d and datetime.combine(d, time.min) if (d := parse_date(value)) else None
    )
    if parsed is None:
        raise ValueError(value)
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _expand(paths: list[str]) -> Iterator[str]:
    """Files named, found in folders (recursively, hidden ones skipped) or matched by globs, in order."""
    for raw in paths:
        yield from _expand_one(raw)


def _expand_one(raw: str) -> Iterator[str]:
    path = Path(raw)
    if raw == "-" or path.is_file():
        yield raw
    elif path.is_dir():
        yield from _folder_files(path)
    elif matches := sorted(glob.glob(raw, recursive=True)):
        for match in matches:
            yield from _expand([match]) if Path(match).is_dir() else [match]
    else:
        yield raw  # reported as unreadable, with the others still imported


def _folder_files(folder: Path) -> list[str]:
    """The files under a folder, recursively, in name order; hidden ones (and those in hidden
    folders) skipped, and symbolic links to folders not followed. One directory entry at a time:
    `Path.rglob` held a path object and an entry for every file at once, a peak of +27 MB at
    100,000 files that the process never gave back (bench/RESULTS.md, "Importer")."""
    found: list[str] = []
    folders = [str(folder)]
    while folders:
        try:
            entries = os.scandir(folders.pop())
        except OSError:  # a folder that cannot be listed is skipped, as Path.rglob skipped it
            continue
        with entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                elif entry.is_file():
                    found.append(entry.path)
    found.sort()
    return found


def _pages(files: list[str], jobs: int) -> Iterator[SavedPage | Unreadable]:
    """Every file read and parsed, in order. With `jobs` > 1 and files enough to share, parsed by
    that many processes: an HTML page takes 10-40 ms to parse (its main text: trafilatura), and on
    one core the loader would wait for the parser. Windows of files bound what waits in memory."""
    if jobs <= 1 or len(files) < PARALLEL_FROM or "-" in files:
        yield from (_read_one(path) for path in files)
        return
    read = partial(read_page_file, max_bytes=MAX_PAGE_BYTES)
    # Spawned, not forked: a parsing process needs no Django, and must not share its connections.
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        for start in range(0, len(files), PARALLEL_WINDOW):
            yield from pool.map(read, files[start : start + PARALLEL_WINDOW], chunksize=PARALLEL_CHUNK)


def _read_one(path: str) -> SavedPage | Unreadable:
    if path != "-":
        return read_page_file(path, MAX_PAGE_BYTES)
    try:
        return read_saved_page(sys.stdin.buffer.read(MAX_PAGE_BYTES + 1)[:MAX_PAGE_BYTES], origin=path)
    except NotAPage as refusal:
        return Unreadable(path, str(refusal))


def _arguments(options: dict) -> str:
    """The run's paths and the options it was given, for its audit trail."""
    given = [f"--{name} {options[name]}" for name in ("section", "published") if options[name]]
    if options["status"] != Article.Status.PUBLISHED:
        given.append(f"--status {options['status']}")
    return " ".join([*options["paths"], *given])
