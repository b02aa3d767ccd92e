"""Chapter 17: tornkit.template (three engines, bytes out, escaping on, one loader per
Application) and tornkit.flash (FlashMessageMixIn), the chapter's app, and tornadopy's loaders and
mixin (naive.py) failing where tornkit's hold."""
import html
import json
import os
import re

import pytest
import tornado.escape
import tornado.web

from chapters.ch17_templates import naive
from chapters.ch17_templates.app import ENGINES, PAYLOAD, make_app
from tornkit.application import Application
from tornkit.conf import Settings
from tornkit.flash import FlashMessageMixIn, FlashTooLarge
from tornkit.handler import WebHandler
from tornkit.template import JinjaLoader, MakoLoader, TemplateConfigError, create_loader
from workbook.testing import CookieClient

SCRIPT = "<script>alert(1)</script>"  # no quotes: Tornado writes ' as &#x27;, MarkupSafe as &#39;
SECRET = "a cookie secret only these tests use, long enough"

# One page in each engine's syntax: the same HTML must come out of all three.
PAGE = {
    "tornado": ("page.html", "<p>{{ text }}</p><ul>{% for i in items %}<li>{{ i }}</li>{% end %}"
                             "</ul>{% module Notice() %}"),
    "jinja2": ("page.jinja", "<p>{{ text }}</p><ul>{% for i in items %}<li>{{ i }}</li>"
                             "{% endfor %}</ul>{{ modules.Notice() }}"),
    "mako": ("page.mako", "<p>${text}</p><ul>\\\n% for i in items:\n<li>${i}</li>\\\n"
                          "% endfor\n</ul>${modules.Notice()}"),  # a final \ joins lines
}
NOTICE = {"tornado": "<b>{{ text }}</b>", "jinja2": "<b>{{ text }}</b>", "mako": "<b>${text}</b>"}
NAMESPACE = {  # every name of Tornado's namespace that the lesson lists, in each syntax
    "tornado": "{{ handler.route }} ## {{ static_url('a.css') }} ## {% raw xsrf_form_html() %} ## "
               "{{ reverse_url('ns') }} ## {{ _('Hello') }}",
    "jinja2": "{{ handler.route }} ## {{ static_url('a.css') }} ## {{ xsrf_form_html() }} ## "
              "{{ reverse_url('ns') }} ## {{ _('Hello') }}",
    "mako": "${handler.route} ## ${static_url('a.css')} ## ${xsrf_form_html()} ## "
            "${reverse_url('ns')} ## ${_('Hello')}",
}
EXTENSION = {"tornado": ".html", "jinja2": ".jinja", "mako": ".mako"}


@pytest.fixture
def app(tmp_path):
    return make_app(data_dir=tmp_path)


class Notice(tornado.web.UIModule):
    def render(self):
        return self.render_string("notice" + EXTENSION[self.handler.engine], text=SCRIPT)

    def embedded_javascript(self):
        return "window.noticed = true;"

    def embedded_css(self):
        return "b { color: teal; }"


class EnginePage(WebHandler):
    engine = "tornado"
    route = "engine-page"

    def get(self):
        self.render(PAGE[self.engine][0], text=SCRIPT, items=["a<b", "c"])


def engine_app(engine, template_path, handler=EnginePage, **settings):
    page = type(f"{engine}Page", (handler,), {"engine": engine})
    namespace = type(f"{engine}Names", (page,), {
        "get": lambda self: self.render("names" + EXTENSION[engine])})
    return Application([("/", page), tornado.web.url("/ns", namespace, name="ns")],
                       conf=Settings(TEMPLATE_CONFIG={"template_engine": engine}),
                       template_path=str(template_path), ui_modules={"Notice": Notice},
                       static_path=str(template_path), cookie_secret=SECRET, **settings)


