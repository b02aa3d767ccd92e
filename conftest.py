"""Fixtures shared by every test in the workbook (chapters/ and tests/)."""
import asyncio

import pytest
import tornado.ioloop

from workbook import exercise as _exercise
from workbook import manifest


@pytest.fixture
def io_loop():
    """pytest-tornado's io_loop, without the deprecated IOLoop.make_current()."""
    loop = tornado.ioloop.IOLoop(make_current=False)
    asyncio.set_event_loop(loop.asyncio_loop)
    yield loop
    asyncio.set_event_loop(None)
    loop.close(all_fds=True)


@pytest.fixture
def base_url(http_port):
    """pytest-tornado says http://localhost:PORT; the test server listens on 127.0.0.1 only."""
    return f"http://127.0.0.1:{http_port}"


@pytest.fixture
def chapter(request) -> manifest.Chapter:
    """The chapter the requesting test file belongs to."""
    return manifest.for_path(request.path)


@pytest.fixture
def exercise(chapter):
    """The exercise module under test: the solution, or with WORKBOOK_EXERCISE=learner (what
    `make check-NN` sets) the learner's chapters/<slug>/exercise.py."""
    return _exercise.load(chapter)


# --- A real browser: Debian's Chromium driven by Playwright ------------------------------------
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [  # a closed network: no background calls home, no first-run work
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


@pytest.fixture(scope="module")
def browser():
    # Module scope, not session: while Playwright's sync API is open it marks an event loop as
    # running in this thread, and pytest-tornado's tests need to run loops of their own.
    import os

    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make system` as root, or "
                    "`sudo apt-get install chromium`", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
