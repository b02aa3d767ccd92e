"""Chapter 01 in Chromium: the notes' practice page posts into a hidden iframe and alerts the
answer. Only a real browser runs that script."""
import pytest

from chapters.ch01_routing.app import make_app
from workbook.net import live_server

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("username", ["topaz", "<b>bold</b> & 茶"])
def test_practice_page_alerts_what_the_server_answered(page, username):
    alerts = []
    page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.accept()))
    with live_server(make_app()) as base:
        page.goto(base + "/login")
        assert page.title() == "topaz"
        page.fill("input[name=username]", username)
        with page.expect_event("dialog"):
            page.click("input[type=button]")
    assert alerts == [f"弹~~ {username}"]


def test_the_index_links_the_safe_host_and_chromium_reaches_it(page):
    # Chromium sends every *.localhost name to the loopback address: no /etc/hosts needed.
    with live_server(make_app()) as base:
        page.goto(base + "/")
        assert page.title() == "Chapter 01 · Routing"
        page.click("text=http://safe.localhost:")
        assert page.text_content("body") == "AdminHandler answered safe.localhost/admin/x"
        page.go_back()
        page.click("a[href='/story/12abc']")
        assert page.text_content("body") == "AllHandler answered 127.0.0.1/story/12abc"
