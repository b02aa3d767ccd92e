"""tornkit.db: db&orm and 线程池异步 (the thread pool) on SQLAlchemy 2's asyncio ORM.

tornadopy's settings, read the same way:

    DATABASE_CONNECTION = {
        "default": {"connections": [
            {"ROLE": "master", "DRIVER": "mysql+aiomysql", "UID": "app", "PASSWD": "...",
             "HOST": "127.0.0.1", "PORT": 3306, "DATABASE": "shop", "QUERY": {"charset": "utf8mb4"}},
            {"ROLE": "slave", ...},                  # any number of replicas
        ]},
    }
    SQLALCHEMY_CONFIGURATION = {"sqlalchemy.pool_size": 10, "sqlalchemy.echo": False, ...}

mapped onto one AsyncEngine per connection, with pool_pre_ping=True where tornadopy ran a
`SELECT 0` timer (PING_DB). What is new, and written here by hand (it is the lesson):

- RoutingSession.get_bind: flushes and every statement that is not a SELECT go to the primary;
  SELECTs to a healthy replica; everything to the primary once the session has written, inside
  `using_master()`, or when the request carries the read-your-writes pin. A `text()` statement
  is not `is_select`, so it goes to the primary: the policy cannot read SQL strings.
- A replica that does not answer is set aside for a second (reads fall back to the primary) and
  tried again afterwards; a database that does not answer is a 503 (DatabaseUnavailable).
- DBSessionMiddleware: one AsyncSession per request, created on first use, rolled back (unless
  the handler committed) and closed in process_endcall. Never shared: tornadopy's thread-local
  scoped_session was one session for every request of Tornado's single thread.
- paginate(session, stmt, page, per_page) -> Page, and Model (DeclarativeBase) with
  `__connection_name__`, `Model.Q` (a fresh select()) and `Model.session` (the current request's).
- async_execute: a blocking function run in the application's own thread pool
  (THREADS_NUM threads), awaited.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import math
import os
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy.pool
import tornado.web
from sqlalchemy import URL, Select, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Session

from tornkit.conf import SettingsError

__all__ = ["DatabaseUnavailable", "Database", "Databases", "RoutingSession", "DBSession",
           "DBSessionMiddleware", "DBMixin", "Model", "ModelMixin", "Page", "PageError", "paginate",
           "async_execute", "thread_pool", "connection_from_url"]

# What SQLAlchemy 2 no longer takes, and what does the job now.
REMOVED = {
    "encoding": "SQLAlchemy 2.0 removed it; the driver's charset does the job: "
                "QUERY = {'charset': 'utf8mb4'} in DATABASE_CONNECTION",
    "convert_unicode": "SQLAlchemy 2.0 removed it: every string is already str",
    "strategy": "SQLAlchemy 2.0 removed the 'threadlocal' strategy: a session per request "
                "(DBSessionMiddleware) is what it tried to be",
    "case_sensitive": "SQLAlchemy 2.0 removed it: result rows are matched case-sensitively",
    "empty_in_strategy": "SQLAlchemy 1.4 made it a no-op (and it warns): drop it",
    "server_side_cursors": "use .execution_options(stream_results=True) on the statement",
}
RETRY_AFTER = 1.0  # seconds a replica that did not answer is left out before it is tried again
PIN_COOKIE = "tornkit_db_pin"  # read-your-writes: this client's reads go to the primary


class DatabaseUnavailable(tornado.web.HTTPError):
    """The database did not answer: a 503 with a message in a handler, a clear error anywhere."""

    def __init__(self, what: str, error: BaseException) -> None:
        reason = getattr(error, "orig", None) or error
        super().__init__(503, "%s is unavailable: %s", what, reason)


def is_disconnect(error: BaseException) -> bool:
    """A failure to reach the server (refused, lost, timed out), not an error of the SQL:
    MySQL's client-side error codes are 2000-2999 (2003: can't connect, 2013: lost)."""
    if isinstance(error, (OSError, asyncio.TimeoutError)):
        return True
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    code = next(iter(getattr(error.orig, "args", ()) or ()), None)
    return isinstance(code, int) and 2000 <= code < 3000


# --- DATABASE_CONNECTION and SQLALCHEMY_CONFIGURATION -> engines --------------------------------
def engine_options(configuration: Mapping[str, Any]) -> dict:
    """SQLALCHEMY_CONFIGURATION ('sqlalchemy.pool_size': 10, ...) -> create_async_engine()'s
    keywords, with pool_pre_ping=True unless it is set; removed settings are an error."""
    options = {"pool_pre_ping": True}
    for key, value in configuration.items():
        name = key.removeprefix("sqlalchemy.")
        if name in REMOVED:
            raise SettingsError(f"SQLALCHEMY_CONFIGURATION[{key!r}]: {REMOVED[name]}")
        if name == "poolclass" and isinstance(value, str):
            value = getattr(sqlalchemy.pool, value, None) or _bad_pool(key, value)
            if value is sqlalchemy.pool.QueuePool:
                raise SettingsError(f"SQLALCHEMY_CONFIGURATION[{key!r}]: QueuePool cannot serve "
                                    "an asyncio engine; AsyncAdaptedQueuePool (the default) or "
                                    "NullPool can")
        options[name] = dict(value) if isinstance(value, Mapping) else value
    return options


def _bad_pool(key: str, value: str):
    raise SettingsError(f"SQLALCHEMY_CONFIGURATION[{key!r}]: sqlalchemy.pool has no {value!r}")


def connection_url(connection: Mapping[str, Any]) -> URL:
    """One DATABASE_CONNECTION entry (DRIVER, UID, PASSWD, HOST, PORT, DATABASE, QUERY) -> URL."""
    return URL.create(connection.get("DRIVER", "mysql+aiomysql"),
                      username=connection.get("UID"), password=connection.get("PASSWD") or None,
                      host=connection.get("HOST") or "127.0.0.1",
                      port=int(connection.get("PORT") or 3306),
                      database=connection.get("DATABASE") or None,
                      query={k: str(v) for k, v in (connection.get("QUERY") or {}).items()})


def connection_from_url(url: str, role: str = "master", driver: str = "mysql+aiomysql") -> dict:
    """mysql://user:password@host:port/db (what workbook.services gives) -> a DATABASE_CONNECTION
    entry, so that an app's settings keep tornadopy's shape."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    return {"ROLE": role, "DRIVER": driver, "UID": u.username, "PASSWD": u.password or "",
            "HOST": u.host, "PORT": u.port or 3306, "DATABASE": u.database,
            "QUERY": {"charset": "utf8mb4"}}


