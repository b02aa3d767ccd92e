"""tornkit's middleware (tornkit/middleware.py, application.py, handler.py): exact event logs of
recording middlewares, the onion invariant, the current request, and tornadopy's bugs fixed."""
import asyncio
import logging

import pytest
import tornado.web
from tornado.httpclient import AsyncHTTPClient

from chapters.ch15_middleware.recording import (SetsUserFromHeader, keep_alive_requests,
                                                 recorders, user)
from tornkit.application import Application, current_request
from tornkit.conf import Settings
from tornkit.handler import ApiHandler, WebHandler
from tornkit.middleware import Manager, MiddlewareError



class Card(tornado.web.UIModule):
    def render(self, title):
        return self.render_string("card.html", title=title)


def build(routes, middlewares, **settings):
    return Application(routes, conf=Settings(MIDDLEWARE_CLASSES=middlewares),
                       template_path="tpl/ch15_middleware", ui_modules={"Card": Card},
                       **settings)


def page_handler(log):
    class Page(WebHandler):
        def on_prepare(self):
            log.append("on_prepare")

        def get(self):
            log.append("get")
            self.render("hello.html", user="ann", trace=[])

        def complete_finish(self):
            log.append("complete_finish")
    return Page


CALLS = ["call A", "call B", "call C"]
ENDCALLS = ["endcall C", "endcall B", "endcall A"]


@pytest.fixture
def log():
    return []


@pytest.fixture
def http_client(io_loop):
    """A client for the apps these tests serve with the `serve` fixture (no `app` fixture)."""
    client = AsyncHTTPClient()
    yield client
    client.close()


# --- one request, every phase ------------------------------------------------------------------
@pytest.mark.gen_test
async def test_one_request_in_order_request_phases_declared_response_phases_reversed(
        serve, http_client, log):
    url = serve(build([("/", page_handler(log))], recorders(log, "A", "B", "C")))
    assert log == ["init A", "init B", "init C"]  # process_init: once, when the app is built
    log.clear()
    response = await http_client.fetch(url + "/")
    assert response.code == 200
    assert log == [
        *CALLS, "request A", "request B", "request C", "on_prepare", "get",
        # hello.html renders two Card modules (card.html each) and one {% module Template %}
        "render C hello.html", "render B hello.html", "render A hello.html",
        "render C card.html", "render B card.html", "render A card.html",
        "render C card.html", "render B card.html", "render A card.html",
        "render C footer.html", "render B footer.html", "render A footer.html",
        "response C", "response B", "response A", *ENDCALLS, "complete_finish"]


@pytest.mark.gen_test
async def test_a_second_request_runs_every_phase_again(serve, http_client, log):
    url = serve(build([("/", page_handler(log))], recorders(log, "A")))
    log.clear()
    await http_client.fetch(url + "/")
    first = list(log)
    log.clear()
    await http_client.fetch(url + "/")
    assert log == first  # nothing of the first request's chain is used up for the next one


# --- a truthy return, clear() ----------------------------------------------------------------------
def deny(handler, clear):
    handler.set_status(401)
    handler.finish("sign in first")
    return True


@pytest.mark.gen_test
async def test_a_truthy_process_request_ends_the_request_phase_and_skips_get(
        serve, http_client, log):
    A, C = recorders(log, "A", "C")
    B, = recorders(log, "B", process_request=lambda self, handler, clear: deny(handler, clear))
    url = serve(build([("/", page_handler(log))], [A, B, C]))
    log.clear()
    response = await http_client.fetch(url + "/", raise_error=False)
    assert (response.code, response.body) == (401, b"sign in first")
    # C's process_request, on_prepare and get() never ran; every middleware still balances.
    assert log == [*CALLS, "request A", "request B", "response C", "response B", "response A",
                   *ENDCALLS, "complete_finish"]


@pytest.mark.gen_test
async def test_a_truthy_render_ends_that_render_only(serve, http_client, log):
    A, C = recorders(log, "A", "C")
    B, = recorders(log, "B", process_render=lambda self, *args, **kwargs: True)
    url = serve(build([("/", page_handler(log))], [A, B, C]))
    log.clear()
    await http_client.fetch(url + "/")
    renders = [event for event in log if event.startswith("render")]
    # Reversed: C, then B stops the phase, A is skipped; on every render_string() again.
    assert renders == ["render C hello.html", "render B hello.html",
                       "render C card.html", "render B card.html",
                       "render C card.html", "render B card.html",
                       "render C footer.html", "render B footer.html"]


