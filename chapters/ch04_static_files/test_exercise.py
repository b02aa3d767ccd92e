"""Tests of the chapter 04 exercise. `make check-04` runs them on your exercise.py; plain
`pytest` runs them on solutions/ch04_static_files/exercise.py.

They serve temporary copies of static/ch04_static_files/{assets,files}, with a.png's
modification time set to MTIME, and a secret file beside them that must never come back; one
check runs make_app() as `make chapter-04` would, with its defaults.

Each message says what was asked, what came back, and the lesson section (README.md) that
explains it."""
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
    (tmp_path / "downloads" / "price-list.txt").write_bytes(b"only in this downloads folder")
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
    assert response.code == 200, f"GET / should show the page, got {said(response)}."
    return re.search(r'<img src="([^"]+)"', response.body.decode())[1]


@pytest.mark.gen_test
async def test_step1_downloads_route_serves_its_folder(fetch, layout):
    for name in ("readme.txt", "price-list.txt"):
        content = (layout / "downloads" / name).read_bytes()
        response = await fetch(f"/downloads/{name}")
        assert response.code == 200 and response.body == content, (
            f"Step 1: GET /downloads/{name} should send {name} from the folder make_app() was "
            f"given as downloads_path, got {said(response)}. A StaticFileHandler route needs a "
            "group for the file name and its folder in the route's kwargs: the folder of the "
            "setting, not a fixed one (lesson §5).")
    response = await fetch("/downloads/a.png")
    assert response.code == 404, (
        f"Step 1: GET /downloads/a.png should be 404 (a.png is in static_path, not in "
        f"downloads_path), got {said(response)}. Each route serves its own folder (lesson §5).")
    for path in ("/downloads/../secret.txt", "/downloads/%2e%2e/assets/a.png"):
        response = await fetch(path)
        assert response.code == 403 and SECRET not in response.body, (
            f"Step 1: GET {path} should be refused with 403, got {said(response)}. A "
            "StaticFileHandler refuses every path that leaves its folder (lesson §7).")


@pytest.mark.gen_test
@pytest.mark.parametrize("query", ["", "?v=1"], ids=["plain", "with ?v="])
async def test_step2_downloads_are_attachments_revalidated_every_time(fetch, query):
    path = "/downloads/readme.txt" + query
    response = await fetch(path)
    assert response.code == 200, (
        f"Step 2: GET {path} should answer 200, got {said(response)} (step 1 first).")
    headers = response.headers
    assert headers.get("Content-Disposition") == "attachment", (
        f"Step 2: GET {path} should say Content-Disposition: attachment, got "
        f"{headers.get('Content-Disposition')!r}. StaticFileHandler has a method meant for "
        "headers of your own, called after its caching headers (lesson §6).")
    assert headers.get("Cache-Control") == "no-cache", (
        f"Step 2: GET {path} should say Cache-Control: no-cache (keep it, but ask each time), "
        f"got {headers.get('Cache-Control')!r} (lesson §3 and §6).")
    assert "Expires" not in headers, (
        f"Step 2: GET {path} should have no Expires header, got {headers.get('Expires')!r}. "
        "The lifetime, ten years for any URL with ?v=, comes from a method of its own, which a "
        "download overrides to give none (lesson §3 and §6).")
    assert "Etag" in headers, (
        f"Step 2: GET {path} should keep its ETag, got the headers {dict(headers)}.")
    response = await fetch(path, headers={"If-None-Match": headers["Etag"]})
    assert response.code == 304, (
        f"Step 2: GET {path} with If-None-Match: <its ETag> should be 304, got {said(response)}. "
        "no-cache means 'ask again', and the ETag makes the answer a cheap 304 (lesson §3).")


def test_step3_version_is_the_modification_time(exercise, layout):
    png = layout / "assets" / "a.png"
    version = exercise.MtimeStaticHandler.get_content_version(str(png))
    assert version == str(MTIME), (
        f"Step 3: MtimeStaticHandler.get_content_version(<a.png>) should be the string "
        f"{str(MTIME)!r}, a.png's modification time in whole seconds, got {str(version)[:40]!r} "
        f"(a {type(version).__name__}). It gets the file's absolute path and nothing else "
        "(lesson §6).")
    os.utime(png, (LATER + 0.75, LATER + 0.75))
    version = exercise.MtimeStaticHandler.get_content_version(str(png))
    assert version == str(LATER), (
        f"Step 3: after the file's mtime became {LATER}.75, the version should be "
        f"{str(LATER)!r}: whole seconds, cut, not rounded; got {str(version)[:40]!r}.")


@pytest.mark.gen_test
async def test_step4_static_url_and_etag_use_the_mtime(exercise, fetch, layout):
    src = await img_src(fetch)
    assert src == f"/static/a.png?v={MTIME}", (
        f"Step 4: the page should show /static/a.png?v={MTIME}, got {src[:60]!r}. static_url() "
        "asks the Application's static handler class for the version: one setting names that "
        "class (lesson §1 and §6).")
    response = await fetch(src)
    assert response.headers.get("Etag") == f'"{MTIME}"', (
        f"Step 4: GET {src} should have ETag \"{MTIME}\", got {response.headers.get('Etag')!r}. "
        "The /static/ route is served by the same class as static_url() (lesson §6).")
    assert response.headers.get("Cache-Control") == f"max-age={TEN_YEARS}", (
        f"Step 4: GET {src} should still be cached for ten years, got "
        f"{response.headers.get('Cache-Control')!r}: only downloads lose their lifetime "
        "(lesson §3).")
    os.utime(layout / "assets" / "a.png", (LATER, LATER))
    exercise.MtimeStaticHandler.reset()  # what a restart does: forget the cached versions
    src = await img_src(fetch)
    assert src == f"/static/a.png?v={LATER}", (
        f"Step 4: after a.png's mtime became {LATER} (and a reset) the page should show "
        f"/static/a.png?v={LATER}, got {src[:60]!r} (lesson §4).")


@pytest.mark.gen_test
async def test_step4_make_app_with_its_defaults(exercise, serve, http_client):
    """What `make chapter-04`-style use sees: make_app() with no arguments at all."""
    try:
        app = exercise.make_app()
    except Exception as e:  # noqa: BLE001 -- say what went wrong instead of a traceback
        raise AssertionError(f"make_app() with no arguments raised {type(e).__name__}: {e}. "
                             "Its defaults are the chapter's folders.") from None
    base = serve(app)
    response = await http_client.fetch(base + "/downloads/readme.txt", raise_error=False)
    assert response.code == 200 and response.body == (FILES / "readme.txt").read_bytes(), (
        f"make_app() with its defaults: GET /downloads/readme.txt should send "
        f"static/ch04_static_files/files/readme.txt, got {said(response)} (step 1).")
    assert response.headers.get("Content-Disposition") == "attachment", (
        "make_app() with its defaults: GET /downloads/readme.txt should be an attachment, got "
        f"Content-Disposition {response.headers.get('Content-Disposition')!r} (step 2).")
    page = (await http_client.fetch(base + "/")).body.decode()
    mtime = int(os.stat(ASSETS / "a.png").st_mtime)
    src = re.search(r'<img src="([^"]+)"', page)[1]
    assert src == f"/static/a.png?v={mtime}", (
        f"make_app() with its defaults: the page should show /static/a.png?v={mtime} (the "
        f"mtime of static/ch04_static_files/assets/a.png), got {src[:60]!r} (steps 3 and 4).")
