"""Backup round trip at archive scale: dump, restore into an empty database, diff every row.

    .venv/bin/python bench/backup_roundtrip.py --pages 1000

Imports synthetic pages into database `reliab_load` of its own embedded server (var/reliab-postgres),
runs `manage.py backup_archive`, restores the file with `manage.py restore_archive` into a fresh
database `reliab_restored`, and compares every row of every table and every sequence position.
Prints the dump's size, the times, and the number of differing tables (the round-trip diff).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))
import reliability_server as server  # noqa: E402  (bench/ is not a package)

from newsroom.backup import database_snapshot  # noqa: E402

SOURCE, TARGET = "reliab_load", "reliab_restored"


def snapshot(db: dict, name: str) -> dict[str, list]:
    return database_snapshot({**db, "NAME": name})


def recreate(db: dict, name: str) -> None:
    conn = psycopg2.connect(dbname="postgres", user=db["USER"], host=db["HOST"], port=db["PORT"])
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    conn.close()


def manage(database: str, *args: str) -> float:
    began = time.perf_counter()
    env = server.server_env(database)
    subprocess.run([server.PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)
    return time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    args = parser.parse_args()
    server.prepare_archive(SOURCE, args.pages)
    server.setup_django(SOURCE)
    from django.conf import settings

    db = settings.DATABASES["default"]
    dump = ROOT / "var" / "reliab-roundtrip.dump"
    dumped = manage(SOURCE, "backup_archive", str(dump))
    recreate(db, TARGET)
    restored = manage(TARGET, "restore_archive", str(dump))
    before, after = snapshot(db, SOURCE), snapshot(db, TARGET)
    differing = [t for t in before.keys() | after.keys() if before.get(t) != after.get(t)]
    rows = sum(len(r) for t, r in before.items() if t != "<sequences>")
    print(
        f"tables: {len(before) - 1}  rows: {rows:,}  articles: {len(before['articles_article']):,}  "
        f"sources: {len(before['articles_sourcedocument']):,}  dump: {dump.stat().st_size / 1e6:.1f} MB  "
        f"backup: {dumped:.1f} s  restore: {restored:.1f} s  differing tables: {len(differing)} {differing}"
    )
    return 0 if not differing else 1


if __name__ == "__main__":
    sys.exit(main())
