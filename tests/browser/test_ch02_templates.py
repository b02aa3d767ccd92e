"""Chapter 02 in Chromium: the notes' son.html (iframe form and alert), json_encode's data
reaching the page's script, and a visitor's <script> run by naive.py's {% raw %} but not by the
chapter's {{ }}."""
from urllib.parse import quote

import pytest

from chapters.ch02_templates import naive
from chapters.ch02_templates.app import SHELF, make_app
from workbook.net import live_server

pytestmark = pytest.mark.browser


@pytest.fixture
def alerts(page):
    messages = []
    page.on("dialog", lambda dialog: (messages.append(dialog.message), dialog.accept()))
    return messages


@pytest.mark.parametrize("username", ["topaz", "<b>bold</b> & 茶"])
def test_son_html_includes_the_header_and_alerts_the_answer(page, alerts, username):
    with live_server(make_app()) as base:
        page.goto(base + "/login")
        assert page.title() == "topaz"  # <title> topaz </title>: the browser trims the spaces
        assert page.locator(".pg-header li").all_inner_texts() == ["1024", "42区"]
        page.fill("input[name=username]", username)
        with page.expect_event("dialog"):
            page.click("input[type=button]")
    assert alerts == [f"弹~~ {username}"]


def test_json_encode_hands_the_shelf_to_the_script_intact(page):
    with live_server(make_app()) as base:
        page.goto(base + "/namespace")
        assert page.evaluate("window.shelf") == SHELF  # "</script>" and all
        # static_url's image loaded: the versioned URL points at the real file
        assert page.evaluate("document.querySelector('#static_url img').naturalWidth") == 64


SCRIPT = "<script>window.pwned = true; alert('xss')</script>"


def test_naive_raw_runs_the_visitors_script(page, alerts):
    with live_server(naive.make_app()) as base:
        page.goto(base + "/echo?text=" + quote(SCRIPT))
        assert page.evaluate("window.pwned") is True
    assert alerts == ["xss"]


def test_the_chapters_echo_shows_the_script_as_text(page, alerts):
    with live_server(make_app()) as base:
        page.goto(base + "/echo?text=" + quote(SCRIPT))
        assert page.evaluate("window.pwned") is None
        assert page.inner_text("#escaped") == SCRIPT
        assert page.inner_text("#linkified") == SCRIPT
        assert page.input_value("input[name=text]") == SCRIPT
    assert alerts == []
