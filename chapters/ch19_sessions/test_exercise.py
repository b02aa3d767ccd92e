"""Tests of the chapter 19 exercise: your SessionMiddleware's load, process_response and save,
on a cache that counts its writes. `make check-19` runs them on your exercise.py; plain
`pytest` runs them on solutions/ch19_sessions/exercise.py."""
import http.cookies
import json
import logging
import secrets

import pytest
import tornado.web

from workbook.testing import CookieClient

SECRET = "a test secret, only for chapter 19's exercise tests"
COOKIE = "__TORNADOSSID"
CACHES = {"default": {"BACKEND": "chapters.ch19_sessions.counting.CountingCache"}}
LOAD = "lesson §2, and step 1 of exercise.py"
SAVE = "lesson §3, and steps 2 and 3 of exercise.py"
FIXATION = "lesson §4, and step 3 of exercise.py"


@pytest.fixture
def app(exercise):
    return exercise.make_app(SECRET, CACHES)


@pytest.fixture
def cache(app):
    return app.caches["default"]


@pytest.fixture
def client(http_client, base_url):
    return CookieClient(http_client, base_url)


def said(response) -> str:
    return f"{response.code} {response.body.decode(errors='replace').strip()[:200]!r}"


def answer(response, request: str) -> dict:
    assert response.code == 200, f"{request} should answer 200, got {said(response)}"
    return json.loads(response.body)


async def post(client, path, **form):
    if "_xsrf" not in client.cookies:
        await client.get("/")  # the page that gives the _xsrf cookie
    return answer(await client.post(path, form), f"POST {path}")


def session_cookie(client) -> str | None:
    """The header that set the session cookie in the last response, or None."""
    return next((h for h in client.set_cookies if h.startswith(COOKIE + "=")), None)


def session_id(client) -> str | None:
    """The id inside the signed cookie, or None if the signature does not hold."""
    sent = http.cookies.SimpleCookie(f"{COOKIE}={client.cookies[COOKIE]}")[COOKIE].value
    value = tornado.web.decode_signed_value(SECRET, COOKIE, sent)
    return value and value.decode()


@pytest.mark.gen_test
async def test_a_session_survives_from_one_request_to_the_next(client):
    for visits in (1, 2, 3):
        got = await post(client, "/count")
        assert got["visits"] == visits, (
            f"POST /count {visits} times with the cookie it set should count {visits}, got "
            f"{got}: the session should be loaded from the store on each request ({LOAD})")
    assert answer(await client.get("/"), "GET /")["visits"] == 3


@pytest.mark.gen_test
async def test_the_cookie_holds_a_signed_id(client):
    await post(client, "/count")
    assert COOKIE in client.cookies, (
        f"a changed session should set the {COOKIE} cookie; the response set "
        f"{client.set_cookies} ({SAVE})")
    sid = session_id(client)
    assert sid is not None, (
        f"the {COOKIE} cookie should be signed with the app's cookie_secret (Tornado's signed "
        f"values), so that nobody can choose their id; it was {client.cookies[COOKIE]!r} ({SAVE})")
    assert len(sid) >= 32, f"the id should come from secrets (32 bytes or more), got {sid!r}"


@pytest.mark.gen_test
async def test_an_unsigned_or_unknown_id_gives_a_fresh_session(client):
    for value in (secrets.token_urlsafe(32),
                  tornado.web.create_signed_value(SECRET, COOKIE,
                                                  secrets.token_urlsafe(32)).decode()):
        response = await client.get("/", cookies={COOKIE: value})
        got = answer(response, f"GET / with the made-up cookie {value!r}")
        assert got == {"user": None, "visits": 0}, (
            f"a cookie the app never issued should give an empty session, got {got} ({LOAD})")
    planted = secrets.token_urlsafe(32)
    client.cookies[COOKIE] = planted  # unsigned: what an attacker can write
    await post(client, "/count")
    assert session_id(client) not in (None, planted), (
        f"after a visit with the unsigned id {planted!r}, the session must be saved under a "
        f"signed id of the server's choosing, not that one ({LOAD})")


