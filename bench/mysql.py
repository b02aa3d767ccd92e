"""Chapter 11: 50 concurrent requests that each run SELECT SLEEP(1), through each driver."""
from __future__ import annotations

import asyncio
import math
import os

from bench.common import Row, timed_gets
from chapters.ch11_mysql.app import make_app
from workbook import services
from workbook.net import live_server

N = 50


def measure(url: str, path: str, n: int, **settings) -> float:
    app = make_app(mysql_url=url, **settings)
    with live_server(app, on_stop=app.close) as base:
        port = int(base.rsplit(":", 1)[1])
        asyncio.run(timed_gets(port, path.replace("seconds=1", "seconds=0"), 1))  # warm the pool
        return asyncio.run(timed_gets(port, path, n))


def rows() -> list[Row]:
    with services.MariaDB() as mariadb:
        url = mariadb.url
        pool = measure(url, "/sleep?seconds=1", N)
        # five waves of 1 s: more than the app's default 5-s wait for a connection
        capped = measure(url, "/sleep?seconds=1", N, max_open_connections=10, query_timeout=30)
        aio = measure(url, "/aio/sleep?seconds=1", N)
        blocking = measure(url, "/blocking/sleep?seconds=1", 3)
        executor = measure(url, "/executor/sleep?seconds=1", 12)
    threads = min(32, (os.cpu_count() or 1) + 4)  # asyncio's default executor
    return [
        Row(f"{N} × SELECT SLEEP(1), tornado-mysql pools.Pool", f"{pool:.2f} s",
            "≤ 1.3 s", pool <= 1.3, "the queries overlap: about one sleep"),
        Row(f"{N} × SELECT SLEEP(1), the same pool capped at 10 connections", f"{capped:.2f} s",
            "", None, f"expected n·⌈N/k⌉ = 1 × ⌈{N}/10⌉ = {math.ceil(N / 10)} s"),
        Row(f"{N} × SELECT SLEEP(1), aiomysql pool", f"{aio:.2f} s", "≤ 1.3 s", aio <= 1.3),
        Row("3 × SELECT SLEEP(1), PyMySQL called in the handler (blocking)", f"{blocking:.2f} s",
            "", None, f"serialised: {N} would take ≈ {N * blocking / 3:.0f} s"),
        Row(f"12 × SELECT SLEEP(1), PyMySQL in run_in_executor ({threads} threads)",
            f"{executor:.2f} s", "", None,
            f"expected ⌈12/{threads}⌉ = {math.ceil(12 / threads)} s; {N} would take "
            f"≈ {math.ceil(N / threads)} s"),
    ]
