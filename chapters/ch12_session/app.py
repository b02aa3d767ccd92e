"""Chapter 12 · 自定义Web组件: session · 分布性session: the notes' session component, on four
stores side by side: /cache/ (in this process), /memcached/, /redis/, and /ring/ (three Redis
servers, by consistent hashing). The component itself (the notes' Foo, CacheSession,
SessionFactory, and the backends they left as `pass`) is session.py; this file is the notes'
Tornado扩展: the handlers that use it. With REDIS_URL, MEMCACHED_URL and REDIS_RING_URLS unset,
private servers run for the app's life (stores.py).
"""
if not __package__:
    raise SystemExit("Run it with `make chapter-12`, or in the venv: "
                     "python -m chapters.ch12_session.app")

import asyncio
import os

import tornado.ioloop
import tornado.web

from workbook import manifest
from workbook.runner import parse_port, serve
from workbook.web import BaseHandler as WorkbookHandler
from workbook.web import NotFoundHandler

from .session import RedisRing, SessionFactory, memcached_backend, redis_backend
from .stores import KINDS, RING_NAMES, provide_stores  # noqa: F401  (RING_NAMES: the notebook)
from .users import password_matches

CHAPTER = manifest.for_path(__file__)


# --- 0. The stores: the four (KINDS) and the private servers main() starts are in stores.py ---


# --- 2. Tornado扩展: initialize() runs for every request; the session loads in prepare() -------
class BaseHandler(WorkbookHandler):
    def initialize(self, session_type: str | None = None) -> None:
        # The notes' hook. Tornado calls it with the route's kwargs, for every request, before
        # prepare(). It cannot await: a coroutine here would never run. So it only says which
        # store this page uses; the loading waits for prepare().
        self.session_type = session_type or self.settings["session_type"]
        self.cookie_path = f"/{session_type}/" if session_type else "/"

    async def prepare(self) -> None:
        # prepare() may be a coroutine, and Tornado waits for it before get()/post(): the place
        # to wait for Redis or memcached without blocking anyone else.
        self.session = SessionFactory.get_session_obj(self)
        await self.session.load()

    def get_current_user(self) -> str | None:
        return self.session["user"]

    def home(self) -> str:
        return f"/{self.session_type}/"

    def page(self, template: str, **kwargs) -> None:
        self.render(template, kind=self.session_type, title=KINDS[self.session_type], **kwargs)


class HomeHandler(BaseHandler):
    async def get(self):
        self.session["visits"] = (self.session["visits"] or 0) + 1
        await self.session.save()
        self.page("home.html", session=self.session, node=getattr(self.session, "node", None))


class LoginHandler(BaseHandler):
    def get(self):
        self.page("login.html", error=None)

    async def post(self):
        name = self.get_body_argument("username")
        # scrypt takes tens of milliseconds of CPU on purpose: on a worker thread, not the loop
        matches = await tornado.ioloop.IOLoop.current().run_in_executor(
            None, password_matches, name, self.get_body_argument("password"))
        if not matches:
            self.set_status(403)
            return self.page("login.html", error="wrong username or password")
        self.session["user"] = name
        await self.session.regenerate()  # a new id at login: no session fixation
        self.redirect(self.home())


class LogoutHandler(BaseHandler):
    async def post(self):
        await self.session.clear()
        self.redirect(self.home())


class IndexHandler(WorkbookHandler):
    def get(self):
        configured = {kind: kind == "cache" or getattr(self.application, kind) is not None
                      for kind in KINDS}
        self.render("index.html", kinds=KINDS, configured=configured)


# --- The application: its session stores ----------------------------------------------------
class Application(tornado.web.Application):
    """The stores the sessions use, each a session.Backend (a client and where it is), or None
    when not configured (its pages are then a 503 that says how to get one)."""

    def __init__(self, handlers, **settings):
        super().__init__(handlers, **settings)
        s = self.settings
        self.redis = redis_backend(s["redis_url"]) if s["redis_url"] else None
        self.memcached = memcached_backend(s["memcached_url"]) if s["memcached_url"] else None
        self.ring = RedisRing(s["ring_urls"]) if s["ring_urls"] else None

    async def close(self) -> None:
        """Close the store clients (their connections); serve() awaits it on Ctrl-C."""
        if self.redis:
            await self.redis.client.aclose()
        if self.memcached:
            await self.memcached.client.close()
        if self.ring:
            await self.ring.close()


def make_app(**overrides) -> Application:
    settings = {
        "template_path": manifest.ROOT / "tpl" / CHAPTER.slug,
        "default_handler_class": NotFoundHandler,
        "xsrf_cookies": True,
        "session_type": "cache",  # the notes' config.SESSION_TYPE, for handlers without a prefix
        "session_ttl": 30 * 60,   # seconds; each save starts it again (a sliding expiry)
        "session_timeout": 2.0,   # seconds a store may take before the page is a 503
        "redis_url": os.environ.get("REDIS_URL") or None,
        "memcached_url": os.environ.get("MEMCACHED_URL") or None,
        "ring_urls": os.environ.get("REDIS_RING_URLS") or None,  # a dict, a list, or "a,b,c"
        **overrides,
    }
    handlers = [(r"/", IndexHandler)]
    for kind in KINDS:
        handlers += [
            (rf"/{kind}/", HomeHandler, {"session_type": kind}),
            (rf"/{kind}/login", LoginHandler, {"session_type": kind}),
            (rf"/{kind}/logout", LogoutHandler, {"session_type": kind}),
            (rf"/{kind}", tornado.web.RedirectHandler, {"url": f"/{kind}/"}),
        ]
    return Application(handlers, **settings)


async def main(argv=None):
    port = parse_port(argv, default=CHAPTER.port)
    # Each store from its variable if set, else a private server for as long as the app runs.
    with provide_stores() as urls:  # redis_url=, memcached_url=, ring_urls=
        await serve(make_app(**urls), port, paths=CHAPTER.paths)  # closes the app when it stops


if __name__ == "__main__":
    asyncio.run(main())
