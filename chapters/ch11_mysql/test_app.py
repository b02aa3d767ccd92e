"""Chapter 11's app on a real (private) MariaDB: login and registration through the pool, the SQL
injection that the naive variant lets in and the app does not, what the pool and a blocking
driver do to concurrency, and what happens when the server goes away."""
import asyncio
import hashlib
import json
import os
import signal
import urllib.request
from datetime import datetime
from urllib.parse import urlencode

import psutil
import pymysql
import pytest
import tornado_mysql
from tornado import gen
from tornado_mysql import pools

from chapters.ch11_mysql import aio, naive, notes_style
from chapters.ch11_mysql.app import get_user, get_user_by_conn_pool, make_app
from chapters.ch11_mysql.db import close_idle, connect_kwargs, make_pool
from workbook import services
from workbook.net import free_port
from workbook.secrets import SecretError
from workbook.testing import start_app, stop_app

SECRET = "a test secret, long enough to sign with: 32+"


@pytest.fixture
def app(mysql_url, io_loop):
    app = make_app(mysql_url=mysql_url, cookie_secret=SECRET)
    yield app
    io_loop.run_sync(app.close)


@pytest.fixture
def new_pool(io_loop):
    """make_pool(), and its idle connections closed after the test (while the loop lives)."""
    made = []

    def new(url, **kwargs):
        made.append(make_pool(url, **kwargs))
        return made[-1]

    yield new
    for pool in made:
        close_idle(pool)


@pytest.fixture
def post(http_client, base_url):
    """POST a form with a valid XSRF pair (the forms carry one); no redirects are followed."""
    def send(path, base=None, cookie=None, **fields):
        headers = {"Cookie": "; ".join(filter(None, ["_xsrf=t", cookie]))}
        return http_client.fetch((base or base_url) + path, method="POST", headers=headers,
                                 body=urlencode({"_xsrf": "t", **fields}), raise_error=False,
                                 follow_redirects=False)
    return send


@pytest.fixture
def get(http_client, base_url):
    def fetch(path, base=None, cookie=None):
        return http_client.fetch((base or base_url) + path, raise_error=False,
                                 follow_redirects=False,
                                 headers={"Cookie": cookie} if cookie else None)
    return fetch


def cookie_of(response, name="user"):
    for header in response.headers.get_list("Set-Cookie"):
        if header.startswith(name + "="):
            return header
    return None


def sql(url, query, args=()):
    """Look at the database directly, as an administrator would."""
    p = services.mysql_params(url)
    with pymysql.connect(host=p["host"], port=p["port"], user=p["user"], database=p["db"]) as conn:
        with conn.cursor() as cur:
            cur.execute(query, args)
            return cur.fetchall()


# --- Registration and login -------------------------------------------------------------------
@pytest.mark.gen_test(timeout=20)
async def test_register_then_log_in_with_a_signed_httponly_cookie(post, get):
    response = await post("/register", username="topaz", password="correct horse")
    assert response.code == 302 and response.headers["Location"] == "/"
    response = await post("/login", username="topaz", password="correct horse")
    assert response.code == 302 and response.headers["Location"] == "/"
    cookie = cookie_of(response)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert cookie.split(";")[0] != "user=topaz"  # signed: name|timestamp|signature
    page = (await get("/", cookie=cookie.split(";")[0])).body.decode()
    assert "Logged in as <b>topaz</b> (1 login so far)" in page


@pytest.mark.gen_test(timeout=20)
async def test_a_name_beyond_the_basic_plane_is_stored_whole_with_utf8mb4(post, get, mysql_url):
    # MySQL's "utf8" (utf8mb3) has three bytes at most per character, and 😀 needs four.
    name = "茶😀"
    assert (await post("/register", username=name, password="correct horse")).code == 302
    assert sql(mysql_url, "SELECT name FROM users") == ((name,),)
    login = await post("/login", username=name, password="correct horse")
    page = (await get("/", cookie=cookie_of(login).split(";")[0])).body.decode()
    assert f"Logged in as <b>{name}</b>" in page


