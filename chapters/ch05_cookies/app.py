"""Chapter 05 · cookie, 加密cookie (signed cookies), 签名Cookie的本质 and JavaScript操作Cookie.

Run it:  make chapter-05        or   python -m chapters.ch05_cookies.app --port=8805
Lesson:  chapters/ch05_cookies/README.md

The cookie secret is never in this file: workbook/secrets.py takes it from
$WORKBOOK_COOKIE_SECRET, or generates it once into var/ch05_cookies/cookie_secret (mode 0600,
ignored by git). The lesson's section 5 walks through that loader.
"""
if not __package__:  # run as a file: no package, and perhaps not the venv's Python
    raise SystemExit("Run it with `make chapter-05`, or in the venv: "
                     "python -m chapters.ch05_cookies.app")

import asyncio

import tornado.web
from tornado.web import HTTPError

from chapters.ch05_cookies import anatomy, attributes
from chapters.ch05_cookies.echo import EchoHandler  # the cookies received, as JSON
from workbook import manifest
from workbook.runner import parse_port, serve
from workbook.secrets import SecretError, check_secret, cookie_secret
from workbook.web import BaseHandler, NotFoundHandler, StaticHandler

CHAPTER = manifest.for_path(__file__)
TEMPLATE_PATH = manifest.ROOT / "tpl" / CHAPTER.slug  # the notes: 'template_path': 'tpl'
STATIC_PATH = manifest.ROOT / "static" / CHAPTER.slug  # cookies.js, served as /static/cookies.js
DATA_DIR = manifest.ROOT / "var" / CHAPTER.slug  # the generated secret; var/ is in .gitignore


# --- 5.cookie · 基本操作: the notes' MainHandler ---------------------------------------------------
class MainHandler(BaseHandler):
    def get(self):
        if not self.get_cookie("mycookie"):  # 获取cookie内容: the request's Cookie header
            self.set_cookie("mycookie", "myvalue")  # a Set-Cookie header in this response
            message = "Your cookie was not set yet!"
        else:
            message = "Your cookie was set!"
        self.render("index.html", message=message)  # the notes write(message); here with an index


# --- set_cookie's attributes, one cookie each (the table is in attributes.py) -----------------
class AttributesHandler(BaseHandler):
    def get(self):
        demos = attributes.demos(self.request.host_name)  # the Host header: checked there
        for name, kwargs, _ in demos:
            self.set_cookie(name, "1", **kwargs)
        self.render("attributes.html", demos=demos, received=sorted(self.cookies))


# --- 加密cookie: signed cookies ---------------------------------------------------------------------
# The notes: set_secure_cookie / get_secure_cookie. Tornado 6.3 renamed them set_signed_cookie /
# get_signed_cookie ("secure" meant "signed", next to the attribute Secure, HTTPS only). The old
# names are deprecated in the docs since 6.3, the same function in the code, and never warn.
ROLE_MAX_AGE_DAYS = 1  # how old a signed role cookie may be; the server checks it, not the browser


class SignedHandler(BaseHandler):  # the notes' MainHandler, signed; it only ever signs role=guest
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


class AdminHandler(BaseHandler):  # for role=admin, never signed here: only a forgery gets in
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
        accepted = self.get_signed_cookie("role", max_age_days=ROLE_MAX_AGE_DAYS) is not None
        self.write({"cookie": raw, "fields": parts.fields(),
                    "accepted by get_signed_cookie": accepted})


# --- JavaScript操作Cookie -----------------------------------------------------------------------------
class JsPageHandler(BaseHandler):
    # At /js/page, not /js: the notes' setCookie gives no path, so its cookies get the page's
    # directory, /js. One cookie JavaScript can see, and one it cannot.
    def get(self):
        self.set_cookie("js_visible", "1", samesite="Lax")
        self.set_cookie("js_hidden", "1", httponly=True, samesite="Lax")
        self.render("js.html")


ROUTES = [
    (r"/", MainHandler),
    (r"/attributes", AttributesHandler),
    (r"/(?:echo|echo/scoped|js/echo)", EchoHandler),
    (r"/signed", SignedHandler),
    (r"/signed/anatomy", AnatomyHandler),
    (r"/admin", AdminHandler),
    (r"/js/page", JsPageHandler),
]


def make_app(**overrides) -> tornado.web.Application:
    """overrides may hold cookie_secret (a str, or a {key_version: secret} dict together with
    key_version) and data_dir (where a generated secret is kept: tests pass tmp_path)."""
    settings = {
        "template_path": TEMPLATE_PATH,
        "static_path": STATIC_PATH,
        "static_handler_class": StaticHandler,  # chapter 04: a 400, not a 500, for a NUL
        "default_handler_class": NotFoundHandler,
        "data_dir": DATA_DIR,
        **overrides,
    }
    if "cookie_secret" in settings:  # given: checked like a loaded one
        check_secret(settings["cookie_secret"])
    else:
        settings["cookie_secret"] = cookie_secret(settings["data_dir"])
    return tornado.web.Application(ROUTES, **settings)


async def main(argv=None):
    port = parse_port(argv, default=CHAPTER.port)
    try:
        app = make_app()
    except SecretError as e:
        raise SystemExit(f"Refusing to start: {e}")
    await serve(app, port, paths=CHAPTER.paths)


if __name__ == "__main__":
    asyncio.run(main())
