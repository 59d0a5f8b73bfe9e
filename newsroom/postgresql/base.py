"""Django's PostgreSQL backend, with a health check that costs no round trip on a busy connection.

`CONN_HEALTH_CHECKS` makes Django check a persistent connection before each request's first query,
and Django's check is a `SELECT 1`: a round trip, and a statement for the server, on every request
that reads the database. On this app's article page that was a tenth of the request's cost
(bench/RESULTS.md, "The uncached article page past 0.3"). Here a connection used within the last
`PING_AFTER_IDLE_SECONDS` is checked on its socket instead: between requests the server has
nothing to say, so a socket with something to read means the server has closed the connection or
is closing it (a restart, a terminated backend, an idle timeout), and only then is the `SELECT 1`
sent, to tell. A connection idle for longer is pinged as Django does, which also finds a server
that vanished without closing anything (a failover, a network cut): a socket cannot tell that.
pgx (Go) pings its pooled connections the same way, only after a second of idleness.
"""

from __future__ import annotations

import select
import time
from typing import Any

from django.db.backends.postgresql import base

PING_AFTER_IDLE_SECONDS = 1.0


class DatabaseWrapper(base.DatabaseWrapper):
    _used_at = float("-inf")

    def create_cursor(self, name: Any = None) -> Any:
        self._used_at = time.monotonic()
        return super().create_cursor(name)

    def is_usable(self) -> bool:
        if self.connection is not None and not self.connection.closed and self._quiet_since_use():
            return True
        return super().is_usable()  # SELECT 1

    def _quiet_since_use(self) -> bool:
        """Used within the last moments, and nothing has arrived from the server since."""
        if time.monotonic() - self._used_at > PING_AFTER_IDLE_SECONDS:
            return False
        readable, _, _ = select.select([self.connection], [], [], 0)
        return not readable
