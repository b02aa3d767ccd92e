"""Chapter 09 exercise, solved.

Why it looks like this:
  - fetch_word is what gen.Task did for you in Tornado 4, written out: a Future from the running
    loop, two callbacks that resolve it, and the Future returned for anyone to await. Each
    callback checks future.done() first: a caller that gave up (asyncio.wait_for timed out,
    or the client disconnected) cancelled the Future, and set_result on a cancelled Future
    raises InvalidStateError inside the event loop, where nobody can catch it.
  - Broadcaster keeps waiters in a set and publish() swaps in a fresh set before it resolves
    the old one: one pass, no waiter polls, and a waiter added while publishing waits for the
    next value. Each Future cleans up after itself with a done-callback, whatever ended it
    (publish, its timer, or cancel()), and cancels its timer so that no timer outlives it.
  - ReportHandler awaits run_in_executor: slow_report still blocks, but a pool thread rather
    than the event loop, so /ping is answered meanwhile. (The pool has a few threads: it
    moves blocking work off the loop, it does not make it free.)
"""
import asyncio
import time

import tornado.ioloop
import tornado.web

from workbook.web import BaseHandler, NotFoundHandler

WORDS = {1: "one", 2: "two", 3: "three"}


def legacy_fetch_word(n, callback, errback):
    """The old library (do not change it): answers 0.01 s later, on the event loop."""
    loop = asyncio.get_running_loop()
    if n in WORDS:
        loop.call_later(0.01, callback, WORDS[n])
    else:
        loop.call_later(0.01, errback, LookupError(f"no word for {n}"))


# --- Step 1 ------------------------------------------------------------------------------------
def fetch_word(n) -> asyncio.Future:
    future = asyncio.get_running_loop().create_future()

    def callback(word):
        if not future.done():
            future.set_result(word)

    def errback(exc):
        if not future.done():
            future.set_exception(exc)

    legacy_fetch_word(n, callback, errback)
    return future


# --- Step 2 ------------------------------------------------------------------------------------
class Broadcaster:
    def __init__(self):
        self._waiters = set()

    def __len__(self):
        return len(self._waiters)

    def wait(self, timeout) -> asyncio.Future:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._waiters.add(future)

        def expire():
            if not future.done():
                future.set_result(None)

        timer = loop.call_later(timeout, expire)

        def forget(done):
            self._waiters.discard(done)
            timer.cancel()

        future.add_done_callback(forget)
        return future

    def publish(self, value) -> int:
        waiters, self._waiters = self._waiters, set()
        woken = 0
        for future in waiters:
            if not future.done():
                future.set_result(value)
                woken += 1
        return woken


# --- Step 3 ------------------------------------------------------------------------------------
def slow_report():
    """A blocking call (think: a big SQL query with a blocking driver, or image resizing)."""
    started = time.monotonic()
    time.sleep(0.5)
    return {"rows": 42, "started": started, "ended": time.monotonic()}


class ReportHandler(BaseHandler):
    async def get(self):
        report = await tornado.ioloop.IOLoop.current().run_in_executor(None, slow_report)
        self.write(report)


class PingHandler(BaseHandler):
    def get(self):
        self.write({"at": time.monotonic()})


def make_app() -> tornado.web.Application:
    return tornado.web.Application(
        [(r"/report", ReportHandler), (r"/ping", PingHandler)],
        default_handler_class=NotFoundHandler,
    )
