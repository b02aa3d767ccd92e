"""Tests of the chapter 15 exercise. `make check-15` runs them on your exercise.py; plain
`pytest` runs them on solutions/ch15_middleware/exercise.py."""
import asyncio
import logging

import pytest
import tornado.web

from chapters.ch15_middleware.recording import recorders
from tornkit.conf import Settings

TPL = "tpl/ch15_middleware"
LESSON = "chapters/ch15_middleware/README.md"


class Card(tornado.web.UIModule):
    def render(self, title):
        return self.render_string("card.html", title=title)


@pytest.fixture
def log():
    return []


@pytest.fixture
def build(exercise, log):
    """build(routes, middlewares, **settings): an app of your Application class."""
    def build(routes, middlewares, **settings):
        app = exercise.Application(routes, conf=Settings(MIDDLEWARE_CLASSES=middlewares),
                                   template_path=TPL, ui_modules={"Card": Card}, **settings)
        log.clear()  # forget process_init
        return app
    return build


@pytest.fixture
def app():
    return tornado.web.Application()  # each test serves its own app with `serve`


def page(exercise, log):
    class Page(exercise.WebHandler):
        def on_prepare(self):
            log.append("on_prepare")

        def get(self):
            log.append("get")
            self.render("hello.html", user="ann", trace=[])

        def complete_finish(self):
            log.append("complete_finish")
    return Page


async def get(http_client, url, **kwargs):
    return await http_client.fetch(url, raise_error=False, **kwargs)


def owners(hooks):
    return [type(owner).__name__ for owner, _ in hooks]


# --- step 1: the order ------------------------------------------------------------------------------
@pytest.mark.parametrize("phase, expected", [
    ("process_call", ["A", "B", "C"]),
    ("process_request", ["A", "B", "C"]),
    ("process_render", ["C", "B", "A"]),
    ("process_response", ["C", "B", "A"]),
    ("process_endcall", ["C", "B", "A"]),
    ("process_exception", ["C", "B", "A"]),
], ids=["call", "request", "render", "response", "endcall", "exception"])
def test_step1_hooks_run_in_declared_order_then_reversed(exercise, log, phase, expected):
    manager = exercise.Manager([cls() for cls in recorders(log, "A", "B", "C")])
    got = owners(manager.hooks(phase))
    assert got == expected, (
        f"with MIDDLEWARE_CLASSES = (A, B, C), the hooks of {phase} should run in the order "
        f"{expected}, got {got}: the request phases in declared order, the response phases "
        f"(and exceptions) reversed, so that A is the outermost layer ({LESSON}, §2)")


def test_step1_only_middlewares_that_have_the_hook(exercise, log):
    A, C = recorders(log, "A", "C")

    class OnlyCall:
        def process_call(self, request, clear):
            pass

    manager = exercise.Manager([A(), OnlyCall(), C()])
    assert owners(manager.hooks("process_response")) == ["C", "A"], (
        "a middleware without process_response should not appear in that phase's hooks, got "
        f"{owners(manager.hooks('process_response'))} ({LESSON}, §2)")
    assert all(callable(hook) for _, hook in manager.hooks("process_call"))


# --- step 2: run ------------------------------------------------------------------------------------
def unit(exercise, log, **replacements):
    """A Manager of A, B, C where B's hooks are replaced, and a fresh chain."""
    A, C = recorders(log, "A", "C")
    B, = recorders(log, "B", **replacements)
    manager = exercise.Manager([A(), B(), C()])
    return manager, manager.chain()


def test_step2_run_calls_each_hook_with_the_subject_and_clear(exercise, log):
    seen = []
    manager, chain = unit(exercise, log, process_response=lambda self, handler, clear, chunk:
                          seen.append((handler, clear, chunk)))
    result = manager.run("process_response", chain, "the handler", ["part"])
    assert log == ["response C", "response B", "response A"], (
        f"run('process_response', ...) should call C, B, A's hooks, got {log} ({LESSON}, §2)")
    assert result is None, f"no hook returned a truthy value: run() should return None, got {result!r}"
    assert seen and seen[0][0] == "the handler" and seen[0][2] == ["part"], (
        f"each hook gets the subject first, then the chain's clear, then the phase's "
        f"arguments; B got {seen}")
    assert seen[0][1] == chain.clear, "the second argument of every hook is the chain's clear"


def test_step2_a_truthy_return_ends_the_phase_and_is_returned(exercise, log):
    manager, chain = unit(exercise, log, process_call=lambda self, request, clear: "stop")
    result = manager.run("process_call", chain, "request")
    assert log == ["call A", "call B"], (
        f"B's process_call returned a truthy value: C's should not run, got {log} ({LESSON}, §2)")
    assert result == "stop", f"run() should return the truthy value, 'stop', got {result!r}"


