"""Recording middlewares for tests and the notebook: each one writes every hook it sees, as
"phase name" ("call A", "request A", "render A page.html", "exception A ZeroDivisionError"),
into one shared list, so that a test compares a whole request with one list.

    log = []
    A, B, C = recorders(log, "A", "B", "C")
    B = recorders(log, "B", process_request=lambda self, handler, clear: True)[0]

SetsUserFromHeader sets the ContextVar `user` in process_call, only for a request that carries an
X-User header; keep_alive_requests() sends requests one after the other on one connection. With
both, a test sees whether a value set for one request is still there for the next.

A keyword argument replaces that hook of every recorder made by the call; the replacement's own
return value is what the Manager sees (its event is still recorded first).
"""
from __future__ import annotations

import contextvars
import inspect
from collections.abc import Callable

from tornado.tcpclient import TCPClient


def recorders(log: list[str], *names: str, **replacements: Callable) -> list[type]:
    return [_recorder(log, name, replacements) for name in names]


def _recorder(log: list[str], name: str, replacements: dict[str, Callable]) -> type:
    def hook(phase: str, short: str, describe=lambda *args, **kwargs: ""):
        replacement = replacements.get(phase)

        def method(self, *args, **kwargs):
            detail = describe(*args, **kwargs)
            log.append(f"{short} {name}" + (f" {detail}" if detail else ""))
            return replacement(self, *args, **kwargs) if replacement else None

        if replacement is not None and inspect.iscoroutinefunction(replacement):
            async def method_async(self, *args, **kwargs):
                log.append(f"{short} {name}")
                return await replacement(self, *args, **kwargs)
            return method_async
        return method

    def init(self, application):
        log.append(f"init {name}")
        if "process_init" in replacements:
            replacements["process_init"](self, application)

    return type(name, (), {
        "process_init": init,
        "process_call": hook("process_call", "call"),
        "process_request": hook("process_request", "request"),
        "process_render": hook("process_render", "render",
                               lambda handler, clear, template_name, **kw: template_name),
        "process_response": hook("process_response", "response"),
        "process_endcall": hook("process_endcall", "endcall"),
        "process_exception": hook("process_exception", "exception",
                                  lambda handler, clear, typ, value, tb: typ.__name__),
    })


user = contextvars.ContextVar("user", default=None)


class SetsUserFromHeader:
    def process_call(self, request, clear):
        if "X-User" in request.headers:  # only when the request says so
            user.set(request.headers["X-User"])


async def keep_alive_requests(url: str, requests: list[tuple[str, dict]]) -> list[bytes]:
    """Send GET requests one after the other on ONE connection (HTTP/1.1 keep-alive): their
    bodies."""
    host, port = url.removeprefix("http://").split(":")
    stream = await TCPClient().connect(host, int(port))
    bodies = []
    try:
        for path, headers in requests:
            lines = [f"GET {path} HTTP/1.1", f"Host: {host}",
                     *(f"{k}: {v}" for k, v in headers.items())]
            await stream.write(("\r\n".join(lines) + "\r\n\r\n").encode())
            head = await stream.read_until(b"\r\n\r\n")
            length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:"))
            bodies.append(await stream.read_bytes(length))
    finally:
        stream.close()
    return bodies
