"""Signals: tell whoever listens that something happened, without knowing who listens.

    from tornkit.signals import Signal, receiver

    note_saved = Signal("note_saved")

    @receiver(note_saved, sender=NoteHandler)      # only what NoteHandler sends
    def count(sender, **kwargs): ...

    note_saved.send(NoteHandler, note=note)        # -> [(count, its return value)]

Two implementations behind the same names, and one test suite for both
(chapters/ch21_signals/test_signals.py):

    Signal          written by hand (chapter 21's exercise): weak references, sender filtering
    BlinkerSignal   blinker 1.9's Signal (connections, weak references, senders), with this
                    module's send policy on top

The hand-written Signal calls its receivers in the order they were connected; blinker keeps
them in a set, so its order is not defined: a receiver must not rely on another one's having run.

A receiver is called as receiver(sender, **kwargs), blinker's convention (Django's passed
signal= and sender= as keywords). connect(receiver, sender=ANY, weak=True) keeps a *weak*
reference by default, as Django and blinker do: a receiver nobody else refers to (a lambda, a
function defined inside another function) is collected and silently never called: pelican's
"receiver is collected before it can be called". Keep a reference, or connect with weak=False.

The send policy (both implementations): a receiver that raises is logged, with its traceback,
on the "tornkit.signals" logger, and the others still run; its entry in the result is the
exception. A signal is news, not a step of the request: one listener's bug must not answer a
visitor with a 500. (blinker's own send() lets the first exception propagate; Django has send()
and send_robust() for the two policies.)

Async receivers (blinker's send_async, added in 1.7 after a 2015 request, a merge and a revert):
`await signal.send_async(sender, ...)` awaits each coroutine receiver in turn. A plain send()
cannot wait: it starts each coroutine as a task on the running loop (its entry in the result is
that task, which never raises: a failure is logged by the same policy).

tornadopy copied Django's dispatcher, `Signal(providing_args=[...])`: Django deprecated the
argument in 3.1 and removed it in 4.0 (it only documented, never checked). Here the keyword
arguments a signal sends are said in its docstring.

SignalMiddleware sends the five request signals of tornadopy from the matching hooks:

    call_started      process_call      sender: the Application      request=
    handler_started   process_request   sender: the handler's class  handler=   (awaited)
    handler_render    process_render    sender: the handler's class  handler=, template_name=,
                                                                     kwargs=
    handler_response  process_response  sender: the handler's class  handler=, chunk=
                                        (async receivers finish before the response is sent)
    call_finished     process_endcall   sender: the handler's class  handler=
"""
from __future__ import annotations

import asyncio
import inspect
import logging
import weakref
from collections.abc import Callable, Iterable
from typing import Any

import blinker

log = logging.getLogger("tornkit.signals")


class _Any:
    """The sender meaning every sender."""

    def __repr__(self) -> str:
        return "ANY"


ANY = _Any()


# --- the send policy, shared by both implementations ------------------------------------------
def _failed(signal: Any, receiver: Callable, error: BaseException) -> None:
    log.error("receiver %r of signal %r failed", receiver, getattr(signal, "name", signal),
              exc_info=(type(error), error, error.__traceback__))


async def _guarded(signal: Any, receiver: Callable, awaitable: Any) -> Any:
    try:
        return await awaitable
    except Exception as e:  # noqa: BLE001 - the policy: logged, the others still run
        _failed(signal, receiver, e)
        return e


def call_receivers(signal: Any, receivers: Iterable[Callable], sender: Any,
                   kwargs: dict) -> list[tuple[Callable, Any]]:
    """send(): call each receiver; a failure is logged and kept as its result; a coroutine is
    started as a task on the running loop (one that cannot be started is a failure too)."""
    results = []
    for receiver in receivers:
        try:
            result = receiver(sender, **kwargs)
            if inspect.isawaitable(result):
                try:
                    asyncio.get_running_loop()
                except RuntimeError:
                    if inspect.iscoroutine(result):
                        result.close()
                    raise RuntimeError("an async receiver needs a running event loop: "
                                       "use send_async()") from None
                result = asyncio.ensure_future(_guarded(signal, receiver, result))
        except Exception as e:  # noqa: BLE001 - the policy: logged, the others still run
            _failed(signal, receiver, e)
            result = e
        results.append((receiver, result))
    return results


async def await_receivers(signal: Any, receivers: Iterable[Callable], sender: Any,
                          kwargs: dict) -> list[tuple[Callable, Any]]:
    """send_async(): as call_receivers, each awaitable result awaited before the next call."""
    results = []
    for receiver in list(receivers):
        try:
            result = receiver(sender, **kwargs)
            if inspect.isawaitable(result):
                result = await result
        except Exception as e:  # noqa: BLE001 - the policy: logged, the others still run
            _failed(signal, receiver, e)
            result = e
        results.append((receiver, result))
    return results


# --- by hand ---------------------------------------------------------------------------------
def _reference(receiver: Callable, weak: bool, on_death: Callable) -> Callable[[], Any]:
    """A callable giving the receiver back (None once it is collected). A bound method needs a
    WeakMethod: a plain weakref to it dies at once, the bound method being made for each access."""
    if not weak:
        return lambda: receiver
    if inspect.ismethod(receiver):
        return weakref.WeakMethod(receiver, on_death)
    return weakref.ref(receiver, on_death)


def _key(obj: Any) -> Any:
    """Identity of a receiver: a bound method by its function and its object."""
    if inspect.ismethod(obj):
        return (id(obj.__func__), id(obj.__self__))
    return id(obj)


