"""Chapter 04 exercise: version static files by date, and serve downloads.

The page / shows <img src="{static_url('a.png')}">, and static_path holds a.png. Make these true:

  1. /downloads/<name> serves the files of the `downloads_path` setting
        -> a DownloadHandler route of its own, as the chapter's /files/ (lesson §5), serving
           the folder that the setting names, whatever make_app() was given
  2. every download is sent with  Content-Disposition: attachment  and  Cache-Control: no-cache
     (keep it, but ask again each time), and never with the ten-year lifetime, even with ?v=
        -> DownloadHandler.set_extra_headers(path), and DownloadHandler.get_cache_time(...)
  3. MtimeStaticHandler.get_content_version(abspath) is the file's modification time, in whole
     seconds, as a string: "1700000000" instead of a SHA-512 of the content
        -> os.stat(abspath).st_mtime
  4. static_url("a.png") uses it: the page shows /static/a.png?v=1700000000, and the ETag of
     /static/a.png is "1700000000"
        -> the static_handler_class setting of the Application
Check your work with:  make check-04
"""
import datetime
import os  # noqa: F401  (you will want it for step 3)

import tornado.web

from chapters.ch04_static_files.app import ASSETS, FILES, StaticHandler
from workbook.web import BaseHandler, NotFoundHandler


class IndexHandler(BaseHandler):
    def get(self):
        self.write(f'<img src="{self.static_url("a.png")}" alt="a topaz" />')


class DownloadHandler(StaticHandler):
    """Serves the downloads_path folder under /downloads/ (step 1)."""

    def set_extra_headers(self, path: str) -> None:
        # TODO step 2: set Content-Disposition to "attachment" and Cache-Control to "no-cache"
        pass

    def get_cache_time(self, path: str, modified: datetime.datetime | None,
                       mime_type: str) -> int:
        # TODO step 2: the default gives ten years to any URL with ?v=; a download gets none (0)
        return super().get_cache_time(path, modified, mime_type)


class MtimeStaticHandler(StaticHandler):
    """The handler behind /static/... and static_url(), once step 4 is done."""

    @classmethod
    def get_content_version(cls, abspath: str) -> str:
        # TODO step 3: the file's modification time in whole seconds, as a string
        return super().get_content_version(abspath)


def make_app(**overrides) -> tornado.web.Application:
    settings = {
        "static_path": ASSETS,
        "downloads_path": FILES,
        "default_handler_class": NotFoundHandler,
        # TODO step 4: make MtimeStaticHandler the class behind static_url and /static/
        **overrides,
    }
    settings["static_path"] = str(settings["static_path"])
    settings["downloads_path"] = str(settings["downloads_path"])
    return tornado.web.Application(
        [
            (r"/", IndexHandler),
            # TODO step 1: /downloads/<name> -> DownloadHandler, serving settings["downloads_path"]
        ],
        **settings,
    )
