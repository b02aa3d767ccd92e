"""HTTP modules: middleware per route.

    MIDDLEWARE_CLASSES = ("tornkit.httpmodule.HttpModuleMiddleware",)
    COMMON_MODULES = ("httpmodules.auth.AuthModule", "httpmodules.ipauth.IpBlacklist")
    ROUTE_MODULES = {
        r"^/user/.*$": ["httpmodules.login.LoginModule", "!httpmodules.ipauth.IpBlacklist"],
        "Index": ["!httpmodules.auth.AuthModule"],      # a route name
        "Api": ["!all", "httpmodules.login.LoginModule"],
    }

A module is a BaseHttpModule (or a subclass of one) with any of begin_request (may be async),
begin_render, begin_response and complete_response. Modules run inside HttpModuleMiddleware's
hooks (process_request, process_render, process_response, process_endcall) in one order for all
four phases, as tornadopy documents: the COMMON_MODULES first, in declared order, then each
matching ROUTE_MODULES entry's modules, in declared order. No phase runs reversed here.

ROUTE_MODULES keys are route names (as given to Url()/tornado.web.url) or regexes over the request
path. A key that is one of the application's route names matches that route only. Any other key
is a regex that must match the *whole* path (re.fullmatch): tornadopy compiled every key, names
too, and used an unanchored search, so the name "User" also applied to /UserList. A '!name'
entry removes that common module from the route, '!all' removes every common module; naming a
module that COMMON_MODULES does not list is an error at start-up, as the README promises.

Everything is checked and built once, in process_init: every module imported and instantiated
once per Application, the keys sorted into names and regexes, and one plan per route name. The
request finds its plan by the route name the route itself carries (handler.route_name, put in the
route's kwargs by Url()). tornadopy read application.named_handlers (gone since Tornado 4.5) and
replaced each named route's handler_class with a generated subclass (ignored by Tornado's routing
since then); two apps shared its class-level tables.
"""
from __future__ import annotations

import inspect
import re
from collections.abc import Iterable, Sequence
from typing import Any

from tornkit.middleware import import_object

PHASES = ("begin_request", "begin_render", "begin_response", "complete_response")
EXCLUDE_ALL = "!all"
# A key shaped like a name (no '/', no regex syntax) could never match a path: it must be a route.
NAME_LIKE = re.compile(r"[A-Za-z_][\w.-]*")


class BaseHttpModule:
    """Subclass and implement any of the four methods. One instance serves every request."""

    def begin_request(self, handler) -> Any:
        """After the middlewares' process_call, in the handler's prepare(). May be async. A
        module that answers (handler.finish(...)) ends the request there."""

    def begin_render(self, handler, template_name: str, **kwargs: Any) -> None:
        """On every render_string() of the handler."""

    def begin_response(self, handler, chunk: list) -> None:
        """In finish(), before the response is sent: chunk is the list of body parts."""

    def complete_response(self, handler) -> None:
        """After the response is sent."""


class HttpModuleError(Exception):
    """COMMON_MODULES / ROUTE_MODULES that cannot work; raised when the Application is built."""


def name_of(entry: str | type) -> str:
    return entry if isinstance(entry, str) else f"{entry.__module__}.{entry.__qualname__}"


# --- the plan: which modules, in which order, for one route ----------------------------------------
def applies(key: str, route_name: str | None, path: str, route_names: Iterable[str]) -> bool:
    """Does the ROUTE_MODULES key apply to a request of route route_name for path?"""
    if key in route_names:
        return key == route_name
    return re.fullmatch(key, path) is not None


def resolve(common: Sequence[str], route_lists: Sequence[Sequence[str]]) -> list[str]:
    """The module names to run, in order: the common ones not excluded ('!name', '!all') by
    route_lists, then the route lists' modules in order; each module once."""
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


def route_names(application) -> set[str]:
    """Every route name of the application, default host and add_handlers() hosts alike."""
    names: set[str] = set()
    routers = [application.wildcard_router,
               *(rule.target for rule in application.default_router.rules)]
    for router in routers:
        names.update(getattr(router, "named_rules", {}))
    return names


