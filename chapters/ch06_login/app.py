"""Chapter 06 · 实例1 · 实例2 · CSRF · 表单验证: log in with a signed cookie, protect pages with
@authenticated, refuse forged cross-site requests, and validate forms.

Run it:  make chapter-06        or   python -m chapters.ch06_login.app --port=8806
Lesson:  chapters/ch06_login/README.md
The notes' own code, kept to show what goes wrong with it: chapters/ch06_login/naive.py
"""
from __future__ import annotations

import asyncio
import functools
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import tornado.web
from tornado.ioloop import IOLoop

from chapters.ch06_login.forms import EmailForm, LoginForm, SignupForm
from workbook import manifest
from workbook.runner import parse_port, serve
from workbook.web import BaseHandler as WorkbookHandler
from workbook.web import NotFoundHandler

CHAPTER = manifest.for_path(__file__)
VAR = manifest.ROOT / "var" / CHAPTER.slug  # runtime data: the generated secret (git-ignored)

COOKIE = "user"  # the notes call it login_user
COOKIE_DAYS = 7
# A demo account, printed on the login page. Only its scrypt hash is kept in memory.
DEMO_USER, DEMO_PASSWORD, DEMO_EMAIL = "topaz", "tornado-6.6", "topaz@example.com"


# --- The secret: never in the code ---------------------------------------------------------------
SECRET_ENV = "WORKBOOK_COOKIE_SECRET"


def load_cookie_secret(var_dir: Path = VAR, environ=os.environ) -> str:
    """The notes write cookie_secret into the source, where everyone who reads the code can sign
    cookies. Here it comes from the environment, or is generated once and kept in
    var/ch06_login/cookie_secret, readable by its owner only (0600)."""
    secret = environ.get(SECRET_ENV)
    if secret:
        if len(secret) < 32:
            raise ValueError(f"{SECRET_ENV} is too short ({len(secret)} characters): "
                             "use at least 32, e.g. python -c 'import secrets; "
                             "print(secrets.token_urlsafe(32))'")
        return secret
    path = Path(var_dir) / "cookie_secret"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: never overwrite a secret another process has just written.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    secret = secrets.token_urlsafe(32)
    with os.fdopen(fd, "w") as f:
        f.write(secret + "\n")
    return secret


# --- Passwords: scrypt with a salt per user, never stored or compared in plain text -------------
SCRYPT = {"n": 2**14, "r": 8, "p": 1}  # Django's scrypt defaults: 16 MiB and a few 10 ms a hash


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)  # a new random salt for every user
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **SCRYPT)
    return f"scrypt${SCRYPT['n']}${SCRYPT['r']}${SCRYPT['p']}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    algorithm, n, r, p, salt, digest = stored.split("$")
    if algorithm != "scrypt":
        raise ValueError(f"unknown password hash {algorithm!r}")
    expected = bytes.fromhex(digest)
    candidate = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r),
                               p=int(p), dklen=len(expected))
    # compare_digest takes as long whatever the first differing byte: == would stop early and
    # let a patient attacker learn how much of a guess was right.
    return hmac.compare_digest(candidate, expected)


@functools.cache
def _decoy_hash() -> str:
    """The hash of a password nobody knows: an unknown username is checked against it, so that
    "no such user" costs as much time as "wrong password" and does not give names away."""
    return hash_password(secrets.token_urlsafe(16))


@functools.cache
def _demo_hash() -> str:
    return hash_password(DEMO_PASSWORD)


@dataclass
class User:
    name: str
    password_hash: str
    email: str = ""
    phone: str = ""
    likes: int = 0


