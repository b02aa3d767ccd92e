"""Middleware: one Manager per Application runs the seven hooks of every middleware it was given.

    MIDDLEWARE_CLASSES = (
        "middlewares.AccessLogMiddleware",      # outermost: its process_endcall runs last
        "tornkit.httpmodule.HttpModuleMiddleware",
    )

A middleware is any class with some of these methods (tornadopy's names and arguments):

    process_init(application)                  once, when the Application is built
    process_call(request, clear)               every request, before routing (find_handler)
    process_request(handler, clear)            in prepare(); may be async (awaited)
    process_render(handler, clear, template_name, **kwargs)   every render_string(), UI modules too
    process_response(handler, clear, chunk)    in finish(): chunk is the list of body parts
    process_endcall(handler, clear)            in on_finish(), after the response is sent
    process_exception(handler, clear, typ, value, tb)         every uncaught exception

Order: the request phases (call, request) run in declared order; the response phases (render,
response, endcall) and exception run reversed, so the first middleware declared is the outermost
layer. A truthy return value ends that phase for this request (the rest of the middlewares'
same hook is skipped); clear() ends every phase for the rest of this request.

The onion invariant. process_call is the door: a middleware whose process_call phase was reached
takes part in the request, and every one of them gets exactly one process_endcall, in mirror
order, whatever happened in between: a 404, a 405 or an XSRF 403 (where Tornado never calls
prepare()), a short-circuit in process_request, an exception in a handler or in another
middleware's hook. A middleware after one whose process_call returned a truthy value never took
part, and gets nothing more. Only clear(), and a truthy return from process_endcall itself,
break the balance: both say so explicitly. process_request is *not* balanced (prepare() may
never run), which is why cleanup belongs in process_endcall.

tornadopy's Manager kept seven deques and popped them; its README says process_exception runs
reversed while its code ran it in declared order (see chapters/ch15_middleware/naive.py). Here it
runs reversed, as documented and as Django does; a truthy return means "handled", and only then
is Tornado's own log_exception skipped (in tornadopy any middleware defining the hook silenced
Tornado's error log for every request).
"""
from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Iterable
from typing import Any

PHASES = ("process_init", "process_call", "process_request", "process_render",
          "process_response", "process_endcall", "process_exception")
REVERSED = frozenset({"process_render", "process_response", "process_endcall",
                      "process_exception"})
# Hooks that may fire several times in one request: every render_string() and every uncaught
# exception. The others run once per request: what has run is used up.
EVERY_TIME = frozenset({"process_render", "process_exception"})


class MiddlewareError(Exception):
    """A MIDDLEWARE_CLASSES entry that cannot be used."""


def import_object(dotted: str) -> Any:
    module_name, _, attribute = dotted.rpartition(".")
    try:
        if not module_name:
            raise ImportError(f"{dotted!r} is not a dotted path (module.Class)")
        return getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as e:
        raise MiddlewareError(f"MIDDLEWARE_CLASSES: cannot import {dotted!r}: {e}") from e


Hook = tuple[object, Callable[..., Any]]  # (the middleware, its bound method)


class Chain:
    """One request's way through the middlewares: what is left to run of each phase."""

    def __init__(self, queues: dict[str, list[Hook]]) -> None:
        self.queues = {phase: list(hooks) for phase, hooks in queues.items()}
        self.cleared = False
        self.failed: tuple | None = None  # exc_info of a process_call that raised
        self.reached: list[object] = []  # the middlewares whose process_call ran

    def clear(self) -> None:
        """End every phase for the rest of this request (tornadopy's clear)."""
        for queue in self.queues.values():
            queue.clear()
        self.cleared = True

    def admit(self, middlewares: Iterable[object]) -> None:
        """Keep only these middlewares in the phases still to come (the ones that took part)."""
        admitted = {id(m) for m in middlewares}
        for phase, queue in self.queues.items():
            queue[:] = [(owner, hook) for owner, hook in queue if id(owner) in admitted]


def _noting(owner: object, hook: Callable[..., Any]) -> Callable[..., Any]:
    def call(request, clear, *args, **kwargs):
        clear.__self__.reached.append(owner)  # clear is the chain's bound method
        return hook(request, clear, *args, **kwargs)
    return call


