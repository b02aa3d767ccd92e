"""Chapter 06 · 实例1 · 实例2 · CSRF · 表单验证: log in with a signed cookie, protect pages with
@authenticated, refuse forged cross-site requests, and validate forms.

Run it:  make chapter-06        or   python -m chapters.ch06_login.app --port=8806
Lesson:  chapters/ch06_login/README.md
Who is logged in: auth.py. Users and passwords: users.py. Where ?next= may lead: redirects.py.
The actions CSRF would forge: actions.py. Forms, and the sign-up page: forms.py.
The notes' own code, attacked: naive.py
"""
if not __package__:  # run as a file: no package, and perhaps not the venv's Python
    raise SystemExit("Run it with `make chapter-06`, or in the venv: "
                     "python -m chapters.ch06_login.app")

import asyncio

import tornado.web

from chapters.ch06_login.actions import EmailHandler, LikeHandler
from chapters.ch06_login.auth import COOKIE, COOKIE_DAYS, BaseHandler
from chapters.ch06_login.forms import EmailForm, LoginForm, SignupHandler
from chapters.ch06_login.redirects import safe_next
from chapters.ch06_login.users import DEMO_PASSWORD, DEMO_USER, UserStore, demo_users
from workbook import manifest
from workbook.runner import parse_port, serve
from workbook.secrets import SecretError, check_secret, cookie_secret
from workbook.web import BaseHandler as WorkbookHandler, NotFoundHandler

CHAPTER = manifest.for_path(__file__)
DATA_DIR = manifest.ROOT / "var" / CHAPTER.slug  # the generated secret; var/ is in .gitignore


# --- 实例1: the check written by hand (section 1) ------------------------------------------------
class ByHandHandler(WorkbookHandler):  # the notes' 实例1 MainHandler: a check each handler repeats
    def get(self):
        login_user = self.get_signed_cookie(COOKIE, max_age_days=COOKIE_DAYS)
        if login_user and self.application.users.get(login_user.decode()):
            self.set_header("Content-Type", "text/plain; charset=UTF-8")
            self.write(login_user)
        else:
            self.redirect("/login")


# --- 实例2: BaseHandler, who is logged in (auth.py), and @authenticated (section 2) -------------
class MembersHandler(BaseHandler):  # the notes' 实例2 MainHandler
    @tornado.web.authenticated  # no current_user: a redirect to login_url?next=<this page>
    def get(self):
        self.set_header("Content-Type", "text/plain; charset=UTF-8")
        self.write(self.current_user)


class HomeHandler(BaseHandler):
    def get(self):
        user = self.application.users.get(self.current_user) if self.current_user else None
        self.render("home.html", user=user,
                    email_form=EmailForm({"email": user.email} if user else None))


# --- The login: scrypt hashes (section 3), and back to a safe ?next= (section 5) ----------------
class LoginHandler(BaseHandler):
    def get(self):
        self.render("login.html", form=LoginForm(),
                    next=safe_next(self.get_query_argument("next", None)),
                    demo=(DEMO_USER, DEMO_PASSWORD))

    async def post(self):
        form = LoginForm()
        next_url = safe_next(self.get_body_argument("next", None))  # a hidden field: checked again
        if form.validate(self):
            user = await self.application.users.authenticate(form.values["username"],
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


# --- CSRF: the actions a forged request would want (section 6): actions.py ---------------------
# Nothing in them defends them: two settings of make_app do, xsrf_cookies, cross_origin_protection.

# --- 表单验证: sign up (section 7): SignupHandler, in forms.py next to its SignupForm ------------


# --- Logout (section 8) ------------------------------------------------------------------------
class LogoutHandler(BaseHandler):
    def post(self):  # POST, not GET: a link or an <img> on another site must not log you out
        self.clear_cookie(COOKIE)
        self.redirect("/")


ROUTES = [
    (r"/", HomeHandler),
    (r"/by-hand", ByHandHandler),  # 实例1
    (r"/members", MembersHandler),  # 实例2
    (r"/login", LoginHandler),
    (r"/logout", LogoutHandler),
    (r"/signup", SignupHandler),  # 表单验证
    (r"/email", EmailHandler),  # CSRF: the forged request's target
    (r"/api/like", LikeHandler),  # CSRF: the token in a header
]


class Application(tornado.web.Application):  # and its live object, the user store
    def __init__(self, handlers, users: UserStore | None = None, **settings) -> None:
        super().__init__(handlers, **settings)
        self.users = users if users is not None else demo_users()


def make_app(**overrides) -> Application:
    """Tests pass cookie_secret, users, data_dir, and xsrf_cookies=False (one defence alone)."""
    settings = {
        "template_path": manifest.ROOT / "tpl" / CHAPTER.slug,
        "login_url": "/login",  # where @authenticated sends visitors, adding ?next=
        "xsrf_cookies": True,  # every POST carries the _xsrf token (section 6)
        "cross_origin_protection": True,  # Tornado 6.6: Sec-Fetch-Site / Origin checked too
        "default_handler_class": NotFoundHandler,
        "data_dir": DATA_DIR,
        **overrides,
    }
    if "cookie_secret" in settings:  # given: checked like a loaded one (section 4)
        check_secret(settings["cookie_secret"])
    else:
        settings["cookie_secret"] = cookie_secret(settings["data_dir"])
    return Application(ROUTES, **settings)


async def main(argv=None):
    # The notes: application.listen(8887); tornado.ioloop.IOLoop.instance().start()
    port = parse_port(argv, default=CHAPTER.port)
    try:
        app = make_app()
    except SecretError as e:
        raise SystemExit(f"Refusing to start: {e}")
    await serve(app, port, paths=CHAPTER.paths)


if __name__ == "__main__":
    asyncio.run(main())