class UserStore:
    """The users, in memory: they last as long as the process (chapter 11 keeps them in MySQL)."""

    def __init__(self) -> None:
        self._users: dict[str, User] = {}

    def add(self, name: str, password_hash: str, email: str = "", phone: str = "") -> User:
        if name in self._users:
            raise KeyError(name)
        self._users[name] = User(name, password_hash, email, phone)
        return self._users[name]

    def get(self, name: str) -> User | None:
        return self._users.get(name)

    def remove(self, name: str) -> None:
        del self._users[name]

    async def register(self, name: str, password: str, **fields) -> User:
        # scrypt is deliberately slow: run it in a thread, not on the event loop (chapter 09)
        password_hash = await IOLoop.current().run_in_executor(None, hash_password, password)
        return self.add(name, password_hash, **fields)

    async def authenticate(self, name: str, password: str) -> User | None:
        user = self._users.get(name)
        stored = user.password_hash if user else _decoy_hash()
        ok = await IOLoop.current().run_in_executor(None, verify_password, password, stored)
        return user if ok and user else None


def demo_users() -> UserStore:
    users = UserStore()
    users.add(DEMO_USER, _demo_hash(), DEMO_EMAIL)
    return users


# --- Where to go after logging in: never off the site --------------------------------------------
def safe_next(target: str | None, default: str = "/") -> str:
    """target if it is a path on this site, else default.

    @authenticated sends a visitor to /login?next=/members, and the login page sends them back
    there. Anything in the query string is attacker-controlled: /login?next=//evil.example would
    make this site send its users, just logged in and trusting it, to a look-alike page (an open
    redirect). So only a local path passes: it starts with exactly one "/", and contains nothing
    a browser would turn into another host.
    """
    if not target or not target.startswith("/"):
        return default  # "", "evil.example", "https://evil.example", "javascript:...", "http:evil"
    if target.startswith("//"):
        return default  # protocol-relative: //evil.example is http(s)://evil.example
    if "\\" in target:
        return default  # browsers read \ as /: /\evil.example is //evil.example
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return default  # browsers drop tabs and newlines: /\t/evil.example is //evil.example
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default  # belt and braces: whatever urllib sees as another host
    return target


# --- 实例2: a BaseHandler that knows who is logged in --------------------------------------------
class BaseHandler(WorkbookHandler):
    @property
    def users(self) -> UserStore:
        return self.settings["users"]

    def get_current_user(self) -> str | None:
        # get_signed_cookie returns bytes (or None when the cookie is missing, too old or its
        # signature is wrong): decode it, or templates would show b'topaz'.
        value = self.get_signed_cookie(COOKIE, max_age_days=COOKIE_DAYS)
        if value is None:
            return None
        name = value.decode()
        return name if self.users.get(name) else None  # a deleted user is logged out

    def log_in(self, name: str) -> None:
        # HttpOnly: page scripts cannot read it (an XSS cannot steal it).
        # SameSite=Lax: not sent with another *site*'s form POSTs; see the lesson for why that
        # is not enough on its own.
        self.set_signed_cookie(COOKIE, name, expires_days=COOKIE_DAYS, httponly=True,
                               samesite="Lax")


# --- 实例1: the check written by hand ------------------------------------------------------------
class ByHandHandler(BaseHandler):
    """The notes' 实例1 MainHandler: every protected handler repeats this check."""

    def get(self):
        login_user = self.get_signed_cookie(COOKIE, max_age_days=COOKIE_DAYS)
        if login_user and self.users.get(login_user.decode()):
            self.set_header("Content-Type", "text/plain; charset=UTF-8")
            self.write(login_user)
        else:
            self.redirect("/login")


# --- 实例2: @authenticated -----------------------------------------------------------------------
class MembersHandler(BaseHandler):
    """The notes' 实例2 MainHandler: the decorator checks self.current_user, and sends a visitor
    to the login_url setting with ?next=<this page>."""

    @tornado.web.authenticated
    def get(self):
        self.set_header("Content-Type", "text/plain; charset=UTF-8")
        self.write(self.current_user)


class HomeHandler(BaseHandler):
    def get(self):
        user = self.users.get(self.current_user) if self.current_user else None
        self.render("home.html", user=user,
                    email_form=EmailForm({"email": user.email} if user else None))


