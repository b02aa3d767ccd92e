"""Chapter 11 · 基于异步非阻塞和Tornado-MySQL实现用户登录示例: a login backed by MySQL, through
tornado-mysql's connection pool, without ever blocking the IOLoop.

Run it:  make chapter-11        or   python -m chapters.ch11_mysql.app --port=8811
         (no MYSQL_URL set: a private MariaDB runs for the app's life and is removed on exit)
Lesson:  chapters/ch11_mysql/README.md
"""
from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import os
import secrets
import time
from collections import deque

import pymysql
import tornado.web
import tornado_mysql
from tornado.ioloop import IOLoop

from chapters.ch11_mysql import aio
from chapters.ch11_mysql.pool import Pool
from workbook import manifest, services
from workbook.runner import parse_port, serve
from workbook.web import BaseHandler as WorkbookHandler
from workbook.web import NotFoundHandler

CHAPTER = manifest.for_path(__file__)

# What "the database is down" looks like from each driver: these become a 503, not a 500.
DB_DOWN = (tornado_mysql.err.OperationalError, tornado_mysql.err.InterfaceError,
           pymysql.err.OperationalError, pymysql.err.InterfaceError)


def connect_kwargs(url: str) -> dict:
    """mysql://user:password@host:port/db -> tornado_mysql.connect()'s keyword arguments
    (the notes: host=..., port=3306, user=..., passwd=..., db=..., charset='utf8')."""
    p = services.mysql_params(url)
    return dict(host=p["host"], port=p["port"], user=p["user"], passwd=p["password"],
                db=p["db"], charset="utf8mb4")  # utf8mb4: MySQL's "utf8" stops at 3 bytes


# --- 连接池: the notes' POOL ----------------------------------------------------------------------
def make_pool(url: str, *, max_idle_connections: int = 1, max_recycle_sec: int = 3,
              max_open_connections: int = 0) -> Pool:
    # The notes' values: keep at most 1 idle connection, recycle connections after 3 s.
    # max_open_connections caps how many queries run at once (0: no cap).
    return Pool(connect_kwargs(url), max_idle_connections=max_idle_connections,
                max_recycle_sec=max_recycle_sec, max_open_connections=max_open_connections)


def close_idle(pool: Pool) -> None:
    """Close the pool's idle connections (tornado_mysql's pool has no close()); busy ones are
    closed when their query ends, as the pool then has no room to keep them."""
    pool.max_idle = 0
    while pool._free_conn:
        pool._close_conn(pool._free_conn.popleft())


# --- The notes' get_user and get_user_by_conn_pool, as coroutines of today -----------------------
# (notes_style.py has them as the notes wrote them, @gen.coroutine and raise gen.Return: they
# still run. Write these.)
USER_BY_NAME = "SELECT id, name, salt, password_hash FROM users WHERE name = %s"


async def get_user(url: str, name: str):
    """One connection per call: connect, query, close (the notes' get_user). Simple, and slow:
    every call pays for a TCP connection and MySQL's login handshake."""
    conn = await tornado_mysql.connect(**connect_kwargs(url))
    try:
        cur = conn.cursor()
        await cur.execute(USER_BY_NAME, (name,))  # %s + a tuple: the driver quotes the value
        row = cur.fetchone()
        await cur.close()  # a coroutine in tornado_mysql (the notes forgot to wait for it)
        return row
    finally:
        conn.close()


async def get_user_by_conn_pool(pool: Pool, name: str):
    """The same query through the pool: a connection is borrowed and given back."""
    cur = await pool.execute(USER_BY_NAME, (name,))
    return cur.fetchone()


# --- Passwords: a salted, slow hash; never the password ------------------------------------------
def hash_password(password: str, salt: bytes) -> bytes:
    # scrypt is deliberately slow (~40 ms) and memory-hard, so a stolen table is slow to crack.
    return hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)


async def password_matches(password: str, salt_hex: str, hash_hex: str) -> bool:
    # 40 ms of CPU would stall every other request: the hash runs on a thread.
    computed = await IOLoop.current().run_in_executor(
        None, hash_password, password, bytes.fromhex(salt_hex))
    return hmac.compare_digest(computed.hex(), hash_hex)  # constant time


NOBODY_SALT, NOBODY_HASH = "00" * 16, "00" * 32  # matches no password


async def new_password(password: str) -> tuple[str, str]:
    salt = secrets.token_bytes(16)
    digest = await IOLoop.current().run_in_executor(None, hash_password, password, salt)
    return salt.hex(), digest.hex()


