"""Chapter 05 · cookie, 加密cookie (signed cookies), 签名Cookie的本质 and JavaScript操作Cookie.

Run it:  make chapter-05        or   python -m chapters.ch05_cookies.app --port=8805
Lesson:  chapters/ch05_cookies/README.md

The cookie secret is never in this file: it comes from $WORKBOOK_COOKIE_SECRET, or is generated
once into var/ch05_cookies/cookie_secret (mode 0600, ignored by git). See load_cookie_secret().
"""
import asyncio
import os
import re
import secrets
import stat
from pathlib import Path

import tornado.web
from tornado.web import HTTPError

from chapters.ch05_cookies import anatomy
from workbook import manifest
from workbook.runner import parse_port, serve
from workbook.web import BaseHandler, NotFoundHandler, StaticHandler

CHAPTER = manifest.for_path(__file__)
TEMPLATE_PATH = manifest.ROOT / "tpl" / CHAPTER.slug  # the notes: 'template_path': 'tpl'
STATIC_PATH = manifest.ROOT / "static" / CHAPTER.slug  # cookies.js, served as /static/cookies.js
DEFAULT_SECRET_DIR = manifest.ROOT / "var" / CHAPTER.slug  # var/ is in .gitignore


# --- 5.cookie · 基本操作: the notes' MainHandler ---------------------------------------------------
class MainHandler(BaseHandler):
    def get(self):
        if not self.get_cookie("mycookie"):  # 获取cookie内容: the request's Cookie header
            self.set_cookie("mycookie", "myvalue")  # a Set-Cookie header in this response
            self.write("Your cookie was not set yet!")
        else:
            self.write("Your cookie was set!")


# --- set_cookie's attributes, one cookie each --------------------------------------------------
# (name, set_cookie keyword arguments, what the browser does with it). The page sets them all;
# open the browser's developer tools (Application > Cookies) next to it.
ATTRIBUTE_DEMOS = [
    ("session_only", {},
     "No Expires, no Max-Age: a session cookie, dropped when the browser quits."),
    ("expires_demo", {"expires_days": 7},
     "Expires=<a date 7 days ahead>: kept until that date (expires= takes a timestamp or a "
     "datetime; expires_days= counts from now)."),
    ("max_age_demo", {"max_age": 3600},
     "Max-Age=3600: kept for an hour, counted by the browser's own clock."),
    ("path_demo", {"path": "/echo/scoped"},
     "Path=/echo/scoped: sent back to /echo/scoped and below only; not to /echo."),
    ("httponly_demo", {"httponly": True},
     "HttpOnly: sent to the server as usual, invisible to the page's JavaScript."),
    ("secure_demo", {"secure": True},
     "Secure: sent over HTTPS only (browsers make an exception for localhost and 127.0.0.1)."),
    ("strict_demo", {"samesite": "Strict"},
     "SameSite=Strict: not sent when another site starts the request, not even a link."),
    ("lax_demo", {"samesite": "Lax"},
     "SameSite=Lax: sent when the user follows a link from another site; not with other sites' "
     "forms, images or scripts."),
]
# Domain= is only meaningful for a DNS name: on http://shop.localhost:8805/attributes the cookie
# also goes to api.shop.localhost; without Domain (every other cookie here) it is host-only.
DNS_NAME = re.compile(r"(?=.*[a-z])[a-z0-9-]+(\.[a-z0-9-]+)+")


class AttributesHandler(BaseHandler):
    def get(self):
        demos = list(ATTRIBUTE_DEMOS)
        host = self.request.host_name  # from the Host header: check it before using it
        if DNS_NAME.fullmatch(host):
            demos.append(("domain_demo", {"domain": host},
                          f"Domain={host}: sent to {host} and to every name under it."))
        for name, attributes, _ in demos:
            self.set_cookie(name, "1", **attributes)
        self.render("attributes.html", demos=demos, received=sorted(self.cookies))


class EchoHandler(BaseHandler):
    """What the server received: the request's cookies, as JSON. Mounted at /echo, at
    /echo/scoped (see path_demo) and at /js/echo (see the notes' setCookie)."""

    def get(self):
        self.set_header("Cache-Control", "no-store")
        self.write({"path": self.request.path,
                    "cookies": {name: self.cookies[name].value for name in sorted(self.cookies)}})


# --- 加密cookie: signed cookies ---------------------------------------------------------------------
# The notes: set_secure_cookie / get_secure_cookie. Since Tornado 6.3: set_signed_cookie /
# get_signed_cookie (the old names are aliases). "Secure" meant "signed", which was confusing
# next to the cookie attribute Secure (HTTPS only).
ROLE_MAX_AGE_DAYS = 1  # how old a signed role cookie may be; the server checks it, not the browser


class SignedHandler(BaseHandler):
    """The notes' MainHandler again, with a signed cookie. The server only ever hands out
    role=guest."""

    def get(self):
        self.set_header("Content-Type", "text/plain; charset=UTF-8")
        role = self.get_signed_cookie("role", max_age_days=ROLE_MAX_AGE_DAYS)  # bytes, or None
        if role is not None:
            self.write(f"Your signed cookie was set! get_signed_cookie('role') returned {role!r}")
            return
        if self.get_cookie("role") is None:
            message = "Your signed cookie was not set yet!"
        else:  # there is one, but its signature is wrong, or it is too old
            message = "Your signed cookie was rejected (forged, tampered with or expired)."
        self.set_signed_cookie("role", "guest", expires_days=ROLE_MAX_AGE_DAYS,
                               httponly=True, samesite="Lax")
        self.write(message + " A new one is set: role=guest, signed.")