class LoginHandler(BaseHandler):
    def get(self):
        self.render("login.html", form=LoginForm(),
                    next=safe_next(self.get_query_argument("next", None)),
                    demo=(DEMO_USER, DEMO_PASSWORD))

    async def post(self):
        form = LoginForm()
        next_url = safe_next(self.get_body_argument("next", None))
        if form.validate(self):
            user = await self.users.authenticate(form.values["username"],
                                                 form.values["password"])
            if user:
                self.log_in(user.name)
                self.redirect(next_url)
                return
            form.add_error("password", "用户名或密码错误 (wrong username or password)")
            self.set_status(403)
        else:
            self.set_status(400)
        self.render("login.html", form=form, next=next_url, demo=(DEMO_USER, DEMO_PASSWORD))


class LogoutHandler(BaseHandler):
    def post(self):  # POST, not GET: a link or an <img> on another site must not log you out
        self.clear_cookie(COOKIE)
        self.redirect("/")


class SignupHandler(BaseHandler):
    def get(self):
        self.render("signup.html", form=SignupForm())

    async def post(self):
        form = SignupForm()
        if form.validate(self):
            values = form.values
            try:
                await self.users.register(values["username"], values["password"],
                                          email=values["email"], phone=values.get("phone", ""))
            except KeyError:
                form.add_error("username", f"username {values['username']!r} is taken")
            else:
                self.log_in(values["username"])
                self.redirect("/")
                return
        self.set_status(400)
        self.render("signup.html", form=form)


# --- CSRF: the actions a forged request would want ----------------------------------------------
class EmailHandler(BaseHandler):
    """Changes the logged-in user's email: the action a cross-site form would forge (whoever
    owns the email address can reset the password)."""

    @tornado.web.authenticated  # for a POST without a user: 403, not a redirect
    def post(self):
        form = EmailForm()
        user = self.users.get(self.current_user)
        if not form.validate(self):
            self.set_status(400)
            self.render("home.html", user=user, email_form=form)
            return
        user.email = form.values["email"]
        self.redirect("/")


class LikeHandler(BaseHandler):
    """A JSON endpoint for the page's fetch(): the token travels in the X-XSRFToken header."""

    @tornado.web.authenticated
    def post(self):
        user = self.users.get(self.current_user)
        user.likes += 1
        self.write({"likes": user.likes})


def make_app(**settings) -> tornado.web.Application:
    """settings override the defaults below: tests pass cookie_secret, users, var_dir, and
    xsrf_cookies=False to see what the other defence does alone."""
    var_dir = settings.pop("var_dir", VAR)
    if "cookie_secret" not in settings:
        settings["cookie_secret"] = load_cookie_secret(var_dir)
    if "users" not in settings:
        settings["users"] = demo_users()
    options = dict(
        template_path=manifest.ROOT / "tpl" / CHAPTER.slug,
        login_url="/login",  # where @authenticated sends visitors, adding ?next=
        # CSRF: every POST must carry the _xsrf token (form field or X-XSRFToken header) that
        # matches the _xsrf cookie. A page on another origin can make the browser send the
        # cookie, but cannot read it, so it cannot send the token.
        xsrf_cookies=True,
        # Tornado 6.6: refuse state-changing requests whose Sec-Fetch-Site / Origin headers say
        # they come from another origin. A second, independent check.
        cross_origin_protection=True,
        default_handler_class=NotFoundHandler,
    )
    options.update(settings)
    return tornado.web.Application(
        [
            (r"/", HomeHandler),
            (r"/by-hand", ByHandHandler),  # 实例1
            (r"/members", MembersHandler),  # 实例2
            (r"/login", LoginHandler),
            (r"/logout", LogoutHandler),
            (r"/signup", SignupHandler),  # 表单验证
            (r"/email", EmailHandler),  # CSRF: the forged request's target
            (r"/api/like", LikeHandler),  # CSRF: the token in a header
        ],
        **options,
    )


async def main(argv=None):
    # The notes: application.listen(8887); tornado.ioloop.IOLoop.instance().start()
    await serve(make_app(), parse_port(argv, default=CHAPTER.port), paths=CHAPTER.paths)


if __name__ == "__main__":
    asyncio.run(main())
