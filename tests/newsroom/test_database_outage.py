"""A database restart under way, for real: the test's connections go through a TCP gate in front of
the test database, and shutting the gate cuts them and refuses new ones, as a restarting server
does. A GET waits for the database within its budget; a long outage answers 503 at once; a POST is
never tried twice (bench/db_restart.py measures a real restart under load)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time

import pytest
from django.db import connection, transaction

from articles import views
from newsroom import middleware

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


class Gate:
    """A TCP door to the database: open, it passes bytes both ways; shut, it cuts every open link
    and closes each new one as soon as it is accepted."""

    def __init__(self, target: tuple) -> None:
        self.target = target  # (AF_UNIX, path) or (AF_INET, (host, port))
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.is_open = True
        self.refused = 0  # connections closed while shut
        self._links: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def shut(self) -> None:
        self.is_open = False
        for link in self._links:
            _hang_up(link)
            link.close()
        self._links.clear()

    def open(self) -> None:
        self.is_open = True

    def close(self) -> None:
        self.shut()
        self.listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.is_open:
                self.refused += 1
                client.close()
                continue
            family, address = self.target
            server = socket.socket(family, socket.SOCK_STREAM)
            server.connect(address)
            self._links += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    for end in (source, sink):
        _hang_up(end)


def _hang_up(end: socket.socket) -> None:
    """Both directions closed (a close alone does not wake a thread blocked reading it)."""
    with contextlib.suppress(OSError):
        end.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def gate(settings):
    """The default connection, through a gate; the outage this process remembers is forgotten."""
    saved = dict(connection.settings_dict)
    host, port = saved["HOST"] or "/var/run/postgresql", int(saved["PORT"] or 5432)
    target = (
        (socket.AF_UNIX, f"{host}/.s.PGSQL.{port}")
        if host.startswith("/")
        else (socket.AF_INET, (host, port))
    )
    door = Gate(target)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(door.port))
    middleware.outage.ended()
    yield door
    door.open()
    connection.close()
    connection.settings_dict.update(HOST=saved["HOST"], PORT=saved["PORT"])
    door.close()
    middleware.outage.ended()
    _until_alone()


def _until_alone(seconds: float = 10) -> None:
    """Until the server has ended the sessions the gate carried (the test database is dropped
    after the last test, and a session still ending would keep it)."""
    others = (
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(others)
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.02)


def test_a_restart_shorter_than_the_budget_costs_time_not_an_error(client, gate, settings, caplog):
    settings.DATABASE_WAIT_SECONDS = 10
    assert client.get("/").status_code == 200
    gate.shut()
    reopen = threading.Timer(0.8, gate.open)
    reopen.start()
    with caplog.at_level("WARNING", logger="newsroom.middleware"):
        response = client.get("/")
    reopen.join()
    assert response.status_code == 200
    assert gate.refused >= 1  # it did meet the outage, and waited it out
    assert [r.getMessage() for r in caplog.records if "waiting for it" in r.getMessage()]


def test_a_long_outage_answers_503_with_retry_after_and_then_at_once(client, gate, settings, caplog):
    settings.DATABASE_WAIT_SECONDS = 0.3
    gate.shut()
    with caplog.at_level("WARNING", logger="newsroom.middleware"):
        first = client.get("/")
    assert first.status_code == 503 and first["Retry-After"] == "5" and first["Cache-Control"] == "no-store"
    tried = gate.refused
    assert tried >= 2  # it waited: tried again before giving up

    caplog.clear()
    with caplog.at_level("WARNING", logger="newsroom.middleware"):
        second = client.get("/")
    assert second.status_code == 503
    assert gate.refused == tried + 1  # once: the outage is older than the budget, no waiting
    assert not [r for r in caplog.records if "waiting for it" in r.getMessage()]

    gate.open()
    assert client.get("/").status_code == 200


def test_a_post_is_never_tried_twice(client, gate, settings):
    """The admin's login reads the database (throttling, the user): while it is down, a POST is
    answered with the 503 page after its one try."""
    settings.DATABASE_WAIT_SECONDS = 10
    gate.shut()
    response = client.post("/admin/login/", {"username": "someone", "password": "secret"})
    assert response.status_code == 503
    assert gate.refused == 1


def test_a_statement_that_fails_is_not_waited_for(client, settings, monkeypatch, caplog):
    """A cancelled statement (the server answered: it is up) gets the 503 page at once."""
    settings.DATABASE_WAIT_SECONDS = 10

    def cancelled(*args, **kwargs):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 1")
            cursor.execute("SELECT pg_sleep(1)")

    monkeypatch.setattr(views.HomeView, "get", cancelled)
    with caplog.at_level("WARNING", logger="newsroom.middleware"):
        response = client.get("/")
    assert response.status_code == 503
    assert not [r for r in caplog.records if "waiting for it" in r.getMessage()]