# --- The schema, created at start; registration in a transaction ----------------------------------
SCHEMA = {
    "users": """CREATE TABLE users (
        id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
        name VARCHAR(32) NOT NULL UNIQUE,
        salt CHAR(32) NOT NULL,
        password_hash CHAR(64) NOT NULL
    ) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin""",
    "events": """CREATE TABLE events (
        id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
        user_id INT UNSIGNED NOT NULL,
        what VARCHAR(16) NOT NULL,
        at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
        FOREIGN KEY (user_id) REFERENCES users (id)
    )""",
}


@contextlib.asynccontextmanager
async def transaction(pool: Pool):
    """pool.begin() checks out one connection; everything runs on it, then commit() (or
    rollback() on any error) gives it back. Forgetting both leaks the connection."""
    tx = await pool.begin()
    try:
        yield tx
    except asyncio.CancelledError:
        tx.abandon()  # cut short by a timeout: no waiting for a server that may not answer
        raise
    except BaseException:
        await tx.rollback()
        raise
    await tx.commit()


async def register_user(pool: Pool, name: str, password: str) -> int:
    """A user and their "registered" event: both rows, or (on any error) neither."""
    salt, digest = await new_password(password)
    async with transaction(pool) as tx:
        cur = await tx.execute(
            "INSERT INTO users (name, salt, password_hash) VALUES (%s, %s, %s)",
            (name, salt, digest))
        await tx.execute("INSERT INTO events (user_id, what) VALUES (%s, 'registered')",
                         (cur.lastrowid,))
        return cur.lastrowid


# --- The handlers ---------------------------------------------------------------------------------
class BaseHandler(WorkbookHandler):
    @property
    def pool(self) -> Pool:
        return self.application.pool

    async def db(self, awaitable):
        """Await a database call; down, refused or too slow is a 503 that says so."""
        return await services.within(awaitable, what=self.application.mysql_where,
                                     timeout=self.settings["query_timeout"], errors=DB_DOWN)

    async def schema(self) -> None:
        await self.db(self.application.create_schema())

    def get_current_user(self) -> str | None:
        name = self.get_signed_cookie("user")
        return name.decode() if name else None

    def form_name(self) -> str:
        name = self.get_body_argument("username").strip()
        if not 1 <= len(name) <= 32 or not name.isprintable():
            raise tornado.web.HTTPError(400, "a username is 1 to 32 printable characters")
        return name

    def log_in(self, name: str) -> None:
        self.set_signed_cookie("user", name, httponly=True, samesite="Lax")
        self.redirect(self.reverse_url("index"))


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
        name = self.form_name()
        password = self.get_body_argument("password")
        await self.schema()
        row = await self.db(get_user_by_conn_pool(self.pool, name))
        # No such user: hash anyway, so that both failures take as long and answer the same
        # (no probing for which names exist).
        salt, digest = (row[2], row[3]) if row else (NOBODY_SALT, NOBODY_HASH)
        if not await password_matches(password, salt, digest) or row is None:
            self.set_status(403)
            self.render("login.html", error="wrong username or password", name=name)
            return
        await self.db(self.pool.execute(
            "INSERT INTO events (user_id, what) VALUES (%s, 'login')", (row[0],)))
        self.log_in(row[1])


class RegisterHandler(BaseHandler):
    def get(self):
        self.render("register.html", error=None, name="")

    async def post(self):
        name = self.form_name()
        password = self.get_body_argument("password")
        if not 8 <= len(password) <= 128:
            raise tornado.web.HTTPError(400, "a password is 8 to 128 characters")
        await self.schema()
        try:
            await self.db(register_user(self.pool, name, password))
        except tornado_mysql.err.IntegrityError:  # UNIQUE(name): the transaction rolled back
            self.set_status(409)
            self.render("register.html", error=f"the name {name} is taken", name=name)
            return
        self.log_in(name)


class LogoutHandler(BaseHandler):
    def post(self):
        self.clear_cookie("user")
        self.redirect(self.reverse_url("index"))


# --- SELECT SLEEP(n): what "non-blocking" buys, and what a blocking driver costs ----------------
# CONNECTION_ID() says which pooled connection ran the query; SYSDATE(6) is the server's clock
# when it evaluates it (NOW() would be the statement's start twice).
SLEEP_SQL = "SELECT CONNECTION_ID(), SYSDATE(6), SLEEP(%s), SYSDATE(6)"


