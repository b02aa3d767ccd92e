"""自定义Web组件: session, the notes' session component, for real and asynchronous.

    session = SessionFactory.get_session_obj(handler)   # the notes' entry point
    await session.load()                                 # in prepare(): reads the cookie, the store
    session["user"] = "topaz"                            # __setitem__, as the notes' Foo shows
    await session.save()                                 # writes the store, sets the cookie

Four backends: CacheSession (the notes' in-process dict), and the two the notes left as `pass`,
RedisSession (redis.asyncio) and MemcachedSession (aiomcache), plus RingSession, sessions
spread over several Redis servers by consistent hashing (分布性session). All async: a blocking
client would stall the IOLoop for every request while it waits for the store.
"""
from __future__ import annotations

import asyncio
import bisect
import hashlib
import json
import re
import secrets
import time
from collections.abc import Iterable
from typing import Any, NamedTuple

import aiomcache
import redis.asyncio
import redis.exceptions
import tornado.web
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from workbook import services


# --- 1. 面向对象基础: obj["k"] is obj.__getitem__("k") ---------------------------------------------
class Foo:
    """The notes' Foo: indexing an object calls its __getitem__/__setitem__/__delitem__. It
    records the calls instead of printing them, so a test (and the notebook) can show them."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def __getitem__(self, key):
        self.calls.append(("__getitem__", key))

    def __setitem__(self, key, value):
        self.calls.append(("__setitem__", key, value))

    def __delitem__(self, key):
        self.calls.append(("__delitem__", key))


# --- 3. session: ids, and the dict-like object every backend shares -----------------------------
def create_session_id() -> str:
    """256 random bits from the OS, URL-safe: 43 characters of [A-Za-z0-9_-].

    The notes: sha1(bytes('%s%s' % (os.urandom(16), time.time()), encoding='utf-8')).hexdigest().
    Its randomness is os.urandom(16); sha1 adds none (it only hides where it comes from), and
    the time adds none an attacker could not guess. secrets.token_urlsafe is that, said plainly.
    """
    return secrets.token_urlsafe(32)


SESSION_ID = re.compile(r"[A-Za-z0-9_-]{43}")


class StoreError(Exception):
    """The store answered something the client could not use (aiomcache's ClientException)."""


SESSION_DOWN = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, StoreError,
                EOFError, OSError)


async def _blame(awaitable):
    """Await one call of a backend, and tell the store's failures from the caller's own: a
    ValidationException ("key must be bytes") is a mistake in the code that called aiomcache,
    and stays the exception it is (a 500 with its traceback in the log), where a
    ClientException from the server's answer becomes a StoreError, a 503."""
    try:
        return await awaitable
    except aiomcache.exceptions.ValidationException:
        raise
    except aiomcache.exceptions.ClientException as e:
        raise StoreError(str(e)) from e


def encode(data: dict) -> str:
    """JSON, not pickle: a store such as Redis is shared, and unpickling what someone else
    could write there is running their code (test_app.py::test_a_pickled_session_runs_code...)."""
    return json.dumps(data, separators=(",", ":"))


def decode(raw: str | bytes | None) -> dict | None:
    """The stored data, or None for anything that is not a JSON object (a new session)."""
    if raw is None:
        return None
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


class Session:
    """The notes' CacheSession interface: session["k"] reads (None when missing), sets and
    deletes. Subclasses only say how to _load, _save and _delete one serialised session."""

    cookie_name = "__sessionId__"  # the notes' name
    where = "the session store"    # what a 503 names

    def __init__(self, handler: tornado.web.RequestHandler, *, ttl: int, timeout: float = 2.0,
                 cookie_path: str = "/") -> None:
        self.handler = handler
        self.ttl = ttl
        self.timeout = timeout
        self.cookie_path = cookie_path
        self.session_id: str | None = None
        self.data: dict[str, Any] = {}

    # The notes' three methods
    def __getitem__(self, key: str):
        return self.data.get(key)

    def __setitem__(self, key: str, value) -> None:
        self.data[key] = value

    def __delitem__(self, key: str) -> None:
        self.data.pop(key, None)

    def __contains__(self, key: str) -> bool:
        return key in self.data

    # What a backend provides
    async def _load(self, session_id: str) -> str | bytes | None:
        raise NotImplementedError

    async def _save(self, session_id: str, value: str, ttl: int) -> None:
        raise NotImplementedError

    async def _delete(self, session_id: str) -> None:
        raise NotImplementedError

    def key(self, session_id: str) -> str:
        return f"session:{session_id}"

    def route(self, session_id: str) -> None:
        """Choose the store that keeps this session: with one store, nothing to choose
        (RingSession chooses one of several)."""

    async def store(self, operation, session_id: str, *args):
        """Run _load/_save/_delete for one session: down, refused, or slower than
        self.timeout is a 503 that names the store."""
        self.route(session_id)
        return await services.within(_blame(operation(session_id, *args)), what=self.where,
                                     timeout=self.timeout, errors=SESSION_DOWN)

    # The life cycle
    async def load(self) -> None:
        """The session the cookie names, if the store still has it; else a new, empty one (it
        gets an id, and the browser a cookie, only when something is saved)."""
        session_id = self.handler.get_cookie(self.cookie_name)
        if session_id and SESSION_ID.fullmatch(session_id):  # anything else never reaches a store
            data = decode(await self.store(self._load, session_id))
            if data is not None:
                self.session_id, self.data = session_id, data

    async def save(self) -> None:
        if self.session_id is None:
            if not self.data:
                return  # nothing to remember: no session, no cookie
            self.session_id = create_session_id()
        await self.store(self._save, self.session_id, encode(self.data), self.ttl)
        self.handler.set_cookie(
            self.cookie_name, self.session_id, path=self.cookie_path, max_age=self.ttl,
            httponly=True,  # page scripts cannot read it (an XSS cannot steal the session)
            samesite="Lax",  # other sites' forms do not send it (CSRF, chapter 06)
            secure=self.handler.request.protocol == "https")

    async def regenerate(self) -> None:
        """A new id for the same data, and the old one forgotten. Call it when the user logs in:
        an id someone planted in the browser before login is then worth nothing."""
        if self.session_id is not None:
            await self.store(self._delete, self.session_id)
        self.session_id = create_session_id()
        await self.save()

    async def clear(self) -> None:
        """Log out: forget the data, in the store too, and the cookie."""
        if self.session_id is not None:
            await self.store(self._delete, self.session_id)
        self.session_id, self.data = None, {}
        self.handler.clear_cookie(self.cookie_name, path=self.cookie_path, httponly=True,
                                  samesite="Lax", secure=self.handler.request.protocol == "https")


