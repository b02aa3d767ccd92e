"""The chapter's three middlewares, in the order app.py declares them (outermost first):

    Timing   process_call notes the time; process_response adds an X-Response-Time header
    Auth     an async process_request that looks the user up, and answers 401 for /private
    Trace    records every hook it sees into request.trace, and keeps the last complete traces
"""
from __future__ import annotations

import asyncio
import collections
import time

USERS = {"ann": "Ann", "bob": "Bob"}  # the "user store" Auth looks people up in


class Timing:
    def process_call(self, request, clear):
        request.started = time.perf_counter()

    def process_response(self, handler, clear, chunk):
        # Reversed: Timing is declared first, so its response hook runs last, around the others.
        elapsed = time.perf_counter() - handler.request.started
        handler.set_header("X-Response-Time", f"{elapsed * 1000:.2f}ms")


class Auth:
    async def process_request(self, handler, clear):
        await asyncio.sleep(0)  # a real lookup awaits a session store or a database
        handler.user = USERS.get(handler.get_query_argument("user", ""))
        if handler.user is None and handler.request.path.startswith("/private"):
            handler.set_status(401)
            handler.finish("401: sign in first (try ?user=ann)\n")
            return True  # the rest of process_request, on_prepare() and get() are skipped


class Trace:
    KEEP = 20

    def process_init(self, application):
        self.application = application
        application.traces = collections.deque(maxlen=self.KEEP)

    def _note(self, request, event):
        if not hasattr(request, "trace"):
            request.trace = [f"{request.method} {request.path}"]
            self.application.traces.append(request.trace)
        request.trace.append(event)

    def process_call(self, request, clear):
        self._note(request, "process_call")

    def process_request(self, handler, clear):
        self._note(handler.request, "process_request")

    def process_render(self, handler, clear, template_name, **kwargs):
        self._note(handler.request, f"process_render {template_name}")

    def process_response(self, handler, clear, chunk):
        self._note(handler.request, f"process_response {handler.get_status()}")

    def process_endcall(self, handler, clear):
        self._note(handler.request, "process_endcall")

    def process_exception(self, handler, clear, typ, value, tb):
        self._note(handler.request, f"process_exception {typ.__name__}")
