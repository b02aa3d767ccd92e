"""Chapter 10 · httpclient类库: AsyncHTTPClient, the HTTP client that waits without blocking.

Run it:  make chapter-10        or   python -m chapters.ch10_httpclient.app --port=8810
Lesson:  chapters/ch10_httpclient/README.md

The app is a small gateway: each page calls an upstream site and answers with what it got.
The notes call www.cnblogs.com; this app calls upstream.py, a site on 127.0.0.1 that can be slow,
fail, hang or reset on request. With UPSTREAM_URL unset, the app starts one itself on a free
port. Top to bottom:
  1. the notes' handler (@gen.coroutine, yield http.fetch), and the same with async/await;
  2. fetch() and its options: raise_error, HTTPRequest with headers and a JSON body;
  3. failures turned into answers: 502 when the upstream fails, 504 when it is too slow;
  4. many calls at once (asyncio.gather, gen.multi) against one after another.
"""
import asyncio
import functools
import json
import math
import os
from urllib.parse import urlencode

import tornado.web
from tornado import gen, httpclient
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest, HTTPResponse
from tornado.simple_httpclient import HTTPStreamClosedError, HTTPTimeoutError

from chapters.ch10_httpclient import upstream
from workbook import manifest
from workbook.runner import parse_port, serve
from workbook.web import BaseHandler, NotFoundHandler

CHAPTER = manifest.for_path(__file__)

MAX_CALLS = 50     # /fanout and /sequence make 1 to 50 upstream calls...
MAX_DELAY = 5.0    # ...each 0 to 5 seconds long
MAX_TIMEOUT = 10.0
DEFAULTS = dict(
    upstream_url=None,     # None: start an upstream of our own on a free port
    max_clients=100,       # the app's client runs up to 100 requests at once (Tornado's default: 10)
    connect_timeout=2.0,   # seconds to open a connection to the upstream
    request_timeout=10.0,  # seconds for a whole call (the longest /slow we ask for is 5 s)
)


class GatewayHandler(BaseHandler):
    """What the handlers below share: reading a bounded number, and calling the upstream."""

    def number(self, name, default, low, high, kind=float):
        raw = self.get_query_argument(name, str(default))
        try:
            value = kind(raw)
        except ValueError:
            raise tornado.web.HTTPError(400, "%s must be a number, not %r", name, raw) from None
        if not (math.isfinite(value) and low <= value <= high):
            raise tornado.web.HTTPError(400, "%s must be between %s and %s, not %s",
                                        name, low, high, raw)
        return value

    async def call(self, path: str, **kwargs) -> HTTPResponse:
        """Fetch upstream + path with the app's client, and turn every way it can fail into an
        HTTPError that names it: the client of this app gets a 502 or a 504, never a hang."""
        url = self.application.upstream + path
        try:
            return await self.application.http.fetch(url, **kwargs)
        except HTTPTimeoutError as e:  # code 599: connect_timeout or request_timeout ran out
            raise tornado.web.HTTPError(504, "the upstream did not answer %s in time (%s)",
                                        path, e.message) from None
        except HTTPStreamClosedError:  # code 599: the connection ended before an answer
            raise tornado.web.HTTPError(
                502, "the upstream closed the connection without answering %s", path) from None
        except HTTPClientError as e:  # the upstream answered, with a status that is not 2xx
            raise tornado.web.HTTPError(502, "the upstream answered %s with %d %s",
                                        path, e.code, e.response.reason) from None
        except OSError as e:  # refused, reset, unreachable: not an HTTPClientError at all
            raise tornado.web.HTTPError(502, "cannot talk to the upstream about %s: %s",
                                        path, e.strerror or e) from None


# --- 1. The notes' handler, then and now ---------------------------------------------------------
class NotesHandler(BaseHandler):
    """The notes' AsyncHandler, with the upstream in place of www.cnblogs.com (and without its
    print()s: the server's console is not where a page's answer goes)."""

    @gen.coroutine
    def get(self, *args, **kwargs):
        http = httpclient.AsyncHTTPClient()  # the shared client of this IOLoop (see the lesson)
        data = yield http.fetch(self.application.upstream + "/")  # noqa: F841 (as in the notes)
        self.finish("6666")


