"""A client that keeps cookies the way a browser does (as much of it as this chapter needs), for
the tests and the notebook: AsyncHTTPClient alone forgets every Set-Cookie it receives.

    session = Session(AsyncHTTPClient(), "http://127.0.0.1:8806")
    await session.get("/login")                       # receives the _xsrf cookie
    await session.post("/login", {"username": "topaz", "password": "tornado-6.6"})
    (await session.get("/members")).body              # b'topaz'

post() adds the _xsrf token to the form, as a page rendered with xsrf_form_html() would; pass
xsrf=False to post like a page on another site, which cannot read the cookie.
"""
from __future__ import annotations

import datetime
import email.utils
import http.cookies
from urllib.parse import urlencode

from tornado.httpclient import AsyncHTTPClient, HTTPResponse


class Session:
    def __init__(self, http_client: AsyncHTTPClient, base_url: str) -> None:
        self.http_client = http_client
        self.base_url = base_url
        self.cookies: dict[str, str] = {}  # name -> value as sent (quoted if it must be)

    def keep(self, response: HTTPResponse) -> None:
        """Apply the response's Set-Cookie headers: store, replace, or (expired) delete."""
        for header in response.headers.get_list("Set-Cookie"):
            jar = http.cookies.SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if _expired(morsel):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.coded_value

    async def fetch(self, path: str, *, headers: dict | None = None, **kwargs) -> HTTPResponse:
        headers = dict(headers or {})
        if self.cookies and "Cookie" not in headers:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = await self.http_client.fetch(self.base_url + path, headers=headers,
                                                raise_error=False, follow_redirects=False,
                                                **kwargs)
        self.keep(response)
        return response

    async def get(self, path: str, **kwargs) -> HTTPResponse:
        return await self.fetch(path, **kwargs)

    async def post(self, path: str, fields: dict | list | bytes = (), *, xsrf: bool = True,
                   headers: dict | None = None) -> HTTPResponse:
        if isinstance(fields, bytes):
            body = fields
            if xsrf:
                body += b"&_xsrf=" + self.xsrf.encode()
        else:
            pairs = list(fields.items()) if isinstance(fields, dict) else list(fields)
            if xsrf:
                pairs.append(("_xsrf", self.xsrf))
            body = urlencode(pairs).encode()
        return await self.fetch(path, method="POST", body=body, headers=headers)

    @property
    def xsrf(self) -> str:
        """The token a page of the site would put in its forms: the _xsrf cookie's value (any
        masked form of the same token matches it)."""
        if "_xsrf" not in self.cookies:
            raise LookupError("no _xsrf cookie yet: GET a page with a form first")
        return self.cookies["_xsrf"]

    async def log_in(self, username: str, password: str, next: str | None = None) -> HTTPResponse:
        await self.get("/login")
        fields = {"username": username, "password": password}
        if next is not None:
            fields["next"] = next
        return await self.post("/login", fields)


def _expired(morsel: http.cookies.Morsel) -> bool:
    if morsel["max-age"] not in ("", None) and int(morsel["max-age"]) <= 0:
        return True
    if morsel["expires"]:
        when = email.utils.parsedate_to_datetime(morsel["expires"])
        return when <= datetime.datetime.now(datetime.timezone.utc)
    return False
