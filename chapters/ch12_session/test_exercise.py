"""Tests of the chapter 12 exercise, on a private memcached (flushed before each test).
`make check-12` runs them on your exercise.py; plain `pytest` runs them on
solutions/ch12_session/exercise.py.

Each message says what was asked, what came back, and the section of the lesson
(chapters/ch12_session/README.md) that covers it."""
import asyncio
import json
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import aiomcache
import pytest

from chapters.ch12_session.session import create_session_id, memcached_backend

STEP1 = "lesson §2, why the session loads in prepare"
STORE = "lesson §3, session: the component (a backend only says how to _load, _save, _delete)"
STEP5 = "lesson §4, session fixation"


@pytest.fixture
def store(memcached_url, io_loop):
    backend = memcached_backend(memcached_url)
    yield backend
    io_loop.run_sync(backend.client.close)


@pytest.fixture
def loads(exercise, monkeypatch):
    """Watches the session's load(): "called" when prepare() calls it, "ran" when its
    coroutine actually runs, which only an `await` makes happen."""
    seen = []
    original = exercise.MemcachedSession.load

    def load(self):
        seen.append("called")

        async def running():
            seen.append("ran")
            return await original(self)

        # named as the real one, for Python's "coroutine 'Session.load' was never awaited"
        running.__name__, running.__qualname__ = original.__name__, original.__qualname__
        return running()

    monkeypatch.setattr(exercise.MemcachedSession, "load", load)
    return seen


@pytest.fixture
def app(exercise, store, loads):
    return exercise.make_app(store)


@pytest.fixture
def shop(http_client, base_url, loads):
    """A client with one cookie: the session's."""
    class Shop:
        session_id = None

        async def get(self, path):
            return await self.fetch(path)

        async def post(self, path, **form):
            return await self.fetch(path, method="POST", body=urlencode(form))

        async def fetch(self, path, **kwargs):
            headers = {"Cookie": f"__sessionId__={self.session_id}"} if self.session_id else {}
            response = await http_client.fetch(base_url + path, headers=headers,
                                               raise_error=False, **kwargs)
            for header in response.headers.get_list("Set-Cookie"):
                morsel = SimpleCookie(header).get("__sessionId__")
                if morsel is not None:
                    self.session_id = morsel.value or None
            return response

    return Shop()


def said(response):
    return f"{response.code} {response.body.decode(errors='replace').strip()[:300]!r}"


def step1_done(loads, request):
    """Fail with step 1's message when prepare() did not make and load the session: a later
    step cannot be judged on a session that was never read."""
    if "called" in loads and "ran" not in loads:
        pytest.fail(f"{request}: prepare() called the session's load() without awaiting it. "
                    f"load() is a coroutine function: calling it only makes a coroutine object, "
                    f"which runs when awaited and never otherwise (Python then warns 'coroutine "
                    f"... was never awaited'), so the session was never read ({STEP1})")
    if not loads:
        pytest.fail(f"{request}: the handler's session was never loaded, so whatever the "
                    f"cookie names was never read: prepare() makes the MemcachedSession and "
                    f"waits for its load() ({STEP1})")


def answer(response, request, loads, step=STORE):
    """Fail with the step a 500 or a 503 belongs to; else the response."""
    if response.code == 500 and b"AttributeError" in response.body and b"session" in response.body:
        pytest.fail(f"{request} answered {said(response)}: the handler has no session yet. "
                    f"prepare() runs before get() and post(): it makes self.session ({STEP1})")
    step1_done(loads, request)
    if response.code == 500:
        pytest.fail(f"{request} answered {said(response)}: that exception was raised in your "
                    f"code (the exercise's write_error names it), not by memcached ({step})")
    if response.code == 503:
        pytest.fail(f"{request} answered {said(response)}: memcached itself failed or was too "
                    f"slow, or a call of yours to it never finished ({step})")
    assert response.code == 200, f"{request} should answer 200, it answered {said(response)}"
    return response


def cart(response, request, loads, step=STORE):
    response = answer(response, request, loads, step)
    assert "application/json" in response.headers.get("Content-Type", ""), (
        f"{request} answered Content-Type {response.headers.get('Content-Type')!r}: the cart is "
        f"written as a dict, which Tornado sends as JSON")
    return json.loads(response.body)


async def memcached_get(store, session_id):
    """What memcached holds for a session: (the JSON, its remaining TTL) or (None, None)."""
    client: aiomcache.Client = store.client
    host, port = client._pool._host, client._pool._port
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(f"mg session:{session_id} t v\r\n".encode())  # meta get: TTL and value
    header = (await reader.readline()).decode().split()
    value = json.loads(await reader.readline()) if header[0] == "VA" else None
    writer.close()
    await writer.wait_closed()
    ttl = next((int(f[1:]) for f in header[1:] if f.startswith("t")), None)
    return value, ttl


