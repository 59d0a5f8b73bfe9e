"""The database health check (newsroom/postgresql/base.py), against the real server: a connection
the server has closed is never used for a request, and a busy one is checked without a round trip."""

import select
import time

import psycopg2
import psycopg2.extensions
import pytest
from django.db import close_old_connections, connection, connections

from newsroom.postgresql import base

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


class CountingCursor(psycopg2.extensions.cursor):
    statements: list[str] = []

    def execute(self, query, vars=None):
        CountingCursor.statements.append(query)
        return super().execute(query, vars)


@pytest.fixture
def statements():
    """What is sent on the Django connection through psycopg2's own cursors (Django's health check
    bypasses Django's cursor wrappers, so its queries are not in `connection.queries`)."""
    connection.ensure_connection()
    connection.connection.cursor_factory = CountingCursor
    CountingCursor.statements = []
    return CountingCursor.statements


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


@pytest.fixture
def terminate():
    """Closes a backend from the server side, as a restart or an administrator does; the test's
    connection is closed on our side afterwards, for the test database's teardown."""
    yield _terminate
    connection.close()


def _terminate(pid: int) -> None:
    params = connection.get_connection_params()
    admin = psycopg2.connect(**params)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        assert cursor.fetchone() == (True,)
    admin.close()
    select.select([connection.connection], [], [], 5)  # until the server's goodbye arrives


def test_the_project_uses_its_backend():
    assert isinstance(connections["default"], base.DatabaseWrapper)
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True


def test_a_connection_in_use_is_checked_without_a_round_trip(statements):
    backend_pid()
    statements.clear()
    assert connection.is_usable() is True
    assert statements == []


def test_a_connection_idle_past_the_limit_is_pinged(statements, monkeypatch):
    backend_pid()
    statements.clear()
    monkeypatch.setattr(base, "PING_AFTER_IDLE_SECONDS", 0.05)
    time.sleep(0.1)
    assert connection.is_usable() is True
    assert statements == ["SELECT 1"]


def test_a_connection_the_server_closed_is_unusable_at_once(terminate):
    terminate(backend_pid())
    assert connection.is_usable() is False


def test_a_request_after_the_server_closed_the_connection_reconnects_first(client, caplog, terminate):
    """The next request gets a new connection before its first query: no error, and no retry by
    the outage middleware (which would hide a failed check)."""
    old = backend_pid()
    terminate(old)
    close_old_connections()  # what Django does as each request starts (the test client skips it)
    with caplog.at_level("WARNING", logger="newsroom.middleware"):
        response = client.get("/")
    assert response.status_code == 200
    assert caplog.records == []
    assert backend_pid() != old
