"""Rows for chapters 15-16: hello world through tornkit's WebHandler, bare and with a middleware
stack, against a bare tornado.web.RequestHandler, all three in the same run.

    bare    tornado.web.Application + RequestHandler
    web     tornkit Application + WebHandler, MIDDLEWARE_CLASSES = ()
    stack   the same with five middlewares that implement every hook, plus HttpModuleMiddleware
            running two HTTP modules that implement every method (one common, one per route)
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib

import tornado.web

from bench.common import Row, server, wrk
from tornkit.application import Application
from tornkit.conf import Settings
from tornkit.handler import WebHandler
from tornkit.httpmodule import BaseHttpModule, HttpModuleMiddleware
from tornkit.urls import Url, route


class Counting:
    """A middleware with every hook, each doing a little work (a counter)."""

    def __init__(self):
        self.calls = 0

    def process_init(self, application):
        self.calls += 1

    def process_call(self, request, clear):
        self.calls += 1

    def process_request(self, handler, clear):
        self.calls += 1

    def process_render(self, handler, clear, template_name, **kwargs):
        self.calls += 1

    def process_response(self, handler, clear, chunk):
        self.calls += 1

    def process_endcall(self, handler, clear):
        self.calls += 1

    def process_exception(self, handler, clear, typ, value, tb):
        self.calls += 1


class CountingModule(BaseHttpModule):
    def __init__(self):
        self.calls = 0

    def begin_request(self, handler):
        self.calls += 1

    def begin_render(self, handler, template_name, **kwargs):
        self.calls += 1

    def begin_response(self, handler, chunk):
        self.calls += 1

    def complete_response(self, handler):
        self.calls += 1


class OtherModule(CountingModule):
    pass


class Bare(tornado.web.RequestHandler):
    def get(self):
        self.write("Hello, world")


class Web(WebHandler):
    def get(self):
        self.write("Hello, world")


def make(mode: str) -> tornado.web.Application:
    if mode == "bare":
        return tornado.web.Application([(r"/index", Bare)])
    urls = route(Url()(r"/index", Web, name="index"))
    if mode == "web":
        return Application(urls, conf=Settings())
    middlewares = [type(f"Counting{i}", (Counting,), {}) for i in range(5)]
    return Application(urls, conf=Settings(
        MIDDLEWARE_CLASSES=[*middlewares, HttpModuleMiddleware],
        COMMON_MODULES=[CountingModule], ROUTE_MODULES={"index": [OtherModule]}))


async def serve(mode: str, port: int) -> None:
    make(mode).listen(port, "127.0.0.1")
    await asyncio.Event().wait()


ROUNDS = 5  # the three servers run side by side and take turns: each keeps its best round


# Seen here, best of the rounds, over six runs: WebHandler 0.71-1.44x bare, the whole stack
# 0.55-0.89x, on a virtual machine whose speed swings from one minute to the next; the targets
# sit below that, to catch a real regression (a stack at a third of bare), not the weather.
MIN_WEB, MIN_STACK = 0.7, 0.5


def rows() -> list[Row]:
    modes = ("bare", "web", "stack")
    with contextlib.ExitStack() as stack:
        apps = {m: stack.enter_context(server("bench.tornkit_stack", m, path="/index"))
                for m in modes}
        rates = dict.fromkeys(modes, 0.0)
        for _ in range(ROUNDS):
            for m in modes:
                rates[m] = max(rates[m], wrk(apps[m].url + "/index", seconds=2))
    web, full = rates["web"] / rates["bare"], rates["stack"] / rates["bare"]
    note = f"best of {ROUNDS} interleaved rounds"
    return [
        Row("hello world, bare RequestHandler (the reference for the next two rows)",
            f"{rates['bare']:,.0f} req/s", note=note),
        Row("hello world, tornkit WebHandler, no middleware (chapter 15)",
            f"{rates['web']:,.0f} req/s", f"≥ {MIN_WEB}× bare", web >= MIN_WEB, f"{web:.2f}× bare"),
        Row("hello world, WebHandler + 5 middlewares (every hook) + 2 HTTP modules "
            "(chapters 15-16)", f"{rates['stack']:,.0f} req/s", f"≥ {MIN_STACK}× bare", full >= MIN_STACK,
            f"{full:.2f}× bare"),
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["bare", "web", "stack"])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    asyncio.run(serve(args.mode, args.port))
