"""Chapter 04 exercise, solved.

Why it looks like this:
  - A StaticFileHandler route needs a group: (r"/downloads/(.*)", ...) hands the file name to
    get(path), and {"path": ...} is the folder, the route's own root. Everything outside it
    (../, encoded or not, absolute paths, symlinks out) is refused by the handler, as for /static/.
  - set_headers() sets the caching headers first and calls set_extra_headers() last, so a header
    set there wins. But get_cache_time() is what sets Expires (ten years for any ?v=), so it
    returns 0 for downloads; set_extra_headers() then says what to do instead: no-cache keeps
    the file but asks every time, and the ETag turns that question into a cheap 304.
  - get_content_version() is a classmethod that gets only the absolute path: everything it needs
    must come from the file. The mtime in whole seconds is what Last-Modified shows too. It is
    cheap (no hashing), but it changes when a checkout or a copy touches the file, and two
    servers with different mtimes would name the same file differently: a content hash (the
    default) or a build manifest is steadier in production.
  - static_handler_class is the one setting that makes both static_url() (make_static_url ->
    get_version -> get_content_version) and the /static/ route use the subclass; the ETag,
    computed from the same version, follows.
  - Versions are cached per class, per process, by absolute path: after a file changes, the old
    version stays until MtimeStaticHandler.reset() (or a restart).
"""
import datetime
import os

import tornado.web

from chapters.ch04_static_files.app import ASSETS, FILES, StaticHandler
from workbook.web import BaseHandler, NotFoundHandler


class IndexHandler(BaseHandler):
    def get(self):
        self.write(f'<img src="{self.static_url("a.png")}" alt="a topaz" />')


class DownloadHandler(StaticHandler):
    """Serves the downloads_path folder under /downloads/ (step 1)."""

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Content-Disposition", "attachment")
        self.set_header("Cache-Control", "no-cache")

    def get_cache_time(self, path: str, modified: datetime.datetime | None,
                       mime_type: str) -> int:
        return 0


class MtimeStaticHandler(StaticHandler):
    """The handler behind /static/... and static_url(), once step 4 is done."""

    @classmethod
    def get_content_version(cls, abspath: str) -> str:
        return str(int(os.stat(abspath).st_mtime))


def make_app(**overrides) -> tornado.web.Application:
    settings = {
        "static_path": ASSETS,
        "downloads_path": FILES,
        "default_handler_class": NotFoundHandler,
        "static_handler_class": MtimeStaticHandler,
        **overrides,
    }
    settings["static_path"] = str(settings["static_path"])
    settings["downloads_path"] = str(settings["downloads_path"])
    return tornado.web.Application(
        [
            (r"/", IndexHandler),
            (r"/downloads/(.*)", DownloadHandler, {"path": settings["downloads_path"]}),
        ],
        **settings,
    )
