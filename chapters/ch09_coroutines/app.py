"""Chapter 09 · 异步非阻塞 (装饰器 + Future): a request that waits without blocking the server.

Run it:  make chapter-09        or   python -m chapters.ch09_coroutines.app --port=8809
Lesson:  chapters/ch09_coroutines/README.md

The notes: a GET handler decorated with @gen.coroutine yields a Future; Tornado waits until
someone puts data into that Future, then runs `doing`; meanwhile it answers other requests.
This file has, top to bottom:
  1. the notes' handler, as written, and the same today with async/await (/future/...);
  2. what replaced gen.Task: a callback API wrapped in a Future (/legacy/weather);
  3. the notes' idea grown into a long-poll chat: a request waits on a Future until another
     request publishes, with timeouts and disconnects cleaned up (/chat/...);
  4. blocking and non-blocking side by side: time.sleep, asyncio.sleep, run_in_executor (/sleep).
"""
import asyncio
import concurrent.futures
import functools
import math
import os
import time
from collections import deque
from itertools import islice

import tornado.ioloop
import tornado.web
from tornado import gen
from tornado.concurrent import Future  # the notes' import: today it *is* asyncio.Future

from workbook import manifest
from workbook.runner import parse_port, serve
from workbook.web import BaseHandler, NotFoundHandler, StaticHandler

CHAPTER = manifest.for_path(__file__)

MAX_SLEEP = 5.0          # /sleep/...?seconds= accepts 0 to 5
BACKLOG = 4096           # connections the kernel queues before Tornado accepts them (see listen)
DEFAULTS = dict(
    wait_timeout=30.0,   # a long-poll waiter answers [] after this many seconds
    max_message=500,     # characters in one chat message
    history=200,         # messages the chat room keeps for late readers
    executor_workers=min(32, (os.cpu_count() or 1) + 4),  # the size Python gives its default pool
)


# --- 1. 装饰器 + Future: the notes' 基本使用 ------------------------------------------------------
class NotesFutureHandler(BaseHandler):
    """The notes' AsyncHandler. Three lines marked `added` let it end; without them (as in the
    notes) nothing ever puts data into the Future and the request waits forever."""

    future = None

    @gen.coroutine
    def get(self):
        via = self.get_query_argument("via", "add_done_callback")
        if via not in ("add_done_callback", "add_future"):
            raise tornado.web.HTTPError(400, "via must be add_done_callback or add_future, not %r",
                                        via)
        future = Future()
        self.future = future                      # added: for on_connection_close
        self.application.pending.add(future)      # added: where POST /future/resolve finds it
        if via == "add_done_callback":
            future.add_done_callback(self.doing)
        else:
            # 或: the IOLoop calls doing(future) on its next turn after the Future is done
            tornado.ioloop.IOLoop.current().add_future(future, self.doing)
        try:
            yield future  # Tornado waits here; other requests are answered meanwhile
        except asyncio.CancelledError:            # added: the client left, see below
            pass

    def doing(self, future, *args, **kwargs):
        if future.cancelled():                    # added: nobody to answer
            return
        self.write("async")
        self.finish()

    def on_connection_close(self):
        if self.future is not None:
            self.application.pending.discard(self.future)
            self.future.cancel()


class NowFutureHandler(BaseHandler):
    """The same today: async def, and `await` the Future instead of a callback."""

    future = None

    async def get(self):
        self.future = Future()  # or asyncio.get_running_loop().create_future()
        self.application.pending.add(self.future)
        try:
            data = await self.future
        except asyncio.CancelledError:  # cancelled by on_connection_close: the client left
            return
        self.write(f"async: {data}")

    def on_connection_close(self):
        if self.future is not None:
            self.application.pending.discard(self.future)
            self.future.cancel()


class ResolveHandler(BaseHandler):
    """用户向future对象中放置数据: another request puts data into every waiting Future."""

    def post(self):
        data = self.get_body_argument("data", "data")
        pending, self.application.pending = self.application.pending, set()
        resolved = 0
        for future in pending:
            if not future.done():
                future.set_result(data)
                resolved += 1
        self.write({"resolved": resolved})


class PendingHandler(BaseHandler):
    def get(self):
        self.write({"pending": len(self.application.pending)})


# --- 2. Then -> now: gen.Task is gone; wrap a callback API in a Future yourself ----------------
FORECASTS = {"beijing": "sunny, 31°C", "shanghai": "rain, 26°C", "guangzhou": "storms, 29°C"}


def legacy_weather(city, callback):
    """A library from the callback days: no Future; it calls callback(result) later."""
    tornado.ioloop.IOLoop.current().call_later(0.05, callback, FORECASTS.get(city.lower()))


