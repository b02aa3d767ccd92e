"""tornadopy's middleware, kept to show its bugs: its Manager, Application and handler, in
Python 3 so that they run on Tornado 6.6, otherwise as tornadopy wrote them. Never build on it.

    Manager         seven deques per application; call, request and exception use appendleft,
                    the others append; every request copies them and pop()s from the right
    NaiveApplication.__init__ replaces tornado.httputil.HTTPServerRequest, for the whole process,
                    with a subclass whose __init__ runs this app's process_call       (B5)
    NaiveHandler    prepare() starts process_request and calls on_prepare() without waiting (B2);
                    render_string() pops the render deque, so only the first render is seen (B3);
                    finish() returns None, so `await self.finish()` is a TypeError       (B4);
                    process_exception runs in declared order, the README says reversed  (B7);
                    write_api() wraps the JSON in any ?callback= it is given (JSONP)    (B14)

The current request: tornadopy kept it in a stack_context (gone since Tornado 6). Its direct
translation, a ContextVar set where the request is made, is set in the *connection's* context,
so whatever a middleware sets there is still set for the next request on the same keep-alive
connection. test_app.py shows each bug next to the fixed tornkit.

The tests that create a NaiveApplication undo its patch with restore_request_class().
"""
from __future__ import annotations

import asyncio
import contextvars
import json
from collections import deque
from copy import copy

import tornado.httputil
import tornado.web

current_request = contextvars.ContextVar("naive_current_request", default=None)
ORIGINAL_REQUEST_CLASS = tornado.httputil.HTTPServerRequest


def restore_request_class() -> None:
    tornado.httputil.HTTPServerRequest = ORIGINAL_REQUEST_CLASS


class Manager:
    def __init__(self):
        self._CALL_LIST, self._REQUEST_LIST, self._RENDER_LIST = deque(), deque(), deque()
        self._RESPONSE_LIST, self._ENDCALL_LIST, self._EXCEPTION_LIST = deque(), deque(), deque()

    def register(self, middleware):
        if hasattr(middleware, "process_call"):
            self._CALL_LIST.appendleft(middleware.process_call)
        if hasattr(middleware, "process_request"):
            self._REQUEST_LIST.appendleft(middleware.process_request)
        if hasattr(middleware, "process_render"):
            self._RENDER_LIST.append(middleware.process_render)
        if hasattr(middleware, "process_response"):
            self._RESPONSE_LIST.append(middleware.process_response)
        if hasattr(middleware, "process_endcall"):
            self._ENDCALL_LIST.append(middleware.process_endcall)
        if hasattr(middleware, "process_exception"):
            self._EXCEPTION_LIST.appendleft(middleware.process_exception)  # README: reversed

    def set_request(self, request):
        request._TCALL = copy(self._CALL_LIST)
        request._TREQ = copy(self._REQUEST_LIST)
        request._TREN = copy(self._RENDER_LIST)
        request._TRES = copy(self._RESPONSE_LIST)
        request._TEND = copy(self._ENDCALL_LIST)
        request._TEXC = copy(self._EXCEPTION_LIST)

    @staticmethod
    def execute_next(request, types, *args, **kwargs):
        while getattr(request, types):
            method = getattr(request, types).pop()
            if method(*args, **kwargs):
                break

    @staticmethod
    async def execute_next_for_async(request, types, *args):
        while getattr(request, types):
            method = getattr(request, types).pop()
            result = method(*args)
            if asyncio.iscoroutine(result):
                result = await result
            if result:
                break


class NaiveApplication(tornado.web.Application):
    def __init__(self, handlers, middlewares=(), **settings):
        super().__init__(handlers, **settings)
        self.manager = manager = Manager()
        for middleware in middlewares:
            manager.register(middleware())
        previous = tornado.httputil.HTTPServerRequest  # the last app's patch, if any

        class HttpRequest(previous):  # the patch, as tornadopy's Application.__init__ did it
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                current_request.set(self)  # in the connection's context
                manager.set_request(self)
                manager.execute_next(self, "_TCALL", self, lambda: None)

        tornado.httputil.HTTPServerRequest = HttpRequest


class NaiveHandler(tornado.web.RequestHandler):
    def prepare(self):
        asyncio.ensure_future(  # gen.coroutine started, never waited for
            Manager.execute_next_for_async(self.request, "_TREQ", self, lambda: None))
        self.on_prepare()

    def on_prepare(self):
        pass

    def render_string(self, template_name, **kwargs):
        Manager.execute_next(self.request, "_TREN", self, lambda: None, template_name, **kwargs)
        return super().render_string(template_name, **kwargs)

    def finish(self, chunk=None):
        if chunk:
            self.write(chunk)
        Manager.execute_next(self.request, "_TRES", self, lambda: None, self._write_buffer)
        super().finish()  # its Future is dropped: finish() returns None

    def on_finish(self):
        Manager.execute_next(self.request, "_TEND", self, lambda: None)

    def log_exception(self, typ, value, tb):
        if self.request._TEXC:
            Manager.execute_next(self.request, "_TEXC", self, lambda: None, typ, value, tb)
        else:
            super().log_exception(typ, value, tb)

    def write_api(self, obj, fmt="json"):
        callback = self.get_argument("callback", None)
        body = json.dumps(obj)
        if callback:  # JSONP: whatever the caller names, unchecked
            self.set_header("Content-Type", "application/javascript")
            self.finish(f"{callback}({body});")
        else:
            self.set_header("Content-Type", "application/json; charset=UTF-8")
            self.finish(body)