def test_step2_a_once_per_request_phase_is_used_up(exercise, log):
    manager, chain = unit(exercise, log, process_request=lambda self, handler, clear: True)
    manager.run("process_request", chain, "handler")
    manager.run("process_endcall", chain, "handler")
    log.clear()
    manager.run("process_request", chain, "handler")
    manager.run("process_endcall", chain, "handler")
    assert log == [], (
        "process_request and process_endcall run once per request: run a second time on the "
        f"same chain, nothing should run (hooks that ran, or were skipped, are used up), got "
        f"{log} ({LESSON}, §2)")


def test_step2_render_and_exception_run_in_full_every_time(exercise, log):
    manager, chain = unit(exercise, log, process_render=lambda self, *args, **kwargs: True)
    for _ in range(3):
        manager.run("process_render", chain, "handler", "page.html", user="ann")
    assert log == ["render C page.html", "render B page.html"] * 3, (
        "process_render runs on every render_string(): three renders, each stopped by B's "
        f"truthy return, should log C, B three times, got {log} ({LESSON}, §2: B3)")
    log.clear()
    manager.run("process_exception", chain, "handler", ValueError, ValueError(), None)
    manager.run("process_exception", chain, "handler", KeyError, KeyError(), None)
    assert log == ["exception C ValueError", "exception B ValueError", "exception A ValueError",
                   "exception C KeyError", "exception B KeyError", "exception A KeyError"], (
        f"every exception runs the whole exception phase, got {log}")


def test_step2_clear_stops_every_phase(exercise, log):
    manager, chain = unit(exercise, log, process_call=lambda self, request, clear: clear())
    manager.run("process_call", chain, "request")
    for phase, args in [("process_request", ()), ("process_render", ("page.html",)),
                        ("process_response", ([],)), ("process_endcall", ())]:
        manager.run(phase, chain, "handler", *args)
    assert log == ["call A", "call B"], (
        f"B called clear() in process_call: nothing more should run for this request, got "
        f"{log} ({LESSON}, §2)")


def test_step2_clear_in_a_render_stops_that_render_too(exercise, log):
    manager, chain = unit(exercise, log, process_render=lambda self, handler, clear, *a, **k:
                          clear())
    manager.run("process_render", chain, "handler", "page.html")
    manager.run("process_render", chain, "handler", "card.html")
    assert log == ["render C page.html", "render B page.html"], (
        f"B cleared the chain in its process_render: A's should not run, nor any later render, "
        f"got {log}")


def test_step2_an_async_hook_in_a_sync_phase_is_an_error(exercise, log):
    async def later(self, *args):
        pass

    manager, chain = unit(exercise, log, process_endcall=later)
    with pytest.raises(exercise.MiddlewareError):
        manager.run("process_endcall", chain, "handler")


# --- step 3: run_async ------------------------------------------------------------------------------
@pytest.mark.gen_test
async def test_step3_async_hooks_are_awaited_one_after_the_other(exercise, log):
    async def slow(self, handler, clear):
        await asyncio.sleep(0.02)
        log.append("B done")

    manager, chain = unit(exercise, log, process_request=slow)
    result = manager.run_async("process_request", chain, "handler")
    assert asyncio.iscoroutine(result), "run_async should be an async def"
    assert await result is None
    assert log == ["request A", "request B", "B done", "request C"], (
        f"B's process_request awaits something: C's should start only after B's is done, got "
        f"{log} ({LESSON}, §3)")


@pytest.mark.gen_test
async def test_step3_a_truthy_async_hook_ends_the_phase(exercise, log):
    async def deny(self, handler, clear):
        return "denied"

    manager, chain = unit(exercise, log, process_request=deny)
    assert await manager.run_async("process_request", chain, "handler") == "denied"
    assert log == ["request A", "request B"], f"C should not run after B's truthy value: {log}"


# --- steps 4-8: the handler -------------------------------------------------------------------------
CALLS = ["call A", "call B", "call C"]
ENDCALLS = ["endcall C", "endcall B", "endcall A"]


@pytest.mark.gen_test
async def test_steps4to7_one_request_through_the_handler(exercise, build, log, serve, http_client):
    url = serve(build([("/", page(exercise, log))], recorders(log, "A", "B", "C")))
    response = await get(http_client, url + "/")
    assert response.code == 200, f"GET / should answer 200, got {response.code} {response.body[:300]!r}"
    expected = [*CALLS, "request A", "request B", "request C", "on_prepare", "get",
                "render C hello.html", "render B hello.html", "render A hello.html",
                "render C card.html", "render B card.html", "render A card.html",
                "render C card.html", "render B card.html", "render A card.html",
                "render C footer.html", "render B footer.html", "render A footer.html",
                "response C", "response B", "response A", *ENDCALLS, "complete_finish"]
    assert log == expected, (
        f"one request to a page with two UI modules and a {{% module Template %}} should log\n"
        f"{expected}\ngot\n{log}\n({LESSON}, §4-§5)")


