"""Chapter 05 in Chromium: what a browser does with cookie attributes, and JavaScript操作Cookie —
the notes' setCookie and its fix, document.cookie, and HttpOnly. Only a real browser stores
cookies, applies Path/Domain/SameSite, and runs the page's script."""
import json
import time
from urllib.parse import unquote

import pytest

from chapters.ch05_cookies.app import make_app
from workbook.net import live_server

pytestmark = pytest.mark.browser

SECRET = "browser-test-secret-0123456789abcdefghijklmnop"


@pytest.fixture
def base():
    with live_server(make_app(cookie_secret=SECRET)) as url:
        yield url


def received(page, path):
    """The cookies the server received for a fetch() of path from the page."""
    return page.evaluate("path => fetch(path).then(r => r.json())", path)["cookies"]


def stored(page, name):
    [cookie] = [c for c in page.context.cookies() if c["name"] == name]
    return cookie


# --- JavaScript操作Cookie -----------------------------------------------------------------------------
def test_httponly_cookie_is_invisible_to_javascript_but_reaches_the_server(page, base):
    page.goto(base + "/js/page")
    seen_by_script = page.evaluate("document.cookie")
    assert "js_visible=1" in seen_by_script and "js_hidden" not in seen_by_script
    assert page.inner_text("#document-cookie") == seen_by_script  # what the page shows
    assert page.evaluate("getCookie('js_hidden')") is None
    assert stored(page, "js_hidden")["httpOnly"] is True  # the browser has it...
    assert received(page, "/echo")["js_hidden"] == "1"  # ...and sends it


def test_javascript_cannot_overwrite_an_httponly_cookie(page, base):
    page.goto(base + "/js/page")
    page.evaluate("document.cookie = 'js_hidden=evil; path=/'")
    assert received(page, "/echo")["js_hidden"] == "1"


def test_notes_setcookie_ignores_expires_and_takes_the_page_directory(page, base):
    page.goto(base + "/js/page")
    before = time.time()
    page.evaluate("notesSetCookie('notes_cookie', 'hello', 3600)")  # asks for an hour
    cookie = stored(page, "notes_cookie")
    assert 0 < cookie["expires"] - before <= 6  # gets 5 seconds
    assert cookie["path"] == "/js"  # no path given: the directory of /js/page
    assert "notes_cookie" not in received(page, "/echo")
    assert received(page, "/js/echo")["notes_cookie"] == "hello"  # the leading space is trimmed


def test_notes_setcookie_cuts_a_value_at_a_semicolon(page, base):
    page.goto(base + "/js/page")
    page.evaluate("notesSetCookie('note', 'a;b', 3600)")
    assert received(page, "/js/echo")["note"] == "a"


@pytest.mark.parametrize("value", ["dark", "dark mode; x=1", "茶 & <b>"])
def test_fixed_setcookie_keeps_the_value_path_and_lifetime(page, base, value):
    page.goto(base + "/js/page")
    before = time.time()
    page.evaluate("value => setCookie('theme', value, 3600)", value)
    cookie = stored(page, "theme")
    assert 3590 < cookie["expires"] - before <= 3601
    assert cookie["path"] == "/" and cookie["sameSite"] == "Lax"
    cookies = received(page, "/echo")  # read back on the server, from another path
    assert cookies["js_visible"] == "1"  # one assignment sets one cookie; the others stay
    raw = cookies["theme"]
    assert unquote(raw) == value  # encodeURIComponent in JS, urllib.parse.unquote in Python
    assert page.evaluate("getCookie('theme')") == value


def test_fixed_setcookie_options_path_and_secure(page, base):
    page.goto(base + "/js/page")
    page.evaluate("setCookie('scoped', '1', 60, {path: '/echo/scoped', secure: true})")
    cookie = stored(page, "scoped")
    assert cookie["path"] == "/echo/scoped" and cookie["secure"] is True
    assert "scoped" not in received(page, "/echo")
    assert received(page, "/echo/scoped")["scoped"] == "1"


def test_the_page_buttons_set_cookies_and_show_document_cookie(page, base):
    page.goto(base + "/js/page")
    page.fill("#cookie-name", "lang")
    page.fill("#cookie-value", "zh")
    page.click("#fixed")
    assert "lang=zh" in page.inner_text("#document-cookie")
    assert received(page, "/echo")["lang"] == "zh"


# --- set_cookie's attributes, as a browser applies them ---------------------------------------
def test_path_limits_where_a_cookie_is_sent(page, base):
    page.goto(base + "/attributes")
    assert "path_demo" not in received(page, "/echo")
    assert received(page, "/echo/scoped")["path_demo"] == "1"


def test_the_attributes_page_sees_its_cookies_on_the_next_request(page, base):
    page.goto(base + "/attributes")
    assert page.inner_text("#received") == "none"
    page.reload()
    assert page.inner_text("#received") == ", ".join(sorted([
        "expires_demo", "httponly_demo", "lax_demo", "max_age_demo", "secure_demo",
        "session_only", "strict_demo"]))  # not path_demo: Path=/echo/scoped


def test_secure_cookies_are_kept_on_loopback_http(page, base):
    # Secure means HTTPS only, but Chromium treats http://127.0.0.1 and localhost as secure.
    page.goto(base + "/attributes")
    assert stored(page, "secure_demo")["secure"] is True
    assert received(page, "/echo")["secure_demo"] == "1"


def test_samesite_on_a_link_from_another_site(page, base):
    page.goto(base + "/attributes")
    port = base.rsplit(":", 1)[1]
    # http://localhost and http://127.0.0.1 are different sites: navigate from one to the other
    page.goto(f"http://localhost:{port}/js/page")
    page.evaluate("url => { location.href = url; }", base + "/echo")
    page.wait_for_url(base + "/echo")
    cookies = json.loads(page.inner_text("body"))["cookies"]
    assert cookies["lax_demo"] == "1"  # Lax: sent when following a link from another site
    assert "strict_demo" not in cookies  # Strict: never sent on a request another site started


def test_domain_shares_a_cookie_with_subdomains(page, base):
    port = base.rsplit(":", 1)[1]
    page.goto(f"http://shop.localhost:{port}/attributes")  # *.localhost is loopback in Chromium
    page.goto(f"http://api.shop.localhost:{port}/echo")
    cookies = json.loads(page.inner_text("body"))["cookies"]
    assert cookies == {"domain_demo": "1"}  # every other cookie was host-only


# --- 加密cookie in a browser ------------------------------------------------------------------------
def test_signed_cookie_round_trip_in_a_browser(page, base):
    page.goto(base + "/signed")
    assert page.inner_text("body").startswith("Your signed cookie was not set yet!")
    page.reload()
    assert page.inner_text("body") == (
        "Your signed cookie was set! get_signed_cookie('role') returned b'guest'")
    assert "role" not in page.evaluate("document.cookie")  # HttpOnly
    assert stored(page, "role")["value"].startswith('"2|1:0|10:')  # the quotes are kept
