"""Chapter 09 in Chromium: the long-poll chat. Two pages wait on /chat/wait; one sends, and the
other shows the message without a reload. Only a real browser runs the page's fetch() loop."""
import json
import urllib.parse
import urllib.request

import pytest

from chapters.ch09_coroutines.app import make_app
from workbook.net import live_server

pytestmark = pytest.mark.browser


def stats(base):
    with urllib.request.urlopen(base + "/chat/stats") as response:
        return json.loads(response.read())


@pytest.fixture
def base():
    with live_server(make_app(max_message=20)) as base:
        yield base


def open_chat(browser_page, base):
    browser_page.goto(base + "/chat")
    return browser_page


def test_a_message_sent_in_one_page_appears_in_the_other(page, base):
    alice = open_chat(page, base)
    bob = open_chat(page.context.new_page(), base)
    # both pages are now waiting on the server (one long poll each)
    for _ in range(100):
        if stats(base)["waiters"] == 2:
            break
        alice.wait_for_timeout(50)
    assert stats(base)["waiters"] == 2

    alice.fill("#text", "<b>hello</b> 茶")
    alice.click("button[type=submit]")
    bob.wait_for_selector("#log li")
    assert bob.locator("#log li").all_text_contents() == ["<b>hello</b> 茶"]
    assert bob.locator("#log li b").count() == 0  # shown as text, never as markup
    alice.wait_for_selector("#log li")
    assert alice.input_value("#text") == ""

    bob.fill("#text", "reply")
    bob.click("button[type=submit]")
    alice.wait_for_function("document.querySelectorAll('#log li').length === 2")
    assert alice.locator("#log li").all_text_contents() == ["<b>hello</b> 茶", "reply"]
    assert bob.url == base + "/chat"  # never reloaded


def test_a_new_page_shows_the_history_and_waits_from_there(page, base):
    data = urllib.parse.urlencode({"text": "before"}).encode()
    urllib.request.urlopen(base + "/chat/send", data=data).read()
    carol = open_chat(page, base)
    assert carol.locator("#log li").all_text_contents() == ["before"]
    urllib.request.urlopen(base + "/chat/send",
                           data=urllib.parse.urlencode({"text": "after"}).encode()).read()
    carol.wait_for_function("document.querySelectorAll('#log li').length === 2")
    assert carol.locator("#log li").all_text_contents() == ["before", "after"]


def test_a_refused_message_shows_the_servers_reason(page, base):
    chat = open_chat(page, base)
    chat.fill("#text", "x" * 21)
    chat.click("button[type=submit]")
    chat.wait_for_function("document.getElementById('status').textContent !== ''")
    assert chat.text_content("#status").strip() == (
        "400 Bad Request: the message has 21 characters; the limit is 20")
    assert chat.locator("#log li").count() == 0
