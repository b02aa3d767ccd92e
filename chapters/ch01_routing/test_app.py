"""Chapter 01's app, request by request: what each route answers, and what it refuses."""
import json
from urllib.parse import urlencode

import pytest
from tornado.escape import xhtml_escape

from chapters.ch01_routing.app import PAGES, make_app


@pytest.fixture
def app():
    return make_app()


# --- /: what the app has to show ---------------------------------------------------------------
@pytest.mark.gen_test
async def test_the_index_links_every_page_of_the_lesson(fetch):
    response = await fetch("/", host="127.0.0.1:18001")
    html = response.body.decode()
    assert response.code == 200
    for path, _ in PAGES:
        assert f'<a href="{xhtml_escape(path)}">' in html
        assert (await fetch(path)).code in (200, 302), path
    # the host example a URL cannot carry, with the port the browser used
    assert "curl -H 'Host: safe.localhost' http://127.0.0.1:18001/admin/x" in html
    assert 'href="http://safe.localhost:18001/admin/x"' in html


@pytest.mark.gen_test
async def test_the_index_takes_only_a_number_from_the_host_header(fetch):
    response = await fetch("/", host="127.0.0.1:x")
    assert response.code == 200
    assert "http://safe.localhost:8801/admin/x" in response.body.decode()


# --- 路由系统 --------------------------------------------------------------------------------------
@pytest.mark.gen_test
async def test_main_handler(fetch):
    response = await fetch("/index")
    assert response.code == 200
    assert response.body == b"Hello, world"


@pytest.mark.gen_test
async def test_a_method_the_handler_lacks_is_405(fetch):
    response = await fetch("/index", method="POST", body="")
    assert response.code == 405


@pytest.mark.gen_test
async def test_the_query_string_is_not_part_of_the_path(fetch):
    response = await fetch("/index?x=1")
    assert response.body == b"Hello, world"


@pytest.mark.gen_test
async def test_story_id_comes_from_the_regex_group(fetch):
    response = await fetch("/story/1024")
    assert response.body == b"You requested the story 1024"


@pytest.mark.gen_test
async def test_a_pattern_must_match_the_whole_path(fetch):
    # Tornado anchors patterns with $: /story/12abc is not /story/([0-9]+). Here the catch-all
    # /.* of the host table takes it instead.
    response = await fetch("/story/12abc")
    assert response.body == b"AllHandler answered 127.0.0.1/story/12abc"


@pytest.mark.gen_test
async def test_redirect_built_with_reverse_url(fetch):
    response = await fetch("/latest")
    assert response.code == 302
    assert response.headers["Location"] == "/story/42"


def test_reverse_url_builds_paths_from_route_names():
    app = make_app()
    assert app.reverse_url("story", 7) == "/story/7"
    with pytest.raises(KeyError):
        app.reverse_url("no-such-route")


# --- The request API -------------------------------------------------------------------------
@pytest.mark.gen_test
async def test_query_arguments(fetch):
    response = await fetch("/args?name=topaz&tag=a&tag=b")
    assert response.headers["Content-Type"] == "application/json; charset=UTF-8"
    assert response.headers["Cache-Control"] == "no-store"
    assert json.loads(response.body) == {
        "get_query_argument('name')": "topaz",
        "get_query_arguments('tag')": ["a", "b"],
        "get_argument('name')": "topaz",
    }


@pytest.mark.gen_test
async def test_missing_query_argument_uses_the_default(fetch):
    response = await fetch("/args")
    assert json.loads(response.body)["get_query_argument('name')"] is None


@pytest.mark.gen_test
async def test_body_arguments_and_get_argument_precedence(fetch):
    body = urlencode([("name", "from-body"), ("tag", "x"), ("tag", "y")])
    response = await fetch("/args?name=from-query", method="POST", body=body)
    assert json.loads(response.body) == {
        "get_body_argument('name')": "from-body",
        "get_body_arguments('tag')": ["x", "y"],
        "get_argument('name')": "from-body",  # the last value wins: the body's
        "get_arguments('name')": ["from-query", "from-body"],
    }


@pytest.mark.gen_test
async def test_missing_required_argument_is_a_400_that_names_it(fetch):
    response = await fetch("/args", method="POST", body="")
    assert response.code == 400
    assert response.headers["Content-Type"] == "text/plain; charset=UTF-8"
    assert response.body == b"400 Bad Request: Missing argument name\n"


# --- 二级域名: the notes' host table ---------------------------------------------------------------
@pytest.mark.gen_test
@pytest.mark.parametrize("host, path, handler", [
    # host safe: its own routes first...
    ("safe.localhost", "/index/123", "IndexHandler"),
    ("safe.localhost", "/admin/users", "AdminHandler"),
    ("safe.localhost", "/car/", "CarHandler"),
    # ...and what they do not match falls through to the any-host routes
    ("safe.localhost", "/index/abc", "HomeHandler"),
    ("safe.localhost", "/pro/tea", "ProHandler"),
    ("safe.localhost", "/anything", "AllHandler"),
    # any other host never sees the safe routes
    ("127.0.0.1", "/index/123", "HomeHandler"),
    ("127.0.0.1", "/admin/users", "AllHandler"),
    ("www.localhost", "/car/", "AllHandler"),
    ("127.0.0.1", "/pro/tea", "ProHandler"),
])
async def test_host_table(fetch, host, path, handler):
    response = await fetch(path, host=host)
    assert response.code == 200
    assert response.body.decode() == f"{handler} answered {host}{path}"


@pytest.mark.gen_test
async def test_host_pattern_ignores_the_port(fetch):
    response = await fetch("/admin/x", host="safe.localhost:8801")
    assert response.body == b"AdminHandler answered safe.localhost/admin/x"


@pytest.mark.gen_test
async def test_host_pattern_is_anchored(fetch):
    # r"safe\.localhost" does not match unsafe.localhost or safe.localhost.evil.example
    for host in ("unsafe.localhost", "safe.localhost.evil.example"):
        response = await fetch("/admin/x", host=host)
        assert response.body.decode() == f"AllHandler answered {host}/admin/x"


# --- 来个实例练练手 --------------------------------------------------------------------------------
@pytest.mark.gen_test
async def test_login_page_extends_daddy(fetch):
    response = await fetch("/login")
    html = response.body.decode()
    assert response.code == 200
    assert "<title>topaz</title>" in html  # the son's block replaced the daddy's default
    assert 'target="my_iframe"' in html
    assert 'name="_xsrf"' in html  # {% raw xsrf_form_html() %} rendered a real hidden input
    assert "default" not in html


@pytest.mark.gen_test
async def test_login_post_answers_with_the_username(fetch):
    response = await fetch("/login", method="POST", body=urlencode({"username": "topaz"}))
    assert response.code == 200
    assert response.body.decode() == "弹~~ topaz"


@pytest.mark.gen_test
async def test_login_post_is_plain_text_so_markup_is_not_run(fetch):
    evil = "<img src=x onerror=alert(1)>"
    response = await fetch("/login", method="POST", body=urlencode({"username": evil}))
    assert response.headers["Content-Type"] == "text/plain; charset=UTF-8"
    assert response.body.decode() == f"弹~~ {evil}"


@pytest.mark.gen_test
async def test_login_post_without_username_is_a_400(fetch):
    response = await fetch("/login", method="POST", body="")
    assert response.code == 400
    assert b"Missing argument username" in response.body
