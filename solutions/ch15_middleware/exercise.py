"""Chapter 15 exercise, solved.

Why it looks like this:
  - hooks() decides the order once, when a request's chain is made: the first middleware
    declared is the outermost layer, so it sees the request first and the response last. Only
    the order of the list differs between the two kinds of phase; run() never needs to know.
  - run() takes each hook off the queue *before* calling it (an EVERY_TIME phase takes them
    off a copy). A hook that raises is then used
    up too, so the error page's finish() (or the next try of on_finish) goes on with the next
    middleware instead of calling the failing one again, and never loops.
  - A truthy return empties the queue: the phase is over for this request. process_render and
    process_exception keep their queue (EVERY_TIME): a page, its UI modules and a
    {% module Template %} are four render_string() calls, and tornadopy's used-up render deque
    saw only the first (B3).
  - clear() empties every queue and sets chain.cleared; checking it after each hook also stops
    an EVERY_TIME phase, whose loop runs over a copy.
  - An awaitable from a sync phase is refused, and the coroutine closed: otherwise it would never
    run, silently (a RuntimeWarning at best).
  - run_async awaits each hook before starting the next: declared order means one after the
    other, also when a hook waits for a database.
  - prepare() awaits the whole request phase before on_prepare(): tornadopy started the
    coroutine and called on_prepare() at once (B2). finish() returns super().finish(), the
    Future Tornado's finish() has returned since 5.1 (B4). log_exception() lets Tornado log
    unless a middleware says it handled the exception (B7: tornadopy's silenced it whenever any
    middleware had the hook).
"""
from __future__ import annotations

import inspect
from typing import Any

import tornado.web

from tornkit import application, middleware
from tornkit.middleware import EVERY_TIME, REVERSED, Chain, MiddlewareError


class Manager(middleware.Manager):
    def hooks(self, phase: str) -> list[middleware.Hook]:
        found = [(m, getattr(m, phase)) for m in self.middlewares
                 if callable(getattr(m, phase, None))]
        return found[::-1] if phase in REVERSED else found

    def run(self, phase: str, chain: Chain, subject: Any, *args: Any, **kwargs: Any) -> Any:
        queue = chain.queues[phase]
        # A once-per-request phase runs off the chain's own queue, using it up; an EVERY_TIME
        # phase off a copy, so that the chain keeps its hooks for the next time.
        pending = list(queue) if phase in EVERY_TIME else queue
        while pending:
            owner, hook = pending.pop(0)
            result = hook(subject, chain.clear, *args, **kwargs)
            if result is not None and inspect.isawaitable(result):
                if inspect.iscoroutine(result):
                    result.close()
                raise MiddlewareError(f"{type(owner).__name__}.{phase} returned an awaitable: "
                                      "only process_request may be async")
            if result:
                pending.clear()
                return result
            if chain.cleared:
                return None
        return None

    async def run_async(self, phase: str, chain: Chain, subject: Any, *args: Any) -> Any:
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


class Application(application.Application):
    manager_class = Manager  # this app's middlewares run through your Manager


class WebHandler(tornado.web.RequestHandler):
    def __init__(self, application, request, **kwargs: Any) -> None:
        self.middleware_chain = getattr(request, "middleware_chain", None)  # None: no hooks
        super().__init__(application, request, **kwargs)

    def run_middleware(self, phase: str, *args: Any, **kwargs: Any) -> Any:
        if self.middleware_chain is None:
            return None
        return self.application.middleware.run(phase, self.middleware_chain, self,
                                               *args, **kwargs)

    async def prepare(self) -> None:
        if self.middleware_chain is not None:
            await self.application.middleware.run_async("process_request",
                                                        self.middleware_chain, self)
        if not self._finished:
            result = self.on_prepare()
            if result is not None:
                await result

    def on_prepare(self) -> Any:
        """Override: runs after the middlewares' process_request."""

    def render_string(self, template_name: str, **kwargs: Any) -> bytes:
        self.run_middleware("process_render", template_name, **kwargs)
        return super().render_string(template_name, **kwargs)

    def finish(self, chunk: str | bytes | dict | None = None) -> Any:
        if chunk is not None:
            self.write(chunk)
        self.run_middleware("process_response", self._write_buffer)
        return super().finish()

    def on_finish(self) -> None:
        self.run_middleware("process_endcall")
        self.complete_finish()

    def complete_finish(self) -> None:
        """Override: runs after the middlewares' process_endcall."""

    def log_exception(self, typ, value, tb) -> None:
        if not self.run_middleware("process_exception", typ, value, tb):
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
