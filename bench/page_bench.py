"""Page throughput under load: wrk against gunicorn on loopback, each page beside the same server's
"hello" view (the framework's ceiling), with the page cache on and off, in one run.

    apt-get install -y wrk          # Debian's package
    EMBEDDED_DB_DIR=var/bench-postgres DEBUG=1 .venv/bin/python manage.py migrate
    EMBEDDED_DB_DIR=var/bench-postgres DEBUG=1 .venv/bin/python bench/generate_archive.py --articles 100000
    .venv/bin/python bench/page_bench.py --seconds 10 [--rounds 3] [--mode both|on|off] [--record]

The archive is whatever the bench database holds (the search benchmark's generator makes 100,000
synthetic articles). For each mode (cache on, cache off) the script starts gunicorn with
production settings, warms every URL, then runs wrk once per URL in turn: hello, home, article,
author, section, feed, and a 304 revalidation (If-None-Match with the article's ETag). Then
readers' traffic rather than one URL: each request a random one of the 1,000 newest stories
(a wrk Lua script), after a warm-up with the page cache on, which each process fills for
itself: rounds of WARM_ROUND_SECONDS until the rate stops rising (a slower machine takes longer
to render each story once in each process). Reported: requests/s, p50 and p99 latency, errors
and non-2xx/3xx, and the ratio to hello; with --rounds, the medians of the rounds and the ratio's
range, each round against its own hello (this machine's speed drifts by a third within minutes).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = 8321
BASE = f"http://127.0.0.1:{PORT}"
NEWEST = 1000
WARM_ROUND_SECONDS = 10
WARM_MAX_ROUNDS = 15
TARGETS = {"article": 0.6, "article (cache off)": 0.3, "304": 0.5, "list (cache off)": 0.2}


def server_env(cache_seconds: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL"}}
    return {
        **env,
        "EMBEDDED_DB_DIR": os.environ.get("EMBEDDED_DB_DIR", str(ROOT / "var" / "bench-postgres")),
        "SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFGH",
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "PAGE_CACHE_SECONDS": str(cache_seconds),
        # "Cache off" measures the real work: no search census kept between requests either.
        "SEARCH_CACHE_SECONDS": "60" if cache_seconds else "0",
        "BENCHMARK_HELLO": "1",
        "GUNICORN_ACCESS_LOG": "off",
        "PORT": str(PORT),
        "LOG_LEVEL": "WARNING",
    }


def collect_static(env: dict[str, str]) -> None:
    """Production settings serve hashed static names, which `{% static %}` reads from the manifest."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )


def use_production_settings() -> None:
    """For the in-process benchmarks (search_bench.py, page_profile.py): this process gets the
    server's settings, production's with the page cache off, before Django is set up. Development
    mode (DEBUG=1) costs 1-2 ms a page more: template debugging, whitenoise re-scanning the static
    folder on each request."""
    env = server_env(0)
    collect_static(env)
    os.environ.pop("DEBUG", None)
    os.environ.update(env, DJANGO_SETTINGS_MODULE="newsroom.settings")


def start_server(cache_seconds: int) -> subprocess.Popen:
    env = server_env(cache_seconds)
    collect_static(env)
    server = subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "newsroom.wsgi"], cwd=ROOT, env=env)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{BASE}/healthz", timeout=2)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("gunicorn did not start")


def bench_shell(code: str) -> str:
    """What `code` prints, run by `manage.py shell` against the bench database."""
    env = {**server_env(0), "DEBUG": "1"}
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code], cwd=ROOT, env=env, check=True,
        capture_output=True, text=True,
    ).stdout  # fmt: skip


def database_params() -> dict:
    """How to connect to the bench database from this process, as another tool would (psycopg2)."""
    os.environ.update(server_env(300), DJANGO_SETTINGS_MODULE="newsroom.settings")
    import django

    django.setup()
    from django.db import connection

    return connection.get_connection_params()


def sample_urls() -> dict[str, str]:
    """One real URL of each page type, read from the bench database."""
    code = (
        "from articles.models import Article as A\n"
        "a = A.objects.published().filter(section__isnull=False, authors__isnull=False)"
        ".select_related('section').first()\n"
        "print(a.get_absolute_url(), a.authors.first().get_absolute_url(), a.section.get_absolute_url())"
    )
    article, author, section = bench_shell(code).split()
    return {"hello": "/bench/hello", "home": "/", "article": article, "author": author, "section": section,
            "feed": "/feed/"}  # fmt: skip


def newest_stories_script() -> Path:
    """A wrk script that asks for a random one of the NEWEST newest stories at each request."""
    code = (
        "from articles.models import Article as A\n"
        f"print(*A.objects.published().values_list('slug', flat=True)[:{NEWEST}])"
    )
    slugs = bench_shell(code).split()
    script = Path(tempfile.gettempdir()) / "newsroom-newest-stories.lua"
    paths = ",".join(f'"/articles/{slug}/"' for slug in slugs)
    script.write_text(
        f"local paths = {{{paths}}}\n"
        "request = function() return wrk.format(nil, paths[math.random(#paths)]) end\n"
    )
    return script


