"""Chapter 12, lesson section 0: the four stores the app serves its pages on, and where they come
from when it runs. KINDS names them (the URL prefix -> what the pages call it); provide_stores()
is what main() runs under: each store from its variable (REDIS_URL, MEMCACHED_URL,
REDIS_RING_URLS) if set, else a private server for as long as the app runs.
"""
import contextlib
from collections.abc import Iterator

from workbook import services

KINDS = {  # prefix -> what the pages call it
    "cache": "in-process cache (the notes' CacheSession)",
    "memcached": "memcached",
    "redis": "Redis",
    "ring": "three Redis servers, by consistent hashing",
}
RING_NAMES = ["redis-a", "redis-b", "redis-c"]


@contextlib.contextmanager
def provide_stores() -> Iterator[dict]:
    """make_app's keywords redis_url, memcached_url and ring_urls; the private servers among
    them are removed on the way out. A store that cannot start is a SystemExit that says why."""
    with contextlib.ExitStack() as stack:
        try:
            redis_url = stack.enter_context(services.provide("redis"))
            memcached_url = stack.enter_context(services.provide("memcached"))
            ring_urls = stack.enter_context(
                services.provide("redis", count=3, env="REDIS_RING_URLS", names=RING_NAMES))
        except services.ServiceError as e:
            raise SystemExit(f"chapter 12 needs its stores: {e}") from None
        yield {"redis_url": redis_url, "memcached_url": memcached_url,
               "ring_urls": dict(zip(RING_NAMES, ring_urls))}
