"""The one thing every chapter's handlers share: errors that say what went wrong.

Tornado's default error page says only "400: Bad Request". A learner (and any client) needs the
reason: "Missing argument username". BaseHandler sends it as plain text and never a traceback,
whatever the `debug` setting.
"""
from __future__ import annotations

import math

import tornado.web


class BaseHandler(tornado.web.RequestHandler):
    def error_message(self, **kwargs) -> str:
        """What went wrong, from write_error's keywords: the HTTPError's message, else the
        reason phrase ("Not Found")."""
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, tornado.web.HTTPError) and exc.log_message:
            return exc.log_message % exc.args if exc.args else exc.log_message
        return self._reason  # set_status() always sets it, from the HTTPError or the code

    def write_error(self, status_code: int, **kwargs) -> None:
        reason, message = self._reason, self.error_message(**kwargs)
        self.set_header("Content-Type", "text/plain; charset=UTF-8")
        self.finish(f"{status_code} {reason}: {message}\n" if message != reason
                    else f"{status_code} {reason}\n")


class NotFoundHandler(BaseHandler):
    """default_handler_class for apps without a catch-all route: a 404 that names the path."""

    def prepare(self) -> None:
        raise tornado.web.HTTPError(404, "no route matches %s", self.request.path)


class StaticHandler(BaseHandler, tornado.web.StaticFileHandler):
    """Tornado's StaticFileHandler (static_handler_class of every chapter app that serves
    files), with two changes:

    - BaseHandler's errors: "403 Forbidden: ../secret.txt is not in root static directory" in
      plain text, instead of Tornado's bare HTML page.
    - A NUL byte in the path is a 400. Tornado 6.6.1 passes "/static/a.png%00" on to
      os.path.realpath() (the symlink check in validate_absolute_path), which raises ValueError
      (not OSError), and the client gets a 500 and the log a traceback.
    Everything else (versions, caching headers, 304s, ranges, refusing ../) is Tornado's own.
    Chapter 04 teaches it.
    """

    def parse_url_path(self, url_path: str) -> str:
        # The first thing get() does with the path from the URL (already percent-decoded).
        if "\x00" in url_path:
            raise tornado.web.HTTPError(400, "a file path cannot contain a NUL byte")
        return super().parse_url_path(url_path)


def number_argument(handler: tornado.web.RequestHandler, name: str, default: float, *,
                    low: float, high: float, kind: type = int) -> float:
    """A query or form argument read as a number between low and high (inclusive), default when
    absent; anything else is a 400 that names the argument, the bounds and what came."""
    raw = handler.get_argument(name, None)
    if raw is None:
        return default
    what = "a whole number" if kind is int else "a number"
    try:
        value = kind(raw)
    except ValueError:
        raise tornado.web.HTTPError(400, "%s must be %s, not %r", name, what, raw) from None
    if not (math.isfinite(value) and low <= value <= high):
        raise tornado.web.HTTPError(400, "%s must be between %s and %s, not %r",
                                    name, low, high, raw)
    return value
