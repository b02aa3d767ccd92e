"""A cache that counts the writes it is asked for: LocMemCache, plus a tally. The exercise's
tests (and the notebook) configure it in CACHES to check that an unchanged session costs
nothing:

    CACHES = {"default": {"BACKEND": "chapters.ch19_sessions.counting.CountingCache"}}
    app.caches["default"].writes      # set, add and delete calls so far
"""
from tornkit.cache.backends.locmem import LocMemCache


class CountingCache(LocMemCache):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.writes = 0
        self.reads = 0

    async def _get(self, key):
        self.reads += 1
        return await super()._get(key)

    async def _set(self, key, data, timeout):
        self.writes += 1
        return await super()._set(key, data, timeout)

    async def _add(self, key, data, timeout):
        self.writes += 1
        return await super()._add(key, data, timeout)

    async def _delete(self, key):
        self.writes += 1
        return await super()._delete(key)

    def ttl(self, key: str) -> float | None:
        """Seconds until the made key expires (None: never), for tests."""
        expires_at = self._cache[key][0]
        return None if expires_at is None else expires_at - self.clock()