@pytest.mark.gen_test(timeout=20)
async def test_wrong_password_and_unknown_user_get_the_same_403(post):
    await post("/register", username="topaz", password="correct horse")
    wrong = await post("/login", username="topaz", password="battery staple")
    nobody = await post("/login", username="nobody", password="battery staple")
    assert wrong.code == nobody.code == 403
    assert cookie_of(wrong) is None and cookie_of(nobody) is None
    for response in (wrong, nobody):
        assert '<p id="error">wrong username or password</p>' in response.body.decode()


@pytest.mark.gen_test(timeout=20)
async def test_passwords_are_stored_as_salted_scrypt_hashes(post, mysql_url):
    await post("/register", username="alice", password="same password")
    await post("/register", username="bob", password="same password")
    rows = {name: (salt, digest) for name, salt, digest in
            sql(mysql_url, "SELECT name, salt, password_hash FROM users")}
    assert rows["alice"][0] != rows["bob"][0], "each user has a salt of their own"
    assert rows["alice"][1] != rows["bob"][1], "so equal passwords hash differently"
    salt, digest = rows["alice"]
    assert "same password" not in salt + digest
    assert hashlib.scrypt(b"same password", salt=bytes.fromhex(salt), n=2**14, r=8, p=1,
                          dklen=32).hex() == digest


@pytest.mark.gen_test(timeout=20)
async def test_a_taken_name_is_409_and_the_transaction_leaves_no_half(post, mysql_url):
    assert (await post("/register", username="topaz", password="first password")).code == 302
    response = await post("/register", username="topaz", password="second password")
    assert response.code == 409
    assert "the name topaz is taken" in response.body.decode()
    assert sql(mysql_url, "SELECT COUNT(*) FROM users")[0][0] == 1
    assert sql(mysql_url, "SELECT COUNT(*) FROM events WHERE what = 'registered'")[0][0] == 1


@pytest.mark.gen_test(timeout=20)
async def test_the_schema_is_created_by_the_first_request(post, mysql_url):
    assert sql(mysql_url, "SHOW TABLES") == ()
    await post("/login", username="x", password="y")
    assert sorted(t for (t,) in sql(mysql_url, "SHOW TABLES")) == ["events", "users"]


@pytest.mark.gen_test
async def test_pool_transactions_commit_or_roll_back(new_pool, mysql_url):
    pool = new_pool(mysql_url)
    await pool.execute("CREATE TABLE t (name VARCHAR(10))")
    tx = await pool.begin()
    await tx.execute("INSERT INTO t VALUES (%s)", ("rolled",))
    await tx.rollback()
    tx = await pool.begin()
    await tx.execute("INSERT INTO t VALUES (%s)", ("kept",))
    await tx.commit()
    cur = await pool.execute("SELECT name FROM t")
    assert cur.fetchall() == (("kept",),)


@pytest.mark.gen_test(timeout=20)
async def test_logout_clears_the_cookie(post):
    response = await post("/register", username="topaz", password="correct horse")
    response = await post("/logout", cookie=cookie_of(response).split(";")[0])
    assert response.code == 302
    assert cookie_of(response).startswith('user=""; expires=')


@pytest.mark.gen_test
@pytest.mark.parametrize("path, fields, message", [
    ("/register", {"username": "", "password": "long enough"}, "1 to 32 printable characters"),
    ("/register", {"username": "x" * 33, "password": "long enough"}, "1 to 32 printable"),
    ("/register", {"username": "topaz", "password": "short"}, "8 to 128 characters"),
    ("/login", {"username": "topaz"}, "Missing argument password"),
], ids=["empty name", "long name", "short password", "no password"])
async def test_bad_forms_are_400_with_the_reason(post, mysql_url, path, fields, message):
    response = await post(path, **fields)
    assert response.code == 400
    assert message in response.body.decode()
    assert sql(mysql_url, "SHOW TABLES") == (), "refused before any query"


@pytest.mark.gen_test
async def test_a_post_without_the_xsrf_token_is_403(http_client, base_url):
    response = await http_client.fetch(base_url + "/login", method="POST", raise_error=False,
                                       body="username=topaz&password=x")
    assert response.code == 403
    assert "'_xsrf' argument missing from POST" in response.body.decode()


