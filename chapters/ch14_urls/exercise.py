"""Chapter 14 exercise: tornkit's URL helpers, Url(), route() and include().

Write what tornkit/urls.py is (the lesson's sections 2-4). Make it so that:

  1. u = Url(prefix, **kwargs); u(pattern, handler, name=None, kwargs=None) returns a
     tornado.web.URLSpec for that pattern and handler, with that name (so reverse_url(name)
     works). The keyword form of tornadopy's README works too:
     u(name="Index", pattern=r"/", handler="main.IndexHandler").
  2. A handler given as a string is the dotted path prefix + "." + handler (or the string alone
     when the prefix is ""), imported when the route is made. One that cannot be imported is a
     UrlError whose message names the route (its name, else its pattern) and the dotted path.
  3. The route's kwargs are Url()'s kwargs updated with the route's own: the route's values win,
     for that route only (neither Url()'s dict nor another route changes). For a handler that is
     a WebHandler subclass, they also hold route_name=<the route's name>.
  4. route(*specs) returns one flat list of URLSpecs from URLSpecs and (nested) lists of them. A
     name used by two routes is a UrlError naming it (Tornado only logs a warning).
  5. include(pattern, urls, prefix_name=None): the routes of `urls` (a list, or the dotted path
     of a module attribute holding one) under `pattern`: include("/blog/", [u(r"/post/(\\d+)",
     ...)]) serves /blog/post/7. Their names become "prefix_name-name" (reverse_url("blog-post",
     7) == "/blog/post/7"), their kwargs are kept, and their route_name is the new name.

Check your work with:  make check-14      See it served:  make try-14 (make_app() at the end)
"""
from __future__ import annotations

from typing import Any

import tornado.web

from tornkit.handler import WebHandler  # noqa: F401  (step 3)
from tornkit.urls import UrlError  # noqa: F401  (steps 2 and 4)


class Url:
    def __init__(self, prefix: str = "", **kwargs: Any) -> None:
        self.prefix = prefix
        self.kwargs = kwargs

    def __call__(self, pattern: str | None = None, handler: type | str | None = None,
                 name: str | None = None, kwargs: dict | None = None) -> tornado.web.URLSpec:
        # TODO steps 1-3: import a string handler, merge the kwargs, return a URLSpec
        raise NotImplementedError("Url.__call__ is not written yet")


def route(*specs) -> list[tornado.web.URLSpec]:
    # TODO step 4: flatten, and refuse a duplicate name
    raise NotImplementedError("route is not written yet")


def include(pattern: str, urls, prefix_name: str | None = None) -> list[tornado.web.URLSpec]:
    # TODO step 5: the inner routes under `pattern`, renamed "prefix_name-name"
    raise NotImplementedError("include is not written yet")


# --- `make try-14` serves this: a few of the blog's routes, written with *your* functions -------
def make_app(**settings) -> tornado.web.Application:
    u = Url("chapters.ch14_urls.blog.handlers", abc="abc")
    return tornado.web.Application(route(
        u(r"/", "main.EchoHandler", name="Index"),
        u(r"/user", "main.EchoHandler", name="User", kwargs={"abc": "other"}),
        include(r"/blog/", [u(r"/post/(\d+)", "main.EchoHandler", name="post")],
                prefix_name="blog"),
    ), **settings)
