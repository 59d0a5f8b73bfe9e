"""Every app process hears of every committed change to the archive, whoever made it.

PostgreSQL notifies `archive_changed` when a change commits, naming the stories when only stories
changed (migrations 0010, 0011), and each process's `ArchiveChangeListener` makes stale what the
change touched. These tests write with plain SQL on connections of their own (no Django signal can
fire), and run gunicorn with several workers, each with its own page cache (`locmem://`, the
default).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import archive_listener
from articles.archive_listener import BUMP_INTERVAL_SECONDS, LISTENER_NAME, ArchiveChangeListener
from articles.archive_state import archive_version
from tests.factories import ArticleFactory, AuthorFactory
from tests.servers import eventually, free_port, responds, server_database_env

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def other_connection():
    """A connection of another process or tool (psql, a restore): Django sends no signal for it."""
    return psycopg2.connect(**connection.get_connection_params())


@pytest.fixture
def story():
    return ArticleFactory()  # before the listener starts: its own notice is not awaited


@pytest.fixture
def listener() -> Iterator[ArchiveChangeListener]:
    listener = ArchiveChangeListener(retry_seconds=0.1)
    listener.start()
    assert listener.listening.wait(5)
    yield listener
    listener.stop()


def test_a_change_committed_elsewhere_makes_this_process_pages_stale(story, listener):
    before = archive_version()
    writer = other_connection()
    try:
        with writer.cursor() as cursor:
            cursor.execute("UPDATE articles_article SET title = 'Rolled back' WHERE id = %s", [story.pk])
        writer.rollback()  # a change that never commits is never announced
        assert not eventually(lambda: archive_version() != before, 0.5)
        with writer.cursor() as cursor:
            cursor.execute("UPDATE authors_author SET name = name || ' Jr'")
        writer.commit()
    finally:
        writer.close()
    assert eventually(lambda: archive_version() != before)


def test_a_burst_of_commits_empties_the_cache_a_few_times_not_at_each(story, listener, monkeypatch):
    batches: list[list[str]] = []
    apply = archive_listener._apply_notices

    def counted(payloads: list[str], version: str) -> None:
        batches.append(payloads)
        apply(payloads, version)

    monkeypatch.setattr(archive_listener, "_apply_notices", counted)
    writer = other_connection()
    try:
        for n in range(50):  # as an import does: a page per transaction
            with writer.cursor() as cursor:
                cursor.execute("UPDATE articles_article SET title = %s WHERE id = %s", [f"T{n}", story.pk])
            writer.commit()
    finally:
        writer.close()
    assert eventually(lambda: sum(map(len, batches)) == 50)  # each commit heard
    assert 1 <= len(batches) <= 10
    time.sleep(3 * BUMP_INTERVAL_SECONDS)
    assert len(batches) <= 10


def notices_after(*statements: str) -> list[str]:
    """The notices PostgreSQL sends for `statements`, committed on a connection of their own."""
    listening = other_connection()
    listening.autocommit = True
    try:
        with listening.cursor() as cursor:
            cursor.execute("LISTEN archive_changed")
        writer = other_connection()
        try:
            with writer, writer.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        finally:
            writer.close()
        time.sleep(0.2)
        listening.poll()
        return [notice.payload for notice in listening.notifies]
    finally:
        listening.close()


def test_a_change_to_stories_names_them_and_any_other_change_names_nothing():
    first, second = ArticleFactory(slug="first-story"), ArticleFactory(slug="second-story")
    ArticleFactory.create_batch(100)
    only_first = f"UPDATE articles_article SET title = 'Corrected' WHERE id = {first.pk}"
    assert notices_after(only_first) == ["stories first-story"]
    moved = notices_after(f"UPDATE articles_article SET slug = 'second-story-moved' WHERE id = {second.pk}")
    assert [sorted(notice.split()) for notice in moved] == [["second-story", "second-story-moved", "stories"]]
    assert notices_after("UPDATE articles_article SET title = title WHERE false") == []  # nothing changed
    assert notices_after("UPDATE articles_article SET title = title") == [""]  # 102 stories: everything
    assert notices_after("UPDATE authors_author SET name = name") == [""]  # bylines on many pages
    assert notices_after(only_first, "UPDATE articles_section SET name = name") == ["stories first-story", ""]


@pytest.fixture
def two_stories():
    writer = AuthorFactory(name="Ann Writer")
    return ArticleFactory(title="First story", authors=[writer]), ArticleFactory(authors=[writer])


def test_a_correction_leaves_other_stories_pages_cached(two_stories, listener, client, settings):
    settings.PAGE_CACHE_SECONDS = 300
    corrected, other = two_stories
    other_page = client.get(other.get_absolute_url()).content
    assert b"First story" in client.get(corrected.get_absolute_url()).content
    for change in (
        f"UPDATE articles_article SET title = 'First story, corrected' WHERE id = {corrected.pk}",
        "UPDATE authors_author SET name = 'Ann Renamed'",
    ):
        before = archive_version()
        with other_connection() as writer, writer.cursor() as cursor:
            cursor.execute(change)
        writer.close()
        assert eventually(lambda before=before: archive_version() != before)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(other.get_absolute_url()).content
        if change.startswith("UPDATE articles_article"):  # another story: still the cached copy
            assert queries.captured_queries == [] and page == other_page
            assert b"First story, corrected" in client.get(corrected.get_absolute_url()).content
        else:  # bylines show on every story's page: rendered again
            assert queries.captured_queries and b"Ann Renamed" in page


def _change_title(story, title: str) -> None:
    writer = other_connection()
    try:
        with writer, writer.cursor() as cursor:
            cursor.execute("UPDATE articles_article SET title = %s WHERE id = %s", [title, story.pk])
    finally:
        writer.close()


def test_the_listener_reconnects_and_makes_stale_what_changed_while_it_was_away(story):
    listener = ArchiveChangeListener(retry_seconds=1.0)
    listener.start()
    try:
        assert listener.listening.wait(5)
        before = archive_version()
        with other_connection() as admin, admin.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND application_name = %s",
                [LISTENER_NAME],
            )
            assert cursor.fetchone() == (True,)
        assert eventually(lambda: not listener.listening.is_set())
        _change_title(story, "Changed while nobody listened")
        assert archive_version() == before  # not heard
        assert listener.listening.wait(5)
        assert archive_version() != before  # the snapshot it reconnected to shows the change
        reconnected = archive_version()
        _change_title(story, "Heard again")
        assert eventually(lambda: archive_version() != reconnected)
    finally:
        listener.stop()


def _version_of_a_new_process() -> str:
    cache.clear()  # a process of its own, with its own cache
    listener = ArchiveChangeListener()
    listener.start()
    try:
        assert listener.listening.wait(5)
        return archive_version()
    finally:
        listener.stop()


def test_processes_that_start_listening_agree_on_the_version_only_while_nothing_changes(story):
    """A worker (re)started on a quiet archive revalidates the others' ETags; after a change, no
    new process can take an older one's version for its own."""
    first, second = _version_of_a_new_process(), _version_of_a_new_process()
    assert first == second
    _change_title(story, "Changed")
    assert _version_of_a_new_process() not in {first, second}