@pytest.mark.gen_test
async def test_anonymous_pages_need_no_database(get, serve):
    base = serve(make_app(mysql_url=None, cookie_secret=SECRET))
    for path in ("/", "/login", "/register"):
        response = await get(path, base=base)
        assert response.code == 200, path


# --- SQL injection: the naive variant, then the app -------------------------------------------
# "-- " starts a comment in MySQL; the trailing "-" keeps the space from being stripped.
ATTACKS = [("topaz'-- -", "anything"), ("' OR '1'='1", "' OR '1'='1")]
ATTACK_IDS = ["comment out the password check", "OR 1=1"]


@pytest.mark.gen_test(timeout=20)
@pytest.mark.parametrize("username, password", ATTACKS, ids=ATTACK_IDS)
async def test_sql_injection_logs_in_to_the_naive_variant(serve, post, mysql_url,
                                                          username, password):
    base = serve(naive.make_app(mysql_url))
    await post("/register", base=base, username="topaz", password="s3cret-Pa55")
    response = await post("/login", base=base, username=username, password=password)
    assert response.code == 200
    assert response.body == b"logged in as topaz"  # without knowing the password


@pytest.mark.gen_test(timeout=20)
@pytest.mark.parametrize("username, password", ATTACKS, ids=ATTACK_IDS)
async def test_the_same_injection_is_refused_by_the_app(post, username, password):
    await post("/register", username="topaz", password="s3cret-Pa55")
    response = await post("/login", username=username, password=password)
    assert response.code == 403
    assert cookie_of(response) is None


@pytest.mark.gen_test(timeout=20)
async def test_a_quote_in_a_name_is_data_to_the_app_and_sql_to_the_naive_variant(
        serve, post, mysql_url):
    response = await post("/register", username="O'Brien", password="irish stew")
    assert response.code == 302
    assert (await post("/login", username="O'Brien", password="irish stew")).code == 302
    assert sql(mysql_url, "SELECT name FROM users") == (("O'Brien",),)
    base = serve(naive.make_app(mysql_url))
    response = await post("/register", base=base, username="O'Brien", password="irish stew")
    assert response.code == 500  # ... VALUES ('O'Brien', ...): a syntax error


# --- The notes' code, then and now ------------------------------------------------------------
@pytest.mark.gen_test(timeout=20)
async def test_the_notes_gen_coroutine_style_still_runs(post, new_pool, mysql_url):
    await post("/register", username="topaz", password="correct horse")
    pool = new_pool(mysql_url)
    assert await notes_style.get_user_by_conn_pool(pool, "topaz") == ("topaz",)
    assert await notes_style.get_user(connect_kwargs(mysql_url), "topaz") == ("topaz",)
    assert await notes_style.get_user(connect_kwargs(mysql_url), "nobody") is None


@pytest.mark.gen_test(timeout=20)
async def test_the_async_def_versions_return_the_row(post, new_pool, mysql_url):
    await post("/register", username="topaz", password="correct horse")
    row = await get_user(mysql_url, "topaz")
    assert row[1] == "topaz"
    assert await get_user_by_conn_pool(new_pool(mysql_url), "topaz") == row


def test_gen_task_is_gone_from_tornado():
    # The notes: data = yield gen.Task(get_user, user). Today: data = await get_user(user)
    assert not hasattr(gen, "Task")


@pytest.mark.gen_test
async def test_the_pool_reuses_a_connection_and_connect_opens_a_new_one(new_pool, mysql_url):
    pool = new_pool(mysql_url)
    pooled = [(await pool.execute("SELECT CONNECTION_ID()")).fetchone()[0] for _ in range(3)]
    assert len(set(pooled)) == 1
    fresh = []
    for _ in range(3):
        conn = await tornado_mysql.connect(**connect_kwargs(mysql_url))
        cur = conn.cursor()
        await cur.execute("SELECT CONNECTION_ID()")
        fresh.append(cur.fetchone()[0])
        conn.close()
    assert len(set(fresh)) == 3


@pytest.mark.gen_test
async def test_aiomysql_runs_under_async_def(post, mysql_url):
    await post("/login", username="x", password="y")  # creates the schema
    pool = await aio.create_pool(mysql_url)
    try:
        assert await aio.get_user_by_conn_pool(pool, "nobody") is None
    finally:
        pool.close()
        await pool.wait_closed()


