"""Tests of chapter 19's app: tornkit's SessionMiddleware and TokenMiddleware on a private
Redis (flushed before each test), and the same attacks on naive.py, tornadopy's versions."""
import asyncio
import gc
import hashlib
import http.cookies
import json
import logging
import re
import secrets
import time

import pytest
import redis
import tornado.httpserver
import tornado.testing
import tornado.web

from chapters.ch19_sessions.app import make_app
from chapters.ch19_sessions.naive import NAIVE
from tornkit.application import Application
from tornkit.cache import CacheUnavailable
from tornkit.conf import Settings
from tornkit.handler import WebHandler
from tornkit.session import Session, SessionError
from workbook.testing import CookieClient
from workbook.web import BaseHandler

COOKIE = "__TORNADOSSID"


@pytest.fixture
def app(redis_url, tmp_path):
    return make_app(redis_url=redis_url, data_dir=tmp_path)


@pytest.fixture
def store(redis_url):
    with redis.Redis.from_url(redis_url, socket_timeout=5) as client:
        yield client


@pytest.fixture
def naive(serve, redis_url, tmp_path):
    """The base URL of the same app on tornadopy's middlewares."""
    app = make_app(redis_url=redis_url, data_dir=tmp_path, middleware_classes=NAIVE)

    async def close(app):
        if hasattr(app, "naive_redis"):
            app.naive_redis.close()
        await app.close()
    return serve(app, close=lambda app: asyncio.get_event_loop().run_until_complete(close(app)))


@pytest.fixture
def behind_proxy(io_loop, redis_url, tmp_path):
    """start(**session) -> base URL of an app behind a proxy (xheaders: X-Real-Ip counts)."""
    servers = []

    def start(**session):
        app = make_app(redis_url=redis_url, data_dir=tmp_path, session=session)
        sock, port = tornado.testing.bind_unused_port()
        server = tornado.httpserver.HTTPServer(app, xheaders=True)
        server.add_sockets([sock])
        servers.append((server, app))
        return f"http://127.0.0.1:{port}"
    yield start
    for server, app in servers:
        server.stop()
        io_loop.run_sync(app.close)


def writes(store) -> int:
    """Commands that write a key, counted by Redis itself since it started."""
    stats = store.info("commandstats")
    return sum(stats.get(f"cmdstat_{c}", {}).get("calls", 0)
               for c in ("set", "setex", "del", "unlink", "expire", "pexpire"))


def calls(store, *commands) -> int:
    stats = store.info("commandstats")
    return sum(stats.get(f"cmdstat_{c}", {}).get("calls", 0) for c in commands)


async def login(client, name="topaz", password="tornado", **form):
    await client.get("/login")  # the _xsrf cookie
    response = await client.post("/login", {"name": name, "password": password, **form})
    assert response.code == 302, f"login as {name}: {response.code} {response.body[:200]!r}"
    return response


def session_header(client):
    return next((h for h in client.set_cookies if h.startswith(COOKIE + "=")), None)


def store_key(client):
    sent = http.cookies.SimpleCookie(f"{COOKIE}={client.cookies[COOKIE]}")[COOKIE].value
    value = tornado.web.decode_signed_value(client.secret, COOKIE, sent)
    return f"ch19:1:session:1:{value.decode()}"


@pytest.fixture
def browser(http_client, base_url, app):
    client = CookieClient(http_client, base_url)
    client.secret = app.settings["cookie_secret"]
    return client


# --- session: the cookie -----------------------------------------------------------------------
@pytest.mark.gen_test
async def test_a_visitor_who_changes_nothing_gets_no_session_cookie(browser, store):
    before = writes(store)
    response = await browser.get("/")
    assert response.code == 200 and b"not logged in" in response.body
    assert session_header(browser) is None and writes(store) == before


@pytest.mark.gen_test
async def test_login_sets_a_signed_httponly_samesite_browser_session_cookie(browser, store):
    await login(browser)
    header = session_header(browser)
    assert header is not None and browser.cookies[COOKIE].startswith('"2|')  # a signed value
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Path=/" in header
    assert "expires" not in header.lower() and "max-age" not in header.lower()  # expires = 0
    ttl = store.ttl(store_key(browser))
    assert 86400 - 5 <= ttl <= 86400  # the store forgets a browser session after a day
    for visits in (b"<h1>1</h1>", b"<h1>2</h1>"):
        response = await browser.get("/counter")
        assert response.code == 200 and visits in response.body


@pytest.mark.gen_test
async def test_remember_me_is_the_sessions_set_expire(browser, store):
    await login(browser, remember="1")
    header = session_header(browser).lower()
    assert "expires=" in header
    assert 30 * 86400 - 5 <= store.ttl(store_key(browser)) <= 30 * 86400


