"""Shared by the reliability scripts (http_fuzz, load_test, db_restart): a scratch archive on its own
embedded PostgreSQL and a production-like gunicorn in front of it, on 127.0.0.1 only.

Everything runs with DEBUG off, a real-looking SECRET_KEY, manifest static files and
SECURE_SSL_REDIRECT=0 (loopback has no TLS proxy). The database server lives in var/reliab-postgres
(under var/: as root it runs as the `pgserver` user, who cannot enter pytest's private temp dirs).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "var" / "reliab-postgres"
PYTHON = str(ROOT / ".venv" / "bin" / "python")


def server_env(database: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "SECRET_KEY": "reliability-bench-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "EMBEDDED_DB_DIR": str(DATA_DIR),
        "EMBEDDED_DB_NAME": database,
        "STATIC_ROOT": str(ROOT / "var" / "reliab-static"),
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def prepare_archive(database: str, pages: int) -> None:
    """Migrate, import `pages` synthetic pages plus the seed (idempotent), collect static files."""
    env = server_env(database)
    folder = ROOT / "var" / f"reliab-pages-{pages}"
    if not folder.exists():
        subprocess.run([PYTHON, "bench/make_pages.py", str(pages), str(folder)], cwd=ROOT, check=True)
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["import_articles", str(folder), "fixtures/seed"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run(
            [PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
        )


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:
            if response.status == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer 200 within {timeout}s")


@contextlib.contextmanager
def gunicorn(
    database: str, port: int, log: Path, workers: int = 4, **extra: str
) -> Iterator[subprocess.Popen]:
    env = server_env(
        database,
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY=str(workers),
        GUNICORN_ACCESS_LOG="/dev/null",
        **extra,
    )
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "newsroom.wsgi", "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(f"http://127.0.0.1:{port}/healthz")
            yield process
        finally:
            process.terminate()
            process.wait(timeout=30)


@contextlib.contextmanager
def serving(
    url: str | None, *, pages: int, port: int, database: str, **extra: str
) -> Iterator[tuple[str, Path | None]]:
    """(base URL, server log) of `url` if given, else of a gunicorn started here on a scratch archive
    (`extra`: more of its environment)."""
    setup_django(database)
    if url:
        yield url.rstrip("/"), None
        return
    prepare_archive(database, pages)
    log = ROOT / "var" / f"{database}-gunicorn.log"
    with gunicorn(database, port, log, **extra):
        yield f"http://127.0.0.1:{port}", log


def setup_django(database: str) -> None:
    os.environ.update(server_env(database))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def routes_and_real_values() -> tuple[list[str], list[bytes]]:
    """The project's URL routes, and values that exist in the archive (slugs, dates) to fill them."""
    from http_fuzz import url_routes

    from articles.models import Article, Section
    from authors.models import Author

    real = [s.encode() for s in Article.objects.values_list("slug", flat=True)[:50]]
    real += [s.encode() for s in Author.objects.values_list("slug", flat=True)[:20]]
    real += [s.encode() for s in Section.objects.values_list("slug", flat=True)]
    real += [b"2025", b"01", b"12", b"31", b"articles", b"1"]
    return url_routes(), real


def stop_database() -> bool:
    from newsroom.embedded_db import stop_embedded_server

    return stop_embedded_server(DATA_DIR)
