"""Chapter 16 exercise, solved.

Why it looks like this:
  - applies() asks "is this key a route name?" first, by membership in the application's route
    names: a name is compared with ==, never compiled. tornadopy compiled every key and searched
    the path, so the name User applied to /UserList, and to any path with "User" in it (B6).
  - A regex key goes through re.fullmatch: the whole path, as Tornado's own route patterns are
    matched. re.match anchors only the start (/user/.+ would still need the end), re.search
    nothing at all. An already anchored ^...$ key means the same under fullmatch.
  - resolve() makes one pass to collect exclusions and route modules, then builds the plan: the
    common modules keep COMMON_MODULES order whatever order the exclusions came in, and come
    first, as tornadopy's README says ("全局处理器总是优先于路由处理器之前执行").
  - '!all' adds every common name to the excluded set; a common module listed again afterwards
    comes back as a route module, at the route modules' place.
  - A module already in the plan is not added twice: the same module named by two matching
    entries runs once per phase.
  - An unknown '!name' is an error, not silently ignored: the README promises an exception, and
    a typo in an exclusion would otherwise leave the module running where it was meant not to.
    The middleware calls resolve() for every entry at start-up, so the error comes then.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from tornkit import httpmodule
from tornkit.httpmodule import EXCLUDE_ALL, HttpModuleError


def applies(key: str, route_name: str | None, path: str, route_names: Iterable[str]) -> bool:
    if key in route_names:
        return key == route_name
    return re.fullmatch(key, path) is not None


def resolve(common: Sequence[str], route_lists: Sequence[Sequence[str]]) -> list[str]:
    excluded, route_modules = set(), []
    for entries in route_lists:
        for entry in entries:
            if entry == EXCLUDE_ALL:
                excluded.update(common)
            elif entry.startswith("!"):
                if entry[1:] not in common:
                    raise HttpModuleError(
                        f"ROUTE_MODULES: {entry!r} excludes a module that COMMON_MODULES does not "
                        f"list (COMMON_MODULES: {list(common)})")
                excluded.add(entry[1:])
            else:
                route_modules.append(entry)
    plan = [name for name in common if name not in excluded]
    for name in route_modules:
        if name not in plan:
            plan.append(name)
    return plan


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
