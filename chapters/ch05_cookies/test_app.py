"""Chapter 05's app: plain cookies and their attributes, signed cookies taken apart, tampered
with and forged, and where the secret lives."""
import base64
import email.utils
import hashlib
import hmac
import http.cookies
import json
import os
import re
import signal
import stat
import string
import subprocess
import sys
import time
import urllib.request
from http.cookies import SimpleCookie

import pytest
import tornado.web
from tornado.web import create_signed_value

from chapters.ch05_cookies import app as chapter_app
from chapters.ch05_cookies import naive
from chapters.ch05_cookies.app import make_app
from workbook import manifest
from workbook.secrets import PUBLISHED_SECRETS, SECRET_ENV, SecretError
from workbook.net import free_port

SECRET = "app-test-secret-0123456789abcdefghijklmnopqrstuvwxyz"  # the tests' own
DAY = 86400


@pytest.fixture
def app(tmp_path):
    return make_app(cookie_secret=SECRET, data_dir=tmp_path)


def set_cookies(response) -> dict:
    """{name: (Morsel, the raw Set-Cookie header)} for every cookie the response sets."""
    found = {}
    for header in response.headers.get_list("Set-Cookie"):
        jar = SimpleCookie()
        jar.load(header)
        for name, morsel in jar.items():
            found[name] = (morsel, header)
    return found


def days_after_response(response, http_date: str) -> float:
    sent = email.utils.parsedate_to_datetime(response.headers["Date"])
    return (email.utils.parsedate_to_datetime(http_date) - sent).total_seconds() / DAY


def message(response) -> str:
    """The notes' MainHandler's sentence, which / shows above the index of pages."""
    return re.search(r'<h1 id="message">(.*?)</h1>', response.body.decode()).group(1)


def role_cookie(value) -> str:
    value = value.decode() if isinstance(value, bytes) else value
    return f'role="{value}"'  # quoted, as the Set-Cookie header sends it and browsers send it back


# --- 5.cookie · 基本操作 ---------------------------------------------------------------------------
@pytest.mark.gen_test
async def test_first_visit_sets_mycookie(fetch):
    response = await fetch("/")
    assert message(response) == "Your cookie was not set yet!"
    assert response.headers.get_list("Set-Cookie") == ["mycookie=myvalue; Path=/"]


@pytest.mark.gen_test
async def test_the_first_page_lists_the_chapters_pages(fetch):
    body = (await fetch("/")).body.decode()
    links = set(re.findall(r'href="(/[^"]*)"', body.split('id="pages"')[1]))
    assert links == {"/attributes", "/echo", "/echo/scoped", "/js/echo", "/signed",
                     "/signed/anatomy", "/admin", "/js/page"}
    assert {p.split("?")[0] for p in manifest.for_path(chapter_app.__file__).paths} <= links | {"/"}


@pytest.mark.gen_test
async def test_next_visit_sends_it_back(fetch):
    response = await fetch("/", cookie="mycookie=myvalue")
    assert message(response) == "Your cookie was set!"
    assert "Set-Cookie" not in response.headers


@pytest.mark.gen_test
async def test_a_plain_cookie_is_whatever_the_client_sends(fetch):
    # The server never set this value; it cannot tell.
    response = await fetch("/", cookie="mycookie=typed-by-the-client")
    assert message(response) == "Your cookie was set!"


# --- set_cookie's attributes ------------------------------------------------------------------
@pytest.mark.gen_test
@pytest.mark.parametrize("name, header", [
    ("session_only", "session_only=1; Path=/"),
    ("max_age_demo", "max_age_demo=1; Max-Age=3600; Path=/"),
    ("path_demo", "path_demo=1; Path=/echo/scoped"),
    ("httponly_demo", "httponly_demo=1; HttpOnly; Path=/"),
    ("secure_demo", "secure_demo=1; Path=/; Secure"),
    ("strict_demo", "strict_demo=1; Path=/; SameSite=Strict"),
    ("lax_demo", "lax_demo=1; Path=/; SameSite=Lax"),
    ("domain_demo", "domain_demo=1; Domain=shop.localhost; Path=/"),
], ids=["session", "max-age", "path", "httponly", "secure", "samesite strict", "samesite lax",
        "domain"])
