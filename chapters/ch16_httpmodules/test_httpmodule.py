"""tornkit's HTTP modules (tornkit/httpmodule.py): the plan resolver, start-up checks, the order
of the four phases inside the middleware stack, and independence of applications."""
import asyncio
import json

import pytest
from tornado.httpclient import AsyncHTTPClient

from chapters.ch15_middleware.recording import recorders
from tornkit.application import Application
from tornkit.conf import Settings
from tornkit.handler import WebHandler
from tornkit.httpmodule import (BaseHttpModule, HttpModuleError, HttpModuleMiddleware, applies,
                                resolve)
from tornkit.urls import Url, route

C1, C2, R1, R2 = "m.Common1", "m.Common2", "m.Route1", "m.Route2"


# --- the resolver: a pure function -------------------------------------------------------------
@pytest.mark.parametrize("route_lists, plan", [
    ([], [C1, C2]),
    ([[R1]], [C1, C2, R1]),
    ([[R1], [R2]], [C1, C2, R1, R2]),
    ([[R2], [R1]], [C1, C2, R2, R1]),
    ([["!" + C1]], [C2]),
    ([["!" + C2, R1]], [C1, R1]),
    ([["!all"]], []),
    ([["!all", R1]], [R1]),
    ([[R1, "!all"]], [R1]),
    ([["!all"], [C2]], [C2]),  # '!all' then the common module again, as a route module
    ([[R1], [R1, C1]], [C1, C2, R1]),  # each module once, at its first place
], ids=["none", "one route module", "two entries", "entries in order", "exclude one",
        "exclude and add", "all", "all then add", "add then all", "all then re-add",
        "duplicates"])
def test_resolve_common_first_then_route_modules(route_lists, plan):
    assert resolve([C1, C2], route_lists) == plan


def test_excluding_a_module_that_common_modules_does_not_list_is_an_error():
    with pytest.raises(HttpModuleError, match=r"'!m\.Nope'"):
        resolve([C1], [["!m.Nope"]])


@pytest.mark.parametrize("key, route_name, path, expected", [
    ("User", "User", "/user", True),
    ("User", "UserList", "/UserList", False),  # B6: tornadopy's search('User') matched it
    ("User", None, "/User", False),  # a name is never a regex, even when the path spells it
    (r"/user/.+", "Profile", "/user/ann", True),
    (r"/user/.+", "User", "/user", False),
    (r"/user/.+", "Profile", "/x/user/ann", False),  # fullmatch: not somewhere in the path
    (r"^/user/.*$", "Profile", "/user/ann", True),  # tornadopy's anchored style still works
    (r"/api", "Api", "/api/ping", False),  # a prefix is not the whole path
], ids=["name", "name vs longer name", "name vs path", "regex", "regex vs other path",
        "regex inside a path", "anchored regex", "regex prefix"])
def test_applies_names_exactly_and_regexes_to_the_whole_path(key, route_name, path, expected):
    assert applies(key, route_name, path, {"User", "UserList", "Profile", "Api"}) is expected


# --- an application ------------------------------------------------------------------------------
def module(log, name, **methods):
    """A BaseHttpModule subclass that records its four calls as 'phase Name'."""
    def record(phase):
        def method(self, handler, *args, **kwargs):
            log.append(f"{phase} {name}")
            if phase in methods:
                return methods[phase](self, handler, *args, **kwargs)
        if phase == "begin_request" and phase in methods and \
                asyncio.iscoroutinefunction(methods[phase]):
            async def method(self, handler):  # noqa: F811
                log.append(f"{phase} {name}")
                return await methods[phase](self, handler)
        return method
    cls = type(name, (BaseHttpModule,), {p: record(p) for p in
                                          ("begin_request", "begin_render", "begin_response",
                                           "complete_response")})
    cls.__module__ = "m"
    return cls


class Page(WebHandler):
    def get(self, *args):
        self.write({"route": self.route_name,
                    "modules": [type(m).__name__ for m in self.http_modules]})


u = Url()
URLS = route(u(r"/user", Page, name="User"), u(r"/UserList", Page, name="UserList"),
             u(r"/user/(\w+)", Page, name="Profile"), u(r"/", Page, name="Index"))


def build(common, route_modules, middlewares=(HttpModuleMiddleware,), urls=URLS):
    return Application(urls, conf=Settings(MIDDLEWARE_CLASSES=list(middlewares),
                                           COMMON_MODULES=common, ROUTE_MODULES=route_modules))


@pytest.fixture
def http_client(io_loop):
    client = AsyncHTTPClient()
    yield client
    client.close()


@pytest.fixture
def log():
    return []


async def plan(http_client, url, path):
    response = await http_client.fetch(url + path, raise_error=False)
    return json.loads(response.body)["modules"]


@pytest.mark.gen_test
async def test_a_name_key_never_matches_another_routes_path(serve, http_client, log):
    A, B = module(log, "A"), module(log, "B")
    url = serve(build([A], {"User": [B]}))
    assert await plan(http_client, url, "/user") == ["A", "B"]
    assert await plan(http_client, url, "/UserList") == ["A"]


@pytest.mark.gen_test
async def test_regex_keys_match_the_whole_path(serve, http_client, log):
    A, B = module(log, "A"), module(log, "B")
    url = serve(build([A], {r"/user/.+": ["!m.A", B]}))
    assert await plan(http_client, url, "/user/ann") == ["B"]
    assert await plan(http_client, url, "/user") == ["A"]
    assert await plan(http_client, url, "/") == ["A"]


