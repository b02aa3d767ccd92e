"""One contract, every backend: the same tests, unchanged, on local memory, files, Redis,
memcached and a Redis Cluster (real private servers from workbook.services), and a small one
for the dummy cache. A backend is correct when it passes them all."""
import asyncio
import dataclasses

import pytest

from tornkit.cache import create_cache
from tornkit.cache.backends.dummy import DummyCache

from chapters.ch18_caches.backends import caches_for

BACKENDS = ["locmem", "file", "redis", "memcached", "redis-cluster"]


@dataclasses.dataclass
class Clock:
    """Time for expiry tests: a fake clock for the backends that take one (instant), real
    seconds for the servers, which keep their own time (Redis counts milliseconds, memcached
    whole seconds: its entries expire on its next one-second tick after the TTL)."""

    ttl: float
    now: float | None = None  # None: real time

    def __call__(self) -> float:
        return self.now

    async def pass_ttl(self) -> None:
        if self.now is not None:
            self.now += self.ttl + 0.001
        else:
            await asyncio.sleep(self.ttl + 0.1)


@pytest.fixture
def clock(request):
    kind = request.node.callspec.params["kind"]
    return {"locmem": Clock(10, 1000.0), "file": Clock(10, 1.8e9), "redis": Clock(0.3),
            "redis-cluster": Clock(0.3), "memcached": Clock(2)}[kind]


def params_for(kind, request, tmp_path, **common):
    if kind == "redis":
        return caches_for(redis_url=request.getfixturevalue("redis_url"), **common)["redis"]
    if kind == "memcached":
        return caches_for(memcached_url=request.getfixturevalue("memcached_url"),
                          **common)["memcached"]
    if kind == "redis-cluster":
        return caches_for(cluster_url=request.getfixturevalue("redis_cluster_url"),
                          **common)["cluster"]
    return caches_for(**common)[kind]


@pytest.fixture
def make_cache(request, tmp_path, clock, io_loop):
    """make_cache(**params) -> a cache of the test's backend kind (TIMEOUT, KEY_PREFIX, ...)."""
    kind = request.node.callspec.params["kind"]
    made = []

    def make(**common):
        params = params_for(kind, request, tmp_path, **common)
        if clock.now is not None:
            params = {**params, "OPTIONS": {**params.get("OPTIONS", {}), "CLOCK": clock}}
        cache = create_cache(params, data_dir=tmp_path)
        made.append(cache)
        return cache

    yield make
    for cache in made:
        io_loop.run_sync(cache.close)


@pytest.fixture
def cache(make_cache):
    return make_cache()


backends = pytest.mark.parametrize("kind", BACKENDS)
VALUES = [5, 0, -3, 2**40, 3.25, "text", "héllo, 世界", "", True, None, [1, "two", None],
          {"user": "topaz", "cart": [{"item": "tea", "n": 2}], "admin": False}]


# --- get / set / add / delete ---------------------------------------------------------------
@pytest.mark.gen_test
@backends
@pytest.mark.parametrize("value", VALUES, ids=repr)
async def test_a_value_comes_back_as_it_went_in(cache, kind, value):
    await cache.set("key", value)
    got = await cache.get("key", default="missing")
    assert got == value and type(got) is type(value)


@pytest.mark.gen_test
@backends
async def test_a_missing_key_is_the_default(cache, kind):
    assert await cache.get("nothing") is None
    assert await cache.get("nothing", default=42) == 42
    assert not await cache.has_key("nothing")


@pytest.mark.gen_test
@backends
async def test_set_overwrites_and_add_does_not(cache, kind):
    assert await cache.add("key", "first") is True
    assert await cache.add("key", "second") is False
    assert await cache.get("key") == "first"
    await cache.set("key", "third")
    assert await cache.get("key") == "third"


@pytest.mark.gen_test
@backends
async def test_delete_says_whether_the_key_was_there(cache, kind):
    await cache.set("key", 1)
    assert await cache.has_key("key")
    assert await cache.delete("key") is True
    assert await cache.delete("key") is False
    assert await cache.get("key") is None


@pytest.mark.gen_test
@backends
async def test_a_value_json_cannot_hold_is_refused_and_changes_nothing(cache, kind):
    await cache.set("key", "kept")
    with pytest.raises(TypeError, match="cannot store set"):
        await cache.set("key", {1, 2})
    assert await cache.get("key") == "kept"


# --- incr / decr ----------------------------------------------------------------------------
@pytest.mark.gen_test
@backends
async def test_incr_and_decr(cache, kind):
    await cache.set("n", 10)
    assert await cache.incr("n") == 11
    assert await cache.incr("n", 5) == 16
    assert await cache.decr("n", 6) == 10
    assert await cache.get("n") == 10


@pytest.mark.gen_test
@backends
async def test_incr_of_a_missing_key_raises_and_creates_nothing(cache, kind):
    with pytest.raises(ValueError, match="'n' not found"):
        await cache.incr("n")
    with pytest.raises(ValueError):
        await cache.decr("n")
    assert not await cache.has_key("n")


