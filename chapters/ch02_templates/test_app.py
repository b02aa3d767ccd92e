"""Chapter 02's app, page by page: what each template renders, what it escapes, and how the
compiled templates are cached."""
import hashlib
import re
import shutil
from urllib.parse import quote, urlencode

import pytest
import tornado.escape
import tornado.template
import tornado.web

from chapters.ch02_templates import naive
from chapters.ch02_templates.app import PAGES, STATIC_PATH, TEMPLATE_PATH, make_app
from workbook.net import free_port


@pytest.fixture
def app(request, tmp_path):
    """The chapter's app. Parametrized indirectly with a dict of settings, it gets those
    settings and its own copy of the templates (tmp_path/tpl), which the test may edit;
    with "naive", it is naive.py's app instead."""
    param = getattr(request, "param", None)
    if param is None:
        return make_app()
    if param == "naive":
        return naive.make_app()
    shutil.copytree(TEMPLATE_PATH, tmp_path / "tpl")
    return make_app(template_path=str(tmp_path / "tpl"), **param)


def element(html, id_):
    """The inside of the element with this id (the pages give each demo one)."""
    match = re.search(rf'<(\w+) id="{re.escape(id_)}">(.*?)</\1>', html, re.S)
    assert match, f"no element with id={id_!r} in {html!r}"
    return match.group(2)


def out(html, name):
    """The "gives" cell of a row of /namespace."""
    return re.search(r'<td class="out">(.*)</td>\Z', element(html, name), re.S).group(1)


async def page(fetch, path):
    response = await fetch(path)
    assert response.code == 200, (path, response.code, response.body)
    return response.body.decode()


@pytest.mark.gen_test
async def test_index_links_every_page(fetch):
    html = await page(fetch, "/")
    assert html.count("<li><a href=") == len(PAGES)
    for path, _ in PAGES:
        assert f'<a href="{tornado.escape.xhtml_escape(path)}">' in html
        assert (await fetch(path)).code == 200, path
    assert "the notes&#x27; daddy.html" in html  # {{ }} escapes ' too (as &#x27; since Tornado 6.4)


# --- 控制语句 and 表达语句 -------------------------------------------------------------------------
@pytest.mark.gen_test
async def test_expressions_are_python_expressions(fetch):
    html = await page(fetch, "/statements")  # the default items: 1024, 42区, topaz
    assert element(html, "expressions") == (
        "The first item is 1024; there are 3: 1024 / 42区 / topaz.")


@pytest.mark.gen_test
@pytest.mark.parametrize("items, expected", [
    (["a", "b", "c"], "More than two items."),
    (["a", "b"], "Exactly two items."),
    (["a"], "Just one item."),
], ids=["if", "elif", "else"])
async def test_if_elif_else(fetch, items, expected):
    html = await page(fetch, "/statements?" + urlencode([("item", i) for i in items]))
    assert element(html, "if") == expected


@pytest.mark.gen_test
async def test_for_writes_one_li_per_item_in_order(fetch):
    html = await page(fetch, "/statements?item=x&item=y&item=z&item=w")
    assert re.findall(r"<li>(.*?)</li>", element(html, "for")) == ["1: x", "2: y", "3: z", "4: w"]


@pytest.mark.gen_test
async def test_while_counts_down_with_set(fetch):
    html = await page(fetch, "/statements?item=a&item=b&item=c&item=d")
    assert element(html, "while") == "4… 3… 2… 1… liftoff!"


@pytest.mark.gen_test
async def test_try_except_catches_what_int_raises(fetch):
    html = await page(fetch, "/statements")
    assert re.findall(r"<li>(.*?)</li>", element(html, "try")) == [
        "1024 × 2 = 2048", "42区 is not a number", "topaz is not a number"]


def test_a_try_block_keeps_what_it_wrote_before_the_exception():
    # Why statements.html computes int(item) in a {% set %} before writing anything.
    t = tornado.template.Template(
        "{% try %}{{ item }} × 2 = {{ int(item) * 2 }}{% except ValueError %}not a number{% end %}")
    assert t.generate(item="42区").decode() == "42区 × 2 = not a number"


@pytest.mark.gen_test
async def test_items_are_escaped(fetch):
    html = await page(fetch, "/statements?item=%3Cb%3E&item=x")
    assert "<b>" not in html
    assert element(html, "expressions") == "The first item is &lt;b&gt;; there are 2: &lt;b&gt; / x."
    assert '<input name="item" value="&lt;b&gt;">' in html


