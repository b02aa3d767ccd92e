"""Chapter 20 on a real (private) MariaDB primary and replica: who answers reads and writes,
replication lag and read-your-writes, the replica going away and coming back, a session per
request (and tornadopy's shared one), pages, the thread pool, and the settings SQLAlchemy 2
dropped."""
import asyncio
import contextlib
import re
import threading
import time
from urllib.parse import urlencode

import pymysql
import pytest
import tornado.netutil
import tornado.web
from sqlalchemy import func, literal_column, select, text

from chapters.ch20_databases import naive
from chapters.ch20_databases.app import SERVER_ID, database_settings, make_app, pymysql_params
from chapters.ch20_databases.models import Note
from tornkit import db
from tornkit.application import Application
from tornkit.conf import Settings, SettingsError
from tornkit.handler import WebHandler
from workbook import services
from workbook.net import free_port
from workbook.web import BaseHandler

PRIMARY, REPLICA = 1, 2  # the pair's server_id values


@pytest.fixture
def app(pair_urls, io_loop):
    app = make_app(pair_urls=pair_urls)
    yield app
    io_loop.run_sync(app.close)


@pytest.fixture
def databases(pair_urls, io_loop):
    """tornkit.db.Databases on the pair, without an app; the notes table created."""
    dbs = db.Databases(**_settings(pair_urls))

    async def create():
        async with dbs["default"].primary.begin() as conn:
            await conn.run_sync(Note.metadata.create_all)
        assert await dbs["default"].wait_replicas()

    io_loop.run_sync(create)
    yield dbs
    io_loop.run_sync(dbs.close)


def _settings(pair_urls):
    s = database_settings(pair_urls)
    return {"connections": s["DATABASE_CONNECTION"],
            "configuration": s["SQLALCHEMY_CONFIGURATION"]}


@pytest.fixture
def post(http_client, base_url):
    """POST a form with a valid XSRF pair (the forms carry one); no redirects are followed."""
    def send(path, cookie=None, **fields):
        headers = {"Cookie": "; ".join(filter(None, ["_xsrf=t", cookie]))}
        return http_client.fetch(base_url + path, method="POST", headers=headers,
                                 body=urlencode({"_xsrf": "t", **fields}), raise_error=False,
                                 follow_redirects=False)
    return send


def server_on(body: bytes) -> int:
    return int(re.search(rb'id="read">(\d+)<', body).group(1))


def root(server: services.MariaDB, database: str):
    return contextlib.closing(pymysql.connect(host=server.host, port=server.port, user="root",
                                              database=database, autocommit=True))


def db_name(pair_urls) -> str:
    return pair_urls["primary"].rsplit("/", 1)[1]


# --- Who answers -------------------------------------------------------------------------------------
@pytest.mark.gen_test
async def test_the_index_reads_from_the_replica_and_using_master_from_the_primary(fetch):
    response = await fetch("/")
    assert response.code == 200
    assert server_on(response.body) == REPLICA
    assert re.search(rb'id="primary">1<', response.body)


@pytest.mark.gen_test
async def test_selects_go_to_the_replica_writes_and_text_to_the_primary(databases, mariadb_pair,
                                                                         pair_urls):
    async with databases.session() as session:
        assert await session.scalar(SERVER_ID) == REPLICA
        # text() is not is_select: SQLAlchemy cannot read the string, so it counts as a write
        assert await session.scalar(text("SELECT @@server_id")) == PRIMARY
    async with databases.session() as session:
        # The INSERT itself records which server ran it.
        session.add(Note(body=func.concat("written on ", literal_column("@@server_id"))))
        await session.commit()
    with root(mariadb_pair.primary, db_name(pair_urls)) as conn, conn.cursor() as cur:
        cur.execute("SELECT body FROM notes")
        assert cur.fetchall() == (("written on 1",),)


@pytest.mark.gen_test
async def test_a_session_that_wrote_reads_from_the_primary(databases):
    async with databases.session() as session:
        assert await session.scalar(SERVER_ID) == REPLICA
        session.add(Note(body="mine"))
        await session.flush()  # not committed: only the primary's connection can see it
        assert await session.scalar(SERVER_ID) == PRIMARY
        assert (await session.scalars(select(Note.body))).all() == ["mine"]


