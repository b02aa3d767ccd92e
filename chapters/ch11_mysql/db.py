"""Chapter 11's plumbing around MySQL: connection arguments, the pools (the notes' POOL among
them), the schema, transactions, and what "the database is down" looks like. app.py holds the
lesson; this file holds what it stands on.
"""
from __future__ import annotations

import asyncio
import contextlib

import pymysql
import tornado.web
import tornado_mysql

from workbook import services
from workbook.web import BaseHandler

from . import aio
from .pool import Pool

# What "the database is down" looks like from each driver: these become a 503, not a 500.
DB_DOWN = (tornado_mysql.err.OperationalError, tornado_mysql.err.InterfaceError,
           pymysql.err.OperationalError, pymysql.err.InterfaceError)
NO_MYSQL = ("no MySQL configured: `make chapter-11` starts a private MariaDB, or set "
            "MYSQL_URL=mysql://user:password@host:port/database")


def connect_kwargs(url: str) -> dict:
    """mysql://user:password@host:port/db -> tornado_mysql.connect()'s keyword arguments
    (the notes: host=..., port=3306, user=..., passwd=..., db=..., charset='utf8')."""
    p = services.mysql_params(url)
    return dict(host=p["host"], port=p["port"], user=p["user"], passwd=p["password"],
                db=p["db"], charset="utf8mb4")  # utf8mb4: MySQL's "utf8" stops at 3 bytes


# --- 连接池: the notes' POOL ----------------------------------------------------------------------
def make_pool(url: str, *, max_idle_connections: int = 1, max_recycle_sec: int = 3,
              max_open_connections: int = 0) -> Pool:
    """The notes' values: keep at most 1 idle connection; close a connection that has been
    connected for more than 3 s instead of lending it out or taking it back (tornado_mysql's
    default is 3600). max_open_connections caps how many queries run at once (0: no cap)."""
    return Pool(connect_kwargs(url), max_idle_connections=max_idle_connections,
                max_recycle_sec=max_recycle_sec, max_open_connections=max_open_connections)


def close_idle(pool: Pool) -> None:
    """Close the pool's idle connections (tornado_mysql's pool has no close()); busy ones are
    closed when their query ends, as the pool then has no room to keep them."""
    pool.max_idle = 0
    while pool._free_conn:
        pool._close_conn(pool._free_conn.popleft())


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


# --- The schema ----------------------------------------------------------------------------------
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


class Database:
    """The app's MySQL: its URL, the tornado_mysql pool and the aiomysql pool (both made on
    first use, on the running loop, so the app starts even when MySQL is down), and the schema
    (created once). Application.db is one; Application.close() closes it."""

    def __init__(self, settings: dict) -> None:
        """settings: the app's, with mysql_url and make_pool's three keyword arguments."""
        self.url = url = settings["mysql_url"]
        self.where = "MySQL"
        if url:
            p = services.mysql_params(url)
            self.where = f"MySQL at {p['host']}:{p['port']}"
        self.pool_args = {name: settings[name] for name in (
            "max_idle_connections", "max_recycle_sec", "max_open_connections")}
        self._pool: Pool | None = None
        self._aio_pool = None
        self._aio_lock = asyncio.Lock()
        self._schema_ready = False

    def check_url(self) -> str:
        if self.url is None:
            raise tornado.web.HTTPError(503, "%s", NO_MYSQL)
        return self.url

    @property
    def has_pool(self) -> bool:
        return self._pool is not None

    @property
    def pool(self) -> Pool:
        if self._pool is None:
            self._pool = make_pool(self.check_url(), **self.pool_args)
        return self._pool

    async def aio_pool(self):
        self.check_url()
        async with self._aio_lock:
            if self._aio_pool is None:
                self._aio_pool = await aio.create_pool(
                    self.url, maxsize=self.pool_args["max_open_connections"] or 50)
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


class DatabaseHandler(BaseHandler):
    """What every handler of the app needs from MySQL (lesson section 9)."""

    @property
    def pool(self) -> Pool:
        return self.application.db.pool

    async def db(self, awaitable):
        """Await a database call; down, refused or too slow is a 503 that says so."""
        return await services.within(awaitable, what=self.application.db.where,
                                     timeout=self.settings["query_timeout"], errors=DB_DOWN)

    async def schema(self) -> None:
        await self.db(self.application.db.create_schema())
