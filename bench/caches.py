"""Chapter 18: get_many of 100 keys against 100 gets, on Redis and memcached; incr on Redis from
1,000 concurrent tasks against the same 1,000 in sequence."""
from __future__ import annotations

import asyncio
import time

from chapters.ch18_caches.backends import caches_for
from tornkit.cache import create_cache
from workbook import services

KEYS = [f"item:{i}" for i in range(100)]
REPEAT = 20


async def best(make, repeat: int = REPEAT) -> float:
    """The fastest of `repeat` runs of the coroutine make() returns, in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        await make()
        times.append(time.perf_counter() - started)
    return min(times)


async def many_against_one_by_one(params: dict) -> tuple[float, float]:
    cache = create_cache(params)
    try:
        await cache.set_many({k: {"id": k, "price": 3} for k in KEYS})

        async def one_by_one():
            for key in KEYS:
                await cache.get(key)

        async def many():
            assert len(await cache.get_many(KEYS)) == len(KEYS)

        return await best(one_by_one), await best(many)
    finally:
        await cache.close()


async def incr(params: dict, n: int = 1000) -> tuple[int, float, int, float]:
    cache = create_cache(params)
    try:
        await cache.set("hits", 0)
        started = time.perf_counter()
        await asyncio.gather(*(cache.incr("hits") for _ in range(n)))
        concurrent = time.perf_counter() - started
        concurrent_count = await cache.get("hits")
        await cache.set("hits", 0)
        started = time.perf_counter()
        for _ in range(n):  # one at a time: one connection, one round trip after the other
            await cache.incr("hits")
        sequential = time.perf_counter() - started
        return concurrent_count, concurrent, await cache.get("hits"), sequential
    finally:
        await cache.close()


def rows() -> list:
    from bench.common import Row

    with services.Redis() as redis_server, services.Memcached() as memcached_server:
        caches = caches_for(redis_url=redis_server.url, memcached_url=memcached_server.url)
        results = {alias: asyncio.run(many_against_one_by_one(caches[alias]))
                   for alias in ("redis", "memcached")}
        count, concurrent, sequential_count, sequential = asyncio.run(incr(caches["redis"]))
    out = []
    for alias, title in (("redis", "Redis"), ("memcached", "memcached")):
        one_by_one, many = results[alias]
        ratio = one_by_one / many
        out.append(Row(f"{title}: get_many of 100 keys against 100 get (best of {REPEAT})",
                       f"{many * 1000:.2f} ms against {one_by_one * 1000:.2f} ms: {ratio:.1f}×",
                       "≥ 5×", ratio >= 5, "one round trip instead of a hundred"))
    out.append(Row("Redis: incr from 1,000 concurrent tasks (at most 50 connections)",
                   f"count {count} in {concurrent:.3f} s", "count exactly 1000",
                   count == 1000 and sequential_count == 1000,
                   f"the same 1,000 one after the other on one connection: count "
                   f"{sequential_count} in {sequential:.3f} s. Each incr is one Lua script, "
                   "atomic on the server: no count is lost either way"))
    return out


if __name__ == "__main__":
    for row in rows():
        print(row)
