"""Load: wrk for 60 s at 64 connections against gunicorn on loopback, mixed pages and searches.

    .venv/bin/python bench/load_test.py                          # own gunicorn + scratch archive
    .venv/bin/python bench/load_test.py --url http://127.0.0.1:8000 --duration 30

Needs wrk (Debian: `apt-get install -y wrk`). Without --url it imports synthetic pages into database
`reliab_load` of its own embedded server (var/reliab-postgres) and starts gunicorn with production
settings (bench/reliability_server.py). It writes the URL mix (article, author, section and archive
pages, feeds, searches with filters and sorts) to a file that a wrk Lua script picks from at random,
and reports requests, errors (socket errors and non-2xx/3xx answers), statuses and p99 latency.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
import reliability_server as server  # noqa: E402  (bench/ is not a package)

SEARCH_TERMS = ["ceasefire", "energy talks", '"power grid"', "minister -court", "sanctions or summit",
                "drone attack", "parliament budget", "reform", "zzzunknown", "peace deal allies"]  # fmt: skip

# Counts statuses per thread; done() merges them and prints one JSON line the script parses.
LUA = """
local urls = {}
for line in io.lines("%(urls)s") do urls[#urls + 1] = line end
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) math.randomseed(os.time() + math.floor(os.clock() * 1e6)); statuses = {} end
function request() return wrk.format("GET", urls[math.random(#urls)]) end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      merged[tostring(status)] = (merged[tostring(status)] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(merged) do table.insert(parts, string.format('"%%s": %%d', status, n)) end
  local e = summary.errors
  io.write(string.format('RESULT {"requests": %%d, "duration_s": %%.1f, "p50_ms": %%.1f, "p99_ms": %%.1f, '
    .. '"max_ms": %%.1f, "connect": %%d, "read": %%d, "write": %%d, "timeout": %%d, "status_errors": %%d, '
    .. '"statuses": {%%s}}\\n', summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(99) / 1e3, latency.max / 1e3, e.connect, e.read, e.write, e.timeout, e.status,
    table.concat(parts, ", ")))
end
"""


def url_mix(seed: int = 3) -> list[str]:
    """Paths of a reader session mix: half article pages, a quarter searches, the rest listings."""
    from articles.models import Article, Section
    from authors.models import Author

    rng = random.Random(seed)
    articles = [f"/articles/{slug}/" for slug in Article.objects.values_list("slug", flat=True)[:300]]
    authors = [f"/authors/{slug}/" for slug in Author.objects.values_list("slug", flat=True)[:50]]
    sections = [f"/sections/{slug}/" for slug in Section.objects.values_list("slug", flat=True)]
    listings = [
        "/",
        "/feed/",
        "/archive/",
        "/archive/undated/",
        "/sitemap.xml",
        "/robots.txt",
        *authors,
        *sections,
    ]
    searches = []
    for _ in range(100):
        params = {"q": rng.choice(SEARCH_TERMS)}
        if rng.random() < 0.3:
            params["sort"] = rng.choice(["newest", "oldest", "relevance"])
        if rng.random() < 0.2 and sections:
            params["section"] = sections[0].split("/")[2]
        searches.append("/search/?" + urlencode(params))
    return (
        [rng.choice(articles) for _ in range(400)] + searches * 2 + [rng.choice(listings) for _ in range(200)]
    )


def write_wrk_script(folder: Path, urls: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "urls.txt").write_text("\n".join(urls) + "\n")
    script = folder / "mixed.lua"
    script.write_text(LUA % {"urls": folder / "urls.txt"})
    return script


def run_wrk(url: str, script: Path, *, duration: int, connections: int, threads: int = 2) -> dict:
    """Run wrk and return its figures (RESULT line of the Lua script)."""
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        url,
    ]
    output = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60, check=True).stdout
    match = re.search(r"^RESULT (.*)$", output, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"wrk printed no RESULT line:\n{output}")
    return json.loads(match.group(1))


def summarise(result: dict) -> str:
    socket_errors = sum(result[k] for k in ("connect", "read", "write", "timeout"))
    return (
        f"requests: {result['requests']:,} in {result['duration_s']:.0f} s "
        f"({result['requests'] / result['duration_s']:.0f}/s)  socket errors: {socket_errors}  "
        f"non-2xx/3xx: {result['status_errors']}  p50: {result['p50_ms']:.0f} ms  "
        f"p99: {result['p99_ms']:.0f} ms  "
        f"max: {result['max_ms']:.0f} ms  statuses: {result['statuses']}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="load a running server instead of starting one")
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--pages", type=int, default=1000, help="synthetic pages to import (own server)")
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    with server.serving(args.url, pages=args.pages, port=args.port, database="reliab_load") as (url, _log):
        script = write_wrk_script(ROOT / "var" / "reliab-wrk", url_mix())
        result = run_wrk(url, script, duration=args.duration, connections=args.connections)
    print(summarise(result))
    errors = sum(result[k] for k in ("connect", "read", "write", "timeout")) + result["status_errors"]
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
