"""Chapter 19: a page with a session on Redis, through tornkit's SessionMiddleware, against the
same page without one, in the same run (requests per second, and their ratio).

    plain     the page, no middleware
    session   SessionMiddleware on a RedisCache: each request loads its session (one GET); the
              page reads it and changes nothing, so nothing is written
    count     the same middleware, on a page that changes the session: a GET and a SET per
              request (what tornadopy paid on every page, changed or not)
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.cookies
import urllib.request

from bench.common import Row, server, wrk
from tornkit.application import Application
from tornkit.conf import Settings
from tornkit.handler import WebHandler
from workbook import services

SECRET = "a cookie secret for the benchmark only, never for a site"


class Page(WebHandler):
    def get(self):
        session = getattr(self, "session", {})
        self.write(f"Hello, {session.get('user') or 'stranger'}")


class Count(WebHandler):
    def get(self):
        self.session["visits"] = (self.session["visits"] or 0) + 1
        self.write(f"visit {self.session['visits']}")


class Login(WebHandler):
    def get(self):
        self.session["user"] = "topaz"
        self.write("in")


def make(mode: str, redis_url: str) -> Application:
    if mode == "plain":
        return Application([(r"/page", Page)], conf=Settings())
    caches = {"default": {"BACKEND": "tornkit.cache.backends.redis.RedisCache",
                          "LOCATION": redis_url}}
    return Application([(r"/page", Page), (r"/count", Count), (r"/login", Login)],
                       conf=Settings(MIDDLEWARE_CLASSES=("tornkit.session.SessionMiddleware",),
                                     CACHES=caches), cookie_secret=SECRET)


async def serve(mode: str, redis_url: str, port: int) -> None:
    make(mode, redis_url).listen(port, "127.0.0.1")
    await asyncio.Event().wait()


def session_cookie(base: str) -> str:
    with urllib.request.urlopen(base + "/login", timeout=5) as response:
        jar = http.cookies.SimpleCookie(response.headers["Set-Cookie"])
    return f"__TORNADOSSID={jar['__TORNADOSSID'].coded_value}"


ROUNDS = 3  # the servers run side by side and take turns: each keeps its best round


def rows() -> list[Row]:
    with services.Redis() as redis_server, contextlib.ExitStack() as stack:
        plain = stack.enter_context(server("bench.sessions", "plain", redis_server.url,
                                           path="/page"))
        with_session = stack.enter_context(server("bench.sessions", "session", redis_server.url,
                                                  path="/page"))
        cookie = {"Cookie": session_cookie(with_session.url)}
        rates = {"plain": 0.0, "session": 0.0, "count": 0.0}
        for _ in range(ROUNDS):
            rates["plain"] = max(rates["plain"], wrk(plain.url + "/page", seconds=3))
            rates["session"] = max(rates["session"], wrk(with_session.url + "/page", seconds=3,
                                                         headers=cookie))
            rates["count"] = max(rates["count"], wrk(with_session.url + "/count", seconds=3,
                                                     headers=cookie))
    read, write = rates["session"] / rates["plain"], rates["count"] / rates["plain"]
    note = f"best of {ROUNDS} interleaved rounds; Redis on the same machine"
    return [
        Row("a page without session (the reference for the next two rows)",
            f"{rates['plain']:,.0f} req/s", note=note),
        Row("the same page with a session on Redis, read and unchanged (chapter 19)",
            f"{rates['session']:,.0f} req/s", note=f"{read:.2f}× without: one GET per request, "
                                                    "no write"),
        Row("a page that changes its session on Redis (chapter 19)",
            f"{rates['count']:,.0f} req/s", note=f"{write:.2f}× without: a GET and a SET per "
                                                  "request, as tornadopy made on every page"),
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["plain", "session"])
    parser.add_argument("redis_url")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    asyncio.run(serve(args.mode, args.redis_url, args.port))
