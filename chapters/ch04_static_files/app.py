"""Chapter 04 · 静态文件 Static files and caching.

Run it:  make chapter-04        or   python -m chapters.ch04_static_files.app --port=8804
Lesson:  chapters/ch04_static_files/README.md

The files on disk (static/ch04_static_files/):
    assets/   static_path: what /static/... serves (a.png, style.css, robots.txt)
    files/    a second folder, served by a route of its own: /files/...
Two sibling folders, neither inside the other, so that neither URL reaches the other's files.
"""
if not __package__:
    raise SystemExit("Run it with `make chapter-04`, or in the venv: "
                     "python -m chapters.ch04_static_files.app")

import asyncio

import tornado.web

from workbook import manifest
from workbook.runner import parse_port, serve
from workbook.web import BaseHandler, NotFoundHandler, StaticHandler

CHAPTER = manifest.for_path(__file__)
STATIC = manifest.ROOT / "static" / CHAPTER.slug
ASSETS = STATIC / "assets"  # the notes: 'static_path': 'static'
FILES = STATIC / "files"


# --- c. 静态文件缓存: the handler that serves /static/... is workbook.web.StaticHandler, Tornado's
# StaticFileHandler with plain-text errors and a 400 (not a 500) for a NUL byte in the path.
# Every chapter that serves files uses it; this is the chapter that explains it.


# --- b. son.html: <img src="{{ static_url("a.png") }}" /> -----------------------------------------
class SonHandler(BaseHandler):
    def get(self):
        self.render("son.html")


def make_app(**overrides) -> tornado.web.Application:
    # a. the notes' settings. Tests override static_path / files_path (temporary copies).
    settings = {
        "template_path": manifest.ROOT / "tpl" / CHAPTER.slug,
        "static_path": ASSETS,         # Application adds /static/(.*), /favicon.ico, /robots.txt
        "static_url_prefix": "/static/",  # the default; static_url() and the route both use it
        "static_handler_class": StaticHandler,  # the class behind those routes and static_url()
        "files_path": FILES,
        "default_handler_class": NotFoundHandler,
        **overrides,
    }
    settings["static_path"] = str(settings["static_path"])
    settings["files_path"] = str(settings["files_path"])
    return tornado.web.Application(
        [
            (r"/", SonHandler),
            # c. The notes wrote (r"/static", tornado.web.StaticFileHandler, {"path": ...}).
            # Without a group there is no file name to pass to get(path): GET /static is a 500.
            # A route of its own needs its own prefix, a group, and the folder it serves:
            (r"/files/(.*)", StaticHandler, {"path": settings["files_path"]}),
        ],
        **settings,
    )


async def main(argv=None):
    await serve(make_app(), parse_port(argv, default=CHAPTER.port), paths=CHAPTER.paths)


if __name__ == "__main__":
    asyncio.run(main())
