"""Chapter 18's app and the cache package on real stores: the registry per Application, the
original's bugs on naive.py, memcached's rules, pickle, stores that are down, and the Redis
Cluster (slots, nodes, a node's failure). The contract every backend passes is in
test_contract.py."""
import asyncio
import os
import pickle
import re
import signal
import threading
import time
import urllib.request

import psutil
import pytest
import redis
import redis.asyncio
import tornado.web
from redis.crc import key_slot

from chapters.ch18_caches import naive
from chapters.ch18_caches.app import make_app
from chapters.ch18_caches.backends import caches_for
from tornkit.application import Application
from tornkit.cache import (CacheError, CacheHandler, CacheUnavailable, InvalidCacheBackendError,
                           InvalidCacheKey, create_cache)
from tornkit.cache.backends.memcached import THIRTY_DAYS, exptime, memcached_key_error
from tornkit.cache.backends.redis import RedisCache
from tornkit.conf import Settings
from workbook import services
from workbook.net import free_port
from workbook.testing import start_app, stop_app


@pytest.fixture
def stores(redis_url, memcached_url, redis_cluster_url):
    return dict(redis_url=redis_url, memcached_url=memcached_url, cluster_url=redis_cluster_url)


@pytest.fixture
def app(stores, tmp_path, io_loop):
    app = make_app(data_dir=tmp_path, **stores)
    yield app
    io_loop.run_sync(app.close)


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.body.decode()))


ALIASES = ["locmem", "file", "redis", "memcached", "cluster"]


# --- The pages ------------------------------------------------------------------------------
@pytest.mark.gen_test
@pytest.mark.parametrize("alias", ALIASES)
async def test_the_counter_counts_on_every_cache(fetch, alias):
    for expected in (1, 2, 3):
        response = await fetch(f"/{alias}/counter")
        assert response.code == 200 and f"Visits counted in this cache: {expected}" in text(
            response)


@pytest.mark.gen_test
@pytest.mark.parametrize("alias", ALIASES)
async def test_the_slow_page_is_computed_once_then_read_from_the_cache(fetch, alias):
    first, second = [text(await fetch(f"/{alias}/primes?n=20000")) for _ in range(2)]
    assert "2262 primes below 20000, computed now" in first
    assert "2262 primes below 20000, from the cache" in second


@pytest.mark.gen_test
async def test_the_dummy_cache_computes_every_time_and_counts_nothing(fetch):
    for _ in range(2):
        assert "computed now" in text(await fetch("/dummy/primes?n=100"))
    assert "Not counted" in text(await fetch("/dummy/counter"))


@pytest.mark.gen_test
async def test_a_store_without_a_url_is_a_503_that_says_what_to_do(serve, http_client,
                                                                     tmp_path, monkeypatch):
    for variable in ("REDIS_URL", "MEMCACHED_URL", "REDIS_CLUSTER_URLS"):
        monkeypatch.delenv(variable, raising=False)
    base = serve(make_app(data_dir=tmp_path))
    response = await http_client.fetch(base + "/redis/counter", raise_error=False)
    assert response.code == 503
    assert response.body.decode() == ("503 Service Unavailable: no redis configured: "
                                      "`make chapter-18` starts a private one, or set "
                                      "REDIS_URL\n")


@pytest.mark.gen_test
async def test_bad_input_is_a_400_not_a_500(fetch):
    for query in ("n=x", "n=1", "n=10**9"):
        response = await fetch(f"/locmem/primes?{query}")
        assert response.code == 400 and b"n must be" in response.body


# --- The registry belongs to the Application ---------------------------------------------------
def test_each_application_has_its_own_caches():
    conf = Settings(CACHES=caches_for())
    one, two = Application([], conf=conf), Application([], conf=conf)
    assert one.caches is one.caches and one.caches["locmem"] is one.caches["locmem"]
    assert one.caches["locmem"] is not two.caches["locmem"]
    assert type(Application([]).caches["default"]).__name__ == "LocMemCache"  # the default


@pytest.mark.gen_test
async def test_two_applications_do_not_share_local_memory():
    conf = Settings(CACHES=caches_for())
    one, two = Application([], conf=conf), Application([], conf=conf)
    await one.caches["locmem"].set("who", "one")
    assert await two.caches["locmem"].get("who") is None  # tornadopy's were module globals