class Signal:
    """A hand-written signal: connections kept in order, weak by default, per sender."""

    def __init__(self, name: str | None = None, doc: str | None = None) -> None:
        self.name = name
        self.__doc__ = doc
        # (receiver key, sender key) -> (reference to the receiver, the sender)
        self._receivers: dict[tuple, tuple[Callable[[], Any], Any]] = {}

    def __repr__(self) -> str:
        return f"<Signal {self.name!r}>"

    def connect(self, receiver: Callable, sender: Any = ANY, weak: bool = True) -> Callable:
        """receiver(sender, **kwargs) on every send from sender (ANY: from every sender).
        Returns the receiver, so connect works as a decorator."""
        key = (_key(receiver), _key(sender))

        def on_death(_ref, key=key):
            self._receivers.pop(key, None)

        self._receivers[key] = (_reference(receiver, weak, on_death), sender)
        return receiver

    def disconnect(self, receiver: Callable, sender: Any = ANY) -> None:
        """That one connection; with sender ANY (the default), every one of the receiver's."""
        if sender is ANY:
            for key in [k for k in self._receivers if k[0] == _key(receiver)]:
                del self._receivers[key]
        self._receivers.pop((_key(receiver), _key(sender)), None)

    def receivers_for(self, sender: Any) -> list[Callable]:
        """The live receivers connected to sender or to ANY, in the order they were connected."""
        found = []
        for ref, connected_to in list(self._receivers.values()):
            if connected_to is ANY or connected_to is sender:
                receiver = ref()
                if receiver is not None:
                    found.append(receiver)
        return found

    def has_receivers_for(self, sender: Any) -> bool:
        return bool(self.receivers_for(sender))

    def send(self, sender: Any = None, /, **kwargs: Any) -> list[tuple[Callable, Any]]:
        return call_receivers(self, self.receivers_for(sender), sender, kwargs)

    async def send_async(self, sender: Any = None, /, **kwargs: Any) -> list[tuple[Callable, Any]]:
        return await await_receivers(self, self.receivers_for(sender), sender, kwargs)


# --- on blinker --------------------------------------------------------------------------------
def _blinker_sender(sender: Any) -> Any:
    return blinker.ANY if sender is ANY else sender


class BlinkerSignal(blinker.Signal):
    """blinker's Signal behind the same names: blinker keeps the connections (weak references,
    senders, disconnect); send and send_async follow this module's policy."""

    def __init__(self, name: str | None = None, doc: str | None = None) -> None:
        super().__init__(doc)
        self.name = name

    def __repr__(self) -> str:
        return f"<BlinkerSignal {self.name!r}>"

    def connect(self, receiver: Callable, sender: Any = ANY, weak: bool = True) -> Callable:
        return super().connect(receiver, _blinker_sender(sender), weak)

    def disconnect(self, receiver: Callable, sender: Any = ANY) -> None:
        super().disconnect(receiver, _blinker_sender(sender))

    def send(self, sender: Any = None, /, **kwargs: Any) -> list[tuple[Callable, Any]]:
        if self.is_muted:
            return []
        return call_receivers(self, list(self.receivers_for(sender)), sender, kwargs)

    async def send_async(self, sender: Any = None, /, **kwargs: Any) -> list[tuple[Callable, Any]]:
        if self.is_muted:
            return []
        return await await_receivers(self, list(self.receivers_for(sender)), sender, kwargs)


def receiver(signal: Any, sender: Any = ANY, weak: bool = True) -> Callable[[Callable], Callable]:
    """@receiver(signal, sender=...): connect the decorated function, and return it unchanged.
    The module that defines it keeps the reference a weak connection needs."""
    def decorator(func: Callable) -> Callable:
        signal.connect(func, sender=sender, weak=weak)
        return func
    return decorator


# --- the request signals, sent by SignalMiddleware ---------------------------------------------
call_started = BlinkerSignal("call_started", "process_call: sender the Application; request=")
handler_started = BlinkerSignal("handler_started", "process_request: handler=")
handler_render = BlinkerSignal("handler_render",
                               "process_render: handler=, template_name=, kwargs=")
handler_response = BlinkerSignal("handler_response", "process_response: handler=, chunk=")
call_finished = BlinkerSignal("call_finished", "process_endcall: handler=")


class SignalMiddleware:
    """Sends the request signals from the middleware hooks; never ends a phase (returns None).
    Its place in MIDDLEWARE_CLASSES is its place in the onion, like any middleware."""

    application: Any = None

    def process_init(self, application: Any) -> None:
        self.application = application

    def process_call(self, request: Any, clear: Callable) -> None:
        call_started.send(self.application, request=request)

    async def process_request(self, handler: Any, clear: Callable) -> None:
        await handler_started.send_async(type(handler), handler=handler)

    def process_render(self, handler: Any, clear: Callable, template_name: str,
                       **kwargs: Any) -> None:
        handler_render.send(type(handler), handler=handler, template_name=template_name,
                            kwargs=kwargs)

    def process_response(self, handler: Any, clear: Callable, chunk: list) -> None:
        for _, result in handler_response.send(type(handler), handler=handler, chunk=chunk):
            if isinstance(result, asyncio.Future) and hasattr(handler, "wait_before_send"):
                handler.wait_before_send(result)  # sent once the async receivers are done

    def process_endcall(self, handler: Any, clear: Callable) -> None:
        call_finished.send(type(handler), handler=handler)
