"""Chapter 18 exercise: LocMemCache, the cache in this process's memory, by hand.

tornkit.cache.backends.locmem has its own; try without reading it first. Write the methods
marked TODO (the rest is given), in this order:

  1. make_key(key, version=None) -> "KEY_PREFIX:VERSION:key"; VERSION is self.version unless
        a version is given.
  2. get_backend_timeout(timeout) -> seconds from now, or None for "never expires":
        DEFAULT_TIMEOUT means this cache's TIMEOUT (self.default_timeout); None means never;
        a number is seconds, and 0 (or less) means already expired.
  3. set(key, value, timeout) and get(key, default): the entry is (expires_at, data) in
        self._cache, expires_at from self.clock() (never time.time(): the tests move the clock).
        An expired entry is a missing one. A timeout of 0 stores nothing, and removes the old
        value. Every read and write makes the entry the most recently used.
  4. add(key, value, timeout) -> True if stored; False, and nothing changed, if the key is
        there (and not expired).
  5. incr(key, delta=1) -> the new number; a missing or expired key is a ValueError; the
        entry keeps its expiry.
  6. _cull(), called by _store() when a new key would make MAX_ENTRIES: drop the expired
        entries first; if that is not enough, drop len // CULL_FREQUENCY entries, the least
        recently used ones (CULL_FREQUENCY 0: all of them).

Lesson: chapters/ch18_caches/README.md, sections 2 and 3.
Check your work with:  make check-18
"""
from __future__ import annotations

import json
import time
from collections import OrderedDict

DEFAULT_TIMEOUT = object()  # "this cache's TIMEOUT"; None means "never expires"
MISSING = object()


class LocMemCache:
    def __init__(self, params: dict | None = None, *, clock=None) -> None:
        params = dict(params or {})
        options = params.get("OPTIONS", {})
        self.default_timeout = params.get("TIMEOUT", 300)
        self.key_prefix = params.get("KEY_PREFIX", "")
        self.version = params.get("VERSION", 1)
        self._max_entries = options.get("MAX_ENTRIES", 300)
        self._cull_frequency = options.get("CULL_FREQUENCY", 3)
        self.clock = clock or time.monotonic
        self._cache: OrderedDict[str, tuple[float | None, str]] = OrderedDict()

    # Values are kept as JSON text, as a shared store would keep them: what comes back is a
    # copy, and what JSON cannot hold is refused at once.
    @staticmethod
    def _dumps(value) -> str:
        return json.dumps(value)

    @staticmethod
    def _loads(data: str):
        return json.loads(data)

    # --- 1. keys and 2. timeouts ------------------------------------------------------------
    def make_key(self, key: str, version: int | None = None) -> str:
        raise NotImplementedError("make_key: step 1")  # TODO step 1

    def get_backend_timeout(self, timeout=DEFAULT_TIMEOUT) -> float | None:
        raise NotImplementedError("get_backend_timeout: step 2")  # TODO step 2

    # --- 3. get and set ---------------------------------------------------------------------
    def _store(self, key: str, data: str, timeout: float | None) -> None:
        """Given: keep data under the made key, culling first if a new key would not fit."""
        if key not in self._cache and len(self._cache) >= self._max_entries:
            self._cull()
        self._cache[key] = (None if timeout is None else self.clock() + timeout, data)
        self._cache.move_to_end(key)

    async def get(self, key: str, default=None, version: int | None = None):
        raise NotImplementedError("get: step 3")  # TODO step 3

    async def set(self, key: str, value, timeout=DEFAULT_TIMEOUT,
                  version: int | None = None) -> None:
        raise NotImplementedError("set: step 3")  # TODO step 3

    # --- 4. add and 5. incr -----------------------------------------------------------------
    async def add(self, key: str, value, timeout=DEFAULT_TIMEOUT,
                  version: int | None = None) -> bool:
        raise NotImplementedError("add: step 4")  # TODO step 4

    async def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        raise NotImplementedError("incr: step 5")  # TODO step 5

    # --- 6. eviction ------------------------------------------------------------------------
    def _cull(self) -> None:
        raise NotImplementedError("_cull: step 6")  # TODO step 6

    # --- given --------------------------------------------------------------------------------
    async def delete(self, key: str, version: int | None = None) -> bool:
        return self._cache.pop(self.make_key(key, version), None) is not None

    async def clear(self) -> None:
        self._cache.clear()

    def __len__(self) -> int:
        return len(self._cache)
