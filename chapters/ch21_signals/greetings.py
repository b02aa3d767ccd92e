"""Chapter 21, part one · signal: the five request signals and a signal of the app's own.

Run it:  python -m chapters.ch21_signals.greetings --port=8822    (make try-21 serves it with
         your exercise's Signal; make chapter-21 serves part two, the site in project/)
Lesson:  chapters/ch21_signals/README.md, sections 1-5
"""
if not __package__:
    raise SystemExit("Run it in the venv: python -m chapters.ch21_signals.greetings")

import asyncio

from chapters.ch21_signals.journal import REQUEST_SIGNALS, Journal
from tornkit.application import Application
from tornkit.conf import Settings
from tornkit.handler import WebHandler
from tornkit.signals import Signal
from tornkit.urls import Url, route
from workbook import manifest
from workbook.runner import parse_port, serve
from workbook.web import BaseHandler, NotFoundHandler

CHAPTER = manifest.for_path(__file__)
PORT = CHAPTER.port + 1  # the chapter's own port is the site's
PATHS = ["/", "/hello?name=Tornado", "/greetings", "/trace"]
TEMPLATE_PATH = manifest.ROOT / "tpl" / CHAPTER.slug
DATA_DIR = manifest.ROOT / "var" / CHAPTER.slug  # the app writes nothing; the setting is kept

# --- 中间件配置: the signal middleware sends the five request signals ------------------------------
MIDDLEWARE_CLASSES = ("tornkit.signals.SignalMiddleware",)


# --- handlers ----------------------------------------------------------------------------------
class Page(BaseHandler, WebHandler):
    @property
    def journal(self) -> Journal:
        return self.application.journal


class Index(Page):
    def get(self):
        self.render("index.html", signals=REQUEST_SIGNALS, finished=list(self.journal.finished),
                    so_far=list(self.request.signal_trace))


class Hello(Page):
    """快速入门's helloworld, and a signal of the app's own: greeted(sender=Hello, name=...)."""

    def get(self):
        name = self.get_query_argument("name", "world").strip()[:40] or "world"
        results = self.application.greeted.send(Hello, name=name)
        times = next((r for receiver, r in results if isinstance(r, int)), 0)
        self.render("hello.html", name=name, times=times, receivers=len(results))


class Trace(Page):
    def get(self):
        self.write({"finished": list(self.journal.finished),
                    "this_request_so_far": list(self.request.signal_trace)})


class Greetings(Page):
    def get(self):
        self.write(dict(self.journal.greetings))


u = Url()
urls = route(
    u(r"/", Index, name="Index"),
    u(r"/hello", Hello, name="Hello"),
    u(r"/trace", Trace, name="Trace"),
    u(r"/greetings", Greetings, name="Greetings"),
)


def make_app(**overrides) -> Application:
    signal_class = overrides.pop("signal_class", Signal)  # the exercise brings its own Signal
    broken_receiver = overrides.pop("broken_receiver", False)
    conf = Settings(MIDDLEWARE_CLASSES=overrides.pop("middleware", MIDDLEWARE_CLASSES))
    settings = {"template_path": TEMPLATE_PATH, "default_handler_class": NotFoundHandler,
                "data_dir": DATA_DIR, **overrides}
    app = Application(urls, conf=conf, **settings)
    app.greeted = signal_class("greeted")  # one per app: its receivers are this app's
    app.journal = Journal(app, app.greeted, broken_receiver=broken_receiver)
    return app


async def main(argv=None):
    await serve(make_app(), parse_port(argv, default=PORT), paths=PATHS)


if __name__ == "__main__":
    asyncio.run(main())
