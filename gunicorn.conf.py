"""gunicorn settings for production (`make serve`); every value can be overridden from the environment.

https://docs.gunicorn.org/en/stable/settings.html
"""

import multiprocessing
import os

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# Pages are short CPU-bound renders with quick database reads: a couple of processes per core keep
# the cores busy while one waits on the database. WEB_CONCURRENCY is the usual override.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))  # a request stuck longer is killed and logged
graceful_timeout = 20
keepalive = 5
max_requests = 10_000  # recycle workers now and then: bounds any slow leak
max_requests_jitter = 1_000
# stdout, for the platform's log collector; "off" (benchmarks) disables it.
accesslog = (
    None if os.environ.get("GUNICORN_ACCESS_LOG") == "off" else os.environ.get("GUNICORN_ACCESS_LOG", "-")
)
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
