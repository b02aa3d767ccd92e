"""The CACHES entries of the chapter: one per backend, from the stores' URLs.

    CACHES = caches_for(redis_url="redis://127.0.0.1:6379/0",
                        memcached_url="memcached://127.0.0.1:11211",
                        cluster_url="127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002")

A store without a URL is left out: its pages answer 503 and say how to get one.
"""
from __future__ import annotations

BACKENDS = {  # alias -> what the pages call it
    "locmem": "local memory (this process)",
    "file": "files under data_dir/cache",
    "redis": "Redis",
    "memcached": "memcached",
    "cluster": "a Redis Cluster of three nodes",
    "dummy": "the dummy cache (stores nothing)",
}


def caches_for(*, redis_url: str | None = None, memcached_url: str | None = None,
               cluster_url: str | None = None, **common) -> dict:
    """CACHES for the given stores; `common` (TIMEOUT, KEY_PREFIX, ...) goes into every entry."""
    base = "tornkit.cache.backends."
    caches = {
        "default": {"BACKEND": base + "locmem.LocMemCache", **common},
        "locmem": {"BACKEND": base + "locmem.LocMemCache", **common},
        "file": {"BACKEND": base + "filebased.FileBasedCache", "LOCATION": "cache", **common},
        "dummy": {"BACKEND": base + "dummy.DummyCache", **common},
    }
    if redis_url:
        caches["redis"] = {"BACKEND": base + "redis.RedisCache", "LOCATION": redis_url,
                           **common}
    if memcached_url:
        caches["memcached"] = {"BACKEND": base + "memcached.MemcachedCache",
                               "LOCATION": memcached_url, **common}
    if cluster_url:
        caches["cluster"] = {"BACKEND": base + "redis.RedisCache", "LOCATION": cluster_url,
                             "OPTIONS": {"CLUSTER": True}, **common}
    return caches