def weather(city) -> asyncio.Future:
    """What `yield gen.Task(legacy_weather, city)` did, written out: make a Future, let the
    callback resolve it, return it. Anything can then await it."""
    future = asyncio.get_running_loop().create_future()

    def callback(result):
        if not future.done():  # the caller may have stopped waiting (cancelled) meanwhile
            future.set_result(result)

    legacy_weather(city, callback)
    return future


@gen.coroutine
def forecast_line_then(city):
    """Tornado 4 style, still accepted by Tornado 6: yield, and raise gen.Return(value)."""
    forecast = yield weather(city)
    if forecast is None:
        raise tornado.web.HTTPError(404, "no forecast for %r", city)
    raise gen.Return(f"{city}: {forecast}")


async def forecast_line(city):
    """Today: await, and return value."""
    forecast = await weather(city)
    if forecast is None:
        raise tornado.web.HTTPError(404, "no forecast for %r", city)
    return f"{city}: {forecast}"


class LegacyWeatherHandler(BaseHandler):
    async def get(self):
        city = self.get_query_argument("city")
        style = self.get_query_argument("style", "now")
        if style not in ("then", "now"):
            raise tornado.web.HTTPError(400, "style must be then or now, not %r", style)
        line = await (forecast_line_then(city) if style == "then" else forecast_line(city))
        self.set_header("Content-Type", "text/plain; charset=UTF-8")
        self.write(line)


# --- 3. The notes' idea at scale: a long-poll chat -----------------------------------------------
class ChatRoom:
    """Messages, and the requests waiting for the next one.

    A waiter is a Future in a set. publish() resolves every waiter in one loop and starts a new
    set: no waiter polls, so 10,000 waiting requests cost nothing until a message comes, and one
    message wakes them all. A waiter leaves the set when it is resolved, when its timer fires
    (it gets [] after `timeout` seconds), or when it is cancelled (the client disconnected).
    """

    def __init__(self, *, history: int = 200) -> None:
        self.newest = 0  # the id of the newest message; ids are 1, 2, 3, ...
        self._history: deque[dict] = deque(maxlen=history)
        self._waiters: set[asyncio.Future] = set()

    @property
    def waiters(self) -> int:
        return len(self._waiters)

    def since(self, cursor: int) -> list[dict]:
        """The messages after id `cursor` that are still kept."""
        if not self._history or cursor >= self.newest:
            return []
        oldest = self._history[0]["id"]
        return list(islice(self._history, max(0, cursor - oldest + 1), None))

    def wait(self, cursor: int, timeout: float) -> asyncio.Future:
        """A Future of the messages after `cursor`: at once if there are some, else when the
        next one is published, or [] after `timeout` seconds. Cancel it to stop waiting."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        newer = self.since(cursor)
        if newer:
            future.set_result(newer)
            return future
        self._waiters.add(future)
        timer = loop.call_later(timeout, self._expire, future)
        future.add_done_callback(functools.partial(self._forget, timer))
        return future

    @staticmethod
    def _expire(future: asyncio.Future) -> None:
        if not future.done():
            future.set_result([])

    def _forget(self, timer: asyncio.TimerHandle, future: asyncio.Future) -> None:
        self._waiters.discard(future)  # resolved, expired or cancelled: no longer waiting
        timer.cancel()

    def publish(self, text: str) -> tuple[dict, int]:
        """Add a message and wake every waiter with it; return it and how many woke."""
        self.newest += 1
        message = {"id": self.newest, "text": text}
        self._history.append(message)
        waiters, self._waiters = self._waiters, set()
        batch = [message]  # one list for everyone: nothing is copied per waiter
        woken = 0
        for future in waiters:
            if not future.done():
                future.set_result(batch)
                woken += 1
        return message, woken


class ChatPageHandler(BaseHandler):
    def get(self):
        chat = self.application.chat
        self.render("chat.html", messages=chat.since(0), cursor=chat.newest,
                    max_message=self.settings["max_message"])


class ChatWaitHandler(BaseHandler):
    """GET /chat/wait?cursor=N: the messages after N, as soon as there are any."""

    future = None

    async def get(self):
        chat = self.application.chat
        raw = self.get_query_argument("cursor", "0")
        try:
            cursor = int(raw)
        except ValueError:
            raise tornado.web.HTTPError(400, "cursor must be a whole number, not %r", raw) from None
        if not 0 <= cursor <= chat.newest:
            raise tornado.web.HTTPError(
                400, "cursor must be between 0 and %d (the newest message), not %d",
                chat.newest, cursor)
        self.set_header("Cache-Control", "no-store")
        self.future = chat.wait(cursor, timeout=self.settings["wait_timeout"])
        try:
            messages = await self.future
        except asyncio.CancelledError:  # on_connection_close cancelled it: nobody to answer
            return
        self.write({"messages": messages, "cursor": messages[-1]["id"] if messages else cursor})

    def on_connection_close(self):
        if self.future is not None:
            self.future.cancel()  # leaves the room's set at once: no leaked waiter


class ChatSendHandler(BaseHandler):
    """POST /chat/send (text=...): publish, and answer how many waiters it woke."""

    def post(self):
        text = self.get_body_argument("text").strip()
        limit = self.settings["max_message"]
        if not text:
            raise tornado.web.HTTPError(400, "the message is empty")
        if len(text) > limit:
            raise tornado.web.HTTPError(400, "the message has %d characters; the limit is %d",
                                        len(text), limit)
        message, woken = self.application.chat.publish(text)
        self.write({"id": message["id"], "woken": woken})


class ChatStatsHandler(BaseHandler):
    def get(self):
        chat = self.application.chat
        self.set_header("Cache-Control", "no-store")
        self.write({"waiters": chat.waiters, "newest": chat.newest})


# --- 4. Blocking vs non-blocking -----------------------------------------------------------------
def timed_sleep(seconds: float) -> tuple[float, float]:
    """time.sleep, and when it started and ended on the server's clock (time.monotonic())."""
    started = time.monotonic()
    time.sleep(seconds)
    return started, time.monotonic()


