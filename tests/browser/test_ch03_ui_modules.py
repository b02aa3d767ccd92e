"""Chapter 03 in Chromium: the CSS and JavaScript that UIModules add to a page really load, and
each script runs once however many times its module renders."""
import pytest

from chapters.ch03_ui_modules.app import ENTRIES, make_app
from workbook import exercise, manifest
from workbook.net import live_server

pytestmark = pytest.mark.browser


def ran(page):
    """What c1.js's ran() recorded: {script: how many times it ran}."""
    return page.evaluate("window.ranScripts")


def test_son_page_runs_custom_javascript_once_and_applies_its_css(page):
    with live_server(make_app()) as base:
        page.goto(base + "/")
        assert page.title() == "topaz"
        # linked c1.js and c2.js, then the embedded snippet, each once, in that order
        assert ran(page) == {"c1.js": 1, "c2.js": 1, "embedded_javascript": 1}
        assert list(ran(page)) == ["c1.js", "c2.js", "embedded_javascript"]
        assert page.text_content("#ran") == (
            "Scripts that ran: c1.js ×1, c2.js ×1, embedded_javascript ×1")
        # embedded_css colours the module's output; c1.css lays out the header's list
        custom = page.locator("p.c1")
        assert custom.evaluate("p => getComputedStyle(p).color") == "rgb(255, 0, 0)"
        assert page.locator(".pg-header ul").evaluate(
            "ul => getComputedStyle(ul).display") == "flex"
        # the notes escape the <h1>: the browser shows the tag as text and makes no heading
        assert custom.text_content() == "<h1>Topaz</h1>"
        assert custom.locator("h1").count() == 0


@pytest.mark.parametrize("n", [1, 5])
def test_many_renders_still_run_each_script_once(page, n):
    with live_server(make_app()) as base:
        page.goto(f"{base}/repeat?n={n}")
        assert page.locator("p.c1").count() == n
        assert ran(page) == {"c1.js": 1, "c2.js": 1, "embedded_javascript": 1}


def test_entries_like_buttons_count_one_per_click_and_no_title_runs(page):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    with live_server(make_app()) as base:
        page.goto(base + "/entries")
        # c1.js is listed by Entry and by custom, entry.js by three Entry renders: once each
        assert ran(page) == {"c1.js": 1, "entry.js": 1, "c2.js": 1, "embedded_javascript": 1}
        likes = page.locator("#entry-1 .likes")
        assert likes.text_content() == "3"
        page.click("#entry-1 .like")
        assert likes.text_content() == "4"  # one listener per button: entry.js ran once
        page.click("#entry-1 .like")
        assert likes.text_content() == "5"
        # the escaped title is text on the page, and its alert() never ran
        assert page.text_content("#entry-2 h2") == ENTRIES[1]["title"]
        assert page.locator("#entry-2 h2 script").count() == 0
    assert dialogs == []


def test_exercise_solution_counts_notices_down_as_they_close(page):
    solution = exercise.load(manifest.get(3))  # the reference solution, by default
    with live_server(solution.make_app()) as base:
        page.goto(base + "/inbox")
        count = page.locator("#notice-count")
        assert count.text_content() == "4"  # setNoticeCount(4), embedded by Notice
        page.click(".notice-error .close")
        assert page.locator(".notice-error").is_hidden()
        assert count.text_content() == "3"
        assert page.locator(".notice-warning").first.text_content().strip().endswith(
            "Your <b>trial</b> ends in 3 days.")