@pytest.fixture
def templates(tmp_path):
    for engine, (name, text) in PAGE.items():
        page = f"<html><head></head><body>{text}</body></html>"
        (tmp_path / name).write_text(page, encoding="utf-8")
        (tmp_path / ("notice" + EXTENSION[engine])).write_text(NOTICE[engine], encoding="utf-8")
        (tmp_path / ("names" + EXTENSION[engine])).write_text(NAMESPACE[engine],
                                                              encoding="utf-8")
    (tmp_path / "a.css").write_text("b {}", encoding="utf-8")
    return tmp_path


async def get(http_client, url):
    return await http_client.fetch(url, raise_error=False)


# --- 模板引擎: three engines, one page ---------------------------------------------------------------
@pytest.mark.gen_test
async def test_the_same_page_from_the_three_engines_is_the_same_html(templates, serve,
                                                                     http_client):
    bodies = {}
    for engine in ENGINES:
        response = await get(http_client, serve(engine_app(engine, templates)) + "/")
        assert response.code == 200, (engine, response.body[:300])
        bodies[engine] = response.body
    assert bodies["tornado"] == bodies["jinja2"] == bodies["mako"], bodies
    body = bodies["jinja2"].decode()
    assert "<li>a&lt;b</li>" in body and body.count("&lt;script&gt;") == 2
    # render() put the UI module's JavaScript before </body>, its CSS before </head>
    assert body.index("window.noticed = true;") < body.index("</body>")
    assert body.index("b { color: teal; }") < body.index("</head>")


@pytest.mark.gen_test
@pytest.mark.parametrize("engine", ENGINES)
async def test_every_engine_has_tornados_namespace(engine, templates, serve, http_client):
    response = await get(http_client, serve(engine_app(engine, templates)) + "/ns")
    route, static, xsrf, reverse, hello = response.body.decode().split(" ## ")
    assert route == "engine-page" and reverse == "/ns" and hello == "Hello"
    assert re.fullmatch(r"/static/a\.css\?v=[0-9a-f]+", static), static
    assert xsrf.startswith('<input type="hidden" name="_xsrf" value="'), xsrf


@pytest.mark.gen_test
@pytest.mark.parametrize("engine", ENGINES)
async def test_b15_the_same_script_payload_is_escaped_by_every_engine(app, fetch, engine):
    response = await fetch(f"/{engine}?text=" + tornado.escape.url_escape(PAYLOAD))
    body = response.body.decode()
    assert response.code == 200
    assert PAYLOAD not in body
    written = re.search(r'<p class="text">You wrote: ([^<]*)</p>', body)
    assert written and html.unescape(written.group(1)) == PAYLOAD, body


@pytest.mark.parametrize("loader", [naive.Jinja2TemplateLoader, naive.MakoTemplateLoader],
                         ids=["jinja2", "mako"])
def test_b15_tornadopys_jinja2_and_mako_write_the_payload_as_it_is(loader, templates):
    name, text = (("page.jinja", "<p>{{ text }}</p>") if loader is naive.Jinja2TemplateLoader
                  else ("page.mako", "<p>${text}</p>"))
    (templates / name).write_text(text, encoding="utf-8")
    out = loader(str(templates)).load(name).generate(text=SCRIPT)
    assert out == f"<p>{SCRIPT}</p>"  # a str, and the script runs in the visitor's browser


@pytest.mark.gen_test
@pytest.mark.parametrize("engine", ENGINES)
async def test_every_engines_page_with_a_ui_module_that_adds_css_and_js_answers(
        app, fetch, engine):
    response = await fetch(f"/{engine}")
    body = response.body.decode()
    assert response.code == 200, response.body[:300]
    assert "document.body.dataset.notice = 'shown';" in body
    assert body.index("<style") < body.index("</head>")
    assert '<p class="notice notice-info">A UI module' in body


class NaivePage(tornado.web.RequestHandler):
    def get(self):
        self.render("page.jinja", text="hi", items=[])


