"""Tests of the chapter 14 exercise. `make check-14` runs them on your exercise.py; plain
`pytest` runs them on solutions/ch14_urls/exercise.py."""
import json

import pytest
import tornado.web
from tornado.httpclient import AsyncHTTPClient

from chapters.ch14_urls.blog.handlers.main import EchoHandler
from tornkit.urls import UrlError

HANDLERS = "chapters.ch14_urls.blog.handlers"  # main.EchoHandler answers what it was given


@pytest.fixture
def client(io_loop):
    client = AsyncHTTPClient(force_instance=True)
    yield client
    client.close()


async def get(client, serve, routes, path):
    """Serve tornado.web.Application(routes) and GET path: (status, JSON body or text)."""
    base = serve(tornado.web.Application(routes))
    response = await client.fetch(base + path, raise_error=False)
    try:
        return response.code, json.loads(response.body)
    except ValueError:
        return response.code, response.body.decode(errors="replace")


# --- steps 1-2 ---------------------------------------------------------------------------------
@pytest.mark.gen_test
async def test_step1_a_route_is_a_urlspec_with_its_name(exercise, client, serve):
    u = exercise.Url()
    spec = u(r"/echo/(\d+)", EchoHandler, name="echo")
    assert isinstance(spec, tornado.web.URLSpec), (
        f"Url()(pattern, handler, name=...) should return a tornado.web.URLSpec, got {spec!r} "
        "(lesson §2)")
    assert spec.name == "echo" and spec.handler_class is EchoHandler
    app = tornado.web.Application([spec])
    assert app.reverse_url("echo", 7) == "/echo/7"
    code, body = await get(client, serve, [spec], "/echo/7")
    assert code == 200 and body["args"] == ["7"], f"GET /echo/7 should reach the handler, got {code} {body}"


@pytest.mark.gen_test
async def test_step1_tornadopys_keyword_form_works(exercise, client, serve):
    u = exercise.Url(HANDLERS)
    spec = u(name="Index", pattern=r"/", handler="main.EchoHandler")
    assert spec.name == "Index" and spec.handler_class is EchoHandler, (
        "u(name='Index', pattern=r'/', handler='main.EchoHandler') should route / to "
        f"{HANDLERS}.main.EchoHandler, got {spec!r} (lesson §2)")


def test_step2_a_handler_string_is_imported_under_the_prefix(exercise):
    spec = exercise.Url(HANDLERS)(r"/x", "main.EchoHandler")
    assert spec.handler_class is EchoHandler, (
        f"Url({HANDLERS!r})(r'/x', 'main.EchoHandler') should import "
        f"{HANDLERS}.main.EchoHandler, got {spec.handler_class!r} (lesson §2)")
    spec = exercise.Url()(r"/y", f"{HANDLERS}.main.EchoHandler")
    assert spec.handler_class is EchoHandler, "with no prefix, the string is the whole path"


@pytest.mark.parametrize("handler", ["main.NoSuchHandler", "nomodule.EchoHandler"])
@pytest.mark.parametrize("name", ["Profile", None])
def test_step2_an_unimportable_handler_is_an_error_naming_the_route(exercise, handler, name):
    with pytest.raises(UrlError) as caught:
        exercise.Url(HANDLERS)(r"/profile/?", handler, name=name)
    message = str(caught.value)
    route = name or "/profile/?"
    assert route in message and f"{HANDLERS}.{handler}" in message, (
        f"a handler string that does not import should raise a UrlError naming the route "
        f"({route!r}) and the dotted path ({HANDLERS}.{handler!r}); it said {message!r} (§2)")


# --- step 3 ----------------------------------------------------------------------------------
@pytest.mark.gen_test
async def test_step3_route_kwargs_win_for_their_route_only(exercise, client, serve):
    u = exercise.Url(HANDLERS, abc="abc", album="holidays")
    routes = [u(r"/user", "main.EchoHandler", name="User", kwargs={"abc": "other"}),
              u(r"/index", "main.EchoHandler", name="Index")]
    assert u.kwargs == {"abc": "abc", "album": "holidays"}, (
        f"a route's kwargs must not change Url()'s own: they became {u.kwargs} (lesson §3)")
    base = serve(tornado.web.Application(routes))
    user = json.loads((await client.fetch(base + "/user")).body)
    index = json.loads((await client.fetch(base + "/index")).body)
    assert user["kwargs"] == {"abc": "other", "album": "holidays"}, (
        f"GET /user should get abc='other' (the route's own) and album from Url(), got "
        f"{user['kwargs']} (lesson §3)")
    assert index["kwargs"] == {"abc": "abc", "album": "holidays"}, (
        f"GET /index should get Url()'s abc='abc': the other route's value is for that route "
        f"only; got {index['kwargs']} (lesson §3)")


@pytest.mark.gen_test
async def test_step3_a_webhandler_knows_its_route_name(exercise, client, serve):
    u = exercise.Url(HANDLERS)
    code, body = await get(client, serve, [u(r"/me", "main.EchoHandler", name="Me")], "/me")
    assert code == 200 and body["route"] == "Me", (
        f"a WebHandler should find its route's name in self.route_name ('Me'), got {body} "
        "(lesson §3)")