@pytest.mark.gen_test
async def test_name_and_regex_entries_combine_in_declared_order(serve, http_client, log):
    A, B, C = module(log, "A"), module(log, "B"), module(log, "C")
    url = serve(build([A], {r"/user/\w+": [C], "Profile": ["!all", B]}))
    assert await plan(http_client, url, "/user/ann") == ["C", "B"]


@pytest.mark.gen_test
async def test_the_four_phases_run_in_declared_order_inside_the_middleware_stack(
        serve, http_client, log):
    A, B = module(log, "A"), module(log, "B")
    Outer, Inner = recorders(log, "Outer", "Inner")

    class Rendered(WebHandler):
        def get(self):
            self.render("card.html", title="x")

    url = serve(Application(route(u(r"/", Rendered, name="Rendered")),
                            conf=Settings(MIDDLEWARE_CLASSES=[Outer, HttpModuleMiddleware, Inner],
                                          COMMON_MODULES=[A], ROUTE_MODULES={"Rendered": [B]}),
                            template_path="tpl/ch15_middleware"))
    log.clear()
    await http_client.fetch(url + "/")
    # Middlewares: request phases declared, response phases reversed. Modules: always declared,
    # common first (tornadopy's documented order), inside HttpModuleMiddleware's place.
    assert log == [
        "call Outer", "call Inner",
        "request Outer", "begin_request A", "begin_request B", "request Inner",
        "render Inner card.html", "begin_render A", "begin_render B", "render Outer card.html",
        "response Inner", "begin_response A", "begin_response B", "response Outer",
        "endcall Inner", "complete_response A", "complete_response B", "endcall Outer"]


@pytest.mark.gen_test
async def test_an_async_begin_request_is_awaited_and_a_module_that_answers_ends_it(
        serve, http_client, log):
    async def deny(self, handler):
        await asyncio.sleep(0.01)
        handler.set_status(401)
        handler.finish("no")

    A, B, C = module(log, "A"), module(log, "B", begin_request=deny), module(log, "C")
    url = serve(build([A, B, C], {}))
    log.clear()
    response = await http_client.fetch(url + "/user", raise_error=False)
    assert (response.code, response.body) == (401, b"no")
    assert log == ["begin_request A", "begin_request B", "begin_response A", "begin_response B",
                   "begin_response C", "complete_response A", "complete_response B",
                   "complete_response C"]


@pytest.mark.gen_test
async def test_a_405_still_gets_begin_response_and_complete_response(serve, http_client, log):
    A = module(log, "A")
    url = serve(build([A], {}))
    log.clear()
    response = await http_client.fetch(url + "/user", method="PROPFIND", raise_error=False,
                                       allow_nonstandard_methods=True)
    assert response.code == 405
    assert log == ["begin_response A", "complete_response A"]


# --- start-up: everything checked, every plan made, once -------------------------------------------
def test_excluding_an_unknown_module_fails_at_start_up_naming_it(log):
    A = module(log, "A")
    with pytest.raises(HttpModuleError, match=r"'!m\.B'.*COMMON_MODULES"):
        build([A], {"User": ["!m.B"]})
    with pytest.raises(HttpModuleError, match=r"'!m\.B'"):
        build([A], {r"/user/.+": ["!m.B"]})  # a regex key's list is checked at start-up too


@pytest.mark.parametrize("key, message", [
    ("Usr", "not a route name"),
    (r"/user/(", "not a valid regex"),
])
def test_a_bad_key_fails_at_start_up_naming_it(log, key, message):
    with pytest.raises(HttpModuleError, match=message):
        build([module(log, "A")], {key: []})


def test_a_module_that_is_not_a_base_http_module_is_refused_naming_it(log):
    class NotAModule:
        pass

    with pytest.raises(HttpModuleError, match="NotAModule is not a BaseHttpModule"):
        build([NotAModule], {})


def test_subclasses_of_subclasses_are_modules(log):
    A = module(log, "A")

    class Stricter(A):
        pass

    app = build([Stricter], {})
    assert [type(m) for m in app.middleware.middlewares[0].instances.values()] == [Stricter]


def test_plans_are_made_at_start_up_one_instance_per_module(log):
    made = []

    class Counted(BaseHttpModule):
        def __init__(self):
            made.append(self)

    app = build([Counted], {"User": ["!all"]})
    middleware = app.middleware.middlewares[0]
    assert len(made) == 1
    assert {name for name, _ in middleware.plans} == {None, "User", "UserList", "Profile",
                                                      "Index"}
    assert middleware.plans[("User", ())] == []
    assert middleware.plans[("Index", ())] == made


@pytest.mark.gen_test
async def test_two_applications_keep_their_own_modules(serve, http_client, log):
    A, B = module(log, "A"), module(log, "B")
    one = serve(build([A], {"User": [B]}))
    two = serve(build([B], {"User": ["!all"]}))
    assert await plan(http_client, one, "/user") == ["A", "B"]
    assert await plan(http_client, two, "/user") == []
    assert await plan(http_client, two, "/UserList") == ["B"]
    assert await plan(http_client, one, "/UserList") == ["A"]
