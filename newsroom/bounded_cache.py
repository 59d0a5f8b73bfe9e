"""A process's own cache (`CACHE_URL=locmem://`), bounded in bytes as well as in entries.

Django's LocMemCache counts entries only: 3,000 front pages take ~45 MB, 3,000 sitemap pages
several GB. This one keeps the pickled size of every entry and, past `MAX_BYTES`, drops the least
recently used ones until the total fits; a value larger than an eighth of the budget is not kept
at all (it would push out a crowd of pages to make room for one). What a process holds is then
bounded whatever the requests (`CACHE_URL=redis://…` is bounded by Redis's `maxmemory`).
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
# Per cache name, like LocMemCache's own stores: every thread's instance shares them.
_sizes: dict[str, dict[str, int]] = {}
_totals: dict[str, list[int]] = {}


class BoundedLocMemCache(LocMemCache):
    def __init__(self, name: str, params: dict[str, Any]) -> None:
        super().__init__(name, params)
        self.max_bytes = int(params.get("OPTIONS", {}).get("MAX_BYTES", DEFAULT_MAX_BYTES))
        self._sizes = _sizes.setdefault(name, {})
        self._total = _totals.setdefault(name, [0])

    @property
    def total_bytes(self) -> int:
        """The pickled size of everything kept now."""
        return self._total[0]

    def _set(self, key: str, value: bytes, timeout: float | None = DEFAULT_TIMEOUT) -> None:
        self._delete(key)
        if len(value) > self.max_bytes // 8:
            return
        super()._set(key, value, timeout)
        self._sizes[key] = len(value)
        self._total[0] += len(value)
        while self._total[0] > self.max_bytes:
            self._drop_least_recent()

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        value = super().incr(key, delta, version)
        with self._lock:  # a counter's pickle may grow by a byte: keep the total exact
            stored = self.make_and_validate_key(key, version=version)
            if stored in self._cache:
                size = len(self._cache[stored])
                self._total[0] += size - self._sizes.get(stored, 0)
                self._sizes[stored] = size
        return value

    def _cull(self) -> None:
        # Past MAX_ENTRIES: as LocMemCache does (a third, the least recently used), sizes kept.
        share = len(self._cache) // self._cull_frequency if self._cull_frequency else len(self._cache)
        for _ in range(max(1, share)):
            self._drop_least_recent()

    def _drop_least_recent(self) -> None:
        key, _value = self._cache.popitem()  # LocMemCache keeps the most recent first
        self._expire_info.pop(key, None)
        self._total[0] -= self._sizes.pop(key, 0)

    def _delete(self, key: str) -> bool:
        deleted = super()._delete(key)
        if deleted:
            self._total[0] -= self._sizes.pop(key, 0)
        return deleted

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()
            self._expire_info.clear()
            self._sizes.clear()
            self._total[0] = 0
