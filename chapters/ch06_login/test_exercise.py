"""Tests of the chapter 06 exercise. `make check-06` runs them on your exercise.py; plain
`pytest` runs them on solutions/ch06_login/exercise.py."""
import pytest
import tornado.web

from chapters.ch06_login.app import DEMO_PASSWORD
from chapters.ch06_login.client import Session

SECRET = "ch06-exercise-secret-" + "0123456789abcdef" * 2


@pytest.fixture
def app(exercise):
    return exercise.make_app(cookie_secret=SECRET)


@pytest.fixture
def session(http_client, base_url):
    return Session(http_client, base_url)


def said(response):
    return f"{response.code} {response.body.decode(errors='replace').strip()[:200]!r}"


def member_cookie(name="topaz", secret=SECRET):
    return '"%s"' % tornado.web.create_signed_value(secret, "member", name).decode()


def call_safe_next(exercise, target):
    try:
        return exercise.safe_next(target)
    except NotImplementedError:
        raise AssertionError("safe_next raised NotImplementedError: write it (step 1)") from None


# --- Step 1 --------------------------------------------------------------------------------------
@pytest.mark.parametrize("target", ["/club", "/club?tab=tea#pu-erh", "/", "/茶/%2F%2Fx"],
                         ids=["path", "query and fragment", "root", "unicode and %2F"])
def test_step1_safe_next_keeps_paths_on_this_site(exercise, target):
    result = call_safe_next(exercise, target)
    assert result == target, (
        f"safe_next({target!r}) should return it unchanged (a path on this site), got "
        f"{result!r}")


OFF_SITE = {
    "absolute": "https://evil.example/club",
    "protocol-relative": "//evil.example",
    "three slashes": "///evil.example",
    "slash backslash": "/\\evil.example",
    "backslash slash": "\\/evil.example",
    "scheme without slashes": "http:evil.example",
    "javascript": "javascript:alert(document.cookie)",
    "tab": "/\t/evil.example",
    "newline": "/\n/evil.example",
    "leading space": " //evil.example",
    "empty": "",
    "None": None,
}
WHY = {
    "slash backslash": "browsers read \\ as /",
    "backslash slash": "browsers read \\ as /",
    "tab": "browsers drop tabs from URLs, leaving //evil.example",
    "newline": "browsers drop newlines from URLs, leaving //evil.example",
    "leading space": "browsers drop leading spaces from URLs",
    "three slashes": "///evil.example is evil.example to a browser",
}


@pytest.mark.parametrize("name, target", OFF_SITE.items(), ids=OFF_SITE.keys())
def test_step1_safe_next_refuses_other_sites(exercise, name, target):
    result = call_safe_next(exercise, target)
    assert result == "/", (
        f"safe_next({target!r}) should return '/', got {result!r}: "
        f"{WHY.get(name, 'only a path starting with exactly one / stays on this site')}")


# --- Step 2 --------------------------------------------------------------------------------------
@pytest.mark.gen_test
async def test_step2_current_user_is_the_name_in_the_signed_cookie(session):
    response = await session.get("/whoami", headers={"Cookie": f"member={member_cookie()}"})
    hint = ""
    if b"b'topaz'" in response.body:
        hint = ": get_signed_cookie returns bytes; decode them"
    assert response.body == b"current_user = 'topaz'", (
        f"GET /whoami with a signed member=topaz cookie should say current_user = 'topaz', got "
        f"{said(response)}{hint or ': read it with self.get_signed_cookie(COOKIE)'}")
    for cookie, what in [
        (None, "no cookie"),
        (f"member={member_cookie(secret='someone-else-' * 4)}", "a cookie signed with another secret"),
        ("member=topaz", "an unsigned cookie"),
    ]:
        response = await session.get("/whoami", headers={"Cookie": cookie} if cookie else {})
        assert response.body == b"current_user = None", (
            f"GET /whoami with {what} should say current_user = None, got {said(response)}: "
            "use get_signed_cookie (never get_cookie) and return None when it returns None")


# --- Step 3 --------------------------------------------------------------------------------------
@pytest.mark.gen_test
async def test_step3_visitors_are_sent_to_the_login_page(session):
    response = await session.get("/club")
    location = response.headers.get("Location")
    assert response.code == 302 and location == "/login?next=%2Fclub", (
        f"GET /club without a cookie should redirect to /login?next=%2Fclub, got {said(response)} "
        f"Location={location!r}: put @tornado.web.authenticated above ClubHandler.get"
        + (" and login_url='/login' in make_app's settings" if response.code == 500 else ""))


@pytest.mark.gen_test
async def test_step3_members_get_in(session):
    response = await session.get("/club", headers={"Cookie": f"member={member_cookie()}"})
    assert response.code == 200 and response.body == b"Welcome to the club, topaz", (
        f"GET /club with a signed member=topaz cookie should say 'Welcome to the club, topaz', "
        f"got {said(response)}: steps 2 and 3")


# --- Step 4 --------------------------------------------------------------------------------------
@pytest.mark.gen_test
async def test_step4_login_goes_back_to_next_but_never_off_site(session):
    for target, expected in [("/club?tab=tea", "/club?tab=tea"), ("//evil.example", "/"),
                             ("https://evil.example/", "/"), ("/\\evil.example", "/")]:
        response = await session.log_in("topaz", DEMO_PASSWORD, next=target)
        location = response.headers.get("Location")
        assert response.code == 302 and location == expected, (
            f"logging in with next={target!r} should redirect to {expected!r}, got "
            f"{said(response)} Location={location!r}: in LoginHandler.post, "
            "self.redirect(safe_next(self.get_body_argument('next', None)))"
            + (" (and write safe_next, step 1)" if response.code == 500 else ""))
