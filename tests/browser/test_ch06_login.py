"""Chapter 06 in Chromium: the login flow (next, logout), the page's fetch() with the
X-XSRFToken header, the form validation messages, and the attacks a browser makes possible:
a page on another origin (a second server, on another port) that forges a form POST, and an
open redirect that takes a freshly logged-in user to it."""
from urllib.parse import urlencode

import pytest
import tornado.web

from chapters.ch06_login import naive
from chapters.ch06_login.app import make_app
from chapters.ch06_login.test_app import LEAVES_SITE, ON_SITE
from chapters.ch06_login.users import DEMO_PASSWORD, demo_users
from workbook.net import live_server

pytestmark = pytest.mark.browser

SECRET = "ch06-browser-secret-" + "0123456789abcdef" * 2
EVIL = "attacker@evil.example"


class ForgedFormPage(tornado.web.RequestHandler):
    """The attacker's page: on load, it submits a form to the target's /email."""

    def initialize(self, target: str) -> None:
        self.target = target

    def get(self):
        self.write(f"""<!DOCTYPE html><title>You won a prize</title>
<form id="f" method="POST" action="{self.target}/email">
  <input type="hidden" name="email" value="{EVIL}"/>
</form>
<script>document.getElementById("f").submit();</script>""")


class PhishingPage(tornado.web.RequestHandler):
    def get(self):
        self.write("<!DOCTYPE html><title>phished</title><p>Session expired, log in again</p>")


def attacker(target: str) -> tornado.web.Application:
    return tornado.web.Application([(r"/", ForgedFormPage, {"target": target}),
                                    (r"/phish", PhishingPage)])


def log_in(page, base, next_path="", password=DEMO_PASSWORD):
    page.goto(base + "/login" + next_path)
    page.fill("#username", "topaz")
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("#submit")


def test_login_goes_to_next_and_logout_forgets_the_user(page):
    with live_server(make_app(cookie_secret=SECRET)) as base:
        page.goto(base + "/members")
        assert page.url == base + "/login?next=%2Fmembers"  # @authenticated, login_url, next
        page.fill("#username", "topaz")
        page.fill("#password", DEMO_PASSWORD)
        with page.expect_navigation():
            page.click("#submit")
        assert page.url == base + "/members"
        assert page.text_content("body").strip() == "topaz"

        cookies = {c["name"]: c for c in page.context.cookies()}
        assert cookies["user"]["httpOnly"] and cookies["user"]["sameSite"] == "Lax"
        # Page scripts see the _xsrf cookie (they need it for fetch) but not the login cookie.
        document_cookie = page.evaluate("document.cookie")
        assert "_xsrf=" in document_cookie and "user=" not in document_cookie

        page.goto(base + "/")
        assert page.text_content("#who") == "topaz"
        with page.expect_navigation():
            page.click("#logout")
        assert page.url == base + "/"
        assert page.text_content("h1") == "Hello, visitor"
        assert "user" not in {c["name"] for c in page.context.cookies()}
        page.goto(base + "/members")
        assert page.url == base + "/login?next=%2Fmembers"


def test_the_like_button_sends_the_token_from_the_cookie(page):
    users = demo_users()
    with live_server(make_app(cookie_secret=SECRET, users=users)) as base:
        log_in(page, base)
        assert page.url == base + "/"
        for expected in ("1", "2"):
            with page.expect_response(base + "/api/like") as info:
                page.click("#like")
            request = info.value.request
            assert info.value.status == 200
            assert request.header_value("x-xsrftoken")  # read from the _xsrf cookie
            assert request.header_value("sec-fetch-site") == "same-origin"
            page.wait_for_function(f"document.getElementById('likes').textContent === '{expected}'")
        assert users.get("topaz").likes == 2
        # The same fetch without the header: refused, and the counter stays.
        status = page.evaluate("fetch('/api/like', {method: 'POST'}).then(r => r.status)")
        assert status == 403 and users.get("topaz").likes == 2


