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
        f"{response.headers.get_list('Set-Cookie')}: call self.set_signed_cookie('visits', ...)")
    assert decode_signed_value(SECRET, "visits", morsel.value) == b"1", (
        f"the cookie 'visits' should be the count 1 signed with the app's cookie_secret, got "
        f"{morsel.value!r}: use set_signed_cookie, not set_cookie")


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
        "read the count with self.get_signed_cookie('visits') and add one")

    recent = create_signed_value(SECRET, "visits", "41", clock=lambda: time.time() - 29 * DAY)
    _, body = await visits(fetch, visits_cookie(recent.decode()))
    assert body == {"visits": 42}, (
        f"a cookie signed 29 days ago holding 41 should count on to 42, got {body}: it is "
        "younger than MAX_AGE_DAYS, pass max_age_days=MAX_AGE_DAYS to get_signed_cookie")


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
        f"got {said(response)}: get_signed_cookie returns None for it (with "
        "max_age_days=MAX_AGE_DAYS), and int() of a value that is not a number raises ValueError")


@pytest.mark.gen_test
async def test_step4_the_visits_cookie_has_safe_attributes(fetch):
    response = await fetch("/visits")
    morsel = set_cookie(response, "visits")
    assert morsel is not None, f"GET /visits should set the cookie 'visits', got {said(response)}"
    header = [h for h in response.headers.get_list("Set-Cookie") if h.startswith("visits=")]
    assert morsel["httponly"], f"the visits cookie should be HttpOnly, got {header}: httponly=True"
    assert morsel["samesite"] == "Lax", (
        f"the visits cookie should be SameSite=Lax, got {header}: samesite='Lax'")
    assert morsel["path"] == "/", f"the visits cookie should have Path=/, got {header}"
    assert morsel["expires"], (
        f"the visits cookie should expire in {30} days, got {header}: expires_days=MAX_AGE_DAYS")
    expires = email.utils.parsedate_to_datetime(morsel["expires"])
    sent = email.utils.parsedate_to_datetime(response.headers["Date"])
    days = (expires - sent).total_seconds() / DAY
    assert abs(days - 30) < 0.01, (
        f"the visits cookie should expire MAX_AGE_DAYS (30) days after the response, it expires "
        f"{days:.2f} days after: expires_days=MAX_AGE_DAYS")


@pytest.mark.gen_test
async def test_step5_the_theme_is_remembered_in_a_plain_cookie(fetch):
    response = await fetch("/theme", method="POST", body=urlencode({"theme": "dark"}))
    assert response.code == 200 and json.loads(response.body) == {"theme": "dark"}, (
        f"POST /theme with theme=dark should answer {{'theme': 'dark'}}, got {said(response)}")
    morsel = set_cookie(response, "theme")
    header = response.headers.get_list("Set-Cookie")
    assert morsel is not None and morsel.value == "dark", (
        f"POST /theme should set the cookie theme=dark, got {header}: self.set_cookie")
    assert morsel["max-age"] == str(365 * DAY), (
        f"the theme cookie should have Max-Age={365 * DAY} (one year), got {header}: "
        "max_age=ONE_YEAR")
    assert morsel["path"] == "/" and morsel["samesite"] == "Lax", (
        f"the theme cookie should have Path=/ and SameSite=Lax, got {header}")
    assert not morsel["httponly"], (
        f"the theme cookie must not be HttpOnly (the page's JavaScript reads it), got {header}")


@pytest.mark.gen_test
@pytest.mark.parametrize("body", [{"theme": "pink"}, {"theme": "<script>"}, {}],
                         ids=["pink", "markup", "no theme"])
async def test_step5_anything_but_a_known_theme_is_a_400(fetch, body):
    response = await fetch("/theme", method="POST", body=urlencode(body))
    assert response.code == 400, (
        f"POST /theme with {body} should be a 400, got {said(response)}: refuse what is not in "
        "THEMES with tornado.web.HTTPError(400, ...)")
    assert set_cookie(response, "theme") is None, "a refused theme must not be stored"
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
        f"{said(response)}: a value that is not in THEMES means 'light'")