@pytest.mark.gen_test
async def test_tornadopys_str_generate_is_a_500_once_a_ui_module_adds_javascript(
        templates, serve, http_client, caplog):
    (templates / "page.jinja").write_text(
        "<html><head></head><body>{{ text }}{{ modules.Notice() }}</body></html>",
        encoding="utf-8")
    app = tornado.web.Application([("/", type("P", (NaivePage,), {"engine": "jinja2"}))],
                                  template_loader=naive.Jinja2TemplateLoader(str(templates)),
                                  ui_modules={"Notice": Notice})
    with caplog.at_level("ERROR", logger="tornado.application"):
        response = await get(http_client, serve(app) + "/")
    assert response.code == 500
    assert "TypeError: must be str, not bytes" in caplog.text


def test_tornadopys_mako_options_fail_on_mako_1_2_and_later():
    with pytest.raises(TypeError, match="disable_unicode"):
        naive.make_original_mako_lookup()


# --- one loader per Application ----------------------------------------------------------------------
@pytest.mark.gen_test
async def test_two_apps_with_two_engines_on_one_template_path_keep_their_own(
        templates, serve, http_client):
    (templates / "same.html").write_text("{% set x = 1 %}tornado {{ x }}", encoding="utf-8")
    (templates / "same.mako").write_text("<% x = 2 %>mako ${x}", encoding="utf-8")

    class Same(WebHandler):
        def get(self):
            self.render("same.mako" if self.application.template_loader else "same.html")

    urls = {}
    for engine in ("tornado", "mako", "tornado"):
        app = Application([("/", Same)], conf=Settings(TEMPLATE_CONFIG={
            "template_engine": engine}), template_path=str(templates))
        urls.setdefault(engine, []).append(serve(app))
    for engine, expected in (("tornado", b"tornado 1"), ("mako", b"mako 2")):
        for url in urls[engine]:
            assert (await get(http_client, url + "/")).body == expected


@pytest.mark.gen_test
async def test_tornados_own_cache_gives_the_second_app_the_first_apps_loader(
        templates, serve, http_client):
    """The trap tornkit avoids, in plain Tornado: RequestHandler._template_loaders is keyed by
    template path alone, for the whole process."""
    path = str(templates / "only-this-test")
    (templates / "only-this-test").mkdir()
    (templates / "only-this-test" / "p.jinja").write_text("jinja {{ 1 + 1 }}", encoding="utf-8")

    class Plain(tornado.web.RequestHandler):
        def get(self):
            self.render("p.jinja")

    first = tornado.web.Application([("/", Plain)], template_path=path,
                                    template_loader=JinjaLoader(path))
    second = tornado.web.Application([("/", Plain)], template_path=path,
                                     template_loader=MakoLoader(path))
    try:
        assert (await get(http_client, serve(first) + "/")).body == b"jinja 2"
        assert (await get(http_client, serve(second) + "/")).body == b"jinja 2"  # not Mako's
    finally:
        tornado.web.RequestHandler._template_loaders.pop(path, None)


# --- TEMPLATE_CONFIG ---------------------------------------------------------------------------------
def test_autoescape_false_is_refused_for_every_engine(templates):
    for engine in ENGINES:
        with pytest.raises(TemplateConfigError, match="always escape"):
            create_loader(templates, {"template_engine": engine, "autoescape": False})
    with pytest.raises(TemplateConfigError, match="always escape"):
        Application([], conf=Settings(TEMPLATE_CONFIG={"autoescape": False}),
                    template_path=str(templates))
    with pytest.raises(TemplateConfigError, match="always escape"):  # Tornado's own switch
        Application([], template_path=str(templates), autoescape=None)


def test_an_unknown_engine_is_an_error_naming_it(templates):
    with pytest.raises(TemplateConfigError, match="'jinja'"):
        create_loader(templates, {"template_engine": "jinja"})
    with pytest.raises(TemplateConfigError, match="tornkit.template.Nope"):
        create_loader(templates, {"template_engine": "tornkit.template.Nope"})


