"""Tests of the chapter 11 exercise, on a private MariaDB (each test gets an empty database).
`make check-11` runs them on your exercise.py; plain `pytest` runs them on
solutions/ch11_mysql/exercise.py.

Each message says what was asked, what came back, and the section of the lesson
(chapters/ch11_mysql/README.md) that covers it. No check waits more than a few seconds for your
code: a call that hangs fails with the name of its step (and this chapter's conftest.py ends
any transaction left open, so that the test database can be dropped)."""
import asyncio
import hashlib
from urllib.parse import urlencode

import pymysql
import pytest
import tornado_mysql

from chapters.ch11_mysql.db import close_idle
from workbook import services

SALT = bytes(range(16))
KNOWN_HASH = hashlib.scrypt(b"correct horse", salt=SALT, n=2**14, r=8, p=1, dklen=32)
STEP1 = "lesson §3, parameters, not string formatting, and §4, SQL injection"
STEP2 = "lesson §3, passwords are never stored"
STEP3 = "lesson §2, the pool: a transaction keeps one connection until you end it"
STEP4 = "lesson §3, passwords are never stored"
PATIENCE = 10  # seconds any one call of yours may take


async def within(awaitable, call: str, step: str):
    try:
        return await asyncio.wait_for(awaitable, PATIENCE)
    except (tornado_mysql.err.InternalError, tornado_mysql.err.DataError) as e:
        pytest.fail(f"{call}: MySQL refused a value: {e}. The users table keeps the salt and "
                    f"the hash as text, 32 and 64 hexadecimal characters ({STEP2})")
    except asyncio.TimeoutError:
        pytest.fail(f"{call} was still running after {PATIENCE} s. MySQL waits like this for "
                    f"a lock that an unfinished transaction holds, or the pool for a "
                    f"connection that was never given back ({step})")


@pytest.fixture
def pool(exercise, mysql_url, io_loop):
    async def setup():
        pool = exercise.make_pool(mysql_url)
        await exercise.create_schema(pool)
        return pool

    pool = io_loop.run_sync(setup)
    yield pool
    close_idle(pool)


@pytest.fixture
def app(exercise, pool):
    return exercise.make_app(pool)


def sql(url, query, args=()):
    """A query on a connection of the test's own, outside the pool: it sees only what was
    committed."""
    p = services.mysql_params(url)
    with pymysql.connect(host=p["host"], port=p["port"], user=p["user"], database=p["db"],
                         autocommit=True, read_timeout=PATIENCE) as conn:
        with conn.cursor() as cur:
            cur.execute(query, args)
            return cur.fetchall()


def seed_topaz(url):
    sql(url, "INSERT INTO users (name, salt, password_hash) VALUES (%s, %s, %s)",
        ("topaz", SALT.hex(), KNOWN_HASH.hex()))
    return sql(url, "SELECT id, name, salt, password_hash FROM users WHERE name = 'topaz'")[0]


def connections_out(pool) -> int:
    opened, idle, _ = pool.stat()
    return opened - idle


def assert_committed(pool, mysql_url, what: str) -> None:
    """After a register() that returned: its rows are visible to another connection, and its
    connection is back in the pool."""
    users = sql(mysql_url, "SELECT name FROM users")
    out = connections_out(pool)
    assert users or not out, (
        f"{what} returned, yet another connection sees no user, and {out} of the pool's "
        f"connections never came back: the transaction is still open, so its INSERTs are "
        f"invisible to everyone else and its locks are held. A transaction ends with a commit "
        f"(or a rollback), which also gives its connection back ({STEP3})")


# --- Step 1: find_user ---------------------------------------------------------------------------
@pytest.mark.gen_test
async def test_step1_find_user_returns_the_row_or_none(exercise, pool, mysql_url):
    row = seed_topaz(mysql_url)
    found = await within(exercise.find_user(pool, "topaz"), "find_user(pool, 'topaz')", STEP1)
    assert found is not None and tuple(found) == row, (
        f"find_user(pool, 'topaz') should return topaz's row {row}, it returned {found!r} "
        f"({STEP1})")
    nobody = await within(exercise.find_user(pool, "nobody"), "find_user(pool, 'nobody')", STEP1)
    assert nobody is None, (
        f"find_user(pool, 'nobody') should be None (no such user), it returned {nobody!r}")


