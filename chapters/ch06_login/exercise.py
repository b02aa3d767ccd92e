r"""Chapter 06 exercise: a members-only tea club, and a safe way back after logging in.

The login form, the password check and the signed cookie are written. Finish the rest:

  1. safe_next(target): return target when it is a path on this site ("/club?tab=tea"), and
     "/" for anything else, above all what a browser would take to another site:
     "//evil.example", "https://evil.example", "/\evil.example", "/\t/evil.example",
     "javascript:alert(1)", "".
  2. BaseHandler.get_current_user: the name in the signed cookie "member", as a str; None
     when there is no such cookie or its signature is wrong.
  3. /club is for members only: decorate ClubHandler.get with @tornado.web.authenticated and
     give make_app a login_url, so that a visitor is sent to /login?next=%2Fclub.
  4. LoginHandler.post: after a good login, go back to safe_next(<the "next" argument>)
     instead of always "/".

Check your work with:  make check-06
"""
import tornado.escape
import tornado.web

from chapters.ch06_login.users import UserStore, demo_users  # topaz, password "tornado-6.6"
from workbook.web import BaseHandler as WorkbookHandler
from workbook.web import NotFoundHandler

COOKIE = "member"


def safe_next(target: str | None, default: str = "/") -> str:
    # TODO step 1: return target only if it is a path on this site, else default.
    raise NotImplementedError("step 1: safe_next is not written yet")


class BaseHandler(WorkbookHandler):
    def get_current_user(self):
        # TODO step 2: read the signed cookie COOKIE; return the name as a str, or None.
        return None


class ClubHandler(BaseHandler):
    # TODO step 3: members only
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
        # TODO step 4: back to the "next" argument, if safe_next accepts it
        self.redirect("/")


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
        # TODO step 3: where @authenticated sends visitors
        default_handler_class=NotFoundHandler,
    )