class Database:
    """One connection name: a primary engine, its replica engines, and which replicas answer."""

    def __init__(self, name: str, connections, options: Mapping[str, Any]) -> None:
        self.name = name
        roles = {c.get("ROLE", "master") for c in connections}
        if not roles <= {"master", "slave"}:
            raise SettingsError(f"DATABASE_CONNECTION[{name!r}]: ROLE is 'master' or 'slave', "
                                f"not {sorted(roles - {'master', 'slave'})}")
        masters = [c for c in connections if c.get("ROLE", "master") == "master"]
        if len(masters) != 1:
            raise SettingsError(f"DATABASE_CONNECTION[{name!r}]: exactly one connection with "
                                f"ROLE 'master', not {len(masters)}")
        self.primary: AsyncEngine = create_async_engine(connection_url(masters[0]), **options)
        self.replicas: list[AsyncEngine] = [
            create_async_engine(connection_url(c), **options)
            for c in connections if c.get("ROLE") == "slave"]
        self._down_until: dict[AsyncEngine, float] = {}

    def read_engine(self) -> AsyncEngine:
        """A replica that has not failed in the last RETRY_AFTER seconds, else the primary."""
        now = time.monotonic()
        healthy = [e for e in self.replicas if self._down_until.get(e, 0) <= now]
        return random.choice(healthy) if healthy else self.primary

    def mark_down(self, engine: AsyncEngine) -> None:
        self._down_until[engine] = time.monotonic() + RETRY_AFTER

    def is_replica(self, engine: AsyncEngine) -> bool:
        return engine in self.replicas

    async def wait_replicas(self, timeout: float = 5.0) -> bool:
        """Until every replica that answers has applied what the primary has logged so far
        (MariaDB's GTIDs: MASTER_GTID_WAIT). False if one did not within timeout."""
        from sqlalchemy import text

        async with self.primary.connect() as conn:
            position = await conn.scalar(text("SELECT @@gtid_binlog_pos"))
        caught_up = True
        for engine in self.replicas:
            try:
                async with engine.connect() as conn:
                    waited = await conn.scalar(text("SELECT MASTER_GTID_WAIT(:p, :t)"),
                                               {"p": position, "t": timeout})
                caught_up = caught_up and waited == 0
            except DBAPIError as e:
                if not is_disconnect(e):
                    raise
                self.mark_down(engine)  # reads go to the primary meanwhile
        return caught_up

    async def dispose(self) -> None:
        for engine in (self.primary, *self.replicas):
            await engine.dispose()