class SleepHandler(BaseHandler):
    """/sleep/blocking, /sleep/async, /sleep/executor ?seconds=S: the same wait, three ways.
    Each answers when the request came in ("received") and when the sleep itself started and
    ended, on the server's clock. For the executor, the sleep starts when a pool thread is free."""

    async def get(self, how):
        raw = self.get_query_argument("seconds", "1")
        try:
            seconds = float(raw)
        except ValueError:
            raise tornado.web.HTTPError(400, "seconds must be a number, not %r", raw) from None
        if not (math.isfinite(seconds) and 0 <= seconds <= MAX_SLEEP):
            raise tornado.web.HTTPError(400, "seconds must be between 0 and %g, not %s",
                                        MAX_SLEEP, raw)
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


class IndexHandler(BaseHandler):
    def get(self):
        self.render("index.html", max_sleep=MAX_SLEEP)


class CoroutinesApp(tornado.web.Application):
    """The Application, plus the state the handlers share: the notes' pending Futures, the chat
    room and the thread pool of /sleep/executor."""

    def __init__(self, handlers, **settings):
        super().__init__(handlers, **settings)
        self.pending: set[Future] = set()
        self.chat = ChatRoom(history=self.settings["history"])

    def listen(self, port, address=None, **kwargs):
        """Application.listen with a longer accept queue. Tornado's default backlog is 128: when
        200 clients connect at once, the kernel drops the SYNs beyond it and those clients
        retry one second later (the kernel caps the value at net.core.somaxconn)."""
        kwargs.setdefault("backlog", BACKLOG)
        return super().listen(port, address, **kwargs)

    @functools.cached_property
    def executor(self) -> concurrent.futures.ThreadPoolExecutor:
        return concurrent.futures.ThreadPoolExecutor(self.settings["executor_workers"],
                                                     thread_name_prefix="ch09-executor")


def make_app(**settings) -> CoroutinesApp:
    return CoroutinesApp(
        [
            (r"/", IndexHandler),
            (r"/future/notes", NotesFutureHandler),
            (r"/future/now", NowFutureHandler),
            (r"/future/resolve", ResolveHandler),
            (r"/future/pending", PendingHandler),
            (r"/legacy/weather", LegacyWeatherHandler),
            (r"/chat", ChatPageHandler),
            (r"/chat/wait", ChatWaitHandler),
            (r"/chat/send", ChatSendHandler),
            (r"/chat/stats", ChatStatsHandler),
            (r"/sleep/(blocking|async|executor)", SleepHandler),
            (r"/ping", PingHandler),
        ],
        template_path=manifest.ROOT / "tpl" / CHAPTER.slug,
        static_path=manifest.ROOT / "static" / CHAPTER.slug,  # static_url("chat.js")
        static_handler_class=StaticHandler,  # chapter 04: a 400, not a 500, for a NUL in the path
        default_handler_class=NotFoundHandler,
        **{**DEFAULTS, **settings},
    )


async def main(argv=None):
    await serve(make_app(), parse_port(argv, default=CHAPTER.port), paths=CHAPTER.paths)


if __name__ == "__main__":
    asyncio.run(main())
