"""Cheap repeat reads: public pages are kept in Django's cache and marked cacheable for CDNs.

* Every cached page's key carries the **archive version**, a value in the cache that moves at
  any change to the archive when it commits. One move makes every cached page stale at once, and
  nothing has to know which lists showed a story. PostgreSQL announces each committed change,
  whoever made it (an editor, the importer, a restore, psql), and each process's
  `ArchiveChangeListener` hears it, whether its cache is its own (`locmem://`, the default) or
  shared (`CACHE_URL=redis://…`). The version is then named after the database snapshot the
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
* A scheduled story going live moves the archive version at its time (`archive_state`), and no
  page tells a browser or CDN to keep it past that time.
* Only anonymous GET/HEAD requests are served from or stored in the cache; responses marked
  private or no-store (staff previews) never are.
* `Cache-Control`: browsers revalidate after `max-age`, CDNs after `s-maxage` (old stories, which
  rarely change, longer: see `articles.views.article_detail`). A CDN cannot hear of an editor's save, so
  `s-maxage` is what bounds how long a correction takes to reach its readers. Past it, a cache
  may serve its copy a minute more while it revalidates in the background
  (`stale-while-revalidate`: a busy page's readers never wait on a revalidation; short, because
  browsers honour it too, and a reader coming back to the front page wants today's), and a day
  more while this site is down (`stale-if-error`).
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import math
import os
import re
import select
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any, NamedTuple, TypeVar

import psycopg2
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from django.utils.cache import patch_cache_control

from articles.models import Article
from newsroom.db_router import replica_aliases
from newsroom.request_scope import once_per_request

VERSION_KEY = "archive-version"  # every page: moves at any change
STRUCTURE_KEY = "archive-structure"  # story pages: moves at any change but to stories themselves
NEXT_GO_LIVE_KEY = "archive-next-go-live"  # (version it was read for, datetime or None)
ARCHIVE_CHANNEL = "archive_changed"  # notified by PostgreSQL on every committed change (migration 0010)
STORIES_NOTICE = "stories "  # a notice naming the changed stories' slugs (migration 0011)
GO_LIVE_MARK = "@"  # a version that moved at a go-live: "<version>@<its time>"
BUMP_INTERVAL_SECONDS = 0.1  # a process's cached pages go stale at most this often
REPLICA_CATCH_UP_SECONDS = 5.0  # the longest a change waits for the read replicas to show it
LISTENER_NAME = "newsroom archive listener"  # its connections' application_name
STALE_WHILE_REVALIDATE_SECONDS = 60
STALE_IF_ERROR_SECONDS = 86_400
T = TypeVar("T")
logger = logging.getLogger(__name__)


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
    of the cache less. A change this process makes (`_bump_all`, `_bump_stories`) is seen at once."""
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
        transaction.on_commit(_bump_all)


def _own_version() -> str:
    """A version no other process and no other moment has: for the archive as this process first
    sees it, and for changes it cannot name (its own signals, or made while it heard nothing)."""
    return f"own-{uuid.uuid4().hex}"


def _snapshot_version(snapshot: str) -> str:
    """The version of the archive as a database snapshot (`pg_current_snapshot()`) shows it. Equal
    snapshots show the same committed transactions, so processes that read theirs while no
    transaction began or ended in between agree on it; after any change, no process can read the
    snapshot of before."""
    return "snapshot-" + hashlib.sha256(snapshot.encode()).hexdigest()[:32]


def _bump_all(version: str = "") -> None:
    cache.set(VERSION_KEY, version or _own_version(), timeout=None)
    _bump(STRUCTURE_KEY)
    archive_state.forget()


def _bump_stories(slugs: set[str], version: str) -> None:
    """A change to these stories only: their own pages, and every list, which may show them. Other
    stories' pages keep their links to them (neighbours, "More by") until they expire."""
    cache.set(VERSION_KEY, version, timeout=None)
    archive_state.forget()
    for slug in slugs:
        try:
            cache.incr(_story_key(slug))
        except ValueError:  # no version yet (or evicted): one that no page was kept under
            cache.set(_story_key(slug), time.time_ns(), timeout=None)


def _apply_notices(payloads: list[str], version: str) -> None:
    """What the archive's notices of one moment make stale (migrations 0010 and 0011); `version`
    is the archive's after them."""
    if any(not payload.startswith(STORIES_NOTICE) for payload in payloads):
        _bump_all(version)
    else:
        _bump_stories({slug for payload in payloads for slug in payload.split()[1:]}, version)


def _story_key(slug: str) -> str:
    return "story-version:" + hashlib.sha256(slug.encode()).hexdigest()


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # not set yet (or evicted): any new value differs from what pages were cached under
        cache.set(key, cache.get_or_set(key, 1, timeout=None) + 1, timeout=None)


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
            _bump_all(self._state_once_replicated(link))
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