class Databases:
    """Every connection name of one Application (app.databases), from its settings."""

    def __init__(self, connections: Mapping[str, Mapping], configuration: Mapping = (),
                 *, session_class: type[Session] | None = None) -> None:
        if not connections:
            raise SettingsError("DATABASE_CONNECTION is empty: give at least 'default'")
        options = engine_options(dict(configuration or {}))
        self.by_name = {name: Database(name, spec["connections"], options)
                        for name, spec in connections.items()}
        self.default = "default" if "default" in self.by_name else next(iter(self.by_name))
        self.sessionmaker = async_sessionmaker(
            class_=DBSession, sync_session_class=session_class or RoutingSession,
            expire_on_commit=False, info={"databases": self})
        self._closing: set[asyncio.Task] = set()
        self._created: dict[tuple, asyncio.Future] = {}  # create_all_once's, per metadata

    @classmethod
    def from_conf(cls, conf, **kwargs) -> Databases:
        return cls(getattr(conf, "DATABASE_CONNECTION", {}),
                   getattr(conf, "SQLALCHEMY_CONFIGURATION", {}), **kwargs)

    def __getitem__(self, name: str | None) -> Database:
        try:
            return self.by_name[name or self.default]
        except KeyError:
            raise SettingsError(f"no DATABASE_CONNECTION named {name!r}: there are "
                                f"{sorted(self.by_name)}") from None

    async def create_all(self, metadata, name: str | None = None) -> None:
        """metadata.create_all on the primary, then wait until the replicas have it too."""
        database = self[name]
        try:
            async with database.primary.begin() as conn:
                await conn.run_sync(metadata.create_all)
            await database.wait_replicas()
        except DBAPIError as e:
            if not is_disconnect(e):
                raise
            raise DatabaseUnavailable("the database", e) from None

    async def create_all_once(self, metadata, name: str | None = None) -> None:
        """create_all() the first time it is awaited: later calls, and the requests that arrive
        while it runs, wait for that one; after a failure, the next call tries again."""
        key = (id(metadata), name)
        task = self._created.get(key)
        if task is None or (task.done() and task.exception()):
            task = self._created[key] = asyncio.ensure_future(self.create_all(metadata, name))
        await asyncio.shield(task)

    def session(self, *, pinned: bool = False) -> DBSession:
        session = self.sessionmaker()
        session.sync_session.pinned = pinned
        return session

    def close_later(self, session: DBSession) -> None:
        """Close a session from sync code (process_endcall); close() waits for it."""
        task = asyncio.ensure_future(session.close())
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def close(self) -> None:
        if self._closing:
            await asyncio.gather(*self._closing, return_exceptions=True)
        for database in self.by_name.values():
            await database.dispose()


