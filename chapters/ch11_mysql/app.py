"""Chapter 11 · 基于异步非阻塞和Tornado-MySQL实现用户登录示例: a login backed by MySQL, through
tornado-mysql's connection pool, without ever blocking the IOLoop.

The lesson (README.md), section by section: 1. the notes' query functions, today, and 2. a
transaction (users.py; the pool, the schema and the 503s: db.py); 3. the login (passwords:
passwords.py); 6 to 8. SELECT SLEEP four ways (sleep.py). No MYSQL_URL: a private MariaDB for the
app's life.
"""
if not __package__:
    raise SystemExit("Run it with `make chapter-11`, or in the venv: "
                     "python -m chapters.ch11_mysql.app")

import asyncio
import contextlib
import os
import time
from collections import deque

import tornado.web
import tornado_mysql

from workbook import manifest, services
from workbook.runner import parse_port, serve
from workbook.secrets import SecretError, check_secret, cookie_secret
from workbook.web import NotFoundHandler

from . import sleep
from .db import DB_DOWN, Database
from .passwords import NOBODY_HASH, NOBODY_SALT, password_matches
from .users import BaseHandler, get_user_by_conn_pool, register_user
from .users import get_user  # noqa: F401 (not used here: the tests import it from app.py)

CHAPTER = manifest.for_path(__file__)
DATA_DIR = manifest.ROOT / "var" / CHAPTER.slug


# --- 1. The notes' get_user and get_user_by_conn_pool, as coroutines of today: users.py ----------
# --- 2. A transaction: a user and their "registered" event, both or neither: users.py ------------
# --- 3. The login: a salted, slow hash (passwords.py, never the password), a signed cookie -----
# (users.py's BaseHandler: who is logged in, what a name may be, logging in)
class IndexHandler(BaseHandler):
    async def get(self):
        logins = None
        if self.current_user:
            await self.schema()
            cur = await self.db(self.pool.execute(
                "SELECT COUNT(*) FROM events JOIN users ON users.id = events.user_id "
                "WHERE users.name = %s AND events.what = 'login'", (self.current_user,)))
            logins = cur.fetchone()[0]
        self.render("index.html", logins=logins)


class LoginHandler(BaseHandler):
    def get(self):
        self.render("login.html", error=None, name="")

    async def post(self):
        # The notes: user = self.get_argument('username'); data = yield gen.Task(get_user, user)
        name, password = self.form_name(), self.get_body_argument("password")
        await self.schema()
        row = await self.db(get_user_by_conn_pool(self.pool, name))
        # No such user: hash anyway, so both failures take as long and answer the same.
        salt, digest = (row[2], row[3]) if row else (NOBODY_SALT, NOBODY_HASH)
        if not await password_matches(password, salt, digest) or row is None:
            self.set_status(403)
            return self.render("login.html", error="wrong username or password", name=name)
        await self.db(self.pool.execute(
            "INSERT INTO events (user_id, what) VALUES (%s, 'login')", (row[0],)))
        self.log_in(row[1])


class RegisterHandler(BaseHandler):
    def get(self):
        self.render("register.html", error=None, name="")

    async def post(self):
        name, password = self.form_name(), self.get_body_argument("password")
        if not 8 <= len(password) <= 128:
            raise tornado.web.HTTPError(400, "a password is 8 to 128 characters")
        await self.schema()
        try:
            await self.db(register_user(self.pool, name, password))
        except tornado_mysql.err.IntegrityError:  # UNIQUE(name): the transaction rolled back
            self.set_status(409)
            return self.render("register.html", error=f"the name {name} is taken", name=name)
        self.log_in(name)


class LogoutHandler(BaseHandler):
    def post(self):
        self.clear_cookie("user")
        self.redirect(self.reverse_url("index"))


# --- The application: its database, and the timeline of sleep.py --------------------------------
class Application(tornado.web.Application):
    def __init__(self, handlers, **settings):
        super().__init__(handlers, **settings)
        self.db = Database(self.settings)  # mysql_url, and the pool's arguments
        self.timeline, self.started = deque(maxlen=200), time.monotonic()  # sleep.py's /timeline

    async def close(self) -> None:
        await self.db.close()


def make_app(**overrides) -> Application:
    settings = {
        "template_path": manifest.ROOT / "tpl" / CHAPTER.slug,
        "default_handler_class": NotFoundHandler,
        "xsrf_cookies": True,  # the forms carry {% module xsrf_form_html() %} (chapter 06)
        "data_dir": DATA_DIR,  # where the cookie secret is kept
        "mysql_url": os.environ.get("MYSQL_URL") or None,
        "max_idle_connections": 1, "max_recycle_sec": 3, "max_open_connections": 0,
        "query_timeout": 5.0,  # seconds a query may take, waiting for a connection included
        **overrides,
    }
    if "cookie_secret" in settings:  # given: checked; else generated once into data_dir
        check_secret(settings["cookie_secret"])
    else:
        settings["cookie_secret"] = cookie_secret(settings["data_dir"])
    return Application([
        tornado.web.url(r"/", IndexHandler, name="index"),
        (r"/login", LoginHandler),
        (r"/register", RegisterHandler),
        (r"/logout", LogoutHandler),
        *sleep.ROUTES,
    ], **settings)


async def main(argv=None):
    port = parse_port(argv, default=CHAPTER.port)
    with contextlib.ExitStack() as stack:
        try:  # MYSQL_URL if it is set; else a private MariaDB for as long as the app runs
            url = stack.enter_context(services.provide("mysql"))
            app = make_app(mysql_url=url)
        except services.ServiceError as e:
            raise SystemExit(f"chapter 11 needs MySQL: {e}") from None
        except SecretError as e:
            raise SystemExit(f"Refusing to start: {e}") from None
        try:  # now, or else by the first request that needs it
            await asyncio.wait_for(app.db.create_schema(), 10)
        except (*DB_DOWN, OSError, asyncio.TimeoutError) as e:
            services.say(f"cannot create the schema yet ({e}); pages that need MySQL answer 503")
        await serve(app, port, paths=CHAPTER.paths)  # closes the app when it stops


if __name__ == "__main__":
    asyncio.run(main())