def test_an_unknown_alias_names_the_configured_ones():
    caches = CacheHandler(caches_for())
    with pytest.raises(InvalidCacheBackendError, match="no cache 'redis' in CACHES "
                                                       r"\(configured: default, locmem"):
        caches["redis"]
    with pytest.raises(InvalidCacheBackendError, match="cannot import 'no.such.Backend'"):
        CacheHandler({"x": {"BACKEND": "no.such.Backend"}})["x"]


@pytest.mark.gen_test
async def test_first_access_starts_no_timer_and_opens_no_connection(redis_url, memcached_url,
                                                                    tmp_path):
    loop = asyncio.get_running_loop()
    scheduled, tasks = len(loop._scheduled), asyncio.all_tasks()
    caches = CacheHandler(caches_for(redis_url=redis_url, memcached_url=memcached_url),
                          data_dir=tmp_path)
    for alias in caches:
        caches[alias]
    assert len(loop._scheduled) == scheduled and asyncio.all_tasks() == tasks
    # no connection until a command needs one
    assert caches["redis"]._client is None and caches["memcached"]._client is None
    await caches.close()


@pytest.mark.gen_test
async def test_the_naive_registry_starts_its_timer_on_a_loop_that_never_runs(redis_url):
    """tornadopy's first caches[alias] starts a PeriodicCallback on IOLoop.current(). From a
    worker thread (its own async_execute pool, say) that is a new loop nobody runs: the Redis
    ping never happens, and no error says so."""
    location = redis_url.removeprefix("redis://").split("/")[0]
    caches = naive.CacheHandler({"default": {"LOCATION": location,
                                             "OPTIONS": {"PING_INTERVAL": 120}}})
    found = {}
    thread = threading.Thread(target=lambda: found.update(cache=caches["default"]))
    thread.start()
    thread.join()
    timer = found["cache"].ping_timer
    try:
        assert timer.is_running()
        assert timer.io_loop.asyncio_loop is not asyncio.get_running_loop()
        assert not timer.io_loop.asyncio_loop.is_running()
    finally:
        timer.stop()
        timer.io_loop.close()


# --- B11: tornadopy's RedisCache cannot read back an int ------------------------------------
def test_the_naive_redis_cache_cannot_read_back_an_int(redis_url):
    location = redis_url.removeprefix("redis://").split("/")[0]
    cache = naive.RedisCache(location, {})
    cache.set("visits", {"count": 5})
    assert cache.get("visits") == {"count": 5}  # pickled, unpickled: fine
    cache.set("visits", 5)  # stored raw, as b"5", so that INCR works on it...
    with pytest.raises(pickle.UnpicklingError):
        cache.get("visits")  # ...and unpickled on the way back
    cache.client.close()


@pytest.mark.gen_test
async def test_the_same_int_round_trips_through_tornkit_and_incr_works_on_it(redis_url):
    cache = create_cache(caches_for(redis_url=redis_url)["redis"])
    await cache.set("visits", 5)
    assert await cache.get("visits") == 5
    assert await cache.client.get(":1:visits") == b"5"  # JSON's 5: Redis's INCRBY can use it
    assert await cache.incr("visits") == 6
    await cache.close()


# --- JSON by default, pickle by opt-in --------------------------------------------------------
class RunsCode:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):  # what pickle.loads calls: os.mkdir(path), harmless and visible
        return (os.mkdir, (self.path,))


@pytest.mark.gen_test
async def test_a_planted_pickle_runs_code_only_in_a_pickle_cache(redis_url, tmp_path):
    marker = tmp_path / "pwned"
    planted = pickle.dumps(RunsCode(str(marker)))
    json_cache = create_cache(caches_for(redis_url=redis_url)["redis"])
    pickle_cache = create_cache({**caches_for(redis_url=redis_url)["redis"],
                                 "OPTIONS": {"SERIALIZER": "pickle"}})
    await json_cache.client.set(":1:profile", planted)  # anyone who can write to the store
    with pytest.raises(ValueError):
        await json_cache.get("profile")  # not JSON: an error, nothing run
    assert not marker.exists()
    await pickle_cache.get("profile")
    assert marker.exists(), "unpickling what the store held ran os.mkdir: it could run anything"
    await json_cache.close()
    await pickle_cache.close()


@pytest.mark.gen_test
async def test_the_pickle_serializer_keeps_python_objects_and_plain_ints(redis_url):
    cache = create_cache({**caches_for(redis_url=redis_url)["redis"],
                          "OPTIONS": {"SERIALIZER": "pickle"}})
    await cache.set("when", {1, 2})
    await cache.set("n", 41)
    assert await cache.get("when") == {1, 2} and await cache.incr("n") == 42
    await cache.close()