async def test_each_attribute_in_the_set_cookie_header(fetch, name, header):
    response = await fetch("/attributes", host="shop.localhost:8805")
    assert set_cookies(response)[name][1] == header


@pytest.mark.gen_test
async def test_expires_days_becomes_an_absolute_date(fetch):
    response = await fetch("/attributes")
    morsel, header = set_cookies(response)["expires_demo"]
    assert re.fullmatch(r"expires_demo=1; expires=\w{3}, \d\d \w{3} \d{4} [\d:]{8} GMT; Path=/",
                        header)
    assert abs(days_after_response(response, morsel["expires"]) - 7) < 0.001


@pytest.mark.gen_test
@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "a;b.example", "evil.example;x=1"])
async def test_domain_only_for_a_dns_name(fetch, host):
    # An IP or a single label gets no Domain; nor does a Host header that is not a plain DNS
    # name (set_cookie would refuse the ';' with an exception: a 500).
    response = await fetch("/attributes", host=host)
    assert response.code == 200
    cookies = set_cookies(response)
    assert "domain_demo" not in cookies and "session_only" in cookies


@pytest.mark.gen_test
async def test_attributes_page_lists_what_the_request_carried(fetch):
    response = await fetch("/attributes", cookie="lax_demo=1; session_only=1")
    html = response.body.decode()
    assert '<code id="received">lax_demo, session_only</code>' in html
    assert "<code>samesite=&#x27;Strict&#x27;</code>" in html  # the table shows each kwarg


@pytest.mark.gen_test
@pytest.mark.parametrize("path", ["/echo", "/echo/scoped", "/js/echo"])
async def test_echo_shows_the_cookies_received(fetch, path):
    response = await fetch(path, cookie='b=2; a="x y"')
    assert json.loads(response.body) == {"path": path, "cookies": {"a": "x y", "b": "2"}}
    assert response.headers["Cache-Control"] == "no-store"


# --- 加密cookie -------------------------------------------------------------------------------------
@pytest.mark.gen_test
async def test_signed_cookie_first_visit(fetch):
    response = await fetch("/signed")
    assert response.body.startswith(b"Your signed cookie was not set yet!")
    morsel, header = set_cookies(response)["role"]
    # base64 may end in '=', which may not appear bare in a cookie value: Python quotes it.
    assert header.startswith('role="2|1:0|10:')
    assert morsel["httponly"] and morsel["samesite"] == "Lax" and morsel["path"] == "/"
    assert abs(days_after_response(response, morsel["expires"]) - 1) < 0.001


@pytest.mark.gen_test
async def test_signed_cookie_round_trip_returns_bytes(fetch):
    first = await fetch("/signed")
    morsel, _ = set_cookies(first)["role"]
    response = await fetch("/signed", cookie=role_cookie(morsel.value))
    assert response.body == b"Your signed cookie was set! get_signed_cookie('role') returned b'guest'"
    assert "Set-Cookie" not in response.headers


class TestWithoutSecret:
    """The notes: 没有cookie_secret不行哦~ (no cookie_secret, no signed cookies)."""

    @pytest.fixture
    def app(self):
        return tornado.web.Application(chapter_app.ROUTES)  # no cookie_secret

    @pytest.mark.gen_test
    async def test_signed_cookies_need_a_cookie_secret(self, fetch, caplog):
        response = await fetch("/signed")
        assert response.code == 500
        assert ("You must define the 'cookie_secret' setting in your application to use "
                "secure cookies") in caplog.text


def test_then_now_the_secure_cookie_names_are_the_same_functions():
    # Tornado 6.3 renamed set/get_secure_cookie to set/get_signed_cookie. The old names are
    # deprecated in the docs since 6.3, the same function in the code, and never warn: nothing
    # but the docs tells you to move.
    methods = vars(tornado.web.RequestHandler)
    assert methods["set_secure_cookie"] is methods["set_signed_cookie"]
    assert methods["get_secure_cookie"] is methods["get_signed_cookie"]
    assert methods["get_secure_cookie_key_version"] is methods["get_signed_cookie_key_version"]


# --- 签名Cookie的本质 --------------------------------------------------------------------------------
FIELDS = re.compile(rb"2\|(\d+):(\d+)\|(\d+):(\d+)\|(\d+):(\w+)\|(\d+):([A-Za-z0-9+/=]*)\|([0-9a-f]+)")