@pytest.mark.gen_test
async def test_an_unchanged_session_costs_no_store_write(browser, store):
    await login(browser)
    before = writes(store)
    for _ in range(5):
        response = await browser.get("/")
        assert response.code == 200 and b"topaz" in response.body
    assert writes(store) - before == 0
    assert session_header(browser) is None  # nor a new cookie
    await browser.get("/counter")
    assert writes(store) - before == 1  # a change: exactly one write


@pytest.mark.gen_test
async def test_naive_writes_the_store_on_every_request(http_client, naive, store):
    client = CookieClient(http_client, naive)
    await login(client)
    before = calls(store, "set")
    for _ in range(5):
        assert (await client.get("/")).code == 200
    assert calls(store, "set") - before == 5


# --- session: fixation, tampering, expiry --------------------------------------------------------
@pytest.mark.gen_test
async def test_fixation_works_on_naive(http_client, naive):
    # The attacker plants an id of their choosing in the victim's browser (a cookie set from a
    # sibling subdomain, a shared computer, ...): tornadopy keeps a well-formed unknown id.
    planted = {COOKIE: f"{'ab' * 20}|EtdHjDO1"}
    victim = CookieClient(http_client, naive)
    victim.cookies.update(planted)
    await login(victim)
    attacker = CookieClient(http_client, naive)
    response = await attacker.get("/account", cookies=planted)
    assert response.code == 200 and b"topaz" in response.body  # the attacker is logged in


@pytest.mark.gen_test
async def test_fixation_fails_here(browser, http_client, base_url):
    # The attacker logs in as alice to hold a genuine, signed id, and plants that one.
    attacker = CookieClient(http_client, base_url)
    await login(attacker, "alice", "wonderland")
    planted = {COOKIE: attacker.cookies[COOKIE]}
    browser.cookies.update(planted)
    await login(browser)
    assert browser.cookies[COOKIE] != planted[COOKIE]  # a new id at login
    response = await attacker.get("/account", cookies=planted)
    assert response.code == 302 and "/login" in response.headers["Location"]
    assert (await browser.get("/account")).code == 200


@pytest.mark.gen_test
async def test_an_unsigned_or_unknown_id_gives_a_fresh_session_never_an_error(browser, app):
    made_up = secrets.token_urlsafe(32)
    signed_unknown = tornado.web.create_signed_value(app.settings["cookie_secret"], COOKIE,
                                                     made_up).decode()
    for value in (made_up, f"{'ab' * 20}|EtdHjDO1", signed_unknown, signed_unknown[:-3] + "AAA"):
        response = await browser.get("/account", cookies={COOKIE: value})
        assert response.code == 302, f"{value!r}: {response.code}"
        assert (await browser.get("/", cookies={COOKIE: value})).code == 200
    browser.cookies[COOKIE] = signed_unknown
    await login(browser)
    assert made_up not in browser.cookies[COOKIE]  # the visitor's id is never adopted


@pytest.mark.gen_test
async def test_an_expired_session_is_a_fresh_one(browser, store):
    await login(browser)
    store.delete(store_key(browser))  # what its TTL does
    response = await browser.get("/account")
    assert response.code == 302


@pytest.mark.gen_test
async def test_logout_flushes_the_session_and_its_cookie(browser, store):
    await login(browser)
    key = store_key(browser)
    response = await browser.post("/logout", {})
    assert response.code == 302 and not store.exists(key)
    assert COOKIE not in browser.cookies  # cleared
    assert (await browser.get("/account")).code == 302


@pytest.mark.gen_test
@pytest.mark.parametrize("ignore, after", [(False, 302), (True, 200)])
async def test_an_ip_change_ends_the_session_unless_ignore_change_ip(
        http_client, behind_proxy, ignore, after):
    client = CookieClient(http_client, behind_proxy(ignore_change_ip=ignore))
    await client.get("/login", headers={"X-Real-Ip": "10.0.0.1"})
    response = await client.post("/login", {"name": "topaz", "password": "tornado"},
                                 headers={"X-Real-Ip": "10.0.0.1"})
    assert response.code == 302
    assert (await client.get("/account", headers={"X-Real-Ip": "10.0.0.1"})).code == 200
    assert (await client.get("/account", headers={"X-Real-Ip": "10.0.0.2"})).code == after


