"""Chapter 15 exercise: the middleware Manager's core, and the handler that calls it.

tornkit gives you the rest: Manager.from_settings() imports MIDDLEWARE_CLASSES, Manager.chain()
makes each request's Chain (chain.queues: {phase: [(middleware, hook), ...]} built from your
hooks(), chain.clear(), chain.cleared), and Application.find_handler() runs process_call through
your run() and puts the chain on the request (request.middleware_chain). Make it so that:

  1. Manager.hooks(phase) lists (middleware, bound method) for every middleware that has the
     hook, in running order: declared order for process_call and process_request, reversed for
     the phases in REVERSED (render, response, endcall, exception)      -> lesson §2
  2. Manager.run(phase, chain, subject, *args, **kwargs) calls each hook of chain.queues[phase]
     as hook(subject, chain.clear, *args, **kwargs), in order, and stops at the first truthy
     return value, returning it (None when none is truthy). A phase that is not in EVERY_TIME
     uses its hooks up (a hook that ran, or was skipped by a truthy one, never runs again in
     this request); process_render and process_exception run in full every time. After a hook
     called clear(), nothing more runs. A hook that returns an awaitable is a MiddlewareError
     (only process_request may be async)                                 -> lesson §2, §3
  3. Manager.run_async(...) does the same for process_request, awaiting each hook's awaitable
     before the next hook starts                                         -> lesson §3
  4. WebHandler.prepare() awaits the request phase, then calls on_prepare(), unless a
     middleware already finished the response                           -> lesson §4
  5. WebHandler.render_string() runs process_render(template_name, **kwargs) on every call,
     then renders                                                        -> lesson §4
  6. WebHandler.finish(chunk) writes the chunk, runs process_response with the list of body
     parts still to send (self._write_buffer), and returns what Tornado's finish() returns,
     so that `await self.finish()` works                                -> lesson §4
  7. WebHandler.on_finish() runs process_endcall, then complete_finish()  -> lesson §5
  8. WebHandler.log_exception(typ, value, tb) runs process_exception(typ, value, tb); Tornado's
     own log_exception runs too, unless a middleware returned a truthy value (handled)
                                                                         -> lesson §5

Every hook of the handler is a no-op for a request without a chain (self.middleware_chain is
None). Check your work with:  make check-15
"""
from __future__ import annotations

from typing import Any

import tornado.web

from tornkit import application, middleware
from tornkit.middleware import EVERY_TIME, PHASES, REVERSED, Chain, MiddlewareError  # noqa: F401


class Manager(middleware.Manager):
    def hooks(self, phase: str) -> list[middleware.Hook]:
        # TODO step 1: [(m, getattr(m, phase)) ...] for self.middlewares that have it, in order
        raise NotImplementedError("Manager.hooks is not written yet")

    def run(self, phase: str, chain: Chain, subject: Any, *args: Any, **kwargs: Any) -> Any:
        # TODO step 2: run chain.queues[phase]; stop at a truthy result; use the hooks up unless
        # phase is in EVERY_TIME; stop after clear(); refuse an awaitable
        raise NotImplementedError("Manager.run is not written yet")

    async def run_async(self, phase: str, chain: Chain, subject: Any, *args: Any) -> Any:
        # TODO step 3: the same, awaiting what a hook returns when it is awaitable
        raise NotImplementedError("Manager.run_async is not written yet")


class Application(application.Application):
    manager_class = Manager  # this app's middlewares run through your Manager


class WebHandler(tornado.web.RequestHandler):
    def __init__(self, application, request, **kwargs: Any) -> None:
        self.middleware_chain = getattr(request, "middleware_chain", None)  # None: no hooks
        super().__init__(application, request, **kwargs)

    async def prepare(self) -> None:
        # TODO step 4: await the request phase (self.application.middleware is your Manager),
        # then on_prepare() unless the response is finished
        pass

    def on_prepare(self) -> Any:
        """Override: runs after the middlewares' process_request."""

    def render_string(self, template_name: str, **kwargs: Any) -> bytes:
        # TODO step 5: the render phase, on every call
        return super().render_string(template_name, **kwargs)

    def finish(self, chunk: str | bytes | dict | None = None) -> Any:
        # TODO step 6: the response phase sees the body parts; return Tornado's Future
        return super().finish(chunk)

    def on_finish(self) -> None:
        # TODO step 7: the endcall phase, then complete_finish()
        pass

    def complete_finish(self) -> None:
        """Override: runs after the middlewares' process_endcall."""

    def log_exception(self, typ, value, tb) -> None:
        # TODO step 8: the exception phase; Tornado's log unless a middleware handled it
        super().log_exception(typ, value, tb)


# --- make try-15: your Manager and WebHandler around chapter 15's three middlewares ---------------
MIDDLEWARES = tuple(f"chapters.ch15_middleware.middlewares.{name}"
                    for name in ("Timing", "Auth", "Trace"))


class TracePage(WebHandler):
    def get(self):
        self.write({"user": getattr(self, "user", None), "trace": self.request.trace})


class Traces(WebHandler):
    def get(self):
        self.write({"traces": list(self.application.traces)})


def make_app(**settings) -> Application:
    from tornkit.conf import Settings

    return Application([(r"/", TracePage), (r"/private", TracePage), (r"/traces", Traces)],
                       conf=Settings(MIDDLEWARE_CLASSES=MIDDLEWARES), **settings)