@pytest.mark.gen_test
async def test_a_real_signed_cookie_field_by_field(fetch):
    response = await fetch("/signed")
    raw = set_cookies(response)["role"][0].value.encode()
    m = FIELDS.fullmatch(raw)
    assert m, raw
    (kv_len, key_version, ts_len, timestamp, name_len, name, value_len, value, signature) = m.groups()
    # every field but the first and the last is <length>:<bytes>
    for length, field in ((kv_len, key_version), (ts_len, timestamp), (name_len, name),
                          (value_len, value)):
        assert int(length) == len(field)
    assert key_version == b"0" and name == b"role"
    sent = email.utils.parsedate_to_datetime(response.headers["Date"]).timestamp()
    assert abs(int(timestamp) - sent) <= 1
    # the signature: HMAC-SHA256, keyed with the secret, over everything before it
    signed_part = raw[: -len(signature)]
    assert signed_part.endswith(b"|")
    assert signature == hmac.new(SECRET.encode(), signed_part, hashlib.sha256).hexdigest().encode()
    assert signature != hmac.new(b"another secret", signed_part, hashlib.sha256).hexdigest().encode()


class QuotingHandler(tornado.web.RequestHandler):
    def get(self):
        self.set_signed_cookie("a", "abc")  # base64 YWJj: neither = nor /
        self.set_signed_cookie("b", "guest")  # base64 Z3Vlc3Q=
        self.set_signed_cookie("c", b"\xff\xff\xff")  # base64 ////: a slash, no =


class TestQuoting:
    @pytest.fixture
    def app(self):
        return tornado.web.Application([("/", QuotingHandler)], cookie_secret=SECRET)

    @pytest.mark.gen_test
    async def test_a_signed_value_is_quoted_only_for_an_equals_sign_or_a_slash(self, fetch):
        headers = {h.split("=", 1)[0]: h.split("=", 1)[1].split(";")[0]
                   for h in (await fetch("/")).headers.get_list("Set-Cookie")}
        assert "=" not in headers["a"] and "/" not in headers["a"]
        assert not headers["a"].startswith('"')
        assert headers["b"].startswith('"') and headers["c"].startswith('"')
        # http.cookies' rule: only these characters of a signed value are outside its legal set
        legal = set(http.cookies._LegalChars)
        assert set(string.ascii_letters + string.digits + "+|:") <= legal
        assert not {"=", "/"} & legal


def test_the_notes_field_order_matches_neither_format():
    # The notes' comment: 时间戳|加密至|value (timestamp first, the value last, no signature).
    v1 = create_signed_value(SECRET, "role", "guest", version=1).decode().split("|")
    assert v1[0] == "Z3Vlc3Q=" and v1[1].isdigit() and re.fullmatch("[0-9a-f]{40}", v1[2])
    v2 = create_signed_value(SECRET, "role", "guest", version=2).decode().split("|")
    assert v2[0] == "2" and v2[2].startswith("10:") and v2[4] == "8:Z3Vlc3Q="
    assert re.fullmatch("[0-9a-f]{64}", v2[5])  # the signature, last in both


@pytest.mark.gen_test
async def test_signing_is_not_encryption(fetch):
    # The notes call it "base64加密". Base64 is an encoding: anyone decodes it, no secret needed.
    response = await fetch("/signed")
    raw = set_cookies(response)["role"][0].value
    value_field = raw.split("|")[4].split(":", 1)[1]
    assert base64.b64decode(value_field) == b"guest"


@pytest.mark.gen_test
async def test_anatomy_page_agrees_with_an_independent_parse(fetch):
    raw = set_cookies(await fetch("/signed"))["role"][0].value
    response = await fetch("/signed/anatomy", cookie=role_cookie(raw))
    page = json.loads(response.body)
    m = FIELDS.fullmatch(raw.encode())
    assert page["cookie"] == raw  # get_cookie removed the quotes
    assert page["fields"] == {
        "format version": 2,
        "key version": 0,
        "timestamp": int(m[4]),
        "issued (UTC)": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(int(m[4]))),
        "name": "role",
        "value, base64": m[8].decode(),
        "value, decoded without any secret": "guest",
        "signature, HMAC-SHA256 hex": m[9].decode(),
    }
    assert page["accepted by get_signed_cookie"] is True


