"""tornadopy's HttpModuleMiddleware, kept to show its bugs, in Python 3 and otherwise as written.
Never build on it.

    - Its tables are *class* attributes, filled in place by process_init: the second
      Application's configuration is merged into the first one's.
    - Every ROUTE_MODULES key, route names included, is compiled as a regex and matched with an
      unanchored search() against the request path: the name 'User' also applies to /UserList.
    - Only direct subclasses of BaseHttpModule are accepted (`BaseHttpModule in cls.__bases__`).
    - It reads application.named_handlers, gone since Tornado 4.5 (an AttributeError at start-up,
      torngas issues #13 and #16), and then tagged each named route by replacing
      urlspec.handler_class with a generated subclass, which Tornado's routing no longer uses.

test_app.py shows each one next to tornkit.httpmodule.
"""
from __future__ import annotations

import re

from tornkit.httpmodule import BaseHttpModule
from tornkit.middleware import import_object


class NaiveHttpModuleMiddleware:
    common_modules = []  # shared by every instance, every Application
    route_modules = {}

    def process_init(self, application, conf=None):
        conf = conf or application.conf
        for path in conf.COMMON_MODULES:
            self.common_modules.append(self._load(path))
        for key, paths in conf.ROUTE_MODULES.items():
            self.route_modules.setdefault(re.compile(key), []).extend(paths)

    @staticmethod
    def _load(path):
        cls = import_object(path) if isinstance(path, str) else path
        if BaseHttpModule not in cls.__bases__:
            raise TypeError(f"{path} is not a BaseHttpModule")
        return cls()

    def matching_keys(self, path):
        return [regex.pattern for regex in self.route_modules if regex.search(path)]

    @staticmethod
    def tag_named_routes(application):
        """What tornadopy's process_init did next: needs application.named_handlers."""
        for name, spec in application.named_handlers.items():
            spec.handler_class = type(f"Tagged{name}", (spec.handler_class,), {"pattern__": name})
