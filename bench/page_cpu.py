"""Where a page's CPU goes under load: requests/s and CPU milliseconds per request of the gunicorn
workers, PostgreSQL and wrk, page after page, the page cache off.

    .venv/bin/python bench/page_cpu.py [hello,article,home,author,section] [--seconds 6] [--rounds 2]
    WEB_CONCURRENCY=4 .venv/bin/python bench/page_cpu.py hello,article   # another gunicorn sizing

Same server, archive and URLs as page_bench.py. On two cores shared by the server, PostgreSQL and
wrk, a page's throughput is about 2,000 ms divided by its CPU per request, so this tells which
process a change made cheaper. CPU comes from /proc (user + system time of every process whose
command line names gunicorn or postgres, before and after each run; a process that exits during
the run, such as a PostgreSQL backend of a closed connection, takes its time with it) and, for
wrk, from this script's children.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import page_bench  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds() -> dict[str, float]:
    """CPU time used so far by gunicorn's processes and PostgreSQL's, and by our children (wrk)."""
    used = {"gunicorn": 0.0, "postgres": 0.0}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            command = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:  # exited meanwhile
            continue
        fields = stat.rsplit(")", 1)[1].split()
        for name in used:
            if name in command:
                used[name] += (int(fields[11]) + int(fields[12])) / TICKS
    children = os.times()
    used["wrk"] = children.children_user + children.children_system
    return used


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="?", default="hello,article,home,author,section")
    parser.add_argument("--seconds", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    pages = args.pages.split(",")
    urls = page_bench.sample_urls()
    server = page_bench.start_server(0)
    rates: dict[str, list[float]] = {page: [] for page in pages}
    try:
        for url in urls.values():
            urllib.request.urlopen(page_bench.BASE + url).read()  # warm
        for round_number in range(1, args.rounds + 1):
            for page in pages:
                before = cpu_seconds()
                result = page_bench.wrk(urls[page], args.seconds)
                after = cpu_seconds()
                requests = result["rps"] * args.seconds
                split = "  ".join(
                    f"{name} {(after[name] - before[name]) / requests * 1000:.2f}" for name in before
                )
                rates[page].append(result["rps"])
                print(f"round {round_number}  {page:8} {result['rps']:6.0f} req/s  CPU ms/request: {split}")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    if "hello" in rates:
        ceiling = sum(rates["hello"]) / len(rates["hello"])
        for page, values in rates.items():
            rate = sum(values) / len(values)
            print(f"{page}: {rate:.0f} req/s, {rate / ceiling:.2f} of hello")


if __name__ == "__main__":
    main()
