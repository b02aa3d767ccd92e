"""The base handlers of both apps: Page for the HTML pages, Api for the JSON API."""
from __future__ import annotations

import tornado.web

from tornkit.db import DBMixin
from tornkit.flash import FlashMessageMixIn
from tornkit.handler import ApiHandler, WebHandler
from core.models import Base
from httpmodules import SecurityHeaders
from workbook.web import BaseHandler, StaticHandler


class SiteHandler(DBMixin, WebHandler):
    async def on_prepare(self) -> None:  # CREATE TABLE on the primary once (and the replica)
        await self.application.databases.create_all_once(Base.metadata)


class Page(FlashMessageMixIn, SiteHandler, BaseHandler):
    """A page: the visitor is whoever the session says (SessionMiddleware loaded it)."""

    def get_current_user(self) -> dict | None:
        if self.session["userid"] is None:
            return None
        return {"id": self.session["userid"], "name": self.session["name"]}


class Api(ApiHandler, SiteHandler, BaseHandler):
    """A JSON call: authenticated by its bearer token, answered in JSON, errors included."""

    def check_xsrf_cookie(self) -> None:
        """No cookie authenticates these calls (the Authorization header does), so another
        site's form cannot make them: no XSRF token to check."""

    async def user(self) -> dict:
        user = await self.token.get_current_user()
        if user is None:
            raise tornado.web.HTTPError(401, "send a valid token as Authorization: Bearer ...")
        return user

    def write_error(self, status_code: int, **kwargs) -> None:
        if status_code == 401:  # send_error() cleared the headers: this one goes with the page
            self.set_header("WWW-Authenticate", 'Bearer realm="site"')
        self.write_api({"error": self.error_message(**kwargs), "status": status_code})


class NotFound(Page):
    """default_handler_class: a 404 that names the path, through the middleware and the HTTP
    modules like any page (Tornado's own ErrorHandler is not a WebHandler: it has no hooks)."""

    def prepare(self):
        raise tornado.web.HTTPError(404, "no route matches %s", self.request.path)


class StaticFiles(StaticHandler):
    """static_handler_class: Tornado's StaticFileHandler runs no middleware and no HTTP module,
    so it sets the security headers itself."""

    def set_default_headers(self) -> None:
        for name, value in SecurityHeaders.HEADERS.items():
            self.set_header(name, value)
