"""Chapter 14 in Chromium: every link of the route table, made with reverse_url (through
include() for the blog's posts), leads to its route."""
import pytest

from chapters.ch14_urls.app import make_app
from workbook.net import live_server

pytestmark = pytest.mark.browser


def test_every_link_of_the_route_table_reaches_its_route(page, tmp_path):
    with live_server(make_app(data_dir=tmp_path)) as base:
        page.goto(base + "/")
        links = page.eval_on_selector_all(
            "table a", "links => links.map(a => [a.textContent, a.getAttribute('href')])")
        assert dict(links)["blog-post"] == "/blog/post/7"
        for name, href in links:
            response = page.goto(base + href)
            assert response.status == 200, (name, href)
            if name not in ("Index", "routes"):  # the JSON pages say which route answered
                assert response.json()["route"] == name, (name, href)
