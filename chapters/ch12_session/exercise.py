"""Chapter 12 exercise: the notes' MemcachedSession, for real, in a small shop.

The notes left it empty:

    class MemcachedSession:
        def __init__(self, handler):
            pass

Write it on the Session base class of chapters/ch12_session/session.py. The base already does
the dict-like part (self.session["items"]), the JSON, the id and the cookie; a backend only says
how to load, save and delete the text of one session. (session.py has its own MemcachedSession:
try without reading it first.) Then use it in the shop below:

  1. ShopHandler.prepare: make the session (a MemcachedSession with ttl=TTL, as
        self.session) and load it. prepare() may be `async def`: Tornado waits for it before
        get()/post() (lesson §2).
  2. MemcachedSession._load(session_id) -> the stored bytes, or None when memcached has none
        The key is self.key(session_id) ("session:<id>"), encoded: aiomcache takes bytes.
  3. MemcachedSession._save(session_id, value, ttl): store value (a str of JSON: encode it)
        under the key, expiring after ttl seconds (aiomcache's set() takes an exptime).
  4. MemcachedSession._delete(session_id)
  5. LoginHandler.post: a new session id at login, so that an id planted in the browser
        before login is worth nothing afterwards (lesson §4; Session has the method).

Check your work with:  make check-12     (it starts a private memcached for the tests)
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
        raise NotImplementedError("MemcachedSession._load: step 2")  # TODO step 2

    async def _save(self, session_id, value, ttl):
        raise NotImplementedError("MemcachedSession._save: step 3")  # TODO step 3

    async def _delete(self, session_id):
        raise NotImplementedError("MemcachedSession._delete: step 4")  # TODO step 4


class ShopHandler(BaseHandler):
    async def prepare(self):
        pass  # TODO step 1: self.session = ...; then load it

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
        await self.session.save()  # TODO step 5: a new session id instead
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