@pytest.mark.gen_test
async def test_aiomysql_does_not_run_under_gen_coroutine(mysql_url):
    pool = await aio.create_pool(mysql_url)

    @gen.coroutine
    def notes_style_query():
        conn = yield pool.acquire()
        try:
            cur = yield conn.cursor()  # aiomysql's awaitables are not gen.coroutine yieldables
            yield cur.execute("SELECT 1")
        finally:
            pool.release(conn)

    try:
        with pytest.raises(AttributeError, match="has no attribute 'send'"):
            await notes_style_query()
    finally:
        pool.close()
        await pool.wait_closed()


# --- SELECT SLEEP: concurrency, measured on the server's clock ------------------------------
def max_overlap(responses) -> int:
    """The most queries that were sleeping in MySQL at the same instant (SYSDATE(6) intervals)."""
    edges = []
    for response in responses:
        body = json.loads(response.body)
        edges += [(datetime.fromisoformat(body["started"]), 1),
                  (datetime.fromisoformat(body["ended"]), -1)]
    running = peak = 0
    for _, step in sorted(edges):  # at the same instant an end (-1) sorts before a start
        running += step
        peak = max(peak, running)
    return peak


def connections(responses) -> set:
    return {json.loads(r.body)["connection"] for r in responses}


@pytest.mark.gen_test(timeout=20)
@pytest.mark.parametrize("path", ["/sleep", "/aio/sleep"], ids=["tornado-mysql", "aiomysql"])
async def test_sleeping_queries_overlap(get, path):
    responses = await asyncio.gather(*[get(f"{path}?seconds=0.5") for _ in range(6)])
    assert [r.code for r in responses] == [200] * 6
    assert max_overlap(responses) == 6
    assert len(connections(responses)) == 6


@pytest.mark.gen_test(timeout=20)
async def test_a_capped_pool_runs_at_most_k_queries_at_once(get, serve, mysql_url):
    base = serve(make_app(mysql_url=mysql_url, max_open_connections=2, max_idle_connections=2,
                          max_recycle_sec=60, cookie_secret=SECRET))
    responses = await asyncio.gather(*[get("/sleep?seconds=0.3", base=base) for _ in range(6)])
    assert [r.code for r in responses] == [200] * 6
    assert max_overlap(responses) == 2
    assert len(connections(responses)) == 2  # the same two connections, reused
    pool = json.loads((await get("/pool", base=base)).body)
    assert pool == {"opened": 2, "idle": 2, "waiting": 0, "max_open_connections": 2}


async def ping_during(get, app, path) -> list[str]:
    """Start a slow request, and once the app has begun it, a /ping: the app's timeline."""
    slow = asyncio.ensure_future(get(f"{path}?seconds=0.5"))
    while not any(what == f"start {path}" for _, what in app.timeline):
        await asyncio.sleep(0.005)  # cannot run while a handler blocks the IOLoop
    ping = await get("/ping")
    assert ping.body == b"pong" and (await slow).code == 200
    return [what for _, what in app.timeline]


@pytest.mark.gen_test(timeout=20)
async def test_a_blocking_driver_stalls_every_other_request(get, app):
    timeline = await ping_during(get, app, "/blocking/sleep")
    assert timeline == ["start /blocking/sleep", "end /blocking/sleep", "served /ping"]
    shown = json.loads((await get("/timeline")).body)["events"]
    assert [what for _, what in shown] == timeline  # what /timeline shows a browser


@pytest.mark.gen_test(timeout=20)
@pytest.mark.parametrize("path", ["/sleep", "/executor/sleep", "/aio/sleep"],
                         ids=["tornado-mysql pool", "PyMySQL in run_in_executor", "aiomysql"])
async def test_a_non_blocking_query_lets_other_requests_through(get, app, path):
    timeline = await ping_during(get, app, path)
    assert timeline == [f"start {path}", "served /ping", f"end {path}"]


@pytest.mark.gen_test
@pytest.mark.parametrize("query, message", [
    ("seconds=abc", "seconds must be a number, not 'abc'"),
    ("seconds=4", "seconds must be between 0 and 3, not '4'"),
    ("seconds=-1", "seconds must be between 0 and 3"),
], ids=["not a number", "too long", "negative"])
async def test_bad_sleep_arguments_are_400(get, query, message):
    response = await get("/sleep?" + query)
    assert response.code == 400 and message in response.body.decode()


