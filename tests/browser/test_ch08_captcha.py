"""Chapter 08 in Chromium: the login form shows the captcha through an <img>, and a click on the
picture loads a new one (new URL, new picture, new id), after which the old answer is refused."""
import pytest

from chapters.ch08_captcha import check_code
from chapters.ch08_captcha.app import CAPTCHA_COOKIE, make_app
from workbook.net import live_server

pytestmark = pytest.mark.browser


class Renderer:
    """check_code.render_png, remembering each answer: the test "reads" the pictures."""

    def __init__(self):
        self.drawn = []

    def __call__(self, text):
        self.drawn.append(text)
        return check_code.render_png(text)


def captcha_id(page):
    return {c["name"]: c["value"] for c in page.context.cookies()}.get(CAPTCHA_COOKIE)


def wait_for_picture(page):
    page.wait_for_function(
        "() => { const img = document.getElementById('captcha');"
        " return img.complete && img.naturalWidth > 0; }")
    return page.eval_on_selector("#captcha",
                                 "img => [img.src, img.naturalWidth, img.naturalHeight]")


def test_clicking_the_picture_loads_a_new_captcha(page):
    renderer = Renderer()
    with live_server(make_app(captcha_render=renderer)) as base:
        with page.expect_response(lambda r: "/captcha.png" in r.url):
            page.goto(base + "/login")
        first_src, width, height = wait_for_picture(page)
        assert (width, height) == check_code.SIZE
        first_id = captcha_id(page)
        assert first_id and len(renderer.drawn) == 1

        with page.expect_response(lambda r: "/captcha.png?t=" in r.url) as new_image:
            page.click("#captcha")
        response = new_image.value
        assert response.status == 200 and response.headers["content-type"] == "image/png"
        assert response.headers["cache-control"] == "no-store"
        new_src, width, height = wait_for_picture(page)
        assert new_src != first_src
        assert (width, height) == check_code.SIZE
        assert len(renderer.drawn) == 2
        assert captcha_id(page) not in (None, first_id)

        # The picture on screen is the one that counts: its answer logs in.
        page.fill("input[name=username]", "topaz")
        page.fill("input[name=password]", "tornado")
        page.fill("input[name=captcha]", renderer.drawn[1].lower())
        page.click("input[type=submit]")
        assert page.inner_text("body") == "Welcome, topaz."

        # The old picture's id, put back in the browser with its right answer, is refused.
        page.goto(base + "/login")
        wait_for_picture(page)
        page.context.add_cookies([{"name": CAPTCHA_COOKIE, "value": first_id, "url": base}])
        page.fill("input[name=username]", "topaz")
        page.fill("input[name=password]", "tornado")
        page.fill("input[name=captcha]", renderer.drawn[0])
        with page.expect_response(lambda r: r.url.endswith("/login")) as answer:
            page.click("input[type=submit]")
        assert answer.value.status == 403
        assert "did not match, or the picture had expired" in page.inner_text("#error")
        wait_for_picture(page)  # the refusal comes with a new picture
        assert len(renderer.drawn) == 4