def interval(row) -> dict:
    return {"connection": row[0], "started": row[1].isoformat(), "ended": row[3].isoformat()}


def blocking_sleep(url: str, seconds: float, timeout: float):
    """PyMySQL, a blocking driver: the calling thread waits, doing nothing else, until MySQL
    answers (or `timeout` seconds pass)."""
    p = services.mysql_params(url)
    conn = pymysql.connect(host=p["host"], port=p["port"], user=p["user"], password=p["password"],
                           database=p["db"], connect_timeout=timeout, read_timeout=timeout)
    try:
        with conn.cursor() as cur:
            cur.execute(SLEEP_SQL, (seconds,))
            return cur.fetchone()
    finally:
        conn.close()


class SleepBase(BaseHandler):
    def seconds(self) -> float:
        raw = self.get_query_argument("seconds", "1")
        try:
            seconds = float(raw)
        except ValueError:
            raise tornado.web.HTTPError(400, "seconds must be a number, not %r", raw) from None
        if not 0 <= seconds <= 3:
            raise tornado.web.HTTPError(400, "seconds must be between 0 and 3, not %s", raw)
        return seconds

    def mark(self, event: str) -> None:
        self.application.timeline.append((time.monotonic(), f"{event} {self.request.path}"))

    def check_url(self) -> str:
        if self.application.mysql_url is None:
            raise tornado.web.HTTPError(503, "%s", NO_MYSQL)
        return self.application.mysql_url


class SleepHandler(SleepBase):
    """GET /sleep?seconds=1: SELECT SLEEP through the pool. While MySQL sleeps, the IOLoop
    serves everyone else."""

    async def get(self):
        seconds = self.seconds()
        self.mark("start")
        cur = await self.db(self.pool.execute(SLEEP_SQL, (seconds,)))
        self.mark("end")
        self.write(interval(cur.fetchone()))


class BlockingSleepHandler(SleepBase):
    """GET /blocking/sleep: the same query with PyMySQL, called directly. Don't."""

    def get(self):  # runs on the IOLoop's thread: nothing else runs until it returns
        seconds = self.seconds()
        url = self.check_url()
        self.mark("start")
        try:
            row = blocking_sleep(url, seconds, self.settings["query_timeout"])
        except DB_DOWN as e:
            raise tornado.web.HTTPError(503, "%s is unavailable: %s",
                                        self.application.mysql_where, e) from None
        self.mark("end")
        self.write(interval(row))


class ExecutorSleepHandler(SleepBase):
    """GET /executor/sleep: PyMySQL on a worker thread, awaited: the IOLoop stays free."""

    async def get(self):
        seconds = self.seconds()
        url = self.check_url()
        self.mark("start")
        row = await self.db(IOLoop.current().run_in_executor(
            None, blocking_sleep, url, seconds, self.settings["query_timeout"]))
        self.mark("end")
        self.write(interval(row))


class AioSleepHandler(SleepBase):
    """GET /aio/sleep: the same query through aiomysql's pool (aio.py), today's choice."""

    async def get(self):
        seconds = self.seconds()
        self.mark("start")
        pool = await self.db(self.application.aio_pool())
        row = await self.db(aio.query_one(pool, SLEEP_SQL, (seconds,)))
        self.mark("end")
        self.write(interval(row))


class PingHandler(SleepBase):
    """GET /ping: a request that needs nothing. If it waits, something blocked the IOLoop."""

    def get(self):
        self.mark("served")
        self.write("pong")


class TimelineHandler(BaseHandler):
    """GET /timeline: what the sleep and ping handlers did, in the order they did it."""

    def get(self):
        start = self.application.started
        events = [[round(t - start, 3), what] for t, what in self.application.timeline]
        self.write({"events": events})


class PoolHandler(BaseHandler):
    def get(self):
        opened, idle, waiting = self.pool.stat() if self.application.has_pool else (0, 0, 0)
        self.write({"opened": opened, "idle": idle, "waiting": waiting,
                    "max_open_connections": self.settings["max_open_connections"]})


# --- The application ------------------------------------------------------------------------------
NO_MYSQL = ("no MySQL configured: `make chapter-11` starts a private MariaDB, or set "
            "MYSQL_URL=mysql://user:password@host:port/database")


