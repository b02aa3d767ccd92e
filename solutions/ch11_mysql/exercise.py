"""Chapter 11 exercise, solved.

Why it looks like this:
  - find_user passes the name as a parameter, (name,), next to a %s in the SQL. The driver
    sends it quoted as data, so no value can change the query; `' OR '1'='1` is just a
    strange name nobody has. The `%` operator would paste it into the SQL text instead.
  - hash_password is scrypt with a per-user random salt: equal passwords hash differently,
    and a stolen table costs an attacker ~40 ms of CPU and 16 MB of memory per guess.
  - register computes the hash on a worker thread (run_in_executor): 40 ms of CPU on the
    IOLoop would stall every other request for that long.
  - register's two INSERTs share one transaction: pool.begin() checks a connection out of the
    pool, tx.commit() gives it back. On any error, tx.rollback() undoes the first INSERT and
    gives the connection back too; without it the connection would stay checked out (with a
    cap on the pool, a few such errors and every request waits).
  - check_password compares with hmac.compare_digest, whose time does not depend on where
    the first differing character is.
"""
import hashlib
import hmac
import secrets

import tornado.web
import tornado_mysql
from tornado.ioloop import IOLoop

from chapters.ch11_mysql.db import make_pool
from chapters.ch11_mysql.pool import Pool
from workbook.web import BaseHandler, NotFoundHandler

SCHEMA = [
    """CREATE TABLE users (
        id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
        name VARCHAR(32) NOT NULL UNIQUE,
        salt CHAR(32) NOT NULL,
        password_hash CHAR(64) NOT NULL
    ) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin""",
    """CREATE TABLE events (
        id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
        user_id INT UNSIGNED NOT NULL,
        what VARCHAR(16) NOT NULL
    )""",
]


async def create_schema(pool: Pool) -> None:
    for statement in SCHEMA:
        await pool.execute(statement)


async def find_user(pool: Pool, name: str):
    cur = await pool.execute("SELECT id, name, salt, password_hash FROM users WHERE name = %s",
                             (name,))
    return cur.fetchone()


def hash_password(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)


async def register(pool: Pool, name: str, password: str) -> int:
    salt = secrets.token_bytes(16)
    digest = await IOLoop.current().run_in_executor(None, hash_password, password, salt)
    tx = await pool.begin()
    try:
        cur = await tx.execute(
            "INSERT INTO users (name, salt, password_hash) VALUES (%s, %s, %s)",
            (name, salt.hex(), digest.hex()))
        await tx.execute("INSERT INTO events (user_id, what) VALUES (%s, 'registered')",
                         (cur.lastrowid,))
    except BaseException:
        await tx.rollback()
        raise
    await tx.commit()
    return cur.lastrowid


def check_password(password: str, salt_hex: str, hash_hex: str) -> bool:
    computed = hash_password(password, bytes.fromhex(salt_hex)).hex()
    return hmac.compare_digest(computed, hash_hex)


# --- Written for you: the handlers that call the functions above ------------------------------
class RegisterHandler(BaseHandler):
    async def post(self):
        name = self.get_body_argument("username")
        try:
            await register(self.application.pool, name,
                           self.get_body_argument("password"))
        except tornado_mysql.err.IntegrityError:
            raise tornado.web.HTTPError(409, "the name %s is taken", name) from None
        self.set_status(201)
        self.write(f"registered {name}")


class LoginHandler(BaseHandler):
    async def post(self):
        row = await find_user(self.application.pool, self.get_body_argument("username"))
        password = self.get_body_argument("password")
        if row is None or not await IOLoop.current().run_in_executor(
                None, check_password, password, row[2], row[3]):
            raise tornado.web.HTTPError(403, "wrong username or password")
        self.write(f"welcome, {row[1]}")


class Application(tornado.web.Application):
    def __init__(self, handlers, *, pool: Pool, **settings):
        super().__init__(handlers, **settings)
        self.pool = pool  # the tests make it, and close it


def make_app(pool: Pool) -> Application:
    return Application([(r"/register", RegisterHandler), (r"/login", LoginHandler)],
                       pool=pool, default_handler_class=NotFoundHandler)


__all__ = ["make_pool", "create_schema", "find_user", "hash_password", "register",
           "check_password", "make_app"]
