"""Chapter 11 exercise: register and log in through the pool, safely.

The handlers and the schema are written; the four functions they call are not. Fill them in:

  1. find_user(pool, name) -> (id, name, salt, password_hash) of that user, or None
        One query through the pool, with a placeholder in the SQL and the name passed apart
        (lesson §3). Never put the name into the SQL text yourself (no %, no f-string, no +):
        `' OR '1'='1` must find nobody (lesson §4).
  2. hash_password(password, salt) -> 32 bytes of hashlib.scrypt
        n=2**14, r=8, p=1, dklen=32 (the salt is bytes; encode the password).
  3. register(pool, name, password) -> the new user's id
        A fresh random salt of 16 bytes, the hash from step 2 (on a thread), both stored as hex.
        Two INSERTs in ONE transaction: the user, then an events row (user_id, 'registered').
        The pool's begin() gives a transaction on one connection; it ends with its commit(), or,
        if anything fails, its rollback() and the error raised again, so that no user is ever
        left without their event, and no pool connection is left checked out (lesson §2).
  4. check_password(password, salt_hex, hash_hex) -> True only for the right password
        hash it again with the stored salt; compare in constant time (lesson §3).

Check your work with:  make check-11     (it starts a private MariaDB for the tests)
"""
import hashlib  # noqa: F401  (step 2)
import hmac  # noqa: F401  (step 4)
import secrets  # noqa: F401  (step 3)

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
    # TODO step 1: SELECT id, name, salt, password_hash FROM users WHERE name = %s
    raise NotImplementedError("find_user: step 1")


def hash_password(password: str, salt: bytes) -> bytes:
    # TODO step 2: scrypt, with the parameters above
    raise NotImplementedError("hash_password: step 2")


async def register(pool: Pool, name: str, password: str) -> int:
    # TODO step 3: salt, hash (on a thread: IOLoop.run_in_executor), then both INSERTs in one
    # transaction; the cursor of the first INSERT knows the new id (lastrowid).
    raise NotImplementedError("register: step 3")


def check_password(password: str, salt_hex: str, hash_hex: str) -> bool:
    # TODO step 4
    raise NotImplementedError("check_password: step 4")


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