@pytest.mark.gen_test
async def test_step4_on_prepare_waits_for_an_async_middleware(
        exercise, build, log, serve, http_client):
    async def login(self, handler, clear):
        await asyncio.sleep(0.02)
        handler.user = "ann"

    A, = recorders(log, "A", process_request=login)

    class Page(exercise.WebHandler):
        def on_prepare(self):
            log.append(f"on_prepare user={getattr(self, 'user', None)}")

        def get(self):
            self.write("ok")

    url = serve(build([("/", Page)], [A]))
    await get(http_client, url + "/")
    assert "on_prepare user=ann" in log, (
        f"on_prepare() should run after the async process_request is done (it sets user), got "
        f"{log} ({LESSON}, §4: B2)")


@pytest.mark.gen_test
async def test_step4_a_middleware_that_answers_skips_on_prepare_and_get(
        exercise, build, log, serve, http_client):
    def deny(self, handler, clear):
        handler.set_status(401)
        handler.finish("sign in first")
        return True

    A, C = recorders(log, "A", "C")
    B, = recorders(log, "B", process_request=deny)
    url = serve(build([("/", page(exercise, log))], [A, B, C]))
    response = await get(http_client, url + "/")
    assert (response.code, response.body) == (401, b"sign in first"), (
        f"B answers 401 in process_request, got {response.code} {response.body[:200]!r}")
    assert log == [*CALLS, "request A", "request B", "response C", "response B", "response A",
                   *ENDCALLS, "complete_finish"], (
        f"after B answered, neither C's process_request, on_prepare() nor get() should run, and "
        f"every middleware still gets its response and endcall; got {log} ({LESSON}, §4)")


@pytest.mark.gen_test
async def test_step6_process_response_sees_the_body_and_await_finish_works(
        exercise, build, log, serve, http_client):
    def shout(self, handler, clear, chunk):
        chunk[:] = [part.upper() for part in chunk]

    A, = recorders(log, "A", process_response=shout)

    class Page(exercise.WebHandler):
        async def get(self):
            self.write("hello, ")
            await self.finish("world")
            log.append("after await")

    url = serve(build([("/", Page)], [A]))
    response = await get(http_client, url + "/")
    assert response.body == b"HELLO, WORLD", (
        f"process_response should get the list of body parts (and may rewrite it), the page "
        f"should read HELLO, WORLD, got {response.code} {response.body[:200]!r} ({LESSON}, §4)")
    assert "after await" in log, (
        f"`await self.finish('world')` should work: finish() returns Tornado's Future; the "
        f"handler never got past it ({LESSON}, §4: B4)")


@pytest.mark.gen_test
async def test_step7_a_405_still_ends_every_middleware(exercise, build, log, serve, http_client):
    class GetOnly(exercise.WebHandler):
        SUPPORTED_METHODS = ("GET",)

        def get(self):
            self.write("ok")

    url = serve(build([("/", GetOnly)], recorders(log, "A", "B", "C")))
    response = await get(http_client, url + "/", method="POST", body="")
    assert response.code == 405
    ended = [event for event in log if event.startswith("endcall")]
    assert ended == ENDCALLS, (
        f"a 405 never reaches prepare(), but on_finish() runs: every middleware that saw "
        f"process_call should get process_endcall, C B A, got {ended} ({LESSON}, §5)")
    assert not [e for e in log if e.startswith("request")], "a 405 runs no process_request"


@pytest.mark.gen_test
async def test_step8_exceptions_run_reversed_and_tornado_still_logs_them(
        exercise, build, log, serve, http_client, caplog):
    class Boom(exercise.WebHandler):
        def get(self):
            raise ValueError("hunter2")

    url = serve(build([("/", Boom)], recorders(log, "A", "B", "C")))
    with caplog.at_level(logging.ERROR, logger="tornado.application"):
        response = await get(http_client, url + "/")
    assert response.code == 500 and b"hunter2" not in response.body
    raised = [e for e in log if e.startswith("exception")]
    assert raised == ["exception C ValueError", "exception B ValueError",
                      "exception A ValueError"], (
        f"log_exception should run the exception phase, C B A, got {raised} ({LESSON}, §5)")
    assert "hunter2" in caplog.text, (
        "no middleware handled the exception (none returned a truthy value): Tornado's own "
        f"log_exception should still log it ({LESSON}, §5: B7)")


@pytest.mark.gen_test
async def test_step8_a_middleware_that_handles_the_exception_silences_tornados_log(
        exercise, build, log, serve, http_client, caplog):
    class Boom(exercise.WebHandler):
        def get(self):
            raise ValueError("hunter2")

    A, = recorders(log, "A", process_exception=lambda self, *args: True)
    url = serve(build([("/", Boom)], [A]))
    with caplog.at_level(logging.ERROR, logger="tornado.application"):
        response = await get(http_client, url + "/")
    assert response.code == 500
    assert "exception A ValueError" in log, log
    assert "hunter2" not in caplog.text, (
        f"A's process_exception returned True (handled): Tornado should not log it again "
        f"({LESSON}, §5)")
