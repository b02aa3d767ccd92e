"""Chapter 12's app on real stores (private Redis and memcached servers): the session component
on four backends, the attacks on the naive sessions, consistent hashing, and outages."""
import asyncio
import json
import os
import pickle
import re
import signal
import urllib.request
from http.cookies import SimpleCookie

import aiomcache
import psutil
import pytest
import redis.asyncio
import tornado.httpserver
import tornado.testing
import tornado.web

from chapters.ch12_session import naive
from chapters.ch12_session.app import BaseHandler, make_app
from chapters.ch12_session.session import (SESSION_ID, CacheSession, Foo, HashRing,
                                           MemcachedSession, ModuloRouter, SessionFactory,
                                           create_session_id, memcached_backend, moved)
from workbook import services
from workbook.net import free_port
from workbook.testing import CookieClient, start_app, stop_app

KINDS = ["cache", "memcached", "redis", "ring"]


@pytest.fixture
def stores(redis_url, memcached_url, redis_ring_urls):
    return dict(redis_url=redis_url, memcached_url=memcached_url, ring_urls=redis_ring_urls)


@pytest.fixture
def app(stores, io_loop):
    app = make_app(**stores)
    yield app
    io_loop.run_sync(app.close)


class Visitor(CookieClient):
    """workbook.testing.CookieClient, with the session id at hand, and forms posted with an XSRF
    pair of the test's own (cookie and field "t"), so that a test may post before any page."""

    def __init__(self, http_client, base_url):
        super().__init__(http_client, base_url)
        self.cookies["_xsrf"] = "t"

    def post(self, path, **form):
        return super().post(path, form)

    @property
    def session_id(self):
        return self.cookies.get("__sessionId__")


# Not `visitor`: that is the Playwright fixture of the root conftest.py (a real Chromium).
@pytest.fixture
def visitor(http_client, base_url):
    return Visitor(http_client, base_url)


@pytest.fixture
def another_visitor(http_client, base_url):
    return Visitor(http_client, base_url)


def visits(response) -> int:
    page = response if isinstance(response, str) else response.body.decode()
    return int(re.search(r"Visits in this session: (\d+)", page)[1])


def who(response) -> str:
    return re.search(r'<p id="who">(.*?)</p>', response.body.decode(), re.S)[1]


# --- 1 and 2: __getitem__ and initialize ------------------------------------------------------
def test_indexing_an_object_calls_its_dunder_methods():
    obj = Foo()
    result = obj["k1"]
    obj["k2"] = "wupeiqi"
    del obj["k1"]
    assert result is None  # the notes' __getitem__ only prints
    assert obj.calls == [("__getitem__", "k1"), ("__setitem__", "k2", "wupeiqi"),
                         ("__delitem__", "k1")]


@pytest.mark.gen_test
async def test_initialize_runs_before_prepare_and_prepare_before_get(serve, http_client):
    steps = []

    class Probe(BaseHandler):
        def initialize(self, session_type=None):
            super().initialize(session_type)
            steps.append(f"initialize({self.session_type})")

        async def prepare(self):
            steps.append("prepare starts")
            await super().prepare()
            steps.append(f"prepare loaded {type(self.session).__name__}")

        def get(self):
            steps.append("get")
            self.write("ok")

    base = serve(tornado.web.Application([(r"/", Probe, {"session_type": "cache"})],
                                         session_type="cache", session_ttl=60,
                                         session_timeout=1))
    await http_client.fetch(base + "/")
    assert steps == ["initialize(cache)", "prepare starts", "prepare loaded CacheSession", "get"]


def test_the_factory_chooses_the_class_by_session_type():
    class Application:
        redis = ("client", "where")

    class Handler:
        settings = {"session_ttl": 60, "session_timeout": 1}
        application = Application()
        cookie_path = "/"

    handler = Handler()
    for session_type, name in [("cache", "CacheSession"), ("redis", "RedisSession")]:
        handler.session_type = session_type
        assert type(SessionFactory.get_session_obj(handler)).__name__ == name
    handler.session_type = "mongo"
    with pytest.raises(ValueError, match="unknown session_type 'mongo'"):
        SessionFactory.get_session_obj(handler)


