"""Chapter 06's app: login with a signed cookie (实例1, 实例2), passwords, the secret, the next
redirect, CSRF, form validation (表单验证) and logout. Every attack runs against the notes' code
(naive.py) where it works, and against the app, where it must fail."""
import hashlib
import html
import os
import re
import stat
import subprocess
import sys
from urllib.parse import urlencode

import pytest
import tornado.web

from chapters.ch06_login import naive
from chapters.ch06_login.app import make_app
from chapters.ch06_login.forms import Field, PhoneField, SignupForm
from chapters.ch06_login.redirects import safe_next
from chapters.ch06_login.users import DEMO_PASSWORD, demo_users, hash_password, verify_password
from workbook import manifest
from workbook.net import free_port
from workbook.secrets import SECRET_ENV, SecretError
from workbook.testing import CookieClient

SECRET = "ch06-test-secret-" + "0123456789abcdef" * 2
EVIL = "attacker@evil.example"


@pytest.fixture
def users():
    return demo_users()


@pytest.fixture
def app(request, users):
    """The chapter's app; parametrize with indirect=["app"] for "naive" (the notes' code) or
    "tokenless" (the app with xsrf_cookies off: cross_origin_protection alone)."""
    variant = getattr(request, "param", "fixed")
    if variant == "naive":
        return naive.make_app(users=users)
    if variant == "tokenless":
        return make_app(cookie_secret=SECRET, users=users, xsrf_cookies=False)
    if variant == "no login_url":
        return make_app(cookie_secret=SECRET, users=users, login_url=None)
    return make_app(cookie_secret=SECRET, users=users)


@pytest.fixture
def session(http_client, base_url):
    return CookieClient(http_client, base_url)


@pytest.fixture
def other(http_client, base_url):
    """A second browser: the attacker's own."""
    return CookieClient(http_client, base_url)


def errors(response) -> dict[str, str]:
    """The error messages a re-rendered form shows, by field."""
    return {name: html.unescape(text) for name, text in
            re.findall(r'<span class="error" id="(\w+)-error">(.*?)</span>', response.body.decode())}


def set_cookie(response, name):
    for header in response.headers.get_list("Set-Cookie"):
        if header.startswith(name + "="):
            return header
    return None


async def log_in(session: CookieClient, username: str, password: str, next: str | None = None):
    """What a browser does: GET the login page (it sets the _xsrf cookie), then POST the form."""
    await session.get("/login")
    fields = {"username": username, "password": password}
    if next is not None:
        fields["next"] = next
    return await session.post("/login", fields)


async def logged_in(session):
    response = await log_in(session, "topaz", DEMO_PASSWORD)
    assert response.code == 302, response.body
    return session


@pytest.mark.gen_test
async def test_the_home_page_lists_the_chapters_pages(session):
    body = (await session.get("/")).body.decode()
    links = set(re.findall(r'href="(/[^"]*)"', body.split('id="pages"')[1]))
    assert links == {"/by-hand", "/members", "/login?next=%2Fmembers", "/signup"}
    assert set(manifest.for_path(__file__).paths) <= links | {"/"}


# --- 实例1 and 实例2: who is logged in ------------------------------------------------------------
@pytest.mark.gen_test
async def test_by_hand_sends_visitors_to_login_without_next(session):
    response = await session.get("/by-hand")
    assert response.code == 302
    assert response.headers["Location"] == "/login"  # 实例1's redirect('/login'): no way back


@pytest.mark.gen_test
@pytest.mark.parametrize("path, location", [
    ("/members", "/login?next=%2Fmembers"),
    ("/members?tab=tea", "/login?next=%2Fmembers%3Ftab%3Dtea"),
], ids=["path", "path with query"])
async def test_authenticated_sends_visitors_to_login_url_with_next(session, path, location):
    response = await session.get(path)
    assert response.code == 302
    assert response.headers["Location"] == location


@pytest.mark.gen_test
async def test_login_then_both_examples_know_the_user(session):
    response = await log_in(session, "topaz", DEMO_PASSWORD)
    assert response.code == 302 and response.headers["Location"] == "/"
    for path in ("/members", "/by-hand"):
        response = await session.get(path)
        assert response.code == 200
        # get_signed_cookie returned b"topaz"; get_current_user decoded it
        assert response.body == b"topaz"
    home = (await session.get("/")).body.decode()
    assert '<strong id="who">topaz</strong>' in home and "b&#x27;topaz&#x27;" not in home