# --- When the server is not there ---------------------------------------------------------------
@pytest.mark.gen_test
@pytest.mark.parametrize("path", ["/sleep", "/blocking/sleep", "/executor/sleep", "/aio/sleep"])
async def test_no_mysql_configured_is_a_503_that_says_what_to_do(get, serve, monkeypatch, path):
    monkeypatch.delenv("MYSQL_URL", raising=False)
    response = await get(path + "?seconds=0", base=serve(make_app(cookie_secret=SECRET)))
    assert response.code == 503
    assert "no MySQL configured: `make chapter-11` starts a private MariaDB" in (
        response.body.decode())


@pytest.mark.gen_test
@pytest.mark.parametrize("path", ["/sleep", "/blocking/sleep", "/executor/sleep", "/aio/sleep"])
async def test_a_server_that_refuses_is_a_503(get, serve, path):
    port = free_port()  # nobody listens there
    base = serve(make_app(mysql_url=f"mysql://root@127.0.0.1:{port}/workbook",
                          cookie_secret=SECRET))
    response = await get(path + "?seconds=0", base=base)
    assert response.code == 503
    assert f"503 Service Unavailable: MySQL at 127.0.0.1:{port} is unavailable: (2003, " in (
        response.body.decode())


@pytest.fixture(scope="module")
def own_mariadb():
    """A server of this module's own, for the tests that pause and kill it."""
    with services.MariaDB() as server:
        yield server


@pytest.mark.gen_test(timeout=20)
async def test_a_hung_server_is_a_503_after_the_query_timeout(get, serve, own_mariadb):
    base = serve(make_app(mysql_url=own_mariadb.url, query_timeout=0.5, cookie_secret=SECRET))
    own_mariadb.pause()
    try:
        response = await get("/sleep?seconds=0", base=base)
    finally:
        own_mariadb.resume()
    assert response.code == 503
    assert "did not answer within 0.5 s" in response.body.decode()
    assert (await get("/sleep?seconds=0", base=base)).code == 200


async def until_ok(request, deadline=5.0):
    """Retry request() until it answers 200, for at most deadline seconds: its responses."""
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline
    seen = []
    while loop.time() < end:
        response = await request()
        seen.append(response.code)
        if response.code == 200:
            return seen
        await asyncio.sleep(0.1)
    return seen


@pytest.mark.gen_test(timeout=60)
async def test_the_app_recovers_when_the_server_is_killed_and_restarted(
        get, post, serve, own_mariadb):
    base = serve(make_app(mysql_url=own_mariadb.url, max_open_connections=2,
                          max_idle_connections=2, cookie_secret=SECRET))
    await post("/register", base=base, username="survivor", password="correct horse")
    assert (await get("/aio/sleep?seconds=0", base=base)).code == 200
    own_mariadb.kill()
    try:
        down = await asyncio.gather(*[get(path, base=base) for path in
                                      ["/sleep?seconds=0"] * 5 + ["/aio/sleep?seconds=0"] * 2])
        assert [r.code for r in down] == [503] * 7  # more failures than the pool has slots
        assert all(b"is unavailable" in r.body for r in down)
    finally:
        own_mariadb.start()
    for path in ("/sleep?seconds=0", "/aio/sleep?seconds=0"):
        seen = await until_ok(lambda: get(path, base=base))
        assert seen[-1] == 200, f"{path} did not recover within 5 s: {seen}"
    response = await post("/login", base=base, username="survivor", password="correct horse")
    assert response.code == 302  # the data survived the crash (InnoDB recovered it)


