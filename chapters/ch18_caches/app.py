"""Chapter 18 · 缓存 (Caches): one async cache API, configured by CACHES, on local memory,
files, Redis, memcached and a Redis Cluster; each serves a visit counter and a cached slow page.

Run it:  make chapter-18        or   python -m chapters.ch18_caches.app --port=8818
         (REDIS_URL, MEMCACHED_URL, REDIS_CLUSTER_URLS unset: private servers run for the app's
         life and are removed on exit)
Lesson:  chapters/ch18_caches/README.md
"""
if not __package__:
    raise SystemExit("Run it with `make chapter-18`, or in the venv: "
                     "python -m chapters.ch18_caches.app")

import asyncio
import contextlib
import os
import time

import tornado.ioloop
import tornado.web

from chapters.ch18_caches.backends import BACKENDS, caches_for
from tornkit.application import Application
from tornkit.cache import CacheError
from tornkit.conf import Settings
from tornkit.handler import WebHandler
from workbook import manifest, services
from workbook.runner import parse_port, serve
from workbook.web import BaseHandler as WorkbookHandler
from workbook.web import NotFoundHandler, number_argument

CHAPTER = manifest.for_path(__file__)
DATA_DIR = manifest.ROOT / "var" / CHAPTER.slug
TIMEOUT = 30  # seconds a computed page stays in the cache
SERVERS = {"redis": "REDIS_URL", "memcached": "MEMCACHED_URL", "cluster": "REDIS_CLUSTER_URLS"}


# --- The handlers: the cache named in the URL, from the Application's registry ----------------
class BaseHandler(WorkbookHandler, WebHandler):
    def on_prepare(self) -> None:  # after the middlewares' process_request (chapter 15)
        self.alias = self.path_args[0]
        if self.alias not in self.application.conf.CACHES:
            # A store without a URL: a 503 that says how to get one, not a 500.
            raise tornado.web.HTTPError(503, "no %s configured: `make chapter-18` starts a "
                                        "private one, or set %s", self.alias,
                                        SERVERS.get(self.alias, "it in CACHES"))
        # Any call below may raise CacheUnavailable, an HTTPError 503 that names the store.
        self.cache = self.application.caches[self.alias]

    def page(self, **values) -> None:
        self.render("page.html", alias=self.alias, title=BACKENDS[self.alias],
                    backend=type(self.cache).__name__, backends=BACKENDS, timeout=TIMEOUT,
                    **{"counter": False, **values})


class CounterHandler(BaseHandler):
    async def get(self, alias):
        await self.cache.add("visits", 0, timeout=None)  # only the first visit creates it
        try:
            visits = await self.cache.incr("visits")  # atomic, whoever else counts
        except ValueError:  # gone since add(): evicted, cleared, or the dummy cache
            visits = None
        self.page(counter=True, visits=visits)


def count_primes(n: int) -> int:
    """Slow on purpose (trial division): the kind of work worth caching."""
    return sum(all(p % d for d in range(2, int(p ** 0.5) + 1)) for p in range(2, n))


class PrimesHandler(BaseHandler):
    async def get(self, alias):
        n = number_argument(self, "n", 50_000, low=2, high=200_000)
        started = time.perf_counter()
        count = await self.cache.get(f"primes:{n}")
        hit = count is not None
        if not hit:  # a miss: compute (on a worker thread), and keep it for TIMEOUT seconds
            count = await tornado.ioloop.IOLoop.current().run_in_executor(None, count_primes, n)
            await self.cache.set(f"primes:{n}", count, timeout=TIMEOUT)
        self.page(n=n, count=count, hit=hit, elapsed=time.perf_counter() - started)


class IndexHandler(WorkbookHandler):
    def get(self):
        self.render("index.html", backends=BACKENDS, configured=self.application.conf.CACHES,
                    timeout=TIMEOUT)


# --- The application: CACHES in its settings, its registry in app.caches ---------------------
def make_app(*, redis_url: str | None = None, memcached_url: str | None = None,
             cluster_url: str | None = None, **overrides) -> Application:
    caches = caches_for(redis_url=redis_url or os.environ.get("REDIS_URL"),
                        memcached_url=memcached_url or os.environ.get("MEMCACHED_URL"),
                        cluster_url=cluster_url or os.environ.get("REDIS_CLUSTER_URLS"),
                        KEY_PREFIX="ch18")
    settings = {"template_path": manifest.ROOT / "tpl" / CHAPTER.slug, "data_dir": DATA_DIR,
                "default_handler_class": NotFoundHandler, **overrides}
    alias = "(" + "|".join(BACKENDS) + ")"
    return Application([(r"/", IndexHandler),
                        (rf"/{alias}/counter", CounterHandler),
                        (rf"/{alias}/primes", PrimesHandler)],
                       conf=Settings(CACHES=caches), **settings)


async def main(argv=None):
    port = parse_port(argv, default=CHAPTER.port)
    # Each store from its variable if set, else a private server for as long as the app runs.
    with contextlib.ExitStack() as stack:
        try:
            redis_url = stack.enter_context(services.provide("redis"))
            memcached_url = stack.enter_context(services.provide("memcached"))
            cluster_url = stack.enter_context(services.provide_redis_cluster())
        except services.ServiceError as e:
            raise SystemExit(f"chapter 18 needs its stores: {e}") from None
        app = make_app(redis_url=redis_url, memcached_url=memcached_url, cluster_url=cluster_url)
        await serve(app, port, paths=CHAPTER.paths)  # closes the app, and its caches


if __name__ == "__main__":
    asyncio.run(main())