@pytest.mark.gen_test
async def test_the_replica_refuses_writes_from_the_apps_user(pair_urls, databases):
    # read_only stops every user without READ_ONLY ADMIN: the app's, though not root.
    params = pymysql_params(pair_urls["replica"])
    with contextlib.closing(pymysql.connect(**params, autocommit=True)) as conn:
        with conn.cursor() as cur, pytest.raises(pymysql.err.OperationalError) as refused:
            cur.execute("INSERT INTO notes (body) VALUES ('sneaky')")
    assert refused.value.args[0] == 1290 and "read-only" in refused.value.args[1]


# --- Lag and read-your-writes -------------------------------------------------------------------------
@pytest.mark.gen_test
async def test_with_replication_stopped_the_replica_misses_a_new_row_and_the_pin_sees_it(
        databases, mariadb_pair):
    with mariadb_pair.replication_stopped():
        async with databases.session() as session:
            session.add(Note(body="fresh"))
            await session.commit()
        async with databases.session() as session:
            assert (await session.scalars(select(Note.body))).all() == []  # the replica lags
            with session.using_master():
                assert (await session.scalars(select(Note.body))).all() == ["fresh"]
    async with databases.session() as session:  # replication running again: caught up
        assert (await session.scalars(select(Note.body))).all() == ["fresh"]


@pytest.mark.gen_test
async def test_after_a_post_the_same_client_reads_its_note_from_the_primary(
        fetch, post, mariadb_pair):
    assert (await fetch("/notes")).code == 200  # the schema, replicated
    with mariadb_pair.replication_stopped():
        saved = await post("/notes/new", body="read your writes")
        assert saved.code == 302 and saved.headers["Location"] == "/notes"
        pin = re.search(r"(tornkit_db_pin=[^;]*)", saved.headers["Set-Cookie"]).group(1)
        mine = await fetch("/notes", cookie=pin)
        assert b"read your writes" in mine.body and server_on(mine.body) == PRIMARY
        other = await fetch("/notes")  # another client, no pin: the lagging replica
        assert b"read your writes" not in other.body and server_on(other.body) == REPLICA


# --- The replica down, the database down ---------------------------------------------------------------
@pytest.mark.gen_test(timeout=60)
async def test_reads_fall_back_to_the_primary_and_return_to_the_restarted_replica(
        fetch, mariadb_pair):
    assert server_on((await fetch("/")).body) == REPLICA
    mariadb_pair.replica.kill()
    try:
        killed = time.monotonic()
        response = await fetch("/notes")
        assert response.code == 200 and server_on(response.body) == PRIMARY
        assert time.monotonic() - killed < 5
    finally:
        mariadb_pair.replica.start()
    deadline = time.monotonic() + 10
    while server_on((await fetch("/")).body) != REPLICA:
        assert time.monotonic() < deadline, "reads did not return to the restarted replica"
        await asyncio.sleep(0.2)


@pytest.mark.gen_test
async def test_a_database_that_does_not_answer_is_a_503_with_a_message(http_client, serve):
    nowhere = {role: f"mysql://app:x@127.0.0.1:{free_port()}/shop" for role in ("primary",
                                                                               "replica")}
    base = serve(make_app(pair_urls=nowhere))
    for path in ("/", "/notes", "/report"):
        response = await http_client.fetch(base + path, raise_error=False)
        assert response.code == 503, path
        assert b"is unavailable" in response.body and b"Traceback" not in response.body


# --- A session per request ---------------------------------------------------------------------------------
class AddNote(BaseHandler, WebHandler):
    """Adds a note, waits for the test's signal, then commits, or fails and rolls back."""

    def session(self):
        return self.request.db_scope.session

    async def post(self):
        session = self.session()
        session.add(Note(body=self.get_argument("body")))
        if self.get_argument("fail", None):
            self.application.settings["entered"].set()
            await self.application.settings["gate"].wait()
            raise tornado.web.HTTPError(409, "rolled back on purpose")
        await session.commit()
        self.write("committed\n")


