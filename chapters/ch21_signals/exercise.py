"""Chapter 21 exercise: a Signal written by hand, as tornkit.signals.Signal is.

A receiver is called as receiver(sender, **kwargs). Make it so that:

  1. connect(receiver, sender=ANY) then send(sender, **kwargs) calls the receiver and returns
     [(receiver, what it returned)], one pair per receiver called. A receiver connected to a
     sender hears only that sender; one connected to ANY hears them all.
     Connecting the same receiver to the same sender twice is one connection; connect returns
     the receiver (so it works as a decorator); disconnect(receiver, sender) removes that
     connection, disconnect(receiver) every connection of the receiver      -> lesson §2
  2. weak=True (the default) keeps only a weak reference: a receiver nobody else refers to is
     collected and never called (a lambda!), a bound method stays connected as long as its
     object lives; weak=False keeps the receiver alive                     -> lesson §3
  3. A receiver that raises does not stop send: the error is logged on the "tornkit.signals"
     logger (at ERROR, with its traceback), its result is the exception, and every other
     receiver is still called                                               -> lesson §4

send_async is given: it calls receivers_for(), as send does.

Check your work with:  make check-21
"""
from __future__ import annotations

import inspect  # noqa: F401
import logging
import weakref  # noqa: F401
from collections.abc import Callable
from typing import Any

from tornkit import signals
from tornkit.signals import ANY

log = logging.getLogger("tornkit.signals")


class Signal:
    def __init__(self, name: str | None = None) -> None:
        self.name = name
        self._receivers: dict = {}  # yours to shape

    def connect(self, receiver: Callable, sender: Any = ANY, weak: bool = True) -> Callable:
        # TODO steps 1-2: remember the receiver (weakly unless weak=False) and its sender
        raise NotImplementedError("connect is not written yet")

    def disconnect(self, receiver: Callable, sender: Any = ANY) -> None:
        # TODO step 1: forget that one connection
        raise NotImplementedError("disconnect is not written yet")

    def receivers_for(self, sender: Any) -> list[Callable]:
        # TODO steps 1-2: the live receivers connected to sender or to ANY
        raise NotImplementedError("receivers_for is not written yet")

    def send(self, sender: Any = None, /, **kwargs: Any) -> list[tuple[Callable, Any]]:
        # TODO steps 1, 3: call each receiver; one that raises is logged, and the rest still run
        raise NotImplementedError("send is not written yet")

    async def send_async(self, sender: Any = None, /, **kwargs: Any) -> list[tuple[Callable, Any]]:
        """Given: send(), each coroutine a receiver returns awaited before the next call."""
        return await signals.await_receivers(self, self.receivers_for(sender), sender, kwargs)


def make_app(**settings):
    """make try-21: part one's app (greetings.py), its own signal (greeted) made from your Signal."""
    from chapters.ch21_signals.greetings import make_app as chapter_app

    return chapter_app(signal_class=Signal, **settings)
