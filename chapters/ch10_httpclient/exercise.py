"""Chapter 10 exercise: an HTTP client of your own, a JSON POST, calls at once, and failures
sorted into the answers a gateway gives.

The tests run these against the chapter's upstream (upstream.py), on 127.0.0.1.

  1. make_client() -> an AsyncHTTPClient of its own, not the IOLoop's shared one (lesson §7),
     running up to 30 requests at once, and giving every request it makes 1 s to connect and
     2 s in all (its defaults).
  2. post_json(client, url, data) -> POST data as JSON, with the header that says so, and
     return the answer's body parsed from JSON; a 4xx or 5xx answer raises (lesson §4 and §5).
  3. fetch_all(client, urls) -> the bodies of all the urls, in the order of urls, fetched at
     the same time, not one after another (lesson §8).
  4. status_for(client, url, timeout) -> the status a gateway should answer after fetching url
     within timeout seconds: 200 if the upstream answered 2xx; 502 if it answered another
     status, refused or reset the connection, or closed it without answering; 504 if it did not
     answer within timeout. It must never raise, and never wait longer than timeout (lesson §5
     and §6).

Check your work with:  make check-10
"""
import asyncio  # noqa: F401  (you will want it for step 3)
import json  # noqa: F401  (you will want it for step 2)

from tornado.httpclient import AsyncHTTPClient, HTTPClientError  # noqa: F401
from tornado.simple_httpclient import HTTPTimeoutError  # noqa: F401


def make_client() -> AsyncHTTPClient:
    # TODO step 1: a client of its own, its limit and its default timeouts
    raise NotImplementedError("make_client is not written yet")


async def post_json(client: AsyncHTTPClient, url: str, data) -> object:
    # TODO step 2: a POST with a JSON body and its Content-Type; the answer, parsed
    raise NotImplementedError("post_json is not written yet")


async def fetch_all(client: AsyncHTTPClient, urls: list[str]) -> list[bytes]:
    # TODO step 3: start every fetch, then await them together
    raise NotImplementedError("fetch_all is not written yet")


async def status_for(client: AsyncHTTPClient, url: str, timeout: float) -> int:
    # TODO step 4: fetch with request_timeout=timeout and sort what happens into 200, 502, 504.
    # Not every failure is an HTTPClientError: a refused or reset connection is an OSError.
    raise NotImplementedError("status_for is not written yet")
