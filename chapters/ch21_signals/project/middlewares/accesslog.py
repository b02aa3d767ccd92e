"""AccessLogMiddleware: tornadopy's middleware/accesslog.py, rewritten."""
from __future__ import annotations

import logging
import time

log = logging.getLogger("site.access")  # settings.LOGGING: stderr and logs/access.log


class AccessLogMiddleware:
    """One line per request: status, method, path, milliseconds, who. First in
    MIDDLEWARE_CLASSES, so its process_endcall runs last: the status is final, and the session
    (loaded after process_call) has said who the visitor is."""

    def process_call(self, request, clear) -> None:
        request.access_started = time.perf_counter()

    def process_endcall(self, handler, clear) -> None:
        request = handler.request
        ms = (time.perf_counter() - getattr(request, "access_started", time.perf_counter())) * 1000
        session = handler.__dict__.get("session")  # none for a static file or a 405
        user = (session["name"] if session is not None else None) or "-"
        status = handler.get_status()
        # The path only: a query string may carry what has no place in a log.
        log.log(logging.WARNING if status >= 500 else logging.INFO, "%d %s %s %.1fms %s %s",
                status, request.method, request.path, ms, user, request.remote_ip)
