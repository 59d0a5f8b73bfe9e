"""Both ways the app finds its database: the embedded PostgreSQL, and DATABASE_URL."""

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

from newsroom.embedded_db import (
    DEFAULT_DATA_DIR,
    database_config,
    embedded_database_config,
    stop_embedded_server,
)

ROOT = Path(__file__).resolve().parent.parent
SYSTEM_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
embedded_only = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="the suite runs on DATABASE_URL, not the embedded server"
)


def system_postgres_or_skip() -> None:
    try:
        psycopg2.connect(SYSTEM_POSTGRES, connect_timeout=3).close()
    except psycopg2.OperationalError:
        if os.environ.get("CI"):
            raise
        pytest.skip("no PostgreSQL server on 127.0.0.1:5432")


@embedded_only
def test_without_database_url_the_suite_runs_on_the_embedded_server(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version_num')::int, inet_server_addr()")
        version, address = cursor.fetchone()
    assert version >= 180000  # the wheel's PostgreSQL 18, not the machine's server
    assert address is None  # a Unix socket: the embedded server listens on no TCP port
    assert Path(connection.settings_dict["HOST"]).is_absolute()


@embedded_only
def test_embedded_data_lives_in_the_git_ignored_var_folder():
    assert DEFAULT_DATA_DIR == ROOT / "var" / "postgres"
    assert (DEFAULT_DATA_DIR / "PG_VERSION").read_text().strip() == "18"
    assert "var/" in (ROOT / ".gitignore").read_text().splitlines()


@pytest.fixture
def empty_data_dir():
    # Inside var/, not pytest's tmp_path: pytest makes its folders private to root (0700), and the
    # server runs as the unprivileged `pgserver` user when the tests run as root.
    data_dir = DEFAULT_DATA_DIR.parent / f"bootstrap-test-{uuid.uuid4().hex[:8]}"
    yield data_dir
    stop_embedded_server(data_dir)
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.mark.slow
def test_embedded_server_starts_in_an_empty_folder_creates_the_database_and_stops(empty_data_dir):
    data_dir = empty_data_dir
    config = embedded_database_config(data_dir, name="bootstrap_check")
    conn = psycopg2.connect(
        dbname=config["NAME"], user=config["USER"], host=config["HOST"], port=config["PORT"]
    )
    with conn, conn.cursor() as cursor:
        cursor.execute("SELECT current_database()")
        assert cursor.fetchone() == ("bootstrap_check",)
    conn.close()
    # A second call re-attaches to the running server and finds the database already there.
    assert embedded_database_config(data_dir, name="bootstrap_check")["HOST"] == config["HOST"]
    assert stop_embedded_server(data_dir) is True
    assert stop_embedded_server(data_dir) is False


def test_database_url_is_parsed_with_persistent_healthy_connections():
    config = database_config({"DATABASE_URL": "postgres://editor:s3cret@db.example:6543/archive"})
    assert config["ENGINE"] == "newsroom.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("archive", "editor", "s3cret")
    assert (config["HOST"], config["PORT"]) == ("db.example", 6543)
    assert config["CONN_MAX_AGE"] > 0 and config["CONN_HEALTH_CHECKS"] is True


@pytest.mark.slow
def test_database_url_path_migrates_a_real_server_end_to_end():
    """The whole app on the machine's PostgreSQL server via DATABASE_URL: migrate, then query."""
    system_postgres_or_skip()
    name = f"newsroom_url_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(SYSTEM_POSTGRES)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    try:
        env = {**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}", "DEBUG": "1"}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        probe = (
            "from articles.models import Article; from django.db import connection; "
            "print(Article.objects.count(), connection.settings_dict['HOST'])"
        )
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-v", "0", "-c", probe],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        assert result.stdout.split() == ["0", "127.0.0.1"]
    finally:
        admin.cursor().execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.close()


@pytest.mark.slow
def test_make_stop_db_stops_the_server_of_embedded_db_dir(empty_data_dir):
    """`EMBEDDED_DB_DIR=var/other make stop-db` stops that server, not var/postgres's."""
    embedded_database_config(empty_data_dir, name="stop_check")
    relative = empty_data_dir.relative_to(ROOT)  # as ops type it, from the checkout
    env = {**os.environ, "EMBEDDED_DB_DIR": str(relative)}
    result = subprocess.run(
        ["make", "--no-print-directory", "stop-db"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0 and result.stdout.strip().endswith("stopped"), result.stdout
    again = subprocess.run(
        ["make", "--no-print-directory", "stop-db"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert again.stdout.strip().endswith("not running")
