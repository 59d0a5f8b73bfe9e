"""A database that is restarting costs only the requests in flight: a GET or HEAD is tried once more
after a short wait (a restart takes well under a second); anything still failing gets a 503 page
asking to retry, not a traceback, and the next request reconnects (CONN_HEALTH_CHECKS)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5
RETRY_WAIT_SECONDS = 0.5


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        if request.method in {"GET", "HEAD"} and not getattr(request, "_database_retried", False):
            # A database restart takes well under a second: wait once and answer, rather than fail
            # every request that arrives meanwhile. Safe methods only, so nothing is done twice.
            request._database_retried = True
            logger.warning("database unavailable for %s, retrying once: %s", request.path, exception)
            for connection in connections.all(initialized_only=True):
                if not connection.in_atomic_block:  # what Django does after each request, now
                    connection.close_if_unusable_or_obsolete()  # a broken one reconnects on next use
            time.sleep(RETRY_WAIT_SECONDS)
            return self.get_response(request)  # last middleware: this is the view, once more
        logger.warning("database unavailable for %s: %s", request.path, exception)
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
