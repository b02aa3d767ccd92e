"""Chapter 20: 50 concurrent requests that each run SELECT SLEEP(0.2) through the per-request
async session, against PyMySQL blocking in the handler; and the share of reads the replica
answers under load."""
from __future__ import annotations

import asyncio
import contextlib

import pymysql
from sqlalchemy import func, select
from tornado.httpclient import AsyncHTTPClient

from bench.common import Row, timed_gets
from chapters.ch20_databases.app import (SERVER_ID, Page, database_settings,
                                         pymysql_params)
from tornkit.application import Application
from tornkit.conf import Settings
from workbook import services
from workbook.net import live_server

N = 50
SLEEP = 0.2
READS = 500


class Sleep(Page):
    async def get(self):
        await self.db.execute(select(func.sleep(SLEEP)))  # a SELECT: on the replica
        self.write("slept\n")


class BlockingSleep(Page):
    def get(self):
        params = pymysql_params(self.application.settings["pair_urls"]["replica"])
        with contextlib.closing(pymysql.connect(**params)) as conn, conn.cursor() as cur:
            cur.execute("SELECT SLEEP(%s)", (SLEEP,))  # the IOLoop waits with it
        self.write("slept\n")


class ServerId(Page):
    async def get(self):
        self.write(str(await self.db.scalar(SERVER_ID)))


def make_app(pair_urls: dict) -> Application:
    settings = database_settings(pair_urls)
    settings["SQLALCHEMY_CONFIGURATION"] = {**settings["SQLALCHEMY_CONFIGURATION"],
                                            "sqlalchemy.pool_size": N}
    return Application([(r"/sleep", Sleep), (r"/blocking", BlockingSleep), (r"/id", ServerId)],
               conf=Settings(**settings), pair_urls=pair_urls)


async def server_ids(base: str, n: int) -> list[str]:
    client = AsyncHTTPClient(force_instance=True, max_clients=N)
    try:
        answers = await asyncio.gather(*[client.fetch(base + "/id") for _ in range(n)])
    finally:
        client.close()
    return [a.body.decode() for a in answers]


def rows() -> list[Row]:
    with services.MariaDBPair() as pair:
        app = make_app(pair.urls)
        with live_server(app, on_stop=app.close) as base:
            port = int(base.rsplit(":", 1)[1])
            asyncio.run(timed_gets(port, "/id", N))  # the schema, and a warm pool
            session = asyncio.run(timed_gets(port, "/sleep", N))
            blocking = asyncio.run(timed_gets(port, "/blocking", 5))
            ids = asyncio.run(server_ids(base, READS))
    share = ids.count("2") / len(ids)
    return [
        Row(f"{N} × SELECT SLEEP({SLEEP}), the per-request AsyncSession (aiomysql)",
            f"{session:.2f} s", f"≤ {SLEEP * 2:.1f} s", session <= SLEEP * 2,
            "the queries overlap: one sleep, plus a pre-ping and a round trip each"),
        Row(f"5 × SELECT SLEEP({SLEEP}), PyMySQL called in the handler (blocking)",
            f"{blocking:.2f} s", "", None,
            f"serialised: {N} would take ≈ {N * blocking / 5:.0f} s"),
        Row(f"{READS} reads, {N} at a time, through the routing session", f"{share:.0%} "
            "answered by the replica", "100 %", share == 1.0,
            "no writes, so no pins: every SELECT goes to the replica"),
    ]
