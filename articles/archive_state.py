"""The archive's version: what cached pages and fragments are kept under, so that one change
makes them stale at once, and nothing has to know which lists showed a story.

* Every cached page's key carries the **archive version**, a value in the cache that moves at
  any change to the archive when it commits. PostgreSQL announces each committed change, whoever
  made it (an editor, the importer, a restore, psql), and each process's listener
  (`articles.archive_listener`) moves it, whether its cache is its own (`locmem://`, the default)
  or shared (`CACHE_URL=redis://…`). The version is then named after the database snapshot the
  listener read after the change: processes that have seen the same state agree on it whenever
  the database is quiet, and never take one for another. It goes into story pages' ETags, which
  any process may be asked to revalidate. Without the listener, the app's signals move it to a
  value of this process's own.
* A story's own page is kept under its **story's version** and the archive's **structure**
  instead: a change to other stories alone (a correction, a new headline) leaves it cached, which
  keeps the cache useful while editors are busy. Its links to other stories (the older and newer
  story, "More by", teasers) may then be as old as the page itself (`PAGE_CACHE_SECONDS`), as
  they may at a CDN. Any change beyond stories themselves (bylines, pictures, sections, authors,
  a bulk change) moves the structure: every page is stale.
* A scheduled story going live moves the archive version at its time (`archive_state`).
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import NamedTuple, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from articles.models import Article
from newsroom.request_scope import once_per_request

VERSION_KEY = "archive-version"  # every page: moves at any change
STRUCTURE_KEY = "archive-structure"  # story pages: moves at any change but to stories themselves
NEXT_GO_LIVE_KEY = "archive-next-go-live"  # (version it was read for, datetime or None)
GO_LIVE_MARK = "@"  # a version that moved at a go-live: "<version>@<its time>"
T = TypeVar("T")


class ArchiveState(NamedTuple):
    version: str  # what cached pages are kept under, and story pages' ETags are made of
    structure: int  # what story pages are kept under, with their own story's version
    next_go_live: datetime | None  # when the next scheduled story goes live, if one is scheduled


@once_per_request
def archive_state() -> ArchiveState:
    """The archive's versions, and when the next scheduled story goes live. Going live changes the
    lists without a write to announce it, so the version also moves when the clock passes that
    time (read once per version: one query after each change).

    Read once per request (newsroom/request_scope.py): a page's cache key, its fragments (the
    section menu, the front page's blocks) and its ETag then agree on one state, for three reads
    of the cache less. A change this process makes (`bump_all`, `bump_stories`) is seen at once."""
    return _read_archive_state()


def _read_archive_state() -> ArchiveState:
    found = cache.get_many([VERSION_KEY, STRUCTURE_KEY, NEXT_GO_LIVE_KEY])
    # (str(): a number, from a process of the release before, in a cache shared with it)
    version = str(found.get(VERSION_KEY) or cache.get_or_set(VERSION_KEY, _own_version(), timeout=None))
    structure = found.get(STRUCTURE_KEY) or cache.get_or_set(STRUCTURE_KEY, 1, timeout=None)
    checked_for, go_live = found.get(NEXT_GO_LIVE_KEY, (None, None))
    if checked_for != version:
        go_live = Article.objects.next_go_live()
        cache.set(NEXT_GO_LIVE_KEY, (version, go_live), timeout=None)
    if go_live is not None and go_live <= timezone.now():
        # Every process that read this time moves to the same version.
        base = version.split(GO_LIVE_MARK)[0]
        cache.set(VERSION_KEY, f"{base}{GO_LIVE_MARK}{go_live.timestamp():.6f}", timeout=None)
        return _read_archive_state()
    return ArchiveState(version, structure, go_live)


def archive_version() -> str:
    return archive_state().version


def story_version(slug: str) -> int:
    """The version of one story's own page: moves when a change names the story."""
    key = _story_key(slug)
    version = cache.get(key)
    if version is None:  # never changed while this cache kept it: a value no page was kept under
        cache.add(key, time.time_ns(), timeout=None)
        version = cache.get(key)
    return version


def bump_archive_version() -> None:
    """Make every cached page stale (called whenever the archive changes), once the change commits:
    a page rendered before that, from the data before the change, would be kept as current.

    With the listener on, PostgreSQL's notice does it, in every process, and only for the pages
    the change touches; this bump would empty the whole cache of this process (of all of them,
    with Redis) at each save."""
    if not settings.ARCHIVE_CHANGE_LISTENER:
        transaction.on_commit(bump_all)


def _own_version() -> str:
    """A version no other process and no other moment has: for the archive as this process first
    sees it, and for changes it cannot name (its own signals, or made while it heard nothing)."""
    return f"own-{uuid.uuid4().hex}"


def bump_all(version: str = "") -> None:
    cache.set(VERSION_KEY, version or _own_version(), timeout=None)
    _bump(STRUCTURE_KEY)
    archive_state.forget()


def bump_stories(slugs: set[str], version: str) -> None:
    """A change to these stories only: their own pages, and every list, which may show them. Other
    stories' pages keep their links to them (neighbours, "More by") until they expire."""
    cache.set(VERSION_KEY, version, timeout=None)
    archive_state.forget()
    for slug in slugs:
        try:
            cache.incr(_story_key(slug))
        except ValueError:  # no version yet (or evicted): one that no page was kept under
            cache.set(_story_key(slug), time.time_ns(), timeout=None)


def _story_key(slug: str) -> str:
    return "story-version:" + hashlib.sha256(slug.encode()).hexdigest()


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # not set yet (or evicted): any new value differs from what pages were cached under
        cache.set(key, cache.get_or_set(key, 1, timeout=None) + 1, timeout=None)


def archive_cached(name: str, compute: Callable[[], T], timeout: int) -> T:
    """`compute()`, kept in the cache until the archive changes (a scheduled story going live
    included) or `timeout` seconds pass.

    For page furniture that every page shows and that costs a query, such as the section menu;
    it is kept whether or not whole pages are (`PAGE_CACHE_SECONDS`)."""
    key = archive_cache_key(name)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


def archive_cache_key(name: str) -> str:
    """The cache key of fragment `name` of the archive as it is now: stale at any change."""
    return f"{name}:{archive_version()}"
