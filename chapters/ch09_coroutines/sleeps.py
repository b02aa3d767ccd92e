"""Chapter 09, lesson section 5: blocking vs non-blocking. The same wait three ways, and /ping
to see whether the server answers meanwhile:

  /sleep/blocking?seconds=S  time.sleep: the whole server stops, no other request is even read
  /sleep/async?seconds=S     await asyncio.sleep: this request waits, the loop serves the others
  /sleep/executor?seconds=S  time.sleep on a thread of the app's pool (Application.executor)
"""
import asyncio
import time

import tornado.ioloop

from workbook.web import BaseHandler, number_argument

MAX_SLEEP = 5  # ?seconds= accepts 0 to 5


def timed_sleep(seconds: float) -> tuple[float, float]:
    """time.sleep, and when it started and ended on the server's clock (time.monotonic())."""
    started = time.monotonic()
    time.sleep(seconds)
    return started, time.monotonic()


class SleepHandler(BaseHandler):
    """/sleep/{blocking,async,executor}?seconds=S: the same wait, three ways. Each answers when
    the request came in and when the sleep started and ended, on the server's clock."""

    async def get(self, how):
        seconds = number_argument(self, "seconds", 1, low=0, high=MAX_SLEEP, kind=float)
        received = time.monotonic()
        if how == "blocking":
            # The whole server stops here: no other request is even read until it returns.
            started, ended = timed_sleep(seconds)
        elif how == "async":
            started = received
            await asyncio.sleep(seconds)  # this request waits; the loop serves the others
            ended = time.monotonic()
        else:  # executor: a pool thread blocks instead of the loop
            started, ended = await tornado.ioloop.IOLoop.current().run_in_executor(
                self.application.executor, timed_sleep, seconds)
        self.write({"how": how, "seconds": seconds, "received": received,
                    "started": started, "ended": ended})


class PingHandler(BaseHandler):
    def get(self):
        self.write({"pong": True, "at": time.monotonic()})