# --- The routing policy ---------------------------------------------------------------------------
def connection_name(mapper) -> str | None:
    return getattr(getattr(mapper, "class_", None), "__connection_name__", None)


def is_read(clause) -> bool:
    """A SELECT that locks nothing. text() is not is_select: it counts as a write."""
    return (clause is not None and getattr(clause, "is_select", False)
            and getattr(clause, "_for_update_arg", None) is None)


class RoutingSession(Session):
    """Session.get_bind, SQLAlchemy's documented hook, choosing primary or replica."""

    pinned = False  # using_master(), or the request's read-your-writes pin

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.wrote: set[str] = set()  # databases this session wrote to: it reads them from there
        self.chosen = None            # the engine the last get_bind chose (for the fallback)

    def get_bind(self, mapper=None, clause=None, **kwargs):
        database = self.info["databases"][connection_name(mapper)]
        if self._flushing or not is_read(clause):
            self.wrote.add(database.name)
            engine = database.primary
        elif self.pinned or database.name in self.wrote:
            engine = database.primary
        else:
            engine = database.read_engine()
        self.chosen = (database, engine)
        return engine.sync_engine


class DBSession(AsyncSession):
    """AsyncSession plus using_master(), the replica fallback, and 503s for a database down."""

    @contextlib.contextmanager
    def using_master(self):
        """Reads inside the block go to the primary (tornadopy: session.using_master())."""
        before, self.sync_session.pinned = self.sync_session.pinned, True
        try:
            yield self
        finally:
            self.sync_session.pinned = before

    @property
    def wrote(self) -> bool:
        return bool(self.sync_session.wrote)

    async def execute(self, statement, params=None, **kwargs):
        sync = self.sync_session
        sync.chosen = None
        try:
            return await super().execute(statement, params, **kwargs)
        except DBAPIError as e:
            if not is_disconnect(e):
                raise
            database, engine = sync.chosen or (None, None)
            if database is None or not database.is_replica(engine):
                raise DatabaseUnavailable("the database", e) from None
            database.mark_down(engine)  # this read, and the next second's, from the primary
        try:
            return await super().execute(statement, params, **kwargs)
        except DBAPIError as e:
            if is_disconnect(e):
                raise DatabaseUnavailable("the database", e) from None
            raise

    async def scalar(self, statement, params=None, **kwargs):
        # AsyncSession.scalar skips execute(): through it, so that it falls back too.
        return (await self.execute(statement, params, **kwargs)).scalar()

    async def commit(self) -> None:
        try:
            await super().commit()
        except DBAPIError as e:
            if is_disconnect(e):
                raise DatabaseUnavailable("the database", e) from None
            raise


# --- One session per request ------------------------------------------------------------------------
class RequestScope:
    """What the middleware hangs on each request: its session, created on first use."""

    def __init__(self, databases: Databases, pinned: bool) -> None:
        self.databases, self.pinned, self._session = databases, pinned, None

    @property
    def session(self) -> DBSession:
        if self._session is None:
            self._session = self.databases.session(pinned=self.pinned)
        return self._session

    def end(self) -> None:
        if self._session is not None:  # close() rolls back whatever was not committed
            self.databases.close_later(self._session)
            self._session = None


class DBSessionMiddleware:
    """MIDDLEWARE_CLASSES entry (tornadopy's DBAlchemyMiddleware). process_call is balanced by
    process_endcall (chapter 15's onion rule), so even a 405 closes what it opened."""

    def process_init(self, application) -> None:
        session_class = getattr(application.conf, "DATABASE_SESSION_CLASS", None)
        self.databases = application.databases = Databases.from_conf(
            application.conf, session_class=session_class)

    def process_call(self, request, clear) -> None:
        request.db_scope = RequestScope(self.databases, pinned=PIN_COOKIE in request.cookies)

    def process_endcall(self, handler, clear) -> None:
        scope = getattr(handler.request, "db_scope", None)
        if scope is not None:
            scope.end()


