"""tornkit's handlers: WebHandler and ApiHandler, the base classes of a tornkit project's handlers.

The route's keyword arguments (Url(prefix, **kwargs) merged with the route's own kwargs) are kept
per request in `self._url_kwargs`, tornadopy's name, and the route's name in `self.route_name`.
tornadopy kept `_url_kwargs` as a *class* attribute updated in place, so one route's kwargs
leaked into every later request of every route; here each handler instance has its own copy.

The middleware hooks (chapter 15) sit on Tornado's public methods, each calling one phase of the
Application's middleware Manager for this request's chain:

    prepare()        await process_request, then on_prepare()       (skipped when Tornado answers
                                                                    405 or 403 before prepare)
    render_string()  process_render, on every call: pages, UI modules, {% module Template %}
    finish()         process_response(chunk list), then Tornado's finish(), whose Future it returns
                     (after what a middleware handed to wait_before_send(): a session save)
    on_finish()      process_endcall, then complete_finish()        (every request, 405/403 too)
    log_exception()  process_exception; Tornado's own log unless a middleware handled it

A handler in an Application without middlewares (or a plain tornado.web.Application) runs no
hooks and behaves as a RequestHandler.
"""
from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import tornado.iostream
import tornado.web


_SENDING = object()  # WebHandler._pending_finish once the wait is over


class WebHandler(tornado.web.RequestHandler):
    route_name: str | None = None

    def __init__(self, application, request, **kwargs: Any) -> None:
        self.route_name = kwargs.pop("route_name", None)
        self._url_kwargs = dict(kwargs)  # this request's own copy
        # This request's way through the middlewares (made by Application.find_handler).
        self.middleware_chain = getattr(request, "middleware_chain", None)
        super().__init__(application, request, **kwargs)

    def initialize(self, **kwargs: Any) -> None:
        """Tornado passes the route's kwargs here too. They are in self._url_kwargs already, so
        a handler need not override initialize(); one that does names the kwargs it wants."""

    def run_middleware(self, phase: str, *args: Any, **kwargs: Any) -> Any:
        """One phase of this request's middlewares (nothing without a chain)."""
        if self.middleware_chain is None:
            return None
        return self.application.middleware.run(phase, self.middleware_chain, self,
                                               *args, **kwargs)

    # --- the hooks ----------------------------------------------------------------------------
    async def prepare(self) -> None:
        if self.middleware_chain is not None:
            # Awaited to the end before on_prepare: tornadopy started a gen.coroutine here and
            # called on_prepare() while an async middleware was still waiting.
            await self.application.middleware.run_async("process_request",
                                                        self.middleware_chain, self)
        if not self._finished:  # a middleware that answered (handler.finish) ends the request
            result = self.on_prepare()
            if result is not None:
                await result

    def on_prepare(self) -> Any:
        """Override: runs after the middlewares' process_request (may be async)."""

    def render_string(self, template_name: str, **kwargs: Any) -> bytes:
        self.run_middleware("process_render", template_name, **kwargs)
        # Chapter 17: a tornkit Application's own Jinja2 or Mako loader (TEMPLATE_CONFIG). Tornado's
        # render_string caches loaders by template path for the whole process instead.
        loader = getattr(self.application, "template_loader", None)
        if loader is None:
            return super().render_string(template_name, **kwargs)
        if not self.settings.get("compiled_template_cache", True):
            loader.reset()  # debug=True: read templates again, as Tornado does
        namespace = self.get_template_namespace()
        namespace.update(kwargs)
        return loader.load(template_name).generate(**namespace)

    def finish(self, chunk: str | bytes | dict | None = None) -> Any:
        pending = self.__dict__.get("_pending_finish")
        if pending is _SENDING:  # the error page of a failed wait (below)
            return super().finish(chunk)
        if pending is not None:  # a finish() already waits: Tornado's own second call
            return pending
        if chunk is not None:
            self.write(chunk)
        # The body parts not flushed yet: a middleware may rewrite chunk[i] or write() more.
        self.run_middleware("process_response", self._write_buffer)
        waits = self.__dict__.pop("_before_send", None)
        if waits:
            self._pending_finish = asyncio.ensure_future(self._finish_after(waits))
            return self._pending_finish
        return super().finish()  # its Future: `await self.finish()` works

    def wait_before_send(self, awaitable: Any) -> None:
        """For a middleware's process_response, which cannot await (it runs inside finish()):
        the response is sent only once awaitable is done (a session saved to its store). If it
        raises, the visitor gets that error's page instead (an HTTPError's status: a 503 for a
        store that is down), and no cookie: none of this response's cookies is sent."""
        self.__dict__.setdefault("_before_send", []).append(awaitable)

    async def _finish_after(self, waits: list) -> None:
        try:
            for awaitable in waits:
                await awaitable
        except Exception as e:  # noqa: BLE001 - reported, then answered with its error page
            self._pending_finish = _SENDING
            self.__dict__.pop("_new_cookie", None)  # a cookie for what was not saved: none
            self.log_exception(*sys.exc_info())
            status = e.status_code if isinstance(e, tornado.web.HTTPError) else 500
            self.send_error(status, exc_info=sys.exc_info())
            return
        self._pending_finish = _SENDING
        try:
            await super().finish()
        except tornado.iostream.StreamClosedError:
            pass  # the client left before its answer: nobody to send it to, nothing to report

    def on_finish(self) -> None:
        while self.middleware_chain is not None:
            try:
                self.run_middleware("process_endcall")
                break
            except Exception:
                # The response is sent: report the failure and go on with the next middleware
                # (the one that raised is used up), so every other one still balances.
                self.log_exception(*sys.exc_info())
        self.complete_finish()

    def complete_finish(self) -> None:
        """Override: runs after the middlewares' process_endcall, once the response is sent."""

    def log_exception(self, typ, value, tb) -> None:
        if not self.run_middleware("process_exception", typ, value, tb):
            super().log_exception(typ, value, tb)


