"""Chapter 10, lesson section 7 (one client per IOLoop, or one of the app's own): the app's
Application, which makes the app's own AsyncHTTPClient on first use (Application.http) and closes
it (Application.close()), and knows the upstream the app calls (section 2).
"""
import tornado.web
from tornado.httpclient import AsyncHTTPClient

from . import upstream


class Application(tornado.web.Application):
    """The app's HTTP client (section 7), and the upstream it calls (section 2)."""

    def __init__(self, handlers, **settings):
        super().__init__(handlers, **settings)
        self.site = upstream.OnDemand(self.settings["upstream_url"])
        self._http = None

    @property
    def upstream(self) -> str:
        return self.site.url

    @property
    def http(self) -> AsyncHTTPClient:
        """The app's own client: force_instance=True, so its max_clients and timeouts are this
        app's alone (AsyncHTTPClient() is one client per IOLoop, shared by every caller). Made
        on first use: a client belongs to the event loop that runs when it is made."""
        if self._http is None:
            self._http = AsyncHTTPClient(
                force_instance=True, max_clients=self.settings["max_clients"],
                defaults=dict(connect_timeout=self.settings["connect_timeout"],
                              request_timeout=self.settings["request_timeout"]))
        return self._http

    async def close(self) -> None:
        """Close the client and stop an upstream of our own (serve() awaits it on Ctrl-C)."""
        if self._http is not None:
            self._http.close()
            self._http = None
        await self.site.close()