@pytest.mark.gen_test
async def test_too_many_items_is_a_400(fetch):
    response = await fetch("/statements?" + "&".join(["item=x"] * 21))
    assert response.code == 400
    assert response.body == b"400 Bad Request: at most 20 items, not 21\n"


def test_for_else_runs_whenever_the_loop_was_not_broken():
    # {% for %}...{% else %} is Python's for/else: not "if empty". The exercise's trap.
    t = tornado.template.Template("{% for b in books %}[{{ b }}]{% else %}no books{% end %}")
    assert t.generate(books=[]).decode() == "no books"
    assert t.generate(books=["x"]).decode() == "[x]no books"


def test_break_continue_comments_and_literal_braces():
    t = tornado.template.Template(
        "{# not sent #}{% for i in range(5) %}{% if i == 1 %}{% continue %}{% end %}"
        "{% if i == 3 %}{% break %}{% end %}{{ i }}{% end %} {{! x }} {%! raw x %} {#! c #}")
    assert t.generate(x="never used") == b"02 {{ x }} {% raw x %} {# c #}"


def test_a_template_compiles_to_a_python_function():
    t = tornado.template.Template("<p>{{ name }}</p>")
    assert t.code.startswith("def _tt_execute():")
    assert "_tt_tmp = _tt_utf8(xhtml_escape(_tt_tmp))" in t.code  # autoescape, in the code
    assert t.generate(name="<b>") == b"<p>&lt;b&gt;</p>"  # generate() returns bytes


# --- The default namespace ----------------------------------------------------------------------
# get_query_argument strips the ends of the value (strip=True): the spaces inside are kept.
Q = "  <b>tea</b> &   茶:   www.tornadoweb.org  "


@pytest.mark.gen_test
@pytest.mark.parametrize("name, expected", [
    ("escape", "&lt;b&gt;tea&lt;/b&gt; &amp;   茶:   www.tornadoweb.org"),
    ("xhtml_escape", "&lt;b&gt;tea&lt;/b&gt; &amp;   茶:   www.tornadoweb.org"),
    # escape() inside {{ }}: escaped once by escape(), once more by autoescape
    ("escape-twice", "&amp;lt;b&amp;gt;tea&amp;lt;/b&amp;gt; &amp;amp;   茶:   www.tornadoweb.org"),
    ("url_escape", '<a href="/namespace?q=%3Cb%3Etea%3C%2Fb%3E+%26+++%E8%8C%B6%3A+++www.tornadoweb.org">'
                   "%3Cb%3Etea%3C%2Fb%3E+%26+++%E8%8C%B6%3A+++www.tornadoweb.org</a>"),
    ("json_encode", "&quot;&lt;b&gt;tea&lt;\\/b&gt; &amp;   \\u8336:   www.tornadoweb.org&quot;"),
    ("squeeze", "&lt;b&gt;tea&lt;/b&gt; &amp; 茶: www.tornadoweb.org"),
    ("linkify", '&lt;b&gt;tea&lt;/b&gt; &amp;   茶:   '
                '<a href="http://www.tornadoweb.org">www.tornadoweb.org</a>'),
    ("datetime", "2019-05-16"),  # 2016-07-26 + 1024 days
    ("handler", "NamespaceHandler"),
    ("request", "GET /namespace"),
], ids=["escape", "xhtml_escape", "escape-twice", "url_escape", "json_encode", "squeeze",
        "linkify", "datetime", "handler", "request"])
async def test_namespace_functions(fetch, name, expected):
    html = await page(fetch, "/namespace?" + urlencode({"q": Q}))
    assert out(html, name) == expected


@pytest.mark.gen_test
async def test_namespace_current_user_is_the_handlers(fetch):
    assert out(await page(fetch, "/namespace"), "current_user") == "None"
    assert out(await page(fetch, "/namespace?user=topaz"), "current_user") == "topaz"


@pytest.mark.gen_test
@pytest.mark.parametrize("lang, locale, translated", [
    ("en_US", "en_US English (US) 1,024", "Hello 2 books"),
    ("zh_CN", "zh_CN 中文(简体) 1024", "你好 2 本书"),
], ids=["en_US", "zh_CN"])
async def test_namespace_locale_and_underscore(fetch, lang, locale, translated):
    html = await page(fetch, f"/namespace?lang={lang}")
    assert out(html, "locale") == locale
    assert out(html, "_") == translated


