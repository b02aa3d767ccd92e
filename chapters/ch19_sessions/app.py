"""Chapter 19 · session · token: a login with a server-side session (SessionMiddleware, on the
cache API) and a small JSON API with bearer tokens (TokenMiddleware, on Redis).

Run it:  make chapter-19        or   python -m chapters.ch19_sessions.app --port=8819
         (REDIS_URL unset: a private Redis runs for the app's life and is removed on exit)
Lesson:  chapters/ch19_sessions/README.md
"""
if not __package__:
    raise SystemExit("Run it with `make chapter-19`, or in the venv: "
                     "python -m chapters.ch19_sessions.app")

import asyncio
import os

import tornado.web

from chapters.ch19_sessions.api import Api
from chapters.ch19_sessions.users import check_password
from tornkit.application import Application
from tornkit.conf import Settings
from tornkit.handler import WebHandler
from workbook import manifest, services
from workbook.runner import parse_port, serve
from workbook.secrets import SecretError, cookie_secret
from workbook.web import BaseHandler, NotFoundHandler

CHAPTER = manifest.for_path(__file__)
DATA_DIR = manifest.ROOT / "var" / CHAPTER.slug
REMEMBER = 30 * 24 * 3600  # "remember me": 30 days, as in tornadopy's README

MIDDLEWARE_CLASSES = ("tornkit.session.SessionMiddleware", "tornkit.token.TokenMiddleware")
SESSION = {"session_cache_alias": "default", "session_name": "__TORNADOSSID", "expires": 0,
           "session_timeout": 24 * 3600, "httponly": True, "samesite": "Lax"}
TOKEN = {"token_cache_alias": "default_redis", "token_timeout": 3600}


# --- session: self.session, loaded before get() by the middleware ------------------------------
class Page(BaseHandler, WebHandler):
    def get_current_user(self):
        return self.session["name"]


class Index(Page):
    def get(self):  # reads the session only: no write to the store (test_app counts them)
        self.render("index.html", visits=self.session["visits"] or 0)


class Login(Page):
    def get(self):
        self.render("login.html", error=None, next=self.get_query_argument("next", "/counter"))

    def post(self):
        name = self.get_body_argument("name", "")
        uid = check_password(name, self.get_body_argument("password", ""))
        if uid is None:
            self.set_status(403)
            return self.render("login.html", error="wrong name or password", next="/counter")
        self.session.cycle_key()  # the fixation defence: a new id for the logged-in session
        self.session["userid"], self.session["name"] = uid, name
        if self.get_body_argument("remember", ""):
            self.session.set_expire(REMEMBER)  # tornadopy's README: self.set_expire(...)
        target = self.get_body_argument("next", "/counter")
        self.redirect(target if target.startswith("/") and not target.startswith("//") else "/")


class Counter(Page):
    def get(self):  # logged in or not: a session starts with the first change
        self.session["visits"] = (self.session["visits"] or 0) + 1  # one write per visit
        self.render("counter.html", visits=self.session["visits"])


class Account(Page):
    @tornado.web.authenticated  # a 302 to /login without a logged-in session
    def get(self):
        self.write({"userid": self.session["userid"], "name": self.session["name"]})


class Logout(Page):
    def post(self):
        self.session.flush()  # the data and the id, gone from the store
        self.redirect("/")


# --- token: self.token, read only by the handlers that ask (Api: api.py) ----------------------
class Tokens(Api):
    async def post(self):  # log in: a new token (and the one this request carried revoked)
        body = self.body()
        name = str(body.get("userName", ""))
        uid = check_password(name, str(body.get("password", "")))
        if uid is None:
            raise tornado.web.HTTPError(403, "wrong userName or password")
        token = await self.token.save({"userID": uid, "userName": name})
        self.set_status(201)
        self.write_api({"token": token, "token_type": "Bearer",
                        "expires_in": TOKEN["token_timeout"]})

    async def delete(self):  # log out: this token only
        await self.user()
        await self.token.revoke()
        self.set_status(204)


class Me(Api):
    async def get(self):
        self.write_api({"user": await self.user()})


class RevokeAll(Api):
    async def post(self):  # every device of this user logged out
        user = await self.user()
        self.write_api({"revoked": await self.token.revoke_all(user["userID"])})


ROUTES = [(r"/", Index), (r"/login", Login), (r"/counter", Counter), (r"/account", Account),
          (r"/logout", Logout),
          (r"/api/tokens", Tokens), (r"/api/me", Me), (r"/api/tokens/revoke-all", RevokeAll)]


def make_app(*, redis_url: str | None = None, **overrides) -> Application:
    location = redis_url or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    caches = {"default": {"BACKEND": "tornkit.cache.backends.redis.RedisCache",
                          "LOCATION": location, "KEY_PREFIX": "ch19"},
              "default_redis": {"BACKEND": "tornkit.cache.backends.redis.RedisClient",
                                "LOCATION": location}}
    conf = Settings(MIDDLEWARE_CLASSES=overrides.pop("middleware_classes", MIDDLEWARE_CLASSES),
                    CACHES=caches, SESSION={**SESSION, **overrides.pop("session", {})},
                    TOKEN=TOKEN)
    settings = {"template_path": manifest.ROOT / "tpl" / CHAPTER.slug, "data_dir": DATA_DIR,
                "login_url": "/login", "xsrf_cookies": True,
                "default_handler_class": NotFoundHandler, **overrides}
    settings.setdefault("cookie_secret", cookie_secret(settings["data_dir"]))
    return Application(ROUTES, conf=conf, **settings)


async def main(argv=None):
    port = parse_port(argv, default=CHAPTER.port)
    try:
        with services.provide("redis") as redis_url:
            app = make_app(redis_url=redis_url)
            await serve(app, port, paths=CHAPTER.paths)  # closes the app, and its Redis pools
    except SecretError as e:
        raise SystemExit(f"Refusing to start: {e}") from None
    except services.ServiceError as e:
        raise SystemExit(f"chapter 19 needs Redis: {e}") from None


if __name__ == "__main__":
    asyncio.run(main())