@pytest.mark.gen_test
async def test_the_store_down_is_a_503_with_a_message(http_client, serve, tmp_path, caplog):
    sock, port = tornado.testing.bind_unused_port()
    sock.close()  # nothing listens there
    down = make_app(redis_url=f"redis://127.0.0.1:{port}/0", data_dir=tmp_path)
    base = serve(down)
    response = await http_client.fetch(base + "/", raise_error=False)
    assert response.code == 200  # no cookie: the store is not needed
    signed = tornado.web.create_signed_value(down.settings["cookie_secret"], COOKIE,
                                             secrets.token_urlsafe(32)).decode()
    response = await http_client.fetch(base + "/", headers={"Cookie": f"{COOKIE}={signed}"},
                                       raise_error=False)
    assert response.code == 503 and b"unavailable" in response.body
    assert b"Traceback" not in response.body
    # a warning for the 503 (and the access log's line), no error with a traceback
    assert not [r for r in caplog.records if r.exc_info]


@pytest.mark.gen_test
async def test_405_and_xsrf_403_pass_through_both_middlewares(browser, store, caplog):
    await login(browser)
    response = await browser.fetch("/counter", method="PROPFIND",
                                   allow_nonstandard_methods=True)
    assert response.code == 405
    response = await browser.post("/logout", {}, xsrf=False)
    assert response.code == 403
    assert (await browser.get("/account")).code == 200  # still logged in, nothing broken
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