@pytest.mark.gen_test
@pytest.mark.parametrize("name", ["' OR '1'='1", "topaz'-- -", "topaz' #"],
                         ids=["OR 1=1", "comment", "hash comment"])
async def test_step1_find_user_treats_sql_in_a_name_as_a_name(exercise, pool, mysql_url, name):
    seed_topaz(mysql_url)
    try:
        found = await within(exercise.find_user(pool, name), f"find_user(pool, {name!r})", STEP1)
    except tornado_mysql.err.ProgrammingError as e:
        raise AssertionError(
            f"find_user(pool, {name!r}) made MySQL report a syntax error ({e}): the name "
            f"became part of the SQL text, where its quote ended the string ({STEP1})") from None
    assert not found, (
        f"find_user(pool, {name!r}) found {found!r}: the name was pasted into the SQL text and "
        f"ran as SQL; nobody has that name ({STEP1})")


# --- Step 2: hash_password -----------------------------------------------------------------------
def test_step2_hash_password_is_scrypt(exercise):
    digest = exercise.hash_password("correct horse", SALT)
    assert isinstance(digest, bytes) and len(digest) == 32, (
        f"hash_password should return 32 bytes, it returned {digest!r} ({STEP2})")
    assert digest == KNOWN_HASH, (
        f"hash_password('correct horse', salt) is not the scrypt hash with the parameters the "
        f"lesson gives (n=2**14, r=8, p=1, 32 bytes); it returned {digest.hex()} ({STEP2})")
    other = exercise.hash_password("correct horse", bytes(16))
    assert other != digest, (
        f"the same password with another salt hashed the same: the salt must go into the "
        f"hash ({STEP2})")


# --- Step 3: register ----------------------------------------------------------------------------
@pytest.mark.gen_test(timeout=30)
async def test_step3_register_writes_the_user_and_the_event(exercise, pool, mysql_url):
    user_id = await within(exercise.register(pool, "topaz", "correct horse"),
                           "register(pool, 'topaz', ...)", STEP3)
    assert_committed(pool, mysql_url, "register(pool, 'topaz', ...)")
    rows = sql(mysql_url, "SELECT id, name, salt, password_hash FROM users")
    assert len(rows) == 1 and rows[0][:2] == (user_id, "topaz"), (
        f"register should insert one user topaz and return its id; it returned {user_id!r}, "
        f"and users holds {rows} ({STEP3})")
    _, _, salt, digest = rows[0]
    assert len(salt) == 32 and len(digest) == 64, (
        f"the 16-byte salt and the 32-byte hash are stored as hex (32 and 64 characters); "
        f"users holds {salt!r} and {digest!r} ({STEP2})")
    assert hashlib.scrypt(b"correct horse", salt=bytes.fromhex(salt), n=2**14, r=8, p=1,
                          dklen=32).hex() == digest, (
        f"the stored password_hash is not the scrypt hash of the password with the stored "
        f"salt ({STEP2})")
    assert "correct horse" not in salt + digest, "the password itself is stored"
    events = sql(mysql_url, "SELECT user_id, what FROM events")
    assert events == ((user_id, "registered"),), (
        f"register should add the event ({user_id}, 'registered'); events holds {events} "
        f"({STEP3})")
    await within(exercise.register(pool, "alice", "correct horse"),
                 "register(pool, 'alice', ...)", STEP3)
    salts = [salt for (salt,) in sql(mysql_url, "SELECT salt FROM users")]
    assert len(set(salts)) == 2, (
        f"topaz and alice, with the same password, got the same salt {salts[0]}: each user "
        f"needs a random salt of their own ({STEP2})")


