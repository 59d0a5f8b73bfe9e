"""Each app process hears every committed change to the archive from PostgreSQL and makes stale
the cached pages it touched (`articles.archive_state`), whoever made the change: another app
process, the importer, a restore, psql (migrations 0010 and 0011 send the notices)."""

from __future__ import annotations

import atexit
import hashlib
import logging
import os
import select
import threading
import time
from typing import Any

import psycopg2
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from articles.archive_state import bump_all, bump_stories
from newsroom.db_router import replica_aliases

logger = logging.getLogger(__name__)

ARCHIVE_CHANNEL = "archive_changed"  # notified by PostgreSQL on every committed change (migration 0010)
STORIES_NOTICE = "stories "  # a notice naming the changed stories' slugs (migration 0011)
BUMP_INTERVAL_SECONDS = 0.1  # a process's cached pages go stale at most this often
REPLICA_CATCH_UP_SECONDS = 5.0  # the longest a change waits for the read replicas to show it
LISTENER_NAME = "newsroom archive listener"  # its connections' application_name


def _snapshot_version(snapshot: str) -> str:
    """The version of the archive as a database snapshot (`pg_current_snapshot()`) shows it. Equal
    snapshots show the same committed transactions, so processes that read theirs while no
    transaction began or ended in between agree on it; after any change, no process can read the
    snapshot of before."""
    return "snapshot-" + hashlib.sha256(snapshot.encode()).hexdigest()[:32]


def _apply_notices(payloads: list[str], version: str) -> None:
    """What the archive's notices of one moment make stale (migrations 0010 and 0011); `version`
    is the archive's after them."""
    if any(not payload.startswith(STORIES_NOTICE) for payload in payloads):
        bump_all(version)
    else:
        bump_stories({slug for payload in payloads for slug in payload.split()[1:]}, version)


