"""Chapter 13 in Chromium: the welcome page is styled by its stylesheet (static_url through the
project's TORNADO_CONF), and its links lead to pages that answer."""
import pytest

from chapters.ch13_settings.app import make_app
from workbook.net import live_server

pytestmark = pytest.mark.browser


def test_the_welcome_page_is_styled_and_its_links_answer(page, tmp_path):
    with live_server(make_app(data_dir=tmp_path)) as base:
        page.goto(base + "/")
        assert page.title() == "Welcome to tornkit"
        # welcome.css sets the body's font to system-ui: the stylesheet was found and applied
        assert "system-ui" in page.eval_on_selector("body", "b => getComputedStyle(b).fontFamily")
        links = page.eval_on_selector_all("a", "links => links.map(a => a.getAttribute('href'))")
        assert links == ["/settings", "/ip", "/log"]
        for link in links:
            response = page.goto(base + link)
            assert response.status == 200 and response.headers["content-type"].startswith(
                "application/json"), link
