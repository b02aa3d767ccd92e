"""Chapter 12 exercise, solved.

Why it looks like this:
  - The backend is three small coroutines; everything else (ids, JSON, cookie flags, expiry
    on save) lives once in Session. That is the notes' design, SessionFactory choosing among
    classes with one interface, made to work with stores you must wait for.
  - aiomcache speaks bytes: the key "session:<id>" and the JSON are encoded, and get()
    answers None for a key memcached does not have (never set, expired, or evicted).
  - exptime=ttl makes memcached forget the session by itself: expiry on the server, not only
    in the cookie (the notes' cookie expired; their dict never did).
  - prepare() is where the session is loaded, because it may be a coroutine and Tornado waits
    for it; initialize() may not, and a blocking client there would stall every request.
  - regenerate() at login gives the logged-in session an id nobody could have known before,
    and deletes the old one from memcached: a planted id is worth nothing (session fixation).
"""
import tornado.web

from chapters.ch12_session.session import Session
from workbook.web import BaseHandler, NotFoundHandler

TTL = 600  # seconds


class MemcachedSession(Session):
    def __init__(self, handler, **kwargs):
        super().__init__(handler, **kwargs)
        self.client, self.where = handler.application.memcached  # an aiomcache.Client

    async def _load(self, session_id):
        return await self.client.get(self.key(session_id).encode())

    async def _save(self, session_id, value, ttl):
        await self.client.set(self.key(session_id).encode(), value.encode(), exptime=ttl)

    async def _delete(self, session_id):
        await self.client.delete(self.key(session_id).encode())


class ShopHandler(BaseHandler):
    async def prepare(self):
        self.session = MemcachedSession(self, ttl=TTL)
        await self.session.load()

    def cart(self):
        self.write({"user": self.session["user"], "items": self.session["items"] or []})

    def write_error(self, status_code, **kwargs):
        # For this exercise only: a 500 names the exception, so that `make check-12` can show
        # which step raised it (a real app never shows its exceptions to the client).
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if status_code == 500 and exc is not None:
            self.finish(f"500: {type(exc).__name__}: {exc}\n")
        else:
            super().write_error(status_code, **kwargs)


class CartHandler(ShopHandler):
    def get(self):
        self.cart()

    async def post(self):
        self.session["items"] = (self.session["items"] or []) + [self.get_body_argument("item")]
        await self.session.save()
        self.cart()


class LoginHandler(ShopHandler):
    async def post(self):
        self.session["user"] = self.get_body_argument("username")
        await self.session.regenerate()
        self.cart()


class LogoutHandler(ShopHandler):
    async def post(self):
        await self.session.clear()
        self.write({"user": None, "items": []})


class Application(tornado.web.Application):
    def __init__(self, handlers, *, memcached, **settings):
        super().__init__(handlers, **settings)
        self.memcached = memcached  # the tests make it, and close it


def make_app(memcached) -> Application:
    """memcached: a session.Backend, (aiomcache.Client, "memcached at host:port")."""
    return Application(
        [(r"/cart", CartHandler), (r"/login", LoginHandler), (r"/logout", LogoutHandler)],
        memcached=memcached, default_handler_class=NotFoundHandler)
