"""A database that is restarting costs readers latency, not errors; a long outage, a quick 503.

A GET or HEAD whose view fails to reach the database is tried again, with backoff (50 ms, doubling,
at most a second apart), for as long as the outage is younger than `DATABASE_WAIT_SECONDS` (5 s by
default: PostgreSQL's restart after an import, which waits for a checkpoint, took 4.6 s). The budget
is counted from the outage's first failure in this process, not from each request's: once the
database has been unreachable for longer, every request gets the 503 page with `Retry-After` at
once, rather than each holding a worker for the whole budget. Other methods are never retried
(nothing is done twice). A failed connection is dropped before each try, so the next one connects
again (CONN_HEALTH_CHECKS).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5
FIRST_WAIT_SECONDS = 0.05
LONGEST_WAIT_SECONDS = 1.0


class Outage:
    """When this process began failing to reach the database, and when it last failed. A failure
    after a quiet spell longer than the budget starts a new outage; a request that reaches the
    database after waiting ends it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.began: float | None = None
        self.last_failure = 0.0

    def deadline(self, now: float, budget: float) -> float:
        """Until when a request failing `now` may wait for the database."""
        with self._lock:
            if self.began is None or now - self.last_failure > budget:
                self.began = now
            self.last_failure = now
            return self.began + budget

    def ended(self) -> None:
        with self._lock:
            self.began = None


outage = Outage()


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        if not _unreachable(exception):  # a statement that failed (cancelled, out of memory): no wait
            return _unavailable(request, exception)
        now = time.monotonic()
        deadline = outage.deadline(now, settings.DATABASE_WAIT_SECONDS)
        tries = getattr(request, "_database_tries", 0)
        if request.method not in {"GET", "HEAD"} or now >= deadline:
            request._database_gave_up = True
            return _unavailable(request, exception)
        if tries == 0:
            logger.warning("database unavailable for %s, waiting for it: %s", request.path, exception)
        request._database_tries = tries + 1
        _drop_broken_connections()
        time.sleep(min(FIRST_WAIT_SECONDS * 2**tries, LONGEST_WAIT_SECONDS, deadline - now))
        # This middleware is the last: get_response is the view once more, and a new failure comes
        # back here. An answer that is not the 503 page reached the database.
        response = self.get_response(request)
        if not getattr(request, "_database_gave_up", False):
            outage.ended()
        return response


def _unreachable(error: Exception) -> bool:
    """Whether the database could not be reached: the driver's own failure (refused, closed; no
    SQLSTATE), a connection exception (class 08), or the server stopping or starting (57P01-03)."""
    code = getattr(error.__cause__, "pgcode", None)
    return code is None or code.startswith(("08", "57P"))


def _drop_broken_connections() -> None:
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:  # what Django does after each request, now
            connection.close_if_unusable_or_obsolete()  # a broken one reconnects on next use


def _unavailable(request: HttpRequest, exception: Exception) -> HttpResponse:
    logger.warning("database unavailable for %s: %s", request.path, exception)
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
