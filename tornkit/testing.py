"""Pytest helpers for tornkit projects.

    from tornkit.testing import override_settings   # in a conftest.py or test file

    def test_debug_page(override_settings):
        override_settings(DEBUG=True)     # the process-wide settings, until the test ends
"""
from __future__ import annotations

import contextlib

import pytest

from tornkit.conf import settings


@pytest.fixture
def override_settings():
    """override_settings(**values): change the process-wide tornkit settings for this test; the
    values (and whatever the test configured) are undone when it ends."""
    saved = settings._wrapped
    with contextlib.ExitStack() as stack:
        yield lambda **values: stack.enter_context(settings.override(**values))
    object.__setattr__(settings, "_wrapped", saved)
