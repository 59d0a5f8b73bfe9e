"""Importer crash safety: SIGKILL mid-import leaves no partial article, a re-run finishes the job,
and two imports of the same folder at once produce no duplicates.

The imports run as real `manage.py import_articles` subprocesses pointed at the test database
(committed data, hence `transaction=True`), exactly as ops would run them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import psycopg2
import pytest
from django.db import connection

from articles.importer.pages import read_saved_page
from articles.models import Article, SourceDocument

ROOT = Path(__file__).resolve().parents[2]
PAGES = 300  # two batches of the loader's 200: the kill lands while the second one is being written
APP_NAME = "crash-test-import"
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def pages_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("crash-pages")
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "make_pages.py"), str(PAGES), str(folder)], check=True
    )
    return folder


def database_url() -> str:
    """The test database as a DATABASE_URL (the embedded server's socket folder percent-encoded)."""
    db = connection.settings_dict
    host = quote(str(db["HOST"]), safe="")
    return f"postgres://{db['USER']}:{quote(db['PASSWORD'] or '')}@{host}:{db['PORT']}/{db['NAME']}"


def start_import(folder: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "newsroom.test_settings",
        "PGAPPNAME": APP_NAME,  # libpq tags the importer's session, so the test can watch it
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "import_articles", str(folder)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def importer_is_mid_write(cur) -> bool:
    """True once a batch has been committed and another transaction has written but not committed."""
    cur.execute("SELECT count(*) FROM articles_sourcedocument")
    committed = cur.fetchone()[0]
    cur.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s AND backend_xid IS NOT NULL",
        [APP_NAME],
    )
    return committed > 0 and cur.fetchone()[0] > 0


def kill_mid_write(process: subprocess.Popen, timeout: float = 30) -> None:
    db = connection.settings_dict
    watcher = psycopg2.connect(dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"])
    watcher.autocommit = True  # each poll sees the latest commits
    deadline = time.monotonic() + timeout
    try:
        with watcher.cursor() as cur:
            while not importer_is_mid_write(cur):
                assert process.poll() is None, "the import finished before it could be killed"
                assert time.monotonic() < deadline, "the import never started writing"
                time.sleep(0.002)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=timeout)
    finally:
        watcher.close()


def assert_every_article_matches_its_source() -> None:
    """Each article is whole: fields, authors and teasers are what its source page says."""
    assert not SourceDocument.objects.filter(articles__isnull=True).exists(), "a source without its article"
    for article in Article.objects.select_related("section", "source", "hero_image"):
        assert article.source is not None, f"{article.slug} has no source"
        parsed = read_saved_page(article.source.text.encode(), origin=article.source.origin).parsed
        assert article.title == parsed.title
        assert article.paragraphs == [" ".join(p.split()) for p in parsed.paragraphs]
        assert article.section.name == parsed.section
        assert article.hero_image.caption == parsed.hero_image.caption
        authors = [link.author.name for link in article.author_links.order_by("position")]
        assert authors == [a.name for a in parsed.authors]
        assert list(article.teasers.order_by("position").values_list("title", flat=True)) == [
            t.title for t in parsed.teasers if t.title
        ]


def assert_all_pages_imported_once(*folders: Path) -> None:
    shas = {read_saved_page(p.read_bytes(), origin=str(p)).sha256 for f in folders for p in f.iterdir()}
    assert set(SourceDocument.objects.values_list("sha256", flat=True)) == shas
    assert Article.objects.count() == SourceDocument.objects.count() == len(shas)
    assert Article.objects.values("source").distinct().count() == len(shas)  # one article per source


def run_concurrently(folder: Path) -> int:
    """Import `folder` twice at once; both must succeed. Return how many pages they created together."""
    first, second = start_import(folder), start_import(folder)
    results = [process.communicate(timeout=60) for process in (first, second)]
    for process, (out, err) in zip((first, second), results, strict=True):
        assert process.returncode == 0, f"{out}\n{err}"
        assert "Traceback" not in err
    return sum(int(out.split(" created")[0].split()[-1]) for out, _ in results)


def test_a_killed_import_leaves_only_whole_articles_and_a_rerun_finishes(pages_dir):
    kill_mid_write(start_import(pages_dir))
    survivors = Article.objects.count()
    assert 0 < survivors < PAGES, f"{survivors} articles: the kill did not land mid-import"
    assert_every_article_matches_its_source()

    rerun = start_import(pages_dir)
    out, err = rerun.communicate(timeout=60)
    assert rerun.returncode == 0, err
    assert f"{PAGES - survivors} created, 0 updated, {survivors} unchanged, 0 failed" in out
    assert_all_pages_imported_once(pages_dir)
    assert_every_article_matches_its_source()


def test_two_imports_of_the_same_folder_at_once_make_no_duplicates(pages_dir):
    assert run_concurrently(pages_dir) == PAGES  # each page created by one; the other saw it unchanged
    assert_all_pages_imported_once(pages_dir)
    assert_every_article_matches_its_source()


def test_concurrent_imports_deciding_page_by_page_report_no_conflict(pages_dir, tmp_path):
    """Titles already taken by other stories send every page down the one-page-at-a-time path,
    where both imports race for the same sha256 and the same `title-2` slug."""
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir(), second.mkdir()
    for path in sorted(pages_dir.iterdir())[:100]:
        (first / path.name).write_bytes(path.read_bytes())
        lines = path.read_text().split("\n")  # same title, another story: new words in every paragraph
        other = [
            line if n < 8 or len(line) < 80 else "Fishing boats left harbour at dawn. " * 3
            for n, line in enumerate(lines)
        ]
        (second / path.name).write_text("\n".join(other))
    earlier = start_import(first)
    earlier.communicate(timeout=60)
    assert earlier.returncode == 0
    assert run_concurrently(second) == 100
    assert_all_pages_imported_once(first, second)
    assert_every_article_matches_its_source()
