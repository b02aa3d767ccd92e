"""NOT the chapter's app: the login many tutorials write, with SQL built by `%` formatting and
passwords stored as they were typed. test_app.py logs in to it without a password:

    username: topaz'-- -     ->  ... WHERE name = 'topaz'-- -' AND password = '...'
    username and password: ' OR '1'='1
                            ->  ... WHERE name = '' OR '1'='1' AND password = '' OR '1'='1'

The notes' commented query was right: cur.execute("... where name=%s", (user,)) hands the value
to the driver, which quotes it. The `%` operator pastes it into the SQL text, where a quote in
the value ends the string and the rest is SQL. app.py is the fixed version.
"""
import tornado.web

from chapters.ch11_mysql.db import close_idle, make_pool
from workbook.web import BaseHandler

SCHEMA = "CREATE TABLE naive_users (name VARCHAR(64), password VARCHAR(64))"


class NaiveHandler(BaseHandler):
    async def prepare(self):
        await self.application.ready()

    async def execute(self, sql):
        return await self.application.pool.execute(sql)


class RegisterHandler(NaiveHandler):
    async def post(self):
        name, password = self.get_body_argument("username"), self.get_body_argument("password")
        # DON'T: the values are pasted into the SQL text
        await self.execute("INSERT INTO naive_users VALUES ('%s', '%s')" % (name, password))
        self.write(f"registered {name}")


class LoginHandler(NaiveHandler):
    async def post(self):
        name, password = self.get_body_argument("username"), self.get_body_argument("password")
        cur = await self.execute(  # DON'T: the values become part of the SQL text
            "SELECT name FROM naive_users WHERE name = '%s' AND password = '%s'" % (name, password))
        row = cur.fetchone()
        if row is None:
            raise tornado.web.HTTPError(403, "wrong username or password")
        self.write(f"logged in as {row[0]}")


class Application(tornado.web.Application):
    def __init__(self, handlers, **settings):
        super().__init__(handlers, **settings)
        self.pool = None  # made on first use, on the running loop

    async def ready(self) -> None:
        if self.pool is None:
            self.pool = make_pool(self.settings["mysql_url"])
            await self.pool.execute(SCHEMA)

    async def close(self) -> None:
        if self.pool is not None:
            close_idle(self.pool)
            self.pool = None


def make_app(mysql_url: str) -> Application:
    return Application([(r"/register", RegisterHandler), (r"/login", LoginHandler)],
                       mysql_url=mysql_url)
