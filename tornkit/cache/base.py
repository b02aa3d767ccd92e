"""The cache API every backend shares (Django's, made async): keys, versions, timeouts.

    cache = app.caches["default"]
    await cache.set("greeting", {"text": "hello"}, timeout=60)   # seconds; None: never expires
    await cache.get("greeting")                                    # {'text': 'hello'}
    await cache.add("greeting", "ignored")                         # False: add never overwrites
    await cache.incr("hits")                                       # ValueError: no such key

A key becomes KEY_PREFIX:VERSION:key before it reaches the store (make_key), so that two apps
can share one store, and bumping VERSION makes every old entry unreachable at once.

A timeout is a number of seconds, or None for "never expires", or 0 for "already expired" (set
with timeout=0 stores nothing, and removes what was there). DEFAULT_TIMEOUT (the default of
every method) means "the TIMEOUT of this cache's CACHES entry", 300 s unless configured.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import tornado.web

from tornkit.cache.serializers import serializer_from

DEFAULT_TIMEOUT = object()  # a sentinel: "this cache's configured TIMEOUT" (None means never)
MISSING = object()          # what _get answers for a key the store does not have


class CacheError(Exception):
    """Something is wrong with a cache or its configuration."""


class InvalidCacheKey(CacheError, ValueError):
    """A key the backend cannot store (memcached: too long, spaces, control characters)."""


class InvalidCacheBackendError(CacheError):
    """CACHES names a backend that cannot be loaded, or an alias that is not configured."""


class CacheUnavailable(CacheError, tornado.web.HTTPError):
    """The store is down, refused, or did not answer in time. It is an HTTPError 503, so a
    handler that lets it propagate answers "503 Service Unavailable: Redis at ... is
    unavailable: ..." instead of a traceback or a request that hangs."""

    def __init__(self, message: str) -> None:
        CacheError.__init__(self, message)
        tornado.web.HTTPError.__init__(self, 503, "%s", message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def default_key_func(key: str, key_prefix: str, version: int) -> str:
    """Django's: "prefix:version:key"."""
    return f"{key_prefix}:{version}:{key}"


def import_string(dotted: str) -> Any:
    module, _, name = dotted.rpartition(".")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError, ValueError) as e:
        raise InvalidCacheBackendError(f"cannot import {dotted!r}: {e}") from None


