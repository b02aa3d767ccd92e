"""Chapter 14 exercise, solved.

Why it looks like this:
  - Url() builds tornado.web.URLSpec objects and nothing else: Tornado's router does the
    matching, the groups and reverse_url. The framework only decides how routes are *written*.
  - A string handler is imported when the route is made, not on the first request: a typo in
    urls.py stops the server at start-up with the route's name in the message, instead of a 500
    for the first visitor of that page. `from e` keeps the original ImportError underneath.
  - {**self.kwargs, **(kwargs or {})} is a new dict for every route, the route's keys last: it
    wins for its route, and nothing is shared. (tornadopy shared one dict between every request,
    B1: one route's secret_role reached every other route.)
  - route_name goes into the kwargs only for WebHandler subclasses: WebHandler pops it, while a
    plain RequestHandler (StaticFileHandler, RedirectHandler) would get an unexpected keyword
    in its initialize().
  - route() flattens recursively (include() returns a list, and lists may nest) and refuses
    anything that is not a URLSpec, so a stray (pattern, handler) tuple is an error, not a
    silently different route. Duplicate names raise: Tornado logs a warning and lets the last
    one win, so reverse_url would quietly point to another page.
  - include() rewrites each inner pattern as pattern + inner.lstrip("^/"), because Tornado
    matches a nested rule list against the *whole* path (it strips no prefix). spec.regex.pattern
    ends with the "$" URLSpec added; URLSpec does not add a second one.
"""
from __future__ import annotations

import importlib
from typing import Any

import tornado.web

from tornkit.handler import WebHandler
from tornkit.urls import UrlError


def _import(dotted: str, route: str) -> type:
    module, _, name = dotted.rpartition(".")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError, ValueError) as e:
        raise UrlError(f"route {route}: cannot import handler {dotted!r}: {e}") from e


class Url:
    def __init__(self, prefix: str = "", **kwargs: Any) -> None:
        self.prefix = prefix
        self.kwargs = kwargs

    def __call__(self, pattern: str | None = None, handler: type | str | None = None,
                 name: str | None = None, kwargs: dict | None = None) -> tornado.web.URLSpec:
        if pattern is None or handler is None:
            raise TypeError("a route needs a pattern and a handler")
        if isinstance(handler, str):
            dotted = f"{self.prefix}.{handler}" if self.prefix else handler
            handler = _import(dotted, repr(name or pattern))
        merged = {**self.kwargs, **(kwargs or {})}
        if isinstance(handler, type) and issubclass(handler, WebHandler):
            merged["route_name"] = name
        return tornado.web.URLSpec(pattern, handler, merged, name=name)


def _flatten(items):
    for item in items:
        if isinstance(item, (list, tuple)):
            yield from _flatten(item)
        elif isinstance(item, tornado.web.URLSpec):
            yield item
        else:
            raise UrlError(f"route() takes routes made by a Url(), not {item!r}")


def route(*specs) -> list[tornado.web.URLSpec]:
    flat = list(_flatten(specs))
    seen = set()
    for spec in flat:
        if spec.name is not None:
            if spec.name in seen:
                raise UrlError(f"two routes are named {spec.name!r}")
            seen.add(spec.name)
    return flat


def include(pattern: str, urls, prefix_name: str | None = None) -> list[tornado.web.URLSpec]:
    if isinstance(urls, str):
        module, _, name = urls.rpartition(".")
        urls = getattr(importlib.import_module(module), name)
    included = []
    for spec in _flatten(urls):
        name = f"{prefix_name}-{spec.name}" if prefix_name and spec.name else spec.name
        kwargs = dict(spec.kwargs)
        if "route_name" in kwargs:
            kwargs["route_name"] = name
        included.append(tornado.web.URLSpec(pattern + spec.regex.pattern.lstrip("^/"),
                                            spec.handler_class, kwargs, name=name))
    return included


# --- `make try-14` serves this: a few of the blog's routes, written with *your* functions -------
def make_app(**settings) -> tornado.web.Application:
    u = Url("chapters.ch14_urls.blog.handlers", abc="abc")
    return tornado.web.Application(route(
        u(r"/", "main.EchoHandler", name="Index"),
        u(r"/user", "main.EchoHandler", name="User", kwargs={"abc": "other"}),
        include(r"/blog/", [u(r"/post/(\d+)", "main.EchoHandler", name="post")],
                prefix_name="blog"),
    ), **settings)
