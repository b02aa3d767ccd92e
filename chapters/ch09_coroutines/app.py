"""Chapter 09 · 异步非阻塞 (装饰器 + Future): a request that waits without blocking the server.

The lesson (README.md), section by section: 1. the notes' handler, and the same today (the
request that puts data into their Futures is in pending.py); 3. a callback API wrapped in a
Future (weather.py); 4. a long-poll chat (chat.py); 5. blocking and non-blocking sleeps side by
side (sleeps.py).
"""
if not __package__:
    raise SystemExit("Run it with `make chapter-09`, or in the venv: "
                     "python -m chapters.ch09_coroutines.app")

import asyncio
import concurrent.futures
import os

import tornado.ioloop
import tornado.web
from tornado import gen
from tornado.concurrent import Future  # the notes' import: today it *is* asyncio.Future

from workbook import manifest
from workbook.runner import parse_port, serve
from workbook.web import BaseHandler, NotFoundHandler, StaticHandler

from . import chat, sleeps, weather
from .pending import PendingHandler, ResolveHandler  # the request that puts data in

CHAPTER = manifest.for_path(__file__)
BACKLOG = 4096  # connections the kernel queues before Tornado accepts them (Application.listen)


# --- 1. 装饰器 + Future: the notes' 基本使用 ------------------------------------------------------
class NotesFutureHandler(BaseHandler):
    """The notes' AsyncHandler. Four lines marked `added` let it end; without them (as in the
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
        else:  # 或: the IOLoop calls doing(future) on its next turn after the Future is done
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


class NowFutureHandler(NotesFutureHandler):
    """The same today: async def, await the Future (on_connection_close is inherited)."""

    async def get(self):
        self.future = Future()  # or asyncio.get_running_loop().create_future()
        self.application.pending.add(self.future)
        try:
            data = await self.future
        except asyncio.CancelledError:  # cancelled by on_connection_close: the client left
            return
        self.set_header("Content-Type", "text/plain; charset=UTF-8")  # another client's words
        self.write(f"async: {data}")


# --- 3. Then -> now: gen.Task is gone, see weather.py; 4. a long-poll chat, see chat.py ------


# --- 5. Blocking vs non-blocking: sleeps.py ----------------------------------------------------
class IndexHandler(BaseHandler):
    def get(self):
        self.render("index.html", max_sleep=sleeps.MAX_SLEEP)


# --- The application: the state the handlers share -----------------------------------------------
class Application(tornado.web.Application):
    """The notes' pending Futures, the chat room and the thread pool of /sleep/executor."""

    def __init__(self, handlers, **settings):
        super().__init__(handlers, **settings)
        self.pending: set[Future] = set()
        self.chat = chat.ChatRoom(history=self.settings["history"])
        self.executor = concurrent.futures.ThreadPoolExecutor(  # its threads start on first use
            self.settings["executor_workers"], thread_name_prefix="ch09-executor")

    def listen(self, port, address=None, **kwargs):
        """Application.listen with a longer accept queue. Tornado's default backlog is 128: when
        200 clients connect at once, the kernel drops the SYNs beyond it and those clients
        retry one second later (the kernel caps the value at net.core.somaxconn)."""
        kwargs.setdefault("backlog", BACKLOG)
        return super().listen(port, address, **kwargs)

    async def close(self) -> None:
        for future in self.pending:
            future.cancel()
        self.chat.close()
        self.executor.shutdown(wait=False, cancel_futures=True)


def make_app(**overrides) -> Application:
    settings = {
        "template_path": manifest.ROOT / "tpl" / CHAPTER.slug,
        "static_path": manifest.ROOT / "static" / CHAPTER.slug,  # static_url("chat.js")
        "static_handler_class": StaticHandler,  # chapter 04: a 400, not a 500, for a NUL byte
        "default_handler_class": NotFoundHandler,
        "wait_timeout": 30.0,  # a long-poll waiter answers [] after this many seconds
        "max_message": 500,    # characters in one chat message
        "history": 200,        # messages the chat room keeps for late readers
        "executor_workers": min(32, (os.cpu_count() or 1) + 4),  # Python's default pool size
        **overrides,
    }
    return Application([
        (r"/", IndexHandler),
        (r"/future/notes", NotesFutureHandler),
        (r"/future/now", NowFutureHandler),
        (r"/future/resolve", ResolveHandler),
        (r"/future/pending", PendingHandler),
        (r"/legacy/weather", weather.LegacyWeatherHandler),
        (r"/chat", chat.PageHandler),
        (r"/chat/wait", chat.WaitHandler),
        (r"/chat/send", chat.SendHandler),
        (r"/chat/stats", chat.StatsHandler),
        (r"/sleep/(blocking|async|executor)", sleeps.SleepHandler),
        (r"/ping", sleeps.PingHandler),
    ], **settings)


async def main(argv=None):
    await serve(make_app(), parse_port(argv, default=CHAPTER.port), paths=CHAPTER.paths)


if __name__ == "__main__":
    asyncio.run(main())
