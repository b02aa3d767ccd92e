"""Test plumbing every chapter shares: a chapter app run as a process of its own, the way a
learner runs it, and a client that keeps cookies."""
from __future__ import annotations

import datetime
import email.utils
import http.cookies
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

from workbook.manifest import ROOT


def start_app(module: str | Path, *args: str, port: int,
              env: dict | None = None) -> subprocess.Popen:
    """`python -m module *args --port=PORT` in the repository (or `python script ...` for a
    Path, such as a project's runserver.py), once it says "Serving on". Its first line of
    output is kept as process.first_line."""
    target = [str(module)] if isinstance(module, Path) else ["-m", module]
    process = subprocess.Popen([sys.executable, *target, *args, f"--port={port}"],
                               cwd=ROOT, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.first_line = process.stdout.readline()
    if not process.first_line.startswith(f"Serving on http://127.0.0.1:{port}/"):
        process.kill()
        raise AssertionError(f"{module} {' '.join(args)} did not start: "
                             f"{process.first_line!r}\n{process.stderr.read()}")
    return process


def stop_app(process: subprocess.Popen, sig: int = signal.SIGINT,
             timeout: float = 30) -> tuple[int, str, str]:
    """Send sig (SIGINT is what Ctrl-C sends) and wait: (exit code, stdout, stderr)."""
    process.send_signal(sig)
    process.wait(timeout=timeout)
    return process.returncode, process.stdout.read(), process.stderr.read()


class CookieClient:
    """An HTTP client that keeps cookies the way a browser does for one site, for tests and
    notebooks: AsyncHTTPClient alone forgets every Set-Cookie it receives.

        client = CookieClient(http_client, base_url)
        await client.get("/login")                       # receives the _xsrf cookie
        await client.post("/login", {"username": "topaz", "password": "..."})

    Redirects are not followed and errors do not raise, so a test sees every status and header.
    post() adds the _xsrf cookie's token to the form, as a page rendered with xsrf_form_html()
    would; xsrf=False posts like a page on another site, which cannot read the cookie.
    """

    def __init__(self, http_client, base_url: str) -> None:
        self.http_client, self.base_url = http_client, base_url
        self.cookies: dict[str, str] = {}  # name -> value as sent (quoted if it must be)
        self.set_cookies: list[str] = []  # the raw Set-Cookie headers of the last response

    def keep(self, response) -> None:
        """Apply the response's Set-Cookie headers: store, replace, or (expired) delete."""
        self.set_cookies = response.headers.get_list("Set-Cookie")
        for header in self.set_cookies:
            jar = http.cookies.SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if _expired(morsel):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.coded_value

    async def fetch(self, path: str, *, headers: dict | None = None, cookies: dict | None = None,
                    **kwargs):
        """cookies= sends these on top of the kept ones, for this request only."""
        headers = dict(headers or {})
        sent = {**self.cookies, **(cookies or {})}
        if sent and "Cookie" not in headers:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in sent.items())
        response = await self.http_client.fetch(self.base_url + path, headers=headers,
                                                raise_error=False, follow_redirects=False,
                                                **kwargs)
        self.keep(response)
        return response

    async def get(self, path: str, **kwargs):
        return await self.fetch(path, **kwargs)

    async def post(self, path: str, fields: dict | list | bytes = (), *, xsrf: bool = True,
                   **kwargs):
        if isinstance(fields, bytes):
            body = fields + (b"&_xsrf=" + self.xsrf.encode() if xsrf else b"")
        else:
            pairs = list(fields.items()) if isinstance(fields, dict) else list(fields)
            if xsrf:
                pairs.append(("_xsrf", self.xsrf))
            body = urlencode(pairs).encode()
        return await self.fetch(path, method="POST", body=body, **kwargs)

    @property
    def xsrf(self) -> str:
        """The token a page of the site would put in its forms: the _xsrf cookie's value (any
        masked form of the same token matches it)."""
        if "_xsrf" not in self.cookies:
            raise LookupError("no _xsrf cookie yet: GET a page with a form first")
        return self.cookies["_xsrf"]


def _expired(morsel: http.cookies.Morsel) -> bool:
    if morsel["max-age"] not in ("", None) and int(morsel["max-age"]) <= 0:
        return True
    if morsel["expires"]:
        when = email.utils.parsedate_to_datetime(morsel["expires"])
        return when <= datetime.datetime.now(datetime.timezone.utc)
    return False