@pytest.mark.gen_test
async def test_anatomy_without_a_cookie_says_where_to_get_one(fetch):
    response = await fetch("/signed/anatomy")
    assert response.code == 200 and "visit /signed first" in json.loads(response.body)["hint"]


@pytest.mark.gen_test
@pytest.mark.parametrize("raw, reason", [
    ("guest", "should start with '2|'"),
    ("2|1:0|10:1700000000|4:role|8:Z3Vlc3Q=|xyz", "64 hex digits"),
    ("2|1:0|99:1700000000|4:role|8:Z3Vlc3Q=|" + "0" * 64, "timestamp field is not 99 bytes"),
    ("2|1:0|14:99999999999999|4:role|8:Z3Vlc3Q=|" + "0" * 64, "after the year 9999"),
    ("2|1:0|10:1700000000|4:role|3:!!!|" + "0" * 64, "not base64"),
], ids=["not signed", "short signature", "bad length", "absurd timestamp", "bad base64"])
async def test_anatomy_of_a_malformed_cookie_is_a_400(fetch, raw, reason):
    response = await fetch("/signed/anatomy", cookie=f'role="{raw}"')
    assert response.code == 400
    assert reason in response.body.decode()


def tamper(raw: str, what: str) -> str:
    """Change one thing in a genuine signed value, without the secret."""
    fields = raw.split("|")  # 2, key version, timestamp, name, value, signature
    if what == "value":  # guest -> admin, with a correct length prefix: a valid-looking cookie
        fields[4] = "8:" + base64.b64encode(b"admin").decode()
    elif what == "timestamp":  # one second younger
        length, ts = fields[2].split(":")
        fields[2] = f"{length}:{int(ts) + 1}"
    elif what == "signature":  # one hex digit changed
        fields[5] = ("0" if fields[5][0] != "0" else "1") + fields[5][1:]
    elif what == "name field":
        fields[3] = "4:user"
    elif what == "key version":
        fields[1] = "1:1"
    elif what == "truncated":
        fields[5] = fields[5][:-1]
    return "|".join(fields)


TAMPERINGS = ["value", "timestamp", "signature", "name field", "key version", "truncated"]


@pytest.mark.gen_test
@pytest.mark.parametrize("what", TAMPERINGS)
async def test_tampering_with_any_field_is_rejected(fetch, what):
    genuine = set_cookies(await fetch("/signed"))["role"][0].value
    assert (await fetch("/signed", cookie=role_cookie(genuine))).body.startswith(
        b"Your signed cookie was set!")  # the genuine one passes...
    response = await fetch("/signed", cookie=role_cookie(tamper(genuine, what)))
    assert response.body.startswith(b"Your signed cookie was rejected")  # ...the edited one not
    assert "role" in set_cookies(response)  # and a fresh guest cookie replaces it


@pytest.mark.gen_test
async def test_a_cookie_moved_to_another_name_is_rejected(fetch):
    # The name is inside the signed part: a value signed for "role" is refused as "user".
    genuine = create_signed_value(SECRET, "user", "admin").decode()
    response = await fetch("/admin", cookie=role_cookie(genuine))
    assert response.code == 403


@pytest.mark.gen_test
@pytest.mark.parametrize("age_days, accepted", [(0.5, True), (1.5, False), (40, False)],
                         ids=["12 hours old", "36 hours old", "40 days old"])
async def test_max_age_days_is_checked_by_the_server(fetch, age_days, accepted):
    # expires_days only asks the browser to drop the cookie; whoever copied it out of the
    # browser keeps it. get_signed_cookie(max_age_days=1) checks the signed timestamp instead.
    old = create_signed_value(SECRET, "role", "guest", clock=lambda: time.time() - age_days * DAY)
    response = await fetch("/signed", cookie=role_cookie(old))
    expected = b"Your signed cookie was set!" if accepted else b"Your signed cookie was rejected"
    assert response.body.startswith(expected)


# --- The secret: the attack with the notes' secret, and the fix -----------------------------------
def forged_admin(secret: str) -> str:
    return role_cookie(create_signed_value(secret, "role", "admin"))


