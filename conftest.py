"""Fixtures shared by every test in the workbook (chapters/ and tests/)."""
import asyncio

import pytest
import tornado.httpserver
import tornado.ioloop
import tornado.testing
import tornado.web

from workbook import exercise as _exercise
from workbook import manifest


@pytest.fixture
def io_loop():
    """pytest-tornado's io_loop, without the deprecated IOLoop.make_current()."""
    loop = tornado.ioloop.IOLoop(make_current=False)
    asyncio.set_event_loop(loop.asyncio_loop)
    yield loop
    asyncio.set_event_loop(None)
    loop.close(all_fds=True)


@pytest.fixture
def http_server(request, io_loop, _unused_port):
    """pytest-tornado's http_server, which first makes sure the `app` fixture is an Application:
    a make_app() that forgets its `return` would otherwise fail every request with
    "HTTPStreamClosedError: Stream closed", far from the mistake."""
    app = request.getfixturevalue(request.config.option.app_fixture)
    if not isinstance(app, tornado.web.Application):
        pytest.fail(f"make_app() returned {app!r}, not a tornado.web.Application: it must "
                    "return the Application it builds", pytrace=False)
    server = tornado.httpserver.HTTPServer(app)
    server.add_socket(_unused_port[0])
    yield server
    server.stop()
    io_loop.run_sync(server.close_all_connections,
                     timeout=request.config.option.async_test_timeout)


@pytest.fixture
def base_url(http_port):
    """pytest-tornado says http://localhost:PORT; the test server listens on 127.0.0.1 only."""
    return f"http://127.0.0.1:{http_port}"


@pytest.fixture
def fetch(http_client, base_url):
    """fetch(path, host=None, cookie=None, **kwargs): the test app's answer to one request,
    whatever its status, and without following redirects, so a test can look at the status and
    headers it got. Other keyword arguments go to AsyncHTTPClient.fetch (method, body, ...)."""
    def fetch(path, *, host=None, cookie=None, **kwargs):
        headers = dict(kwargs.pop("headers", None) or {})
        if host:
            headers["Host"] = host
        if cookie:
            headers["Cookie"] = cookie
        kwargs.setdefault("raise_error", False)
        kwargs.setdefault("follow_redirects", False)
        return http_client.fetch(base_url + path, headers=headers, **kwargs)
    return fetch


@pytest.fixture
def serve(io_loop):
    """serve(app, close=None) -> its base URL: another app (a naive variant, other settings)
    served next to the test's own, on the test's IOLoop. Afterwards its server stops and the app
    is closed: close(app) if given, else `await app.close()` if the app has one."""
    started = []

    def start(app, close=None):
        sock, port = tornado.testing.bind_unused_port()
        server = tornado.httpserver.HTTPServer(app)
        server.add_sockets([sock])
        started.append((server, app, close))
        return f"http://127.0.0.1:{port}"

    yield start
    for server, app, close in started:
        server.stop()
        if close is not None:
            close(app)
        elif hasattr(app, "close"):
            io_loop.run_sync(app.close)


@pytest.fixture
def chapter(request) -> manifest.Chapter:
    """The chapter the requesting test file belongs to."""
    return manifest.for_path(request.path)


@pytest.fixture
def exercise(chapter):
    """The exercise module under test: the solution, or with WORKBOOK_EXERCISE=learner (what
    `make check-NN` sets) the learner's chapters/<slug>/exercise.py."""
    return _exercise.load(chapter)


# --- A real browser: Debian's Chromium driven by Playwright ------------------------------------
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [  # a closed network: no background calls home, no first-run work
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


@pytest.fixture(scope="module")
def browser():
    # Module scope, not session: while Playwright's sync API is open it marks an event loop as
    # running in this thread, and pytest-tornado's tests need to run loops of their own.
    import os

    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make system` as root, or "
                    "`sudo apt-get install chromium`", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


# --- Private servers: MariaDB, Redis, memcached (workbook/services.py) -------------------------
# One throwaway server of each kind per test session, started on first use; each test gets a
# clean view of it (its own database, or a flushed store). Tests that kill or pause a server
# start their own: with services.Redis() as redis: ...
import secrets  # noqa: E402

from workbook import services  # noqa: E402


@pytest.fixture(scope="session")
def mariadb():
    with services.MariaDB() as server:
        yield server


@pytest.fixture
def mysql_url(mariadb):
    """mysql://root@127.0.0.1:PORT/test_xxxx: a new empty database, dropped after the test."""
    name = f"test_{secrets.token_hex(6)}"
    url = mariadb.start().create_database(name)  # start(): back if something stopped it
    yield url
    mariadb.drop_database(name)


@pytest.fixture(scope="session")
def redis_server():
    with services.Redis() as server:
        yield server


@pytest.fixture
def redis_url(redis_server):
    """redis://127.0.0.1:PORT/0, empty at the start of the test."""
    redis_server.start()  # a no-op while it runs; back if something stopped it
    _flush_redis(redis_server.url)
    yield redis_server.url


@pytest.fixture(scope="session")
def redis_ring():
    """Three Redis servers named redis-a, redis-b, redis-c (a distributed session store)."""
    with services.Redis(name="redis-a") as a, services.Redis(name="redis-b") as b, \
            services.Redis(name="redis-c") as c:
        yield [a, b, c]


@pytest.fixture
def redis_ring_urls(redis_ring):
    """{"redis-a": url, "redis-b": url, "redis-c": url}, all empty at the start of the test."""
    for server in redis_ring:
        _flush_redis(server.start().url)
    return {server.name: server.url for server in redis_ring}


@pytest.fixture(scope="session")
def memcached_server():
    with services.Memcached() as server:
        yield server


@pytest.fixture
def memcached_url(memcached_server):
    """memcached://127.0.0.1:PORT, empty at the start of the test."""
    import socket

    memcached_server.start()  # a no-op while it runs; back if something stopped it

    with socket.create_connection((memcached_server.host, memcached_server.port), 5) as s:
        s.sendall(b"flush_all\r\n")
        assert s.recv(100) == b"OK\r\n"
    yield memcached_server.url


@pytest.fixture(scope="module")
def mariadb_pair():
    """A private primary/replica pair (chapters 20 and 21), once per test module (about 2-5 s):
    module scope, as tests stop and kill its servers."""
    with services.MariaDBPair() as pair:
        yield pair


@pytest.fixture
def pair_urls(mariadb_pair):
    """{"primary": url, "replica": url} of a new empty database, replicated, dropped afterwards.
    The URLs log in as the app's user, whom the replica's read_only refuses every write."""
    import contextlib

    name = f"test_{secrets.token_hex(6)}"
    mariadb_pair.primary.create_database(name)
    mariadb_pair.wait_replicated()
    urls = {role: url.rsplit("/", 1)[0] + "/" + name for role, url in mariadb_pair.urls.items()}
    yield urls
    with contextlib.suppress(Exception):  # a test may have left a server stopped
        mariadb_pair.primary.drop_database(name)


def _flush_redis(url):
    import redis

    with redis.Redis.from_url(url, socket_timeout=5) as client:
        client.flushall()
