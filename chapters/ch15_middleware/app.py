"""Chapter 15 · handler · 中间件 (middleware): WebHandler, ApiHandler and MIDDLEWARE_CLASSES.

Run it:  make chapter-15        or   python -m chapters.ch15_middleware.app --port=8815
Lesson:  chapters/ch15_middleware/README.md
"""
if not __package__:
    raise SystemExit("Run it with `make chapter-15`, or in the venv: "
                     "python -m chapters.ch15_middleware.app")

import asyncio

import tornado.web

from tornkit.application import Application
from tornkit.conf import Settings
from tornkit.handler import ApiHandler, WebHandler
from tornkit.urls import Url, route
from workbook import manifest
from workbook.runner import parse_port, serve
from workbook.web import BaseHandler, NotFoundHandler, number_argument

CHAPTER = manifest.for_path(__file__)
TEMPLATE_PATH = manifest.ROOT / "tpl" / CHAPTER.slug
DATA_DIR = manifest.ROOT / "var" / CHAPTER.slug  # the app writes nothing; the setting is kept

# --- 中间件配置: MIDDLEWARE_CLASSES, outermost first ----------------------------------------------
# Request phases run top to bottom, response phases bottom to top: Timing sees the whole request.
MIDDLEWARE_CLASSES = (
    "chapters.ch15_middleware.middlewares.Timing",
    "chapters.ch15_middleware.middlewares.Auth",
    "chapters.ch15_middleware.middlewares.Trace",
)


# --- handler: WebHandler, with workbook.web's plain-text error pages -------------------------------
class Page(BaseHandler, WebHandler):
    """BaseHandler first: its write_error (a message, never a traceback) wins."""

    user = None  # set by the Auth middleware's process_request


class Index(Page):
    def get(self):
        self.render("index.html", middlewares=MIDDLEWARE_CLASSES)


class Hello(Page):
    SUPPORTED_METHODS = ("GET",)  # POST is a 405 before prepare(): see /traces afterwards

    def on_prepare(self):
        # After every middleware's process_request, the async Auth included.
        self.name = self.user or "stranger"

    def get(self):
        # Each render_string (the page, both Card modules, the footer) fires process_render.
        self.render("hello.html", user=self.name, trace=self.request.trace)


class Private(Page):
    def get(self):
        self.write(f"Welcome, {self.user}: Auth let you in.\n")  # Auth answered 401 otherwise


class Maintenance(Page):
    def get(self):
        # An exception like any other for the middlewares (process_exception), and a plain 503
        # page for the visitor. An unexpected one would be a 500 with the same path.
        raise tornado.web.HTTPError(503, "down for maintenance until %s", "10:00 UTC")


class Card(tornado.web.UIModule):
    def render(self, title):
        return self.render_string("card.html", title=title)


# --- ApiHandler.write_api: JSON, and never JSONP -------------------------------------------------
class HelloApi(ApiHandler, BaseHandler):
    user = None

    def get(self):
        self.write_api({"hello": self.user or "stranger", "chapter": CHAPTER.number})


class Traces(ApiHandler, BaseHandler):
    def get(self):
        n = number_argument(self, "n", 10, low=1, high=20)
        finished = [trace for trace in self.application.traces if trace[-1] == "process_endcall"]
        self.write_api({"traces": finished[-n:]})


u = Url()
urls = route(
    u(r"/", Index, name="index"),
    u(r"/hello", Hello, name="hello"),
    u(r"/private", Private, name="private"),
    u(r"/maintenance", Maintenance, name="maintenance"),
    u(r"/api/hello", HelloApi, name="api-hello"),
    u(r"/traces", Traces, name="traces"),
)


def make_app(**overrides) -> Application:
    conf = Settings(MIDDLEWARE_CLASSES=overrides.pop("middleware_classes", MIDDLEWARE_CLASSES))
    settings = {"template_path": TEMPLATE_PATH, "ui_modules": {"Card": Card},
                "default_handler_class": NotFoundHandler, "data_dir": DATA_DIR, **overrides}
    return Application(urls, conf=conf, **settings)


async def main(argv=None):
    await serve(make_app(), parse_port(argv, default=CHAPTER.port), paths=CHAPTER.paths)


if __name__ == "__main__":
    asyncio.run(main())
