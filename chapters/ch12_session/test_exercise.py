"""Tests of the chapter 12 exercise, on a private memcached (flushed before each test).
`make check-12` runs them on your exercise.py; plain `pytest` runs them on
solutions/ch12_session/exercise.py."""
import asyncio
import json
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import aiomcache
import pytest

from chapters.ch12_session.session import create_session_id, memcached_backend


@pytest.fixture
def store(memcached_url, io_loop):
    backend = memcached_backend(memcached_url)
    yield backend
    io_loop.run_sync(backend.client.close)


@pytest.fixture
def app(exercise, store):
    return exercise.make_app(store)


@pytest.fixture
def shop(http_client, base_url):
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
    return f"{response.code} {response.body.decode(errors='replace').strip()[:200]!r}"


def cart(response, request):
    assert response.code == 200, f"{request} should answer 200, got {said(response)}"
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


@pytest.mark.gen_test
async def test_step1_the_session_is_ready_in_get(shop):
    got = cart(await shop.get("/cart"), "GET /cart without a cookie")
    assert got == {"user": None, "items": []}, (
        f"GET /cart should answer an empty cart, got {got}: prepare() should make "
        "self.session = MemcachedSession(self, ttl=TTL) and await self.session.load()")


@pytest.mark.gen_test
async def test_step2_a_stored_session_is_loaded(shop, store):
    shop.session_id = create_session_id()
    await store.client.set(f"session:{shop.session_id}".encode(), b'{"items": ["tea", "cake"]}')
    got = cart(await shop.get("/cart"), "GET /cart")
    assert got == {"user": None, "items": ["tea", "cake"]}, (
        f"memcached holds items tea and cake for this session, GET /cart answered {got}: "
        "_load should return await self.client.get(self.key(session_id).encode())")


@pytest.mark.gen_test
async def test_step2_an_unknown_session_is_an_empty_cart(shop):
    shop.session_id = unknown = create_session_id()
    got = cart(await shop.get("/cart"), "GET /cart with an unknown session id")
    assert got == {"user": None, "items": []}, (
        f"an id memcached does not know should be an empty session, got {got}: _load returns "
        "None for a missing key (aiomcache's get does)")
    assert shop.session_id == unknown, "nothing was saved, so no new cookie is expected"


@pytest.mark.gen_test
async def test_step3_the_cart_is_saved_in_memcached_with_a_ttl(shop, store):
    cart(await shop.post("/cart", item="tea"), "POST /cart item=tea")
    assert shop.session_id, "POST /cart should set the __sessionId__ cookie (session.save())"
    value, ttl = await memcached_get(store, shop.session_id)
    assert value == {"items": ["tea"]}, (
        f"memcached should hold the JSON {{\"items\": [\"tea\"]}} under session:<id>, holds "
        f"{value!r}: _save stores value.encode() under self.key(session_id).encode()")
    assert ttl is not None and 590 <= ttl <= 600, (
        f"the session should expire in memcached after 600 s, its TTL is {ttl} (-1: never): "
        "pass exptime=ttl to self.client.set")


@pytest.mark.gen_test
async def test_step3_the_cart_survives_across_requests(shop):
    await shop.post("/cart", item="tea")
    await shop.post("/cart", item="cake")
    got = cart(await shop.get("/cart"), "GET /cart")
    assert got["items"] == ["tea", "cake"], (
        f"after adding tea then cake, the cart should be ['tea', 'cake'], got {got['items']}")


@pytest.mark.gen_test
async def test_step4_logout_deletes_the_session_from_memcached(shop, store):
    await shop.post("/cart", item="tea")
    session_id = shop.session_id
    cart(await shop.post("/logout"), "POST /logout")
    value, _ = await memcached_get(store, session_id)
    assert value is None, (
        f"after logout memcached still holds {value!r} for the session: _delete should "
        "await self.client.delete(self.key(session_id).encode())")


@pytest.mark.gen_test
async def test_step5_login_gives_a_new_session_id(shop, store):
    await shop.post("/cart", item="tea")
    planted = shop.session_id  # say an attacker knows this id
    got = cart(await shop.post("/login", username="topaz"), "POST /login")
    assert got == {"user": "topaz", "items": ["tea"]}, f"after login: {got}"
    assert shop.session_id != planted, (
        "the session id is the same after login: an attacker who planted it is logged in as "
        "topaz too. Call await self.session.regenerate() in LoginHandler.post")
    old, _ = await memcached_get(store, planted)
    new, _ = await memcached_get(store, shop.session_id)
    assert old is None and new == {"items": ["tea"], "user": "topaz"}, (
        f"memcached should forget the old id (holds {old!r}) and keep the session under the "
        f"new one (holds {new!r})")
