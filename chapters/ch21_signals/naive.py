"""tornadopy's signals, as its README and middleware have them (kept to show the bugs; do not
use). Its dispatcher is Django's, copied:

    my_event = Signal(providing_args=["args1"])       # removed in Django 4.0: a TypeError now
    handler_started.send(sender=handler.__class__, handler=handler)

1. send() lets the first receiver's exception out, through the middleware hook, into the
   request: one listener's bug answers every visitor with a 500, and the receivers after it are
   never called (Django has send_robust() for that; tornadopy's middleware used send()).
2. An async receiver's coroutine is returned by send() and never awaited: its work never runs,
   and Python warns "coroutine ... was never awaited".
"""
from __future__ import annotations

import logging

from tornkit.signals import ANY, handler_started, handler_response

log = logging.getLogger("tornkit.signals")


def send(signal, sender, **kwargs):
    """Django's Signal.send: every receiver in turn, the first exception propagating."""
    return [(receiver, receiver(sender, **kwargs)) for receiver in signal.receivers_for(sender)]


class SignalMiddleware:
    """tornadopy's middleware/signal.py, two of its hooks."""

    def process_request(self, handler, clear):
        send(handler_started, handler.__class__, handler=handler)

    def process_response(self, handler, clear, chunk):
        send(handler_response, handler.__class__, handler=handler, chunk=chunk)


__all__ = ["ANY", "SignalMiddleware", "send"]
