"""`CACHE_URL` → Django's `CACHES["default"]`."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ImproperlyConfigured

DEFAULT_TIMEOUT = 300
# Pages a process keeps in its own cache (Django's default is 300). A news site's readers crowd
# its newest stories: 300 is the last day or two of a busy desk, read across every section and
# author page besides. At ~15 KB a page, 3,000 take ~45 MB per process.
LOCMEM_MAX_ENTRIES = 3000


def cache_config(url: str) -> dict[str, Any]:
    """locmem://[name][?max_entries=N], dummy://, redis://[:password@]host:port/db or rediss://… (TLS)."""
    parts = urlsplit(url)
    scheme = parts.scheme
    if scheme == "locmem":
        query = parse_qs(parts.query, keep_blank_values=True)
        entries = query.get("max_entries", [str(LOCMEM_MAX_ENTRIES)])[-1]
        if not entries.isdigit() or int(entries) < 1:
            raise ImproperlyConfigured(f"CACHE_URL: max_entries must be a positive number, not {entries!r}")
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": parts.netloc,
            "OPTIONS": {"MAX_ENTRIES": int(entries)},
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
