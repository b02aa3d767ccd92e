"""Loopback helpers for notebooks and tests."""
from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

import tornado.httpserver
import tornado.testing
import tornado.web


def free_port() -> int:
    """A port nobody listens on right now, on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def live_server(app: tornado.web.Application,
                on_stop: Callable[[], Awaitable] | None = None) -> Iterator[str]:
    """Serve app from a thread of its own and yield its base URL.

    For clients that block the calling thread, such as Playwright's sync API driving Chromium:
    the app keeps answering on its own event loop meanwhile. on_stop, if given, is awaited on
    that loop before it closes (to close the app's connection pools there, say).
    """
    started = threading.Event()
    state: dict = {}

    async def run() -> None:
        sock, port = tornado.testing.bind_unused_port()
        server = tornado.httpserver.HTTPServer(app)
        server.add_sockets([sock])
        state.update(port=port, loop=asyncio.get_running_loop(), stop=asyncio.Event())
        started.set()
        await state["stop"].wait()
        if on_stop is not None:
            await on_stop()
        server.stop()
        await server.close_all_connections()

    thread = threading.Thread(target=asyncio.run, args=(run(),), daemon=True)
    thread.start()
    if not started.wait(10):
        raise RuntimeError("the app did not start within 10 s")
    try:
        yield f"http://127.0.0.1:{state['port']}"
    finally:
        state["loop"].call_soon_threadsafe(state["stop"].set)
        thread.join(10)
