"""DummyCache: the cache API, storing nothing. For development and tests, where a page must
work (and be correct) with every get a miss.

    CACHES = {"default": {"BACKEND": "tornkit.cache.backends.dummy.DummyCache"}}
"""
from __future__ import annotations

from tornkit.cache.base import MISSING, BaseCache


class DummyCache(BaseCache):
    async def _get(self, key):
        return MISSING

    async def _set(self, key, data, timeout):
        pass

    async def _add(self, key, data, timeout):
        return True  # "stored", and forgotten at once

    async def _delete(self, key):
        return False

    async def _has_key(self, key):
        return False

    async def _incr(self, key, delta):
        return None  # never there: ValueError, as for any missing key

    async def clear(self):
        pass