class DBMixin:
    """For handlers: self.db (the request's session) and commit() with read-your-writes."""

    PIN_SECONDS = 5  # how long this client's reads stay on the primary after it wrote

    @property
    def db(self) -> DBSession:
        return self.request.db_scope.session

    async def commit(self) -> None:
        session = self.db
        await session.commit()  # the flush inside it is what sends the writes
        if session.wrote:  # the next requests (the redirect after a POST) must see the write too
            self.set_cookie(PIN_COOKIE, "1", expires=time.time() + self.PIN_SECONDS,
                            httponly=True, samesite="Lax")


# --- Models, queries, pages -----------------------------------------------------------------------
class _Q:
    def __get__(self, instance, owner) -> Select:
        return select(owner)


class _CurrentSession:
    def __get__(self, instance, owner) -> DBSession:
        from tornkit.application import current_request

        request = current_request()
        if request is None or not hasattr(request, "db_scope"):
            raise RuntimeError(f"{owner.__name__}.session is the current request's session: "
                               "there is no request here (or no DBSessionMiddleware)")
        return request.db_scope.session


class ModelMixin:
    """What Model adds to a declarative base: __connection_name__ picks the DATABASE_CONNECTION
    entry; Q is a select() of the model (User.Q.filter(User.name == 'jack')); session is the
    request's. A project with a registry and MetaData of its own (its create_all then makes its
    tables only) writes `class Base(ModelMixin, DeclarativeBase): pass`."""

    __connection_name__ = "default"
    Q = _Q()
    session = _CurrentSession()


class Model(ModelMixin, DeclarativeBase):
    """The shared declarative base, with ModelMixin's helpers."""

    __abstract__ = True


class PageError(ValueError):
    """A page number or size that cannot be: the message says which and why."""


@dataclass(frozen=True)
class Page:
    page: int
    per_page: int
    total: int
    items: list = field(default_factory=list)

    @property
    def pages(self) -> int:
        return math.ceil(self.total / self.per_page) if self.total else 0

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None


async def paginate(session: AsyncSession, stmt: Select, page: int, per_page: int) -> Page:
    """Page `page` (counted from 1) of `stmt`'s rows, `per_page` of them: two queries, a count
    and a LIMIT/OFFSET. Past the last page: no items (and has_next False), not an error."""
    if not isinstance(page, int) or page < 1:
        raise PageError(f"page numbers start at 1: got {page!r}")
    if not isinstance(per_page, int) or per_page < 1:
        raise PageError(f"per_page must be at least 1: got {per_page!r}")
    total = await session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    result = await session.execute(stmt.limit(per_page).offset((page - 1) * per_page))
    single = len(stmt.column_descriptions) == 1
    items = list(result.scalars() if single else result)
    return Page(page=page, per_page=per_page, total=total or 0, items=items)


# --- 线程池异步: async_execute --------------------------------------------------------------------------
def thread_pool(application) -> concurrent.futures.ThreadPoolExecutor:
    """The application's own pool (THREADS_NUM threads, default the CPU count), made on first
    use. tornadopy borrowed the DNS resolver's, which changed name resolution process-wide."""
    pool = application.__dict__.get("thread_pool")
    if pool is None:
        size = getattr(getattr(application, "conf", None), "THREADS_NUM", None) or os.cpu_count()
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=size,
                                                     thread_name_prefix="tornkit-pool")
        application.thread_pool = pool
    return pool


def async_execute(method):
    """`@async_execute def slow(self, ...)` on a handler: calling it returns an awaitable that
    runs the blocking body in the application's pool; the IOLoop serves others meanwhile."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        loop = asyncio.get_running_loop()
        call = functools.partial(method, self, *args, **kwargs)
        return loop.run_in_executor(thread_pool(self.application), call)

    return wrapper


def shutdown_thread_pool(application) -> None:
    pool = application.__dict__.pop("thread_pool", None)
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)
