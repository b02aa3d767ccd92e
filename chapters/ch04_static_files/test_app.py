"""Chapter 04's app, request by request: static_url and its version, every caching header the
notes never tested (效果还没测试), the per-process version cache, the notes' /static line, and
the paths that must never leave the static folder.

Most tests serve a temporary copy of static/ch04_static_files/ (the `layout` fixture), with a
secret file beside it, so that they may change files and prove that nothing outside is served.
"""
import contextlib
import datetime
import email.utils
import hashlib
import os
import re
import shutil
import traceback

import pytest
import tornado.httpserver
import tornado.testing
import tornado.web

from chapters.ch04_static_files import naive
from chapters.ch04_static_files.app import ASSETS, FILES, StaticHandler, make_app

SECRET = b"TOP SECRET: never served"
MTIME = 1700000000  # Tue, 14 Nov 2023 22:13:20 GMT
TEN_YEARS = 86400 * 365 * 10


@pytest.fixture(autouse=True)
def fresh_version_cache():
    """StaticFileHandler keeps every version it computes in a class-level dict, for the life of
    the process. Each test starts and ends with an empty one (reset() is Tornado's public way)."""
    StaticHandler.reset()
    tornado.web.StaticFileHandler.reset()
    yield
    StaticHandler.reset()
    tornado.web.StaticFileHandler.reset()


@pytest.fixture
def layout(tmp_path):
    """tmp/assets (static_path), tmp/files (the /files/ route), and beside them what must never
    be served: tmp/secret.txt, tmp/assets-private/key.txt (a sibling whose name starts with
    "assets"), and tmp/assets/leak.txt, a symlink inside the static folder to the secret."""
    shutil.copytree(ASSETS, tmp_path / "assets")
    shutil.copytree(FILES, tmp_path / "files")
    (tmp_path / "secret.txt").write_bytes(SECRET)
    (tmp_path / "assets-private").mkdir()
    (tmp_path / "assets-private" / "key.txt").write_bytes(SECRET)
    (tmp_path / "assets" / "leak.txt").symlink_to(tmp_path / "secret.txt")
    os.utime(tmp_path / "assets" / "a.png", (MTIME, MTIME))
    return tmp_path


@pytest.fixture
def extra():
    """Settings a test adds to make_app(); override with @pytest.mark.parametrize("extra", ...)."""
    return {}


@pytest.fixture
def app(layout, extra):
    return make_app(static_path=layout / "assets", files_path=layout / "files", **extra)


@contextlib.contextmanager
def serving(app):
    """Serve another app (such as the notes' naive one) beside the test's own; yield its URL."""
    server = tornado.httpserver.HTTPServer(app)
    sock, port = tornado.testing.bind_unused_port()
    server.add_sockets([sock])
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def sha512(path):
    return hashlib.sha512(path.read_bytes()).hexdigest()


async def img_src(fetch):
    """The src of the page's <img>: what {{ static_url("a.png") }} rendered."""
    response = await fetch("/")
    assert response.code == 200
    return re.search(r'<img src="([^"]+)"', response.body.decode())[1]


def http_date(response, name):
    return email.utils.parsedate_to_datetime(response.headers[name])


# --- a./b. static_path, static_url_prefix, static_url ---------------------------------------------
@pytest.mark.gen_test
async def test_son_page_extends_daddy_includes_header_and_links_static_files(fetch, layout):
    response = await fetch("/")
    html = response.body.decode()
    assert response.code == 200
    assert "<title>topaz</title>" in html and "<li>42区</li>" in html
    assert f'href="/static/style.css?v={sha512(layout / "assets" / "style.css")}"' in html
    assert 'id="unversioned" href="/static/a.png"' in html  # include_version=False
    assert "default" not in html


@pytest.mark.gen_test
async def test_the_page_lists_the_lessons_urls_and_each_answers(fetch):
    html = (await fetch("/")).body.decode()
    index = re.search(r'<ul id="pages">(.*?)</ul>', html, re.S)[1]
    links = re.findall(r'<li><a href="([^"]+)">', index)
    assert len(links) == 5 and "/files/readme.txt" in links and "/robots.txt" in links
    assert {"/static/a.png", "/static/style.css"} <= {link.split("?v=")[0] for link in links}
    for link in links:
        assert (await fetch(link)).code == 200, link