class Manager:
    """The middlewares of one Application, instantiated once, and the order of their hooks."""

    def __init__(self, middlewares: Iterable[object] = ()) -> None:
        self.middlewares = list(middlewares)

    @classmethod
    def from_settings(cls, entries: Iterable[str | type | object]) -> Manager:
        """MIDDLEWARE_CLASSES: dotted paths (or classes, or instances), each instantiated once."""
        middlewares = []
        for entry in entries:
            obj = import_object(entry) if isinstance(entry, str) else entry
            if isinstance(obj, type):
                try:
                    obj = obj()
                except TypeError as e:
                    raise MiddlewareError(
                        f"MIDDLEWARE_CLASSES: {entry!r} must be instantiable without "
                        f"arguments: {e}") from e
            if not any(callable(getattr(obj, phase, None)) for phase in PHASES):
                raise MiddlewareError(f"MIDDLEWARE_CLASSES: {entry!r} has none of the hooks "
                                      f"{', '.join(PHASES)}")
            middlewares.append(obj)
        return cls(middlewares)

    def hooks(self, phase: str) -> list[Hook]:
        """The middlewares' hooks for phase, in the order they run."""
        found = [(m, getattr(m, phase)) for m in self.middlewares
                 if callable(getattr(m, phase, None))]
        return found[::-1] if phase in REVERSED else found

    def chain(self) -> Chain:
        """A new request's chain: every phase's hooks, in running order (worked out once)."""
        order = self.__dict__.get("_order")
        if order is None:
            order = self._order = {phase: self.hooks(phase) for phase in PHASES
                                   if phase != "process_init"}
        return Chain(order)

    def init(self, application: Any) -> None:
        for _, hook in self.hooks("process_init"):
            hook(application)

    def start(self, request: Any) -> Chain:
        """process_call for a new request; the middlewares it reached take part in the rest.
        An exception is kept in chain.failed (the request then answers 500), not raised."""
        chain = self.chain()
        noted = self.__dict__.get("_noted")
        if noted is None:  # process_call's hooks, each noting on the chain that it ran
            noted = self._noted = [(owner, _noting(owner, hook))
                                   for owner, hook in chain.queues["process_call"]]
        chain.queues["process_call"] = list(noted)
        try:
            self.run("process_call", chain, request)
        except Exception as e:  # noqa: BLE001 - reported through the handler as a 500
            chain.failed = (type(e), e, e.__traceback__)
        if not chain.cleared and len(chain.reached) < len(noted):
            # Ended early (a truthy return, or an exception): the middlewares declared after
            # the last one reached never took part in this request.
            chain.admit(self.middlewares[:self.middlewares.index(chain.reached[-1]) + 1])
        return chain

    # --- the core: one phase of one request ------------------------------------------------------
    def run(self, phase: str, chain: Chain, subject: Any, *args: Any, **kwargs: Any) -> Any:
        """Run phase's hooks for this request, in order: hook(subject, chain.clear, *args,
        **kwargs). Stop at the first truthy return value and return it (None otherwise). A phase
        that runs once per request uses its hooks up; one in EVERY_TIME keeps them for next time.
        A hook that calls clear() ends this phase too."""
        queue = chain.queues[phase]
        # A once-per-request phase runs off the chain's own queue, using it up; an EVERY_TIME
        # phase off a copy, so that the chain keeps its hooks for the next time.
        pending = list(queue) if phase in EVERY_TIME else queue
        while pending:
            owner, hook = pending.pop(0)  # taken off before the call: one that raises is done
            result = hook(subject, chain.clear, *args, **kwargs)
            if result is not None and inspect.isawaitable(result):
                if inspect.iscoroutine(result):
                    result.close()  # never awaited: say so here, not in a RuntimeWarning
                raise MiddlewareError(f"{type(owner).__name__}.{phase} returned an awaitable: "
                                      "only process_request may be async")
            if result:
                pending.clear()  # the phase is over (for this call, or this request)
                return result
            if chain.cleared:
                return None
        return None

    async def run_async(self, phase: str, chain: Chain, subject: Any, *args: Any) -> Any:
        """run(), for a phase whose hooks may be coroutines (process_request): each one is
        awaited before the next starts."""
        queue = chain.queues[phase]
        while queue:
            owner, hook = queue.pop(0)
            result = hook(subject, chain.clear, *args)
            if result is not None and inspect.isawaitable(result):
                result = await result
            if result:
                queue.clear()
                return result
            if chain.cleared:
                return None
        return None
