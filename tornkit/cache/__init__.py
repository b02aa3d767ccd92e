"""缓存 / Caches: one async API, several backends, configured by CACHES (chapter 18).

    CACHES = {
        "default": {"BACKEND": "tornkit.cache.backends.locmem.LocMemCache"},
        "redis": {"BACKEND": "tornkit.cache.backends.redis.RedisCache",
                  "LOCATION": "127.0.0.1:6379", "TIMEOUT": 60, "KEY_PREFIX": "shop"},
    }
    cache = app.caches["redis"]            # in a handler: self.application.caches["redis"]
    await cache.set("n", 1); await cache.incr("n")

Each entry: BACKEND (a dotted class path), LOCATION (where the store is), OPTIONS (the
backend's own), TIMEOUT (seconds, None: never; default 300), KEY_PREFIX, VERSION, KEY_FUNCTION.

The registry belongs to an Application (`app.caches`), made from that Application's settings:
two Applications in one process have two registries. tornadopy's `caches` was a
`threading.local` made at import, whose first `caches[alias]` started PeriodicCallbacks (an
expiry sweep, a Redis ping) on whatever event loop was current at that moment. Here nothing
runs at import or on first access: a backend is built on first access and opens no connection
until a command needs one; `await caches.close()` releases them all.
"""
from __future__ import annotations

import inspect
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from tornkit.cache.base import (DEFAULT_TIMEOUT, BaseCache, CacheError, CacheUnavailable,
                                InvalidCacheBackendError, InvalidCacheKey, import_string)

DEFAULT_CACHE_ALIAS = "default"

__all__ = ["DEFAULT_CACHE_ALIAS", "DEFAULT_TIMEOUT", "BaseCache", "CacheError", "CacheHandler",
           "CacheUnavailable", "InvalidCacheBackendError", "InvalidCacheKey", "create_cache"]


def create_cache(params: Mapping[str, Any], *, data_dir: Path | str | None = None):
    """The backend object for one CACHES entry."""
    params = dict(params)
    try:
        dotted = params.pop("BACKEND")
    except KeyError:
        raise InvalidCacheBackendError("a CACHES entry needs a BACKEND") from None
    cls = import_string(dotted)
    kwargs = {"data_dir": data_dir} if "data_dir" in inspect.signature(cls).parameters else {}
    return cls(params.pop("LOCATION", ""), params, **kwargs)


class CacheHandler(Mapping):
    """caches["alias"]: the backend for that CACHES entry, made on first use, one per alias."""

    def __init__(self, settings: Mapping[str, Mapping[str, Any]], *,
                 data_dir: Path | str | None = None) -> None:
        self.settings = settings
        self.data_dir = data_dir
        self._caches: dict[str, Any] = {}

    def __getitem__(self, alias: str):
        try:
            return self._caches[alias]
        except KeyError:
            pass
        if alias not in self.settings:
            raise InvalidCacheBackendError(
                f"no cache {alias!r} in CACHES (configured: {', '.join(self.settings) or 'none'})")
        cache = self._caches[alias] = create_cache(self.settings[alias], data_dir=self.data_dir)
        return cache

    def __iter__(self) -> Iterator[str]:
        return iter(self.settings)

    def __len__(self) -> int:
        return len(self.settings)

    @property
    def default(self):
        return self[DEFAULT_CACHE_ALIAS]

    async def close(self) -> None:
        """Close every backend made so far (their connections)."""
        caches, self._caches = list(self._caches.values()), {}
        for cache in caches:
            await cache.close()