@pytest.mark.gen_test
async def test_static_url_appends_a_sha512_of_the_file(fetch, layout):
    # The notes' comment shows ?v=39b39f17e9f93251e9423fbe52651899: 32 hex digits, Tornado 4's
    # MD5. Tornado 6 hashes with SHA-512: 128 hex digits.
    src = await img_src(fetch)
    assert src == "/static/a.png?v=" + sha512(layout / "assets" / "a.png")
    assert len(src.split("v=")[1]) == 128


@pytest.mark.gen_test
@pytest.mark.parametrize("extra", [{"static_url_prefix": "/assets/"}], ids=["prefix /assets/"])
async def test_static_url_prefix_moves_both_the_urls_and_the_route(fetch, extra):
    src = await img_src(fetch)
    assert src.startswith("/assets/a.png?v=")
    assert (await fetch(src)).code == 200
    assert (await fetch("/static/a.png")).code == 404


def test_a_relative_static_path_depends_on_the_working_directory(tmp_path, monkeypatch):
    # The notes' 'static_path': 'static' is resolved against the directory the server was
    # started from; app.py builds an absolute path instead.
    monkeypatch.chdir(tmp_path)
    found = tornado.web.StaticFileHandler.get_absolute_path("static", "a.png")
    assert found == str(tmp_path / "static" / "a.png")
    assert os.path.isabs(make_app().settings["static_path"])


@pytest.mark.gen_test
async def test_static_path_also_answers_robots_txt(fetch, layout):
    # Application adds /static/(.*), /(favicon\.ico) and /(robots\.txt), all from static_path.
    response = await fetch("/robots.txt")
    assert response.code == 200
    assert response.body == (layout / "assets" / "robots.txt").read_bytes()