# --- token -------------------------------------------------------------------------------------
async def issue(http_client, base_url, name="topaz", password="tornado", token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await http_client.fetch(
        base_url + "/api/tokens", method="POST", headers=headers, raise_error=False,
        body=json.dumps({"userName": name, "password": password}))
    assert response.code == 201, response.body
    return json.loads(response.body)["token"]


async def me(http_client, base_url, token, path="/api/me", **headers):
    return await http_client.fetch(base_url + path, raise_error=False,
                                   headers={"Authorization": f"Bearer {token}", **headers})


@pytest.mark.gen_test
async def test_a_token_is_sent_as_a_bearer_header(http_client, base_url):
    token = await issue(http_client, base_url)
    response = await me(http_client, base_url, token)
    assert response.code == 200
    assert json.loads(response.body)["user"] == {"userID": "7", "userName": "topaz"}
    response = await http_client.fetch(base_url + "/api/me", raise_error=False)
    assert response.code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.gen_test
async def test_a_token_in_the_query_string_is_refused_and_revoked(http_client, base_url):
    token = await issue(http_client, base_url)
    response = await http_client.fetch(f"{base_url}/api/me?tokenID={token}", raise_error=False)
    assert response.code == 400 and b"Authorization header" in response.body
    assert (await me(http_client, base_url, token)).code == 401  # burnt: it is in a log now


@pytest.mark.gen_test
async def test_naive_accepts_the_token_from_the_url(http_client, naive):
    token = await issue(http_client, naive)
    response = await http_client.fetch(f"{naive}/api/me?tokenID={token}", raise_error=False)
    assert response.code == 200  # and the token is now in the access log, and in Referer


@pytest.mark.gen_test
async def test_tokens_are_stored_hashed_with_a_ttl(http_client, base_url, store):
    token = await issue(http_client, base_url)
    key = f"token::{hashlib.sha256(token.encode()).hexdigest()}"
    assert 3600 - 5 <= store.ttl(key) <= 3600
    for name in store.keys("*"):
        assert token.encode() not in name and token.encode() not in (store.dump(name) or b"")


@pytest.mark.gen_test
async def test_naive_stores_the_token_itself(http_client, naive, store):
    token = await issue(http_client, naive)
    assert store.exists(token)  # whoever reads the store can use every token


@pytest.mark.gen_test
async def test_a_login_rotates_the_token(http_client, base_url):
    old = await issue(http_client, base_url)
    new = await issue(http_client, base_url, token=old)
    assert new != old
    assert (await me(http_client, base_url, old)).code == 401
    assert (await me(http_client, base_url, new)).code == 200


@pytest.mark.gen_test
async def test_naive_gives_the_same_token_at_every_login(http_client, naive):
    assert await issue(http_client, naive) == await issue(http_client, naive)


@pytest.mark.gen_test
async def test_revoke_and_revoke_all(http_client, base_url):
    phone, laptop = await issue(http_client, base_url), await issue(http_client, base_url)
    alice = await issue(http_client, base_url, "alice", "wonderland")
    response = await http_client.fetch(base_url + "/api/tokens", method="DELETE",
                                       headers={"Authorization": f"Bearer {phone}"},
                                       raise_error=False)
    assert response.code == 204 and (await me(http_client, base_url, phone)).code == 401
    tablet = await issue(http_client, base_url)
    response = await http_client.fetch(base_url + "/api/tokens/revoke-all", method="POST",
                                       body="", raise_error=False,
                                       headers={"Authorization": f"Bearer {tablet}"})
    assert response.code == 200 and json.loads(response.body) == {"revoked": 2}
    for token in (laptop, tablet):
        assert (await me(http_client, base_url, token)).code == 401
    assert (await me(http_client, base_url, alice)).code == 200


@pytest.mark.gen_test
async def test_a_token_past_its_ttl_is_refused(http_client, base_url, store):
    token = await issue(http_client, base_url)
    store.pexpire(f"token::{hashlib.sha256(token.encode()).hexdigest()}", 1)
    time.sleep(0.01)
    assert (await me(http_client, base_url, token)).code == 401


@pytest.mark.gen_test
async def test_handlers_that_never_touch_the_token_cost_no_redis_call(
        http_client, base_url, naive, store):
    token = await issue(http_client, base_url)
    before = calls(store, "get", "exists")
    response = await me(http_client, base_url, token, path="/")
    assert response.code == 200 and calls(store, "get", "exists") == before
    naive_token = await issue(http_client, naive)
    before = calls(store, "get", "exists")
    response = await http_client.fetch(f"{naive}/?tokenID={naive_token}", raise_error=False)
    assert response.code == 200
    assert calls(store, "get", "exists") - before == 3  # EXISTS, GET, and the session's GET


@pytest.mark.gen_test
async def test_a_token_stays_with_its_address(http_client, behind_proxy):
    base = behind_proxy()
    response = await http_client.fetch(
        base + "/api/tokens", method="POST", headers={"X-Real-Ip": "10.0.0.1"},
        body=json.dumps({"userName": "topaz", "password": "tornado"}))
    token = json.loads(response.body)["token"]
    assert (await me(http_client, base, token, **{"X-Real-Ip": "10.0.0.1"})).code == 200
    assert (await me(http_client, base, token, **{"X-Real-Ip": "10.0.0.2"})).code == 401


@pytest.mark.gen_test
async def test_bad_api_input_is_a_4xx(http_client, base_url):
    for body, code in (("{", 400), ("[]", 400), ('{"userName": "topaz"}', 403)):
        response = await http_client.fetch(base_url + "/api/tokens", method="POST", body=body,
                                           raise_error=False)
        assert response.code == code, (body, response.body)


# --- WebHandler.wait_before_send: the save that process_response hands over --------------------
class FailingSave:
    """A middleware whose save fails the way a store that went down does."""

    def process_response(self, handler, clear, chunk):
        async def save():
            handler.set_cookie("saved", "yes")  # never sent: the save did not finish
            raise CacheUnavailable("Redis at 127.0.0.1:1 is unavailable: gone")
        handler.wait_before_send(save())


class Hello(BaseHandler, WebHandler):
    def get(self):
        self.redirect("/elsewhere")  # finish() twice: here, and Tornado's own after get()


@pytest.mark.gen_test
async def test_a_save_that_fails_is_its_error_page_and_no_cookie(http_client, serve, caplog):
    app = Application([(r"/", Hello)], conf=Settings(MIDDLEWARE_CLASSES=(FailingSave,)))
    response = await http_client.fetch(serve(app) + "/", raise_error=False,
                                       follow_redirects=False)
    assert response.code == 503 and b"is unavailable: gone" in response.body
    assert "Set-Cookie" not in response.headers and "Location" not in response.headers
    assert not [r for r in caplog.records if r.exc_info]


class SlowSave:
    """A middleware whose save takes a while (a store far away)."""

    def process_response(self, handler, clear, chunk):
        handler.wait_before_send(asyncio.sleep(0.05))


@pytest.mark.gen_test
async def test_a_client_that_leaves_during_the_save_is_no_error(serve, caplog):
    app = Application([(r"/", Hello)], conf=Settings(MIDDLEWARE_CLASSES=(SlowSave,)))
    port = int(serve(app).rsplit(":", 1)[1])
    for _ in range(3):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        await writer.drain()
        writer.close()  # gone before the save is done
    await asyncio.sleep(0.2)
    gc.collect()  # an exception nobody retrieved would be logged now
    assert not [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


# --- the Session itself, and SESSION's settings --------------------------------------------------
def test_the_session_notes_only_real_changes():
    session = Session({"userid": "7"}, key="k")
    session["userid"] = "7"  # the value it has
    del session["nothing"]   # a key it does not have: no error, as tornadopy's
    assert not session.modified and session["nothing"] is None and "userid" in session
    session["visits"] = 1
    assert session.modified and session.data == {"userid": "7", "visits": 1}
    with pytest.raises(ValueError, match="whole seconds"):
        session.set_expire(1.5)


@pytest.mark.parametrize("session, message", [
    ({"secret_key": "x"}, "the Application's cookie_secret signs now"),
    ({"session_cache_alias": "nowhere"}, "'nowhere' is not in CACHES"),
])
def test_bad_session_settings_are_errors_that_name_them(redis_url, tmp_path, session, message):
    with pytest.raises(SessionError, match=re.escape(message)):
        make_app(redis_url=redis_url, data_dir=tmp_path, session=session)
