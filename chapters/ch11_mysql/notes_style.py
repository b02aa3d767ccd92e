"""The notes' two query functions as the notes wrote them: @gen.coroutine, `yield`, and
`raise gen.Return(row)`. tornado-mysql still runs them on Tornado 6.6 (test_app.py calls both),
and so does Tornado: @gen.coroutine is not deprecated.

Write users.py's `async def` versions today: they read as plain Python (`await`, `return row`),
they work with every asyncio library (aiomysql does not work under @gen.coroutine), and
tracebacks point at your code rather than at the coroutine runner.
"""
import tornado_mysql
from tornado import gen


@gen.coroutine
def get_user_by_conn_pool(pool, user):
    cur = yield pool.execute("SELECT name FROM users WHERE name = %s", (user,))
    row = cur.fetchone()
    raise gen.Return(row)  # the notes; on Python 3, a plain `return row` does the same


@gen.coroutine
def get_user(connect_kwargs, user):
    conn = yield tornado_mysql.connect(**connect_kwargs)
    cur = conn.cursor()
    yield cur.execute("SELECT name FROM users WHERE name = %s", (user,))
    row = cur.fetchone()
    yield cur.close()  # the notes: cur.close() without yield, but it is a coroutine too
    conn.close()
    raise gen.Return(row)
