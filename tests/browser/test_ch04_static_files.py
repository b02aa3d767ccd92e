"""Chapter 04 in Chromium: what a versioned URL buys. The page's <img> and stylesheet are
fetched once; a second visit takes them from the browser's cache without asking the server;
after the file changes (and the version cache is reset, as a restart would), the page names a
new URL and the browser fetches that one, once. Without the ten-year lifetime the browser
decides: it asks again (and gets a 304) or, for a file last modified long ago, it guesses that
its copy is still fresh and does not ask at all.

The server records what it is asked for (the log_function setting), so "not re-requested" means
the server never saw a second request. The copied files get a modification time in the future
(a Last-Modified after the Date, so no guessing), except where the last test says otherwise."""
import os
import re
import shutil
import time

import pytest

from chapters.ch04_static_files.app import ASSETS, FILES, StaticHandler, make_app
from workbook.net import live_server

pytestmark = pytest.mark.browser


class NoLifetime(StaticHandler):
    """The chapter's handler without the ten-year lifetime that a ?v= earns."""

    def get_cache_time(self, path, modified, mime_type):
        return 0


class Site:
    """The chapter's app on a temporary copy of its static folders, and what it was asked."""

    def __init__(self, root):
        self.root = root
        self.png = root / "assets" / "a.png"
        self.asked = []  # (uri, status) of every request the server answered

    def make(self, **settings):
        return make_app(static_path=self.root / "assets", files_path=self.root / "files",
                        log_function=lambda h: self.asked.append((h.request.uri, h.get_status())),
                        **settings)

    def touch(self, when):
        """Set the modification time of every file in the static copy."""
        for path in (self.root / "assets").iterdir():
            os.utime(path, (when, when))

    def count(self, uri):
        """The statuses the server answered uri with, in order."""
        return [status for asked, status in self.asked if asked == uri]


@pytest.fixture
def site(tmp_path):
    shutil.copytree(ASSETS, tmp_path / "assets")
    shutil.copytree(FILES, tmp_path / "files")
    site = Site(tmp_path)
    site.touch(time.time() + 86400)  # tomorrow: no heuristic freshness
    StaticHandler.reset()
    NoLifetime.reset()
    yield site
    StaticHandler.reset()
    NoLifetime.reset()


def image(page):
    """The <img>'s URL as the page wrote it, and its width once decoded (0: it did not load)."""
    src = page.get_attribute("img", "src")
    width = page.evaluate("() => document.querySelector('img').naturalWidth")
    return src, width


def test_versioned_image_is_fetched_once_then_served_from_the_cache(page, site):
    with live_server(site.make()) as base:
        page.goto(base + "/")
        src, width = image(page)
        assert re.fullmatch(r"/static/a\.png\?v=[0-9a-f]{128}", src) and width == 48
        css = page.get_attribute("link[rel=stylesheet]", "href")
        assert site.count(src) == [200] and site.count(css) == [200]

        page.goto(base + "/?visit=2")  # a second visit, a plain navigation
        assert image(page) == (src, 48)
        assert site.count("/?visit=2") == [200]  # the page itself was asked for again...
        assert site.count(src) == [200] and site.count(css) == [200]  # ...its files were not

        site.png.write_bytes(site.png.read_bytes() + b"\0")  # bytes after IEND are ignored
        StaticHandler.reset()  # what a restart does
        page.goto(base + "/?visit=3")
        new_src, width = image(page)
        assert new_src != src and width == 48
        assert site.count(new_src) == [200]  # a new URL: the browser had to fetch it
        assert site.count(css) == [200]  # style.css did not change: same URL, still cached


@pytest.mark.parametrize("modified_days_ago, statuses", [
    (-1, [200, 304]),
    (30, [200]),
], ids=["no lifetime: asked again, 304", "old Last-Modified: heuristic freshness, not asked"])
def test_without_a_lifetime_the_browser_decides(page, site, modified_days_ago, statuses):
    site.touch(time.time() - modified_days_ago * 86400)
    with live_server(site.make(static_handler_class=NoLifetime)) as base:
        page.goto(base + "/")
        src, width = image(page)
        assert width == 48
        page.goto(base + "/?visit=2")
        assert image(page) == (src, 48)
        # Asked again (with If-None-Match: the ETag saves the bytes, not the round trip), or,
        # for a file last modified a month ago, not asked at all: the browser guessed that its
        # copy was still fresh. Which one you get is not up to the server, unless it versions.
        assert site.count(src) == statuses