# --- 3. session: the same behaviour on every store --------------------------------------------
@pytest.mark.gen_test
@pytest.mark.parametrize("kind", KINDS)
async def test_the_session_counts_visits(visitor, another_visitor, kind):
    for expected in (1, 2, 3):
        assert visits(await visitor.get(f"/{kind}/")) == expected
    assert visits(await another_visitor.get(f"/{kind}/")) == 1  # a session of its own


@pytest.mark.gen_test
@pytest.mark.parametrize("kind", KINDS)
async def test_log_in_and_out(visitor, kind):
    response = await visitor.post(f"/{kind}/login", username="topaz", password="wrong")
    assert response.code == 403 and "wrong username or password" in response.body.decode()
    response = await visitor.post(f"/{kind}/login", username="topaz", password="tornado")
    assert response.code == 302 and response.headers["Location"] == f"/{kind}/"
    assert "Logged in as <b>topaz</b>" in who(await visitor.get(f"/{kind}/"))
    response = await visitor.post(f"/{kind}/logout")
    assert response.code == 302 and visitor.session_id is None
    assert who(await visitor.get(f"/{kind}/")).startswith("Not logged in")


@pytest.mark.gen_test
@pytest.mark.parametrize("kind", KINDS)
async def test_login_gives_a_new_session_id(visitor, another_visitor, kind):
    # The attacker gets a valid session id, and plants it in the victim's visitor.
    await another_visitor.get(f"/{kind}/")
    planted = another_visitor.session_id
    visitor.cookies["__sessionId__"] = planted
    assert visits(await visitor.get(f"/{kind}/")) == 2  # the victim now shares it...
    await visitor.post(f"/{kind}/login", username="topaz", password="tornado")
    assert visitor.session_id != planted  # ...until login: a new id
    assert "Logged in as <b>topaz</b>" in who(await visitor.get(f"/{kind}/"))
    # The attacker's copy of the old id is worth nothing: the store forgot it.
    response = await another_visitor.get(f"/{kind}/")
    assert who(response).startswith("Not logged in") and visits(response) == 1


@pytest.mark.gen_test
async def test_session_fixation_works_against_the_notes_cache_session(
        serve, http_client):
    base = serve(naive.make_app())
    attacker, victim = Visitor(http_client, base), Visitor(http_client, base)
    await attacker.get("/notes/")
    victim.cookies["__sessionId__"] = attacker.session_id  # planted
    await victim.post("/notes/login", username="topaz", password="tornado")
    assert victim.session_id == attacker.session_id  # the notes keep the id at login
    assert (await attacker.get("/notes/")).body == b"user: topaz"  # the attacker is topaz


@pytest.mark.gen_test
@pytest.mark.parametrize("kind", KINDS)
async def test_the_cookie_is_httponly_samesite_and_scoped_to_its_store(visitor, kind):
    await visitor.get(f"/{kind}/")
    [header] = [h for h in visitor.set_cookies if h.startswith("__sessionId__=")]
    morsel = SimpleCookie(header)["__sessionId__"]
    assert morsel["httponly"] and morsel["samesite"] == "Lax"
    assert morsel["path"] == f"/{kind}/" and morsel["max-age"] == "1800"
    assert not morsel["secure"]  # plain http here; over https the app adds Secure