# --- The four backends ------------------------------------------------------------------------
class Backend(NamedTuple):
    """A store client and where it is (for messages)."""
    client: Any
    where: str


def backend(handler, name: str, title: str, env: str) -> Backend:
    """The application's store `name` (Application.redis, .memcached, .ring), or a 503."""
    found = getattr(handler.application, name, None)
    if found is None:
        raise tornado.web.HTTPError(
            503, "no %s configured: `make chapter-12` starts a private one, or set %s", title, env)
    return found


class CacheSession(Session):
    """The notes' CacheSession: a dict in this process. With a server-side expiry the notes'
    lacked; still lost at restart, and invisible to a second process (hence Redis)."""

    session_container: dict[str, tuple[float, str]] = {}  # id -> (expires at, data)
    clock = staticmethod(time.monotonic)
    where = "the in-process cache"

    async def _load(self, session_id):
        entry = self.session_container.get(session_id)
        if entry is None or entry[0] <= self.clock():
            self.session_container.pop(session_id, None)
            return None
        return entry[1]

    async def _save(self, session_id, value, ttl):
        now = self.clock()
        for expired in [k for k, (at, _) in self.session_container.items() if at <= now]:
            del self.session_container[expired]  # else the dict grows for ever, as the notes' did
        self.session_container[session_id] = (now + ttl, value)

    async def _delete(self, session_id):
        self.session_container.pop(session_id, None)


class RedisSession(Session):
    """One Redis key per session, "session:<id>", holding its JSON; Redis expires it (SET EX)."""

    def __init__(self, handler, **kwargs) -> None:
        super().__init__(handler, **kwargs)
        self.client, self.where = backend(handler, "redis", "Redis", "REDIS_URL")

    async def _load(self, session_id):
        return await self.client.get(self.key(session_id))

    async def _save(self, session_id, value, ttl):
        await self.client.set(self.key(session_id), value, ex=ttl)

    async def _delete(self, session_id):
        await self.client.delete(self.key(session_id))


class MemcachedSession(Session):
    """The same on memcached (aiomcache): keys and values are bytes, exptime is the TTL."""

    def __init__(self, handler, **kwargs) -> None:
        super().__init__(handler, **kwargs)
        self.client, self.where = backend(handler, "memcached", "memcached", "MEMCACHED_URL")

    async def _load(self, session_id):
        return await self.client.get(self.key(session_id).encode())

    async def _save(self, session_id, value, ttl):
        await self.client.set(self.key(session_id).encode(), value.encode(), exptime=ttl)

    async def _delete(self, session_id):
        await self.client.delete(self.key(session_id).encode())

    async def store(self, operation, session_id, *args):
        try:
            return await super().store(operation, session_id, *args)
        except tornado.web.HTTPError:
            # A call cut short by the timeout may leave half an answer on its connection, and
            # aiomcache would hand that connection to the next caller: drop the idle ones.
            await self.client.close()
            raise


class RingSession(RedisSession):
    """分布性session: sessions spread over several Redis servers. The ring picks the server from
    the session id alone, so every app process finds a session on the same server."""

    def __init__(self, handler, **kwargs) -> None:
        Session.__init__(self, handler, **kwargs)
        self.ring: RedisRing = backend(handler, "ring", "Redis ring", "REDIS_RING_URLS")
        self.client = self.where = None

    def route(self, session_id: str) -> None:
        self.client, self.where = self.ring.backends[self.ring.hash_ring.node_for(session_id)]

    @property
    def node(self) -> str | None:
        """The name of the server that keeps this session (None before the first save)."""
        return self.ring.hash_ring.node_for(self.session_id) if self.session_id else None


