"""Chapter 11's users, in MySQL: the queries on the users table and what every handler of the
login knows about a user. app.py's handlers stand on it (and the tests and the notebook import
get_user and get_user_by_conn_pool from app.py, which imports them from here).

  get_user, get_user_by_conn_pool  the notes' two query functions, as coroutines of today (1)
  register_user                    a user and their "registered" event in one transaction (2)
  BaseHandler                      who is logged in (a signed cookie), what a name may be (3)
"""
from __future__ import annotations

import tornado.web
import tornado_mysql

from . import db
from .db import DatabaseHandler, transaction
from .passwords import new_password
from .pool import Pool


# --- 1. The notes' get_user and get_user_by_conn_pool, as coroutines of today (notes_style.py:
# as the notes wrote them, @gen.coroutine and raise gen.Return; they still run) ----------------
USER_BY_NAME = "SELECT id, name, salt, password_hash FROM users WHERE name = %s"


async def get_user(url: str, name: str):
    """One connection per call (the notes' get_user): every call pays for a TCP connection and
    MySQL's login handshake."""
    conn = await tornado_mysql.connect(**db.connect_kwargs(url))
    try:
        cur = conn.cursor()
        await cur.execute(USER_BY_NAME, (name,))  # %s + a tuple: the driver quotes the value
        row = cur.fetchone()
        await cur.close()  # a coroutine in tornado_mysql (the notes forgot to wait for it)
        return row
    finally:
        conn.close()


async def get_user_by_conn_pool(pool: Pool, name: str):
    """The same through the pool (db.make_pool, the notes' POOL): a connection is lent."""
    cur = await pool.execute(USER_BY_NAME, (name,))
    return cur.fetchone()


# --- 2. A transaction: a user and their "registered" event, both rows or (on any error) neither -
async def register_user(pool: Pool, name: str, password: str) -> int:
    salt, digest = await new_password(password)
    async with transaction(pool) as tx:  # begin(); commit(), or rollback() on any error
        cur = await tx.execute(
            "INSERT INTO users (name, salt, password_hash) VALUES (%s, %s, %s)",
            (name, salt, digest))
        await tx.execute("INSERT INTO events (user_id, what) VALUES (%s, 'registered')",
                         (cur.lastrowid,))
        return cur.lastrowid


# --- 3. The login's user: a signed cookie names who is logged in --------------------------------
class BaseHandler(DatabaseHandler):
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