class ApiHandler(WebHandler):
    """A handler that answers JSON. write_api(obj) sends obj as the whole response.

    tornadopy's write_api also wrapped the JSON in a `callback` argument when one was given
    (JSONP): any other site could then read the data with a <script> tag, and the name was
    written unchecked. Cross-origin reads are CORS's job; there is no JSONP here. And tornadopy's
    own last edit of write_api tested an undefined name, so it answered every call with a 500
    (NameError)."""

    def json_body(self) -> dict:
        """The request body as a JSON object (an empty body is {}); anything else is a 400
        that says what is wrong, never a 500."""
        try:
            body = json.loads(self.request.body or b"{}")
        except (ValueError, RecursionError) as e:  # RecursionError: JSON nested too deep
            raise tornado.web.HTTPError(400, "the body must be JSON: %s", e) from None
        if not isinstance(body, dict):
            raise tornado.web.HTTPError(400, "the body must be a JSON object, not %s",
                                        type(body).__name__)
        return body

    def write_api(self, obj: Any) -> Any:
        """obj as JSON (json.dumps: a value it cannot encode is a TypeError, so a 500)."""
        body = json.dumps(obj, ensure_ascii=False).replace("</", "<\\/")  # safe inside HTML
        self.set_header("Content-Type", "application/json; charset=UTF-8")
        return self.finish(body)


class _AnyMethod:
    def __contains__(self, method: object) -> bool:
        return True


class CallFailedHandler(WebHandler):
    """Where a request goes when a middleware's process_call raised: a 500 through the usual
    path (log_exception, so process_exception; the error page; process_endcall)."""

    SUPPORTED_METHODS = _AnyMethod()  # a 500 for every method, not a 405 first

    def initialize(self, exc_info: tuple) -> None:
        self.exc_info = exc_info

    def check_xsrf_cookie(self) -> None:
        """Nothing is changed by this request: a 500, not a 403 first."""

    def check_trusted_origin(self, origin: str) -> bool:
        return True

    async def prepare(self) -> None:
        raise self.exc_info[1].with_traceback(self.exc_info[2])