@pytest.mark.gen_test
async def test_login_gives_a_new_id_and_the_old_one_leads_nowhere(client, http_client,
                                                                   base_url):
    await post(client, "/count")  # a genuine session, as an attacker can get one
    planted = client.cookies[COOKIE]
    got = await post(client, "/login", name="topaz")
    assert got["user"] == "topaz" and got["visits"] == 1, (
        f"login should keep the session's data and add the user, got {got} ({FIXATION})")
    assert client.cookies[COOKIE] != planted, (
        "the session id must change at login (session.cycled), or whoever knew the id before "
        f"(or planted it in this browser) is logged in too: session fixation ({FIXATION})")
    attacker = CookieClient(http_client, base_url)
    got = answer(await attacker.get("/", cookies={COOKIE: planted}), "GET / with the old id")
    assert got == {"user": None, "visits": 0}, (
        f"the id from before the login should lead to no session any more, but it gave {got}: "
        f"delete the old record when the id changes ({FIXATION})")


@pytest.mark.gen_test
async def test_an_unchanged_session_costs_no_store_write(client, cache):
    await post(client, "/login", name="topaz")
    before = cache.writes
    for _ in range(5):
        assert answer(await client.get("/"), "GET /")["user"] == "topaz"
    assert cache.writes == before, (
        f"five GET / that read the session but change nothing made {cache.writes - before} "
        f"writes to the store; a session should be saved only when it was modified ({SAVE})")
    assert session_cookie(client) is None, (
        f"nor should an unchanged session set its cookie again: {client.set_cookies} ({SAVE})")
    await post(client, "/count")
    assert cache.writes == before + 1, (
        f"one change should be one write, got {cache.writes - before} ({SAVE})")


@pytest.mark.gen_test
async def test_a_visitor_who_changes_nothing_costs_nothing(client, cache):
    response = await client.get("/")
    assert answer(response, "GET /") == {"user": None, "visits": 0}
    assert cache.writes == 0 and session_cookie(client) is None, (
        f"an empty, unchanged session should write nothing and set no cookie; it made "
        f"{cache.writes} writes and {session_cookie(client)!r} ({SAVE})")


@pytest.mark.gen_test
async def test_expires_0_is_a_browser_session_kept_a_day_by_the_store(client, cache):
    await post(client, "/login", name="topaz")
    header = session_cookie(client)
    assert header and "httponly" in header.lower() and "samesite=lax" in header.lower(), (
        f"the session cookie should carry HttpOnly and SameSite=Lax (SESSION's httponly and "
        f"samesite), got {header!r} ({SAVE})")
    assert "expires" not in header.lower() and "max-age" not in header.lower(), (
        f"with expires = 0 the cookie should have no expiry date (a browser session), got "
        f"{header!r} ({SAVE})")
    ttl = cache.ttl(cache.make_key(f"session:1:{session_id(client)}"))
    assert ttl is not None and 86000 < ttl <= 86400, (
        f"the store should keep a browser session for session_timeout (a day), not "
        f"{ttl!r} s ({SAVE})")
    await post(client, "/login", name="topaz", remember="1")
    header = session_cookie(client) or ""
    ttl = cache.ttl(cache.make_key(f"session:1:{session_id(client)}"))
    assert "expires=" in header.lower() and ttl is not None and ttl > 29 * 86400, (
        f"after set_expire(30 days) the cookie should expire in 30 days and the store keep it "
        f"as long; got {header!r} and {ttl!r} s ({SAVE})")


@pytest.mark.gen_test
async def test_logout_forgets_the_session(client, cache):
    await post(client, "/login", name="topaz")
    key = cache.make_key(f"session:1:{session_id(client)}")
    got = await post(client, "/logout")
    assert got == {"user": None, "visits": 0}
    assert key not in cache._cache and COOKIE not in client.cookies, (
        f"flush() should delete the record and clear the cookie; the record is "
        f"{'still there' if key in cache._cache else 'gone'}, the cookie "
        f"{'still set' if COOKIE in client.cookies else 'cleared'} ({SAVE})")


@pytest.mark.gen_test
async def test_an_xsrf_403_or_a_405_is_answered_cleanly(client, caplog):
    await post(client, "/count")
    response = await client.post("/count", {}, xsrf=False)
    assert response.code == 403, f"a POST without the XSRF token: {said(response)}"
    response = await client.fetch("/count", method="PROPFIND", allow_nonstandard_methods=True)
    assert response.code == 405, f"PROPFIND /count: {said(response)}"
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR
              and r.name != "tornado.access"]
    assert not errors, (
        f"Tornado answers these before prepare(), so process_request never ran and the handler "
        f"has no session; process_response must then do nothing, but it raised: {errors} "
        f"({SAVE})")
    assert answer(await client.get("/"), "GET / afterwards")["visits"] == 1