class SessionFactory:
    """The notes' factory: config.SESSION_TYPE chose the class. Here the handler's
    session_type does (set by initialize() from the route, else the app's settings)."""

    TYPES = {"cache": CacheSession, "memcached": MemcachedSession, "redis": RedisSession,
             "ring": RingSession}

    @staticmethod
    def get_session_obj(handler) -> Session:
        cls = SessionFactory.TYPES.get(handler.session_type)
        if cls is None:
            raise ValueError(f"unknown session_type {handler.session_type!r}: "
                             f"choose one of {sorted(SessionFactory.TYPES)}")
        return cls(handler, ttl=handler.settings["session_ttl"],
                   timeout=handler.settings["session_timeout"],
                   cookie_path=handler.cookie_path)


# --- Clients ----------------------------------------------------------------------------------
def redis_backend(url: str, title: str = "Redis") -> Backend:
    host, port = services.host_port(url, 6379)
    client = redis.asyncio.Redis.from_url(
        url, socket_connect_timeout=2, socket_timeout=5,  # bytes in, bytes out: decode() checks
        # One immediate retry on a fresh connection: after a restart, the first command finds
        # its pooled connection dead and succeeds on a new one instead of failing.
        retry=Retry(NoBackoff(), 1))
    return Backend(client, f"{title} at {host}:{port}")


def memcached_backend(url: str) -> Backend:
    host, port = services.host_port(url, 11211)
    return Backend(aiomcache.Client(host, port, pool_size=4, pool_minsize=1),
                   f"memcached at {host}:{port}")


# --- 4. 分布性session: consistent hashing ---------------------------------------------------------
class HashRing:
    """Consistent hashing. Each node is put at `replicas` points of a circle (the md5 of
    "name#0", "name#1", ...); a key belongs to the first node point at or after md5(key),
    going round. Adding a node takes over only the arcs just before its own points: about 1/n
    of the keys move, where `hash % n` moves most of them.

    Many points per node (virtual nodes) even out the arcs: with one point each, one node
    could own half the circle by bad luck.
    """

    def __init__(self, nodes: Iterable[str] = (), replicas: int = 160) -> None:
        self.replicas = replicas
        self._hashes: list[int] = []
        self._nodes: list[str] = []
        for node in nodes:
            self.add(node)

    @staticmethod
    def hash(key: str) -> int:
        return int.from_bytes(hashlib.md5(key.encode(), usedforsecurity=False).digest()[:8], "big")

    @property
    def nodes(self) -> list[str]:
        return sorted(set(self._nodes))

    def add(self, node: str) -> None:
        for i in range(self.replicas):
            h = self.hash(f"{node}#{i}")
            at = bisect.bisect(self._hashes, h)
            self._hashes.insert(at, h)
            self._nodes.insert(at, node)

    def remove(self, node: str) -> None:
        kept = [(h, n) for h, n in zip(self._hashes, self._nodes) if n != node]
        self._hashes = [h for h, _ in kept]
        self._nodes = [n for _, n in kept]

    def node_for(self, key: str) -> str:
        if not self._hashes:
            raise LookupError("the ring has no nodes")
        at = bisect.bisect_left(self._hashes, self.hash(key)) % len(self._hashes)
        return self._nodes[at]


class ModuloRouter:
    """The obvious way, for comparison: node number md5(key) % n."""

    def __init__(self, nodes: Iterable[str]) -> None:
        self.nodes = list(nodes)

    def node_for(self, key: str) -> str:
        return self.nodes[HashRing.hash(key) % len(self.nodes)]


def moved(keys: list[str], before, after) -> float:
    """The fraction of keys whose node differs between two routers."""
    return sum(before.node_for(k) != after.node_for(k) for k in keys) / len(keys)


def ring_names(urls) -> dict[str, str]:
    """{"redis-a": url, ...} from a dict, a list, or a comma-separated string of URLs."""
    if isinstance(urls, str):
        urls = [u.strip() for u in urls.split(",") if u.strip()]
    if isinstance(urls, dict):
        return dict(urls)
    return {f"redis-{chr(ord('a') + i)}": url for i, url in enumerate(urls)}


class RedisRing:
    """Several Redis servers, by name, and the ring over their names. Names, not URLs: a
    server moved to another port keeps its keys."""

    def __init__(self, urls: dict[str, str], replicas: int = 160) -> None:
        self.urls = ring_names(urls)
        self.nodes = list(self.urls)
        self.backends = {name: redis_backend(url, f"Redis {name}")
                         for name, url in self.urls.items()}
        self.hash_ring = HashRing(self.nodes, replicas)

    async def close(self) -> None:
        await asyncio.gather(*(b.client.aclose() for b in self.backends.values()))
