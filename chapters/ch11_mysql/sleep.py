"""Chapter 11, lesson sections 6 to 8: SELECT SLEEP(n) four ways, to see what "non-blocking"
buys and what a blocking driver costs. /timeline records, in order, when each handler started,
ended, or (for /ping) was served.

  /sleep           through tornado_mysql's pool: while MySQL sleeps, the IOLoop serves others
  /blocking/sleep  PyMySQL, a blocking driver, called in the handler: everyone waits (don't)
  /executor/sleep  PyMySQL on a worker thread, awaited: the IOLoop stays free
  /aio/sleep       aiomysql's pool (aio.py), today's choice
"""
from __future__ import annotations

import time

import pymysql
import tornado.web
from tornado.ioloop import IOLoop

from workbook import services
from workbook.web import number_argument

from . import aio
from .db import DB_DOWN, DatabaseHandler

# CONNECTION_ID() says which pooled connection ran the query; SYSDATE(6) is the server's clock
# when it evaluates it (NOW() would be the statement's start twice).
SLEEP_SQL = "SELECT CONNECTION_ID(), SYSDATE(6), SLEEP(%s), SYSDATE(6)"
MAX_SLEEP = 3


def interval(row) -> dict:
    return {"connection": row[0], "started": row[1].isoformat(), "ended": row[3].isoformat()}


def blocking_sleep(url: str, seconds: float, timeout: float):
    """PyMySQL, a blocking driver: the calling thread waits, doing nothing else, until MySQL
    answers (or `timeout` seconds pass)."""
    p = services.mysql_params(url)
    conn = pymysql.connect(host=p["host"], port=p["port"], user=p["user"], password=p["password"],
                           database=p["db"], connect_timeout=timeout, read_timeout=timeout)
    try:
        with conn.cursor() as cur:
            cur.execute(SLEEP_SQL, (seconds,))
            return cur.fetchone()
    finally:
        conn.close()


class SleepBase(DatabaseHandler):
    def seconds(self) -> float:
        return number_argument(self, "seconds", 1, low=0, high=MAX_SLEEP, kind=float)

    def mark(self, event: str) -> None:
        self.application.timeline.append((time.monotonic(), f"{event} {self.request.path}"))


class SleepHandler(SleepBase):
    async def get(self):
        seconds = self.seconds()
        self.mark("start")
        cur = await self.db(self.pool.execute(SLEEP_SQL, (seconds,)))
        self.mark("end")
        self.write(interval(cur.fetchone()))


class BlockingSleepHandler(SleepBase):
    def get(self):  # runs on the IOLoop's thread: nothing else runs until it returns
        seconds, url = self.seconds(), self.application.db.check_url()
        self.mark("start")
        try:
            row = blocking_sleep(url, seconds, self.settings["query_timeout"])
        except DB_DOWN as e:
            raise tornado.web.HTTPError(503, "%s is unavailable: %s",
                                        self.application.db.where, e) from None
        self.mark("end")
        self.write(interval(row))


class ExecutorSleepHandler(SleepBase):
    async def get(self):
        seconds, url = self.seconds(), self.application.db.check_url()
        self.mark("start")
        row = await self.db(IOLoop.current().run_in_executor(
            None, blocking_sleep, url, seconds, self.settings["query_timeout"]))
        self.mark("end")
        self.write(interval(row))


class AioSleepHandler(SleepBase):
    async def get(self):
        seconds = self.seconds()
        self.mark("start")
        pool = await self.db(self.application.db.aio_pool())
        row = await self.db(aio.query_one(pool, SLEEP_SQL, (seconds,)))
        self.mark("end")
        self.write(interval(row))


class PingHandler(SleepBase):
    """A request that needs nothing. If it waits, something blocked the IOLoop."""

    def get(self):
        self.mark("served")
        self.write("pong")


class TimelineHandler(DatabaseHandler):
    def get(self):
        start = self.application.started
        self.write({"events": [[round(t - start, 3), what]
                               for t, what in self.application.timeline]})


class PoolHandler(DatabaseHandler):
    def get(self):
        db = self.application.db
        opened, idle, waiting = db.pool.stat() if db.has_pool else (0, 0, 0)
        self.write({"opened": opened, "idle": idle, "waiting": waiting,
                    "max_open_connections": self.settings["max_open_connections"]})


ROUTES = [(r"/sleep", SleepHandler), (r"/blocking/sleep", BlockingSleepHandler),
          (r"/executor/sleep", ExecutorSleepHandler), (r"/aio/sleep", AioSleepHandler),
          (r"/ping", PingHandler), (r"/timeline", TimelineHandler), (r"/pool", PoolHandler)]