# --- Keys -------------------------------------------------------------------------------------
def custom_key(key, prefix, version):
    return f"{prefix}/{key}@v{version}"


@pytest.mark.gen_test
async def test_key_function_and_key_types():
    cache = create_cache({"BACKEND": "tornkit.cache.backends.locmem.LocMemCache",
                          "KEY_PREFIX": "site",
                          "KEY_FUNCTION": "chapters.ch18_caches.test_app.custom_key"})
    assert cache.make_key("home") == "site/home@v1"
    await cache.set("home", "page")
    assert list(cache._cache) == ["site/home@v1"]
    with pytest.raises(InvalidCacheKey, match="cache keys are str, not int"):
        await cache.get(42)


# --- memcached's rules ------------------------------------------------------------------------
@pytest.mark.parametrize("key, rule", [
    ("k" * 248, "251 bytes long, and memcached keys are at most 250"),  # with ":1:", 251
    ("é" * 124, "251 bytes long"),  # bytes of UTF-8, not characters
    ("two words", "contains a space"),
    ("line\nbreak", r"control character '\\n'"),
    ("bell\x07", r"control character '\\x07'"),
])
@pytest.mark.gen_test
async def test_a_key_memcached_refuses_is_an_error_naming_the_rule(memcached_url, key, rule):
    cache = create_cache(caches_for(memcached_url=memcached_url)["memcached"])
    with pytest.raises(InvalidCacheKey, match=rule):
        await cache.set(key, 1)
    assert cache._client is None, "refused before anything was sent"
    await cache.close()


@pytest.mark.gen_test
async def test_the_longest_key_memcached_takes(memcached_url):
    cache = create_cache(caches_for(memcached_url=memcached_url)["memcached"])
    key = "k" * (250 - len(":1:"))
    assert memcached_key_error(cache.make_key(key)) is None
    await cache.set(key, "fits")
    assert await cache.get(key) == "fits"
    await cache.close()


def test_timeouts_beyond_30_days_become_unix_times():
    now = 1_800_000_000
    assert exptime(None, now) == 0  # memcached's "never"
    assert exptime(0.2, now) == 1  # whole seconds, never 0 (which would be "never")
    assert exptime(60, now) == 60
    assert exptime(THIRTY_DAYS, now) == THIRTY_DAYS
    assert exptime(THIRTY_DAYS + 1, now) == now + THIRTY_DAYS + 1


@pytest.mark.gen_test
async def test_a_31_day_entry_is_kept_and_the_raw_31_days_are_already_expired(memcached_url):
    cache = create_cache(caches_for(memcached_url=memcached_url)["memcached"])
    await cache.set("month", "kept", timeout=31 * 24 * 3600)
    assert await cache.get("month") == "kept"
    # The same 31 days sent as seconds: memcached reads 2678400 as a Unix time, in 1970.
    await cache.client.set(b"raw", b"1", exptime=31 * 24 * 3600)
    assert await cache.client.get(b"raw") is None
    await cache.close()


# --- A store that is down: a clear exception, a 503, never a hang --------------------------
@pytest.mark.gen_test(timeout=30)
async def test_a_killed_redis_is_cache_unavailable_naming_it():
    with services.Redis() as server:
        cache = create_cache(caches_for(redis_url=server.url)["redis"])
        await cache.set("k", 1)
        server.kill()
        with pytest.raises(CacheUnavailable, match=rf"Redis at 127.0.0.1:{server.port} is "
                                                   r"unavailable: Error 111 connecting"):
            await cache.get("k")
        server.start()
        await cache.set("k", 2)  # back: no restart of the app needed
        assert await cache.get("k") == 2
        await cache.close()


@pytest.mark.gen_test(timeout=30)
async def test_a_full_redis_is_cache_unavailable_and_still_answers_reads():
    with services.Redis() as server:
        cache = create_cache(caches_for(redis_url=server.url)["redis"])
        await cache.set("kept", 1)
        await cache.client.config_set("maxmemory-policy", "noeviction")
        await cache.client.config_set("maxmemory", "1")  # below what it already uses: full
        with pytest.raises(CacheUnavailable, match=rf"Redis at 127.0.0.1:{server.port} refuses "
                                                   r"the command: command not allowed when used memory"):
            await cache.set("k", "x" * 1000)
        assert await cache.get("kept") == 1  # a read needs no memory: still served
        await cache.close()


