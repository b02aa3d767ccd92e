"""URLs: Url(prefix, **kwargs) makes routes, route() collects them, include() nests a group.

    u = Url("blog.handlers", abc="abc")
    urls = route(
        u(r"/?", "main.Index", name="Index"),                     # blog.handlers.main.Index
        u(r"/user/?", "main.User", name="User", kwargs={"abc": "other"}),
        include(r"/photo/", "blog.url_photo.urls", prefix_name="photo"),
    )

Each route is a tornado.web.URLSpec: Tornado's routing does the matching; this module only
builds the specs. A handler given as a string is imported when the route is made, so a typo
fails at start-up, naming the route. Route names must be unique (Tornado only logs a warning and
lets the last one win).
"""
from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import Any

import tornado.web

from tornkit.handler import WebHandler


class UrlError(Exception):
    """A route that cannot be built: an unimportable handler, a duplicate name, ..."""


def import_handler(dotted: str, route: str) -> type:
    module_name, _, attribute = dotted.rpartition(".")
    try:
        if not module_name:
            raise ImportError(f"{dotted!r} is not a dotted path (module.Class)")
        return getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as e:
        raise UrlError(f"route {route}: cannot import handler {dotted!r}: {e}") from e


class Url:
    """A route factory: a module prefix for handler strings, and kwargs for every route."""

    def __init__(self, prefix: str = "", **kwargs: Any) -> None:
        self.prefix = prefix
        self.kwargs = kwargs

    def __call__(self, pattern: str | None = None, handler: type | str | None = None,
                 name: str | None = None, kwargs: dict | None = None) -> tornado.web.URLSpec:
        if pattern is None or handler is None:
            raise TypeError("a route needs a pattern and a handler")
        route = repr(name) if name else repr(pattern)
        if isinstance(handler, str):
            handler = import_handler(f"{self.prefix}.{handler}" if self.prefix else handler,
                                     route)
        merged = {**self.kwargs, **(kwargs or {})}  # the route's own win, for this route only
        if isinstance(handler, type) and issubclass(handler, WebHandler):
            merged["route_name"] = name  # WebHandler pops it into handler.route_name
        return tornado.web.URLSpec(pattern, handler, merged, name=name)


def _flatten(items: Iterable) -> Iterable[tornado.web.URLSpec]:
    for item in items:
        if isinstance(item, (list, tuple)):
            yield from _flatten(item)
        elif isinstance(item, tornado.web.URLSpec):
            yield item
        else:
            raise UrlError(f"route() takes routes made by a Url() (or lists of them), not {item!r}")


def check_names(specs: Iterable[tornado.web.URLSpec]) -> None:
    seen: dict[str, str] = {}
    for spec in specs:
        if spec.name is None:
            continue
        if spec.name in seen:
            raise UrlError(f"two routes are named {spec.name!r}: {seen[spec.name]!r} and "
                           f"{spec.regex.pattern!r}")
        seen[spec.name] = spec.regex.pattern


def route(*specs) -> list[tornado.web.URLSpec]:
    """One flat list of routes, from routes and lists of routes (include() returns a list)."""
    flat = list(_flatten(specs))
    check_names(flat)
    return flat


def include(pattern: str, urls: str | Iterable[tornado.web.URLSpec],
            prefix_name: str | None = None) -> list[tornado.web.URLSpec]:
    """The routes of `urls` (a list, or the dotted path of one) under `pattern`.

    Tornado matches a nested rule list against the whole path, without stripping a prefix, so
    the inner patterns are rewritten: include("/blog/", [u(r"/post/(\\d+)", ...)]) is the route
    /blog/post/(\\d+). Names become "prefix_name-name", so reverse_url("blog-post", 7) works.
    """
    if isinstance(urls, str):
        module_name, _, attribute = urls.rpartition(".")
        try:
            urls = getattr(importlib.import_module(module_name), attribute)
        except (ImportError, AttributeError, ValueError) as e:
            raise UrlError(f"include({pattern!r}): cannot import {urls!r}: {e}") from e
    included = []
    for spec in _flatten(urls):
        inner = spec.regex.pattern.lstrip("^/")
        name = spec.name
        if name and prefix_name:
            name = f"{prefix_name}-{name}"
        kwargs = dict(spec.kwargs)
        if "route_name" in kwargs:
            kwargs["route_name"] = name
        included.append(tornado.web.URLSpec(pattern + inner, spec.handler_class, kwargs,
                                            name=name))
    return included