@pytest.mark.gen_test
async def test_unknown_lang_is_a_400(fetch):
    response = await fetch("/namespace?lang=xx")
    assert response.code == 400
    assert b"lang must be one of ['en_US', 'zh_CN'], not 'xx'" in response.body


@pytest.mark.gen_test
async def test_namespace_static_url_is_versioned_by_content(fetch):
    html = await page(fetch, "/namespace")
    url = re.search(r'<img src="([^"]+)"', out(html, "static_url")).group(1)
    svg = (STATIC_PATH / "42.svg").read_bytes()
    assert url == "/static/42.svg?v=" + hashlib.sha512(svg).hexdigest()
    response = await fetch(url)
    assert response.code == 200 and response.body == svg
    assert response.headers["Content-Type"] == "image/svg+xml"


@pytest.mark.gen_test
async def test_namespace_xsrf_form_html(fetch):
    response = await fetch("/namespace")
    cell = out(response.body.decode(), "xsrf_form_html")
    token = re.fullmatch(r'<input type="hidden" name="_xsrf" value="(2\|[0-9a-f]{8}\|[0-9a-f]{32}\|\d+)"/>'
                         r"<code>&lt;input .*&gt;</code>", cell)
    assert token, cell
    assert "_xsrf=" in response.headers["Set-Cookie"]  # calling it set the cookie it checks


@pytest.mark.gen_test
async def test_json_encode_in_a_script_cannot_end_it(fetch):
    html = await page(fetch, "/namespace")
    assert ('window.shelf = [{"title": "Tornado 4 notes", "pages": 600}, '
            '{"title": "<\\/script> is where a script ends", "pages": 42}];</script>') in html
    assert "</script> is where" not in html


# --- 1. extends && block, 2. include ------------------------------------------------------------
@pytest.mark.gen_test
async def test_son_replaces_daddys_blocks(fetch):
    html = await page(fetch, "/login")
    assert "<title> topaz </title>" in html  # the notes' own spaces, kept
    assert "default" not in html  # both of daddy's blocks were replaced
    assert html.startswith("<!DOCTYPE html>")  # the page is daddy's, filled in


def test_daddy_alone_shows_its_defaults():
    daddy = tornado.template.Loader(str(TEMPLATE_PATH)).load("daddy.html").generate().decode()
    assert "<title>default</title>" in daddy and "\ndefault\n" in daddy


@pytest.mark.gen_test
async def test_son_includes_header(fetch):
    html = await page(fetch, "/login")
    assert '<div class="pg-header">\n<div>\n<ul>\n<li>1024</li>\n<li>42区</li>\n</ul>\n</div>' in html
    assert 'name="_xsrf"' in html and 'target=\'my_iframe\'' in html


def test_include_sees_the_including_templates_names():
    loader = tornado.template.DictLoader({
        "page.html": "{% set who = 'topaz' %}{% include 'hello.html' %}",
        "hello.html": "hello {{ who }}",
    })
    assert loader.load("page.html").generate() == b"hello topaz"


@pytest.mark.gen_test
async def test_login_post_answers_the_username_as_text(fetch):
    response = await fetch("/login", method="POST", body=urlencode({"username": "<b>topaz</b>"}))
    assert response.headers["Content-Type"] == "text/plain; charset=UTF-8"
    assert response.body.decode() == "弹~~ <b>topaz</b>"


# --- Autoescaping: the attack on naive.py, and the chapter's app ---------------------------------
SCRIPT = "<script>alert(1)</script>"


@pytest.mark.gen_test
@pytest.mark.parametrize("app", ["naive"], indirect=True)
async def test_naive_raw_writes_the_visitors_script_into_the_page(app, fetch):
    html = await page(fetch, "/echo?text=" + quote(SCRIPT))
    assert f'<p id="raw">{SCRIPT}</p>' in html  # a browser would run it


@pytest.mark.gen_test
async def test_echo_escapes_the_visitors_script(fetch):
    html = await page(fetch, "/echo?text=" + quote(SCRIPT))
    assert SCRIPT not in html and "<script>" not in html
    assert element(html, "escaped") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert element(html, "linkified") == "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.mark.gen_test
async def test_echo_escapes_quotes_so_an_attribute_cannot_be_left(fetch):
    html = await page(fetch, "/echo?text=" + quote('" autofocus onfocus="alert(1)'))
    assert 'value="&quot; autofocus onfocus=&quot;alert(1)"' in html