@pytest.mark.parametrize("variant, works", [("naive", True), ("fixed", False)])
def test_attack_a_page_on_another_origin_forges_a_form_post(page, variant, works):
    users = demo_users()
    target_app = (naive.make_app(users=users) if variant == "naive"
                  else make_app(cookie_secret=SECRET, users=users))
    with live_server(target_app) as target, live_server(attacker(target)) as evil:
        log_in(page, target)  # the victim is logged in to the target...
        with page.expect_request(lambda r: r.url == target + "/email") as forged:
            page.goto(evil + "/")  # ...and visits the attacker's page
        page.wait_for_url(lambda url: url.startswith(target + "/"))
        page.wait_for_load_state()
        request = forged.value
        # What Chromium says about the forged request (test_app.CROSS_ORIGIN copies this):
        # another port is another origin but the same site, so SameSite=Lax does not help.
        assert request.header_value("origin") == evil
        assert request.header_value("sec-fetch-site") == "same-site"
        assert "user=" in request.header_value("cookie")  # the login cookie went along
        if works:
            assert page.url == target + "/"
            assert users.get("topaz").email == EVIL
        else:
            assert request.response().status == 403
            assert page.text_content("body").strip() == (
                "403 Forbidden: '_xsrf' argument missing from POST")
            assert users.get("topaz").email == "topaz@example.com"


def test_cross_origin_protection_alone_refuses_the_forged_post(page):
    """Tornado 6.6's cross_origin_protection, with xsrf_cookies off: the Sec-Fetch-Site header
    that Chromium sends is enough to refuse it."""
    users = demo_users()
    target_app = make_app(cookie_secret=SECRET, users=users, xsrf_cookies=False)
    with live_server(target_app) as target, live_server(attacker(target)) as evil:
        log_in(page, target)
        page.goto(evil + "/")
        page.wait_for_url(target + "/email")
        assert page.text_content("body").strip() == (
            f"403 Forbidden: Sec-Fetch-Site same-site & origin '{evil}' not allowed")
        assert users.get("topaz").email == "topaz@example.com"


@pytest.mark.parametrize("shape", ["//{host}/phish", "/\\{host}/phish"],
                         ids=["protocol-relative", "slash backslash"])
@pytest.mark.parametrize("variant, works", [("naive", True), ("fixed", False)])
def test_attack_open_redirect_after_login(page, shape, variant, works):
    target_app = naive.make_app() if variant == "naive" else make_app(cookie_secret=SECRET)
    with live_server(target_app) as target, live_server(attacker(target)) as evil:
        next_url = shape.format(host=evil.removeprefix("http://"))
        page.goto(target + "/login?" + urlencode({"next": next_url}))  # the attacker's link
        page.fill("#username", "topaz")
        page.fill("#password", DEMO_PASSWORD)
        with page.expect_navigation():
            page.click("#submit")
        page.wait_for_load_state()
        if works:
            assert page.url == evil + "/phish" and page.title() == "phished"
        else:
            assert page.url == target + "/"


def test_every_refused_next_really_leaves_the_site_in_chromium(page):
    """safe_next refuses these because a browser resolves each one to another host. Checked
    with Chromium's own URL parser, as it resolves a Location header (from an https page, where
    http:evil.example is another site too)."""
    page.goto("about:blank")
    resolve = "t => new URL(t, 'https://shop.example/login').host"
    for name, target in LEAVES_SITE.items():
        assert page.evaluate(resolve, target) == "evil.example", name
    for target in ON_SITE:
        assert page.evaluate(resolve, target) == "shop.example", target


def test_signup_shows_every_error_and_keeps_the_input(page):
    users = demo_users()
    with live_server(make_app(cookie_secret=SECRET, users=users)) as base:
        page.goto(base + "/signup")
        page.fill("#username", "<b>jade</b>")
        page.fill("#password", "short")
        page.fill("#email", "jade-at-example.com")
        with page.expect_navigation():
            page.click("#submit")
        assert page.text_content("#username-error") == "username: 3 to 32 letters, digits or _"
        assert page.text_content("#password-error") == "password: 8 to 128 characters"
        assert page.text_content("#email-error") == "email: that does not look like an address"
        assert page.query_selector("#phone-error") is None  # optional and empty
        assert page.input_value("#username") == "<b>jade</b>"  # kept, as text
        assert page.query_selector("b") is None  # and never as markup
        assert page.input_value("#password") == ""

        page.fill("#username", "jade")
        page.fill("#password", "a long passphrase")
        page.fill("#email", "jade@example.com")
        with page.expect_navigation():
            page.click("#submit")
        assert page.url == base + "/" and page.text_content("#who") == "jade"
        assert users.get("jade").email == "jade@example.com"
