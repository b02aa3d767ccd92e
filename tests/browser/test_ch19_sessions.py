"""Chapter 19 in Chromium: the login through SessionMiddleware, and the session cookie as a
browser keeps it: signed, HttpOnly, SameSite=Lax, a browser-session cookie (expires = 0) unless
"remember me" asks for 30 days, gone at logout."""
import time

import pytest

from chapters.ch19_sessions.app import make_app
from workbook.net import live_server

pytestmark = pytest.mark.browser


def log_in(page, base, remember=False):
    page.goto(base + "/login")
    page.fill("input[name=name]", "topaz")
    page.fill("input[name=password]", "tornado")
    if remember:
        page.check("input[name=remember]")
    page.click("form[action='/login'] button")
    page.wait_for_url(base + "/counter")


def session_cookie(page):
    return next((c for c in page.context.cookies() if c["name"] == "__TORNADOSSID"), None)


def test_login_counter_and_logout_with_the_cookie_a_script_cannot_read(page, redis_url,
                                                                        tmp_path):
    with live_server(make_app(redis_url=redis_url, data_dir=tmp_path)) as base:
        log_in(page, base)
        assert page.inner_text("h1") == "1"
        page.reload()
        assert page.inner_text("h1") == "2"
        cookie = session_cookie(page)
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/"
        assert cookie["expires"] == -1  # a browser-session cookie
        assert cookie["value"].strip('"').startswith("2|")  # a signed value (quoted: it has =)
        assert "__TORNADOSSID" not in page.evaluate("document.cookie")
        page.click("text=log out")
        page.wait_for_url(base + "/")
        assert session_cookie(page) is None and "not logged in" in page.inner_text("body")


def test_remember_me_keeps_the_cookie_30_days(page, redis_url, tmp_path):
    with live_server(make_app(redis_url=redis_url, data_dir=tmp_path)) as base:
        log_in(page, base, remember=True)
        days = (session_cookie(page)["expires"] - time.time()) / 86400
        assert 29.9 < days <= 30