class ArchiveChangeListener(threading.Thread):
    """Makes this process's cached pages stale whenever a change to the archive commits, whatever
    made it: another app process (each keeps its own cache with `CACHE_URL=locmem://`), the
    importer, a restore, psql. PostgreSQL notifies `archive_changed` on commit, naming the stories
    when only stories changed (migrations 0010, 0011); this thread waits for the notices on a
    connection of its own and makes stale what they touched (`_apply_notices`).

    Changes made while it is not connected (the database restarting) are not heard, so whenever it
    (re)connects it makes every story page stale and takes the version of the snapshot it finds
    (the lists' stay cached only if nothing at all happened meanwhile); it retries every
    `retry_seconds` until it connects.

    With read replicas (`DATABASE_REPLICA_URLS`), pages are read from them, and a notice comes
    from the primary as the change commits, before a replica has replayed it: a page rendered
    then would show the old story and be kept as current. So the pages go stale only once every
    replica has replayed the change (`REPLICA_CATCH_UP_SECONDS` at most)."""

    def __init__(
        self, alias: str = DEFAULT_DB_ALIAS, *, retry_seconds: float = 1.0, ping_seconds: float = 30.0
    ) -> None:
        super().__init__(name="archive-change-listener", daemon=True)
        self.alias, self.retry_seconds, self.ping_seconds = alias, retry_seconds, ping_seconds
        self.listening = threading.Event()
        self._stopping = threading.Event()
        self._replica_links: dict[str, Any] = {}
        self._replica_failing: set[str] = set()  # warned of once, until it answers again

    def stop(self, wait: bool = True) -> None:
        self._stopping.set()
        if wait:
            self.join()

    def run(self) -> None:
        quiet = False  # the first failure of an outage is a warning, its retries are not
        while not self._stopping.is_set():
            try:
                self._listen()
            except Exception as error:  # any failure: a dead listener would leave pages stale silently
                if self._stopping.is_set():
                    break  # the process is exiting (the embedded database may stop first)
                if self.listening.is_set():  # it had been listening: a new outage
                    quiet = False
                level = logging.DEBUG if quiet else logging.WARNING
                logger.log(level, "archive change listener: %s; retrying", error)
                quiet = True
            self.listening.clear()
            self._stopping.wait(self.retry_seconds)

    def _listen(self) -> None:
        link = _connect(self.alias)
        try:
            with link.cursor() as cursor:
                cursor.execute(f"LISTEN {ARCHIVE_CHANNEL}")
            # Whatever changed while nobody was listening. A change committed from here on is
            # heard, even if this snapshot already shows it.
            bump_all(self._state_once_replicated(link))
            self.listening.set()
            logger.info("archive change listener: listening on %r", ARCHIVE_CHANNEL)
            quiet_since = time.monotonic()
            while not self._stopping.is_set():
                # (notices that came with a query's answer are already taken from the socket)
                if link.notifies or select.select([link], [], [], 1.0)[0]:
                    link.poll()  # raises if the connection is gone; takes every notice that came
                    if payloads := [notice.payload for notice in link.notifies]:
                        link.notifies.clear()
                        _apply_notices(payloads, self._state_once_replicated(link))
                        # A bump empties every cached page, and an import commits a page at a
                        # time: the notices of the next moment are taken together, in one bump.
                        self._stopping.wait(BUMP_INTERVAL_SECONDS)
                    quiet_since = time.monotonic()
                elif time.monotonic() - quiet_since > self.ping_seconds:
                    with link.cursor() as cursor:  # a link that died silently shows up as an error here
                        cursor.execute("SELECT 1")
                    quiet_since = time.monotonic()
        finally:
            link.close()
            for replica in self._replica_links.values():
                replica.close()
            self._replica_links.clear()

    def _state_once_replicated(self, link: Any) -> str:
        """The archive's version after the changes heard, returned once the replicas show them."""
        with link.cursor() as cursor:
            cursor.execute("SELECT pg_current_snapshot()::text, pg_current_wal_insert_lsn()::text")
            snapshot, position = cursor.fetchone()
        deadline = time.monotonic() + REPLICA_CATCH_UP_SECONDS
        for alias in replica_aliases():
            while not self._replayed(alias, position) and not self._stopping.is_set():
                if time.monotonic() > deadline:
                    logger.warning(
                        "archive change listener: %s has not replayed the changes (WAL %s) after %s s; "
                        "its pages may show them late",
                        alias,
                        position,
                        REPLICA_CATCH_UP_SECONDS,
                    )
                    return _snapshot_version(snapshot)
                self._stopping.wait(0.005)
        return _snapshot_version(snapshot)

    def _replayed(self, alias: str, position: str) -> bool:
        """Whether the replica has replayed the primary's WAL up to `position`. A replica that is not
        a streaming standby, or does not answer, cannot tell: it is not waited for."""
        try:
            if alias not in self._replica_links:
                self._replica_links[alias] = _connect(alias)
            with self._replica_links[alias].cursor() as cursor:
                cursor.execute("SELECT coalesce(pg_last_wal_replay_lsn() >= %s::pg_lsn, true)", [position])
                replayed = cursor.fetchone()[0]
        except psycopg2.Error as error:
            if alias in self._replica_links:
                self._replica_links.pop(alias).close()
            if alias not in self._replica_failing:
                logger.warning("archive change listener: %s: %s; not waiting for it", alias, error)
                self._replica_failing.add(alias)
            return True
        self._replica_failing.discard(alias)
        return replayed


def _connect(alias: str) -> Any:
    """A connection of the listener's own, outside Django's per-thread ones, in autocommit (a
    transaction left open would hold back the notices), named so that it can be told apart in
    pg_stat_activity."""
    database = connections.create_connection(alias)
    link = database.get_new_connection(
        {**database.get_connection_params(), "application_name": LISTENER_NAME}
    )
    link.autocommit = True
    return link


_listener_lock = threading.Lock()
_listener_pid: int | None = None


def listen_for_archive_changes(**_signal: Any) -> None:
    """`request_started` receiver: start this process's listener with its first request, so that
    each process a server forks (a thread does not survive a fork) gets one of its own."""
    global _listener_pid
    if _listener_pid == os.getpid() or not settings.ARCHIVE_CHANGE_LISTENER:
        return
    with _listener_lock:
        if _listener_pid != os.getpid():
            listener = ArchiveChangeListener()
            listener.start()
            atexit.register(listener.stop, wait=False)
            _listener_pid = os.getpid()
