"""Tests of chapter 17's FlashMessageMixIn once SessionMiddleware is installed: the messages wait
in the session (on a private Redis, flushed before each test), no longer in a cookie."""
import json

import pytest
import redis

from tornkit.application import Application
from tornkit.conf import Settings
from tornkit.flash import FlashMessageMixIn, FlashTooLarge
from tornkit.handler import WebHandler
from workbook.testing import CookieClient
from workbook.web import BaseHandler

SECRET = "a test secret, long enough to sign cookies with"
COOKIE = "__TORNADOSSID"


class Page(FlashMessageMixIn, BaseHandler, WebHandler):
    pass


class Two(Page):
    def get(self):
        self.flash("saved", "success")
        self.flash("and a second one " + "x" * 5000, "info")  # over a cookie's 4 KB: no matter
        self.redirect("/show")


class Show(Page):
    def get(self):
        self.write({"messages": [list(m) for m in self.get_flashed_messages()]})


class Loop(Page):
    def get(self):  # a bug that flashes without end: stopped at the bound, with a clear error
        flashed = 0
        try:
            while True:
                self.flash("y" * 1000, "info")
                flashed += 1
        except FlashTooLarge as e:
            self.set_status(413)
            self.write({"flashed": flashed, "error": str(e)})


@pytest.fixture
def app(redis_url):
    caches = {"default": {"BACKEND": "tornkit.cache.backends.redis.RedisCache",
                          "LOCATION": redis_url, "KEY_PREFIX": "ch19"}}
    conf = Settings(MIDDLEWARE_CLASSES=("tornkit.session.SessionMiddleware",), CACHES=caches)
    return Application([(r"/two", Two), (r"/show", Show), (r"/loop", Loop)], conf=conf,
                       cookie_secret=SECRET)


@pytest.fixture
def client(http_client, base_url):
    return CookieClient(http_client, base_url)


@pytest.fixture
def store(redis_url):
    with redis.Redis.from_url(redis_url, socket_timeout=5) as client:
        yield client


def writes(store) -> int:
    stats = store.info("commandstats")
    return sum(stats.get(f"cmdstat_{c}", {}).get("calls", 0) for c in ("set", "setex", "del"))


async def messages(client):
    response = await client.get("/show")
    assert response.code == 200, response.body
    return json.loads(response.body)["messages"]


@pytest.mark.gen_test
async def test_two_flashes_wait_in_the_session_not_in_a_cookie(client, store):
    response = await client.get("/two")
    assert response.code == 302
    assert list(client.cookies) == [COOKIE]  # the session's id, and no _flash cookie
    assert len(store.keys("ch19:1:session:*")) == 1
    shown = await messages(client)
    assert shown == [["success", "saved"], ["info", "and a second one " + "x" * 5000]]
    assert "_flash" not in client.cookies


@pytest.mark.gen_test
async def test_a_flash_is_gone_once_shown_and_its_session_with_it(client, store):
    await client.get("/two")
    assert len(await messages(client)) == 2
    # Reading them removed them: a change, saved; the session is empty now, so it is deleted.
    assert store.keys("ch19:1:session:*") == [] and COOKIE not in client.cookies
    before = writes(store)
    assert await messages(client) == []
    assert writes(store) == before  # nothing to show is no change: no write


@pytest.mark.gen_test
async def test_a_flash_loop_stops_at_the_bound_with_a_clear_error(client, store):
    response = await client.get("/loop")
    assert response.code == 413
    body = json.loads(response.body)
    assert "over the limit of 65536 bytes" in body["error"] and "session" in body["error"]
    assert 60 <= body["flashed"] <= 65
    assert len(await messages(client)) == body["flashed"]  # the ones before the bound arrive
