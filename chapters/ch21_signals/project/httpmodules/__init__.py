"""The site's HTTP modules (HTTP处理器): settings.COMMON_MODULES and ROUTE_MODULES name them."""
from __future__ import annotations

from urllib.parse import urlencode

from tornkit.httpmodule import BaseHttpModule

CSP = "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"


class SecurityHeaders(BaseHttpModule):
    """Every response: no framing, no MIME sniffing, no Referer to other sites, and a Content
    Security Policy under which only the site's own scripts run (an injected <script> does not)."""

    HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
               "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"}

    def begin_response(self, handler, chunk) -> None:
        for name, value in self.HEADERS.items():
            handler.set_header(name, value)


class LoginRequired(BaseHttpModule):
    """The routes that act for a visitor: a page sends them to log in and come back; anything
    else (the like button's POST) gets a 401 that says so."""

    def begin_request(self, handler) -> None:
        if handler.current_user is not None:
            return
        if handler.request.method == "GET":
            next_url = handler.request.uri
            handler.redirect(f"{handler.get_login_url()}?{urlencode({'next': next_url})}")
        else:
            handler.set_status(401)
            handler.finish({"error": "log in first", "status": 401})
