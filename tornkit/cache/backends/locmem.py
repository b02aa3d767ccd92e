"""LocMemCache: a cache in this process's memory, least recently used entries evicted first.

    CACHES = {"default": {"BACKEND": "tornkit.cache.backends.locmem.LocMemCache",
                          "OPTIONS": {"MAX_ENTRIES": 300, "CULL_FREQUENCY": 3}}}

One OrderedDict per cache object (so per Application: tornadopy and Django keep module-global
dicts shared by every cache with the same LOCATION). Each entry is (expires_at, data); reading
or writing an entry moves it to the end, so the front is the least recently used. When a new
key would make MAX_ENTRIES, expired entries go first, then 1/CULL_FREQUENCY of the entries from
the front (CULL_FREQUENCY 0: all of them).

No lock and no timer: the event loop runs one coroutine at a time and no method awaits between
its read and its write, so incr() is atomic; and expired entries are dropped when met, not by a
sweep every 30 minutes started at import (tornadopy's PeriodicCallback).

Values are stored serialized, as in every other backend: a dict read back is a copy, and what
cannot go to Redis cannot go here either.
"""
from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from tornkit.cache.base import MISSING, BaseCache


class LocMemCache(BaseCache):
    def __init__(self, location: str = "", params=None, *,
                 clock: Callable[[], float] | None = None) -> None:
        super().__init__(location, params)
        # time.monotonic: a clock that never jumps back when the system time is set
        self.clock = clock or self.options.get("CLOCK") or time.monotonic
        self._cache: OrderedDict[str, tuple[float | None, bytes]] = OrderedDict()

    def _expired(self, expires_at: float | None) -> bool:
        return expires_at is not None and expires_at <= self.clock()

    def _entry(self, key: str) -> bytes | Any:
        entry = self._cache.get(key)
        if entry is None:
            return MISSING
        if self._expired(entry[0]):
            del self._cache[key]
            return MISSING
        self._cache.move_to_end(key)  # just used: the last to be evicted
        return entry[1]

    def _store(self, key: str, data: bytes, timeout: float | None) -> None:
        if key not in self._cache and len(self._cache) >= self._max_entries:
            self._cull()
        self._cache[key] = (None if timeout is None else self.clock() + timeout, data)
        self._cache.move_to_end(key)

    def _cull(self) -> None:
        for key in [k for k, (at, _) in self._cache.items() if self._expired(at)]:
            del self._cache[key]
        if len(self._cache) < self._max_entries:
            return
        if self._cull_frequency == 0:
            self._cache.clear()
            return
        for _ in range(max(len(self._cache) // self._cull_frequency, 1)):
            self._cache.popitem(last=False)  # the front: least recently used

    async def _get(self, key):
        return self._entry(key)

    async def _set(self, key, data, timeout):
        self._store(key, data, timeout)

    async def _add(self, key, data, timeout):
        if self._entry(key) is not MISSING:
            return False
        self._store(key, data, timeout)
        return True

    async def _delete(self, key):
        return self._cache.pop(key, None) is not None

    async def _has_key(self, key):
        return self._entry(key) is not MISSING

    async def _incr(self, key, delta):
        data = self._entry(key)
        if data is MISSING:
            return None
        value = self.serializer.loads(data)
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"incr needs an int, the cache holds {type(value).__name__}")
        expires_at = self._cache[key][0]  # incr keeps the entry's expiry
        self._cache[key] = (expires_at, self.serializer.dumps(value + delta))
        return value + delta

    async def clear(self):
        self._cache.clear()

    def __len__(self) -> int:
        return len(self._cache)