@pytest.mark.gen_test(timeout=30)
@pytest.mark.parametrize("kind", ["redis", "memcached"])
async def test_a_hung_store_is_cache_unavailable_after_its_timeout(kind):
    server_class = services.Redis if kind == "redis" else services.Memcached
    with server_class() as server:
        url = {"redis_url" if kind == "redis" else "memcached_url": server.url}
        cache = create_cache(caches_for(**url)[kind])
        await cache.set("k", 1)
        server.pause()  # accepts connections, never answers
        while psutil.Process(server.pid).status() != psutil.STATUS_STOPPED:
            await asyncio.sleep(0.01)  # SIGSTOP takes effect a moment later
        started = time.monotonic()
        try:
            with pytest.raises(CacheUnavailable, match=rf"127.0.0.1:{server.port}"):
                await cache.get("k")
        finally:
            server.resume()
        # Redis: 2 s of socket_timeout, twice (one retry); memcached: its 2 s timeout
        assert time.monotonic() - started < 5.5
        await cache.close()


@pytest.mark.gen_test(timeout=30)
async def test_a_killed_memcached_is_a_503_page_with_a_message(serve, http_client, tmp_path):
    with services.Memcached() as server:
        base = serve(make_app(data_dir=tmp_path, memcached_url=server.url))
        assert (await http_client.fetch(base + "/memcached/counter")).code == 200
        server.kill()
        response = await http_client.fetch(base + "/memcached/counter", raise_error=False)
        assert response.code == 503
        assert response.body.decode().startswith(
            f"503 Service Unavailable: memcached at 127.0.0.1:{server.port} is unavailable")


def test_cache_unavailable_is_an_http_503():
    error = CacheUnavailable("Redis at 127.0.0.1:1 is unavailable: refused")
    assert isinstance(error, tornado.web.HTTPError) and error.status_code == 503
    assert str(error) == "Redis at 127.0.0.1:1 is unavailable: refused"


# --- tornadopy's configuration, today ---------------------------------------------------------
@pytest.mark.gen_test
async def test_the_readme_redis_configuration_works_without_parser_class(redis_url):
    location = redis_url.removeprefix("redis://").split("/")[0]
    options = {"DB": 0, "POOL_KWARGS": {"socket_timeout": 2, "socket_connect_timeout": 2},
               "PING_INTERVAL": 120}
    client = create_cache({"BACKEND": "tornkit.cache.backends.redis.RedisClient",
                           "LOCATION": location, "OPTIONS": options})
    assert isinstance(client.client, redis.asyncio.Redis)  # the raw client, as the README says
    assert await client.client.hset("user:1", mapping={"name": "topaz"}) == 1
    kwargs = client.client.connection_pool.connection_kwargs
    assert kwargs["health_check_interval"] == 120 and kwargs["socket_timeout"] == 2
    await client.close()
    with pytest.raises(CacheError, match="PARSER_CLASS is gone"):
        create_cache({"BACKEND": "tornkit.cache.backends.redis.RedisCache", "LOCATION": location,
                      "OPTIONS": {**options, "PARSER_CLASS": "redis.connection.DefaultParser"}})


@pytest.mark.gen_test
async def test_the_file_cache_lives_under_data_dir(tmp_path):
    cache = create_cache(caches_for()["file"], data_dir=tmp_path)
    await cache.set("k", {"v": 1})
    [path] = (tmp_path / "cache").iterdir()
    assert path.suffix == ".cache" and path.read_bytes().endswith(b'\n{"v":1}')
    with pytest.raises(CacheError, match="relative and the application has no data_dir"):
        create_cache(caches_for()["file"])


# --- Redis Cluster: slots and nodes -----------------------------------------------------------
@pytest.fixture
def cluster_cache(redis_cluster_url, io_loop):
    cache = create_cache(caches_for(cluster_url=redis_cluster_url)["cluster"])
    yield cache
    io_loop.run_sync(cache.close)


def node_keys(cluster) -> dict[int, set[bytes]]:
    """{port: the keys that node holds}, asked of each node directly."""
    held = {}
    for node in cluster.nodes:
        with redis.Redis(host=node.host, port=node.port) as client:
            held[node.port] = set(client.keys("*"))
    return held