class NowHandler(GatewayHandler):
    """The same today: async def and await; the app's own client; failures answered."""

    async def get(self):
        response = await self.call("/")
        self.finish(f"6666 (the upstream answered {response.code} {response.reason}, "
                    f"{len(response.body)} bytes)")


# --- 2. fetch() and its options ------------------------------------------------------------------
class StatusHandler(GatewayHandler):
    """/status?code=N&raise_error=true|false: what fetch() does with a status that is not 2xx."""

    async def get(self):
        code = self.number("code", 200, 200, 599, int)
        raise_error = self.get_query_argument("raise_error", "true")
        if raise_error not in ("true", "false"):
            raise tornado.web.HTTPError(400, "raise_error must be true or false, not %r",
                                        raise_error)
        # raise_error=True (the default): a 404 or a 503 raises HTTPClientError, which call()
        # turns into our 502. raise_error=False: fetch() returns the response, whatever its code.
        response = await self.call(f"/fail?code={code}", raise_error=raise_error == "true")
        self.write({"upstream_code": response.code, "upstream_reason": response.reason,
                    "upstream_body": response.body.decode()})


class PostJsonHandler(GatewayHandler):
    """/post-json?name=...: a POST with headers and a JSON body, built as an HTTPRequest."""

    async def get(self):
        name = self.get_query_argument("name", "topaz")
        payload = {"name": name, "tags": ["tornado", "httpclient"]}
        request = HTTPRequest(
            self.application.upstream + "/echo",
            method="POST",
            headers={"Content-Type": "application/json; charset=UTF-8",
                     "X-Workbook-Chapter": "10"},
            body=json.dumps(payload),
            user_agent="tornado-workbook/ch10",
            request_timeout=5,
        )
        response = await self.call_request(request)
        echoed = json.loads(response.body)
        self.write({
            "sent": payload,
            "upstream_saw": {
                "method": echoed["method"],
                "content_type": echoed["headers"].get("Content-Type"),
                "user_agent": echoed["headers"].get("User-Agent"),
                "x_workbook_chapter": echoed["headers"].get("X-Workbook-Chapter"),
                "json": echoed["json"],
            },
        })

    async def call_request(self, request: HTTPRequest) -> HTTPResponse:
        # fetch() takes a URL and keyword arguments, or one HTTPRequest that carries them all.
        # call() wants a path; an HTTPRequest already has its URL, so go around it here.
        try:
            return await self.application.http.fetch(request)
        except HTTPClientError as e:
            raise tornado.web.HTTPError(502, "the upstream refused the POST: %s", e) from None


# --- 3. When the upstream fails, is slow, hangs or resets ----------------------------------------
class GatewayTargetHandler(GatewayHandler):
    """/gateway/<target>: call one of the upstream's behaviours, within ?timeout= seconds."""

    async def get(self, target):
        timeout = self.number("timeout", 2.0, 0.1, MAX_TIMEOUT)
        query = {}
        if target == "slow":
            query["delay"] = self.number("delay", 1.0, 0, MAX_DELAY)
        elif target == "fail":
            query["code"] = self.number("code", 503, 200, 599, int)
        path = f"/{target}?{urlencode(query)}" if query else f"/{target}"
        response = await self.call(path, request_timeout=timeout)
        self.set_header("Content-Type", response.headers.get("Content-Type", "text/plain"))
        self.write(response.body)


# --- 4. Many calls at once, or one after another -------------------------------------------------
class FanoutHandler(GatewayHandler):
    """/fanout?n=N&delay=S[&via=gather|multi]: N upstream calls at the same time."""

    async def get(self):
        n = self.number("n", 10, 1, MAX_CALLS, int)
        delay = self.number("delay", 0.5, 0, MAX_DELAY)
        via = self.get_query_argument("via", "gather")
        if via not in ("gather", "multi"):
            raise tornado.web.HTTPError(400, "via must be gather or multi, not %r", via)
        loop = asyncio.get_running_loop()
        started = loop.time()
        calls = [self.call(f"/slow?delay={delay}&tag={i}") for i in range(n)]
        if via == "gather":
            responses = await asyncio.gather(*calls)  # asyncio's way
        else:
            responses = await gen.multi(calls)  # Tornado's way (the notes' era: yield [a, b])
        self.write({"n": n, "delay": delay, "via": via,
                    "calls": [json.loads(r.body) for r in responses],
                    "elapsed": loop.time() - started})


