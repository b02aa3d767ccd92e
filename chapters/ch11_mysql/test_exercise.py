"""Tests of the chapter 11 exercise, on a private MariaDB (each test gets an empty database).
`make check-11` runs them on your exercise.py; plain `pytest` runs them on
solutions/ch11_mysql/exercise.py."""
import hashlib
from urllib.parse import urlencode

import pymysql
import pytest
import tornado_mysql

from chapters.ch11_mysql.app import close_idle
from workbook import services

SALT = bytes(range(16))
KNOWN_HASH = hashlib.scrypt(b"correct horse", salt=SALT, n=2**14, r=8, p=1, dklen=32)


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
    p = services.mysql_params(url)
    with pymysql.connect(host=p["host"], port=p["port"], user=p["user"], database=p["db"],
                         autocommit=True) as conn:
        with conn.cursor() as cur:
            cur.execute(query, args)
            return cur.fetchall()


def seed_topaz(url):
    sql(url, "INSERT INTO users (name, salt, password_hash) VALUES (%s, %s, %s)",
        ("topaz", SALT.hex(), KNOWN_HASH.hex()))
    return sql(url, "SELECT id, name, salt, password_hash FROM users WHERE name = 'topaz'")[0]


@pytest.mark.gen_test
async def test_step1_find_user_returns_the_row_or_none(exercise, pool, mysql_url):
    row = seed_topaz(mysql_url)
    found = await exercise.find_user(pool, "topaz")
    assert found is not None and tuple(found) == row, (
        f"find_user(pool, 'topaz') should return {row}, got {found!r}: "
        "SELECT id, name, salt, password_hash FROM users WHERE name = %s, then cur.fetchone()")
    nobody = await exercise.find_user(pool, "nobody")
    assert nobody is None, f"find_user(pool, 'nobody') should be None, got {nobody!r}"


@pytest.mark.gen_test
@pytest.mark.parametrize("name", ["' OR '1'='1", "topaz'-- -", "topaz' #"],
                         ids=["OR 1=1", "comment", "hash comment"])
async def test_step1_find_user_treats_sql_in_a_name_as_a_name(exercise, pool, mysql_url, name):
    seed_topaz(mysql_url)
    try:
        found = await exercise.find_user(pool, name)
    except tornado_mysql.err.ProgrammingError as e:
        raise AssertionError(
            f"find_user(pool, {name!r}) made MySQL report a syntax error ({e}): the name went "
            "into the SQL text. Pass it as a parameter: pool.execute(sql, (name,))") from None
    assert found is None, (
        f"find_user(pool, {name!r}) found {found!r}: the name was pasted into the SQL. "
        "Use a %s placeholder and pass (name,) to pool.execute, never % or an f-string")


def test_step2_hash_password_is_scrypt(exercise):
    digest = exercise.hash_password("correct horse", SALT)
    assert digest == KNOWN_HASH, (
        f"hash_password('correct horse', salt) should be the 32 bytes of hashlib.scrypt("
        f"b'correct horse', salt=salt, n=2**14, r=8, p=1, dklen=32), got {digest!r}")
    other = exercise.hash_password("correct horse", bytes(16))
    assert other != digest, "the same password with another salt must hash differently"


