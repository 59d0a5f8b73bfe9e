"""`make serve` as ops runs it: two instances on one host, on different ports, each starting,
answering and stopping cleanly (gunicorn's control socket would otherwise be one fixed file that
the second instance takes over)."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest

from tests.servers import eventually, free_port, responds, server_database_env

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def make_serve(port: int, home: Path, static: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        **server_database_env(),
        "HOME": str(home),  # where gunicorn would put its control socket by default
        "SECRET_KEY": "serve-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": str(static),
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "GUNICORN_ACCESS_LOG": "off",
    }
    env.pop("DEBUG", None)
    env.pop("XDG_RUNTIME_DIR", None)
    # Its own process group, as in a terminal: Ctrl-C or a service manager signals the whole group.
    return subprocess.Popen(
        ["make", "--no-print-directory", "serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        text=True,
    )


def stop(server: subprocess.Popen) -> str:
    os.killpg(server.pid, signal.SIGTERM)
    output, _ = server.communicate(timeout=60)
    return output


def test_two_instances_on_one_host_start_answer_and_stop_cleanly(tmp_path):
    ports = [free_port(), free_port()]
    servers = []
    try:
        for n, port in enumerate(ports):  # one after the other: each runs migrate and collectstatic
            servers.append(make_serve(port, tmp_path / "home", tmp_path / f"static{n}"))
            assert eventually(lambda port=port: responds(f"http://127.0.0.1:{port}/healthz"), 60), port
        for port in ports:  # both answer at once
            assert responds(f"http://127.0.0.1:{port}/"), port
    finally:
        outputs = [stop(server) for server in servers]
    for output in outputs:
        assert "Shutting down: Master" in output, output
        assert "Traceback" not in output and "control socket" not in output.lower(), output
    assert not (tmp_path / "home" / ".gunicorn").exists()
