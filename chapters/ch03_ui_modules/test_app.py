"""Chapter 03's app, page by page, and what Tornado 6.6 does with UIMethods and UIModules:
where their CSS and JavaScript go, what it links once, what it escapes and what it does not."""
import hashlib
import re
import types

import pytest
import tornado.httpserver
import tornado.testing
import tornado.web
from tornado.httpclient import AsyncHTTPClient
from tornado.web import UIModule

from chapters.ch03_ui_modules import uimethods, uimodules
from chapters.ch03_ui_modules.app import ENTRIES, make_app
from workbook import manifest

STATIC = manifest.ROOT / "static" / "ch03_ui_modules"
EMBEDDED_JS = 'ran("embedded_javascript");'
EMBEDDED_CSS = ".c1 { color: red; }"


@pytest.fixture
def app():
    return make_app()


async def page(fetch, path):
    response = await fetch(path)
    assert response.code == 200, response.body
    return response.body.decode()


def head_and_body(html):
    return html[:html.index("</head>")], html[html.index("<body>"):html.index("</body>")]


def linked(html, tag):
    """The static files linked by <script src> or <link href>, in order, without ?v=..."""
    attribute = {"script": "src", "link": "href"}[tag]
    return re.findall(rf'<{tag} {attribute}="/static/([\w.]+)\?v=[0-9a-f]+"', html)


# --- Step3.使用: the notes' son.html ----------------------------------------------------------------
@pytest.mark.gen_test
async def test_son_extends_daddy_and_includes_header(fetch):
    html = await page(fetch, "/")
    assert "<title>topaz</title>" in html
    assert "<li>42区</li>" in html  # header.html, through {% include %}
    assert "<h1> ui_methods and ui_modules </h1>" in html
    assert "default" not in html


@pytest.mark.gen_test
async def test_tab_is_a_ui_method_called_from_the_template(fetch):
    html = await page(fetch, "/")
    # {{ tab() }} comes right after {% module custom(123) %} in son.html
    assert re.search(r"Topaz&lt;/h1&gt;</p>\s*UIMethod\s*<script ", html)


@pytest.mark.gen_test
async def test_module_output_is_not_escaped_but_the_notes_escape_by_hand(fetch):
    html = await page(fetch, "/")
    # render() returns '<p class="c1">' + xhtml_escape('<h1>Topaz</h1>') + '</p>'. The <p> is
    # markup because {% module %} does not escape; the h1 is text because the notes escaped it.
    assert '<p class="c1">&lt;h1&gt;Topaz&lt;/h1&gt;</p>' in html
    assert "<h1>Topaz</h1>" not in html


@pytest.mark.gen_test
async def test_css_goes_in_head_files_first_then_embedded(fetch):
    html = await page(fetch, "/")
    head, body = head_and_body(html)
    assert linked(head, "link") == ["c1.css", "c2.css"]  # css_files(), in the order listed
    style = f'<style type="text/css">\n{EMBEDDED_CSS}\n</style>'
    assert head.count(style) == 1  # embedded_css()
    assert head.index(".css?v=") < head.index(style) < len(head)  # links, then the <style>
    assert "<link" not in body and "<style" not in body


@pytest.mark.gen_test
async def test_javascript_goes_before_body_end_files_first_then_embedded(fetch):
    html = await page(fetch, "/")
    head, body = head_and_body(html)
    assert linked(body, "script") == ["c1.js", "c2.js"]  # javascript_files(), in order
    script = f'<script type="text/javascript">\n//<![CDATA[\n{EMBEDDED_JS}\n//]]>\n</script>'
    assert body.count(script) == 1
    # after everything the template wrote (the module's output, tab()), files before the snippet
    assert body.index("UIMethod") < body.index("c1.js") < body.index("c2.js") < body.index(script)
    assert "<script" not in head


@pytest.mark.gen_test
async def test_linked_files_are_served_with_a_content_version(fetch):
    html = await page(fetch, "/")
    for url in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        path, version = url.split("?v=")
        content = (STATIC / path.removeprefix("/static/")).read_bytes()
        # static_url() appends a hash of the file (ch04 is about it): a changed file, a new URL
        assert version == hashlib.sha512(content).hexdigest()
        response = await fetch(url)
        assert response.code == 200 and response.body == content


