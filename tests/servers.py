"""Helpers for tests that run real servers (gunicorn, Varnish, a replica) beside the test database."""

from __future__ import annotations

import os
import socket
import time
import urllib.request
from collections.abc import Callable

from django.db import connection


def eventually(check: Callable[[], bool], seconds: float = 10.0) -> bool:
    """Whether `check()` comes true within `seconds` (asked every 20 ms, and once at the deadline)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return check()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_database_env() -> dict[str, str]:
    """The environment that points a server at this test's database (embedded or DATABASE_URL)."""
    name = connection.settings_dict["NAME"]
    if url := os.environ.get("DATABASE_URL"):
        return {"DATABASE_URL": url.rsplit("/", 1)[0] + "/" + name}
    return {"EMBEDDED_DB_NAME": name}


def responds(url: str, host: str = "") -> bool:
    """Whether `url` answers 200 (within 2 s)."""
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False
