"""The modern alternative: aiomysql (asyncio-native, on PyMySQL), side by side with app.py.

The same two functions as the notes' get_user_by_conn_pool and SELECT SLEEP, on aiomysql's
pool. aiomysql is written for `async def` only: under the notes' @gen.coroutine it fails
(test_app.py::test_aiomysql_does_not_run_under_gen_coroutine).
"""
from __future__ import annotations

import aiomysql

from workbook import services


async def create_pool(url: str, *, maxsize: int = 10) -> aiomysql.Pool:
    p = services.mysql_params(url)
    # minsize=0: no connection until the first query, so the app starts even if MySQL is down.
    # pool_recycle=3: like the notes' max_recycle_sec, so a restarted server is noticed fast.
    return await aiomysql.create_pool(
        host=p["host"], port=p["port"], user=p["user"], password=p["password"], db=p["db"],
        charset="utf8mb4", autocommit=True, minsize=0, maxsize=maxsize, pool_recycle=3,
        connect_timeout=5)


async def query_one(pool: aiomysql.Pool, sql: str, args: tuple = ()):
    async with pool.acquire() as conn, conn.cursor() as cur:
        await cur.execute(sql, args)  # %s placeholders and a tuple, exactly as with tornado_mysql
        return await cur.fetchone()


async def get_user_by_conn_pool(pool: aiomysql.Pool, name: str):
    return await query_one(pool, "SELECT id, name FROM users WHERE name = %s", (name,))