class BaseCache:
    """What every backend shares. A backend defines the primitives _get, _set, _add, _delete,
    _incr, _has_key, clear (and may define _get_many, _set_many, _delete_many faster than one
    call per key); the public methods make keys, resolve timeouts and (de)serialize."""

    def __init__(self, location: str = "", params: Mapping[str, Any] | None = None) -> None:
        params = dict(params or {})
        self.location = location
        options = dict(params.get("OPTIONS") or {})
        self.options = options
        timeout = params.get("TIMEOUT", 300)
        if timeout is not None:
            timeout = float(timeout)
            if timeout < 0:
                raise CacheError(f"TIMEOUT must be None (never) or >= 0 seconds, not {timeout}")
        self.default_timeout = timeout
        self.key_prefix = params.get("KEY_PREFIX", "")
        self.version = int(params.get("VERSION", 1))
        key_func = params.get("KEY_FUNCTION") or default_key_func
        self.key_func: Callable[[str, str, int], str] = (
            import_string(key_func) if isinstance(key_func, str) else key_func)
        self.serializer = serializer_from(options.get("SERIALIZER", "json"))
        self._max_entries = int(options.get("MAX_ENTRIES", 300))
        self._cull_frequency = int(options.get("CULL_FREQUENCY", 3))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.location!r}>"

    # --- keys and timeouts ------------------------------------------------------------------
    def make_key(self, key: str, version: int | None = None) -> str:
        if not isinstance(key, str):
            raise InvalidCacheKey(f"cache keys are str, not {type(key).__name__}: {key!r}")
        return self.key_func(key, self.key_prefix, self.version if version is None else version)

    def validate_key(self, key: str) -> None:
        """Raise InvalidCacheKey for a key this backend cannot store (memcached has rules)."""

    def get_backend_timeout(self, timeout: Any = DEFAULT_TIMEOUT) -> float | None:
        """Seconds from now until the entry expires; None: never; 0 or less: already expired."""
        if timeout is DEFAULT_TIMEOUT:
            return self.default_timeout
        if timeout is None:
            return None
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
            raise TypeError(f"timeout must be seconds (a number) or None, not {timeout!r}")
        return max(float(timeout), 0.0)

    def _key(self, key: str, version: int | None) -> str:
        made = self.make_key(key, version)
        self.validate_key(made)
        return made

    # --- the API ----------------------------------------------------------------------------
    async def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        raw = await self._get(self._key(key, version))
        return default if raw is MISSING else self.serializer.loads(raw)

    async def set(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT,
                  version: int | None = None) -> None:
        made = self._key(key, version)
        timeout = self.get_backend_timeout(timeout)
        data = self.serializer.dumps(value)  # first: a value it refuses changes nothing
        if timeout == 0:
            await self._delete(made)  # Django's rule: timeout=0 expires the key at once
        else:
            await self._set(made, data, timeout)

    async def add(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT,
                  version: int | None = None) -> bool:
        """Store the value only if the key is not there yet; True if it was stored."""
        made = self._key(key, version)
        timeout = self.get_backend_timeout(timeout)
        data = self.serializer.dumps(value)
        if timeout == 0:
            return not await self._has_key(made)  # "stored" and expired at once
        return await self._add(made, data, timeout)

    async def delete(self, key: str, version: int | None = None) -> bool:
        """True if the key was there."""
        return await self._delete(self._key(key, version))

    async def has_key(self, key: str, version: int | None = None) -> bool:
        return await self._has_key(self._key(key, version))

    async def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        """Add delta to the integer stored under key, atomically, and return the new value. A
        missing key is a ValueError (nothing is created), as in Django."""
        if isinstance(delta, bool) or not isinstance(delta, int):
            raise TypeError(f"delta must be an int, not {delta!r}")
        made = self._key(key, version)
        value = await self._incr(made, delta)
        if value is None:
            raise ValueError(f"key {key!r} not found")
        return value

    async def decr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        return await self.incr(key, -delta, version)

    async def get_many(self, keys: Iterable[str], version: int | None = None) -> dict[str, Any]:
        """{key: value} for the keys that are there (missing ones are left out)."""
        made = {self._key(k, version): k for k in keys}
        found = await self._get_many(list(made))
        return {made[m]: self.serializer.loads(raw) for m, raw in found.items()}

    async def set_many(self, data: Mapping[str, Any], timeout: Any = DEFAULT_TIMEOUT,
                       version: int | None = None) -> list[str]:
        """Store every item; returns the keys that could not be stored (always [] here)."""
        timeout = self.get_backend_timeout(timeout)
        items = {self._key(k, version): self.serializer.dumps(v) for k, v in data.items()}
        if timeout == 0:
            await self._delete_many(list(items))
        else:
            await self._set_many(items, timeout)
        return []

    async def delete_many(self, keys: Iterable[str], version: int | None = None) -> None:
        await self._delete_many([self._key(k, version) for k in keys])

    async def clear(self) -> None:
        """Remove every entry of this cache's store."""
        raise NotImplementedError

    async def close(self) -> None:
        """Release connections (the registry calls it when the Application closes)."""

    # --- the primitives (made keys, serialized values) -------------------------------------
    async def _get(self, key: str) -> Any:
        raise NotImplementedError

    async def _set(self, key: str, data: bytes, timeout: float | None) -> None:
        raise NotImplementedError

    async def _add(self, key: str, data: bytes, timeout: float | None) -> bool:
        raise NotImplementedError

    async def _delete(self, key: str) -> bool:
        raise NotImplementedError

    async def _has_key(self, key: str) -> bool:
        raise NotImplementedError

    async def _incr(self, key: str, delta: int) -> int | None:
        """The new value, or None if the key is missing."""
        raise NotImplementedError

    async def _get_many(self, keys: list[str]) -> dict[str, Any]:
        found = {}
        for key in keys:
            raw = await self._get(key)
            if raw is not MISSING:
                found[key] = raw
        return found

    async def _set_many(self, items: dict[str, bytes], timeout: float | None) -> None:
        for key, data in items.items():
            await self._set(key, data, timeout)

    async def _delete_many(self, keys: list[str]) -> None:
        for key in keys:
            await self._delete(key)
