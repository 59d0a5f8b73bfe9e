"""gunicorn settings for production (`make serve`); every value can be overridden from the environment.

https://docs.gunicorn.org/en/stable/settings.html
"""

import multiprocessing
import os

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# One process per core: a page is CPU work (1.5-3 ms) around one short database read (~0.4 ms on
# the same machine), so more processes only take turns on the cores. Measured on 2 cores
# (bench/RESULTS.md, "The uncached article page past 0.3"): 4 workers served 15-40% fewer pages a
# second than 2, uncached and hello alike, and no more with slow searches among them.
# WEB_CONCURRENCY is the usual override: raise it when the database is across a network, where
# each request waits longer.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))  # a request stuck longer is killed and logged
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then to bound any slow leak, but rarely: a new worker starts with an
# empty per-process cache (unless CACHE_URL points at Redis).
max_requests = 200_000
max_requests_jitter = 20_000
# stdout, for the platform's log collector; "off" (benchmarks) disables it.
accesslog = (
    None if os.environ.get("GUNICORN_ACCESS_LOG") == "off" else os.environ.get("GUNICORN_ACCESS_LOG", "-")
)
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's control socket (for `gunicornc`) sits at one fixed path per user by default, so a second
# instance on the host (another port, a test, a benchmark) would take it over. Off unless a path of
# this instance's own is given.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True
