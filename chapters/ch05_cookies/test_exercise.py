"""Tests of the chapter 05 exercise. `make check-05` runs them on your exercise.py; plain
`pytest` runs them on solutions/ch05_cookies/exercise.py."""
import base64
import email.utils
import json
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from tornado.web import create_signed_value, decode_signed_value

SECRET = "exercise-secret-for-tests-only-0123456789abcdef"  # the tests' own; never a real one
DAY = 86400
SIGNED = "lesson §3, 加密cookie"
ATTRIBUTES = "lesson §2, the attributes of set_cookie"
PLAIN = "lesson §1, cookie (a plain cookie is whatever the client sends)"


@pytest.fixture
def app(exercise):
    return exercise.make_app(cookie_secret=SECRET)


def said(response):
    return f"{response.code} {response.body.decode(errors='replace').strip()[:200]!r}"


def set_cookie(response, name):
    """The Morsel of the Set-Cookie header for name in response, or None."""
    for header in response.headers.get_list("Set-Cookie"):
        jar = SimpleCookie()
        jar.load(header)
        if name in jar:
            return jar[name]
    return None


def visits_cookie(value: str) -> str:
    """A Cookie header carrying value as the visits cookie (quoted, as browsers send it back)."""
    return f'visits="{value}"'


def days_after(response, http_date: str) -> float:
    """How many days after the response's Date http_date is."""
    sent = email.utils.parsedate_to_datetime(response.headers["Date"])
    return (email.utils.parsedate_to_datetime(http_date) - sent).total_seconds() / DAY


async def visits(fetch, cookie=None):
    response = await fetch("/visits", cookie=cookie)
    assert response.code == 200, f"GET /visits should answer 200, got {said(response)}"
    return response, json.loads(response.body)


@pytest.mark.gen_test
async def test_step1_first_visit_counts_one_in_a_signed_cookie(fetch):
    response, body = await visits(fetch)
    assert body == {"visits": 1}, f"a first visit should answer {{'visits': 1}}, got {body}"
    morsel = set_cookie(response, "visits")
    assert morsel is not None, (
        f"GET /visits should set a cookie 'visits', got Set-Cookie "
        f"{response.headers.get_list('Set-Cookie')} ({SIGNED})")
    assert decode_signed_value(SECRET, "visits", morsel.value) == b"1", (
        f"the cookie 'visits' should hold the count 1 signed with the app's cookie_secret, got "
        f"{morsel.value!r}, which that secret does not vouch for: a plain cookie is not signed "
        f"({SIGNED})")


@pytest.mark.gen_test
async def test_step2_the_cookie_brings_the_count_back(fetch):
    cookie, counts = None, []
    for _ in range(3):
        response, body = await visits(fetch, cookie)
        counts.append(body.get("visits"))
        morsel = set_cookie(response, "visits")
        assert morsel is not None, f"every visit should set the cookie again, got {said(response)}"
        cookie = visits_cookie(morsel.value)
    assert counts == [1, 2, 3], (
        f"three visits, each sending back the last cookie, should count [1, 2, 3], got {counts}: "
        f"the count comes back in the signed cookie ({SIGNED})")

    recent = create_signed_value(SECRET, "visits", "41", clock=lambda: time.time() - 29 * DAY)
    _, body = await visits(fetch, visits_cookie(recent.decode()))
    assert body == {"visits": 42}, (
        f"a cookie signed 29 days ago holding 41 should count on to 42, got {body}: it is "
        f"younger than MAX_AGE_DAYS (30), so the server still vouches for it ({SIGNED}, "
        "the two lifetimes)")


def _edited() -> str:
    # A genuine cookie holding 41, its base64 value swapped for 99's: the signature is unchanged.
    genuine = create_signed_value(SECRET, "visits", "41").decode()
    assert "|4:NDE=|" in genuine
    return genuine.replace("|4:NDE=|", "|4:" + base64.b64encode(b"99").decode() + "|")


@pytest.mark.gen_test
@pytest.mark.parametrize("cookie", [
    _edited(),
    create_signed_value("another-secret-that-is-not-the-apps-0123456789", "visits", "99").decode(),
    "99",
    create_signed_value(SECRET, "visits", "99", clock=lambda: time.time() - 30.5 * DAY).decode(),
    create_signed_value(SECRET, "other", "99").decode(),
    create_signed_value(SECRET, "visits", "many").decode(),
], ids=["edited value", "forged with another secret", "unsigned", "older than MAX_AGE_DAYS",
        "signed for another cookie name", "signed but not a number"])
async def test_step3_a_cookie_the_server_cannot_vouch_for_counts_as_a_first_visit(fetch, cookie):
    response = await fetch("/visits", cookie=visits_cookie(cookie))
    assert response.code == 200, (
        f"GET /visits with a bad cookie should answer 200 (a first visit), got {said(response)}")
    assert json.loads(response.body) == {"visits": 1}, (
        f"a cookie the server cannot vouch for should count as a first visit, {{'visits': 1}}, "
        f"got {said(response)}. Which cookies the server refuses, and how old one may be, is in "
        f"{SIGNED}; a signed value is still not always a number")