class AdminHandler(BaseHandler):
    """Only for role=admin, which this server never signs: the only way in is a forged cookie."""

    def get(self):
        role = self.get_signed_cookie("role", max_age_days=ROLE_MAX_AGE_DAYS)
        if role != b"admin":
            raise HTTPError(403, "your signed role cookie says %r, not b'admin'", role)
        self.set_header("Content-Type", "text/plain; charset=UTF-8")
        self.write("Welcome, admin.")


# --- 签名Cookie的本质: the role cookie, field by field -----------------------------------------------
class AnatomyHandler(BaseHandler):
    def get(self):
        raw = self.get_cookie("role")
        if raw is None:
            self.write({"cookie": None, "hint": "visit /signed first: it sets a signed cookie"})
            return
        try:
            parts = anatomy.parse(raw)
        except ValueError as e:
            raise HTTPError(400, "the role cookie is not a signed value: %s", e)
        self.write({
            "cookie": raw,
            "fields": {
                "format version": parts.version,
                "key version": parts.key_version,
                "timestamp": parts.timestamp,
                "issued (UTC)": parts.issued.strftime("%Y-%m-%d %H:%M:%S"),
                "name": parts.name,
                "value, base64": parts.value_base64.decode(),
                "value, decoded without any secret": parts.value.decode(errors="replace"),
                "signature, HMAC-SHA256 hex": parts.signature.decode(),
            },
            "accepted by get_signed_cookie": self.get_signed_cookie(
                "role", max_age_days=ROLE_MAX_AGE_DAYS) is not None,
        })


# --- JavaScript操作Cookie -----------------------------------------------------------------------------
class JsPageHandler(BaseHandler):
    """A page at /js/page (not /js: the notes' setCookie gives no path, so its cookies get the
    page's directory, /js, as their path). It sets one cookie JavaScript can see and one it cannot."""

    def get(self):
        self.set_cookie("js_visible", "1", samesite="Lax")
        self.set_cookie("js_hidden", "1", httponly=True, samesite="Lax")
        self.render("js.html")


# --- The secret: never in the source -----------------------------------------------------------
SECRET_ENV = "WORKBOOK_COOKIE_SECRET"
SECRET_FILE = "cookie_secret"
MIN_SECRET_LENGTH = 32
# The two secrets printed in the notes (加密cookie; 实例1 and 实例2). Whoever has read them can
# sign any cookie for any app that uses them; the first is in many public repositories.
PUBLISHED_SECRETS = frozenset({
    "61oETzKXQAGaYdkL5gEmGeJJFuYh7EQnp2XdTP1o/Vo=",
    "t114uXSkw1SZ6xlWOCASQWYKkIuW7Wl2bTnbsLzsJyoOI7EqnnaT8HDzFNbB9Ryw",
})
MAKE_ONE = "python -c 'import secrets; print(secrets.token_urlsafe(32))'"


class SecretError(RuntimeError):
    """A cookie secret the app refuses to run with; the message says how to fix it."""


def check_secret(secret: str, origin: str) -> str:
    if secret in PUBLISHED_SECRETS:
        raise SecretError(f"{origin}: this cookie secret is printed in the notes, so anyone can "
                          f"sign cookies with it. Make your own: {MAKE_ONE}")
    if len(secret) < MIN_SECRET_LENGTH:
        raise SecretError(f"{origin}: a cookie secret needs {MIN_SECRET_LENGTH} characters or "
                          f"more, this one has {len(secret)}. Make one: {MAKE_ONE}")
    return secret


def load_cookie_secret(secret_dir: Path) -> str:
    """$WORKBOOK_COOKIE_SECRET if set; else secret_dir/cookie_secret, created on first use."""
    if value := os.environ.get(SECRET_ENV):
        return check_secret(value, f"${SECRET_ENV}")
    path = Path(secret_dir) / SECRET_FILE
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        # O_EXCL: create it only if it does not exist; 0o600: readable by its owner only.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise SecretError(f"{path} can be read by other users (mode {mode:03o}); "
                              f"run: chmod 600 {path}") from None
        return check_secret(path.read_text().strip(), str(path))
    secret = secrets.token_urlsafe(32)  # 32 random bytes, 43 characters
    with os.fdopen(fd, "w") as f:
        f.write(secret + "\n")
    return secret


ROUTES = [
    (r"/", MainHandler),
    (r"/attributes", AttributesHandler),
    (r"/(?:echo|echo/scoped|js/echo)", EchoHandler),
    (r"/signed", SignedHandler),
    (r"/signed/anatomy", AnatomyHandler),
    (r"/admin", AdminHandler),
    (r"/js/page", JsPageHandler),
]


def make_app(**settings) -> tornado.web.Application:
    """settings may hold cookie_secret (a str, or a {key_version: secret} dict together with
    key_version) and secret_dir (where a generated secret is kept: tests pass tmp_path)."""
    secret_dir = settings.pop("secret_dir", DEFAULT_SECRET_DIR)
    if "cookie_secret" in settings:
        secret = settings["cookie_secret"]
        for value in secret.values() if isinstance(secret, dict) else [secret]:
            check_secret(value, "cookie_secret")
    else:
        settings["cookie_secret"] = load_cookie_secret(secret_dir)
    return tornado.web.Application(
        ROUTES,
        template_path=TEMPLATE_PATH,
        static_path=STATIC_PATH,
        static_handler_class=StaticHandler,  # chapter 04: a 400, not a 500, for a NUL in the path
        default_handler_class=NotFoundHandler,
        **settings,
    )


async def main(argv=None):
    port = parse_port(argv, default=CHAPTER.port)
    try:
        app = make_app()
    except SecretError as e:
        raise SystemExit(f"Refusing to start: {e}")
    await serve(app, port, paths=CHAPTER.paths)


if __name__ == "__main__":
    asyncio.run(main())