@pytest.mark.gen_test
async def test_admin_needs_a_cookie_the_server_never_signs(fetch):
    response = await fetch("/admin")
    assert response.code == 403
    assert response.body == b"403 Forbidden: your signed role cookie says None, not b'admin'\n"


@pytest.mark.gen_test
async def test_forged_with_the_real_secret_would_pass(fetch):
    # The check itself works: what decides is who holds the secret.
    response = await fetch("/admin", cookie=forged_admin(SECRET))
    assert (response.code, response.body) == (200, b"Welcome, admin.")


class TestNaive:
    """The notes' app: cookie_secret written in the source, and so known to everyone."""

    @pytest.fixture
    def app(self):
        return naive.make_app()

    @pytest.mark.gen_test
    async def test_attack_forged_admin_cookie_is_accepted(self, fetch):
        response = await fetch("/admin", cookie=forged_admin(naive.NOTES_SECRET))
        assert (response.code, response.body) == (200, b"Welcome, admin.")

    @pytest.mark.gen_test
    async def test_editing_without_the_secret_still_fails(self, fetch):
        genuine = set_cookies(await fetch("/signed"))["role"][0].value
        response = await fetch("/admin", cookie=role_cookie(tamper(genuine, "value")))
        assert response.code == 403


@pytest.mark.gen_test
@pytest.mark.parametrize("secret", sorted(PUBLISHED_SECRETS), ids=["加密cookie", "实例1"])
async def test_fixed_app_rejects_the_forged_admin_cookie(fetch, secret):
    response = await fetch("/admin", cookie=forged_admin(secret))
    assert response.code == 403


@pytest.mark.parametrize("secret", sorted(PUBLISHED_SECRETS), ids=["加密cookie", "实例1"])
def test_fixed_app_refuses_to_run_with_a_published_secret(secret, tmp_path, monkeypatch):
    with pytest.raises(SecretError, match="printed in the notes"):
        make_app(cookie_secret=secret)
    monkeypatch.setenv(SECRET_ENV, secret)
    with pytest.raises(SecretError, match=r"^\$WORKBOOK_COOKIE_SECRET: .*printed in the notes"):
        make_app(data_dir=tmp_path)


def test_a_short_secret_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv(SECRET_ENV, "hunter2")
    with pytest.raises(SecretError, match="32 characters or more, this one has 7"):
        make_app(data_dir=tmp_path)


def test_secret_from_the_environment(monkeypatch, tmp_path):
    secret = "from-the-environment-0123456789abcdefghij"
    monkeypatch.setenv(SECRET_ENV, secret)
    app = make_app(data_dir=tmp_path)
    assert app.settings["cookie_secret"] == secret
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_generated_secret_is_private_and_stable(monkeypatch, tmp_path):
    monkeypatch.delenv(SECRET_ENV, raising=False)
    data_dir = tmp_path / "var" / "ch05_cookies"
    first = make_app(data_dir=data_dir).settings["cookie_secret"]
    path = data_dir / "cookie_secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # its owner only
    assert stat.S_IMODE(data_dir.stat().st_mode) & 0o077 == 0
    assert len(first) >= 32 and path.read_text() == first + "\n"
    # a restart reads the same secret, so the cookies users hold stay valid
    assert make_app(data_dir=data_dir).settings["cookie_secret"] == first
    # and another checkout generates its own
    assert make_app(data_dir=tmp_path / "elsewhere").settings["cookie_secret"] != first


def test_a_secret_file_others_can_read_is_refused(monkeypatch, tmp_path):
    monkeypatch.delenv(SECRET_ENV, raising=False)
    make_app(data_dir=tmp_path)
    os.chmod(tmp_path / "cookie_secret", 0o644)
    with pytest.raises(SecretError, match="mode 644.*chmod 600"):
        make_app(data_dir=tmp_path)


def test_the_default_data_dir_is_ignored_by_git(monkeypatch, tmp_path):
    assert "/var/" in (manifest.ROOT / ".gitignore").read_text().splitlines()
    assert chapter_app.DATA_DIR.relative_to(manifest.ROOT).parts[0] == "var"
    # make_app() without data_dir keeps its secret there (here redirected to tmp_path)
    monkeypatch.delenv(SECRET_ENV, raising=False)
    monkeypatch.setattr(chapter_app, "DATA_DIR", tmp_path)
    secret = make_app().settings["cookie_secret"]
    assert (tmp_path / "cookie_secret").read_text() == secret + "\n"


