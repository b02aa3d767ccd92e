"""tornado_mysql's connection pool, repaired so that it survives the server going away.

tornado-mysql's last release is 0.5.1 (2015). Its pool works on Tornado 6.6, but it was never
taught to lose its server: a connection that fails to *open* keeps its slot in the pool's
count forever. With max_open_connections=k, k failed connects (the server restarting, say) and
every later request waits for a slot that never frees, even once the server is back
(test_app.py::test_the_stock_pool_never_recovers_from_a_restart). The overrides below give
the slot back and tell a waiting request instead of leaving it hanging, and give a
transaction's connection back when its commit or rollback fails.
"""
from __future__ import annotations

from tornado.concurrent import Future
from tornado_mysql import connect
from tornado_mysql import pools


class Transaction(pools.Transaction):
    def abandon(self) -> None:
        """Close the connection without a word: MySQL rolls back what was not committed. For
        when waiting for an answer is not an option (a request cut short by its timeout)."""
        if self._pool is not None:
            self._pool._close_conn(self._conn)
            self._pool = self._conn = None

    # The stock commit() and rollback() raise before they give the connection back when the
    # server is gone, leaving its slot taken until the garbage collector finds the transaction.
    async def commit(self) -> None:
        try:
            await super().commit()
        except BaseException:
            self.abandon()
            raise

    async def rollback(self) -> None:
        try:
            await super().rollback()
        except BaseException:
            self.abandon()
            raise


class Pool(pools.Pool):
    """pools.Pool (same arguments), plus: a connection that fails to open frees its slot."""

    def _get_conn(self) -> Future:
        opened = self._opened_conns
        future = super()._get_conn()
        if self._opened_conns > opened:  # super() is opening a new connection for this caller
            future.add_done_callback(self._opening_done)
        return future

    def _opening_done(self, future: Future) -> None:
        if future.cancelled() or future.exception() is not None:
            self._opened_conns -= 1
            self._fail_one_waiter(future)

    def _fail_one_waiter(self, future: Future) -> None:
        # A request waiting for a slot learns now that the server is down, rather than never.
        while self._waitings:
            waiter = self._waitings.popleft()
            if not waiter.done():
                if future.cancelled():
                    waiter.cancel()
                else:
                    waiter.set_exception(future.exception())
                return

    def _put_conn(self, conn) -> None:
        while self._waitings and self._waitings[0].done():  # given up on (a timeout)
            self._waitings.popleft()
        super()._put_conn(conn)

    def _after_close(self, fut=None) -> None:
        # The stock version opens a connection for the next waiter and hands it over even when
        # opening failed; this one hands over the error instead.
        while self._waitings and self._waitings[0].done():
            self._waitings.popleft()
        if not self._waitings:
            self._opened_conns -= 1
            return
        waiter = self._waitings.popleft()
        opening = connect(**self.connect_kwargs)

        def opened(f: Future) -> None:
            if f.exception() is not None:
                self._opened_conns -= 1
                if not waiter.done():
                    waiter.set_exception(f.exception())
            elif waiter.done():
                self._put_conn(f.result())
            else:
                waiter.set_result(f.result())

        self.io_loop.add_future(opening, opened)

    async def begin(self) -> Transaction:
        conn = await self._get_conn()
        try:
            await conn.begin()
        except BaseException:
            self._close_conn(conn)
            raise
        return Transaction(self, conn)