@pytest.mark.gen_test
@pytest.mark.parametrize("path, active", [
    ("/", "/"), ("/repeat?n=2", "/repeat?n=3"), ("/entries", "/entries"),
])
async def test_active_ui_method_sees_the_request_through_its_handler_argument(fetch, path, active):
    html = await page(fetch, path)
    links = dict(re.findall(r'<a href="([^"]+)" class="(\w*)">', html))
    assert links == {href: ("active" if href == active else "") for href in
                     ("/", "/repeat?n=3", "/entries")}


def test_what_step2_registers():
    app = make_app()
    # uimethods: every public function whose name starts lowercase, called with the handler first
    assert set(app.ui_methods) == {"tab", "active"}
    assert app.ui_methods["tab"] is uimethods.tab
    # uimodules: every UIModule subclass in it -- the imported UIModule too -- plus Tornado's own
    assert set(app.ui_modules) == {"custom", "Entry", "UIModule",
                                   "linkify", "xsrf_form_html", "Template"}
    assert app.ui_modules["custom"] is uimodules.custom


# --- One module, many renders ----------------------------------------------------------------
@pytest.mark.gen_test
@pytest.mark.parametrize("n", [1, 3, 20])
async def test_repeat_renders_n_times_but_adds_css_and_js_once(fetch, n):
    html = await page(fetch, f"/repeat?n={n}")
    assert html.count('<p class="c1">') == n
    assert linked(html, "link") == ["c1.css", "c2.css"]
    assert linked(html, "script") == ["c1.js", "c2.js"]
    assert html.count(EMBEDDED_CSS) == 1
    assert html.count(EMBEDDED_JS) == 1


@pytest.mark.gen_test
@pytest.mark.parametrize("n, message", [
    ("x", "n must be a whole number, not 'x'"),
    ("", "n must be a whole number, not ''"),
    ("0", "n must be between 1 and 20, not '0'"),
    ("21", "n must be between 1 and 20, not '21'"),
    ("1e3", "n must be a whole number, not '1e3'"),
], ids=["not a number", "empty", "zero", "too many", "not whole"])
async def test_repeat_refuses_a_bad_n_with_a_400(fetch, n, message):
    response = await fetch(f"/repeat?n={n}")
    assert response.code == 400
    assert response.body.decode() == f"400 Bad Request: {message}\n"


@pytest.mark.gen_test
async def test_unknown_path_is_a_404(fetch):
    response = await fetch("/son.html")
    assert response.code == 404
    assert response.body == b"404 Not Found: no route matches /son.html\n"


# --- A module with a template of its own: Entry -----------------------------------------------
@pytest.mark.gen_test
async def test_entry_renders_its_own_template_once_per_entry(fetch):
    html = await page(fetch, "/entries")
    assert re.findall(r'<article class="entry" id="entry-(\d+)">', html) == ["1", "2", "3"]
    assert '<h2>Tornado 6.6</h2>' in html
    assert '<span class="likes">3</span>' in html


@pytest.mark.gen_test
async def test_entry_template_autoescapes_the_data(fetch):
    html = await page(fetch, "/entries")
    assert ENTRIES[1]["title"] == "<script>alert('not run')</script>"
    assert "<h2>&lt;script&gt;alert(&#x27;not run&#x27;)&lt;/script&gt;</h2>" in html
    assert "<script>alert" not in html


@pytest.mark.gen_test
async def test_a_file_two_modules_list_is_linked_once_in_order_of_first_use(fetch):
    html = await page(fetch, "/entries")
    # Entry (used first) lists c1.js, entry.js; custom (used last) lists c1.js, c2.js.
    assert linked(html, "script") == ["c1.js", "entry.js", "c2.js"]
    assert linked(html, "link") == ["entry.css", "c1.css", "c2.css"]
    assert html.count(EMBEDDED_JS) == 1


@pytest.mark.gen_test
async def test_a_module_the_page_does_not_use_adds_nothing(fetch):
    html = await page(fetch, "/")
    assert "entry.js" not in html and "entry.css" not in html


# --- Tornado's rules, each on a page of its own --------------------------------------------------
class PageHandler(tornado.web.RequestHandler):
    def get(self, name):
        self.render(name)


