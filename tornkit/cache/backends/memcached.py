"""MemcachedCache over aiomcache.

    CACHES = {"memcached": {"BACKEND": "tornkit.cache.backends.memcached.MemcachedCache",
                            "LOCATION": "127.0.0.1:11211"}}

memcached's own rules, checked before anything is sent, each a clear InvalidCacheKey:
- a key is at most 250 bytes (of UTF-8), with no spaces and no control characters: the text
  protocol separates words with spaces and ends lines with \\r\\n;
- an expiry time of more than 30 days (2,592,000 s) is read by memcached as a Unix time, not a
  number of seconds: exptime() turns long timeouts into absolute times, or "in 31 days" would
  mean "in 1970", which is "already expired".

aiomcache speaks bytes: keys are encoded here, values are the serializer's bytes. It has no
timeouts of its own, so every call is wrapped in one (OPTIONS OPERATION_TIMEOUT, 2 s), and a
call cut short drops the pool's connections (one may hold half an answer).
"""
from __future__ import annotations

import asyncio
import time
import unicodedata

import aiomcache
import aiomcache.exceptions

from tornkit.cache.base import MISSING, BaseCache, CacheUnavailable, InvalidCacheKey

MAX_KEY_LENGTH = 250
THIRTY_DAYS = 30 * 24 * 60 * 60  # memcached's limit for a relative expiry time
DOWN = (aiomcache.exceptions.ClientException, OSError, EOFError)


def exptime(timeout: float | None, now: float | None = None) -> int:
    """memcached's exptime for a timeout in seconds: 0 is "never expires"; up to 30 days a
    number of seconds; beyond, the Unix time when it expires."""
    if timeout is None:
        return 0
    seconds = max(int(round(timeout)), 1)  # memcached counts whole seconds; 0 would be never
    if seconds > THIRTY_DAYS:
        return int(time.time() if now is None else now) + seconds
    return seconds


def memcached_key_error(key: str) -> str | None:
    """Why memcached cannot take this key, or None."""
    size = len(key.encode())
    if size > MAX_KEY_LENGTH:
        return f"it is {size} bytes long, and memcached keys are at most {MAX_KEY_LENGTH}"
    for ch in key:
        if ch == " ":
            return "it contains a space, and memcached keys cannot"
        if unicodedata.category(ch) == "Cc":
            return f"it contains the control character {ch!r}, and memcached keys cannot"
    return None


class MemcachedCache(BaseCache):
    def __init__(self, location: str = "", params=None, **_ignored) -> None:
        super().__init__(location, params)
        host, _, port = str(location or "127.0.0.1:11211").removeprefix(
            "memcached://").rpartition(":")
        self.host, self.port = host, int(port)
        self.where = f"memcached at {self.host}:{self.port}"
        self.operation_timeout = float(self.options.get("OPERATION_TIMEOUT", 2))
        self.pool_size = int(self.options.get("POOL_SIZE", 4))
        self._client: aiomcache.Client | None = None

    @property
    def client(self) -> aiomcache.Client:
        if self._client is None:  # no connection until a command needs one
            self._client = aiomcache.Client(self.host, self.port, pool_size=self.pool_size,
                                            pool_minsize=1)
        return self._client

    def validate_key(self, key: str) -> None:
        problem = memcached_key_error(key)
        if problem:
            raise InvalidCacheKey(f"memcached cannot store the key {key[:60]!r}"
                                  f"{'...' if len(key) > 60 else ''}: {problem}")

    async def call(self, awaitable):
        try:
            return await asyncio.wait_for(awaitable, self.operation_timeout)
        except asyncio.TimeoutError:
            await self.client.close()
            raise CacheUnavailable(f"{self.where} did not answer within "
                                   f"{self.operation_timeout} s") from None
        except aiomcache.exceptions.ValidationException as e:
            raise InvalidCacheKey(f"memcached refused it: {e}") from None
        except DOWN as e:
            await self.client.close()
            raise CacheUnavailable(f"{self.where} is unavailable: {e or type(e).__name__}"
                                   ) from None

    async def close(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            await client.close()

    async def _get(self, key):
        value = await self.call(self.client.get(key.encode()))
        return MISSING if value is None else value

    async def _set(self, key, data, timeout):
        await self.call(self.client.set(key.encode(), data, exptime=exptime(timeout)))

    async def _add(self, key, data, timeout):
        return await self.call(self.client.add(key.encode(), data, exptime=exptime(timeout)))

    async def _delete(self, key):
        return await self.call(self.client.delete(key.encode()))

    async def _has_key(self, key):
        return await self._get(key) is not MISSING

    async def _incr(self, key, delta):
        # memcached's incr and decr are atomic on the server. A missing key answers NOT_FOUND,
        # a value that is not digits CLIENT_ERROR: aiomcache raises ClientException for both.
        command = self.client.incr if delta >= 0 else self.client.decr

        async def incr():
            try:
                return await command(key.encode(), abs(delta))
            except aiomcache.exceptions.ClientException as e:
                answer = str(e)  # "Memcached b'incr' command failed: bytearray(b'NOT_FOUND')"
                if "NOT_FOUND" in answer:
                    return None
                if "CLIENT_ERROR" in answer:
                    return TypeError(f"incr needs an int: {answer}")
                raise

        value = await self.call(incr())
        if isinstance(value, TypeError):
            raise value
        return value

    async def _get_many(self, keys):
        if not keys:
            return {}
        values = await self.call(self.client.multi_get(*(k.encode() for k in keys)))
        return {k: v for k, v in zip(keys, values) if v is not None}

    async def _set_many(self, items, timeout):
        expiry = exptime(timeout)
        await self.call(asyncio.gather(*(self.client.set(k.encode(), v, exptime=expiry)
                                         for k, v in items.items())))

    async def _delete_many(self, keys):
        await self.call(asyncio.gather(*(self.client.delete(k.encode()) for k in keys)))

    async def clear(self):
        await self.call(self.client.flush_all())