class HttpModuleMiddleware:
    """The middleware that runs the HTTP modules: one instance (and its tables) per Application."""

    resolve = staticmethod(resolve)  # the plan resolver (the chapter 16 exercise swaps it)
    applies = staticmethod(applies)

    def process_init(self, application) -> None:
        conf = application.conf
        self.common = [name_of(e) for e in conf.COMMON_MODULES]
        self.route_modules = {key: [e if isinstance(e, str) and e.startswith("!") else name_of(e)
                                    for e in entries]
                              for key, entries in conf.ROUTE_MODULES.items()}
        self.names = route_names(application)
        self.instances = {}
        for entry in [*conf.COMMON_MODULES,
                      *(e for entries in conf.ROUTE_MODULES.values() for e in entries)]:
            if not (isinstance(entry, str) and entry.startswith("!")):
                self._instantiate(entry)
        for key in self.route_modules:
            if key in self.names:
                continue
            if NAME_LIKE.fullmatch(key):
                raise HttpModuleError(
                    f"ROUTE_MODULES: {key!r} is not a route name (routes: {sorted(self.names)}), "
                    "and as a path regex it could never match a path")
            try:
                re.compile(key)
            except re.error as e:
                raise HttpModuleError(f"ROUTE_MODULES: {key!r} is not a valid regex: {e}") from e
        for entries in self.route_modules.values():
            self.resolve(self.common, [entries])  # an unknown '!name' fails here, at start-up
        self.regex_keys = [k for k in self.route_modules if k not in self.names]
        # One plan per (route name, regex keys that match the path), made once; route names
        # are known now, so every name's plan is checked (and built) here, at start-up.
        self.plans: dict[tuple, list[BaseHttpModule]] = {}
        for name in [None, *sorted(self.names)]:
            self._plan(name, ())

    def _instantiate(self, entry: str | type) -> None:
        name = name_of(entry)
        if name in self.instances:
            return
        cls = import_object(entry) if isinstance(entry, str) else entry
        if not (isinstance(cls, type) and issubclass(cls, BaseHttpModule)):
            raise HttpModuleError(f"{name} is not a BaseHttpModule subclass")
        self.instances[name] = cls()

    def _plan(self, route_name: str | None, matched: tuple[str, ...]) -> list[BaseHttpModule]:
        plan = self.plans.get((route_name, matched))
        if plan is None:
            keys = [k for k in self.route_modules if k == route_name or k in matched]
            names = self.resolve(self.common, [self.route_modules[k] for k in keys])
            plan = self.plans[(route_name, matched)] = [self.instances[n] for n in names]
        return plan

    def modules(self, handler) -> list[BaseHttpModule]:
        """This request's modules (worked out once per request, kept on the handler)."""
        plan = getattr(handler, "http_modules", None)
        if plan is None:
            route_name = getattr(handler, "route_name", None)
            path = handler.request.path
            matched = tuple(k for k in self.regex_keys
                            if self.applies(k, route_name, path, self.names))
            plan = handler.http_modules = self._plan(route_name, matched)
        return plan

    # --- the middleware hooks -------------------------------------------------------------------
    def process_request(self, handler, clear) -> Any:
        # Synchronous until a module returns an awaitable: most requests need no coroutine.
        modules = self.modules(handler)
        for i, module in enumerate(modules):
            result = module.begin_request(handler)
            if result is not None and inspect.isawaitable(result):
                return self._request_async(handler, result, modules[i + 1:])
            if handler._finished:
                return True  # a module answered: the rest of the request phase is skipped
        return False

    async def _request_async(self, handler, pending, modules) -> bool:
        await pending
        if handler._finished:
            return True
        for module in modules:
            result = module.begin_request(handler)
            if result is not None and inspect.isawaitable(result):
                await result
            if handler._finished:
                return True
        return False

    def process_render(self, handler, clear, template_name: str, **kwargs: Any) -> None:
        for module in self.modules(handler):
            module.begin_render(handler, template_name, **kwargs)

    def process_response(self, handler, clear, chunk: list) -> None:
        for module in self.modules(handler):
            module.begin_response(handler, chunk)

    def process_endcall(self, handler, clear) -> None:
        for module in self.modules(handler):
            module.complete_response(handler)