@pytest.mark.gen_test
async def test_keys_spread_over_the_nodes_by_slot(cluster_cache, redis_cluster):
    keys = [f"user:{i}" for i in range(60)]
    await cluster_cache.set_many({k: i for i, k in enumerate(keys)})
    held = node_keys(redis_cluster)
    assert sum(len(v) for v in held.values()) == 60 and all(held.values()), held
    client = cluster_cache.client
    for key in keys:
        made = cluster_cache.make_key(key)
        slot = key_slot(made.encode())  # CRC16(key) mod 16384
        assert await client.cluster_keyslot(made) == slot  # the server agrees: CLUSTER KEYSLOT
        assert made.encode() in held[client.get_node_from_key(made).port]


@pytest.mark.gen_test
async def test_hash_tags_put_related_keys_in_one_slot(cluster_cache):
    keys = ["{user:1}:cart", "{user:1}:profile", "{user:1}:visits"]
    assert len({key_slot(cluster_cache.make_key(k).encode()) for k in keys}) == 1
    assert len({key_slot(cluster_cache.make_key(f"user:1:{k}").encode())
                for k in ("cart", "profile", "visits")}) == 3


@pytest.mark.gen_test(timeout=60)
async def test_a_dead_node_fails_only_the_keys_of_its_slots(cluster_cache, redis_cluster):
    keys = [f"user:{i}" for i in range(30)]
    await cluster_cache.set_many({k: k for k in keys})
    dead = redis_cluster.nodes[0]
    on_dead = [k for k in keys
               if cluster_cache.client.get_node_from_key(cluster_cache.make_key(k)).port
               == dead.port]
    assert on_dead and len(on_dead) < len(keys)
    dead.kill()
    for key in keys:
        if key in on_dead:
            with pytest.raises(CacheUnavailable, match=rf"Error 111 connecting to "
                                                       rf"127.0.0.1:{dead.port}"):
                await cluster_cache.get(key)
        else:
            assert await cluster_cache.get(key) == key  # the other nodes still answer
    redis_cluster.start()  # the node comes back on its port, with its node table
    await cluster_cache.set(on_dead[0], "back")
    assert await cluster_cache.get(on_dead[0]) == "back"


# --- The app as `make chapter-18` runs it -------------------------------------------------------
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["Ctrl-C", "SIGTERM"])
def test_without_urls_the_app_runs_private_stores_and_removes_them_on_exit(sig):
    env = {k: v for k, v in os.environ.items()
           if k not in ("REDIS_URL", "MEMCACHED_URL", "REDIS_CLUSTER_URLS")}
    port = free_port()
    process = start_app("chapters.ch18_caches.app", port=port, env=env)
    try:
        children = psutil.Process(process.pid).children(recursive=True)
        workdirs = {os.path.dirname(f.path) for child in children for f in child.open_files()
                    if f.path.endswith("server.log")}
        # Redis, memcached, and the cluster's three nodes
        assert sorted(c.name() for c in children) == ["memcached"] + ["redis-server"] * 4
        assert len(workdirs) == 5, workdirs
        for alias in ("redis", "memcached", "cluster"):
            url = f"http://127.0.0.1:{port}/{alias}/counter"
            with urllib.request.urlopen(url, timeout=10) as response:
                assert b"Visits counted in this cache: <b>1</b>" in response.read()
    finally:
        code, out, err = stop_app(process, sig, timeout=20)
    assert code == 0 and "Traceback" not in err, err
    assert "Stopped." in out and "stopped the private cluster" in err
    assert not [c for c in children if c.is_running()], "a store outlived the app"
    assert workdirs and not [d for d in workdirs if os.path.exists(d)], workdirs


# --- Closing: the Application's close() releases every connection ----------------------------
def connected_clients(host, port) -> int:
    with redis.Redis(host=host, port=port, socket_timeout=5) as admin:
        return admin.info("clients")["connected_clients"] - 1  # not counting this one


@pytest.mark.gen_test
async def test_closing_a_redis_cache_closes_its_connections(redis_url, redis_cluster_url,
                                                           redis_cluster):
    node = redis_cluster.nodes[0]
    for params, (host, port) in [
            (caches_for(redis_url=redis_url)["redis"], services.host_port(redis_url, 6379)),
            (caches_for(cluster_url=redis_cluster_url)["cluster"], (node.host, node.port))]:
        before = connected_clients(host, port)
        cache = create_cache(params)
        await cache.set_many({f"k{i}": i for i in range(20)})  # keys on every cluster node
        assert connected_clients(host, port) > before
        await cache.close()
        assert connected_clients(host, port) == before, params["BACKEND"]
