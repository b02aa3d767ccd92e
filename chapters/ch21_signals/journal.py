"""What one app hears: the request signals of its own requests, and its greetings.

The five request signals are process-wide (tornkit.signals.call_started, ...), so a Journal
keeps only what its own Application sent: call_started's sender is the Application, and every
handler_* signal carries the handler, whose .application says where it belongs. Its receivers
are bound methods, connected weakly: the app keeps its Journal (app.journal), and when the app
is gone, so are its connections (nothing to disconnect by hand).
"""
from __future__ import annotations

import asyncio
from collections import Counter, deque
from typing import Any

from tornkit import signals

REQUEST_SIGNALS = ("call_started", "handler_started", "handler_render", "handler_response",
                   "call_finished")


class Journal:
    def __init__(self, application: Any, greeted: Any, *, broken_receiver: bool = False) -> None:
        self.application = application
        self.finished: deque[dict] = deque(maxlen=10)  # the last requests, newest first
        self.greetings: Counter[str] = Counter()
        signals.call_started.connect(self.on_call_started, sender=application)
        signals.handler_started.connect(self.on_handler_started)
        signals.handler_render.connect(self.on_signal("handler_render"))
        signals.handler_response.connect(self.on_signal("handler_response"))
        signals.call_finished.connect(self.on_call_finished)
        greeted.connect(self.on_greeted)
        if broken_receiver:  # the policy on show: logged, and the page is still a 200
            greeted.connect(self.on_greeted_broken)

    def mine(self, handler: Any) -> bool:
        return getattr(handler, "application", None) is self.application

    # --- the request signals ------------------------------------------------------------------
    def on_call_started(self, sender: Any, *, request: Any) -> None:
        request.signal_trace = ["call_started"]

    def on_handler_started(self, sender: type, *, handler: Any) -> Any:
        # Async for this app's requests only (a coroutine, which process_request awaits):
        # another app's request costs no coroutine at all.
        if self.mine(handler):
            return self.started(handler)
        return None

    async def started(self, handler: Any) -> None:
        await asyncio.sleep(0)  # stands for real async work: a cache, a database
        handler.request.signal_trace.append("handler_started")

    def on_signal(self, name: str):
        # A receiver made per Journal: the Journal keeps it, or a weak connection would lose it.
        def record(sender: type, *, handler: Any, **kwargs: Any) -> None:
            if self.mine(handler):
                handler.request.signal_trace.append(name)
        setattr(self, f"_on_{name}", record)
        return record

    def on_call_finished(self, sender: type, *, handler: Any) -> None:
        trace = getattr(handler.request, "signal_trace", None)
        if self.mine(handler) and trace is not None:
            trace.append("call_finished")
            self.finished.appendleft({"path": handler.request.path,
                                      "status": handler.get_status(), "signals": trace})

    # --- the app's own signal --------------------------------------------------------------------
    def on_greeted(self, sender: type, *, name: str) -> int:
        self.greetings[name] += 1
        return self.greetings[name]

    def on_greeted_broken(self, sender: type, *, name: str) -> None:
        raise RuntimeError(f"this receiver always fails (greeting {name!r})")