@pytest.mark.gen_test
async def test_step3_register_writes_the_user_and_the_event(exercise, pool, mysql_url):
    user_id = await exercise.register(pool, "topaz", "correct horse")
    rows = sql(mysql_url, "SELECT id, name, salt, password_hash FROM users")
    assert len(rows) == 1 and rows[0][:2] == (user_id, "topaz"), (
        f"register should insert one user topaz and return its id ({user_id!r}); "
        f"users holds {rows}")
    _, _, salt, digest = rows[0]
    assert len(salt) == 32 and len(digest) == 64, (
        f"store the 16-byte salt and the 32-byte hash as hex (32 and 64 characters), got "
        f"{salt!r} and {digest!r}")
    assert hashlib.scrypt(b"correct horse", salt=bytes.fromhex(salt), n=2**14, r=8, p=1,
                          dklen=32).hex() == digest, "the stored hash is not scrypt(password, salt)"
    assert "correct horse" not in salt + digest
    events = sql(mysql_url, "SELECT user_id, what FROM events")
    assert events == ((user_id, "registered"),), (
        f"register should add the event ({user_id}, 'registered'), events holds {events}")
    await exercise.register(pool, "alice", "correct horse")
    salts = [salt for (salt,) in sql(mysql_url, "SELECT salt FROM users")]
    assert len(set(salts)) == 2, "each user needs a salt of their own: secrets.token_bytes(16)"


@pytest.mark.gen_test
async def test_step3_a_failed_second_insert_rolls_back_the_first(exercise, pool, mysql_url):
    sql(mysql_url, "DROP TABLE events")  # the second INSERT will fail
    with pytest.raises(tornado_mysql.err.ProgrammingError) as failure:
        await exercise.register(pool, "topaz", "correct horse")
    assert "events" in str(failure.value), (
        f"register should let the error of the events INSERT out, got {failure.value!r}")
    users = sql(mysql_url, "SELECT name FROM users")
    assert users == (), (
        f"users holds {users} although the events INSERT failed: do both INSERTs in one "
        "transaction (tx = await pool.begin(); tx.execute(...)), not with pool.execute")
    opened, idle, waiting = pool.stat()
    assert opened == idle, (
        f"after the failure the pool has {opened} connection(s) open but only {idle} back: "
        "call await tx.rollback() before raising again, it gives the connection back")


@pytest.mark.gen_test
async def test_step3_a_taken_name_raises_and_leaves_one_user(exercise, pool, mysql_url):
    await exercise.register(pool, "topaz", "correct horse")
    with pytest.raises(tornado_mysql.err.IntegrityError):
        await exercise.register(pool, "topaz", "another one")
    assert sql(mysql_url, "SELECT COUNT(*) FROM users")[0][0] == 1
    events = sql(mysql_url, "SELECT COUNT(*) FROM events")[0][0]
    assert events == 1, f"one user, so one 'registered' event expected; events has {events}"
    opened, idle, _ = pool.stat()
    assert opened == idle, "a failed register must roll back and give its connection back"


def test_step4_check_password(exercise):
    right = exercise.check_password("correct horse", SALT.hex(), KNOWN_HASH.hex())
    assert right is True, f"check_password with the right password should be True, got {right!r}"
    wrong = exercise.check_password("battery staple", SALT.hex(), KNOWN_HASH.hex())
    assert wrong is False, f"check_password with a wrong password should be False, got {wrong!r}"


@pytest.mark.gen_test(timeout=20)
async def test_register_and_log_in_over_http(http_client, base_url):
    async def post(path, **form):
        return await http_client.fetch(base_url + path, method="POST", body=urlencode(form),
                                       raise_error=False)

    def said(response):
        return f"{response.code} {response.body.decode(errors='replace').strip()[:200]!r}"

    response = await post("/register", username="topaz", password="correct horse")
    assert response.code == 201, f"POST /register should answer 201, got {said(response)}"
    response = await post("/register", username="topaz", password="again")
    assert response.code == 409, f"registering topaz twice should be 409, got {said(response)}"
    response = await post("/login", username="topaz", password="correct horse")
    assert response.code == 200 and response.body == b"welcome, topaz", (
        f"logging in with the right password should answer 'welcome, topaz', got {said(response)}")
    for name, password in [("topaz", "wrong"), ("' OR '1'='1", "' OR '1'='1"),
                           ("topaz'-- -", "x")]:
        response = await post("/login", username=name, password=password)
        assert response.code == 403, (
            f"logging in as {name!r} with {password!r} should be refused (403), got "
            f"{said(response)}")
