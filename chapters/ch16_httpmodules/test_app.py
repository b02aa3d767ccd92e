"""Chapter 16's app (two common modules, four ROUTE_MODULES entries), and tornadopy's
HttpModuleMiddleware (naive.py) failing where tornkit's holds."""
import json

import pytest
import tornado.web

from chapters.ch16_httpmodules import naive
from chapters.ch16_httpmodules.app import make_app
from tornkit.conf import Settings
from tornkit.httpmodule import BaseHttpModule, HttpModuleError

M = "chapters.ch16_httpmodules.httpmodules."


@pytest.fixture
def app(tmp_path):
    return make_app(data_dir=tmp_path)


async def shown(fetch, path):
    response = await fetch(path)
    return response.code, json.loads(response.body)


# --- the pages --------------------------------------------------------------------------------------
@pytest.mark.gen_test
async def test_index_shows_the_configuration_and_its_own_plan(fetch):
    response = await fetch("/")
    body = response.body.decode()
    assert '<code id="plan">RequestId</code>' in body  # Index excludes Trace
    assert "<code>/user/.+</code>" in body
    assert response.headers["X-Request-Id"].startswith("req-")


@pytest.mark.gen_test
async def test_the_route_named_user_needs_a_login(fetch):
    code, body = await shown(fetch, "/user")
    assert (code, body) == (401, {"error": "sign in first (try ?user=ann)"})
    code, body = await shown(fetch, "/user?user=ann")
    assert code == 200
    assert body == {"route": "User", "path": "/user",
                    "modules": ["RequestId", "Trace", "LoginRequired"],
                    "seen": ["RequestId.begin_request", "Trace.begin_request",
                             "LoginRequired.begin_request"]}


@pytest.mark.gen_test
async def test_userlist_is_not_user(fetch):
    code, body = await shown(fetch, "/UserList")
    assert code == 200 and body["modules"] == ["RequestId", "Trace"]


@pytest.mark.gen_test
async def test_the_regex_covers_every_path_under_user(fetch):
    code, _ = await shown(fetch, "/user/ann")
    assert code == 401
    code, body = await shown(fetch, "/user/ann?user=ann")
    assert (code, body["route"], body["modules"]) == (200, "Profile",
                                                      ["RequestId", "Trace", "LoginRequired"])


@pytest.mark.gen_test
async def test_the_api_runs_no_common_module(fetch):
    response = await fetch("/api/ping")
    assert json.loads(response.body)["modules"] == ["ApiHeaders"]
    assert response.headers["Cache-Control"] == "no-store"
    assert "X-Request-Id" not in response.headers


@pytest.mark.gen_test
async def test_request_ids_count_per_application(fetch, serve, http_client):
    first = (await fetch("/")).headers["X-Request-Id"]
    other = serve(make_app())
    assert (await http_client.fetch(other + "/")).headers["X-Request-Id"] == "req-1"
    assert first == "req-1"


def test_a_typo_in_an_exclusion_stops_the_app_at_start_up():
    with pytest.raises(HttpModuleError, match="!chapters.ch16_httpmodules.httpmodules.Trcae"):
        make_app(route_modules={"Index": ["!" + M + "Trcae"]})


# --- tornadopy's HttpModuleMiddleware, bug by bug ---------------------------------------------
def test_b6_a_route_name_compiled_as_an_unanchored_regex_matches_other_paths():
    middleware = naive.NaiveHttpModuleMiddleware()
    middleware.route_modules = {}  # a fresh table for this test (see the next one)
    middleware.process_init(None, Settings(ROUTE_MODULES={"User": [M + "LoginRequired"]}))
    assert middleware.matching_keys("/UserList") == ["User"]  # meant for the route User only
    assert middleware.matching_keys("/admin/ExportUsers") == ["User"]


def test_b6_two_applications_share_one_table(monkeypatch):
    monkeypatch.setattr(naive.NaiveHttpModuleMiddleware, "route_modules", {})
    monkeypatch.setattr(naive.NaiveHttpModuleMiddleware, "common_modules", [])
    one, two = naive.NaiveHttpModuleMiddleware(), naive.NaiveHttpModuleMiddleware()
    one.process_init(None, Settings(COMMON_MODULES=[M + "RequestId"]))
    two.process_init(None, Settings(COMMON_MODULES=[M + "Trace"],
                                    ROUTE_MODULES={"Api": ["!all"]}))
    # The first application now runs the second one's modules too.
    assert [type(m).__name__ for m in one.common_modules] == ["RequestId", "Trace"]
    assert [regex.pattern for regex in one.route_modules] == ["Api"]


def test_b6_a_subclass_of_a_module_is_refused():
    class Base(BaseHttpModule):
        pass

    class Stricter(Base):
        pass

    with pytest.raises(TypeError, match="is not a BaseHttpModule"):
        naive.NaiveHttpModuleMiddleware._load(Stricter)


def test_named_handlers_is_gone_since_tornado_4_5():
    application = tornado.web.Application([tornado.web.url(r"/", tornado.web.RequestHandler,
                                                           name="Index")])
    with pytest.raises(AttributeError, match="named_handlers"):
        naive.NaiveHttpModuleMiddleware.tag_named_routes(application)


@pytest.mark.gen_test
async def test_replacing_handler_class_after_the_app_is_built_changes_nothing(serve, http_client):
    class Original(tornado.web.RequestHandler):
        def get(self):
            self.write("original")

    class Tagged(Original):
        def get(self):
            self.write("tagged")

    spec = tornado.web.url(r"/", Original, name="Index")
    url = serve(tornado.web.Application([spec]))
    spec.handler_class = Tagged  # the _class_wrap trick, with the name Tornado 6 still has
    assert (await http_client.fetch(url + "/")).body == b"original"