def test_main_refuses_a_published_secret_without_a_traceback():
    env = {**os.environ, SECRET_ENV: naive.NOTES_SECRET}
    result = subprocess.run([sys.executable, "-m", "chapters.ch05_cookies.app",
                             f"--port={free_port()}"], cwd=manifest.ROOT, env=env,
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert result.stderr.startswith("Refusing to start: $WORKBOOK_COOKIE_SECRET: this cookie "
                                    "secret is printed in the notes")
    assert "Traceback" not in result.stderr


def test_main_serves_with_a_secret_from_the_environment():
    env = {**os.environ, SECRET_ENV: SECRET}
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "chapters.ch05_cookies.app",
                                f"--port={port}"], cwd=manifest.ROOT, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert process.stdout.readline().strip() == \
            f"Serving on http://127.0.0.1:{port}/  (Ctrl-C to stop)"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            assert b'<h1 id="message">Your cookie was not set yet!</h1>' in response.read()
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
    assert process.returncode == 0


# --- Rotating the secret: the key version field -------------------------------------------------
OLD, NEW = "old-secret-0123456789abcdefghijklmnopqrstuv", "new-secret-0123456789abcdefghijklmnopqrstuv"


class TestRotation:
    @pytest.fixture
    def app(self, tmp_path):
        return make_app(cookie_secret={0: OLD, 1: NEW}, key_version=1, data_dir=tmp_path)

    @pytest.mark.gen_test
    async def test_new_cookies_are_signed_with_the_new_key(self, fetch):
        raw = set_cookies(await fetch("/signed"))["role"][0].value
        assert raw.split("|")[1] == "1:1"
        signed_part, signature = raw.rsplit("|", 1)
        assert signature == hmac.new(NEW.encode(), (signed_part + "|").encode(),
                                     hashlib.sha256).hexdigest()

    @pytest.mark.gen_test
    async def test_cookies_signed_with_the_old_key_still_pass(self, fetch):
        old = create_signed_value(OLD, "role", "guest", key_version=0)
        response = await fetch("/signed", cookie=role_cookie(old))
        assert response.body.startswith(b"Your signed cookie was set!")

    @pytest.mark.gen_test
    async def test_a_retired_or_unknown_key_version_is_rejected(self, fetch):
        unknown = create_signed_value(OLD, "role", "guest", key_version=7)
        response = await fetch("/signed", cookie=role_cookie(unknown))
        assert response.body.startswith(b"Your signed cookie was rejected")

    def test_every_key_is_checked(self, tmp_path):
        with pytest.raises(SecretError, match="printed in the notes"):
            make_app(cookie_secret={0: naive.NOTES_SECRET, 1: NEW}, key_version=1)


# --- JavaScript操作Cookie -----------------------------------------------------------------------------
@pytest.mark.gen_test
async def test_js_page_sets_one_visible_and_one_httponly_cookie(fetch):
    response = await fetch("/js/page")
    cookies = set_cookies(response)
    assert cookies["js_visible"][1] == "js_visible=1; Path=/; SameSite=Lax"
    assert cookies["js_hidden"][1] == "js_hidden=1; HttpOnly; Path=/; SameSite=Lax"
    assert re.search(r'<script src="/static/cookies\.js\?v=[0-9a-f]+"></script>',
                     response.body.decode())


@pytest.mark.gen_test
async def test_cookies_js_is_served_with_both_functions(fetch):
    response = await fetch("/static/cookies.js")
    script = response.body.decode()
    assert response.code == 200
    assert "function notesSetCookie(name, value, expires)" in script
    assert "current_date.setSeconds(current_date.getSeconds() + 5);" in script  # the notes' bug
    assert "function setCookie(name, value, seconds, options)" in script


@pytest.mark.gen_test
async def test_unknown_path_is_a_404_that_names_it(fetch):
    response = await fetch("/nowhere")
    assert response.code == 404
    assert response.body == b"404 Not Found: no route matches /nowhere\n"