@pytest.mark.gen_test
async def test_step4_the_visits_cookie_has_safe_attributes(fetch):
    response = await fetch("/visits")
    morsel = set_cookie(response, "visits")
    assert morsel is not None, f"GET /visits should set the cookie 'visits', got {said(response)}"
    header = [h for h in response.headers.get_list("Set-Cookie") if h.startswith("visits=")]
    assert morsel["httponly"], f"the visits cookie should be HttpOnly, got {header} ({ATTRIBUTES})"
    assert morsel["samesite"] == "Lax", (
        f"the visits cookie should be SameSite=Lax, got {header} ({ATTRIBUTES})")
    assert morsel["path"] == "/", f"the visits cookie should have Path=/, got {header}"
    assert morsel["expires"], (
        f"the visits cookie should expire in MAX_AGE_DAYS (30) days, got {header} ({ATTRIBUTES})")
    days = days_after(response, morsel["expires"])
    assert abs(days - 30) < 0.01, (
        f"the visits cookie should expire MAX_AGE_DAYS (30) days after the response, it expires "
        f"{days:.2f} days after ({ATTRIBUTES})")


@pytest.mark.gen_test
async def test_step5_the_theme_is_remembered_in_a_plain_cookie(fetch):
    response = await fetch("/theme", method="POST", body=urlencode({"theme": "dark"}))
    assert response.code == 200 and json.loads(response.body) == {"theme": "dark"}, (
        f"POST /theme with theme=dark should answer {{'theme': 'dark'}}, got {said(response)}")
    morsel = set_cookie(response, "theme")
    header = response.headers.get_list("Set-Cookie")
    assert morsel is not None and morsel.value == "dark", (
        f"POST /theme should set the plain cookie theme=dark, got {header} ({PLAIN})")
    assert morsel["max-age"] == str(365 * DAY), (
        f"the theme cookie should have Max-Age={365 * DAY} (ONE_YEAR, in seconds), got {header} "
        f"({ATTRIBUTES})")
    assert morsel["path"] == "/" and morsel["samesite"] == "Lax", (
        f"the theme cookie should have Path=/ and SameSite=Lax, got {header} ({ATTRIBUTES})")
    assert not morsel["httponly"], (
        f"the theme cookie must not be HttpOnly (the page's JavaScript reads it), got {header} "
        "(lesson §6, JavaScript操作Cookie)")


@pytest.mark.gen_test
@pytest.mark.parametrize("body", [{"theme": "pink"}, {"theme": "<script>"}, {}],
                         ids=["pink", "markup", "no theme"])
async def test_step5_anything_but_a_known_theme_is_a_400(fetch, body):
    response = await fetch("/theme", method="POST", body=urlencode(body))
    assert response.code == 400, (
        f"POST /theme with {body} should be a 400 (only the THEMES are known), got "
        f"{said(response)} (lesson §7, step 5)")
    assert set_cookie(response, "theme") is None, (
        f"a refused theme must not be stored, got Set-Cookie {response.headers.get_list('Set-Cookie')}")
    if body:
        assert body["theme"] in response.body.decode(), (
            f"the 400 should name the theme it refused, got {said(response)}")


@pytest.mark.gen_test
@pytest.mark.parametrize("cookie, theme", [
    ("theme=dark", "dark"),
    ("theme=light", "light"),
    (None, "light"),
    ("theme=pink", "light"),
    ("theme=%3Cscript%3E", "light"),
], ids=["dark", "light", "no cookie", "unknown", "markup"])
async def test_step6_the_theme_is_read_back_from_the_cookie(fetch, cookie, theme):
    response = await fetch("/theme", cookie=cookie)
    assert response.code == 200 and json.loads(response.body) == {"theme": theme}, (
        f"GET /theme with Cookie {cookie!r} should answer {{'theme': {theme!r}}}, got "
        f"{said(response)}: the client can send any value, and one that is not in THEMES means "
        f"'light' ({PLAIN})")


@pytest.mark.gen_test
async def test_step4_both_lifetimes_follow_max_age_days(exercise, fetch, monkeypatch):
    monkeypatch.setattr(exercise, "MAX_AGE_DAYS", 10)  # the constant, not a 30 written out
    response, body = await visits(fetch)
    morsel = set_cookie(response, "visits")
    assert morsel is not None and morsel["expires"], (
        f"GET /visits should set the cookie 'visits' with an expiry, got {said(response)}")
    days = days_after(response, morsel["expires"])
    assert abs(days - 10) < 0.01, (
        f"with MAX_AGE_DAYS = 10 the visits cookie should expire 10 days after the response, it "
        f"expires {days:.2f} days after: the browser's lifetime comes from MAX_AGE_DAYS "
        f"({ATTRIBUTES})")
    old = create_signed_value(SECRET, "visits", "41", clock=lambda: time.time() - 10.5 * DAY)
    _, body = await visits(fetch, visits_cookie(old.decode()))
    assert body == {"visits": 1}, (
        f"with MAX_AGE_DAYS = 10 a cookie signed 10.5 days ago should count as a first visit, got "
        f"{body}: the server's lifetime comes from MAX_AGE_DAYS too ({SIGNED}, the two lifetimes)")