def wrk(url: str, seconds: int, header: str = "", script: Path | None = None) -> dict[str, float]:
    command = ["wrk", "-t2", "-c32", f"-d{seconds}s", "--latency", BASE + url]
    if header:
        command[1:1] = ["-H", header]
    if script:
        command[1:1] = ["-s", str(script)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),
        "p50": _ms(re.search(r"50%\s+([\d.]+\w+)", out)[1]),
        "p99": _ms(re.search(r"99%\s+([\d.]+\w+)", out)[1]),
        "errors": sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out)),
        "non2xx": int(m[1]) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0,
    }


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def etag(url: str) -> str:
    with urllib.request.urlopen(BASE + url) as response:
        return response.headers["ETag"]


def run_mode(
    cache_seconds: int, urls: dict[str, str], seconds: int, newest: Path, rounds: int
) -> list[dict[str, dict[str, float]]]:
    """`rounds` runs of every URL in turn, each between two runs of hello: one server, warmed once."""
    server = start_server(cache_seconds)
    try:
        for url in urls.values():
            urllib.request.urlopen(BASE + url).read()  # warm: caches, connections, templates
        if cache_seconds:
            warm(newest)
        runs = []
        for _ in range(rounds):
            results = {name: wrk(url, seconds) for name, url in urls.items()}
            results["304"] = wrk(urls["article"], seconds, header=f"If-None-Match: {etag(urls['article'])}")
            results[f"{NEWEST:,} newest stories, random"] = wrk("/", seconds, script=newest)
            results["hello (again)"] = wrk(urls["hello"], seconds)  # the ceiling, on both sides
            runs.append(results)
        return runs
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def warm(script: Path) -> None:
    """Readers' traffic until every process has filled its cache: at least three rounds, then
    until one is less than 5% faster than the best before it."""
    rates: list[float] = []
    while len(rates) < WARM_MAX_ROUNDS:
        rates.append(wrk("/", WARM_ROUND_SECONDS, script=script)["rps"])
        if len(rates) >= 3 and rates[-1] < 1.05 * max(rates[:-1]):
            break
    print(
        f"warm-up: {len(rates)} rounds of {WARM_ROUND_SECONDS} s, req/s {[round(r) for r in rates]}",
        file=sys.stderr,
    )


def report(mode: str, runs: list[dict[str, dict[str, float]]]) -> list[str]:
    """One row per page: the median of the rounds, and the ratio to hello as its median and range
    over the rounds, each round's ratio against that round's own hello (the machine's speed
    drifts between rounds)."""
    ratios = {name: [] for name in runs[0]}
    for results in runs:
        ceiling = (results["hello"]["rps"] + results["hello (again)"]["rps"]) / 2
        for name, r in results.items():
            ratios[name].append(r["rps"] / ceiling)
    lines = [f"\n### {mode}\n", "| page | req/s | p50 ms | p99 ms | errors | non-2xx/3xx | ratio to hello |",
             "|---|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for name in runs[0]:
        r = {key: statistics.median(results[name][key] for results in runs) for key in runs[0][name]}
        errors = sum(results[name]["errors"] for results in runs)
        non2xx = sum(results[name]["non2xx"] for results in runs)
        ratio = f"{statistics.median(ratios[name]):.2f}"
        if len(runs) > 1:
            ratio += f" ({min(ratios[name]):.2f}-{max(ratios[name]):.2f})"
        lines.append(
            f"| {name} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p99']:.1f} | {errors} | {non2xx} | {ratio} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--record", action="store_true", help="append the tables to bench/RESULTS.md")
    parser.add_argument(
        "--mode", choices=["both", "on", "off"], default="both", help="page cache on, off or both"
    )
    parser.add_argument("--rounds", type=int, default=1, help="runs of every URL; medians are reported")
    args = parser.parse_args()
    urls = sample_urls()
    lines = [
        f"\n## Pages\n\n`.venv/bin/python bench/page_bench.py --seconds {args.seconds} "
        f"--rounds {args.rounds} --mode {args.mode} --record` "
        f"({time.strftime('%Y-%m-%d %H:%M')}, load average {os.getloadavg()[0]:.1f}): wrk -t2 -c32 per URL "
        f"against gunicorn on {os.cpu_count()} cores (wrk shares them); URLs: {urls}"
    ]
    newest = newest_stories_script()
    modes = {"page cache on": 300, "page cache off": 0}
    for mode, seconds in modes.items():
        if args.mode != "both" and mode != f"page cache {args.mode}":
            continue
        lines += report(mode, run_mode(seconds, urls, args.seconds, newest, args.rounds))
    print("\n".join(lines))
    if args.record:
        with open(ROOT / "bench" / "RESULTS.md", "a", encoding="utf-8") as results_file:
            results_file.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
