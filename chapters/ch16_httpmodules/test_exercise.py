"""Tests of the chapter 16 exercise. `make check-16` runs them on your exercise.py; plain
`pytest` runs them on solutions/ch16_httpmodules/exercise.py."""
import json

import pytest
import tornado.web

from tornkit.application import Application
from tornkit.conf import Settings
from tornkit.handler import WebHandler
from tornkit.httpmodule import BaseHttpModule, HttpModuleError
from tornkit.urls import Url, route

LESSON = "chapters/ch16_httpmodules/README.md"
NAMES = {"User", "UserList", "Profile", "Api"}
C1, C2, R1, R2 = "m.Common1", "m.Common2", "m.Route1", "m.Route2"


# --- step 1: applies ------------------------------------------------------------------------------
@pytest.mark.parametrize("key, route_name, path, expected", [
    ("User", "User", "/user", True),
    ("User", "UserList", "/UserList", False),
    ("User", "Profile", "/user/User", False),
    ("Api", None, "/Api", False),
    (r"/user/.+", "Profile", "/user/ann", True),
    (r"/user/.+", "User", "/user", False),
    (r"/user/.+", "Profile", "/x/user/ann", False),
    (r"/user", "Profile", "/user/ann", False),
    (r"^/user/.*$", "Profile", "/user/ann", True),
    (r"/(user|api)/\w+", "Profile", "/api/ping", True),
], ids=["a name applies to its route", "a name does not apply to a longer name",
        "a name does not apply to a path that contains it", "a name is never a regex",
        "a regex", "a regex needs the whole path", "a regex does not match inside a path",
        "a regex that matches only the start", "an anchored regex", "a regex with groups"])
def test_step1_applies(exercise, key, route_name, path, expected):
    got = exercise.applies(key, route_name, path, NAMES)
    assert got is expected, (
        f"applies({key!r}, route {route_name!r}, path {path!r}) should be {expected}, got "
        f"{got!r}: a key that is a route name applies to that route only; any other key is a "
        f"regex that must match the whole path ({LESSON}, §3)")


# --- steps 2-3: resolve ----------------------------------------------------------------------------
@pytest.mark.parametrize("route_lists, expected", [
    ([], [C1, C2]),
    ([[R1]], [C1, C2, R1]),
    ([[R1, R2]], [C1, C2, R1, R2]),
    ([[R2], [R1]], [C1, C2, R2, R1]),
    ([["!" + C1]], [C2]),
    ([["!" + C2], ["!" + C1]], []),
    ([[R1, "!" + C1]], [C2, R1]),
    ([["!all"]], []),
    ([["!all", R1]], [R1]),
    ([[R1], ["!all"]], [R1]),
    ([["!all", C2]], [C2]),
    ([[R1], [R1]], [C1, C2, R1]),
    ([[C1]], [C1, C2]),
], ids=["no route entry", "a route module", "two route modules", "entries in order",
        "exclude one", "exclude both", "exclude after a route module", "all", "all then one",
        "one then all", "all then a common one again", "the same module twice",
        "a common module named again"])
def test_step2_resolve(exercise, route_lists, expected):
    got = exercise.resolve([C1, C2], route_lists)
    assert got == expected, (
        f"with COMMON_MODULES {[C1, C2]} and route lists {route_lists}, the plan should be "
        f"{expected}, got {got}: common modules first (minus the excluded ones), then the "
        f"route modules in order, each module once ({LESSON}, §2)")


def test_step2_resolve_leaves_its_arguments_alone(exercise):
    common, lists = [C1, C2], [["!" + C1, R1]]
    exercise.resolve(common, lists)
    assert (common, lists) == ([C1, C2], [["!" + C1, R1]]), "resolve() must not change its input"


@pytest.mark.parametrize("route_lists", [[["!m.Nope"]], [[R1], ["!m.Nope", R2]]],
                         ids=["alone", "among others"])
def test_step3_excluding_an_unknown_module_is_an_error_naming_it(exercise, route_lists):
    with pytest.raises(HttpModuleError) as raised:
        exercise.resolve([C1, C2], route_lists)
    assert "!m.Nope" in str(raised.value), (
        f"the HttpModuleError should name the entry '!m.Nope', it says {str(raised.value)!r} "
        f"({LESSON}, §2)")


# --- your resolver in an application ---------------------------------------------------------------
def module(name, log):
    cls = type(name, (BaseHttpModule,), {
        "begin_request": lambda self, handler: log.append(f"begin_request {name}"),
        "begin_response": lambda self, handler, chunk: log.append(f"begin_response {name}"),
    })
    cls.__module__ = "m"
    return cls


class Page(WebHandler):
    def get(self, *args):
        self.write({"modules": [type(m).__name__ for m in self.http_modules]})


u = Url()
URLS = route(u(r"/user", Page, name="User"), u(r"/UserList", Page, name="UserList"),
             u(r"/user/(\w+)", Page, name="Profile"))


@pytest.fixture
def app():
    return tornado.web.Application()  # each test serves its own app with `serve`


def build(exercise, common, route_modules):
    return Application(URLS, conf=Settings(
        MIDDLEWARE_CLASSES=[exercise.HttpModuleMiddleware], COMMON_MODULES=common,
        ROUTE_MODULES=route_modules))


@pytest.mark.gen_test
async def test_steps1to3_in_an_application(exercise, serve, http_client):
    log = []
    A, B, C = module("A", log), module("B", log), module("C", log)
    url = serve(build(exercise, [A, B], {"User": [C], r"/user/.+": ["!all", C],
                                         "UserList": ["!m.A"]}))
    plans = {}
    for path in ("/user", "/UserList", "/user/ann"):
        response = await http_client.fetch(url + path, raise_error=False)
        assert response.code == 200, f"GET {path}: {response.code} {response.body[:300]!r}"
        plans[path] = json.loads(response.body)["modules"]
    expected = {"/user": ["A", "B", "C"], "/UserList": ["B"], "/user/ann": ["C"]}
    assert plans == expected, (
        f"COMMON_MODULES (A, B) and ROUTE_MODULES {{'User': [C], '/user/.+': ['!all', C], "
        f"'UserList': ['!m.A']}} should give the plans {expected}, got {plans} ({LESSON}, §2-§3)")
    log.clear()
    await http_client.fetch(url + "/user")
    assert log == ["begin_request A", "begin_request B", "begin_request C",
                   "begin_response A", "begin_response B", "begin_response C"], (
        f"every phase runs the plan in declared order, common modules first; got {log} "
        f"({LESSON}, §2)")


def test_step3_a_bad_exclusion_stops_the_application_at_start_up(exercise):
    with pytest.raises(HttpModuleError):
        build(exercise, [module("A", [])], {"User": ["!m.B"]})