def test_session_ids_come_from_secrets():
    ids = {create_session_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(SESSION_ID.fullmatch(i) for i in ids)  # 43 URL-safe characters: 256 bits


@pytest.mark.gen_test
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("cookie", ["has spaces in it", "x" * 300, "ab\\x00cd", "é" * 43],
                         ids=["spaces", "300 chars", "backslash", "non-ascii"])
async def test_a_malformed_session_cookie_is_a_new_session_not_an_error(visitor, kind, cookie):
    response = await visitor.fetch(f"/{kind}/", cookies={"__sessionId__": cookie})
    assert response.code == 200 and visits(response) == 1
    assert visitor.session_id != cookie


@pytest.mark.gen_test
@pytest.mark.parametrize("kind", KINDS)
async def test_an_unknown_session_id_is_a_new_session(visitor, kind):
    unknown = create_session_id()
    response = await visitor.fetch(f"/{kind}/", cookies={"__sessionId__": unknown})
    assert visits(response) == 1 and visitor.session_id != unknown


# --- Where the data is, and for how long --------------------------------------------------------
@pytest.mark.gen_test
async def test_redis_keeps_the_session_as_json_with_a_ttl(visitor, redis_url):
    await visitor.get("/redis/")
    client = redis.asyncio.Redis.from_url(redis_url)
    try:
        key = f"session:{visitor.session_id}"
        assert json.loads(await client.get(key)) == {"visits": 1}
        assert 1790 <= await client.ttl(key) <= 1800  # Redis deletes it after 30 minutes
    finally:
        await client.aclose()


async def memcached_meta(url, key):
    """memcached's meta get, `mg <key> t v`: the remaining TTL and the value."""
    host, port = services.host_port(url, 11211)
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(f"mg {key} t v\r\n".encode())
    header = (await reader.readline()).decode().split()
    value = await reader.readline() if header[0] == "VA" else None
    writer.close()
    await writer.wait_closed()
    return header, value


@pytest.mark.gen_test
async def test_memcached_keeps_the_session_as_json_with_a_ttl(visitor, memcached_url):
    await visitor.get("/memcached/")
    header, value = await memcached_meta(memcached_url, f"session:{visitor.session_id}")
    assert header[0] == "VA" and json.loads(value) == {"visits": 1}
    ttl = int(next(flag[1:] for flag in header if flag.startswith("t")))
    assert 1790 <= ttl <= 1800


@pytest.mark.gen_test
async def test_the_cache_session_expires_on_the_server(visitor, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(CacheSession, "clock", staticmethod(lambda: now[0]))
    await visitor.get("/cache/")
    now[0] += 1799
    assert visits(await visitor.get("/cache/")) == 2  # each save starts the 30 minutes again
    now[0] += 1801
    assert visits(await visitor.get("/cache/")) == 1  # expired: a new session
    assert all(at > now[0] for at, _ in CacheSession.session_container.values()), (
        "expired sessions are purged, not kept for ever as in the notes")


@pytest.mark.gen_test
async def test_a_pickled_session_runs_code_in_the_naive_store(serve, http_client, redis_url,
                                                                tmp_path):
    marker = tmp_path / "pwned"
    session_id = create_session_id()
    await plant(redis_url, session_id, pickle.dumps(RunsCode(str(marker))))
    base = serve(naive.make_app(redis_url))
    await http_client.fetch(base + "/pickle/", headers={"Cookie": f"__sessionId__={session_id}"},
                            raise_error=False)
    assert marker.exists(), "loading the pickle ran os.mkdir: it could have run anything"


@pytest.mark.gen_test
async def test_the_same_pickle_is_only_bad_data_to_the_app(visitor, redis_url, tmp_path):
    marker = tmp_path / "pwned"
    session_id = create_session_id()
    await plant(redis_url, session_id, pickle.dumps(RunsCode(str(marker))))
    response = await visitor.fetch("/redis/", cookies={"__sessionId__": session_id})
    assert response.code == 200 and visits(response) == 1  # not JSON: a new session
    assert not marker.exists()


class RunsCode:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):  # what pickle.loads calls: here os.mkdir(path), harmless and visible
        return (os.mkdir, (self.path,))


async def plant(redis_url, session_id, value):
    client = redis.asyncio.Redis.from_url(redis_url)
    try:
        await client.set(f"session:{session_id}", value)
    finally:
        await client.aclose()


# --- 4. 分布性session: the ring -----------------------------------------------------------------
@pytest.mark.gen_test(timeout=20)
async def test_ring_sessions_live_on_the_server_the_ring_names(http_client, base_url, app,
                                                               redis_ring_urls):
    ring = app.ring.hash_ring
    visitors = [Visitor(http_client, base_url) for _ in range(30)]
    for b in visitors:
        response = await b.get("/ring/")
        assert f"<b>{ring.node_for(b.session_id)}</b>" in response.body.decode()
    clients = {name: redis.asyncio.Redis.from_url(url) for name, url in redis_ring_urls.items()}
    try:
        for b in visitors:
            key = f"session:{b.session_id}"
            holders = [name for name, client in clients.items() if await client.exists(key)]
            assert holders == [ring.node_for(b.session_id)]
        counts = {name: await client.dbsize() for name, client in clients.items()}
    finally:
        for client in clients.values():
            await client.aclose()
    assert sum(counts.values()) == 30 and all(counts.values()), counts  # spread over all three


KEYS = [f"session-{i}" for i in range(10_000)]


def test_adding_a_node_moves_a_quarter_of_the_keys_on_the_ring_and_most_by_modulo():
    three, four = ["node-a", "node-b", "node-c"], ["node-a", "node-b", "node-c", "node-d"]
    on_ring = moved(KEYS, HashRing(three), HashRing(four))
    by_modulo = moved(KEYS, ModuloRouter(three), ModuloRouter(four))
    assert 0.15 < on_ring < 0.35  # ideally 1/4: the new node's share, taken from the others
    assert by_modulo > 0.60  # ideally 3/4: a key stays only where h % 3 == h % 4


def test_keys_move_only_to_the_new_node():
    before, after = HashRing(["node-a", "node-b", "node-c"]), HashRing(["node-a", "node-b",
                                                                         "node-c", "node-d"])
    destinations = {after.node_for(k) for k in KEYS if before.node_for(k) != after.node_for(k)}
    assert destinations == {"node-d"}


def test_virtual_nodes_even_out_the_shares():
    def shares(replicas):
        ring = HashRing(["node-a", "node-b", "node-c"], replicas=replicas)
        counts = {}
        for k in KEYS:
            counts[ring.node_for(k)] = counts.get(ring.node_for(k), 0) + 1
        return sorted(c / len(KEYS) for c in counts.values())

    assert all(0.28 < share < 0.39 for share in shares(160))
    assert max(shares(1)) - min(shares(1)) > max(shares(160)) - min(shares(160))


# --- Outages: 503, never a hang or a traceback; recovery without a restart -------------------
@pytest.mark.gen_test
@pytest.mark.parametrize("kind, env, message", [
    ("redis", "REDIS_URL", "no Redis configured"),
    ("memcached", "MEMCACHED_URL", "no memcached configured"),
    ("ring", "REDIS_RING_URLS", "no Redis ring configured"),
])
async def test_no_store_configured_is_a_503_that_says_what_to_do(serve, http_client, monkeypatch,
                                                                 kind, env, message):
    for name in ("REDIS_URL", "MEMCACHED_URL", "REDIS_RING_URLS"):
        monkeypatch.delenv(name, raising=False)
    base = serve(make_app())
    response = await http_client.fetch(f"{base}/{kind}/", raise_error=False)
    assert response.code == 503
    assert f"{message}: `make chapter-12` starts a private one, or set {env}" in (
        response.body.decode())
    assert (await http_client.fetch(f"{base}/cache/")).code == 200  # the cache needs no server


@pytest.mark.gen_test
@pytest.mark.parametrize("kind, title", [("redis", "Redis"), ("memcached", "memcached"),
                                         ("ring", "Redis redis-")])
async def test_a_store_that_refuses_is_a_503(serve, http_client, kind, title):
    port = free_port()  # nobody listens there
    base = serve(make_app(redis_url=f"redis://127.0.0.1:{port}/0",
                          memcached_url=f"memcached://127.0.0.1:{port}",
                          ring_urls=[f"redis://127.0.0.1:{port}/0"] * 3))
    response = await http_client.fetch(f"{base}/{kind}/", raise_error=False,
                                       headers={"Cookie": f"__sessionId__={create_session_id()}"})
    assert response.code == 503
    assert re.search(rf"503 Service Unavailable: {title}\S* at 127.0.0.1:{port} is unavailable",
                     response.body.decode()), response.body


@pytest.fixture(scope="module")
def own_stores():
    """Servers of this module's own, for the tests that pause and kill them."""
    with services.Redis() as r, services.Memcached() as m:
        yield {"redis": r, "memcached": m}


@pytest.mark.gen_test(timeout=20)
@pytest.mark.parametrize("kind", ["redis", "memcached"])
async def test_a_hung_store_is_a_503_after_the_timeout(serve, http_client, own_stores, kind):
    server = own_stores[kind]
    base = serve(make_app(redis_url=own_stores["redis"].url,
                          memcached_url=own_stores["memcached"].url, session_timeout=0.5))
    b = Visitor(http_client, base)
    assert visits(await b.get(f"/{kind}/")) == 1
    server.pause()
    try:
        response = await b.get(f"/{kind}/")
    finally:
        server.resume()
    assert response.code == 503 and "did not answer within 0.5 s" in response.body.decode()
    assert visits(await b.get(f"/{kind}/")) == 2  # the session was kept; the client recovered


async def until_ok(request, deadline=5.0):
    loop = asyncio.get_running_loop()
    end, seen = loop.time() + deadline, []
    while loop.time() < end:
        response = await request()
        seen.append(response.code)
        if response.code == 200:
            break
        await asyncio.sleep(0.1)
    return seen


@pytest.mark.gen_test(timeout=30)
@pytest.mark.parametrize("kind", ["redis", "memcached"])
async def test_the_app_recovers_when_the_store_is_killed_and_restarted(serve, http_client,
                                                                       own_stores, kind):
    server = own_stores[kind]
    base = serve(make_app(redis_url=own_stores["redis"].url,
                          memcached_url=own_stores["memcached"].url))
    b = Visitor(http_client, base)
    assert visits(await b.get(f"/{kind}/")) == 1
    server.kill()
    try:
        down = await asyncio.gather(*[b.get(f"/{kind}/") for _ in range(3)])
        assert [r.code for r in down] == [503] * 3
        assert all(b"is unavailable" in r.body for r in down)
    finally:
        server.start()
    seen = await until_ok(lambda: b.get(f"/{kind}/"))
    assert seen[-1] == 200, f"no recovery within 5 s: {seen}"
    # The session is gone, as the lesson says (the private servers keep nothing on disk): the
    # first visit after the restart counted 1, so this one counts 2, not 3.
    assert visits(await b.get(f"/{kind}/")) == 2


@pytest.fixture(scope="module")
def own_ring():
    with services.Redis() as a, services.Redis() as b, services.Redis() as c:
        yield {"redis-a": a, "redis-b": b, "redis-c": c}


@pytest.mark.gen_test(timeout=30)
async def test_a_dead_ring_server_fails_only_its_own_sessions(serve, http_client, own_ring):
    app = make_app(ring_urls={name: server.url for name, server in own_ring.items()})
    base = serve(app)
    # Session ids are random: make visitors until every server holds at least two sessions.
    node_of = {}
    while min(list(node_of.values()).count(name) for name in own_ring) < 2:
        assert len(node_of) < 200, f"the ring never spread sessions over all servers: {node_of}"
        b = Visitor(http_client, base)
        await b.get("/ring/")
        node_of[b] = app.ring.hash_ring.node_for(b.session_id)
    visitors = list(node_of)
    own_ring["redis-b"].kill()
    try:
        for b in visitors:
            response = await b.get("/ring/")
            if node_of[b] == "redis-b":
                assert response.code == 503 and b"Redis redis-b at" in response.body
            else:
                assert response.code == 200 and visits(response) == 2
    finally:
        own_ring["redis-b"].start()
    for b in visitors:
        if node_of[b] == "redis-b":
            seen = await until_ok(lambda: b.get("/ring/"))
            assert seen[-1] == 200, seen  # back, with a new session: redis-b kept nothing


# --- The embedded default, and REDIS_URL & co., as `make chapter-12` runs them ----------------
def visit(port, path, cookie=None):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}",
                                     headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read().decode()
        cookies = [h.split(";")[0] for h in response.headers.get_all("Set-Cookie") or []]
        return visits(body), cookies


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["Ctrl-C", "SIGTERM"])
def test_without_urls_the_app_runs_private_stores_and_removes_them_on_exit(sig):
    env = {k: v for k, v in os.environ.items()
           if k not in ("REDIS_URL", "MEMCACHED_URL", "REDIS_RING_URLS")}
    port = free_port()
    process = start_app("chapters.ch12_session.app", port=port, env=env)
    try:
        children = psutil.Process(process.pid).children(recursive=True)
        # Each server writes its log (stdout) into its data directory.
        workdirs = {os.path.dirname(f.path) for child in children for f in child.open_files()
                    if f.path.endswith("server.log")}
        assert len(workdirs) == 5, workdirs
        assert sorted(c.name() for c in children) == ["memcached"] + ["redis-server"] * 4
        for kind in KINDS:
            assert visit(port, f"/{kind}/")[0] == 1
    finally:
        code, out, err = stop_app(process, sig, timeout=20)
    assert code == 0 and "Traceback" not in err, err
    assert "Stopped." in out
    assert not [c for c in children if c.is_running()], "a store outlived the app"
    assert workdirs and not [d for d in workdirs if os.path.exists(d)], workdirs


