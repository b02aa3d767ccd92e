"""Chapter 17 · 模板引擎 (template engines) and FlashMessageMixIn: Tornado, Jinja2 and Mako
behind one TEMPLATE_CONFIG, and messages that wait for the next page.

Run it:  make chapter-17        or   python -m chapters.ch17_templates.app --port=8817
Lesson:  chapters/ch17_templates/README.md
"""
if not __package__:
    raise SystemExit("Run it with `make chapter-17`, or in the venv: "
                     "python -m chapters.ch17_templates.app")

import asyncio

import tornado.routing
import tornado.web

from tornkit.application import Application
from tornkit.conf import Settings
from tornkit.flash import FlashMessageMixIn, FlashTooLarge
from tornkit.handler import WebHandler
from tornkit.urls import Url, route
from workbook import manifest
from workbook.runner import parse_port, serve
from workbook.secrets import SecretError, check_secret, cookie_secret
from workbook.web import BaseHandler, NotFoundHandler

CHAPTER = manifest.for_path(__file__)
TEMPLATE_PATH = manifest.ROOT / "tpl" / CHAPTER.slug  # one path for the three engines
DATA_DIR = manifest.ROOT / "var" / CHAPTER.slug
PAYLOAD = "<script>alert('xss')</script>"

# --- 模板引擎: one TEMPLATE_CONFIG per Application -------------------------------------------------
# Each engine finds its own files under the same template path (Jinja2's and Mako's under their
# own extension). Each engine's page, and the UI module's template, by engine:
ENGINES = ("tornado", "jinja2", "mako")
PAGES = {"tornado": "tornado/page.html", "jinja2": "jinja2/page.jinja", "mako": "mako/page.mako"}
NOTICES = {"tornado": "tornado/notice.html", "jinja2": "jinja2/notice.jinja",
           "mako": "mako/notice.mako"}


class Page(FlashMessageMixIn, BaseHandler, WebHandler):
    """FlashMessageMixIn first, BaseHandler's error pages (a message, no traceback) next."""

    engine = "tornado"  # the engine of this page (set by Sample)


class Notice(tornado.web.UIModule):
    """A UI module that adds CSS and JavaScript: render() splices both into the page's bytes,
    which is where tornadopy's str-returning adapters failed."""

    def render(self, text, level="info"):
        return self.render_string(NOTICES[self.handler.engine], text=text, level=level)

    def embedded_css(self):
        return ".notice { border-left: 4px solid #2a7; padding: .2em .6em; }"

    def embedded_javascript(self):
        return "document.body.dataset.notice = 'shown';"


class Index(Page):
    def get(self):
        self.render("index.html", engines=ENGINES, payload=PAYLOAD)


class Sample(Page):
    """The same page from each engine; ?text= is a visitor's text, escaped by all three."""

    def get(self, engine):
        text = self.get_query_argument("text", "nothing yet")[:500]
        self.engine = engine
        self.render(PAGES[engine], engine=engine, text=text, items=["Tornado", "Jinja2", "Mako"])


# --- FlashMessageMixIn: flash, redirect, shown once ----------------------------------------------
class Flash(Page):
    def post(self):
        message = self.get_body_argument("message", "").strip()
        engine = self.get_body_argument("engine", "tornado")
        if not message:
            raise tornado.web.HTTPError(400, "the message is empty")
        if engine not in ENGINES:
            raise tornado.web.HTTPError(400, "no engine %r: one of %s", engine, ", ".join(ENGINES))
        try:
            self.flash(f"Flashed: {message}", "success")
            self.flash("This message is shown once: reload the page and it is gone.", "info")
        except FlashTooLarge as e:  # over a cookie's 4 KB: the visitor is told, nothing is lost
            raise tornado.web.HTTPError(400, "%s", e) from None
        self.redirect(self.reverse_url("page", engine))


u = Url()


def engine_app(engine: str, settings: dict, loader=None, mixin=None) -> Application:
    """An Application whose pages come from one engine (its own TEMPLATE_CONFIG)."""
    conf = Settings(TEMPLATE_CONFIG={"template_engine": loader or engine})
    return Application(route(u(rf"/({engine})", mix(Sample, mixin), name="page")), conf=conf,
                       **settings)


def mix(handler, mixin):
    """handler, with another FlashMessageMixIn first (make try-17: the exercise's)."""
    return type(handler.__name__, (mixin, handler), {}) if mixin else handler


def make_app(**overrides) -> Application:
    loader, mixin = overrides.pop("jinja2_loader", None), overrides.pop("flash_mixin", None)
    settings = {"template_path": TEMPLATE_PATH, "ui_modules": {"Notice": Notice},
                "xsrf_cookies": True, "default_handler_class": NotFoundHandler,
                "data_dir": DATA_DIR, **overrides}
    if "cookie_secret" in settings:
        check_secret(settings["cookie_secret"])
    else:
        settings["cookie_secret"] = cookie_secret(settings["data_dir"])
    # /jinja2 and /mako go to an Application of their own (one engine per Application),
    # through its router: its handlers belong to it, and its routes can be listed from here.
    others = [tornado.routing.Rule(tornado.routing.PathMatches(f"/{engine}"),
                                   engine_app(engine, settings, loader if engine == "jinja2"
                                              else None, mixin).wildcard_router)
              for engine in ENGINES[1:]]
    urls = route(u(r"/", mix(Index, mixin), name="index"),
                 u(r"/flash", mix(Flash, mixin), name="flash"),
                 u(r"/(tornado)", mix(Sample, mixin), name="page"))
    return Application([*others, *urls], conf=Settings(), **settings)


async def main(argv=None):
    try:
        app = make_app()
    except SecretError as e:
        raise SystemExit(f"Refusing to start: {e}") from None
    await serve(app, parse_port(argv, default=CHAPTER.port), paths=CHAPTER.paths)


if __name__ == "__main__":
    asyncio.run(main())