class SequenceHandler(GatewayHandler):
    """/sequence?n=N&delay=S: the same N calls, each awaited before the next starts."""

    async def get(self):
        n = self.number("n", 10, 1, MAX_CALLS, int)
        delay = self.number("delay", 0.5, 0, MAX_DELAY)
        loop = asyncio.get_running_loop()
        started = loop.time()
        calls = []
        for i in range(n):
            response = await self.call(f"/slow?delay={delay}&tag={i}")
            calls.append(json.loads(response.body))
        self.write({"n": n, "delay": delay, "calls": calls, "elapsed": loop.time() - started})


class ClientHandler(BaseHandler):
    """/client: which AsyncHTTPClient the app uses, and with what limits."""

    def get(self):
        http = self.application.http
        self.write({"class": type(http).__name__, "max_clients": http.max_clients,
                    "connect_timeout": http.defaults["connect_timeout"],
                    "request_timeout": http.defaults["request_timeout"],
                    "upstream": self.application.upstream})


class IndexHandler(BaseHandler):
    def get(self):
        self.render("index.html", upstream=self.application.upstream, max_calls=MAX_CALLS,
                    max_delay=MAX_DELAY)


class HTTPClientApp(tornado.web.Application):
    """The Application, plus its HTTP client and the upstream it calls."""

    def __init__(self, handlers, **settings):
        super().__init__(handlers, **settings)
        self.own_upstream = None  # (app, server) when we started the upstream ourselves

    @functools.cached_property
    def http(self) -> AsyncHTTPClient:
        """The app's own client: force_instance=True, so that its max_clients and timeouts are
        this app's alone. AsyncHTTPClient() without it is one client per IOLoop, shared with
        every other caller, and configured once for all by AsyncHTTPClient.configure().
        Made on first use, inside the running event loop it belongs to."""
        return AsyncHTTPClient(
            force_instance=True,
            max_clients=self.settings["max_clients"],
            defaults=dict(connect_timeout=self.settings["connect_timeout"],
                          request_timeout=self.settings["request_timeout"]),
        )

    @functools.cached_property
    def upstream(self) -> str:
        """The upstream's base URL: the upstream_url setting, or one we start on a free port."""
        if self.settings["upstream_url"]:
            return self.settings["upstream_url"].rstrip("/")
        app, server, url = upstream.start()
        self.own_upstream = (app, server)
        return url

    async def close(self) -> None:
        """Close the client and stop the upstream we started (tests and benchmarks call it)."""
        if "http" in self.__dict__:  # cached_property: only if it was ever made
            self.http.close()
            del self.http
        if self.own_upstream is not None:
            _, server = self.own_upstream
            server.stop()
            await server.close_all_connections()
            self.own_upstream = None
            del self.upstream


def make_app(**settings) -> HTTPClientApp:
    return HTTPClientApp(
        [
            (r"/", IndexHandler),
            (r"/notes", NotesHandler),
            (r"/now", NowHandler),
            (r"/status", StatusHandler),
            (r"/post-json", PostJsonHandler),
            (r"/gateway/(slow|fail|hang|reset|close)", GatewayTargetHandler),
            (r"/fanout", FanoutHandler),
            (r"/sequence", SequenceHandler),
            (r"/client", ClientHandler),
        ],
        template_path=manifest.ROOT / "tpl" / CHAPTER.slug,
        default_handler_class=NotFoundHandler,
        **{**DEFAULTS, **settings},
    )


async def main(argv=None):
    port = parse_port(argv, default=CHAPTER.port)
    app = make_app(upstream_url=os.environ.get("UPSTREAM_URL"))
    where = app.upstream  # starts our own upstream now, unless UPSTREAM_URL names one
    how = "UPSTREAM_URL" if app.own_upstream is None else "its own, on a free port"
    # serve() prints where the app listens, then waits: this line comes right after.
    asyncio.get_running_loop().call_soon(
        functools.partial(print, f"Upstream: {where} ({how})", flush=True))
    await serve(app, port, paths=CHAPTER.paths)


if __name__ == "__main__":
    asyncio.run(main())
