"""Chapter 18 exercise, solved.

Why it looks like this:
  - One OrderedDict is both the store and the LRU order: move_to_end() on every read and
    write puts the entry at the back, so the front is always the least recently used, and
    popitem(last=False) evicts it. No timestamps of use are needed.
  - Expiry is a time stored with the entry, compared with self.clock() when the entry is met:
    no sweeping timer (tornadopy started one on first access, on whatever loop was current),
    and tests move a fake clock instead of sleeping.
  - The timeout rules are Django's: DEFAULT_TIMEOUT is the configured TIMEOUT, None is never,
    and 0 is "already expired". Treating 0 as "never" (as memcached's own protocol does) would
    turn "don't cache this" into "cache this for ever".
  - add() and incr() read and write with no await in between: on one event loop nothing else
    runs meanwhile, so they are atomic without a lock.
  - _cull() drops expired entries before anything still valid, then the least recently used.
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
        return f"{self.key_prefix}:{self.version if version is None else version}:{key}"

    def get_backend_timeout(self, timeout=DEFAULT_TIMEOUT) -> float | None:
        if timeout is DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        if timeout is None:
            return None
        return max(float(timeout), 0.0)

    # --- 3. get and set ---------------------------------------------------------------------
    def _store(self, key: str, data: str, timeout: float | None) -> None:
        """Given: keep data under the made key, culling first if a new key would not fit."""
        if key not in self._cache and len(self._cache) >= self._max_entries:
            self._cull()
        self._cache[key] = (None if timeout is None else self.clock() + timeout, data)
        self._cache.move_to_end(key)

    def _expired(self, expires_at: float | None) -> bool:
        return expires_at is not None and expires_at <= self.clock()

    def _entry(self, key: str):
        """The data under a made key, or MISSING; an expired entry is removed on the way."""
        entry = self._cache.get(key)
        if entry is None:
            return MISSING
        if self._expired(entry[0]):
            del self._cache[key]
            return MISSING
        self._cache.move_to_end(key)
        return entry[1]

    async def get(self, key: str, default=None, version: int | None = None):
        data = self._entry(self.make_key(key, version))
        return default if data is MISSING else self._loads(data)

    async def set(self, key: str, value, timeout=DEFAULT_TIMEOUT,
                  version: int | None = None) -> None:
        key, data = self.make_key(key, version), self._dumps(value)
        timeout = self.get_backend_timeout(timeout)
        if timeout == 0:
            self._cache.pop(key, None)
        else:
            self._store(key, data, timeout)

    # --- 4. add and 5. incr -----------------------------------------------------------------
    async def add(self, key: str, value, timeout=DEFAULT_TIMEOUT,
                  version: int | None = None) -> bool:
        key, data = self.make_key(key, version), self._dumps(value)
        if self._entry(key) is not MISSING:
            return False
        timeout = self.get_backend_timeout(timeout)
        if timeout != 0:
            self._store(key, data, timeout)
        return True

    async def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        made = self.make_key(key, version)
        data = self._entry(made)
        if data is MISSING:
            raise ValueError(f"key {key!r} not found")
        value = self._loads(data) + delta
        self._cache[made] = (self._cache[made][0], self._dumps(value))  # same expiry
        return value

    # --- 6. eviction ------------------------------------------------------------------------
    def _cull(self) -> None:
        for key in [k for k, (at, _) in self._cache.items() if self._expired(at)]:
            del self._cache[key]
        if len(self._cache) < self._max_entries:
            return
        if self._cull_frequency == 0:
            self._cache.clear()
            return
        for _ in range(max(len(self._cache) // self._cull_frequency, 1)):
            self._cache.popitem(last=False)

    # --- given --------------------------------------------------------------------------------
    async def delete(self, key: str, version: int | None = None) -> bool:
        return self._cache.pop(self.make_key(key, version), None) is not None

    async def clear(self) -> None:
        self._cache.clear()

    def __len__(self) -> int:
        return len(self._cache)