@pytest.mark.gen_test(timeout=30)
async def test_step3_a_failed_second_insert_rolls_back_the_first(exercise, pool, mysql_url):
    sql(mysql_url, "DROP TABLE events")  # the second INSERT will fail
    with pytest.raises(tornado_mysql.err.ProgrammingError) as failure:
        await within(exercise.register(pool, "topaz", "correct horse"),
                     "register(pool, 'topaz', ...) with the events table missing", STEP3)
    assert "events" in str(failure.value), (
        f"register should let the error of the events INSERT out, it raised "
        f"{failure.value!r} ({STEP3})")
    users = sql(mysql_url, "SELECT name FROM users")
    assert users == (), (
        f"the events INSERT failed, yet users holds {users}: the user's INSERT was not undone. "
        f"Both INSERTs belong to one transaction on one connection, not to separate queries "
        f"of the pool ({STEP3})")
    assert connections_out(pool) == 0, (
        f"after the failure, {connections_out(pool)} of the pool's connections never came "
        f"back: a transaction that fails must still be ended, which gives its connection "
        f"back ({STEP3})")


@pytest.mark.gen_test(timeout=30)
async def test_step3_a_taken_name_is_refused_and_leaves_one_user(exercise, pool, mysql_url):
    await within(exercise.register(pool, "topaz", "correct horse"),
                 "register(pool, 'topaz', ...)", STEP3)
    assert_committed(pool, mysql_url, "register(pool, 'topaz', ...)")
    try:
        await within(exercise.register(pool, "topaz", "another one"),
                     "register(pool, 'topaz', ...) a second time", STEP3)
    except tornado_mysql.err.IntegrityError:
        pass
    else:
        pytest.fail(f"registering topaz twice should raise the IntegrityError of the UNIQUE "
                    f"name; the second register returned ({STEP3})")
    count = sql(mysql_url, "SELECT COUNT(*) FROM users")[0][0]
    assert count == 1, f"one user topaz expected; users has {count} rows"
    events = sql(mysql_url, "SELECT COUNT(*) FROM events")[0][0]
    assert events == 1, (
        f"one user, so one 'registered' event expected; events has {events} ({STEP3})")
    assert connections_out(pool) == 0, (
        f"the failed register left {connections_out(pool)} of the pool's connections out: it "
        f"must end its transaction, which gives the connection back ({STEP3})")


# --- Step 4: check_password ----------------------------------------------------------------------
def test_step4_check_password(exercise):
    right = exercise.check_password("correct horse", SALT.hex(), KNOWN_HASH.hex())
    assert right is True, (
        f"check_password with the right password should be True, it returned {right!r} "
        f"({STEP4})")
    wrong = exercise.check_password("battery staple", SALT.hex(), KNOWN_HASH.hex())
    assert wrong is False, (
        f"check_password with a wrong password should be False, it returned {wrong!r} "
        f"({STEP4})")


# --- All four, through the handlers --------------------------------------------------------------
@pytest.mark.gen_test(timeout=60)
async def test_register_and_log_in_over_http(http_client, base_url, pool, mysql_url):
    async def post(path, **form):
        return await http_client.fetch(base_url + path, method="POST", body=urlencode(form),
                                       raise_error=False, request_timeout=PATIENCE)

    def said(response):
        return f"{response.code} {response.body.decode(errors='replace').strip()[:200]!r}"

    response = await post("/register", username="topaz", password="correct horse")
    assert response.code == 201, (
        f"POST /register (topaz) should answer 201, it answered {said(response)}")
    assert_committed(pool, mysql_url, "POST /register (topaz)")
    response = await post("/register", username="topaz", password="again")
    assert response.code == 409, (
        f"registering topaz twice should be 409, it answered {said(response)}")
    response = await post("/login", username="topaz", password="correct horse")
    assert response.code == 200 and response.body == b"welcome, topaz", (
        f"logging in with the right password should answer 'welcome, topaz', it answered "
        f"{said(response)}")
    for name, password in [("topaz", "wrong"), ("' OR '1'='1", "' OR '1'='1"),
                           ("topaz'-- -", "x")]:
        response = await post("/login", username=name, password=password)
        assert response.code == 403, (
            f"logging in as {name!r} with the password {password!r} should be refused (403), "
            f"it answered {said(response)}")
