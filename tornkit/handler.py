"""tornkit's handlers: WebHandler, the base class of a tornkit project's handlers.

The route's keyword arguments (Url(prefix, **kwargs) merged with the route's own kwargs) are kept
per request in `self._url_kwargs`, tornadopy's name, and the route's name in `self.route_name`.
tornadopy kept `_url_kwargs` as a *class* attribute updated in place, so one route's kwargs
leaked into every later request of every route; here each handler instance has its own copy.
"""
from __future__ import annotations

from typing import Any

import tornado.web


class WebHandler(tornado.web.RequestHandler):
    route_name: str | None = None

    def __init__(self, application, request, **kwargs: Any) -> None:
        self.route_name = kwargs.pop("route_name", None)
        self._url_kwargs = dict(kwargs)  # this request's own copy
        super().__init__(application, request, **kwargs)

    def initialize(self, **kwargs: Any) -> None:
        """Tornado passes the route's kwargs here too. They are in self._url_kwargs already, so
        a handler need not override initialize(); one that does names the kwargs it wants."""
