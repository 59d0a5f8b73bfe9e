"""`CACHE_URL` → Django's `CACHES["default"]`."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ImproperlyConfigured

DEFAULT_TIMEOUT = 300
# Pages a process keeps in its own cache (Django's default is 300). A news site's readers crowd
# its newest stories: 300 is the last day or two of a busy desk, read across every section and
# author page besides. At ~15 KB a page, 3,000 take ~45 MB per process…
LOCMEM_MAX_ENTRIES = 3000
# …and whatever the pages' sizes (sitemaps are ~1 MB each), no more than this many bytes.
LOCMEM_MAX_MB = 64


def cache_config(url: str) -> dict[str, Any]:
    """locmem://[name][?max_entries=N&max_mb=M], dummy://, redis://[:password@]host:port/db or
    rediss://… (TLS)."""
    parts = urlsplit(url)
    scheme = parts.scheme
    if scheme == "locmem":
        query = parse_qs(parts.query, keep_blank_values=True)
        entries = _positive(query, "max_entries", LOCMEM_MAX_ENTRIES)
        megabytes = _positive(query, "max_mb", LOCMEM_MAX_MB)
        return {
            "BACKEND": "newsroom.bounded_cache.BoundedLocMemCache",
            "LOCATION": parts.netloc,
            "OPTIONS": {"MAX_ENTRIES": entries, "MAX_BYTES": megabytes * 1024 * 1024},
        }
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    if scheme in {"redis", "rediss"}:
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "TIMEOUT": DEFAULT_TIMEOUT,
            "KEY_PREFIX": "newsroom",
        }
    raise ImproperlyConfigured(
        f"CACHE_URL must start with locmem://, dummy://, redis:// or rediss://, not {url!r}"
    )


def _positive(query: dict[str, list[str]], name: str, default: int) -> int:
    value = query.get(name, [str(default)])[-1]
    if not value.isdigit() or int(value) < 1:
        raise ImproperlyConfigured(f"CACHE_URL: {name} must be a positive number, not {value!r}")
    return int(value)
