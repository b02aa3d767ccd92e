"""Tests of the chapter 06 exercise. `make check-06` runs them on your exercise.py; plain
`pytest` runs them on solutions/ch06_login/exercise.py."""
import pytest
import tornado.web

from chapters.ch06_login.users import DEMO_PASSWORD
from workbook.testing import CookieClient

SECRET = "ch06-exercise-secret-" + "0123456789abcdef" * 2
NEXT = "lesson §5, next: back where you were, never to another site"
WHO = "lesson §2, 实例2: get_current_user"
AUTHENTICATED = "lesson §2, 实例2: the decorator that protects a page"
COOKIE_FLAGS = "lesson §2 (the login cookie's flags) and §6 (CSRF)"


@pytest.fixture
def app(exercise):
    return exercise.make_app(cookie_secret=SECRET)


@pytest.fixture
def session(http_client, base_url):
    return CookieClient(http_client, base_url)


def said(response):
    return f"{response.code} {response.body.decode(errors='replace').strip()[:200]!r}"


def member_cookie(name="topaz", secret=SECRET):
    return '"%s"' % tornado.web.create_signed_value(secret, "member", name).decode()


async def log_in(session, username, password, next=None, xsrf=True):
    """What a browser does: GET the login page (it sets the _xsrf cookie), then POST the form."""
    await session.get("/login")
    fields = {"username": username, "password": password}
    if next is not None:
        fields["next"] = next
    return await session.post("/login", fields, xsrf=xsrf)


def call_safe_next(exercise, *args):
    try:
        return exercise.safe_next(*args)
    except NotImplementedError:
        raise AssertionError(f"safe_next raised NotImplementedError: it is not written yet "
                             f"(step 1, {NEXT})") from None


# --- Step 1 --------------------------------------------------------------------------------------
@pytest.mark.parametrize("target", ["/club", "/club?tab=tea#pu-erh", "/", "/茶/%2F%2Fx"],
                         ids=["path", "query and fragment", "root", "unicode and %2F"])
def test_step1_safe_next_keeps_paths_on_this_site(exercise, target):
    result = call_safe_next(exercise, target)
    assert result == target, (
        f"safe_next({target!r}) should return it unchanged (a path on this site), got "
        f"{result!r} ({NEXT})")


OFF_SITE = {
    "absolute": "https://evil.example/club",
    "protocol-relative": "//evil.example",
    "three slashes": "///evil.example",
    "slash backslash": "/\\evil.example",
    "backslash slash": "\\/evil.example",
    "scheme without slashes": "http:evil.example",
    "javascript": "javascript:alert(document.cookie)",
    "relative name": "evil.example/club",
    "relative dot": "./club",
    "tab": "/\t/evil.example",
    "newline": "/\n/evil.example",
    "carriage return": "/\r/evil.example",
    "NUL": "/\x00/evil.example",
    "DEL": "/\x7f/evil.example",
    "C0 0x01": "/club\x01",
    "C0 0x1f": "/\x1f/evil.example",
    "leading space": " //evil.example",
    "empty": "",
    "None": None,
}
WHY = {
    "slash backslash": "browsers read \\ as /",
    "backslash slash": "browsers read \\ as /",
    "relative name": "it does not start with /, so it is not a path on this site: a browser "
                     "resolves it against whatever page sent the redirect",
    "relative dot": "it does not start with /: a relative reference, not a path on this site",
    "tab": "browsers drop tabs from URLs, leaving //evil.example",
    "newline": "browsers drop newlines from URLs, leaving //evil.example",
    "carriage return": "browsers drop carriage returns from URLs, leaving //evil.example",
    "NUL": "no control character belongs in a path, and Tornado cannot send this one in a "
           "Location header (a 500)",
    "DEL": "no control character belongs in a path, DEL (0x7f) included",
    "C0 0x01": "no control character (0x00 to 0x1f) belongs in a path",
    "C0 0x1f": "no control character (0x00 to 0x1f) belongs in a path",
    "leading space": "browsers drop leading spaces from URLs",
    "three slashes": "///evil.example is evil.example to a browser",
}


@pytest.mark.parametrize("name, target", OFF_SITE.items(), ids=OFF_SITE.keys())
def test_step1_safe_next_refuses_other_sites(exercise, name, target):
    result = call_safe_next(exercise, target)
    assert result == "/", (
        f"safe_next({target!r}) should return '/', got {result!r}: "
        f"{WHY.get(name, 'only a path starting with exactly one / stays on this site')} ({NEXT})")


def test_step1_safe_next_returns_its_default(exercise):
    result = call_safe_next(exercise, "//evil.example", "/home")
    assert result == "/home", (
        f"safe_next('//evil.example', default='/home') should return '/home', got {result!r}: "
        f"what is refused becomes the default ({NEXT})")