@pytest.mark.gen_test
async def test_clear_ends_every_phase_for_the_rest_of_the_request(serve, http_client, log):
    A, C = recorders(log, "A", "C")
    B, = recorders(log, "B", process_request=lambda self, handler, clear: clear())
    url = serve(build([("/", page_handler(log))], [A, B, C]))
    log.clear()
    response = await http_client.fetch(url + "/")
    assert response.code == 200
    # An explicit opt-out of the balance: nothing runs after clear(), endcall included.
    assert log == [*CALLS, "request A", "request B", "on_prepare", "get", "complete_finish"]
    log.clear()
    await http_client.fetch(url + "/")
    assert log[:3] == CALLS  # cleared for that request only


@pytest.mark.gen_test
async def test_a_truthy_process_call_keeps_the_later_middlewares_out_of_the_request(
        serve, http_client, log):
    A, C = recorders(log, "A", "C")
    B, = recorders(log, "B", process_call=lambda self, request, clear: True)
    url = serve(build([("/", page_handler(log))], [A, B, C]))
    log.clear()
    await http_client.fetch(url + "/")
    # C never saw the request: no hook of C runs, so C never gets an endcall without a call.
    assert [event for event in log if " C" in event] == []
    assert log[:4] == ["call A", "call B", "request A", "request B"]
    assert log[-3:] == ["endcall B", "endcall A", "complete_finish"]


# --- B2: an async process_request is awaited before on_prepare --------------------------------------
@pytest.mark.gen_test
async def test_an_async_process_request_finishes_before_on_prepare(serve, http_client, log):
    async def slow_login(self, handler, clear):
        await asyncio.sleep(0.05)  # a session store, a database...
        handler.user = "ann"

    A, = recorders(log, "A", process_request=slow_login)

    class Page(WebHandler):
        def on_prepare(self):
            log.append(f"on_prepare user={getattr(self, 'user', None)}")

        def get(self):
            self.write(self.user)

    url = serve(build([("/", Page)], [A]))
    log.clear()
    response = await http_client.fetch(url + "/")
    assert response.body == b"ann"
    assert log[:3] == ["call A", "request A", "on_prepare user=ann"]


# --- B4: await self.finish() -----------------------------------------------------------------------
@pytest.mark.gen_test
async def test_await_self_finish_works(serve, http_client, log):
    class Page(WebHandler):
        async def get(self):
            await self.finish("done")  # tornadopy's finish() returned None: TypeError here
            log.append("after finish")

    url = serve(build([("/", Page)], recorders(log, "A")))
    log.clear()
    response = await http_client.fetch(url + "/")
    assert response.body == b"done"
    assert log == ["call A", "request A", "response A", "endcall A", "after finish"]


@pytest.mark.gen_test
async def test_process_response_gets_the_body_parts_and_may_rewrite_them(serve, http_client, log):
    def shout(self, handler, clear, chunk):
        chunk[:] = [part.upper() for part in chunk]
        handler.set_header("X-Seen-By", "A")

    A, = recorders(log, "A", process_response=shout)

    class Page(WebHandler):
        def get(self):
            self.write("hello, ")
            self.write("world")

    url = serve(build([("/", Page)], [A]))
    response = await http_client.fetch(url + "/")
    assert response.body == b"HELLO, WORLD"
    assert response.headers["X-Seen-By"] == "A"
    assert response.headers["Content-Length"] == "12"  # computed after the middleware ran


# --- the onion invariant: what Tornado answers before prepare() still balances -----------------------
class GetOnly(WebHandler):
    SUPPORTED_METHODS = ("GET",)

    def get(self):
        self.write("ok")

    def post(self):
        self.write("never")


@pytest.mark.gen_test
async def test_a_405_never_reaches_prepare_and_still_balances(serve, http_client, log):
    url = serve(build([("/", GetOnly)], recorders(log, "A", "B", "C")))
    log.clear()
    response = await http_client.fetch(url + "/", method="POST", body="", raise_error=False)
    assert response.code == 405
    assert log == [*CALLS, "exception C HTTPError", "exception B HTTPError",
                   "exception A HTTPError", "response C", "response B", "response A", *ENDCALLS]