@pytest.mark.gen_test
async def test_login_goes_back_to_next(session):
    response = await log_in(session, "topaz", DEMO_PASSWORD, next="/members?tab=tea")
    assert response.code == 302
    assert response.headers["Location"] == "/members?tab=tea"


@pytest.mark.gen_test
async def test_login_cookie_is_signed_httponly_and_samesite_lax(session):
    response = await log_in(session, "topaz", DEMO_PASSWORD)
    header = set_cookie(response, "user")
    assert header is not None, response.headers.get_list("Set-Cookie")
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Path=/" in header
    # The value is signed, not encrypted: anyone can read "topaz" in it, nobody can change it.
    value = session.cookies["user"].strip('"')
    assert tornado.web.decode_signed_value(SECRET, "user", value) == b"topaz"  # bytes
    assert tornado.web.decode_signed_value("another-secret-" * 3, "user", value) is None


@pytest.mark.gen_test
async def test_a_tampered_cookie_is_anonymous(session):
    await logged_in(session)
    value = session.cookies["user"].strip('"')
    session.cookies["user"] = f'"{value[:-1]}{"0" if value[-1] != "0" else "1"}"'
    response = await session.get("/members")
    assert response.code == 302 and response.headers["Location"].startswith("/login")


@pytest.mark.gen_test
async def test_the_cookie_of_a_deleted_user_is_anonymous(session, users):
    await logged_in(session)
    users.remove("topaz")
    response = await session.get("/members")
    assert response.code == 302


@pytest.mark.gen_test
@pytest.mark.parametrize("app", ["no login_url"], indirect=True)
async def test_authenticated_without_login_url_is_a_500(app, session):
    """The notes' 实例2 sets no login_url: @authenticated cannot send the visitor anywhere."""
    response = await session.get("/members")
    assert response.code == 500


# --- Passwords -----------------------------------------------------------------------------------
@pytest.mark.gen_test
@pytest.mark.parametrize("username, password", [
    ("topaz", "not-the-password"),
    ("nobody", DEMO_PASSWORD),
], ids=["wrong password", "unknown user"])
async def test_a_failed_login_says_the_same_thing_either_way(session, username, password):
    response = await log_in(session, username, password)
    assert response.code == 403
    assert errors(response) == {"password": "用户名或密码错误 (wrong username or password)"}
    assert set_cookie(response, "user") is None
    assert f'value="{username}"' in response.body.decode()  # the username is kept


@pytest.mark.gen_test
@pytest.mark.parametrize("app, works", [("naive", True), ("fixed", False)],
                         indirect=["app"], ids=["naive", "fixed"])
async def test_attack_the_username_alone_logs_in(app, session, works):
    """The notes check `user == "topaz"`: knowing a username is enough."""
    await session.get("/login")
    response = await session.post("/login", {"username": "topaz"})
    members = await session.get("/members")
    if works:
        assert response.code == 302 and members.body == b"topaz"
    else:
        assert response.code == 400
        assert errors(response) == {"password": "password is required"}
        assert members.code == 302


def test_passwords_are_salted_scrypt_hashes(users):
    stored = users.get("topaz").password_hash
    algorithm, n, r, p, salt, digest = stored.split("$")
    assert (algorithm, n, r, p) == ("scrypt", "16384", "8", "1")
    assert len(bytes.fromhex(salt)) == 16 and len(bytes.fromhex(digest)) == 32
    assert DEMO_PASSWORD not in stored
    assert verify_password(DEMO_PASSWORD, stored)
    assert not verify_password(DEMO_PASSWORD + "x", stored)
    # A salt per user: the same password never gives the same hash, so one precomputed table
    # cannot crack every account, and equal passwords do not show.
    assert hash_password(DEMO_PASSWORD) != hash_password(DEMO_PASSWORD)
    assert hash_password("pw", salt=bytes(16)) == hash_password("pw", salt=bytes(16))


