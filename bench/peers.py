"""Hello world on what a learner would pick instead of Tornado, measured beside it in one run.

Every server is one process answering GET /index with the body "Hello, world" as
text/html; charset=UTF-8, under the same wrk load as chapter 01 (bench.common.wrk). The peers:

- Tornado on uvloop: chapter 01's very app, on libuv's event loop instead of asyncio's;
- aiohttp's web server (aiohttp.web);
- a plain ASGI callable, and the same page in Starlette, both on uvicorn as `pip install
  uvicorn[standard]` sets it up: uvloop and httptools (its C parser), one worker.

    python -m bench.peers aiohttp --port=8000      # serve one of them by hand
"""
from __future__ import annotations

import argparse
import asyncio

BODY = b"Hello, world"
CONTENT_TYPE = "text/html; charset=UTF-8"  # what Tornado's self.write(str) sends


def tornado_on_uvloop(port: int) -> None:
    import uvloop

    from chapters.ch01_routing.app import make_app

    async def main() -> None:
        make_app().listen(port, "127.0.0.1")
        await asyncio.Event().wait()

    uvloop.run(main())


def aiohttp_server(port: int) -> None:
    from aiohttp import web

    async def index(request: web.Request) -> web.Response:
        return web.Response(body=BODY, headers={"Content-Type": CONTENT_TYPE})

    app = web.Application()
    app.router.add_get("/index", index)
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)


async def asgi_app(scope, receive, send) -> None:
    """The smallest ASGI application: no framework at all."""
    if scope["type"] != "http":  # lifespan events: nothing to set up
        return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", CONTENT_TYPE.encode()),
                            (b"content-length", str(len(BODY)).encode())]})
    await send({"type": "http.response.body", "body": BODY})


def starlette_app():
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    async def index(request) -> Response:
        return Response(BODY, headers={"Content-Type": CONTENT_TYPE})

    return Starlette(routes=[Route("/index", index)])


def uvicorn_server(app, port: int) -> None:
    import uvicorn

    # loop and http left at "auto": uvloop and httptools, as uvicorn[standard] installs them.
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False,
                lifespan="off")


PEERS = {
    "uvloop": ("Tornado on uvloop (chapter 01's app)", tornado_on_uvloop),
    "aiohttp": ("aiohttp.web", aiohttp_server),
    "asgi": ("plain ASGI on uvicorn (uvloop + httptools)", lambda p: uvicorn_server(asgi_app, p)),
    "starlette": ("Starlette on uvicorn (uvloop + httptools)",
                  lambda p: uvicorn_server(starlette_app(), p)),
}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.peers")
    parser.add_argument("peer", choices=PEERS)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    PEERS[args.peer][1](args.port)