def test_the_committed_a_png_is_a_real_48x48_png():
    data = (ASSETS / "a.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    assert int.from_bytes(data[16:20], "big") == 48 and int.from_bytes(data[20:24], "big") == 48


@pytest.mark.gen_test
async def test_the_default_app_serves_the_committed_files(http_client, io_loop):
    # make_app() without settings: static/ch04_static_files/{assets,files} of the repository
    with serving(make_app()) as url:
        png = await http_client.fetch(url + "/static/a.png")
        readme = await http_client.fetch(url + "/files/readme.txt")
    assert png.headers["Content-Type"] == "image/png"
    assert png.body == (ASSETS / "a.png").read_bytes()
    assert readme.body == (FILES / "readme.txt").read_bytes()


@pytest.mark.gen_test
@pytest.mark.parametrize("path, code", [
    ("/static/", 403),
    ("/static/nope.png", 404),
    ("/static", 404),
], ids=["a directory", "a missing file", "no route"])
async def test_what_is_not_a_file_is_a_plain_text_4xx(fetch, path, code):
    response = await fetch(path)
    assert response.code == code
    assert response.headers["Content-Type"] == "text/plain; charset=UTF-8"
    assert response.body.startswith(f"{code} ".encode())


# --- c. 静态文件缓存: what the notes never tested ------------------------------------------------------
@pytest.mark.gen_test
async def test_a_versioned_url_is_cached_for_ten_years(fetch):
    response = await fetch(await img_src(fetch))
    assert response.code == 200
    assert response.headers["Cache-Control"] == f"max-age={TEN_YEARS}"
    lifetime = http_date(response, "Expires") - http_date(response, "Date")
    assert datetime.timedelta(seconds=TEN_YEARS) <= lifetime <= datetime.timedelta(
        seconds=TEN_YEARS + 60)


@pytest.mark.gen_test
async def test_any_v_gets_the_long_cache_the_server_does_not_check_it(fetch, layout):
    # get_cache_time() only asks whether there is a ?v=; the version is the browser's cache
    # key, not a lock. A wrong one still gets today's file, cached for ten years.
    response = await fetch("/static/a.png?v=whatever")
    assert response.headers["Cache-Control"] == f"max-age={TEN_YEARS}"
    assert response.body == (layout / "assets" / "a.png").read_bytes()


@pytest.mark.gen_test
async def test_an_unversioned_url_gets_no_lifetime_only_validators(fetch):
    response = await fetch("/static/a.png")
    assert response.code == 200
    assert "Cache-Control" not in response.headers and "Expires" not in response.headers
    assert "Etag" in response.headers and "Last-Modified" in response.headers


@pytest.mark.gen_test
async def test_the_etag_is_the_version(fetch):
    src = await img_src(fetch)
    response = await fetch("/static/a.png")
    assert response.headers["Etag"] == '"%s"' % src.split("v=")[1]


@pytest.mark.gen_test
@pytest.mark.parametrize("if_none_match, code", [
    ("{etag}", 304),
    ('"not-the-version", {etag}', 304),
    ("*", 304),
    ('"not-the-version"', 200),
], ids=["same etag", "one of a list", "star", "another etag"])
async def test_if_none_match(fetch, if_none_match, code):
    etag = (await fetch("/static/a.png")).headers["Etag"]
    headers = {"If-None-Match": if_none_match.format(etag=etag)}
    response = await fetch("/static/a.png", headers=headers)
    assert response.code == code
    assert (response.body == b"") == (code == 304)


@pytest.mark.gen_test
@pytest.mark.parametrize("since, code", [
    (MTIME, 304),
    (MTIME + 3600, 304),
    (MTIME - 1, 200),
], ids=["the Last-Modified date", "later", "one second earlier"])
async def test_if_modified_since(fetch, since, code):
    response = await fetch("/static/a.png")
    assert response.headers["Last-Modified"] == "Tue, 14 Nov 2023 22:13:20 GMT"  # the mtime
    response = await fetch("/static/a.png",
                         headers={"If-Modified-Since": email.utils.formatdate(since, usegmt=True)})
    assert response.code == code


@pytest.mark.gen_test
async def test_if_none_match_wins_over_if_modified_since(fetch):
    response = await fetch("/static/a.png", headers={
        "If-None-Match": '"not-the-version"',
        "If-Modified-Since": email.utils.formatdate(MTIME, usegmt=True),
    })
    assert response.code == 200


@pytest.mark.gen_test
async def test_head_sends_the_headers_without_the_body(fetch, layout):
    size = (layout / "assets" / "a.png").stat().st_size
    response = await fetch("/static/a.png", method="HEAD")
    assert response.code == 200 and response.body == b""
    assert response.headers["Content-Length"] == str(size)
    assert response.headers["Content-Type"] == "image/png"


@pytest.mark.gen_test
@pytest.mark.parametrize("range_, code, part, content_range", [
    ("bytes=0-7", 206, slice(0, 8), "bytes 0-7/{size}"),
    ("bytes=-4", 206, slice(-4, None), "bytes {last3}-{last}/{size}"),
    ("bytes=0-", 200, slice(None), None),
    ("bytes={size}-", 416, None, "bytes */{size}"),
], ids=["first 8 bytes", "last 4 bytes", "all of it is a 200", "past the end"])
async def test_range_requests(fetch, layout, range_, code, part, content_range):
    data = (layout / "assets" / "a.png").read_bytes()
    size = len(data)
    fmt = {"size": size, "last": size - 1, "last3": size - 4}
    response = await fetch("/static/a.png", headers={"Range": range_.format(**fmt)})
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.code == code
    if part is not None:
        assert response.body == data[part]
    assert response.headers.get("Content-Range") == (
        content_range.format(**fmt) if content_range else None)


# --- The version cache: one hash per file, per process --------------------------------------------
@pytest.mark.gen_test
async def test_a_changed_file_keeps_its_old_version_and_etag_until_reset(fetch, layout):
    png = layout / "assets" / "a.png"
    old = await img_src(fetch)
    old_etag = (await fetch("/static/a.png")).headers["Etag"]
    png.write_bytes(png.read_bytes() + b"changed")

    # Same process, no reset: the page still names the old version...
    assert await img_src(fetch) == old
    # ...and the new bytes go out under the old ETag, so a browser holding the old file is told
    # 304, keep it (tornadoweb/tornado#892). Deploying new files means restarting the server.
    response = await fetch("/static/a.png")
    assert response.body.endswith(b"changed") and response.headers["Etag"] == old_etag
    assert (await fetch("/static/a.png", headers={"If-None-Match": old_etag})).code == 304

    StaticHandler.reset()  # what a restart does
    assert await img_src(fetch) == "/static/a.png?v=" + sha512(png) != old
    assert (await fetch("/static/a.png", headers={"If-None-Match": old_etag})).code == 200


@pytest.mark.gen_test
@pytest.mark.parametrize("extra", [{"static_hash_cache": False}], ids=["static_hash_cache off"])
async def test_without_the_hash_cache_a_change_shows_at_once(fetch, layout, extra):
    png = layout / "assets" / "a.png"
    old = await img_src(fetch)
    png.write_bytes(png.read_bytes() + b"changed")
    assert await img_src(fetch) == "/static/a.png?v=" + sha512(png) != old


def test_reset_empties_the_cache_of_the_class_it_is_called_on(tmp_path):
    class Sub(tornado.web.StaticFileHandler):
        pass

    settings = {"static_path": str(tmp_path)}
    text = tmp_path / "x.txt"

    def version_after_writing(content):
        text.write_text(content)
        return Sub.make_static_url(settings, "x.txt").split("v=")[1]

    first = version_after_writing("one")
    assert version_after_writing("two") == first  # cached
    tornado.web.StaticFileHandler.reset()  # Sub has no cache of its own yet: it shares this one
    second = version_after_writing("two")
    assert second == sha512(text) != first
    Sub.reset()  # now Sub has its own...
    assert version_after_writing("three") == sha512(text)
    text.write_text("four")
    tornado.web.StaticFileHandler.reset()  # ...which the parent's reset() does not touch
    assert Sub.make_static_url(settings, "x.txt").split("v=")[1] != sha512(text)


def test_the_cache_keeps_max_cached_versions_and_drops_the_least_recently_used(layout):
    class Few(StaticHandler):
        MAX_CACHED_VERSIONS = 2  # Tornado 6.6's default is 10,000

    Few.reset()
    settings = {"static_path": str(layout / "assets")}
    png = layout / "assets" / "a.png"
    old = Few.make_static_url(settings, "a.png")
    png.write_bytes(png.read_bytes() + b"changed")
    assert Few.make_static_url(settings, "a.png") == old  # cached: the old version
    Few.make_static_url(settings, "style.css")
    Few.make_static_url(settings, "robots.txt")  # the cache was full: a.png's entry went
    assert Few.make_static_url(settings, "a.png") == f"/static/a.png?v={sha512(png)}"
    assert tornado.web.StaticFileHandler.MAX_CACHED_VERSIONS == 10_000
    Few.reset()


@pytest.mark.gen_test
async def test_a_file_over_max_version_content_size_gets_no_version_and_no_etag(
        http_client, layout, caplog):
    class Small(StaticHandler):
        MAX_VERSION_CONTENT_SIZE = 100  # bytes; Tornado 6.6's default is 64 MiB

    Small.reset()
    app = make_app(static_path=layout / "assets", static_handler_class=Small)
    settings = app.settings
    assert (layout / "assets" / "a.png").stat().st_size > 100
    assert Small.make_static_url(settings, "a.png") == "/static/a.png"  # no ?v=
    assert "content is larger than MAX_VERSION_CONTENT_SIZE (100 bytes)" in caplog.text
    (layout / "assets" / "tiny.txt").write_bytes(b"tiny")
    assert Small.make_static_url(settings, "tiny.txt").startswith("/static/tiny.txt?v=")
    assert tornado.web.StaticFileHandler.MAX_VERSION_CONTENT_SIZE == 64 * 1024 * 1024
    with serving(app) as url:
        response = await http_client.fetch(url + "/static/a.png?v=1")
    assert response.code == 200 and "Etag" not in response.headers
    assert response.headers["Cache-Control"] == f"max-age={TEN_YEARS}"  # any ?v= still gets it
    Small.reset()


def test_debug_turns_the_hash_cache_off():
    # debug=True also turns on autoreload, which this test does not want to start.
    assert make_app(debug=True, autoreload=False).settings["static_hash_cache"] is False
    assert "static_hash_cache" not in make_app().settings  # absent: the cache is on


# --- c. The notes' route, and get_content_version -------------------------------------------------
@pytest.mark.gen_test
async def test_notes_static_route_has_no_group_so_get_has_no_path(http_client, layout, io_loop,
                                                                   caplog):
    with serving(naive.make_app(static_path=layout / "assets")) as url:
        response = await http_client.fetch(url + "/static", raise_error=False)
        png = await http_client.fetch(url + "/static/a.png", raise_error=False)
    assert response.code == 500
    assert "get() missing 1 required positional argument: 'path'" in caplog.text
    # /static/a.png works, but not thanks to that line: static_path made its own route.
    assert png.code == 200 and png.body == (layout / "assets" / "a.png").read_bytes()


def test_static_path_alone_makes_the_static_route():
    rules = tornado.web.Application([], static_path=str(ASSETS)).wildcard_router.rules
    assert [rule.matcher.regex.pattern for rule in rules] == [
        r"/(robots\.txt)$", r"/(favicon\.ico)$", r"/static/(.*)$"]


@pytest.mark.gen_test
async def test_the_files_route_serves_its_own_folder_only(fetch, layout):
    response = await fetch("/files/readme.txt")
    assert response.code == 200
    assert response.body == (layout / "files" / "readme.txt").read_bytes()
    assert (await fetch("/files/a.png")).code == 404  # a.png is in static_path, not here
    assert (await fetch("/static/readme.txt")).code == 404


def test_tornado_web_type_is_not_a_thing():
    # The notes: tornado.web.type.get_content_version(). There is no tornado.web.type; the
    # method is a classmethod of StaticFileHandler, given a file's absolute path.
    assert not hasattr(tornado.web, "type")
    png = ASSETS / "a.png"
    assert tornado.web.StaticFileHandler.get_content_version(str(png)) == sha512(png)


class SizeVersion(StaticHandler):
    @classmethod
    def get_content_version(cls, abspath):
        return f"{os.path.getsize(abspath)}b"


@pytest.mark.gen_test
@pytest.mark.parametrize("extra", [{"static_handler_class": SizeVersion}], ids=["size version"])
async def test_overriding_get_content_version_changes_static_url_and_etag(fetch, layout, extra):
    size = (layout / "assets" / "a.png").stat().st_size
    assert await img_src(fetch) == f"/static/a.png?v={size}b"
    assert (await fetch("/static/a.png")).headers["Etag"] == f'"{size}b"'


# --- Paths that must never leave the folder -------------------------------------------------------
REFUSED = "not in root static directory"


@pytest.mark.gen_test
@pytest.mark.parametrize("path, code, says", [
    ("/static/../secret.txt", 403, REFUSED),
    ("/static/%2e%2e/secret.txt", 403, REFUSED),
    ("/static/.%2e/secret.txt", 403, REFUSED),
    ("/static/..%2fsecret.txt", 403, REFUSED),
    ("/static/%2e%2e%2fsecret.txt", 403, REFUSED),
    ("/static/nothing/../../secret.txt", 403, REFUSED),
    ("/static/../../../../../../../../etc/passwd", 403, REFUSED),
    ("/static//etc/passwd", 403, REFUSED),
    ("/static/%2fetc%2fpasswd", 403, REFUSED),
    ("/static/{root}/secret.txt", 403, REFUSED),
    ("/static/../assets-private/key.txt", 403, REFUSED),
    ("/static/leak.txt", 403, REFUSED),
    ("/files/../secret.txt", 403, REFUSED),
    ("/files/../assets/a.png", 403, REFUSED),
    ("/static/..%5csecret.txt", 404, "404 Not Found"),
    ("/static/%252e%252e/secret.txt", 404, "404 Not Found"),
    ("/static/....//secret.txt", 404, "404 Not Found"),
    ("/static/%c0%ae%c0%ae/secret.txt", 400, "400 Bad Request"),
    ("/static/../secret.txt%00.png", 400, "NUL byte"),
], ids=[
    "dot dot", "encoded dots", "half encoded", "encoded slash", "all encoded", "down then up",
    "to /etc/passwd", "absolute path", "encoded absolute path", "absolute path to the secret",
    "sibling with the same prefix", "symlink out of the folder", "files route up",
    "files route to the other folder", "backslash is a name on POSIX", "double encoded",
    "four dots", "overlong utf-8 dots", "NUL byte",
])
async def test_no_path_leaves_the_folder(fetch, layout, path, code, says):
    response = await fetch(path.format(root=layout))
    assert response.code == code, response.body
    assert says in response.body.decode()
    assert SECRET not in response.body and b"PNG" not in response.body


@pytest.mark.gen_test
async def test_a_nul_byte_is_a_500_in_tornados_handler_and_a_400_here(
        fetch, http_client, layout, io_loop, caplog):
    # naive: the notes' app, served by Tornado's own StaticFileHandler
    with serving(naive.make_app(static_path=layout / "assets")) as url:
        plain = await http_client.fetch(url + "/static/a.png%00", raise_error=False)
    assert plain.code == 500
    # where: the symlink check's os.path.realpath(), inside validate_absolute_path
    error = next(r.exc_info for r in caplog.records if r.exc_info)
    assert error[0] is ValueError and str(error[1]) == "embedded null byte"
    frames = [frame.name for frame in traceback.extract_tb(error[2])]
    assert "validate_absolute_path" in frames and "realpath" in frames
    assert (await fetch("/static/a.png%00")).code == 400


def test_static_url_refuses_paths_outside_static_path(app):
    with pytest.raises(tornado.web.HTTPError) as refused:
        StaticHandler.make_static_url(app.settings, "../secret.txt")
    assert refused.value.status_code == 403