@pytest.mark.gen_test
@backends
async def test_incr_is_atomic_under_100_concurrent_tasks(cache, kind):
    await cache.set("hits", 0)
    results = await asyncio.gather(*(cache.incr("hits") for _ in range(100)))
    assert await cache.get("hits") == 100
    assert sorted(results) == list(range(1, 101)), "each incr saw a value of its own"


# --- expiry ---------------------------------------------------------------------------------
@pytest.mark.gen_test(timeout=15)
@backends
async def test_an_entry_expires_after_its_timeout(cache, kind, clock):
    await cache.set("short", "lived", timeout=clock.ttl)
    await cache.set("forever", "kept", timeout=None)
    await cache.add("added", "too", timeout=clock.ttl)
    assert await cache.get("short") == "lived" and await cache.has_key("added")
    await clock.pass_ttl()
    assert await cache.get("short") is None
    assert not await cache.has_key("added")
    assert await cache.get("forever") == "kept"
    assert await cache.add("short", "again") is True, "an expired key can be added again"


@pytest.mark.gen_test(timeout=15)
@backends
async def test_the_configured_timeout_is_the_default(make_cache, kind, clock):
    cache = make_cache(TIMEOUT=clock.ttl)
    await cache.set("key", "value")
    await cache.set_many({"a": 1, "b": 2})
    await clock.pass_ttl()
    assert await cache.get("key") is None and await cache.get_many(["a", "b"]) == {}


@pytest.mark.gen_test
@backends
async def test_timeout_zero_expires_at_once(cache, kind):
    await cache.set("key", "old")
    await cache.set("key", "new", timeout=0)
    assert await cache.get("key") is None, "timeout=0 is 'already expired', not 'never'"
    await cache.set_many({"a": 1}, timeout=0)
    assert await cache.get_many(["a"]) == {}


@pytest.mark.gen_test
@backends
async def test_incr_keeps_the_expiry(cache, kind, clock):
    await cache.set("n", 1, timeout=clock.ttl)
    await cache.incr("n")
    await clock.pass_ttl()
    assert await cache.get("n") is None


# --- keys: prefix and version ---------------------------------------------------------------
@pytest.mark.gen_test
@backends
async def test_versions_are_separate_keys(cache, kind):
    await cache.set("key", "v1")
    await cache.set("key", "v2", version=2)
    assert await cache.get("key") == "v1"
    assert await cache.get("key", version=2) == "v2"
    assert await cache.get("key", version=3) is None
    await cache.delete("key", version=2)
    assert await cache.get("key") == "v1"


@pytest.mark.gen_test
@backends
async def test_a_new_version_setting_hides_every_old_entry(make_cache, kind):
    old, new = make_cache(VERSION=1), make_cache(VERSION=2)
    await old.set("page", "stale")
    assert await new.get("page") is None
    assert await old.get("page") == "stale"


@pytest.mark.gen_test
@backends
async def test_two_prefixes_share_a_store_without_sharing_keys(make_cache, kind):
    shop, blog = make_cache(KEY_PREFIX="shop"), make_cache(KEY_PREFIX="blog")
    await shop.set("front", "shop page")
    await blog.set("front", "blog page")
    assert await shop.get("front") == "shop page" and await blog.get("front") == "blog page"


# --- many at once ---------------------------------------------------------------------------
@pytest.mark.gen_test
@backends
async def test_get_set_delete_many(cache, kind):
    data = {f"user:{i}": {"id": i} for i in range(30)}
    assert await cache.set_many(data) == []
    got = await cache.get_many([*data, "user:missing"])
    assert got == data, "every key that is there, and none that is not"
    await cache.delete_many([f"user:{i}" for i in range(10)])
    assert sorted(await cache.get_many(data)) == sorted(f"user:{i}" for i in range(10, 30))
    assert await cache.get_many([]) == {}


@pytest.mark.gen_test
@backends
async def test_clear_empties_the_cache(cache, kind):
    await cache.set_many({"a": 1, "b": 2})
    await cache.clear()
    assert await cache.get_many(["a", "b"]) == {}


# --- the dummy cache: the same API, nothing kept ----------------------------------------------
@pytest.mark.gen_test
async def test_the_dummy_cache_accepts_everything_and_keeps_nothing():
    cache = DummyCache()
    await cache.set("key", "value")
    assert await cache.get("key", default="miss") == "miss"
    assert await cache.add("key", "value") is True
    assert not await cache.has_key("key") and await cache.delete("key") is False
    assert await cache.set_many({"a": 1}) == [] and await cache.get_many(["a"]) == {}
    with pytest.raises(ValueError):
        await cache.incr("key")
    await cache.clear()
    await cache.delete_many(["a"])


@pytest.mark.gen_test
async def test_the_dummy_cache_still_checks_what_it_is_given():
    cache = DummyCache()
    with pytest.raises(TypeError, match="cannot store"):
        await cache.set("key", object())
    with pytest.raises(TypeError, match="timeout must be seconds"):
        await cache.set("key", 1, timeout="soon")