@pytest.mark.gen_test
async def test_step3_a_plain_handler_gets_no_route_name(exercise, client, serve):
    u = exercise.Url()
    spec = u(r"/old", tornado.web.RedirectHandler, name="old", kwargs={"url": "/new"})
    assert spec.kwargs == {"url": "/new"}, (
        f"a handler that is not a WebHandler must get only its own kwargs (RedirectHandler's "
        f"initialize() takes no route_name), got {spec.kwargs} (lesson §3)")
    base = serve(tornado.web.Application([spec]))
    response = await client.fetch(base + "/old", follow_redirects=False, raise_error=False)
    assert response.code == 301 and response.headers["Location"] == "/new"


# --- step 4 ----------------------------------------------------------------------------------
def test_step4_route_flattens_lists_of_routes(exercise):
    u = exercise.Url(HANDLERS)
    a, b, c = (u(f"/{n}", "main.EchoHandler", name=n) for n in "abc")
    flat = exercise.route(a, [b, [c]])
    assert flat == [a, b, c], (
        f"route(a, [b, [c]]) should be the flat list [a, b, c], got {flat!r} (lesson §4)")
    assert exercise.route() == []


def test_step4_a_duplicate_name_is_an_error_naming_it(exercise):
    u = exercise.Url(HANDLERS)
    with pytest.raises(UrlError) as caught:
        exercise.route(u(r"/a", "main.EchoHandler", name="post"),
                       [u(r"/b", "main.EchoHandler", name="post")])
    assert "post" in str(caught.value), (
        f"two routes named 'post' should be a UrlError naming 'post', got {caught.value!r} (§4)")
    exercise.route(u(r"/a", "main.EchoHandler"), u(r"/b", "main.EchoHandler"))  # unnamed: fine


# --- step 5 ----------------------------------------------------------------------------------
@pytest.mark.gen_test
async def test_step5_include_puts_routes_under_a_prefix(exercise, client, serve):
    u = exercise.Url(HANDLERS, abc="abc")
    inner = exercise.route(u(r"/post/(\d+)", "main.EchoHandler", name="post"),
                           u(r"posts", "main.EchoHandler", name="posts", kwargs={"page": 1}))
    routes = exercise.route(exercise.include(r"/blog/", inner, prefix_name="blog"))
    app = tornado.web.Application(routes)
    assert app.reverse_url("blog-post", 7) == "/blog/post/7", (
        "include('/blog/', ..., prefix_name='blog') should name the inner route 'blog-post' and "
        "reverse it to /blog/post/7 (lesson §4)")
    code, body = await get(client, serve, routes, "/blog/post/7")
    assert code == 200 and body == {"route": "blog-post", "kwargs": {"abc": "abc"},
                                    "args": ["7"]}, (
        f"GET /blog/post/7 should reach the inner route, named blog-post, with its kwargs and "
        f"the group '7'; got {code} {body} (lesson §4)")
    code, body = await get(client, serve, routes, "/blog/posts")
    assert code == 200 and body["kwargs"] == {"abc": "abc", "page": 1}
    code, _ = await get(client, serve, routes, "/post/7")
    assert code == 404, "the inner pattern alone (/post/7) should no longer be served"


def test_step5_include_takes_a_dotted_path(exercise):
    from chapters.ch14_urls.blog import url_post

    routes = exercise.include(r"/articles/", "chapters.ch14_urls.blog.url_post.urls",
                              prefix_name="articles")
    assert [spec.name for spec in routes] == [f"articles-{s.name}" for s in url_post.urls], (
        f"include() of the dotted path chapters.ch14_urls.blog.url_post.urls should rename its "
        f"routes 'articles-...', got {[spec.name for spec in routes]} (lesson §4)")
    app = tornado.web.Application(routes)
    assert app.reverse_url("articles-post", 3) == "/articles/post/3"


def test_step5_includes_nest_and_keep_unnamed_routes_unnamed(exercise):
    u = exercise.Url(HANDLERS)
    inner = exercise.include(r"/b/", [u(r"/x", "main.EchoHandler", name="x"),
                                      u(r"/y", "main.EchoHandler")], prefix_name="b")
    outer = exercise.include(r"/a/", inner, prefix_name="a")
    assert [(spec.regex.pattern, spec.name) for spec in outer] == [
        ("/a/b/x$", "a-b-x"), ("/a/b/y$", None)], (
        f"include('/a/', include('/b/', ...)) should give /a/b/x named a-b-x and /a/b/y "
        f"unnamed; got {[(s.regex.pattern, s.name) for s in outer]} (lesson §4)")
    assert outer[0].kwargs["route_name"] == "a-b-x", (
        "an included WebHandler route's route_name should be its new name")


@pytest.mark.gen_test
async def test_step5_make_try_14_serves_routes_built_with_your_functions(exercise, client, serve):
    base = serve(exercise.make_app())
    response = await client.fetch(base + "/blog/post/7", raise_error=False)
    assert response.code == 200 and json.loads(response.body) == {
        "route": "blog-post", "kwargs": {"abc": "abc"}, "args": ["7"]}, (
        f"`make try-14`'s GET /blog/post/7 should reach the included route blog-post, got "
        f"{response.code} {response.body.decode(errors='replace')[:200]} (lesson §4)")