class RenderStringHandler(tornado.web.RequestHandler):
    def get(self, name):
        self.write(self.render_string(name))


@pytest.fixture
def render_page(tmp_path):
    """Serve templates written to tmp_path with the given settings, GET one page, stop.

    A fresh template_path per test: Tornado caches template loaders by path, process-wide."""
    async def render(templates, name="page.html", handler=PageHandler, **settings):
        for filename, text in templates.items():
            (tmp_path / filename).write_text(text)
        app = tornado.web.Application([(r"/(.*)", handler)], template_path=str(tmp_path),
                                      static_path=STATIC, **settings)
        sock, port = tornado.testing.bind_unused_port()
        server = tornado.httpserver.HTTPServer(app)
        server.add_sockets([sock])
        try:
            return await AsyncHTTPClient().fetch(f"http://127.0.0.1:{port}/{name}",
                                                 raise_error=False)
        finally:
            server.stop()
    return render


def raised(caplog):
    """The exception behind the last 500, as Tornado logged it: "ValueError: ..." """
    errors = [r for r in caplog.records if r.name == "tornado.application" and r.exc_info]
    assert errors, "no exception was logged"
    error = errors[-1].exc_info[1]
    return f"{type(error).__name__}: {error}"


def html_page(body):
    return f"<html><head></head><body>{body}</body></html>"


@pytest.mark.gen_test
async def test_embedded_code_comes_once_per_module_name_not_once_per_text(render_page):
    # The same class under two names is two modules on the page: its snippets come twice, while
    # its files, the same URLs, are still linked once.
    response = await render_page(
        {"page.html": html_page("{% module custom(1) %}{% module custom(2) %}"
                                "{% module again(3) %}")},
        ui_modules={"custom": uimodules.custom, "again": uimodules.custom})
    html = response.body.decode()
    assert html.count('<p class="c1">') == 3
    assert html.count(EMBEDDED_JS) == 2 and html.count(EMBEDDED_CSS) == 2
    assert html.count("<script type=") == 1 and html.count("<style") == 1  # in one block each
    assert linked(html, "script") == ["c1.js", "c2.js"]


@pytest.mark.gen_test
async def test_identical_snippets_of_two_modules_are_not_merged(render_page):
    class Other(UIModule):
        def render(self):
            return ""

        def embedded_css(self):
            return EMBEDDED_CSS  # the very text custom returns

    response = await render_page(
        {"page.html": html_page("{% module custom(1) %}{% module Other() %}")},
        ui_modules={"custom": uimodules.custom, "Other": Other})
    assert response.body.decode().count(EMBEDDED_CSS) == 2


class Bold(UIModule):
    def render(self, text):
        return f"<b>{text}</b>"


def bold(handler, text):
    return f"<b>{text}</b>"


@pytest.mark.gen_test
async def test_ui_method_output_is_escaped_module_output_is_not(render_page):
    response = await render_page(
        {"page.html": html_page("[{{ bold('x') }}] [{% raw bold('r') %}] [{% module Bold('x') %}] "
                                "[{% module Bold('<i>y</i>') %}] [{{ modules.Bold('z') }}]")},
        ui_methods={"bold": bold}, ui_modules={"Bold": Bold})
    body = head_and_body(response.body.decode())[1]
    assert "[&lt;b&gt;x&lt;/b&gt;]" in body  # {{ }} escapes what a UIMethod returns
    assert "[<b>r</b>]" in body  # unless the template says {% raw %}
    assert "[<b>x</b>]" in body  # {% module %} inserts what render() returns as it is...
    assert "[<b><i>y</i></b>]" in body  # ...arguments too: escaping is the module's job
    assert "[&lt;b&gt;z&lt;/b&gt;]" in body  # {{ modules.X() }} is an expression: escaped


class NotesCustom(UIModule):
    """The notes' custom, word for word: the resource methods hold docstrings only."""

    def render(self, *args, **kwargs):
        from tornado import escape
        return escape.xhtml_escape('<h1>Topaz</h1>')

    def javascript_files(self):
        '''在页面生成<script src="c1.js"></script>
        <script src="c2.js"></script>'''
        '''return ['c1.js','c2.js']'''

    def embedded_javascript(self):
        '''在页面生成<script>alert(123)</script>'''
        '''return "alert(123)"'''

    def css_files(self):
        '''生成<link href="c1.css" rel="stylesheet">'''
        '''return ['c1.css','c2.css']'''

    def embedded_css(self):
        '''在页面生成<style> c1.{color:red;}（return的内容） </style>'''
        '''return "c1.{color:red;}" '''