@pytest.mark.gen_test(timeout=30)
async def test_the_stock_pool_never_recovers_from_a_restart(new_pool, own_mariadb):
    pool = pools.Pool(connect_kwargs(own_mariadb.url), max_open_connections=2)
    own_mariadb.kill()
    try:
        for _ in range(2):
            with pytest.raises(tornado_mysql.err.OperationalError):
                await pool.execute("SELECT 1")
    finally:
        own_mariadb.start()
    # Two failed connects kept their slots: the pool believes 2 connections are open, none
    # is, and the next query waits for one of them forever.
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(asyncio.shield(pool.execute("SELECT 1")), 1)
    assert pool.stat() == (2, 0, 1)  # (opened, idle, waiting)
    # The repaired pool (pool.py), in the same situation, answers:
    repaired = new_pool(own_mariadb.url, max_open_connections=2)
    own_mariadb.kill()
    try:
        for _ in range(2):
            with pytest.raises(tornado_mysql.err.OperationalError):
                await repaired.execute("SELECT 1")
    finally:
        own_mariadb.start()
    assert (await repaired.execute("SELECT 1")).fetchone() == (1,)


# --- The embedded default, and MYSQL_URL, as `make chapter-11` runs them ---------------------
def fetch_json(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        return json.loads(response.read())


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["Ctrl-C", "SIGTERM"])
def test_without_mysql_url_the_app_runs_a_private_mariadb_and_removes_it_on_exit(sig):
    env = {k: v for k, v in os.environ.items() if k != "MYSQL_URL"} | {
        "WORKBOOK_COOKIE_SECRET": SECRET}
    port = free_port()
    process = start_app("chapters.ch11_mysql.app", port=port, env=env)
    try:
        [mariadbd] = psutil.Process(process.pid).children(recursive=True)
        datadir = next(a.split("=", 1)[1] for a in mariadbd.cmdline() if a.startswith("--datadir="))
        assert fetch_json(port, "/sleep?seconds=0")["connection"] > 0
    finally:
        code, out, err = stop_app(process, sig)
    assert code == 0 and "Traceback" not in err, err
    assert "Stopped." in out and "MYSQL_URL is not set, so a private MariaDB runs on" in err
    assert not mariadbd.is_running(), "MariaDB outlived the app"
    assert not os.path.exists(os.path.dirname(datadir)), "its data directory was left behind"


def test_with_mysql_url_the_app_uses_that_server(mysql_url):
    port = free_port()
    process = start_app("chapters.ch11_mysql.app", port=port,
                        env={**os.environ, "MYSQL_URL": mysql_url,
                             "WORKBOOK_COOKIE_SECRET": SECRET})
    try:
        assert psutil.Process(process.pid).children() == [], "MYSQL_URL set: nothing to start"
        assert fetch_json(port, "/sleep?seconds=0")["connection"] > 0
        assert sorted(t for (t,) in sql(mysql_url, "SHOW TABLES")) == ["events", "users"]
    finally:
        code, _, err = stop_app(process)
    assert code == 0 and "MariaDB: using MYSQL_URL=" in err


def test_an_app_killed_outright_takes_its_server_with_it():
    env = {k: v for k, v in os.environ.items() if k != "MYSQL_URL"} | {
        "WORKBOOK_COOKIE_SECRET": SECRET}
    process = start_app("chapters.ch11_mysql.app", port=free_port(), env=env)
    [mariadbd] = psutil.Process(process.pid).children(recursive=True)
    datadir = next(a.split("=", 1)[1] for a in mariadbd.cmdline() if a.startswith("--datadir="))
    process.kill()  # SIGKILL: no clean-up code runs in the app
    process.wait()
    process.stdout.close()
    process.stderr.close()
    # The kernel signals the server (PR_SET_PDEATHSIG, workbook/services.py)...
    mariadbd.wait(timeout=30)
    assert not mariadbd.is_running()
    # ...and the next private server to start removes the data directory left behind.
    assert os.path.exists(datadir)
    with services.Memcached():
        assert not os.path.exists(os.path.dirname(datadir))


def test_the_cookie_secret_is_made_once_into_data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("WORKBOOK_COOKIE_SECRET", raising=False)
    first, second = make_app(data_dir=tmp_path), make_app(data_dir=tmp_path)
    secret = (tmp_path / "cookie_secret").read_text().strip()
    assert first.settings["cookie_secret"] == second.settings["cookie_secret"] == secret
    assert (tmp_path / "cookie_secret").stat().st_mode & 0o077 == 0  # its owner's alone


def test_a_short_cookie_secret_is_refused():
    with pytest.raises(SecretError, match="32 characters or more"):
        make_app(cookie_secret="test-secret")
