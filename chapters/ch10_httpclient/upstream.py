"""The upstream: the site chapter 10's app calls, on 127.0.0.1, instead of www.cnblogs.com.

The notes fetch http://www.cnblogs.com. There is no internet in a test (nor, always, on a
learner's train), and a real site cannot be asked to be slow, to fail or to hang on cue. This one
can:

    GET  /              a small home page: what the notes' handler fetches
    GET  /slow?delay=S  answers after S seconds (0 to 10), with when it started and ended
                        (time.monotonic() of this process) and the tag it was given
    GET  /fail?code=N   answers status N (200, or 400 to 599)
    GET|POST /echo      answers what it received: method, client address, query, headers,
                        body, and the body parsed as JSON when it is JSON
    GET  /hang          never answers (until the client gives up and closes the connection)
    GET  /reset         resets the connection (a TCP RST) instead of answering
    GET  /close         closes the connection without a word
    GET  /stats         {"calls": requests so far, "hanging": requests /hang holds right now}

The chapter's app starts one on a free port when no UPSTREAM_URL is set; the tests start their
own. Alone:  python -m chapters.ch10_httpclient.upstream --port=8910
"""
if not __package__:
    raise SystemExit("Run it in the venv: python -m chapters.ch10_httpclient.upstream")

import asyncio
import json
import socket
import struct
import time
from urllib.parse import parse_qs

import tornado.httpserver
import tornado.netutil
import tornado.web

from workbook import manifest
from workbook.runner import parse_port, serve
from workbook.web import BaseHandler, NotFoundHandler, number_argument

CHAPTER = manifest.for_path(__file__)
MAX_DELAY = 10


class UpstreamHandler(BaseHandler):
    def prepare(self):
        self.application.calls += 1


class HomeHandler(UpstreamHandler):
    def get(self):
        self.write("<!DOCTYPE html><html><head><title>The upstream</title></head>"
                   "<body><h1>Hello from the upstream</h1>"
                   "<p>Standing in for www.cnblogs.com.</p></body></html>")


class SlowHandler(UpstreamHandler):
    async def get(self):
        delay = number_argument(self, "delay", 1, low=0, high=MAX_DELAY, kind=float)
        started = time.monotonic()
        await asyncio.sleep(delay)
        self.write({"tag": self.get_query_argument("tag", ""), "delay": delay,
                    "started": started, "ended": time.monotonic()})


class FailHandler(UpstreamHandler):
    def get(self):
        code = number_argument(self, "code", 500, low=200, high=599)
        if not (code == 200 or 400 <= code <= 599):
            raise tornado.web.HTTPError(400, "code must be 200 or 400 to 599, not %d", code)
        self.set_status(code)
        self.set_header("Content-Type", "text/plain; charset=UTF-8")
        self.write(f"the upstream answers {code} on purpose\n")


class EchoHandler(UpstreamHandler):
    def get(self):
        body = self.request.body.decode("utf-8", errors="replace")
        parsed = None
        if self.request.headers.get("Content-Type", "").startswith("application/json"):
            try:
                parsed = json.loads(body)
            except ValueError:
                raise tornado.web.HTTPError(400, "the body is not JSON") from None
        self.write({
            "method": self.request.method,
            "remote_ip": self.request.remote_ip,
            "query": parse_qs(self.request.query),
            "headers": dict(self.request.headers),
            "body": body,
            "json": parsed,
        })

    post = put = get


class HangHandler(UpstreamHandler):
    future = None

    async def get(self):
        self.future = asyncio.get_running_loop().create_future()
        self.application.hanging.add(self.future)
        try:
            await self.future  # nothing ever resolves it
        except asyncio.CancelledError:
            return  # the client closed the connection

    def on_connection_close(self):
        if self.future is not None:
            self.application.hanging.discard(self.future)
            self.future.cancel()


class ResetHandler(UpstreamHandler):
    def get(self):
        # SO_LINGER with a zero timeout makes close() send RST instead of FIN: the client's
        # next read fails with ECONNRESET, "connection reset by peer".
        stream = self.request.connection.stream
        stream.socket.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        stream.close()


class CloseHandler(UpstreamHandler):
    def get(self):
        self.request.connection.stream.close()  # FIN, no answer: the client sees "Stream closed"


class StatsHandler(BaseHandler):
    def get(self):
        self.write({"calls": self.application.calls, "hanging": len(self.application.hanging)})


class Upstream(tornado.web.Application):
    def __init__(self, handlers, **settings):
        super().__init__(handlers, **settings)
        self.calls = 0
        self.hanging: set[asyncio.Future] = set()


def make_app(**settings) -> Upstream:
    return Upstream(
        [
            (r"/", HomeHandler),
            (r"/slow", SlowHandler),
            (r"/fail", FailHandler),
            (r"/echo", EchoHandler),
            (r"/hang", HangHandler),
            (r"/reset", ResetHandler),
            (r"/close", CloseHandler),
            (r"/stats", StatsHandler),
        ],
        default_handler_class=NotFoundHandler,
        **settings,
    )


def start(app: Upstream | None = None) -> tuple[Upstream, tornado.httpserver.HTTPServer, str]:
    """Serve an upstream on a free port of 127.0.0.1, on the running event loop.
    Returns the app, its server and its base URL."""
    app = app or make_app()
    sockets = tornado.netutil.bind_sockets(0, "127.0.0.1", backlog=1024)
    server = tornado.httpserver.HTTPServer(app)
    server.add_sockets(sockets)
    return app, server, f"http://127.0.0.1:{sockets[0].getsockname()[1]}"


class OnDemand:
    """The upstream chapter 10's app calls: the one at `url` if given, else one of its own,
    started on first use (on the running event loop) and stopped by close()."""

    def __init__(self, url: str | None = None) -> None:
        self.given = url.rstrip("/") if url else None
        self.own: tuple[Upstream, tornado.httpserver.HTTPServer, str] | None = None

    @property
    def url(self) -> str:
        if self.given:
            return self.given
        if self.own is None:
            self.own = start()
        return self.own[2]

    async def close(self) -> None:
        if self.own is not None:
            _, server, _ = self.own
            self.own = None
            server.stop()
            await server.close_all_connections()


async def main(argv=None):
    await serve(make_app(), parse_port(argv, default=CHAPTER.port + 100),
                paths=["/", "/slow?delay=1", "/fail?code=503", "/echo", "/stats"])


if __name__ == "__main__":
    asyncio.run(main())
