"""Chapter 20 · db&orm · 线程池异步: notes on a MariaDB primary and its replica, through
tornkit.db (SQLAlchemy 2's asyncio ORM): reads from the replica, writes to the primary, one
session per request, pages of notes, and a blocking call run in the app's thread pool.

Run it:  make chapter-20        or   python -m chapters.ch20_databases.app --port=8820
         (MYSQL_PRIMARY_URL and MYSQL_REPLICA_URL unset: a private pair runs for the app's life)
Lesson:  chapters/ch20_databases/README.md
"""
if not __package__:
    raise SystemExit("Run it with `make chapter-20`, or in the venv: "
                     "python -m chapters.ch20_databases.app")

import asyncio
import contextlib
import secrets

import pymysql
import tornado.web
from sqlalchemy import literal_column, select

from chapters.ch20_databases.blocking import pymysql_params  # for /report
from chapters.ch20_databases.models import Note
from tornkit import db
from tornkit.application import Application
from tornkit.conf import Settings
from tornkit.handler import WebHandler
from tornkit.urls import Url, route
from workbook import manifest, services
from workbook.runner import parse_port, serve
from workbook.web import BaseHandler, NotFoundHandler, number_argument

CHAPTER = manifest.for_path(__file__)
SERVER_ID = select(literal_column("@@server_id"))  # a SELECT: the replica answers it
PER_PAGE = 5


def database_settings(pair_urls: dict) -> dict:
    """tornadopy's DATABASE_CONNECTION (one master, one slave) and SQLALCHEMY_CONFIGURATION."""
    return dict(
        DATABASE_CONNECTION={"default": {"connections": [
            db.connection_from_url(pair_urls["primary"], role="master"),
            db.connection_from_url(pair_urls["replica"], role="slave"),
        ]}},
        SQLALCHEMY_CONFIGURATION={"sqlalchemy.connect_args": {"connect_timeout": 3},
                                  "sqlalchemy.pool_size": 10, "sqlalchemy.pool_recycle": 3600},
        MIDDLEWARE_CLASSES=("tornkit.db.DBSessionMiddleware",),
        THREADS_NUM=4,  # async_execute's pool
    )


class Page(db.DBMixin, BaseHandler, WebHandler):
    async def on_prepare(self):  # CREATE TABLE on the primary once (and on the replica)
        await self.application.databases.create_all_once(Note.metadata)

    async def server_id(self) -> int:
        return await self.db.scalar(SERVER_ID)


class Index(Page):
    async def get(self):
        read = await self.server_id()
        with self.db.using_master():
            primary = await self.server_id()
        self.render("index.html", read=read, primary=primary)


class Notes(Page):
    async def get(self):
        page = number_argument(self, "page", 1, low=1, high=10**6)
        notes = self.application.settings["paginate"]
        result = await notes(self.db, Note.Q.order_by(Note.id.desc()), page, PER_PAGE)
        self.render("notes.html", result=result, read=await self.server_id())


class NewNote(Page):
    def get(self):
        self.render("new.html")

    async def post(self):
        body = self.get_body_argument("body", "").strip()
        if not 1 <= len(body) <= 200:
            raise tornado.web.HTTPError(400, "a note has 1 to 200 characters, not %d", len(body))
        self.db.add(Note(body=body))
        await self.commit()  # then this client reads from the primary for a few seconds
        self.redirect(self.reverse_url("notes"))


class Report(Page):
    """A blocking driver, as a legacy library would use it: in the thread pool, not the loop."""

    async def get(self):
        try:
            count, server = await self.count_blocking()
        except pymysql.err.MySQLError as e:
            raise tornado.web.HTTPError(503, "the replica is unavailable: %s", e) from None
        self.render("report.html", count=count, server=server)

    @db.async_execute
    def count_blocking(self):
        params = pymysql_params(self.application.settings["pair_urls"]["replica"])
        with contextlib.closing(pymysql.connect(connect_timeout=3, **params)) as conn:
            with conn.cursor() as cur:
                cur.execute("SELECT COUNT(*), @@server_id FROM notes")
                return cur.fetchone()


u = Url()
urls = route(
    u(r"/", Index, name="index"),
    u(r"/notes", Notes, name="notes"),
    u(r"/notes/new", NewNote, name="new-note"),
    u(r"/report", Report, name="report"),
)


def make_app(*, pair_urls: dict, session_class=None, paginate=db.paginate, **overrides) -> Application:
    conf = Settings(**database_settings(pair_urls), DATABASE_SESSION_CLASS=session_class)
    settings = {"template_path": manifest.ROOT / "tpl" / CHAPTER.slug,
                "default_handler_class": NotFoundHandler, "xsrf_cookies": True,
                "cookie_secret": secrets.token_hex(32), "pair_urls": pair_urls,
                "paginate": paginate, **overrides}
    return Application(urls, conf=conf, **settings)


async def main(argv=None):
    port = parse_port(argv, default=CHAPTER.port)
    with contextlib.ExitStack() as stack:
        try:
            pair_urls = stack.enter_context(services.provide("mysql_pair"))
        except services.ServiceError as e:
            raise SystemExit(f"chapter 20 needs a MariaDB primary and replica: {e}") from None
        await serve(make_app(pair_urls=pair_urls), port, paths=CHAPTER.paths)


if __name__ == "__main__":
    asyncio.run(main())
