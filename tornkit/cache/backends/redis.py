"""Redis backends over redis-py's asyncio client: RedisClient (the raw client) and RedisCache
(the cache API), on one Redis server or on a Redis Cluster.

    CACHES = {
        "redis": {
            "BACKEND": "tornkit.cache.backends.redis.RedisCache",   # or .RedisClient
            "LOCATION": "127.0.0.1:6379",        # or redis://127.0.0.1:6379/0
            "OPTIONS": {"DB": 0,
                        "POOL_KWARGS": {"socket_timeout": 2, "socket_connect_timeout": 2},
                        "PING_INTERVAL": 120},
        },
        "cluster": {
            "BACKEND": "tornkit.cache.backends.redis.RedisCache",
            "LOCATION": "127.0.0.1:7000,127.0.0.1:7001",  # any nodes: the rest are discovered
            "OPTIONS": {"CLUSTER": True},
        },
    }

As tornadopy's README says: `RedisClient` gives you `.client`, the raw redis-py client, for
everything Redis can do (hashes, sorted sets, pub/sub); `RedisCache` is the same plus the cache
API that every backend shares, and has `.client` too.

tornadopy's OPTIONS, today: DB and POOL_KWARGS as before; PING_INTERVAL becomes redis-py's
health_check_interval (a PING before a command on a connection idle that long: no timer);
PARSER_CLASS is gone (redis-py picks its parser itself; hiredis when installed).
"""
from __future__ import annotations

import asyncio
from typing import Any

import redis.asyncio
import redis.exceptions
from redis.asyncio.cluster import ClusterNode, RedisCluster
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from tornkit.cache.base import MISSING, BaseCache, CacheError, CacheUnavailable

DOWN = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError,
        redis.exceptions.ClusterDownError, redis.exceptions.RedisClusterException,
        OSError, EOFError)
# The error replies of a server that answers but cannot serve: full (maxmemory with noeviction),
# a replica (READONLY), a replica cut off from its primary (MASTERDOWN).
REFUSING = (redis.exceptions.OutOfMemoryError, redis.exceptions.ReadOnlyError,
            redis.exceptions.MasterDownError)

# incr without creating the key: Redis's INCRBY alone would start a missing key at 0. One
# script runs atomically on the server, so 100 concurrent incr() lose nothing. In a cluster it
# runs on the node that owns the key (a script's keys must be in one slot: here, one key).
INCR = """
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
return redis.call('INCRBY', KEYS[1], ARGV[1])
"""


def parse_location(location: str) -> list[tuple[str, int]]:
    """"host:port", "redis://host:port/0" or several separated by commas -> [(host, port)]."""
    nodes = []
    for part in str(location or "127.0.0.1:6379").split(","):
        part = part.strip().removeprefix("redis://").split("/")[0]
        host, _, port = part.rpartition(":")
        if not host or not port.isdigit():
            raise CacheError(f"not a host:port Redis LOCATION: {part!r}")
        nodes.append((host, int(port)))
    return nodes


