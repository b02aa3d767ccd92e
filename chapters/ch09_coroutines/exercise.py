"""Chapter 09 exercise: Futures by hand, a broadcaster, and a blocking call moved off the loop.

  1. fetch_word(n) -> a Future of the word for n.
     legacy_fetch_word(n, callback, errback) is a callback API from the gen.Task days: later, on
     the event loop, it calls callback(word), or errback(exc) for an unknown n. Wrap it: make a
     Future with asyncio.get_running_loop().create_future(), resolve it from the callbacks
     (set_result / set_exception), return it. A callback that comes after the caller stopped
     waiting (the Future was cancelled) must do nothing: no InvalidStateError.
  2. Broadcaster: wait(timeout) returns a Future of the next published value, or of None if
     nothing is published within timeout seconds. publish(value) resolves every waiting Future
     in one loop and returns how many it woke. len(broadcaster) is the number still waiting: it
     must come back to 0 after a publish, after timeouts and after cancelled waits (no leaks).
  3. ReportHandler (GET /report) calls slow_report(), which blocks for half a second: while it
     runs, the whole server answers nothing, not even /ping. Run it in a thread pool instead
     (IOLoop.run_in_executor, lesson section 5), and await its result.

Check your work with:  make check-09
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
    # TODO step 1: create a Future, call legacy_fetch_word(n, callback, errback) with two small
    # functions that resolve it (unless it is already done), and return the Future.
    raise NotImplementedError("fetch_word is not written yet")


# --- Step 2 ------------------------------------------------------------------------------------
class Broadcaster:
    def __init__(self):
        self._waiters = set()

    def __len__(self):
        # TODO step 2: the number of Futures still waiting
        raise NotImplementedError("Broadcaster.__len__ is not written yet")

    def wait(self, timeout) -> asyncio.Future:
        # TODO step 2: a new Future in self._waiters; resolved with None after timeout seconds
        # (loop.call_later); whenever it is done (published, timed out or cancelled) it leaves
        # the set (future.add_done_callback).
        raise NotImplementedError("Broadcaster.wait is not written yet")

    def publish(self, value) -> int:
        # TODO step 2: resolve every waiting Future with value, in one loop; return how many.
        raise NotImplementedError("Broadcaster.publish is not written yet")


# --- Step 3 ------------------------------------------------------------------------------------
def slow_report():
    """A blocking call (think: a big SQL query with a blocking driver, or image resizing)."""
    started = time.monotonic()
    time.sleep(0.5)
    return {"rows": 42, "started": started, "ended": time.monotonic()}


class ReportHandler(BaseHandler):
    async def get(self):
        report = slow_report()  # TODO step 3: run it in the executor, and await the result
        self.write(report)


class PingHandler(BaseHandler):
    def get(self):
        self.write({"at": time.monotonic()})


def make_app() -> tornado.web.Application:
    return tornado.web.Application(
        [(r"/report", ReportHandler), (r"/ping", PingHandler)],
        default_handler_class=NotFoundHandler,
    )
