"""Chapter 16 exercise: the plan resolver, the heart of HTTP modules.

tornkit.httpmodule.HttpModuleMiddleware does the rest: it imports and instantiates every module
once, sorts the ROUTE_MODULES keys into route names and path regexes, and asks your two
functions for each route's plan at start-up and for each request's regex keys. Make it so that:

  1. applies(key, route_name, path, route_names) says whether a ROUTE_MODULES key applies to a
     request of the route route_name for path. A key that is one of route_names is a route name:
     it applies to that route only. Any other key is a regex that must match the whole path:
     r"/user/.+" applies to /user/ann, not to /user nor to /x/user/ann, and the name "User"
     never applies to /UserList                                          -> lesson §3
  2. resolve(common, route_lists) returns the module names to run, in order: the common modules
     (in COMMON_MODULES order) that no list excludes, then the modules of the lists, in order,
     each module once. In a list, "!name" excludes that common module and "!all" every common
     module                                                              -> lesson §2
  3. A "!name" whose name is not in common raises HttpModuleError, and its message names the
     entry ("!name" as written)                                          -> lesson §2

Check your work with:  make check-16
"""
from __future__ import annotations

import re  # noqa: F401
from collections.abc import Iterable, Sequence

from tornkit import httpmodule
from tornkit.httpmodule import EXCLUDE_ALL, HttpModuleError  # noqa: F401


def applies(key: str, route_name: str | None, path: str, route_names: Iterable[str]) -> bool:
    # TODO step 1: a route name matches its route only; any other key, the whole path
    raise NotImplementedError("applies is not written yet")


def resolve(common: Sequence[str], route_lists: Sequence[Sequence[str]]) -> list[str]:
    # TODO steps 2-3: the common modules not excluded, then the route modules, each once
    raise NotImplementedError("resolve is not written yet")


class HttpModuleMiddleware(httpmodule.HttpModuleMiddleware):
    """tornkit's middleware, running your resolver: put this class in MIDDLEWARE_CLASSES."""

    applies = staticmethod(applies)
    resolve = staticmethod(resolve)


def make_app(**settings):
    """make try-16: chapter 16's routes and modules, planned by your resolver."""
    from chapters.ch16_httpmodules import app as chapter
    from tornkit.application import Application
    from tornkit.conf import Settings

    conf = Settings(MIDDLEWARE_CLASSES=[HttpModuleMiddleware],
                    COMMON_MODULES=chapter.COMMON_MODULES, ROUTE_MODULES=chapter.ROUTE_MODULES)
    return Application(chapter.urls, conf=conf, template_path=chapter.TEMPLATE_PATH, **settings)