class NaiveAddNote(AddNote):
    def session(self):
        return self.application.naive_db.session  # the thread's session: everyone's


def concurrency_app(pair_urls, handler, middleware):
    conf = Settings(**{**database_settings(pair_urls), "MIDDLEWARE_CLASSES": (middleware,)})
    return Application([(r"/add", handler)], conf=conf, entered=asyncio.Event(),
                       gate=asyncio.Event())


async def a_rolls_back_while_b_commits(http_client, base, app):
    a = http_client.fetch(base + "/add?body=A&fail=1", method="POST", body="",
                          raise_error=False)
    await asyncio.wait_for(app.settings["entered"].wait(), 10)  # A has added its row
    b = await http_client.fetch(base + "/add?body=B", method="POST", body="")
    app.settings["gate"].set()
    assert b.code == 200 and (await a).code == 409


def committed(pair, pair_urls):
    with root(pair.primary, db_name(pair_urls)) as conn, conn.cursor() as cur:
        cur.execute("SELECT body FROM notes ORDER BY body")
        return [body for (body,) in cur.fetchall()]


@pytest.mark.gen_test
async def test_naive_scoped_session_commits_the_row_another_request_rolled_back(
        http_client, serve, databases, mariadb_pair, pair_urls):
    app = concurrency_app(pair_urls, NaiveAddNote, naive.DBAlchemyMiddleware)
    base = serve(app, close=lambda app: None)
    try:
        await a_rolls_back_while_b_commits(http_client, base, app)
    finally:
        await asyncio.sleep(0.05)  # the endcall's remove()
        await app.naive_db.engine.dispose()
    assert committed(mariadb_pair, pair_urls) == ["A", "B"]  # B's commit took A's row along


@pytest.mark.gen_test
async def test_a_session_per_request_commits_only_what_its_request_committed(
        http_client, serve, databases, mariadb_pair, pair_urls):
    app = concurrency_app(pair_urls, AddNote, "tornkit.db.DBSessionMiddleware")
    base = serve(app, close=lambda app: None)
    try:
        await a_rolls_back_while_b_commits(http_client, base, app)
    finally:
        await app.databases.close()  # waits for the sessions the endcalls are closing
    assert committed(mariadb_pair, pair_urls) == ["B"]


class CountNotes(BaseHandler, WebHandler):
    async def get(self):
        # tornadopy's User.session, now the current request's session (tornkit.current_request)
        same = Note.session is self.request.db_scope.session
        self.write(f"{await Note.session.scalar(select(func.count()).select_from(Note))} {same}")


@pytest.mark.gen_test
async def test_model_session_inside_a_request_is_that_requests_session(
        http_client, serve, databases, pair_urls):
    app = concurrency_app(pair_urls, CountNotes, "tornkit.db.DBSessionMiddleware")
    base = serve(app, close=lambda app: None)
    try:
        response = await http_client.fetch(base + "/add")
    finally:
        await app.databases.close()
    assert response.body == b"0 True"


@pytest.mark.gen_test
async def test_model_session_is_the_current_requests_and_nothing_outside_one():
    with pytest.raises(RuntimeError, match="current request's session"):
        Note.session
    query = str(Note.Q.filter(Note.body == "jack"))  # tornadopy's User.Q.filter(...)
    assert query.startswith("SELECT notes.") and query.endswith("WHERE notes.body = :body_1")


# --- paginate ----------------------------------------------------------------------------------------------
@pytest.mark.gen_test
async def test_paginate_counts_pages_from_one_and_a_page_past_the_end_is_empty(databases):
    async with databases.session() as session:
        empty = await db.paginate(session, Note.Q, 1, 5)
        assert (empty.total, empty.pages, empty.items, empty.has_next, empty.has_prev) == (
            0, 0, [], False, False)
        session.add_all(Note(body=f"n{i:02}") for i in range(12))
        await session.commit()
    stmt = Note.Q.order_by(Note.body)
    async with databases.session() as session:
        with session.using_master():  # just written: the primary has them for sure
            first, last, past = [await db.paginate(session, stmt, n, 5) for n in (1, 3, 4)]
            with pytest.raises(db.PageError, match="start at 1"):
                await db.paginate(session, stmt, 0, 5)
            with pytest.raises(db.PageError, match="per_page"):
                await db.paginate(session, stmt, 1, 0)
    assert [n.body for n in first.items] == ["n00", "n01", "n02", "n03", "n04"]
    assert (first.total, first.pages, first.has_prev, first.has_next, first.next_num) == (
        12, 3, False, True, 2)
    assert [n.body for n in last.items] == ["n10", "n11"] and not last.has_next
    assert past.items == [] and past.has_prev and not past.has_next


