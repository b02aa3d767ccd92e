"""Chapter 17 in Chromium: each engine's page runs the JavaScript its UI module adds and shows a
visitor's <script> as text; a flash made by a real form submit is shown after the redirect, once."""
import pytest

from chapters.ch17_templates.app import ENGINES, PAYLOAD, make_app
from workbook.net import live_server

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("engine", ENGINES)
def test_the_ui_modules_script_runs_and_the_visitors_script_does_not(page, tmp_path, engine):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    with live_server(make_app(data_dir=tmp_path)) as base:
        page.goto(base + "/")
        page.click(f'a[href="/{engine}"]')  # the plain link; the payload link is next to it
        assert page.evaluate("document.body.dataset.notice") == "shown"
        page.goto(base + "/")
        page.click(f'a[href^="/{engine}?text="]')
        assert page.text_content("p.text") == f"You wrote: {PAYLOAD}"
        assert page.evaluate("document.querySelectorAll('p.text script').length") == 0
    assert dialogs == []  # alert('xss') never ran


@pytest.mark.parametrize("engine", ENGINES)
def test_a_flash_from_a_real_form_is_shown_after_the_redirect_once(page, tmp_path, engine):
    with live_server(make_app(data_dir=tmp_path)) as base:
        page.goto(base + "/")
        page.fill("input[name=message]", "<b>bold?</b>")
        page.select_option("select[name=engine]", engine)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/{engine}")
        flashed = page.locator("#flashed span")
        assert flashed.all_text_contents() == [
            "Flashed: <b>bold?</b>",
            "This message is shown once: reload the page and it is gone."]
        assert page.get_attribute("#flashed span", "class") == "flash-success"
        page.reload()
        assert page.locator("#flashed").count() == 0
