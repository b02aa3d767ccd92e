"""Tests of the chapter 04 exercise. `make check-04` runs them on your exercise.py; plain
`pytest` runs them on solutions/ch04_static_files/exercise.py.

They serve temporary copies of static/ch04_static_files/{assets,files}, with a.png's
modification time set to MTIME, and a secret file beside them that must never come back."""
import os
import re
import shutil

import pytest
import tornado.web

from chapters.ch04_static_files.app import ASSETS, FILES, StaticHandler

MTIME = 1700000000
LATER = 1700000500
SECRET = b"TOP SECRET: never served"
TEN_YEARS = 86400 * 365 * 10


@pytest.fixture(autouse=True)
def fresh_version_cache(exercise):
    """Versions are cached per class for the life of the process: start and end empty."""
    classes = [tornado.web.StaticFileHandler, StaticHandler, exercise.MtimeStaticHandler]
    for cls in classes:
        cls.reset()
    yield
    for cls in classes:
        cls.reset()


@pytest.fixture
def layout(tmp_path):
    shutil.copytree(ASSETS, tmp_path / "assets")
    shutil.copytree(FILES, tmp_path / "downloads")
    (tmp_path / "secret.txt").write_bytes(SECRET)
    os.utime(tmp_path / "assets" / "a.png", (MTIME, MTIME))
    return tmp_path


@pytest.fixture
def app(exercise, layout):
    return exercise.make_app(static_path=layout / "assets", downloads_path=layout / "downloads")


def said(response):
    return f"{response.code} {response.body.decode(errors='replace').strip()[:120]!r}"


async def img_src(fetch):
    response = await fetch("/")
    assert response.code == 200, f"GET / should show the page, got {said(response)}"
    return re.search(r'<img src="([^"]+)"', response.body.decode())[1]


@pytest.mark.gen_test
async def test_step1_downloads_route_serves_its_folder(fetch, layout):
    readme = (layout / "downloads" / "readme.txt").read_bytes()
    response = await fetch("/downloads/readme.txt")
    assert response.code == 200 and response.body == readme, (
        f"GET /downloads/readme.txt should send the file, got {said(response)}: add "
        "(r'/downloads/(.*)', DownloadHandler, {'path': settings['downloads_path']}); the group "
        "(.*) is the file name that fetch(path) needs")
    response = await fetch("/downloads/a.png")
    assert response.code == 404, (
        f"GET /downloads/a.png should be 404 (a.png is in static_path, not in downloads_path), "
        f"got {said(response)}: the route's {{'path': ...}} must be settings['downloads_path']")
    for path in ("/downloads/../secret.txt", "/downloads/%2e%2e/assets/a.png"):
        response = await fetch(path)
        assert response.code == 403 and SECRET not in response.body, (
            f"GET {path} should be refused with 403, got {said(response)}: serve the folder with "
            "a StaticFileHandler (such as DownloadHandler), which refuses paths that leave it")


@pytest.mark.gen_test
@pytest.mark.parametrize("query", ["", "?v=1"], ids=["plain", "with ?v="])
async def test_step2_downloads_are_attachments_revalidated_every_time(fetch, query):
    path = "/downloads/readme.txt" + query
    response = await fetch(path)
    assert response.code == 200, f"GET {path} should answer 200, got {said(response)} (step 1)"
    headers = response.headers
    assert headers.get("Content-Disposition") == "attachment", (
        f"GET {path} should say Content-Disposition: attachment, got "
        f"{headers.get('Content-Disposition')!r}: set it in DownloadHandler.set_extra_headers")
    assert headers.get("Cache-Control") == "no-cache", (
        f"GET {path} should say Cache-Control: no-cache, got {headers.get('Cache-Control')!r}: "
        "set it in DownloadHandler.set_extra_headers (it runs after the caching headers)")
    assert "Expires" not in headers, (
        f"GET {path} should have no Expires header, got {headers.get('Expires')!r}: "
        "get_cache_time() gives ten years to any URL with ?v=; make it return 0 for downloads")
    response = await fetch(path, headers={"If-None-Match": headers["Etag"]})
    assert response.code == 304, (
        f"GET {path} with If-None-Match: <its ETag> should be 304, got {said(response)}: "
        "no-cache means 'ask again', and the ETag makes the answer a cheap 304")


def test_step3_version_is_the_modification_time(exercise, layout):
    png = layout / "assets" / "a.png"
    version = exercise.MtimeStaticHandler.get_content_version(str(png))
    assert version == str(MTIME), (
        f"MtimeStaticHandler.get_content_version(a.png) should be {str(MTIME)!r} (its mtime), "
        f"got {version[:40]!r}: return str(int(os.stat(abspath).st_mtime))")
    os.utime(png, (LATER + 0.75, LATER + 0.75))
    version = exercise.MtimeStaticHandler.get_content_version(str(png))
    assert version == str(LATER), (
        f"after the file changed its mtime to {LATER}.75 the version should be {str(LATER)!r} "
        f"(whole seconds), got {version[:40]!r}")


@pytest.mark.gen_test
async def test_step4_static_url_and_etag_use_the_mtime(exercise, fetch, layout):
    src = await img_src(fetch)
    assert src == f"/static/a.png?v={MTIME}", (
        f"the page should show /static/a.png?v={MTIME}, got {src[:60]!r}: set "
        "static_handler_class=MtimeStaticHandler in make_app's settings (and do step 3)")
    response = await fetch(src)
    assert response.headers.get("Etag") == f'"{MTIME}"', (
        f"GET {src} should have ETag \"{MTIME}\", got {response.headers.get('Etag')!r}: "
        "the /static/ route uses static_handler_class too")
    assert response.headers.get("Cache-Control") == f"max-age={TEN_YEARS}", (
        f"GET {src} should still be cached for ten years, got "
        f"{response.headers.get('Cache-Control')!r}: leave get_cache_time alone in "
        "MtimeStaticHandler")
    os.utime(layout / "assets" / "a.png", (LATER, LATER))
    exercise.MtimeStaticHandler.reset()  # what a restart does: forget the cached versions
    src = await img_src(fetch)
    assert src == f"/static/a.png?v={LATER}", (
        f"after a.png's mtime became {LATER} (and a reset) the page should show "
        f"/static/a.png?v={LATER}, got {src[:60]!r}")
