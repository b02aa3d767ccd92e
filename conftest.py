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
