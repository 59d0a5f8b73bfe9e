"""CACHE_URL selects the cache; the Redis path runs against the real server on 127.0.0.1:6379."""

import os
import uuid

import pytest
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured

from newsroom.cache_config import cache_config

REDIS_URL = "redis://127.0.0.1:6379/15"


def test_cache_urls_map_to_django_backends():
    assert cache_config("locmem://")["BACKEND"] == "newsroom.bounded_cache.BoundedLocMemCache"
    assert cache_config("dummy://")["BACKEND"].endswith("DummyCache")
    redis = cache_config("redis://:pw@cache.internal:6380/2")
    assert redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis["LOCATION"] == "redis://:pw@cache.internal:6380/2"
    with pytest.raises(ImproperlyConfigured):
        cache_config("memcached://127.0.0.1")


def test_a_process_cache_keeps_thousands_of_pages_not_djangos_300():
    assert cache_config("locmem://")["OPTIONS"] == {"MAX_ENTRIES": 3000, "MAX_BYTES": 64 * 1024 * 1024}
    assert cache_config("locmem://pages?max_entries=500&max_mb=16") == {
        "BACKEND": "newsroom.bounded_cache.BoundedLocMemCache",
        "LOCATION": "pages",
        "OPTIONS": {"MAX_ENTRIES": 500, "MAX_BYTES": 16 * 1024 * 1024},
    }
    for name in ("max_entries", "max_mb"):
        for bad in ("0", "-5", "many", ""):
            with pytest.raises(ImproperlyConfigured, match=name):
                cache_config(f"locmem://?{name}={bad}")


def test_redis_cache_round_trip_on_the_real_server():
    config = cache_config(REDIS_URL)
    cache = RedisCache(
        config["LOCATION"], {k: v for k, v in config.items() if k not in {"BACKEND", "LOCATION"}}
    )
    key = f"test-{uuid.uuid4().hex}"
    try:
        cache.set(key, {"home": "<html>"}, timeout=30)
    except Exception as error:  # no Redis here: only acceptable off CI
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis on 127.0.0.1:6379 ({error})")
    assert cache.get(key) == {"home": "<html>"}
    cache.delete(key)
    assert cache.get(key) is None
