"""The chapter's HTTP modules (tornadopy's README puts them in a project's httpmodule/ folder):

    RequestId      common: an X-Request-Id header on every response
    Trace          common: notes every begin_* call in handler.seen
    LoginRequired  route:  an async begin_request that answers 401 without ?user=
    ApiHeaders     route:  API answers are never cached and never sniffed
"""
from __future__ import annotations

import asyncio
import itertools

from tornkit.httpmodule import BaseHttpModule

USERS = {"ann", "bob"}


def seen(handler) -> list[str]:
    if not hasattr(handler, "seen"):
        handler.seen = []
    return handler.seen


class RequestId(BaseHttpModule):
    def __init__(self):
        self.counter = itertools.count(1)  # one instance per application: its own numbering

    def begin_request(self, handler):
        handler.request_id = f"req-{next(self.counter)}"
        seen(handler).append("RequestId.begin_request")

    def begin_response(self, handler, chunk):
        handler.set_header("X-Request-Id", getattr(handler, "request_id", "none"))


class Trace(BaseHttpModule):
    def begin_request(self, handler):
        seen(handler).append("Trace.begin_request")

    def begin_render(self, handler, template_name, **kwargs):
        seen(handler).append(f"Trace.begin_render {template_name}")

    def begin_response(self, handler, chunk):
        seen(handler).append("Trace.begin_response")


class LoginRequired(BaseHttpModule):
    async def begin_request(self, handler):
        await asyncio.sleep(0)  # a real check awaits a session store
        seen(handler).append("LoginRequired.begin_request")
        if handler.get_query_argument("user", None) not in USERS:
            handler.set_status(401)
            handler.finish({"error": "sign in first (try ?user=ann)"})


class ApiHeaders(BaseHttpModule):
    def begin_response(self, handler, chunk):
        handler.set_header("Cache-Control", "no-store")
        handler.set_header("X-Content-Type-Options", "nosniff")
