"""token: API tokens as a middleware, on Redis (chapter 19).

    MIDDLEWARE_CLASSES = ("tornkit.token.TokenMiddleware",)
    CACHES = {"default_redis": {"BACKEND": "tornkit.cache.backends.redis.RedisClient",
                                "LOCATION": "127.0.0.1:6379"}}
    TOKEN = {
        "token_cache_alias": "default_redis",  # a RedisClient or RedisCache in CACHES
        "token_timeout": 2592000,              # seconds a token lives (30 days)
        "ignore_change_ip": False,             # False: a token works from the address it was issued to
        "token_version": "",                   # part of the keys: bump it to drop every token
        "user_field": "userID",                # the item of save()'s data that names the user
    }

In a handler (awaited: each is a Redis round trip, made only when called):

    token = await self.token.save({"userID": "7", "userName": "topaz"})  # a new token
    user = await self.token.get_current_user()   # the saved data, or None
    await self.token.revoke()                    # the token of this request (logout)
    await self.token.revoke_all("7")             # every token of user 7

The client sends it as `Authorization: Bearer <token>`.

What changed from tornadopy's TokenMiddleware, and why:
- The token travelled in the `tokenID` argument, so in URLs, which end up in access logs,
  proxies' logs, browser history and other sites' Referer headers. Here a token is read only
  from the Authorization header; a request with one in its query string is refused (400), and
  that token, now written in a log somewhere, is revoked.
- Redis held `tokenID -> data`: whoever reads the store (a backup, a replica, MONITOR) holds
  every live token. Here the key is sha256(token): the store can check a token, not give one.
- One token per userName, reused forever. Here each save() is a new token, and save() on a
  request that carried one rotates it (the old one stops working); revoke_all() ends them all
  (a per-user set of the hashes).
- Two blocking Redis calls (EXISTS, GET) on every request, for every handler. Here nothing
  happens until a handler asks, and then it is one awaited GET.
- `ignore_change_ip` was in the README and never read; here it is.
"""
from __future__ import annotations

import hashlib
import json
import secrets
from typing import Any

import tornado.web

from tornkit.session import settings_for

DEFAULTS = {
    "token_cache_alias": "default_redis",
    "token_timeout": 2592000,
    "ignore_change_ip": False,
    "token_version": "",
    "user_field": "userID",
}
IN_THE_URL = ("tokenID", "token", "access_token")  # tornadopy's name, and the usual others


class TokenError(Exception):
    """TOKEN cannot be used: an alias that is not in CACHES, or not Redis."""


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Tokens:
    """handler.token: the request's token, read lazily; issue, check and revoke."""

    def __init__(self, middleware: TokenMiddleware, handler: Any) -> None:
        self.middleware, self.handler = middleware, handler
        self.conf = middleware.conf
        self._user: Any = None
        self._read = False

    @property
    def redis(self) -> Any:
        return self.middleware.store(self.handler).client

    async def call(self, awaitable) -> Any:
        """One Redis call; down or too slow is CacheUnavailable, a 503 with a message."""
        return await self.middleware.store(self.handler).call(awaitable)

    def key(self, hashed: str) -> str:
        return f"token:{self.conf['token_version']}:{hashed}"

    def user_key(self, user: str) -> str:
        return f"token-user:{self.conf['token_version']}:{user}"

    def presented(self) -> str | None:
        """The token of `Authorization: Bearer <token>`, or None."""
        scheme, _, value = self.handler.request.headers.get("Authorization", "").partition(" ")
        value = value.strip()
        return value if scheme.lower() == "bearer" and 0 < len(value) <= 200 else None

    async def get_current_user(self) -> Any:
        """The data save() stored with this request's token; None without a valid one."""
        if not self._read:
            self._read = True
            token = self.presented()
            if token is not None:
                self._user = await self.lookup(token)
        return self._user

    async def lookup(self, token: str) -> Any:
        raw = await self.call(self.redis.get(self.key(digest(token))))
        if raw is None:  # unknown, expired or revoked
            return None
        record = json.loads(raw)
        if not self.conf["ignore_change_ip"] and record["ip"] != self.handler.request.remote_ip:
            return None
        return record["data"]

    async def save(self, data: dict) -> str:
        """A new token for data (which names its user in user_field); the token this request
        carried, if any, is revoked: a login rotates it."""
        field = self.conf["user_field"]
        if not isinstance(data, dict) or data.get(field) in (None, ""):
            raise ValueError(f"token.save needs a dict with the user in {field!r}: {data!r}")
        user, token = str(data[field]), secrets.token_urlsafe(32)
        hashed, timeout = digest(token), int(self.conf["token_timeout"])
        record = json.dumps({"data": data, "user": user, "ip": self.handler.request.remote_ip})
        pipe = self.redis.pipeline(transaction=True)
        pipe.set(self.key(hashed), record, ex=timeout)
        pipe.sadd(self.user_key(user), hashed)
        pipe.expire(self.user_key(user), timeout)  # the set lives as long as its newest token
        await self.call(pipe.execute())
        old = self.presented()
        if old is not None:
            await self.revoke_token(old)
        self._user, self._read = data, True
        return token

    async def revoke(self) -> bool:
        """End this request's token; True if it was valid."""
        token = self.presented()
        self._user, self._read = None, True
        return token is not None and await self.revoke_token(token)

    async def revoke_token(self, token: str) -> bool:
        hashed = digest(token)
        raw = await self.call(self.redis.getdel(self.key(hashed)))
        if raw is None:
            return False
        await self.call(self.redis.srem(self.user_key(json.loads(raw)["user"]), hashed))
        return True

    async def revoke_all(self, user: Any) -> int:
        """End every token of this user; the number ended."""
        hashes = await self.call(self.redis.smembers(self.user_key(str(user))))
        keys = [self.key(h.decode() if isinstance(h, bytes) else h) for h in hashes]
        ended = await self.call(self.redis.delete(*keys)) if keys else 0
        await self.call(self.redis.delete(self.user_key(str(user))))
        self._user, self._read = None, True
        return ended


class TokenMiddleware:
    """Gives every handler its `token` (no I/O); refuses tokens in the query string."""

    def process_init(self, application: Any) -> None:
        self.conf = settings_for(application, "TOKEN", DEFAULTS)
        alias = self.conf["token_cache_alias"]
        if alias not in application.conf.CACHES:
            raise TokenError(f"TOKEN: token_cache_alias {alias!r} is not in CACHES "
                             f"({', '.join(application.conf.CACHES)})")
        backend = application.conf.CACHES[alias].get("BACKEND", "")
        if not backend.endswith(("redis.RedisClient", "redis.RedisCache")):
            raise TokenError(f"TOKEN: {alias!r} must be a Redis cache (RedisClient or RedisCache), "
                            f"not {backend!r}")

    def store(self, handler: Any) -> Any:
        return handler.application.caches[self.conf["token_cache_alias"]]

    async def process_request(self, handler: Any, clear: Any) -> None:
        handler.token = tokens = Tokens(self, handler)
        leaked = [v for name in IN_THE_URL for v in handler.request.query_arguments.get(name, [])]
        if leaked:
            for value in leaked:  # in a log now: it must not work any more
                await tokens.revoke_token(value.decode("utf-8", "replace")[:200])
            raise tornado.web.HTTPError(
                400, "a token goes in the Authorization header (Bearer), never in the URL, "
                     "where logs and Referer headers keep it; that token is revoked")
