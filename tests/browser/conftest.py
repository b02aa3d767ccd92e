"""tests/browser/: the pages with JavaScript, driven in Debian's Chromium by Playwright (the
`browser` and `page` fixtures of the root conftest.py). One file per chapter whose pages have
JavaScript, test_<slug>.py (tests/test_integrity.py checks that each such chapter has one); every
test here is marked `browser`, so `-m "not browser"` leaves them out."""
from pathlib import Path

import pytest

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)