def test_scrypt_memory_is_capped_at_32_mib():
    # 128 * r * n bytes: n=2**14 needs 16 MiB, n=2**15 needs 32 MiB, over OpenSSL's default cap
    hashlib.scrypt(b"pw", salt=bytes(16), n=2**14, r=8, p=1)
    with pytest.raises(ValueError, match="memory limit exceeded"):
        hashlib.scrypt(b"pw", salt=bytes(16), n=2**15, r=8, p=1)
    hashlib.scrypt(b"pw", salt=bytes(16), n=2**15, r=8, p=1, maxmem=64 * 2**20)


# --- The secret ----------------------------------------------------------------------------------
# The loader is workbook.secrets.cookie_secret, taught (and tested in detail) in chapter 05.
def test_make_app_without_a_secret_uses_the_shared_loader(tmp_path, monkeypatch):
    monkeypatch.delenv(SECRET_ENV, raising=False)
    app = make_app(data_dir=tmp_path)
    path = tmp_path / "cookie_secret"
    assert app.settings["cookie_secret"] == path.read_text().strip()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert app.settings["cookie_secret"] != naive.NOTES_SECRET
    assert make_app(data_dir=tmp_path).settings["cookie_secret"] == app.settings["cookie_secret"]


@pytest.mark.parametrize("where", ["environment", "setting"])
def test_the_notes_secret_is_refused_wherever_it_comes_from(where, tmp_path, monkeypatch):
    # The attack of this section needs nothing but the secret printed in the notes: the app
    # refuses it from the environment as well as from the settings.
    if where == "environment":
        monkeypatch.setenv(SECRET_ENV, naive.NOTES_SECRET)
        with pytest.raises(SecretError, match="printed in the notes"):
            make_app(data_dir=tmp_path)
    else:
        with pytest.raises(SecretError, match="printed in the notes"):
            make_app(cookie_secret=naive.NOTES_SECRET)


def test_a_secret_file_others_can_read_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv(SECRET_ENV, raising=False)
    make_app(data_dir=tmp_path)
    os.chmod(tmp_path / "cookie_secret", 0o644)
    with pytest.raises(SecretError, match="mode 644"):
        make_app(data_dir=tmp_path)