@pytest.mark.gen_test
async def test_an_xsrf_403_never_reaches_prepare_and_still_balances(serve, http_client, log):
    url = serve(build([("/", page_handler(log))], recorders(log, "A", "B", "C"),
                      xsrf_cookies=True, cookie_secret="test-secret-" * 4))
    log.clear()
    response = await http_client.fetch(url + "/", method="POST", body="x=1", raise_error=False)
    assert response.code == 403
    assert log == [*CALLS, "exception C HTTPError", "exception B HTTPError",
                   "exception A HTTPError", "response C", "response B", "response A", *ENDCALLS,
                   "complete_finish"]


@pytest.mark.gen_test
async def test_handlers_that_are_not_webhandlers_still_balance(serve, http_client, log, tmp_path):
    (tmp_path / "a.txt").write_text("static")
    url = serve(build([("/go", tornado.web.RedirectHandler, {"url": "/a"})],
                      recorders(log, "A", "B"), static_path=str(tmp_path)))
    for path in ("/nowhere", "/go", "/static/a.txt"):  # Tornado's 404, redirect, static file
        log.clear()
        await http_client.fetch(url + path, raise_error=False, follow_redirects=False)
        assert log == ["call A", "call B", "endcall B", "endcall A"], path


# --- exceptions -------------------------------------------------------------------------------------
def boom(self, *args, **kwargs):
    raise ValueError("the database password is hunter2")


@pytest.mark.gen_test
async def test_a_middleware_that_raises_gets_process_exception_and_the_visitor_a_plain_500(
        serve, http_client, log, caplog):
    A, C = recorders(log, "A", "C")
    B, = recorders(log, "B", process_request=boom)
    url = serve(build([("/", page_handler(log))], [A, B, C]))
    log.clear()
    with caplog.at_level(logging.ERROR, logger="tornado.application"):
        response = await http_client.fetch(url + "/", raise_error=False)
    assert response.code == 500
    assert b"hunter2" not in response.body and b"Traceback" not in response.body
    assert log == [*CALLS, "request A", "request B", "exception C ValueError",
                   "exception B ValueError", "exception A ValueError",
                   "response C", "response B", "response A", *ENDCALLS, "complete_finish"]
    assert "hunter2" in caplog.text  # no middleware handled it: Tornado logged it, in the log


@pytest.mark.gen_test
async def test_a_process_call_that_raises_answers_500_and_balances(serve, http_client, log):
    A, C = recorders(log, "A", "C")
    B, = recorders(log, "B", process_call=boom)
    url = serve(build([("/", page_handler(log))], [A, B, C]))
    log.clear()
    response = await http_client.fetch(url + "/", method="DELETE", raise_error=False)
    assert response.code == 500
    assert b"hunter2" not in response.body
    # B saw the call (it raised in it), C never did.
    assert log == ["call A", "call B", "exception B ValueError", "exception A ValueError",
                   "response B", "response A", "endcall B", "endcall A"]


@pytest.mark.gen_test
async def test_a_process_endcall_that_raises_does_not_stop_the_others(serve, http_client, log):
    A, C = recorders(log, "A", "C")
    B, = recorders(log, "B", process_endcall=boom)
    url = serve(build([("/", page_handler(log))], [A, B, C]))
    log.clear()
    response = await http_client.fetch(url + "/")
    assert response.code == 200
    assert log[-7:] == ["endcall C", "endcall B", "exception C ValueError",
                        "exception B ValueError", "exception A ValueError", "endcall A",
                        "complete_finish"]


@pytest.mark.gen_test
async def test_process_exception_runs_reversed_and_a_truthy_one_handles_it(
        serve, http_client, log, caplog):
    class Boom(WebHandler):
        def get(self):
            raise ValueError("hunter2")

    A, C = recorders(log, "A", "C")
    B, = recorders(log, "B", process_exception=lambda self, *args: True)
    url = serve(build([("/", Boom)], [A, B, C]))
    log.clear()
    with caplog.at_level(logging.ERROR, logger="tornado.application"):
        response = await http_client.fetch(url + "/", raise_error=False)
    assert response.code == 500
    assert [e for e in log if e.startswith("exception")] == [
        "exception C ValueError", "exception B ValueError"]  # README's order; B handled it
    assert "hunter2" not in caplog.text  # handled: Tornado's own log is skipped


