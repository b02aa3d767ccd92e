"""Chapter 14's app and tornkit's urls: the apps' routes served, kwargs per route (and tornadopy's
leak), include() and reverse_url, what Tornado itself does with nested rules and duplicate
names, and the errors of a broken urls.py."""
import json
import logging
import secrets
import sys

import pytest
import tornado.web
from tornado.httpclient import AsyncHTTPClient

from chapters.ch14_urls import naive
from chapters.ch14_urls.app import make_app
from chapters.ch14_urls.blog.handlers.main import EchoHandler
from tornkit import Server, Settings, Url, UrlError, include, route
from tornkit.handler import WebHandler

HANDLERS = "chapters.ch14_urls.blog.handlers"


@pytest.fixture
def app(tmp_path):
    return make_app(data_dir=tmp_path)


async def body(fetch, path):
    response = await fetch(path)
    assert response.code == 200, (path, response.code, response.body)
    return json.loads(response.body)


# --- app: INSTALLED_APPS and their urls.py --------------------------------------------------------
def test_every_installed_app_contributes_its_routes_in_order(app):
    names = [rule.name for rule in app.wildcard_router.rules]
    assert names == ["Index", "User", "routes", "blog-post", "blog-posts", "photo-upload", "about"]
    assert app.conf.INSTALLED_APPS == ("chapters.ch14_urls.blog", "chapters.ch14_urls.about")


@pytest.mark.gen_test
async def test_the_index_lists_every_route_with_links(fetch):
    response = await fetch("/")
    page = response.body.decode()
    assert response.code == 200 and "<code>Index</code>" in page and "abc=abc" in page
    for link in ('href="/blog/post/7"', 'href="/blog/posts"', 'href="/about"', 'href="/routes"'):
        assert link in page, link


@pytest.mark.gen_test
async def test_the_routes_page_names_handlers_and_kwargs(fetch):
    routes = {row["name"]: row for row in (await body(fetch, "/routes"))["routes"]}
    assert routes["User"]["kwargs"] == {"abc": "other"}
    assert routes["photo-upload"] == {
        "name": "photo-upload", "pattern": "/photo/upload/?$", "link": "/photo/upload/?",
        "handler": f"{HANDLERS}.photo.UploadHandler", "kwargs": {"album": "holidays"}}
    assert routes["about"]["handler"] == "chapters.ch14_urls.about.handlers.AboutHandler"


# --- urls: kwargs, per route --------------------------------------------------------------------
@pytest.mark.gen_test
async def test_url_kwargs_reach_every_route_and_a_routes_own_win_for_it_only(fetch):
    assert await body(fetch, "/user") == {"route": "User", "abc": "other"}
    assert (await body(fetch, "/photo/upload"))["album"] == "holidays"
    assert "abc=abc" in (await fetch("/")).body.decode()  # after /user: still Url()'s value


@pytest.mark.gen_test
async def test_naive_route_kwargs_leak_into_other_routes(serve):
    """PART2 B1: tornadopy's _url_kwargs is one class-level dict, updated for every request."""
    naive.WebHandler._url_kwargs.clear()
    base = serve(naive.make_app())
    client = AsyncHTTPClient()
    assert json.loads((await client.fetch(base + "/public")).body) == {}
    await client.fetch(base + "/admin")
    leaked = json.loads((await client.fetch(base + "/public")).body)
    assert leaked == {"secret_role": "admin"}  # /public now believes it is /admin
    naive.WebHandler._url_kwargs.clear()


class Show(WebHandler):
    def get(self):
        self.write(self._url_kwargs)


@pytest.mark.gen_test
async def test_tornkit_route_kwargs_stay_with_their_route(serve):
    u = Url()
    base = serve(tornado.web.Application(route(
        u(r"/admin", Show, name="admin", kwargs={"secret_role": "admin"}),
        u(r"/public", Show, name="public"))))
    client = AsyncHTTPClient()
    await client.fetch(base + "/admin")
    assert json.loads((await client.fetch(base + "/public")).body) == {}


class Greeter(WebHandler):
    def initialize(self, greeting="hello"):
        self.greeting = greeting

    def get(self):
        self.write(self.greeting)


@pytest.mark.gen_test
async def test_route_kwargs_reach_initialize_for_their_route_only(serve):
    u = Url()
    base = serve(tornado.web.Application(route(
        u(r"/fr", Greeter, name="fr", kwargs={"greeting": "bonjour"}),
        u(r"/en", Greeter, name="en"))))
    client = AsyncHTTPClient()
    assert (await client.fetch(base + "/fr")).body == b"bonjour"
    assert (await client.fetch(base + "/en")).body == b"hello"


# --- include() and reverse_url ------------------------------------------------------------------
@pytest.mark.gen_test
async def test_reverse_url_works_through_an_include(app, fetch):
    assert app.reverse_url("blog-post", 7) == "/blog/post/7"
    post = await body(fetch, "/blog/post/7")
    assert post == {"route": "blog-post", "id": 7, "title": "Routes as data",
                    "url": "/blog/post/7"}
    assert (await body(fetch, "/blog/posts"))["posts"] == ["/blog/post/7", "/blog/post/8"]


