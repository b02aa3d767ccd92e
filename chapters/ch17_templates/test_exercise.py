"""Tests of the chapter 17 exercise. `make check-17` runs them on your exercise.py; plain
`pytest` runs them on solutions/ch17_templates/exercise.py."""
import json

import jinja2
import pytest
import tornado.web

from tornkit.application import Application
from tornkit.conf import Settings
from tornkit.flash import FlashTooLarge
from tornkit.handler import WebHandler
from workbook.testing import CookieClient

LESSON = "chapters/ch17_templates/README.md"
PAYLOAD = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
SECRET = "a cookie secret only these tests use, long enough"


@pytest.fixture
def app():
    return tornado.web.Application()  # each test serves its own app with `serve`


# --- steps 1-2: the Jinja2 adapter ----------------------------------------------------------------
def test_step1_generate_returns_the_page_as_bytes(exercise):
    template = exercise.JinjaTemplate("hi", jinja2.Environment().from_string("Hi {{ who }}!"))
    got = template.generate(who="ann")
    assert isinstance(got, bytes), (
        f"generate(who='ann') should return bytes, like a Tornado template, got "
        f"{type(got).__name__} {got!r}: render() adds the UI modules' CSS and JavaScript to "
        f"bytes ({LESSON}, §2)")
    assert got == b"Hi ann!", f"generate(who='ann') of 'Hi {{{{ who }}}}!' gave {got!r}"


def test_step2_the_loader_finds_templates_and_escapes(exercise, tmp_path):
    (tmp_path / "page.jinja").write_text("<p>{{ text }}</p>", encoding="utf-8")
    loader = exercise.JinjaLoader(str(tmp_path))
    got = loader.load("page.jinja").generate(text=PAYLOAD)
    assert got == f"<p>{ESCAPED}</p>".encode(), (
        f"page.jinja is <p>{{{{ text }}}}</p>; with text={PAYLOAD!r} it should give "
        f"<p>{ESCAPED}</p>, got {got!r}: every {{{{ value }}}} is escaped, Jinja2 does it only "
        f"when its Environment is told to ({LESSON}, §3)")


class Notice(tornado.web.UIModule):
    def render(self):
        return self.render_string("notice.jinja", text=PAYLOAD)

    def embedded_javascript(self):
        return "document.title = 'noticed';"


class JinjaPage(WebHandler):
    def get(self):
        self.render("page.jinja", text=PAYLOAD)


@pytest.mark.gen_test
async def test_step2_a_page_with_a_ui_module_that_adds_javascript(exercise, tmp_path, serve,
                                                                  http_client):
    (tmp_path / "page.jinja").write_text(
        "<html><head></head><body>{{ xsrf_form_html() }} {{ text }} "
        "{{ modules.Notice() }}</body></html>", encoding="utf-8")
    (tmp_path / "notice.jinja").write_text("<b>{{ text }}</b>", encoding="utf-8")
    app = Application([("/", JinjaPage)], conf=Settings(TEMPLATE_CONFIG={
        "template_engine": exercise.JinjaLoader}), template_path=str(tmp_path),
        ui_modules={"Notice": Notice}, cookie_secret=SECRET)
    response = await http_client.fetch(serve(app) + "/", raise_error=False)
    body = response.body.decode()
    assert response.code == 200, (
        f"a Jinja2 page with a UI module that adds JavaScript answered {response.code}: "
        f"render() looks for b'</body>' in what generate() returned, so it must be bytes "
        f"({LESSON}, §2)")
    assert "document.title = 'noticed';" in body, "the UI module's JavaScript is missing"
    assert PAYLOAD not in body and body.count(ESCAPED) == 2, (
        f"the visitor's text, in the page and in the UI module's template, should be escaped "
        f"twice, got {body!r} ({LESSON}, §3)")
    assert '<input type="hidden" name="_xsrf"' in body, (
        f"xsrf_form_html() should be written as HTML (tornkit.template.html_namespace marks it "
        f"so), got {body!r} ({LESSON}, §2)")


# --- steps 3-5: FlashMessageMixIn -----------------------------------------------------------------
def flash_app(exercise):
    class Page(exercise.FlashMessageMixIn, WebHandler):
        pass

    class Two(Page):
        def get(self):
            self.flash("saved", "success")
            self.flash("and a second one", "info")
            self.redirect("/show")

    class Big(Page):
        def get(self):
            try:
                self.flash("x" * 5000, "info")
            except FlashTooLarge as e:
                self.set_status(413)
                self.write({"error": str(e)})

    class Show(Page):
        def get(self):
            self.write({"messages": [list(m) for m in self.get_flashed_messages()],
                        "again": [list(m) for m in self.get_flashed_messages()]})

    return Application([("/two", Two), ("/big", Big), ("/show", Show)], cookie_secret=SECRET)


async def shown(client):
    """What /show found: get_flashed_messages() called twice."""
    response = await client.get("/show")
    assert response.code == 200, (
        f"GET /show (get_flashed_messages()) answered {response.code}: {response.body[:200]!r}")
    return json.loads(response.body)


@pytest.mark.gen_test
async def test_step3_two_flashes_in_one_request_both_survive_the_redirect(
        exercise, serve, http_client):
    client = CookieClient(http_client, serve(flash_app(exercise)))
    response = await client.get("/two")
    assert response.code == 302, f"GET /two should redirect, got {response.code}"
    got = (await shown(client))["messages"]
    expected = [["success", "saved"], ["info", "and a second one"]]
    assert got == expected, (
        f"flash('saved', 'success') then flash('and a second one', 'info') in one request, then "
        f"a redirect: the next page should get {expected}, got {got}. The second flash() adds "
        f"to what this request flashed, not to the cookie that came in ({LESSON}, §5)")


@pytest.mark.gen_test
async def test_step4_an_oversized_flash_is_an_error_naming_the_limit(exercise, serve,
                                                                     http_client):
    client = CookieClient(http_client, serve(flash_app(exercise)))
    response = await client.get("/big")
    assert response.code == 413, (
        f"flash() of 5,000 characters should raise FlashTooLarge (a browser drops a cookie over "
        f"4 KB without a word), got {response.code} {response.body[:200]!r} ({LESSON}, §5)")
    error = json.loads(response.body)["error"]
    assert "4000" in error, f"the error should name the limit, 4000 bytes: {error!r}"
    assert "_flash" not in client.cookies, "no cookie should be set for a refused flash"


@pytest.mark.gen_test
async def test_step5_a_message_is_shown_once(exercise, serve, http_client):
    client = CookieClient(http_client, serve(flash_app(exercise)))
    response = await client.get("/two")
    assert response.code == 302, f"GET /two (two flashes, a redirect) answered {response.code}"
    first = await shown(client)
    assert first["again"] == [], (
        f"get_flashed_messages() called twice in one request: the second call should get [], "
        f"got {first['again']} ({LESSON}, §5)")
    second = (await shown(client))["messages"]
    assert second == [], (
        f"the messages were shown once; the next page should get [], got {second}: "
        f"get_flashed_messages() clears the cookie ({LESSON}, §5)")