# --- settings: MIDDLEWARE_CLASSES -------------------------------------------------------------------
def test_middleware_classes_are_dotted_paths_instantiated_once_per_application():
    conf = Settings(MIDDLEWARE_CLASSES=["chapters.ch15_middleware.middlewares.Timing",
                                        "chapters.ch15_middleware.middlewares.Trace"])
    one, two = Application([], conf=conf), Application([], conf=conf)
    assert [type(m).__name__ for m in one.middleware.middlewares] == ["Timing", "Trace"]
    assert one.middleware.middlewares[1] is not two.middleware.middlewares[1]
    assert one.middleware.middlewares[1].application is one  # process_init(app), its own app


@pytest.mark.parametrize("entry, message", [
    ("chapters.ch15_middleware.middlewares.NoSuchThing", "NoSuchThing"),
    ("no_such_module.Middleware", "no_such_module"),
    ("Middleware", "not a dotted path"),
    ("chapters.ch15_middleware.recording.recorders", "none of the hooks"),
])
def test_a_bad_middleware_entry_fails_at_start_up_naming_it(entry, message):
    with pytest.raises(MiddlewareError, match=message):
        Application([], conf=Settings(MIDDLEWARE_CLASSES=[entry]))


def test_an_async_hook_where_only_process_request_may_be_async_is_an_error(log):
    async def render(self, *args, **kwargs):
        pass

    A, = recorders(log, "A", process_render=render)
    manager = Manager([A()])
    with pytest.raises(MiddlewareError, match="only process_request may be async"):
        manager.run("process_render", manager.chain(), None, "page.html")


# --- B5: two applications in one process stay separate -------------------------------------------------
@pytest.mark.gen_test
async def test_two_applications_run_their_own_middlewares_only(serve, http_client):
    log_one, log_two = [], []
    one = serve(build([("/", GetOnly)], recorders(log_one, "One")))
    two = serve(build([("/", GetOnly)], recorders(log_two, "Two")))
    log_one.clear(), log_two.clear()
    await http_client.fetch(one + "/")
    assert log_one == ["call One", "request One", "response One", "endcall One"]
    assert log_two == []
    await http_client.fetch(two + "/")
    assert log_two == ["call Two", "request Two", "response Two", "endcall Two"]


# --- the current request: a contextvar per request ---------------------------------------------------
class Who(WebHandler):
    def get(self):
        self.write({"user": user.get(), "path": current_request().path,
                    "same": current_request() is self.request})


@pytest.mark.gen_test
async def test_a_contextvar_set_in_process_call_does_not_leak_into_the_next_keep_alive_request(
        serve):
    url = serve(Application([("/who", Who)], conf=Settings(
        MIDDLEWARE_CLASSES=[SetsUserFromHeader])))
    first, second = await keep_alive_requests(url, [("/who", {"X-User": "ann"}), ("/who", {})])
    assert first == b'{"user": "ann", "path": "/who", "same": true}'
    assert second == b'{"user": null, "path": "/who", "same": true}'


@pytest.mark.gen_test
async def test_interleaved_requests_each_see_their_own_request(serve, http_client):
    started, release = asyncio.Event(), asyncio.Event()

    class Slow(WebHandler):
        async def get(self, name):
            if name == "first":
                started.set()
                await release.wait()
            self.write(current_request().path)

    url = serve(Application([(r"/(\w+)", Slow)], conf=Settings()))
    first = asyncio.ensure_future(http_client.fetch(url + "/first"))
    await started.wait()
    second = await http_client.fetch(url + "/second")  # while the first one waits
    release.set()
    assert ((await first).body, second.body) == (b"/first", b"/second")
    assert current_request() is None  # outside of any request


# --- ApiHandler.write_api ------------------------------------------------------------------------------
class Api(ApiHandler):
    def get(self):
        self.write_api({"name": "</script><script>alert(1)</script>", "n": 1})


@pytest.mark.gen_test
async def test_write_api_answers_json_and_never_jsonp(serve, http_client):
    url = serve(Application([("/api", Api)], conf=Settings()))
    response = await http_client.fetch(url + "/api?callback=alert(document.cookie)//")
    assert response.headers["Content-Type"] == "application/json; charset=UTF-8"
    assert response.body.startswith(b"{")  # no callback( ... ) around it, whatever is asked
    assert b"</script>" not in response.body and b"<\\/script>" in response.body
    assert tornado.escape.json_decode(response.body)["name"].startswith("</script>")
