"""Chapter 21 exercise, solved: a Signal written by hand.

Connections live in a dict keyed by (receiver, sender) identities, so connecting twice is one
connection and disconnect finds it again; each value holds a reference to the receiver (weak
by default: weakref.ref, or WeakMethod for a bound method, whose plain ref would die at once)
and the sender it listens to. send() asks receivers_for() and calls each one on its own, so a
receiver that raises is logged and the others still run.
"""
from __future__ import annotations

import inspect
import logging
import weakref
from collections.abc import Callable
from typing import Any

from tornkit import signals
from tornkit.signals import ANY

log = logging.getLogger("tornkit.signals")


def key(obj: Any) -> Any:
    """The identity of a receiver or a sender: a bound method by its function and its object
    (obj.method makes a new bound method object on every access)."""
    if inspect.ismethod(obj):
        return (id(obj.__func__), id(obj.__self__))
    return id(obj)


class Signal:
    def __init__(self, name: str | None = None) -> None:
        self.name = name
        self._receivers: dict[tuple, tuple[Callable[[], Any], Any]] = {}

    def connect(self, receiver: Callable, sender: Any = ANY, weak: bool = True) -> Callable:
        k = (key(receiver), key(sender))

        def forget(_ref: Any) -> None:
            self._receivers.pop(k, None)

        if not weak:
            ref = lambda: receiver  # noqa: E731 - a strong reference, called like a weak one
        elif inspect.ismethod(receiver):
            ref = weakref.WeakMethod(receiver, forget)
        else:
            ref = weakref.ref(receiver, forget)
        self._receivers[k] = (ref, sender)
        return receiver

    def disconnect(self, receiver: Callable, sender: Any = ANY) -> None:
        if sender is ANY:  # every connection of the receiver, as blinker does
            for k in [k for k in self._receivers if k[0] == key(receiver)]:
                del self._receivers[k]
        self._receivers.pop((key(receiver), key(sender)), None)

    def receivers_for(self, sender: Any) -> list[Callable]:
        found = []
        for ref, connected_to in list(self._receivers.values()):
            if connected_to is ANY or connected_to is sender:
                receiver = ref()
                if receiver is not None:
                    found.append(receiver)
        return found

    def send(self, sender: Any = None, /, **kwargs: Any) -> list[tuple[Callable, Any]]:
        results = []
        for receiver in self.receivers_for(sender):
            try:
                result = receiver(sender, **kwargs)
            except Exception as e:  # noqa: BLE001 - the policy: logged, the others still run
                log.error("receiver %r of signal %r failed", receiver, self.name, exc_info=e)
                result = e
            results.append((receiver, result))
        return results

    async def send_async(self, sender: Any = None, /, **kwargs: Any) -> list[tuple[Callable, Any]]:
        """Given: send(), each coroutine a receiver returns awaited before the next call."""
        return await signals.await_receivers(self, self.receivers_for(sender), sender, kwargs)


def make_app(**settings):
    """make try-21: part one's app (greetings.py), its own signal (greeted) made from your Signal."""
    from chapters.ch21_signals.greetings import make_app as chapter_app

    return chapter_app(signal_class=Signal, **settings)