def test_an_outage_is_logged_once_not_at_every_retry(caplog, monkeypatch):
    def database_down(self):
        raise psycopg2.OperationalError("connection refused")

    monkeypatch.setattr(ArchiveChangeListener, "_listen", database_down)
    listener = ArchiveChangeListener(retry_seconds=0.01)
    with caplog.at_level(logging.DEBUG, logger="articles.archive_listener"):
        listener.start()
        time.sleep(0.3)
        listener.stop()
    levels = [record.levelno for record in caplog.records]
    assert levels[0] == logging.WARNING and "connection refused" in caplog.records[0].getMessage()
    assert len(levels) > 5 and set(levels[1:]) == {logging.DEBUG}


@pytest.fixture
def gunicorn() -> Iterator[str]:
    """gunicorn with three workers, each keeping its own page cache for five minutes."""
    port = free_port()
    env = {
        **os.environ,
        **server_database_env(),
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DEBUG": "1",  # development static files: no collectstatic needed
        "PAGE_CACHE_SECONDS": "300",
        "CACHE_URL": "locmem://",
        "WEB_CONCURRENCY": "3",
        "PORT": str(port),
        "GUNICORN_ACCESS_LOG": "off",
    }
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "newsroom.wsgi"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        assert eventually(lambda: responds(base + "/healthz"), 20), "gunicorn did not start"
        yield base
    finally:
        server.terminate()
        server.wait(30)


def _titles(url: str, requests: int) -> set[str]:
    """The headline each of `requests` requests was given (any worker may answer each)."""
    titles = set()
    for _ in range(requests):
        with urllib.request.urlopen(url, timeout=5) as response:
            page = response.read().decode()
        titles.add(page.split('<h1 class="story-headline">', 1)[1].split("<", 1)[0])
    return titles


def test_a_correction_reaches_the_cached_page_of_every_app_process(gunicorn):
    story = ArticleFactory(title="First headline")
    url = gunicorn + story.get_absolute_url()
    assert _titles(url, 60) == {"First headline"}  # now in every worker's page cache
    story.title = "Corrected headline"
    story.save()  # in this process: no worker's cache would ever hear of it through Django
    assert eventually(lambda: _titles(url, 30) == {"Corrected headline"}, 5)


def _etags(url: str, requests: int, **headers: str) -> Counter[str]:
    """How many of `requests` requests (any worker may answer each) got each status and ETag."""
    seen: Counter[str] = Counter()
    for _ in range(requests):
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5) as response:
                seen[f"{response.status} {response.headers['ETag']}"] += 1
        except urllib.error.HTTPError as response:  # urllib raises for a 304
            seen[f"{response.code} {response.headers['ETag']}"] += 1
    return seen


def test_every_app_process_gives_a_story_the_same_etag_after_a_burst_of_changes(gunicorn):
    """Each worker hears the burst in its own batches; all end on the same version, so a browser's
    copy from one is revalidated with a 304 by any other."""
    story = ArticleFactory(title="First headline")
    url = gunicorn + story.get_absolute_url()
    _etags(url, 60)  # every worker starts its listener with its first request
    time.sleep(1)
    writer = other_connection()
    try:
        for n in range(20):
            with writer, writer.cursor() as cursor:
                cursor.execute(
                    "UPDATE articles_article SET title = %s, updated_at = now() WHERE id = %s",
                    [f"Headline {n}", story.pk],
                )
            time.sleep(0.01 * (n % 4))
    finally:
        writer.close()
    time.sleep(1)
    (answer,) = _etags(url, 30)  # one status and ETag from every worker
    status, etag = answer.split(" ", 1)
    assert status == "200" and etag.startswith('"')
    assert _etags(url, 30, **{"If-None-Match": etag}) == {f"304 {etag}": 30}
