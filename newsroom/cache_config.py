"""`CACHE_URL` → Django's `CACHES["default"]`."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

DEFAULT_TIMEOUT = 300


def cache_config(url: str) -> dict[str, Any]:
    """locmem://[name], dummy://, redis://[:password@]host:port/db or rediss://… (TLS)."""
    scheme = urlsplit(url).scheme
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": urlsplit(url).netloc}
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