class Application(tornado.web.Application):
    """The app and what it owns: the pools (made on first use, on the running loop) and the
    schema (created once)."""

    def __init__(self, handlers, *, mysql_url: str | None, **settings):
        super().__init__(handlers, **settings)
        self.mysql_url = mysql_url
        self.mysql_where = "MySQL"
        if mysql_url:
            p = services.mysql_params(mysql_url)
            self.mysql_where = f"MySQL at {p['host']}:{p['port']}"
        self.timeline: deque[tuple[float, str]] = deque(maxlen=200)
        self.started = time.monotonic()
        self._pool: Pool | None = None
        self._aio_pool = None
        self._aio_lock = asyncio.Lock()
        self._schema_ready = False

    @property
    def has_pool(self) -> bool:
        return self._pool is not None

    @property
    def pool(self) -> Pool:
        if self.mysql_url is None:
            raise tornado.web.HTTPError(503, "%s", NO_MYSQL)
        if self._pool is None:
            s = self.settings
            self._pool = make_pool(self.mysql_url, max_idle_connections=s["max_idle_connections"],
                                   max_recycle_sec=s["max_recycle_sec"],
                                   max_open_connections=s["max_open_connections"])
        return self._pool

    async def aio_pool(self):
        if self.mysql_url is None:
            raise tornado.web.HTTPError(503, "%s", NO_MYSQL)
        async with self._aio_lock:
            if self._aio_pool is None:
                self._aio_pool = await aio.create_pool(
                    self.mysql_url, maxsize=self.settings["max_open_connections"] or 50)
        return self._aio_pool

    async def create_schema(self) -> None:
        """The tables that are missing. (Not CREATE TABLE IF NOT EXISTS: on a table that exists,
        MySQL answers with a warning, which tornado_mysql raises as a Python warning.)"""
        if not self._schema_ready:
            cur = await self.pool.execute("SELECT table_name FROM information_schema.tables "
                                          "WHERE table_schema = DATABASE()")
            existing = {name for (name,) in cur.fetchall()}
            for table, statement in SCHEMA.items():  # in order: events refers to users
                if table not in existing:
                    await self.pool.execute(statement)
            self._schema_ready = True

    async def close(self) -> None:
        if self._aio_pool is not None:
            self._aio_pool.close()
            await self._aio_pool.wait_closed()
            self._aio_pool = None
        if self._pool is not None:
            close_idle(self._pool)
            self._pool = None


def make_app(*, mysql_url: str | None = None, **settings) -> Application:
    defaults = dict(
        template_path=manifest.ROOT / "tpl" / CHAPTER.slug,
        default_handler_class=NotFoundHandler,
        xsrf_cookies=True,  # the forms carry {% module xsrf_form_html() %} (chapter 06)
        # A fresh secret per run: restarting the app logs everyone out. Pass your own to keep them.
        cookie_secret=secrets.token_hex(32),
        max_idle_connections=1, max_recycle_sec=3, max_open_connections=0,
        query_timeout=5.0,  # seconds a query may take, waiting for a connection included
    )
    return Application(
        [
            tornado.web.url(r"/", IndexHandler, name="index"),
            (r"/login", LoginHandler),
            (r"/register", RegisterHandler),
            (r"/logout", LogoutHandler),
            (r"/sleep", SleepHandler),
            (r"/blocking/sleep", BlockingSleepHandler),
            (r"/executor/sleep", ExecutorSleepHandler),
            (r"/aio/sleep", AioSleepHandler),
            (r"/ping", PingHandler),
            (r"/timeline", TimelineHandler),
            (r"/pool", PoolHandler),
        ],
        mysql_url=mysql_url or os.environ.get("MYSQL_URL") or None,
        **{**defaults, **settings},
    )


async def main(argv=None):
    port = parse_port(argv, default=CHAPTER.port)
    # MYSQL_URL if it is set; else a private MariaDB for as long as the app runs.
    with contextlib.ExitStack() as stack:
        try:
            url = stack.enter_context(services.provide("mysql"))
        except services.ServiceError as e:
            raise SystemExit(f"chapter 11 needs MySQL: {e}") from None
        app = make_app(mysql_url=url)
        try:
            await asyncio.wait_for(app.create_schema(), 10)
        except (*DB_DOWN, OSError, asyncio.TimeoutError) as e:
            services.say(f"cannot create the schema yet ({e}); pages that need MySQL answer "
                          "503 until it answers")
        await serve(app, port, paths=CHAPTER.paths)  # closes the app when it stops


if __name__ == "__main__":
    asyncio.run(main())
