"""tornadopy's session and token middlewares, ported as they were (Python 3, same logic), so that
test_app.py can attack them. Unsafe on purpose: never copy this file.

    make_app(middleware_classes=NAIVE)   # the chapter's app, on these two instead of tornkit's

What is wrong, each shown by a test in test_app.py:
- NaiveSessionMiddleware (tornadopy's middleware/session.py): the cookie `__TORNADOSSID` is
  `<40 hex>|<session_version>` in the clear (set_cookie, not signed); an id the store does not
  know is kept and saved as it is, so a visitor (or an attacker who planted the cookie) chooses
  the id; nothing rotates it at login (there is no cycle_key); every request writes the store,
  changed or not; and each store call blocks the whole process (a synchronous client).
- NaiveTokenMiddleware (tornadopy's middleware/token.py): the token is the `tokenID` argument,
  in the URL; Redis holds `tokenID -> data` in the clear, and `onlineUser: userName -> tokenID`,
  so a login returns the same token forever; every request, whatever its handler, makes two
  blocking calls (EXISTS, GET); ignore_change_ip is never read.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import time
from typing import Any

import redis  # the synchronous client: tornadopy's StrictRedis

SESSION_VERSION = "EtdHjDO1"
ID_FORMAT = re.compile(r"[0-9a-f]{40}")


def _client(handler: Any) -> redis.Redis:
    # The chapter's Redis, through a blocking client (tornadopy's cache was synchronous).
    app = handler.application
    if not hasattr(app, "naive_redis"):
        location = app.conf.CACHES["default"]["LOCATION"]
        app.naive_redis = redis.Redis.from_url(location, socket_timeout=2)
    return app.naive_redis


class NaiveSession(dict):
    def __init__(self, session_id: str, data: dict) -> None:
        super().__init__(data)
        self.session_id, self.expires = session_id, 0

    def __getitem__(self, key):
        return self.get(key)

    def set_expire(self, seconds: int) -> None:
        self.expires = seconds

    def cycle_key(self) -> None:
        """tornadopy has no such method: the id a visitor came with stays theirs."""

    def flush(self) -> None:
        self.clear()


class NaiveSessionMiddleware:
    def process_request(self, handler, clear):
        value = handler.get_cookie("__TORNADOSSID", "")
        session_id, _, version = value.partition("|")
        if not (ID_FORMAT.fullmatch(session_id) and version == SESSION_VERSION):
            seed = os.urandom(16) + str(time.time()).encode() + handler.request.remote_ip.encode()
            session_id = hashlib.sha1(seed).hexdigest()
        # Well-formed but unknown ids are kept: the visitor's id becomes the session's.
        raw = _client(handler).get(f"session:{session_id}")
        handler.session = NaiveSession(session_id, json.loads(raw) if raw else {})

    def process_response(self, handler, clear, chunk):
        session = handler.__dict__.get("session")
        if session is None:
            return
        # Every request, changed or not.
        _client(handler).set(f"session:{session.session_id}", json.dumps(dict(session)),
                             ex=session.expires or 86400)
        handler.set_cookie("__TORNADOSSID", f"{session.session_id}|{SESSION_VERSION}",
                           expires_days=session.expires / 86400 if session.expires else None)


class NaiveTokens:
    def __init__(self, handler) -> None:
        self.handler = handler
        token = handler.get_argument("tokenID", None)  # from the URL, or the body
        client = _client(handler)
        # Two blocking calls on every request, whether the handler needs a token or not.
        self.user = (json.loads(client.get(token))
                     if token and client.exists(token) else None)
        self.token_id = token

    async def get_current_user(self):
        return self.user

    async def save(self, data: dict) -> str:
        client = _client(self.handler)
        token = client.hget("onlineUser", data["userName"])
        if token is None or not client.exists(token):
            token = hashlib.sha1(os.urandom(16)).hexdigest().encode()
            client.hset("onlineUser", data["userName"], token)
        client.set(token, json.dumps(data), ex=2592000)  # the token itself is the key
        return token.decode()

    async def revoke(self) -> bool:
        return bool(self.token_id and _client(self.handler).delete(self.token_id))

    async def revoke_all(self, user) -> int:
        return 0  # tornadopy had no such thing


class NaiveTokenMiddleware:
    def process_request(self, handler, clear):
        handler.token = NaiveTokens(handler)


NAIVE = ("chapters.ch19_sessions.naive.NaiveSessionMiddleware",
         "chapters.ch19_sessions.naive.NaiveTokenMiddleware")