@pytest.mark.gen_test
async def test_a_missing_post_is_a_404_that_says_so(fetch):
    response = await fetch("/blog/post/99")
    assert response.code == 404 and b"there is no post 99" in response.body
    assert b"Traceback" not in response.body


def test_tornado_cannot_reverse_an_optional_slash():
    """Why url_post.py's named routes end without "/?": Tornado reverses it literally."""
    app = tornado.web.Application([tornado.web.url(r"/post/(\d+)/?", EchoHandler, name="p")])
    assert app.reverse_url("p", 7) == "/post/7/?"


@pytest.mark.gen_test
async def test_tornado_does_not_strip_the_prefix_of_a_nested_rule_list(serve):
    """Why include() rewrites the inner patterns: a nested list is matched against the whole
    path. The inner /post/(\\d+) never matches /blog/post/7; the rewritten pattern does."""
    nested = tornado.web.Application([(r"/blog/.*", [(r"/post/(\d+)", EchoHandler)])])
    rewritten = tornado.web.Application(include(r"/blog/", [Url()(r"/post/(\d+)", EchoHandler)]))
    client = AsyncHTTPClient()
    assert (await client.fetch(serve(nested) + "/blog/post/7", raise_error=False)).code == 404
    assert (await client.fetch(serve(rewritten) + "/blog/post/7")).code == 200


def test_tornado_only_warns_about_a_duplicate_name_and_tornkit_refuses_it(caplog):
    with caplog.at_level(logging.WARNING, logger="tornado"):
        app = tornado.web.Application([tornado.web.url(r"/a", EchoHandler, name="post"),
                                       tornado.web.url(r"/b", EchoHandler, name="post")])
    assert app.reverse_url("post") == "/b"  # the last one silently wins
    assert any("Multiple handlers named post" in r.getMessage() for r in caplog.records)
    u = Url()
    with pytest.raises(UrlError, match="'post'"):
        route(u(r"/a", EchoHandler, name="post"), u(r"/b", EchoHandler, name="post"))


def test_a_plain_handler_gets_no_route_name_and_a_static_route_works():
    spec = Url()(r"/files/(.*)", tornado.web.StaticFileHandler, name="files",
                 kwargs={"path": "/nowhere"})
    assert spec.kwargs == {"path": "/nowhere"}


# --- bad input: a broken urls.py, an app without one -------------------------------------------
@pytest.fixture
def package(tmp_path, monkeypatch):
    """package(files) -> the name of a new package with those files ({name: source})."""
    monkeypatch.syspath_prepend(str(tmp_path))
    made = []

    def make(files: dict) -> str:
        name = f"app_{secrets.token_hex(4)}"
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").touch()
        for filename, source in files.items():
            (tmp_path / name / filename).write_text(source)
        made.append(name)
        return name

    yield make
    for name in list(sys.modules):
        if any(name == m or name.startswith(m + ".") for m in made):
            del sys.modules[name]


def load(*apps):
    return Server(settings=Settings(INSTALLED_APPS=apps)).load_urls()


def test_an_app_without_urls_py_is_an_error_naming_the_app(package):
    app = package({})
    with pytest.raises(UrlError, match=f"app '{app}' has no urls.py"):
        load(app)
    with pytest.raises(UrlError, match="app 'not_an_app_at_all' not found"):
        load("not_an_app_at_all")
    with pytest.raises(UrlError, match=r"defines no `urls`"):
        load(package({"urls.py": "URLS = []\n"}))


def test_an_unimportable_handler_string_names_the_route(package):
    app = package({"urls.py": "from tornkit import Url, route\n"
                              "u = Url('chapters.ch14_urls.blog.handlers')\n"
                              "urls = route(u(r'/me', 'main.MeHandler', name='Me'))\n"})
    with pytest.raises(UrlError, match=r"route 'Me': cannot import handler "
                                       r"'chapters.ch14_urls.blog.handlers.main.MeHandler'"):
        load(app)


def test_an_error_inside_urls_py_surfaces_as_itself(package):
    with pytest.raises(ModuleNotFoundError, match="a_library_nobody_has"):
        load(package({"urls.py": "import a_library_nobody_has\n"}))


def test_two_apps_using_one_route_name_are_an_error(package):
    source = ("from tornkit import Url, route\n"
              "from chapters.ch14_urls.blog.handlers.main import EchoHandler\n"
              "urls = route(Url()(r'/{0}', EchoHandler, name='home'))\n")
    first, second = package({"urls.py": source.format("a")}), package({"urls.py": source.format("b")})
    with pytest.raises(UrlError, match="two routes are named 'home'"):
        load(first, second)


def test_tornado_keeps_tornadopys_wsgi_keyword_as_a_meaningless_setting():
    """tornadopy built Application(handlers, wsgi=False, ...): since Tornado 6.0 there is no
    WSGIApplication, and the keyword is only stored among the settings."""
    assert tornado.web.Application([], wsgi=False).settings["wsgi"] is False
    assert not hasattr(tornado.web, "WSGIApplication")