# --- Step 1: prepare ------------------------------------------------------------------------------
@pytest.mark.gen_test
async def test_step1_prepare_makes_and_loads_the_session(shop, loads):
    got = cart(await shop.get("/cart"), "GET /cart without a cookie", loads, STEP1)
    assert got == {"user": None, "items": []}, (
        f"GET /cart without a cookie should answer an empty cart, it answered {got} ({STEP1})")


# --- Step 2: _load --------------------------------------------------------------------------------
@pytest.mark.gen_test
async def test_step2_a_stored_session_is_loaded(shop, store, loads):
    shop.session_id = create_session_id()
    await store.client.set(f"session:{shop.session_id}".encode(), b'{"items": ["tea", "cake"]}')
    got = cart(await shop.get("/cart"), "GET /cart", loads)
    assert got == {"user": None, "items": ["tea", "cake"]}, (
        f"memcached holds the items tea and cake under session:<id> for this cookie's id; GET "
        f"/cart answered {got}: _load should return what memcached holds under the session's "
        f"key ({STORE})")


@pytest.mark.gen_test
async def test_step2_an_unknown_session_is_an_empty_cart(shop, loads):
    shop.session_id = unknown = create_session_id()
    got = cart(await shop.get("/cart"), "GET /cart with an id memcached does not know", loads)
    assert got == {"user": None, "items": []}, (
        f"an id memcached does not know is a new, empty session; GET /cart answered {got} "
        f"({STORE})")
    assert shop.session_id == unknown, "nothing was saved, so no new cookie is expected"


# --- Step 3: _save --------------------------------------------------------------------------------
@pytest.mark.gen_test
async def test_step3_the_cart_is_saved_in_memcached_with_a_ttl(shop, store, loads):
    cart(await shop.post("/cart", item="tea"), "POST /cart item=tea", loads)
    assert shop.session_id, "POST /cart should set the __sessionId__ cookie (session.save())"
    value, ttl = await memcached_get(store, shop.session_id)
    assert value == {"items": ["tea"]}, (
        f"after POST /cart item=tea, memcached should hold the JSON {{\"items\": [\"tea\"]}} "
        f"under session:<id>; it holds {value!r} ({STORE})")
    assert ttl is not None and 590 <= ttl <= 600, (
        f"the session should expire in memcached after the session's ttl (600 s); memcached "
        f"says {ttl} (-1: never). Expiry belongs to the server, not only to the cookie "
        f"({STORE})")


@pytest.mark.gen_test
async def test_step3_the_cart_survives_across_requests(shop, loads):
    cart(await shop.post("/cart", item="tea"), "POST /cart item=tea", loads)
    cart(await shop.post("/cart", item="cake"), "POST /cart item=cake", loads)
    got = cart(await shop.get("/cart"), "GET /cart", loads)
    assert got["items"] == ["tea", "cake"], (
        f"after adding tea then cake, the cart should be ['tea', 'cake'], it is {got['items']} "
        f"({STORE})")


# --- Step 4: _delete ------------------------------------------------------------------------------
@pytest.mark.gen_test
async def test_step4_logout_deletes_the_session_from_memcached(shop, store, loads):
    cart(await shop.post("/cart", item="tea"), "POST /cart item=tea", loads)
    session_id = shop.session_id
    answer(await shop.post("/logout"), "POST /logout", loads)
    value, _ = await memcached_get(store, session_id)
    assert value is None, (
        f"after logout memcached still holds {value!r} for the session: clear() asks the "
        f"backend to delete it ({STORE})")


# --- Step 5: a new id at login --------------------------------------------------------------------
@pytest.mark.gen_test
async def test_step5_login_gives_a_new_session_id(shop, store, loads):
    cart(await shop.post("/cart", item="tea"), "POST /cart item=tea", loads)
    planted = shop.session_id  # say an attacker knows this id
    got = cart(await shop.post("/login", username="topaz"), "POST /login", loads, STEP5)
    assert got == {"user": "topaz", "items": ["tea"]}, (
        f"after login the cart should be topaz's, with tea; it is {got}")
    assert shop.session_id != planted, (
        f"the session id is the same after login: whoever planted it in the browser is logged "
        f"in as topaz too ({STEP5})")
    old, _ = await memcached_get(store, planted)
    new, _ = await memcached_get(store, shop.session_id)
    assert old is None and new == {"items": ["tea"], "user": "topaz"}, (
        f"memcached should forget the old id (it holds {old!r}) and keep the session under the "
        f"new one (it holds {new!r}) ({STEP5})")