@pytest.mark.gen_test
async def test_the_notes_pages(fetch, post):
    for i in range(7):
        assert (await post("/notes/new", body=f"note {i}")).code == 302
    first = await fetch("/notes")
    assert b"note 6" in first.body and b"note 1" not in first.body and b'rel="next"' in first.body
    second = await fetch("/notes?page=2")
    assert b"note 1" in second.body and b'rel="prev"' in second.body
    assert b"past the last page" in (await fetch("/notes?page=9")).body
    assert (await fetch("/notes?page=0")).code == 400
    assert (await post("/notes/new", body="")).code == 400
    assert (await post("/notes/new", body="x" * 201)).code == 400


# --- The thread pool ---------------------------------------------------------------------------------------
@pytest.mark.gen_test
async def test_async_execute_runs_in_the_apps_own_pool_and_leaves_dns_alone(app, fetch):
    class Probe:
        application = app

        @db.async_execute
        def where(self):
            return threading.current_thread().name

    resolver = tornado.netutil.Resolver.configured_class()
    assert (await Probe().where()).startswith("tornkit-pool")
    assert tornado.netutil.Resolver.configured_class() is resolver  # tornadopy changed this
    report = await fetch("/report")
    assert report.code == 200 and server_on(report.body) == REPLICA


# --- The settings --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("setting, value, message", [
    ("sqlalchemy.encoding", "utf-8", "charset"),
    ("sqlalchemy.convert_unicode", True, "removed"),
    ("sqlalchemy.strategy", "threadlocal", "session per request"),
    ("sqlalchemy.poolclass", "QueuePool", "AsyncAdaptedQueuePool"),
    ("sqlalchemy.poolclass", "NoSuchPool", "no 'NoSuchPool'"),
])
def test_settings_sqlalchemy_2_dropped_are_errors_that_name_them(setting, value, message):
    with pytest.raises(SettingsError, match=re.escape(setting)) as error:
        db.engine_options({setting: value})
    assert message in str(error.value)


def test_pool_pre_ping_replaces_ping_db_and_the_shape_is_checked():
    assert db.engine_options({"sqlalchemy.pool_size": 3}) == {"pool_pre_ping": True,
                                                               "pool_size": 3}
    master = db.connection_from_url("mysql://app:pw@127.0.0.1:3306/shop")
    with pytest.raises(SettingsError, match="exactly one connection with ROLE 'master'"):
        db.Database("default", [master, master], {})
    with pytest.raises(SettingsError, match="'primary'"):
        db.Database("default", [{**master, "ROLE": "primary"}], {})
    url = db.connection_url(master)
    assert url.render_as_string(hide_password=False) == (
        "mysql+aiomysql://app:pw@127.0.0.1:3306/shop?charset=utf8mb4")


def test_provide_mysql_pair_takes_both_variables_or_starts_a_pair(monkeypatch):
    monkeypatch.setenv("MYSQL_PRIMARY_URL", "mysql://app:pw@db1:3306/shop")
    monkeypatch.delenv("MYSQL_REPLICA_URL", raising=False)
    with pytest.raises(services.ServiceError, match="set both MYSQL_PRIMARY_URL and "
                                                    "MYSQL_REPLICA_URL"):
        with services.provide("mysql_pair"):
            pass
    monkeypatch.setenv("MYSQL_REPLICA_URL", "mysql://app:pw@db2:3306/shop")
    with services.provide("mysql_pair") as urls:
        assert urls == {"primary": "mysql://app:pw@db1:3306/shop",
                        "replica": "mysql://app:pw@db2:3306/shop"}
