"""Chapter 12 in Chromium: HttpOnly is a promise only a browser keeps. The login form works, the
session cookie is sent back, and the page's own scripts cannot see it."""
import pytest

from chapters.ch12_session.app import make_app
from workbook.net import live_server

pytestmark = pytest.mark.browser


def test_the_session_cookie_works_but_scripts_cannot_read_it(page):
    with live_server(make_app()) as base:  # the in-process store: no server needed
        page.goto(base + "/cache/login")
        page.fill("input[name=username]", "topaz")
        page.fill("input[name=password]", "tornado")
        page.click("button")
        page.wait_for_url(base + "/cache/")
        assert page.inner_text("#who") == "Logged in as topaz."
        page.reload()
        assert page.inner_text("#visits") == "Visits in this session: 2"

        [session] = [c for c in page.context.cookies() if c["name"] == "__sessionId__"]
        assert session["httpOnly"] and session["sameSite"] == "Lax"
        assert session["path"] == "/cache/"
        script_sees = page.evaluate("document.cookie")
        assert "_xsrf=" in script_sees  # a script sees ordinary cookies...
        assert "__sessionId__" not in script_sees  # ...but not the HttpOnly one


def test_a_wrong_password_shows_the_form_again(page):
    with live_server(make_app()) as base:
        page.goto(base + "/cache/login")
        page.fill("input[name=username]", "topaz")
        page.fill("input[name=password]", "nope")
        page.click("button")
        assert page.inner_text("#error") == "wrong username or password"
        assert not [c for c in page.context.cookies() if c["name"] == "__sessionId__"]
