"""Chapter 10 · httpclient类库: AsyncHTTPClient, the HTTP client that waits without blocking.

A small gateway: each page calls an upstream site and answers with what it got. The notes call
www.cnblogs.com; this app calls upstream.py, a site on 127.0.0.1 that can be slow, fail, hang or
reset on request (with UPSTREAM_URL unset, the app starts one on a free port). The lesson
(README.md), section by section: 3. the notes' handler, then and now; 4. fetch() with an
HTTPRequest; 5. raise_error; 6. a gateway that never hangs (gateway.py); 7. the app's own
client (client.py); 8. many calls at once, or one after another (fanout.py).
"""
if not __package__:
    raise SystemExit("Run it with `make chapter-10`, or in the venv: "
                     "python -m chapters.ch10_httpclient.app")

import asyncio
import json
import os

import tornado.web
from tornado import gen, httpclient
from tornado.httpclient import HTTPRequest

from workbook import manifest
from workbook.runner import parse_port, serve
from workbook.web import BaseHandler, NotFoundHandler, number_argument

from . import fanout
from .client import Application
from .gateway import MAX_DELAY, GatewayHandler, GatewayTargetHandler

CHAPTER = manifest.for_path(__file__)


# --- 3. The notes' handler, then and now ---------------------------------------------------------
class NotesHandler(BaseHandler):
    """The notes' AsyncHandler, with the upstream in place of www.cnblogs.com (and without its
    print()s: the server's console is not where a page's answer goes)."""

    @gen.coroutine
    def get(self, *args, **kwargs):
        http = httpclient.AsyncHTTPClient()  # the shared client of this IOLoop (section 7)
        data = yield http.fetch(self.application.upstream + "/")  # noqa: F841 (as in the notes)
        self.finish("6666")


class NowHandler(GatewayHandler):
    """The same today: async def and await; the app's own client; failures answered."""

    async def get(self):
        response = await self.call("/")
        self.finish(f"6666 (the upstream answered {response.code} {response.reason}, "
                    f"{len(response.body)} bytes)")


# --- 4. fetch(): a URL with keywords, or one HTTPRequest -----------------------------------------
class PostJsonHandler(GatewayHandler):
    """/post-json?name=...: a POST with headers and a JSON body, built as an HTTPRequest."""

    async def get(self):
        payload = {"name": self.get_query_argument("name", "topaz"),
                   "tags": ["tornado", "httpclient"]}
        request = HTTPRequest(
            self.application.upstream + "/echo", method="POST", body=json.dumps(payload),
            headers={"Content-Type": "application/json; charset=UTF-8",
                     "X-Workbook-Chapter": "10"},
            user_agent="tornado-workbook/ch10", request_timeout=5)
        echoed = json.loads((await self.call(request)).body)
        headers = echoed["headers"]
        self.write({"sent": payload, "upstream_saw": {
            "method": echoed["method"], "content_type": headers.get("Content-Type"),
            "user_agent": headers.get("User-Agent"),
            "x_workbook_chapter": headers.get("X-Workbook-Chapter"), "json": echoed["json"]}})


# --- 5. raise_error: what fetch() does with a status that is not 2xx -----------------------------
class StatusHandler(GatewayHandler):
    """/status?code=N&raise_error=true|false"""

    async def get(self):
        code = number_argument(self, "code", 200, low=200, high=599)
        raise_error = self.get_query_argument("raise_error", "true")
        if raise_error not in ("true", "false"):
            raise tornado.web.HTTPError(400, "raise_error must be true or false, not %r",
                                        raise_error)
        # raise_error=True (the default): a 404 or a 503 raises HTTPClientError, which call()
        # turns into our 502. raise_error=False: fetch() returns the response, whatever its code.
        response = await self.call(f"/fail?code={code}", raise_error=raise_error == "true")
        self.write({"upstream_code": response.code, "upstream_reason": response.reason,
                    "upstream_body": response.body.decode()})


# --- 6. A gateway that never hangs: gateway.py ---------------------------------------------------
# --- 7. One client per IOLoop, or one of the app's own: Application.http, in client.py -----------
class ClientHandler(BaseHandler):
    def get(self):
        http = self.application.http
        self.write({"class": type(http).__name__, "max_clients": http.max_clients,
                    "connect_timeout": http.defaults["connect_timeout"],
                    "request_timeout": http.defaults["request_timeout"],
                    "upstream": self.application.upstream})


# --- 8. Many calls at once, or one after another: fanout.py ---------------------------------
class IndexHandler(BaseHandler):
    def get(self):
        self.render("index.html", upstream=self.application.upstream, max_calls=fanout.MAX_CALLS,
                    max_delay=MAX_DELAY)


def make_app(**overrides) -> Application:
    settings = {
        "template_path": manifest.ROOT / "tpl" / CHAPTER.slug,
        "default_handler_class": NotFoundHandler,
        "upstream_url": None,     # None: start an upstream of our own on a free port
        "max_clients": 100,       # the app's client runs up to 100 requests at once (default 10)
        "connect_timeout": 2.0,   # seconds to open a connection to the upstream
        "request_timeout": 10.0,  # seconds for a whole call (the longest /slow we ask for: 5 s)
        **overrides,
    }
    return Application([
        (r"/", IndexHandler),
        (r"/notes", NotesHandler),
        (r"/now", NowHandler),
        (r"/post-json", PostJsonHandler),
        (r"/status", StatusHandler),
        (r"/gateway/(slow|fail|hang|reset|close)", GatewayTargetHandler),
        (r"/client", ClientHandler),
        (r"/(fanout|sequence)", fanout.FanoutHandler),
    ], **settings)


async def main(argv=None):
    port = parse_port(argv, default=CHAPTER.port)
    app = make_app(upstream_url=os.environ.get("UPSTREAM_URL"))
    where = app.upstream  # starts our own upstream now, unless UPSTREAM_URL names one
    how = "UPSTREAM_URL" if app.site.own is None else "its own, on a free port"
    # serve() prints where the app listens, then waits: this line comes right after.
    asyncio.get_running_loop().call_soon(lambda: print(f"Upstream: {where} ({how})", flush=True))
    await serve(app, port, paths=CHAPTER.paths)


if __name__ == "__main__":
    asyncio.run(main())