@pytest.mark.gen_test
async def test_the_notes_module_as_written_adds_no_css_or_js(render_page):
    template = html_page("{% module custom(123) %}")
    response = await render_page({"page.html": template}, ui_modules={"custom": NotesCustom})
    assert response.body.decode() == template.replace(
        "{% module custom(123) %}", "&lt;h1&gt;Topaz&lt;/h1&gt;")


@pytest.mark.gen_test
async def test_only_render_adds_the_modules_css_and_js(render_page):
    response = await render_page({"page.html": html_page("{% module custom(1) %}")},
                                 handler=RenderStringHandler, ui_modules=uimodules)
    html = response.body.decode()
    assert '<p class="c1">' in html
    assert "<script" not in html and "<link" not in html and "<style" not in html


@pytest.mark.gen_test
async def test_a_page_with_module_files_needs_head_and_body_tags(render_page, caplog):
    # render() puts the files before </body> and </head>; a page without them cannot take them
    response = await render_page({"page.html": '<div>{% module custom(1) %}</div>'},
                                 ui_modules=uimodules)
    assert response.code == 500
    assert raised(caplog) == "ValueError: subsection not found"  # html.rindex(b"</body>")


@pytest.mark.gen_test
async def test_a_module_template_sees_what_it_is_passed_not_the_page(render_page, caplog):
    class Card(UIModule):
        def render(self, title):
            return self.render_string("card.html", title=title)

    templates = {
        "page.html": html_page("{% set secret = 'page' %}{% module Card('hi') %}"),
        "card.html": "<i>{{ title }} {{ tab() }} {{ request.path }}</i>",  # handler namespace: ok
        "leaky.html": html_page("{% set secret = 'page' %}{% module Leaky() %}"),
        "leak.html": "<i>{{ secret }}</i>",
        "include.html": html_page("{% set secret = 'page' %}{% include 'leak.html' %}"),
    }

    class Leaky(UIModule):
        def render(self):
            return self.render_string("leak.html")

    settings = {"ui_modules": {"Card": Card, "Leaky": Leaky}, "ui_methods": uimethods}
    response = await render_page(templates, **settings)
    assert "<i>hi UIMethod /page.html</i>" in response.body.decode()
    response = await render_page(templates, name="leaky.html", **settings)
    assert response.code == 500
    assert raised(caplog) == "NameError: name 'secret' is not defined"  # it is the page's
    response = await render_page(templates, name="include.html", **settings)
    assert "<i>page</i>" in response.body.decode()  # {% include %} shares the page's names


@pytest.mark.gen_test
async def test_the_builtin_template_module_needs_no_class(render_page):
    response = await render_page({
        "page.html": html_page("{% module Template('card.html', title='<hi>') %}"),
        "card.html": "<i>{{ title }}</i>",
    })
    assert "<i>&lt;hi&gt;</i>" in response.body.decode()


@pytest.mark.gen_test
async def test_an_imported_function_becomes_a_ui_method_and_shadows_a_default(render_page,
                                                                              caplog):
    # Why uimethods.py imports nothing callable: from a module, Tornado takes every public
    # lowercase callable, and a UI method wins over the template's own names.
    careless = types.ModuleType("careless_uimethods")
    exec("from tornado.escape import xhtml_escape\n"
         "def tab(self):\n    return 'UIMethod'\n", careless.__dict__)
    assert set(tornado.web.Application(ui_methods=careless).ui_methods) == {"tab", "xhtml_escape"}

    templates = {"page.html": html_page("{{ xhtml_escape('<') }}")}
    response = await render_page(templates)
    assert response.code == 200 and "&amp;lt;" in response.body.decode()
    response = await render_page(templates, ui_methods=careless)
    assert response.code == 500  # the template called xhtml_escape(handler, '<')
    assert raised(caplog) == (
        "TypeError: xhtml_escape() takes 1 positional argument but 2 were given")