class RedisClient:
    """`.client`: a redis.asyncio.Redis (or RedisCluster), made on first use from LOCATION and
    OPTIONS (no connection is opened before a command needs one); `await close()`."""

    def __init__(self, location: str = "", params=None, **_ignored: Any) -> None:
        params = dict(params or {})
        options = dict(params.get("OPTIONS") or {})
        if "PARSER_CLASS" in options:
            raise CacheError("OPTIONS PARSER_CLASS is gone: redis-py chooses its parser itself "
                             "(hiredis when it is installed); remove the option")
        self.location = location
        self.nodes = parse_location(location)
        self.cluster = bool(options.get("CLUSTER"))
        self.where = (f"Redis Cluster at {location}" if self.cluster
                      else "Redis at %s:%s" % self.nodes[0])
        db = options.get("DB", 0)
        if not self.cluster and str(location).startswith("redis://"):
            path = str(location).split(",")[0].removeprefix("redis://").partition("/")[2]
            db = int(path) if path.isdigit() else db
        self._kwargs = {"socket_timeout": 2, "socket_connect_timeout": 2,
                        "health_check_interval": options.get("PING_INTERVAL", 0),
                        # one immediate retry on a fresh connection: after a restart the
                        # pooled connection is dead, a new one works
                        "retry": Retry(NoBackoff(), 1),
                        **dict(options.get("POOL_KWARGS") or {})}
        if not self.cluster:
            self._kwargs["db"] = db
        self.operation_timeout = float(options.get("OPERATION_TIMEOUT", 5))
        # At most MAX_CONNECTIONS commands in flight, so at most that many connections: the
        # 1,001st concurrent call waits for a free one (within OPERATION_TIMEOUT) instead of
        # opening a connection of its own, which Redis would refuse past its maxclients.
        self.max_connections = int(options.get("MAX_CONNECTIONS", 50))
        self._in_flight: asyncio.Semaphore | None = None
        self._client = None

    @property
    def client(self) -> redis.asyncio.Redis | RedisCluster:
        if self._client is None:
            if self.cluster:
                self._client = RedisCluster(
                    startup_nodes=[ClusterNode(h, p) for h, p in self.nodes], **self._kwargs)
            else:
                host, port = self.nodes[0]
                self._client = redis.asyncio.Redis(host=host, port=port, **self._kwargs)
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            await client.aclose()

    async def call(self, awaitable):
        """Await one call to Redis; down, refused or too slow is CacheUnavailable (a 503)."""
        if self._in_flight is None:
            self._in_flight = asyncio.Semaphore(self.max_connections)

        async def limited():
            started = False
            try:
                async with self._in_flight:
                    started = True
                    return await awaitable
            finally:
                if not started:
                    awaitable.close()  # timed out while waiting: never sent

        try:
            return await asyncio.wait_for(limited(), self.operation_timeout)
        except asyncio.TimeoutError:
            raise CacheUnavailable(f"{self.where} did not answer within "
                                   f"{self.operation_timeout} s") from None
        except DOWN as e:
            raise CacheUnavailable(f"{self.where} is unavailable: {e}") from None
        except REFUSING as e:  # the store's state, not the request's: a 503 that says so
            raise CacheUnavailable(f"{self.where} refuses the command: {e}") from None


class RedisCache(BaseCache, RedisClient):
    """The cache API on Redis: SET with PX (milliseconds) for timeouts, SET NX for add, a Lua
    script for incr, MGET for get_many (per slot on a cluster)."""

    def __init__(self, location: str = "", params=None, **kwargs: Any) -> None:
        BaseCache.__init__(self, location, params)
        RedisClient.__init__(self, location, params)
        self._incr_script = None

    # BaseCache comes first in the bases, and its close() releases nothing: the client's does.
    close = RedisClient.close

    @staticmethod
    def _px(timeout: float | None) -> int | None:
        return None if timeout is None else max(int(timeout * 1000), 1)

    async def _get(self, key):
        value = await self.call(self.client.get(key))
        return MISSING if value is None else value

    async def _set(self, key, data, timeout):
        await self.call(self.client.set(key, data, px=self._px(timeout)))

    async def _add(self, key, data, timeout):
        return bool(await self.call(self.client.set(key, data, px=self._px(timeout), nx=True)))

    async def _delete(self, key):
        return bool(await self.call(self.client.delete(key)))

    async def _has_key(self, key):
        return bool(await self.call(self.client.exists(key)))

    async def _incr(self, key, delta):
        if self._incr_script is None:
            self._incr_script = self.client.register_script(INCR)
        try:
            value = await self.call(self._incr_script(keys=[key], args=[delta]))
        except redis.exceptions.ResponseError as e:  # the value is not an integer
            raise TypeError(f"incr needs an int: {e}") from None
        return None if value is None else int(value)

    async def _get_many(self, keys):
        if not keys:
            return {}
        if self.cluster:  # one MGET per slot: a multi-key command must stay in one slot
            values = await self.call(self.client.mget_nonatomic(keys))
        else:
            values = await self.call(self.client.mget(keys))
        return {k: v for k, v in zip(keys, values) if v is not None}

    async def _set_many(self, items, timeout):
        if not items:
            return
        px = self._px(timeout)
        pipe = self.client.pipeline(transaction=False)  # one round trip (per node on a cluster)
        for key, data in items.items():
            pipe.set(key, data, px=px)
        await self.call(pipe.execute())

    async def _delete_many(self, keys):
        if keys:
            await self.call(self.client.delete(*keys))  # split per slot by the cluster client

    async def clear(self):
        """FLUSHDB, as Django's Redis backend does: it empties the whole database (every node
        of a cluster), not only this cache's keys. Give a cache a database of its own."""
        await self.call(self.client.flushdb())