def test_two_app_processes_share_redis_sessions_but_not_the_cache(redis_url, memcached_url,
                                                                   redis_ring_urls):
    env = {**os.environ, "REDIS_URL": redis_url, "MEMCACHED_URL": memcached_url,
           "REDIS_RING_URLS": ",".join(redis_ring_urls.values())}
    ports = [free_port(), free_port()]
    processes = [start_app("chapters.ch12_session.app", port=port, env=env) for port in ports]
    try:
        assert not psutil.Process(processes[0].pid).children(), "REDIS_URL & co. start nothing"
        for kind, shared in [("redis", True), ("memcached", True), ("ring", True),
                             ("cache", False)]:
            _, cookies = visit(ports[0], f"/{kind}/")
            count, _ = visit(ports[1], f"/{kind}/", cookie=cookies[0])
            assert count == (2 if shared else 1), kind
    finally:
        for process in processes:
            stop_app(process, timeout=20)


@pytest.mark.gen_test
async def test_a_mistake_in_the_code_that_calls_the_store_is_its_own_error_not_an_outage(
        memcached_url):
    # aiomcache refuses a str key with ValidationException, a ClientException like the errors
    # of a broken server: it must reach the log as what it is, not as "memcached is unavailable".
    class StrKeySession(MemcachedSession):
        async def _load(self, session_id):
            return await self.client.get(self.key(session_id))  # a str: aiomcache wants bytes

    class Handler:
        application = type("Application", (), {"memcached": memcached_backend(memcached_url)})
        settings = {}

        def get_cookie(self, name):
            return create_session_id()

    session = StrKeySession(Handler(), ttl=60)
    try:
        with pytest.raises(aiomcache.exceptions.ValidationException, match="key must be bytes"):
            await session.load()
    finally:
        await Handler.application.memcached.client.close()


@pytest.mark.gen_test
async def test_the_index_lists_every_store_page(http_client, base_url):
    page = (await http_client.fetch(base_url + "/")).body.decode()
    for kind in KINDS:
        assert f'href="/{kind}/"' in page and f'href="/{kind}/login"' in page, kind
    assert "not configured" not in page  # the fixture gives the app all four stores
