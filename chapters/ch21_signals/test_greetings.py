"""Chapter 21's app: the request signals on its index and /trace, its own signal (greeted)
on /hello, the policy for a failing receiver, and tornadopy's middleware (naive.py) failing
where tornkit's holds."""
import inspect
import json
import logging

import pytest

from chapters.ch21_signals import naive
from chapters.ch21_signals.greetings import make_app
from tornkit import signals
from tornkit.application import Application
from tornkit.conf import Settings
from tornkit.handler import WebHandler

ALL = ["call_started", "handler_started", "handler_render", "handler_response", "call_finished"]


@pytest.fixture
def app(tmp_path):
    return make_app(data_dir=tmp_path)


@pytest.mark.gen_test
async def test_the_index_lists_the_signals_and_what_it_heard_so_far(fetch):
    body = (await fetch("/")).body.decode()
    assert body.count("<li><code>") >= 5 and "<code>call_finished</code>" in body
    assert '<code id="so-far">call_started, handler_started</code>' in body


@pytest.mark.gen_test
async def test_the_trace_has_every_signal_of_each_finished_request_in_order(fetch):
    await fetch("/hello?name=ann")
    await fetch("/nowhere")
    trace = json.loads((await fetch("/trace")).body)
    assert trace["this_request_so_far"] == ["call_started", "handler_started"]
    # /nowhere: no WebHandler, so no handler_started/render/response; still call_finished
    assert trace["finished"] == [
        {"path": "/nowhere", "status": 404, "signals": ["call_started", "call_finished"]},
        {"path": "/hello", "status": 200, "signals": ALL},
    ]


@pytest.mark.gen_test
async def test_hello_sends_greeted_and_its_receiver_counts(fetch):
    for name in ["ann", "bob", "ann"]:
        body = (await fetch(f"/hello?name={name}")).body.decode()
    assert '<h1 id="greeting">Hello, ann!</h1>' in body and '<span id="times">2</span>' in body
    assert json.loads((await fetch("/greetings")).body) == {"ann": 2, "bob": 1}
    assert "Hello, world!" in (await fetch("/hello")).body.decode()


@pytest.mark.gen_test
async def test_a_name_is_escaped(fetch):
    body = (await fetch("/hello?name=%3Cb%3Ex")).body.decode()
    assert "Hello, &lt;b&gt;x!" in body


def test_two_apps_hear_only_their_own_requests_and_greetings():
    first, second = make_app(), make_app()
    assert first.greeted is not second.greeted
    first.greeted.send(type(None), name="ann")
    assert (dict(first.journal.greetings), dict(second.journal.greetings)) == ({"ann": 1}, {})


class TestAFailingReceiver:
    @pytest.fixture
    def app(self, tmp_path):
        return make_app(data_dir=tmp_path, broken_receiver=True)

    @pytest.mark.gen_test
    async def test_is_logged_and_the_page_still_answers(self, fetch, caplog):
        with caplog.at_level(logging.ERROR, logger="tornkit.signals"):
            body = (await fetch("/hello?name=ann")).body.decode()
        assert '<span id="times">1</span>' in body and '<span id="receivers">2</span>' in body
        assert [r.exc_info[0] for r in caplog.records] == [RuntimeError]


# --- tornadopy's middleware ----------------------------------------------------------------------
class Plain(WebHandler):
    def get(self):
        self.write("ok")


class TestNaive:
    @pytest.fixture
    def app(self):  # no Journal here: only the test's own receivers listen
        return Application([(r"/", Plain)], conf=Settings(MIDDLEWARE_CLASSES=(
            "tornkit.signals.SignalMiddleware", naive.SignalMiddleware)))

    @pytest.mark.gen_test
    async def test_one_failing_receiver_answers_500(self, fetch, caplog):
        def broken(sender, **kwargs):
            raise RuntimeError("a receiver's bug")

        signals.handler_started.connect(broken)
        try:
            with caplog.at_level(logging.CRITICAL):  # Tornado logs the 500: expected here
                naive_code = (await fetch("/", raise_error=False)).code
        finally:
            signals.handler_started.disconnect(broken)
        assert naive_code == 500

    @pytest.mark.gen_test
    async def test_an_async_receiver_is_never_awaited(self, fetch):
        made = []

        async def work():
            return "done"

        def started(sender, **kwargs):  # an async receiver: it returns a coroutine
            made.append(work())
            return made[-1]

        signals.handler_started.connect(started)
        try:
            await fetch("/")
        finally:
            signals.handler_started.disconnect(started)
        states = [inspect.getcoroutinestate(coroutine) for coroutine in made]
        for coroutine in made:
            coroutine.close()  # the one naive.py left behind, before Python warns about it
        # tornkit's middleware (declared first) awaited its call; naive's never started it
        assert states == [inspect.CORO_CLOSED, inspect.CORO_CREATED]
