"""Chapter 10, lesson section 6 (timeouts, and a gateway that never hangs): every way a call to
the upstream can fail, turned into an answer that names it.

GatewayHandler.call() is how every page of the app calls the upstream; GatewayTargetHandler is
/gateway/<behaviour>, one page per way to fail.
"""
from urllib.parse import urlencode

import tornado.web
from tornado.httpclient import HTTPClientError, HTTPRequest, HTTPResponse
from tornado.simple_httpclient import HTTPStreamClosedError, HTTPTimeoutError

from workbook.web import BaseHandler, number_argument

MAX_DELAY = 5      # /gateway/slow and the fan-outs ask for calls of 0 to 5 seconds
MAX_TIMEOUT = 10


class GatewayHandler(BaseHandler):
    async def call(self, path: str | HTTPRequest, **kwargs) -> HTTPResponse:
        """Fetch upstream + path (or an HTTPRequest, whose URL is the upstream's) with the
        app's client; each way that fails is a 502 or a 504, never a hang or a traceback."""
        if isinstance(path, HTTPRequest):
            request, path = path, path.url.removeprefix(self.application.upstream)
        else:
            request = self.application.upstream + path
        try:
            return await self.application.http.fetch(request, **kwargs)
        except HTTPTimeoutError as e:  # code 599: connect_timeout or request_timeout ran out
            raise tornado.web.HTTPError(504, "the upstream did not answer %s in time (%s)",
                                        path, e.message) from None
        except HTTPStreamClosedError:  # code 599: the connection ended before an answer
            raise tornado.web.HTTPError(
                502, "the upstream closed the connection without answering %s", path) from None
        except HTTPClientError as e:  # the upstream answered, with a status that is not 2xx
            raise tornado.web.HTTPError(502, "the upstream answered %s with %d %s",
                                        path, e.code, e.response.reason) from None
        except OSError as e:  # refused, reset, unreachable: not an HTTPClientError at all
            raise tornado.web.HTTPError(502, "cannot talk to the upstream about %s: %s",
                                        path, e.strerror or e) from None


class GatewayTargetHandler(GatewayHandler):
    """/gateway/<target>: call one of the upstream's behaviours, within ?timeout= seconds."""

    async def get(self, target):
        timeout = number_argument(self, "timeout", 2.0, low=0.1, high=MAX_TIMEOUT, kind=float)
        query = {}
        if target == "slow":
            query["delay"] = number_argument(self, "delay", 1.0, low=0, high=MAX_DELAY,
                                             kind=float)
        elif target == "fail":
            query["code"] = number_argument(self, "code", 503, low=200, high=599)
        path = f"/{target}?{urlencode(query)}" if query else f"/{target}"
        response = await self.call(path, request_timeout=timeout)
        self.set_header("Content-Type", response.headers.get("Content-Type", "text/plain"))
        self.write(response.body)