def test_other_keys_go_to_the_engine_which_says_what_it_does_not_know(templates):
    loader = create_loader(templates, {"template_engine": "jinja2", "trim_blocks": True})
    assert loader.environment.trim_blocks is True
    loader = create_loader(templates, {"template_engine": "mako", "strict_undefined": True})
    assert loader.lookup.template_args["strict_undefined"] is True
    with pytest.raises(TypeError, match="disable_unicode"):  # tornadopy's Mako option
        create_loader(templates, {"template_engine": "mako", "disable_unicode": True})


def test_a_missing_template_is_an_error_naming_it(templates):
    for engine in ("jinja2", "mako"):
        loader = create_loader(templates, {"template_engine": engine})
        with pytest.raises(Exception, match="nope.html"):
            loader.load("nope.html")


def test_the_jinja2_and_mako_caches_are_used_and_see_edited_files(templates, tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache")
    (templates / "edit.jinja").write_text("one", encoding="utf-8")
    (templates / "edit.mako").write_text("one", encoding="utf-8")
    jinja = create_loader(templates, {"template_engine": "jinja2", "cache_directory": cache})
    mako = create_loader(templates, {"template_engine": "mako", "cache_directory": cache})
    assert jinja.load("edit.jinja").generate() == mako.load("edit.mako").generate() == b"one"
    assert list(cache.iterdir())  # Jinja2's bytecode and Mako's modules
    for name in ("edit.jinja", "edit.mako"):
        (templates / name).write_text("two", encoding="utf-8")
        os.utime(templates / name, (1e10, 1e10))  # newer, whatever the clock's resolution
    assert jinja.load("edit.jinja").generate() == mako.load("edit.mako").generate() == b"two"


# --- FlashMessageMixIn --------------------------------------------------------------------------------
def flash_app(mixin, **handlers):
    class Page(mixin, WebHandler):
        pass

    routes = [(path, type(name, (Page,), {"get": get})) for path, (name, get) in handlers.items()]
    return tornado.web.Application(routes, cookie_secret=SECRET)


def two_flashes(self):
    self.flash("saved", "success")
    self.flash("and a second one", "info")
    self.redirect("/show")


def show(self):
    self.write({"messages": [list(m) for m in self.get_flashed_messages()]})


def big(self):
    try:
        self.flash("x" * 4000, "info")
    except FlashTooLarge as e:
        self.set_status(413)
        self.write({"error": str(e)})


ROUTES = {"/two": ("Two", two_flashes), "/show": ("Show", show), "/big": ("Big", big)}


async def messages(client):
    return json.loads((await client.get("/show")).body)["messages"]


@pytest.mark.gen_test
async def test_two_flashes_survive_the_redirect_and_are_gone_once_shown(serve, http_client):
    client = CookieClient(http_client, serve(flash_app(FlashMessageMixIn, **ROUTES)))
    assert (await client.get("/two")).code == 302
    assert "_flash" in client.cookies
    assert await messages(client) == [["success", "saved"], ["info", "and a second one"]]
    assert "_flash" not in client.cookies  # cleared by the page that showed them
    assert await messages(client) == []


@pytest.mark.gen_test
async def test_b10_tornadopys_second_flash_replaces_the_first(serve, http_client):
    client = CookieClient(http_client, serve(flash_app(naive.FlashMessageMixIn, **ROUTES)))
    await client.get("/two")
    assert await messages(client) == [["info", "and a second one"]]  # "saved" is lost


@pytest.mark.gen_test
async def test_an_oversized_flash_is_an_error_naming_the_limit(serve, http_client):
    client = CookieClient(http_client, serve(flash_app(FlashMessageMixIn, **ROUTES)))
    response = await client.get("/big")
    assert response.code == 413
    assert "over the limit of 4000 bytes" in json.loads(response.body)["error"]
    assert "_flash" not in client.cookies


@pytest.mark.gen_test
async def test_tornadopys_oversized_flash_is_a_cookie_the_browser_drops(serve, http_client):
    client = CookieClient(http_client, serve(flash_app(naive.FlashMessageMixIn, **ROUTES)))
    response = await client.get("/big")
    assert response.code == 200  # no error: the cookie is sent, and over what a browser keeps
    assert max(len(header) for header in client.set_cookies) > 4096


@pytest.mark.gen_test
@pytest.mark.parametrize("cookie", ["garbage", '"not a list"'])
async def test_a_forged_or_foreign_flash_cookie_is_no_message(serve, http_client, cookie):
    app = flash_app(FlashMessageMixIn, **ROUTES)
    client = CookieClient(http_client, serve(app))
    signed = tornado.web.create_signed_value(SECRET, "_flash", cookie).decode()
    for value in (cookie, signed):
        client.cookies["_flash"] = value
        response = await client.get("/show")
        assert response.code == 200 and json.loads(response.body)["messages"] == []


# --- the app -----------------------------------------------------------------------------------------
@pytest.mark.gen_test
async def test_index_links_every_engine_and_the_payload(fetch):
    body = (await fetch("/")).body.decode()
    for engine in ENGINES:
        assert f'<a href="/{engine}">' in body
    assert 'name="_xsrf"' in body


@pytest.mark.gen_test
@pytest.mark.parametrize("engine", ENGINES)
async def test_the_flash_form_redirects_and_the_message_is_shown_once(http_client, base_url,
                                                                      engine):
    client = CookieClient(http_client, base_url)
    await client.get("/")  # the _xsrf cookie
    response = await client.post("/flash", {"message": "<i>hello</i>", "engine": engine})
    assert response.code == 302 and response.headers["Location"] == f"/{engine}"
    flash_cookie = next(c for c in client.set_cookies if c.startswith("_flash="))
    assert "HttpOnly" in flash_cookie and "SameSite=Lax" in flash_cookie
    assert "hello" not in flash_cookie.split(";")[0]  # signed, base64: not the message as is
    body = (await client.get(f"/{engine}")).body.decode()
    assert '<span class="flash-success">Flashed: &lt;i&gt;hello&lt;/i&gt;</span>' in body
    assert '<span class="flash-info">This message is shown once' in body
    assert 'id="flashed"' not in (await client.get(f"/{engine}")).body.decode()


@pytest.mark.gen_test
@pytest.mark.parametrize("fields, error", [
    ({"message": "", "engine": "mako"}, "the message is empty"),
    ({"message": "hi", "engine": "django"}, "no engine 'django'"),
    ({"message": "x" * 5000, "engine": "mako"}, "over the limit of 4000 bytes"),
], ids=["empty", "unknown engine", "too large"])
async def test_bad_flash_forms_get_a_400_saying_why(http_client, base_url, fields, error):
    client = CookieClient(http_client, base_url)
    await client.get("/")
    response = await client.post("/flash", fields)
    assert response.code == 400 and error in response.body.decode()


@pytest.mark.gen_test
@pytest.mark.parametrize("compiled_template_cache, expected", [(True, b"one"), (False, b"two")],
                         ids=["cached", "debug: read again"])
async def test_compiled_template_cache_false_reads_the_templates_again(
        templates, serve, http_client, compiled_template_cache, expected):
    """Tornado's debug=True sets compiled_template_cache=False and resets its loaders for every
    request; an Application's own Jinja2 or Mako loader is reset the same way."""
    (templates / "edit.jinja").write_text("one", encoding="utf-8")

    class Edit(WebHandler):
        def get(self):
            self.render("edit.jinja")

    app = Application([("/", Edit)], conf=Settings(TEMPLATE_CONFIG={
        "template_engine": "jinja2", "filesystem_checks": False}), template_path=str(templates),
        compiled_template_cache=compiled_template_cache)
    url = serve(app) + "/"
    assert (await get(http_client, url)).body == b"one"
    (templates / "edit.jinja").write_text("two", encoding="utf-8")
    assert (await get(http_client, url)).body == expected