@pytest.mark.parametrize("secret, message", [
    ("t114uXSk", "needs 32 characters or more, this one has 8"),
    (naive.NOTES_SECRET, "printed in the notes"),
], ids=["short", "the notes'"])
def test_main_refuses_a_bad_secret_in_one_line(secret, message):
    result = subprocess.run([sys.executable, "-m", "chapters.ch06_login.app",
                             f"--port={free_port()}"], cwd=manifest.ROOT,
                            env={**os.environ, SECRET_ENV: secret},
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert result.stderr.startswith("Refusing to start: $WORKBOOK_COOKIE_SECRET: ")
    assert message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.gen_test
@pytest.mark.parametrize("app, works", [("naive", True), ("fixed", False)],
                         indirect=["app"], ids=["naive", "fixed"])
async def test_attack_a_cookie_signed_with_the_notes_secret(app, session, works):
    """The notes print their cookie_secret: whoever read them can sign "user=topaz"."""
    forged = tornado.web.create_signed_value(naive.NOTES_SECRET, "user", "topaz").decode()
    session.cookies["user"] = f'"{forged}"'
    response = await session.get("/members")
    if works:
        assert response.code == 200 and response.body == b"topaz"
    else:
        assert response.code == 302 and response.headers["Location"] == "/login?next=%2Fmembers"


# --- next: back to the page asked for, never off the site ---------------------------------------
ON_SITE = ["/", "/members", "/members?tab=tea#top", "/a/b%2F%2Fc", "/%5Cevil.example", "/茶"]
# Each of these takes a browser to evil.example (tests/browser/test_ch06_login.py resolves every
# one in Chromium, as a Location header would be resolved, and checks).
LEAVES_SITE = {
    "absolute http": "http://evil.example/",
    "absolute https": "https://evil.example/login",
    "protocol-relative": "//evil.example",
    "three slashes": "///evil.example",
    "slash backslash": "/\\evil.example",
    "backslash slash": "\\/evil.example",
    "two backslashes": "\\\\evil.example",
    "scheme without slashes": "http:evil.example",  # off-site from an https page
    "leading space": " //evil.example",
    "tab": "/\t/evil.example",
    "newline": "/\n/evil.example",
}
# Not a path on this site either: refused as well.
NOT_A_PATH = {
    "javascript scheme": "javascript:alert(document.cookie)",
    "data scheme": "data:text/html,<script>alert(1)</script>",
    "relative": "evil.example",
    "empty": "",
}
OFF_SITE = {**LEAVES_SITE, **NOT_A_PATH}


@pytest.mark.parametrize("target", ON_SITE)
def test_safe_next_keeps_paths_on_this_site(target):
    assert safe_next(target) == target


@pytest.mark.parametrize("target", OFF_SITE.values(), ids=OFF_SITE.keys())
def test_safe_next_refuses_everything_else(target):
    assert safe_next(target) == "/"


# What the naive app sends: the target itself (Tornado refuses to put a tab or a newline in a
# header, so those two are 500s there, not redirects).
REDIRECTS = {k: v for k, v in LEAVES_SITE.items() if k not in ("tab", "newline")}


@pytest.mark.gen_test
@pytest.mark.parametrize("target", REDIRECTS.values(), ids=REDIRECTS.keys())
@pytest.mark.parametrize("app, works", [("naive", True), ("fixed", False)],
                         indirect=["app"], ids=["naive", "fixed"])
async def test_attack_open_redirect_after_login(app, session, target, works):
    await session.get("/login")
    response = await session.post("/login", {"username": "topaz", "password": DEMO_PASSWORD,
                                             "next": target})
    assert response.code == 302
    assert response.headers["Location"] == (target.strip() if works else "/")


@pytest.mark.gen_test
@pytest.mark.parametrize("target", ["/\t/evil.example", "/\n/evil.example"], ids=["tab", "newline"])
async def test_control_characters_in_next_are_refused_not_a_500(session, target):
    response = await log_in(session, "topaz", DEMO_PASSWORD, next=target)
    assert response.code == 302 and response.headers["Location"] == "/"


@pytest.mark.gen_test
async def test_the_login_page_carries_only_a_safe_next(session):
    page = (await session.get("/login?next=%2Fmembers")).body.decode()
    assert '<input type="hidden" name="next" value="/members"/>' in page
    page = (await session.get("/login?next=%2F%2Fevil.example")).body.decode()
    assert '<input type="hidden" name="next" value="/"/>' in page
    # A local path may still hold markup: the template escapes it.
    page = (await session.get("/login?" + urlencode({"next": '/"><script>alert(1)</script>'})))
    body = page.body.decode()
    assert "<script>alert(1)" not in body
    assert 'value="/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in body


# --- CSRF ----------------------------------------------------------------------------------------
# What Chromium sends with a form submitted from a page on another port of 127.0.0.1 (measured
# by tests/browser/test_ch06_login.py): same site, another origin.
CROSS_ORIGIN = {"Origin": "http://127.0.0.1:1", "Sec-Fetch-Site": "same-site"}


@pytest.mark.gen_test
@pytest.mark.parametrize("app, works", [("naive", True), ("fixed", False)],
                         indirect=["app"], ids=["naive", "fixed"])
async def test_attack_cross_site_form_post_changes_the_email(app, session, users, works):
    await logged_in(session)
    response = await session.post("/email", {"email": EVIL}, xsrf=False, headers=CROSS_ORIGIN)
    if works:
        assert response.code == 302 and users.get("topaz").email == EVIL
    else:
        assert response.code == 403
        assert response.body == b"403 Forbidden: '_xsrf' argument missing from POST\n"
        assert users.get("topaz").email == "topaz@example.com"


@pytest.mark.gen_test
async def test_xsrf_cookies_alone_refuse_a_post_without_the_token(session, users):
    """No Origin, no Sec-Fetch-Site (an old browser, or a plain-http LAN address where browsers
    send no Sec-Fetch-* headers): the token check alone still refuses."""
    await logged_in(session)
    response = await session.post("/email", {"email": EVIL}, xsrf=False)
    assert response.code == 403 and b"'_xsrf' argument missing" in response.body
    assert users.get("topaz").email == "topaz@example.com"


@pytest.mark.gen_test
async def test_a_token_from_another_browser_is_refused(session, other, users):
    await logged_in(session)
    await other.get("/login")  # the attacker's own, valid token: not the victim's
    response = await session.post("/email", {"email": EVIL, "_xsrf": other.xsrf}, xsrf=False)
    assert response.code == 403
    assert response.body == b"403 Forbidden: XSRF cookie does not match POST argument\n"
    assert users.get("topaz").email == "topaz@example.com"


@pytest.mark.gen_test
async def test_the_token_in_the_page_form_is_accepted(session, users):
    await logged_in(session)
    renderings = []
    for _ in range(2):
        page = (await session.get("/")).body.decode()
        tokens = re.findall(r'name="_xsrf" value="([^"]+)"', page)
        assert len(tokens) == 2 and tokens[0] == tokens[1]  # the logout and the email forms
        renderings.append(tokens[0])
    # Masked with a random mask per response: the same secret token never shows twice (so a
    # compression attack such as BREACH cannot learn it), and every masked form matches.
    assert renderings[0] != renderings[1]
    for n, token in enumerate(renderings):
        email = f"new{n}@example.com"
        response = await session.post("/email", {"email": email, "_xsrf": token}, xsrf=False)
        assert response.code == 302 and users.get("topaz").email == email


@pytest.mark.gen_test
async def test_the_x_xsrftoken_header_is_accepted(session):
    await logged_in(session)
    for expected in (1, 2):
        response = await session.post("/api/like", b"", xsrf=False,
                                      headers={"X-XSRFToken": session.xsrf})
        assert response.code == 200 and response.body == b'{"likes": %d}' % expected
    response = await session.post("/api/like", b"", xsrf=False)
    assert response.code == 403


@pytest.mark.gen_test
async def test_the_x_csrftoken_header_is_accepted_too(session, other):
    # Tornado reads the token from the _xsrf argument, then X-XSRFToken, then X-CSRFToken (the
    # name Django's JavaScript uses).
    await logged_in(session)
    response = await session.post("/api/like", b"", xsrf=False,
                                  headers={"X-CSRFToken": session.xsrf})
    assert response.code == 200 and response.body == b'{"likes": 1}'
    await other.get("/login")  # another browser's token, in the same header: refused
    response = await session.post("/api/like", b"", xsrf=False,
                                  headers={"X-CSRFToken": other.xsrf})
    assert response.code == 403


@pytest.mark.gen_test
@pytest.mark.parametrize("path", ["/login", "/logout", "/signup"])
async def test_every_post_needs_the_token(session, path):
    # /login too: a forged login would sign the victim into the attacker's account
    await session.get("/login")
    response = await session.post(path, {"username": "topaz", "password": DEMO_PASSWORD},
                                  xsrf=False)
    assert response.code == 403


@pytest.mark.gen_test
async def test_a_post_to_a_protected_action_without_a_user_is_403(session):
    await session.get("/login")
    response = await session.post("/email", {"email": EVIL})
    assert response.code == 403  # @authenticated redirects GETs only


@pytest.mark.gen_test
@pytest.mark.parametrize("app", ["tokenless"], indirect=True)
@pytest.mark.parametrize("headers, code, message", [
    (CROSS_ORIGIN, 403, b"Sec-Fetch-Site same-site & origin 'http://127.0.0.1:1' not allowed"),
    ({"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, 403,
     b"Sec-Fetch-Site cross-site & origin 'https://evil.example' not allowed"),
    ({"Origin": "http://evil.example"}, 403, b"Origin 'http://evil.example' not allowed"),
    ({"Sec-Fetch-Site": "same-origin"}, 302, b""),
    ({}, 302, b""),
], ids=["same-site", "cross-site", "origin only", "same-origin", "no browser headers"])
async def test_cross_origin_protection_alone(app, session, users, headers, code, message):
    """Tornado 6.6's cross_origin_protection, with xsrf_cookies off: it trusts the browser's
    Sec-Fetch-Site and Origin headers. A client that sends neither (curl) is let through; it
    has no victim's cookies to abuse."""
    await logged_in(session)
    response = await session.post("/email", {"email": EVIL}, xsrf=False, headers=headers)
    assert response.code == code
    assert message in response.body
    assert (users.get("topaz").email == EVIL) is (code == 302)


# --- 表单验证 ------------------------------------------------------------------------------------
SIGNUP = {"username": "jade", "password": "a long passphrase", "email": "jade@example.com",
          "phone": "13812345678"}


@pytest.mark.gen_test
async def test_signup_creates_a_user_and_logs_in(session, users, other):
    await session.get("/signup")
    response = await session.post("/signup", SIGNUP)
    assert response.code == 302 and response.headers["Location"] == "/"
    assert (await session.get("/members")).body == b"jade"
    jade = users.get("jade")
    assert (jade.email, jade.phone) == ("jade@example.com", "13812345678")
    assert SIGNUP["password"] not in jade.password_hash
    response = await log_in(other, "jade", SIGNUP["password"])
    assert response.code == 302


@pytest.mark.gen_test
async def test_every_field_is_checked_and_the_input_is_kept_escaped(session, users):
    await session.get("/signup")
    response = await session.post("/signup", {
        "username": "<script>x</script>", "password": "short", "email": "not-an-email",
        "phone": "1|012345678"})
    assert response.code == 400
    assert errors(response) == {
        "username": "username: 3 to 32 letters, digits or _",
        "password": "password: 8 to 128 characters",
        "email": "email: that does not look like an address",
        "phone": "骚年，格式错误了 (phone: 11 digits, starting 13-19)",
    }
    body = response.body.decode()
    assert 'value="&lt;script&gt;x&lt;/script&gt;"' in body and "<script>x" not in body
    assert 'value="not-an-email"' in body and 'value="1|012345678"' in body
    assert "short" not in body  # a password is never sent back
    assert users.get("<script>x</script>") is None


@pytest.mark.gen_test
async def test_missing_fields_are_reported(session):
    await session.get("/signup")
    response = await session.post("/signup", {})
    assert response.code == 400
    assert errors(response) == {"username": "username is required",
                                "password": "password is required",
                                "email": "email is required"}  # phone is optional


@pytest.mark.gen_test
async def test_a_taken_username_is_an_error(session):
    await session.get("/signup")
    response = await session.post("/signup", {**SIGNUP, "username": "topaz"})
    assert response.code == 400
    assert errors(response) == {"username": "username 'topaz' is taken"}


@pytest.mark.gen_test
async def test_a_password_is_not_stripped(session, other):
    await session.get("/signup")
    await session.post("/signup", {**SIGNUP, "password": "  spaced out  "})
    assert (await log_in(other, "jade", "spaced out")).code == 403
    assert (await log_in(other, "jade", "  spaced out  ")).code == 302


@pytest.mark.gen_test
@pytest.mark.parametrize("path", ["/signup", "/login"])
async def test_a_huge_field_is_a_400_with_a_message(session, path):
    await session.get("/login")
    response = await session.post(path, {**SIGNUP, "username": "a" * 1_000_000})
    assert response.code == 400
    assert response.headers["Content-Type"] == "text/plain; charset=UTF-8"
    assert response.body == b"400 Bad Request: username is too long: 1000000 characters, at most 32\n"


@pytest.mark.gen_test
@pytest.mark.parametrize("body", [
    b"username=%D3%C3%BB%A7&password=x",  # "用户" in GBK, percent-encoded
    b"username=\xd3\xc3\xbb\xa7&password=x",  # the same bytes raw
], ids=["percent-encoded", "raw bytes"])
@pytest.mark.parametrize("path", ["/signup", "/login"])
async def test_a_field_that_is_not_utf8_is_a_400(session, body, path):
    await session.get("/login")
    response = await session.post(path, body)
    assert response.code == 400
    assert response.body == b"400 Bad Request: Invalid unicode in username: b'\\xd3\\xc3\\xbb\\xa7'\n"


@pytest.mark.gen_test
async def test_a_field_sent_twice_is_a_400(session):
    await session.get("/login")
    response = await session.post("/login", [("username", "topaz"), ("username", "admin"),
                                             ("password", DEMO_PASSWORD)])
    assert response.code == 400
    assert response.body == b"400 Bad Request: username was sent 2 times\n"


@pytest.mark.gen_test
async def test_a_json_body_is_not_a_form(session):
    await session.get("/login")
    response = await session.post("/signup", b'{"username": "jade"}', xsrf=False,
                                  headers={"Content-Type": "application/json",
                                           "X-XSRFToken": session.xsrf})
    assert response.code == 400 and "username is required" in errors(response).values()


@pytest.mark.gen_test
async def test_a_bad_email_change_shows_the_home_page_with_the_error(session, users):
    await logged_in(session)
    response = await session.post("/email", {"email": ""})
    assert response.code == 400
    assert errors(response) == {"email": "别闹，别整空的.. (email is required)"}
    response = await session.post("/email", {"email": "<b>@x"})
    assert errors(response) == {"email": "email: that does not look like an address"}
    assert 'value="&lt;b&gt;@x"' in response.body.decode()
    assert users.get("topaz").email == "topaz@example.com"


@pytest.mark.parametrize("field, value", [("port", "80abc"), ("phone", "1|012345678"),
                                          ("host", "")], ids=["port", "phone", "host"])
def test_the_articles_first_form_lets_bad_values_through(field, value):
    """wupeiqi's MainForm: re.match anchors the start only, | inside [...] is a literal, and
    "(.*)" matches nothing at all."""
    good = {"host": "example.com", "ip": "10.0.0.1", "port": "80", "phone": "13812345678"}
    assert naive.MainForm().check_valid({**good, field: value}) is True


def test_our_fields_refuse_them():
    assert Field(pattern=r"\d+").clean("port", "80abc") == ("80abc", "port is invalid")
    assert Field(pattern=r"\d+").clean("port", "80") == ("80", None)
    assert PhoneField().clean("phone", "1|012345678")[1] is not None
    assert PhoneField().clean("phone", "13812345678") == ("13812345678", None)
    assert Field().clean("host", "") == ("", "host is required")
    assert Field(required=False).clean("host", None) == ("", None)
    assert Field(max_length=3).clean("code", "abcd") == ("abcd", "code: at most 3 characters")
    assert list(SignupForm.fields()) == ["username", "password", "email", "phone"]


# --- Logout --------------------------------------------------------------------------------------
@pytest.mark.gen_test
async def test_logout_clears_the_cookie(session):
    await logged_in(session)
    response = await session.post("/logout")
    assert response.code == 302 and response.headers["Location"] == "/"
    header = set_cookie(response, "user")
    # clear_cookie sends an empty value that expired a year ago: the browser drops the cookie
    assert header is not None and header.startswith('user=""; expires=')
    assert "user" not in session.cookies
    assert (await session.get("/members")).code == 302
    assert "Hello, visitor" in (await session.get("/")).body.decode()


@pytest.mark.gen_test
async def test_a_copied_cookie_outlives_logout(session, other):
    """Logout tells this browser to drop the cookie; a copy taken before stays valid."""
    await logged_in(session)
    other.cookies["user"] = session.cookies["user"]  # copied (say, by malware) before logout
    await session.post("/logout")
    assert (await session.get("/members")).code == 302
    assert (await other.get("/members")).body == b"topaz"


@pytest.mark.gen_test
async def test_logout_is_post_only(session):
    await logged_in(session)
    assert (await session.get("/logout")).code == 405
    assert (await session.get("/members")).body == b"topaz"


# --- Pages ---------------------------------------------------------------------------------------
@pytest.mark.gen_test
async def test_home_page_for_a_visitor_and_for_a_user(session):
    page = (await session.get("/")).body.decode()
    assert "Hello, visitor" in page and 'id="login-link"' in page and "getCookie" not in page
    await logged_in(session)
    page = (await session.get("/")).body.decode()
    assert "Hello, topaz" in page and '<strong id="email">topaz@example.com</strong>' in page
    assert 'id="like"' in page and 'value="topaz@example.com"' in page


@pytest.mark.gen_test
async def test_an_unknown_path_is_a_404_that_names_it(session):
    response = await session.get("/nope")
    assert response.code == 404 and response.body == b"404 Not Found: no route matches /nope\n"