# --- Step 2 --------------------------------------------------------------------------------------
@pytest.mark.gen_test
async def test_step2_current_user_is_the_name_in_the_signed_cookie(session):
    response = await session.get("/whoami", cookies={"member": member_cookie()})
    hint = ""
    if b"b'topaz'" in response.body:
        hint = ": a signed cookie's value comes back as bytes, and a name is a str"
    assert response.body == b"current_user = 'topaz'", (
        f"GET /whoami with a signed member=topaz cookie should say current_user = 'topaz', got "
        f"{said(response)}{hint} ({WHO})")
    for cookie, what in [
        (None, "no cookie"),
        (member_cookie(secret="someone-else-" * 4), "a cookie signed with another secret"),
        ("topaz", "an unsigned cookie"),
    ]:
        response = await session.get("/whoami", cookies={"member": cookie} if cookie else None)
        assert response.body == b"current_user = None", (
            f"GET /whoami with {what} should say current_user = None, got {said(response)}: "
            f"only a cookie this server signed names a user ({WHO})")


# --- Step 3 --------------------------------------------------------------------------------------
@pytest.mark.gen_test
async def test_step3_visitors_are_sent_to_the_login_page(session):
    response = await session.get("/club")
    location = response.headers.get("Location")
    why = (": the decorator needs a setting that says where the login page is"
           if response.code == 500 else "")
    assert response.code == 302 and location == "/login?next=%2Fclub", (
        f"GET /club without a cookie should redirect to /login?next=%2Fclub, got {said(response)} "
        f"Location={location!r}{why} ({AUTHENTICATED})")


@pytest.mark.gen_test
async def test_step3_members_get_in(session):
    response = await session.get("/club", cookies={"member": member_cookie()})
    assert response.code == 200 and response.body == b"Welcome to the club, topaz", (
        f"GET /club with a signed member=topaz cookie should say 'Welcome to the club, topaz', "
        f"got {said(response)} (steps 2 and 3, {WHO})")


# --- Step 4 --------------------------------------------------------------------------------------
def went(response) -> str:
    return f"{said(response)} Location={response.headers.get('Location')!r}"


@pytest.mark.gen_test
async def test_step4_login_goes_back_to_next_but_never_off_site(session):
    for target, expected in [("/club?tab=tea", "/club?tab=tea"), ("//evil.example", "/"),
                             ("https://evil.example/", "/"), ("/\\evil.example", "/")]:
        response = await log_in(session, "topaz", DEMO_PASSWORD, next=target)
        assert response.code == 302 and response.headers.get("Location") == expected, (
            f"logging in with next={target!r} should redirect to {expected!r}, got "
            f"{went(response)}: the login form's hidden next field is as much the attacker's as "
            f"the query string ({NEXT})")


@pytest.mark.gen_test
async def test_step4_a_wrong_password_gets_nowhere(session):
    for username, password in [("topaz", DEMO_PASSWORD + "x"), ("nobody", DEMO_PASSWORD)]:
        response = await log_in(session, username, password, next="/club")
        assert response.code == 403 and "member" not in session.cookies, (
            f"logging in as {username!r} with a wrong password should be a 403 that sets no "
            f"member cookie, got {went(response)}, Set-Cookie {session.set_cookies} "
            "(lesson §3, passwords)")
    response = await log_in(session, "topaz", DEMO_PASSWORD, next="/club")
    assert response.code == 302 and response.headers.get("Location") == "/club", (
        f"then logging in with the right password and next=/club should redirect to /club, got "
        f"{went(response)} ({NEXT})")


@pytest.mark.gen_test
async def test_step4_the_login_cookie_is_signed_httponly_and_samesite(session):
    response = await log_in(session, "topaz", DEMO_PASSWORD, next="/club")
    assert response.headers.get("Location") == "/club", (
        f"logging in with next=/club should redirect to /club, got {went(response)} ({NEXT})")
    headers = [h for h in session.set_cookies if h.startswith("member=")]
    assert headers, f"logging in should set the member cookie, got Set-Cookie {session.set_cookies}"
    value = session.cookies["member"].strip('"')
    assert tornado.web.decode_signed_value(SECRET, "member", value) == b"topaz", (
        f"the member cookie should be 'topaz' signed with the app's secret, got {headers[0]}")
    assert "HttpOnly" in headers[0] and "SameSite=Lax" in headers[0], (
        f"the member cookie should be HttpOnly and SameSite=Lax, got {headers[0]} ({COOKIE_FLAGS})")
    club = await session.get("/club")
    assert club.code == 200 and club.body == b"Welcome to the club, topaz", (
        f"with that cookie, GET /club should let topaz in, got {said(club)} ({WHO})")


@pytest.mark.gen_test
async def test_step4_a_login_without_the_xsrf_token_is_refused(session):
    response = await log_in(session, "topaz", DEMO_PASSWORD, next="/club", xsrf=False)
    assert response.code == 403 and "member" not in session.cookies, (
        f"a login POST without the _xsrf token (what a form on another site sends) should be a "
        f"403 that sets no cookie, got {said(response)} ({COOKIE_FLAGS})")
    response = await log_in(session, "topaz", DEMO_PASSWORD, next="/club")
    assert response.code == 302 and response.headers.get("Location") == "/club", (
        f"with the token, the same login with next=/club should redirect to /club, got "
        f"{went(response)} ({NEXT})")
