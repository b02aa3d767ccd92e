"""tornkit's Application: a tornado.web.Application that carries its tornkit settings and runs
its middlewares.

    app = Application(urls, conf=Settings("settings.setting"))
    app.conf.INSTALLED_APPS

Each Application keeps the Settings it was built with as `self.conf` (the process-wide
`tornkit.settings` when none is given), so two applications with two Settings in one process
stay independent. Tornado's own settings stay where Tornado keeps them, in `self.settings`.

Middleware (chapter 15): `conf.MIDDLEWARE_CLASSES` is imported and instantiated once per
Application, `process_init(app)` runs once, and every request's `process_call` runs in
`find_handler()`, the one method Tornado's HTTP server calls for each request before routing.
tornadopy replaced `tornado.httputil.HTTPServerRequest` for the whole process instead, so every
Application ran every other Application's middlewares (chapters/ch15_middleware/naive.py).

Each request runs in a contextvars.Context of its own, made in find_handler(): the handler's
task is started inside it, so `current_request()` (and any ContextVar a middleware sets) belongs
to that request alone, and nothing is left behind for the next request on the same keep-alive
connection.
"""
from __future__ import annotations

import contextvars
import functools
from typing import Any

import tornado.httputil
import tornado.web

from tornkit.cache import CacheHandler
from tornkit.conf import LazySettings, Settings, settings
from tornkit.db import shutdown_thread_pool
from tornkit.handler import CallFailedHandler, WebHandler
from tornkit.middleware import Manager
from tornkit.template import loader_for

_current_request: contextvars.ContextVar[tornado.httputil.HTTPServerRequest | None] = \
    contextvars.ContextVar("tornkit_current_request", default=None)


def current_request() -> tornado.httputil.HTTPServerRequest | None:
    """The request being handled by the running code, or None outside of a request."""
    return _current_request.get()


class Application(tornado.web.Application):
    manager_class = Manager  # what reads MIDDLEWARE_CLASSES (the chapter 15 exercise swaps it)

    def __init__(self, handlers=None, default_host=None, transforms=None, *,
                 conf: Settings | LazySettings | None = None, **tornado_settings: Any) -> None:
        self.conf = conf if conf is not None else settings
        tornado_settings.setdefault("debug", self.conf.DEBUG)
        super().__init__(handlers, default_host, transforms, **tornado_settings)
        # Chapter 17: this app's own loader for Jinja2 or Mako (conf.TEMPLATE_CONFIG); None for
        # Tornado's engine. WebHandler renders with it, not with Tornado's process-wide cache.
        self.template_loader = loader_for(self)
        self.middleware = self.manager_class.from_settings(self.conf.MIDDLEWARE_CLASSES)
        self.middleware.init(self)  # process_init: once, with the routes in place

    def find_handler(self, request: tornado.httputil.HTTPServerRequest,
                     **kwargs: Any) -> tornado.httputil.HTTPMessageDelegate:
        context = contextvars.copy_context()  # this request's own context
        return context.run(self._find_handler, context, request, **kwargs)

    def _find_handler(self, context, request, **kwargs):
        _current_request.set(request)
        if not self.middleware.middlewares:  # nothing to run: the handlers' hooks are no-ops
            request.middleware_chain = None
            return _InContext(context, super().find_handler(request, **kwargs))
        request.middleware_chain = chain = self.middleware.start(request)  # process_call
        if chain.failed:
            delegate = self.get_handler_delegate(request, CallFailedHandler,
                                                 {"exc_info": chain.failed})
        else:
            delegate = super().find_handler(request, **kwargs)
        return _InContext(context, delegate)

    def log_request(self, handler: tornado.web.RequestHandler) -> None:
        """Tornado calls this from every handler's finish(). A handler that is not a WebHandler
        (static files, Tornado's 404 ErrorHandler, RedirectHandler) has no hooks of its own, so
        its request's process_endcall runs here: process_call is always balanced."""
        super().log_request(handler)
        chain = getattr(handler.request, "middleware_chain", None)
        if chain is not None and not isinstance(handler, WebHandler):
            self.middleware.run("process_endcall", chain, handler)

    @functools.cached_property
    def caches(self) -> CacheHandler:
        """This Application's caches (chapter 18): conf.CACHES, each made on first use."""
        return CacheHandler(self.conf.CACHES,
                            data_dir=self.settings.get("data_dir") or self.conf.DATA_DIR)

    async def close(self) -> None:
        """Release what tornkit made for this Application: its caches' connections, the engines
        of its databases (DBSessionMiddleware's `databases`), its thread pool (async_execute)."""
        if "caches" in self.__dict__:
            await self.caches.close()
        databases = self.__dict__.get("databases")
        if databases is not None:
            await databases.close()
        shutdown_thread_pool(self)


class _InContext(tornado.httputil.HTTPMessageDelegate):
    """The request's delegate, run inside the request's own Context: the handler is created,
    and its task started, by delegate.finish() (or headers_received when streaming)."""

    def __init__(self, context: contextvars.Context,
                 delegate: tornado.httputil.HTTPMessageDelegate) -> None:
        self.context = context
        self.delegate = delegate

    def headers_received(self, start_line, headers):
        return self.context.run(self.delegate.headers_received, start_line, headers)

    def data_received(self, chunk):
        return self.context.run(self.delegate.data_received, chunk)

    def finish(self) -> None:
        return self.context.run(self.delegate.finish)

    def on_connection_close(self) -> None:
        return self.context.run(self.delegate.on_connection_close)

    def execute(self):
        """Application.__call__ (Tornado's legacy interface) calls it directly."""
        return self.context.run(self.delegate.execute)
