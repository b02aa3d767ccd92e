r"""Chapter 06 exercise, solved.

Why it looks like this:
  - safe_next accepts only what starts with exactly one "/": everything else is either another
    site ("https://...", "//...") or not a path at all ("javascript:...", ""). Backslashes are
    refused because browsers read them as slashes (/\evil.example is //evil.example), and
    control characters because browsers drop tabs and newlines from URLs (/\t/evil.example
    becomes //evil.example). urlsplit is a last check, not the main one: Python's URL parser
    drops tabs and newlines as browsers do, but reads \ as an ordinary character, so on its
    own it would let /\evil.example through.
  - get_signed_cookie returns bytes (or None when the cookie is missing, expired or its
    signature does not match cookie_secret): decode it, or every page shows b'topaz'. Never
    get_cookie: an unsigned cookie is whatever the client says.
  - @authenticated needs the login_url setting; for a GET it redirects there with
    ?next=<the path asked for>, and for a POST it answers 403.
  - The login POST runs safe_next again: the hidden "next" field is as attacker-controlled
    as the query string it came from.
"""
from urllib.parse import urlsplit

import tornado.escape
import tornado.web

from chapters.ch06_login.users import UserStore, demo_users  # topaz, password "tornado-6.6"
from workbook.web import BaseHandler as WorkbookHandler
from workbook.web import NotFoundHandler

COOKIE = "member"


def safe_next(target: str | None, default: str = "/") -> str:
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


class BaseHandler(WorkbookHandler):
    def get_current_user(self):
        value = self.get_signed_cookie(COOKIE)
        return value.decode() if value else None


class ClubHandler(BaseHandler):
    @tornado.web.authenticated
    def get(self):
        self.set_header("Content-Type", "text/plain; charset=UTF-8")
        self.write(f"Welcome to the club, {self.current_user}")


class WhoAmIHandler(BaseHandler):
    def get(self):
        self.set_header("Content-Type", "text/plain; charset=UTF-8")
        self.write(f"current_user = {self.current_user!r}")


class LoginHandler(BaseHandler):
    def get(self):
        next_url = tornado.escape.xhtml_escape(self.get_query_argument("next", "/"))
        self.write(
            '<form method="post" action="/login">'
            f'{self.xsrf_form_html()}'
            f'<input type="hidden" name="next" value="{next_url}"/>'
            '<input name="username"/> <input name="password" type="password"/>'
            '<button>Log in</button></form>'
        )

    async def post(self):
        name = self.get_body_argument("username")
        password = self.get_body_argument("password", strip=False)
        user = await self.application.members.authenticate(name, password)
        if user is None:
            raise tornado.web.HTTPError(403, "wrong username or password")
        self.set_signed_cookie(COOKIE, user.name, httponly=True, samesite="Lax")
        self.redirect(safe_next(self.get_body_argument("next", None)))


class Application(tornado.web.Application):  # and its live object, the members
    def __init__(self, handlers, members: UserStore | None = None, **settings) -> None:
        super().__init__(handlers, **settings)
        self.members = members if members is not None else demo_users()


def make_app(cookie_secret: str) -> Application:
    return Application(
        [
            (r"/club", ClubHandler),
            (r"/whoami", WhoAmIHandler),
            (r"/login", LoginHandler),
        ],
        cookie_secret=cookie_secret,
        xsrf_cookies=True,
        login_url="/login",
        default_handler_class=NotFoundHandler,
    )