@pytest.mark.gen_test
async def test_raw_linkify_links_urls_and_escapes_the_rest(fetch):
    text = "<img src=x onerror=alert(1)> see http://www.tornadoweb.org or javascript:alert(1)"
    html = await page(fetch, "/echo?text=" + quote(text))
    assert element(html, "linkified") == (
        '&lt;img src=x onerror=alert(1)&gt; see <a href="http://www.tornadoweb.org">'
        "http://www.tornadoweb.org</a> or javascript:alert(1)")


def test_autoescape_none_turns_escaping_off():
    assert tornado.template.Template("{{ x }}").generate(x="<b>") == b"&lt;b&gt;"
    assert tornado.template.Template("{{ x }}", autoescape=None).generate(x="<b>") == b"<b>"
    assert tornado.template.Template("{% autoescape None %}{{ x }}").generate(x="<b>") == b"<b>"


# --- Compiled once, then cached -----------------------------------------------------------------
def loader_of(app) -> tornado.template.BaseLoader:
    """RequestHandler keeps one Loader per template_path, for the whole process."""
    return tornado.web.RequestHandler._template_loaders[app.settings["template_path"]]


def edit_header(app):
    header = app.settings["template_path"] + "/header.html"
    with open(header, encoding="utf-8") as f:
        text = f.read()
    with open(header, "w", encoding="utf-8") as f:
        f.write(text.replace("1024", "2048"))


@pytest.mark.gen_test
@pytest.mark.parametrize("app", [{}], indirect=True, ids=["default settings"])
async def test_templates_are_compiled_once_then_cached(app, fetch):
    await page(fetch, "/login")
    loader = loader_of(app)
    assert set(loader.templates) == {"son.html", "daddy.html", "header.html"}
    son = loader.templates["son.html"]
    await page(fetch, "/login")
    assert loader.templates["son.html"] is son  # the same compiled Template, not a new one


@pytest.mark.gen_test
@pytest.mark.parametrize("app", [{}], indirect=True, ids=["default settings"])
async def test_with_the_cache_an_edited_template_is_not_reread(app, fetch):
    assert "<li>1024</li>" in await page(fetch, "/login")
    edit_header(app)
    assert "<li>1024</li>" in await page(fetch, "/login")  # until the process restarts


@pytest.mark.gen_test
@pytest.mark.parametrize("app", [{"compiled_template_cache": False}], indirect=True,
                         ids=["compiled_template_cache=False"])
async def test_without_the_cache_an_edit_shows_on_the_next_request(app, fetch):
    assert "<li>1024</li>" in await page(fetch, "/login")
    edit_header(app)
    assert "<li>2048</li>" in await page(fetch, "/login")


def test_debug_turns_the_template_cache_off():
    # autoreload=False: in a test, autoreload would restart the process when a module changes.
    app = make_app(debug=True, autoreload=False)
    assert app.settings["compiled_template_cache"] is False
    assert app.settings["static_hash_cache"] is False and app.settings["serve_traceback"] is True
    assert make_app().settings.get("compiled_template_cache", True) is True  # the default: on


@pytest.mark.gen_test
@pytest.mark.parametrize("app, expected", [
    ({}, "<ul>\n<li>1024</li>\n<li>42区</li>\n</ul>"),  # .html files default to "single"
    ({"template_whitespace": "all"}, "<ul>\n        <li>1024</li>\n        <li>42区</li>\n    </ul>"),
    ({"template_whitespace": "oneline"}, "<ul> <li>1024</li> <li>42区</li> </ul>"),
], indirect=["app"], ids=["single (default)", "all", "oneline"])
async def test_template_whitespace(app, fetch, expected):
    html = await page(fetch, "/login")
    assert expected in html
    assert ("\n" in html) is (app.settings.get("template_whitespace") != "oneline")


@pytest.mark.gen_test
@pytest.mark.parametrize("app", [{}], indirect=True, ids=["default settings"])
async def test_apps_with_one_template_path_share_the_first_apps_loader(app, fetch, http_client):
    first = await page(fetch, "/statements")
    other = make_app(template_path=app.settings["template_path"], template_whitespace="oneline")
    port = free_port()
    server = other.listen(port, "127.0.0.1")
    try:
        response = await http_client.fetch(f"http://127.0.0.1:{port}/statements")
    finally:
        server.stop()
    # "oneline" was ignored: the first app's Loader (whitespace "single") served both.
    assert response.body.decode() == first and "\n" in first