def cache_public_page(
    *,
    max_age: int = 60,
    s_maxage: int = 300,
    story_kwarg: str = "",
    params: tuple[str, ...] = ("page",),
    store: bool = True,
) -> Callable:
    """View decorator: serve anonymous readers from the cache and set CDN-friendly headers.

    A story's page (`story_kwarg`: the URL argument holding its slug) is kept under its story's
    version, so that changes to other stories leave it cached; any other page under the archive's.

    The view sees only the query parameters it reads (`params`), normalised (`known_parameters`),
    and the page is kept under those alone: `?utm_source=…` or `?junk=<random>` is served the
    page without them, from the cache, rather than rendered and stored once per spelling.
    `store=False`: the headers and parameters only, for a view that keeps its pages itself."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            request.GET = known_parameters(request.GET, params)
            use_cache = store and _anonymous_read(request) and settings.PAGE_CACHE_SECONDS > 0
            state = archive_state()
            key = _page_key(request, state, kwargs.get(story_kwarg)) if use_cache else ""
            response = cache.get(key) if use_cache else None
            if response is None:
                if use_cache:
                    response = _render_for_cache(view, request, *args, **kwargs)
                else:
                    response = view(request, *args, **kwargs)
                if callable(getattr(response, "render", None)):
                    response = response.render()
                if not response.streaming:
                    # One chunk: feeds are written piece by piece, and a WSGI server sends each
                    # piece of a response's content as its own write (measured: 17 ms vs 3 ms).
                    response.content = response.content
                _set_cache_control(response, request, max_age=max_age, s_maxage=s_maxage)
                if use_cache and _storable(response):
                    cache.set(key, response, settings.PAGE_CACHE_SECONDS)
            _fresh_until(response, state.next_go_live)
            return response

        return wrapper

    return decorator


def known_parameters(query: QueryDict, names: tuple[str, ...]) -> QueryDict:
    """The parameters among `names` that change a page, normalised: the last value of each (what
    `QueryDict.get` reads), whitespace collapsed, empty ones and `page=1` dropped, in a fixed
    order. Anything else is left out."""
    kept = QueryDict(mutable=True)
    for name in sorted(names):
        value = " ".join(query.get(name, "").split())
        if value.isascii() and value.isdigit() and name in {"page", "p"}:
            value = "" if int(value) == 1 else str(int(value))
        if value:
            kept[name] = value
    kept._mutable = False
    return kept


CONDITIONAL_HEADERS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")


def _render_for_cache(
    view: Callable[..., HttpResponse], request: HttpRequest, *args, **kwargs
) -> HttpResponse:
    """Render the whole page even for a conditional request, so it can be stored; the 304 is then
    made from it by ConditionalGetMiddleware. Otherwise a process with a cold cache (just started
    or recycled) that only receives revalidations would never fill its cache."""
    saved = {name: request.META.pop(name) for name in CONDITIONAL_HEADERS if name in request.META}
    try:
        return view(request, *args, **kwargs)
    finally:
        request.META.update(saved)


def _anonymous_read(request: HttpRequest) -> bool:
    # A session cookie may belong to a signed-in editor, who can see drafts.
    return request.method in {"GET", "HEAD"} and settings.SESSION_COOKIE_NAME not in request.COOKIES


def _set_cache_control(response: HttpResponse, request: HttpRequest, *, max_age: int, s_maxage: int) -> None:
    if "no-store" in response.get("Cache-Control", ""):
        return
    if not _anonymous_read(request):  # never let a shared cache keep what a signed-in user saw
        patch_cache_control(response, private=True, max_age=0)
    elif "Cache-Control" not in response:
        mark_public(response, max_age=max_age, s_maxage=s_maxage)


def mark_public(response: HttpResponse, *, max_age: int, s_maxage: int) -> None:
    """Cacheable by browsers for `max_age` seconds and by CDNs for `s_maxage`, then served stale
    while they revalidate or while this site is down."""
    patch_cache_control(
        response,
        public=True,
        max_age=max_age,
        s_maxage=s_maxage,
        stale_while_revalidate=STALE_WHILE_REVALIDATE_SECONDS,
        stale_if_error=STALE_IF_ERROR_SECONDS,
    )


def _storable(response: HttpResponse) -> bool:
    control = response.get("Cache-Control", "")
    return response.status_code == 200 and "private" not in control and "no-store" not in control


def mark_not_found(response: HttpResponse, request: HttpRequest, seconds: int) -> None:
    """A Not Found page is kept `seconds` by browsers and CDNs, which absorbs floods of bad links,
    and never past the next scheduled story's time: until then its address answers 404. Without a
    lifetime of its own, CDNs keep a 404 for their default (an hour at some)."""
    _set_cache_control(response, request, max_age=seconds, s_maxage=seconds)
    _fresh_until(response, archive_state().next_go_live)


def _fresh_until(response: HttpResponse, moment: datetime | None) -> None:
    """Let no browser or CDN keep a public page past `moment`: when the next scheduled story goes
    live, lists, menus and neighbours change, and an embargo lifts on time behind a CDN too."""
    control = response.get("Cache-Control", "")
    s_maxage = re.search(r"\bs-maxage=(\d+)", control)
    if moment is None or "public" not in control or s_maxage is None:
        return
    seconds = max(0, math.ceil((moment - timezone.now()).total_seconds()))
    if seconds < int(s_maxage[1]):
        patch_cache_control(response, max_age=seconds, s_maxage=seconds)  # max-age: the smaller stays


def _page_key(request: HttpRequest, state: ArchiveState, story: str | None) -> str:
    # The host and scheme too: pages carry absolute addresses (canonical, OpenGraph, feeds).
    address = f"{request.scheme}://{request.get_host()}{request.path}?{request.GET.urlencode()}"
    path = hashlib.sha256(address.encode("utf-8", "surrogatepass")).hexdigest()
    if story is None:
        return f"page:{state.version}:{path}"
    return f"story-page:{state.structure}:{story_version(story)}:{path}"
