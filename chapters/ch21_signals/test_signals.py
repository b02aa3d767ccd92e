"""tornkit.signals: the exercise's suite on both of tornkit's Signals (by hand, on blinker),
then what only tornkit's have: send()'s async receivers, and SignalMiddleware in a request."""
import asyncio
import logging

import pytest

from chapters.ch21_signals.test_exercise import *  # noqa: F401,F403 - the same suite, re-run here
from chapters.ch21_signals.test_exercise import Sender
from tornkit import signals
from tornkit.application import Application
from tornkit.conf import Settings
from tornkit.handler import WebHandler


@pytest.fixture(params=[signals.Signal, signals.BlinkerSignal], ids=["by-hand", "blinker"])
def Signal(request):  # noqa: F811 - replaces the exercise's fixture: tornkit's two Signals
    return request.param


def test_providing_args_is_gone(Signal):
    # Django deprecated Signal(providing_args=...) in 3.1 and removed it in 4.0; tornadopy's
    # README still shows it. The keywords a signal sends belong in its docstring.
    with pytest.raises(TypeError):
        Signal(providing_args=["note"])


@pytest.mark.gen_test
async def test_send_starts_async_receivers_as_tasks_that_log_their_failure(Signal, caplog):
    signal, heard = Signal("saved"), []

    async def later(sender):
        await asyncio.sleep(0)
        heard.append("later")
        return "later"

    async def broken(sender):
        raise ValueError("broken async receiver")

    signal.connect(later)
    signal.connect(broken)
    with caplog.at_level(logging.ERROR, logger="tornkit.signals"):
        results = dict(signal.send(Sender))
        assert heard == [] and all(isinstance(t, asyncio.Task) for t in results.values())
        done = await asyncio.gather(*results.values())  # the tasks never raise
    assert heard == ["later"] and "later" in done
    assert any(isinstance(d, ValueError) for d in done)
    assert [r.exc_info[1].args for r in caplog.records] == [("broken async receiver",)]


def test_send_without_a_loop_refuses_an_async_receiver_by_the_policy(Signal, caplog):
    signal = Signal("saved")

    async def needs_a_loop(sender):
        return 1

    def plain(sender):
        return 2

    signal.connect(needs_a_loop)
    signal.connect(plain)
    with caplog.at_level(logging.ERROR, logger="tornkit.signals"):
        results = dict(signal.send(Sender))
    assert results[plain] == 2 and isinstance(results[needs_a_loop], RuntimeError)
    assert "send_async" in str(results[needs_a_loop])


@pytest.mark.gen_test
async def test_send_async_logs_a_failing_async_receiver_and_goes_on(Signal, caplog):
    signal = Signal("saved")

    async def broken(sender):
        raise ValueError("no")

    def fine(sender):
        return "fine"

    signal.connect(broken)
    signal.connect(fine)
    with caplog.at_level(logging.ERROR, logger="tornkit.signals"):
        results = dict(await signal.send_async(Sender))
    assert results[fine] == "fine" and isinstance(results[broken], ValueError)
    assert len(caplog.records) == 1


# --- SignalMiddleware ----------------------------------------------------------------------------
ORDER = []
HOOK_SIGNAL = {"process_call": "call_started", "process_request": "handler_started",
               "process_render": "handler_render", "process_response": "handler_response",
               "process_endcall": "call_finished"}


class Recorder:
    """Declared just before SignalMiddleware: its hooks run right before (request phases) or
    right after (response phases, reversed) the signal middleware's."""

    def __getattr__(self, name):
        if name not in HOOK_SIGNAL:
            raise AttributeError(name)
        return lambda *args, **kwargs: ORDER.append(name)


class Page(WebHandler):
    def get(self):
        self.write(self.render_string("page.html"))


@pytest.fixture
def app(tmp_path):
    (tmp_path / "page.html").write_text("a page")
    ORDER.clear()
    return Application([(r"/", Page)], template_path=str(tmp_path), conf=Settings(
        MIDDLEWARE_CLASSES=(Recorder, "tornkit.signals.SignalMiddleware")))


@pytest.fixture
def listening():
    """A receiver on each request signal, recording its name (weak=False: a lambda)."""
    made = []
    for name in HOOK_SIGNAL.values():
        receiver = (lambda name: lambda sender, **kw: ORDER.append(name))(name)
        getattr(signals, name).connect(receiver, sender=signals.ANY, weak=False)
        made.append((getattr(signals, name), receiver))
    yield
    for signal, receiver in made:
        signal.disconnect(receiver)



@pytest.mark.gen_test
async def test_the_signal_order_is_the_middleware_order(fetch, listening):
    response = await fetch("/")
    assert response.code == 200
    await asyncio.sleep(0)
    hooks = [entry for entry in ORDER if entry.startswith("process_")]
    sent = [entry for entry in ORDER if not entry.startswith("process_")]
    assert hooks == list(HOOK_SIGNAL)
    assert sent == [HOOK_SIGNAL[h] for h in hooks]
    # and each signal sits next to its hook: after it on the way in, before it on the way out
    assert ORDER == ["process_call", "call_started", "process_request", "handler_started",
                     "handler_render", "process_render", "handler_response",
                     "process_response", "call_finished", "process_endcall"]


@pytest.mark.gen_test
async def test_async_receivers_are_awaited_before_the_handler_and_the_response(fetch):
    seen = []

    async def started(sender, *, handler):
        await asyncio.sleep(0.01)
        seen.append(("started", handler._finished))

    async def responding(sender, *, handler, chunk):
        await asyncio.sleep(0.01)
        chunk.append(b" (and a signal)")  # still unsent: the response waits for this receiver
        seen.append("responding")

    signals.handler_started.connect(started, sender=Page)
    signals.handler_response.connect(responding, sender=Page)
    try:
        response = await fetch("/")
    finally:
        signals.handler_started.disconnect(started)
        signals.handler_response.disconnect(responding)
    assert seen == [("started", False), "responding"]
    assert response.body == b"a page (and a signal)"


@pytest.mark.gen_test
async def test_a_failing_receiver_does_not_break_the_request(fetch, caplog):
    def broken(sender, **kwargs):
        raise RuntimeError("a receiver's bug")

    connected = [getattr(signals, name) for name in HOOK_SIGNAL.values()]
    for signal in connected:
        signal.connect(broken)
    try:
        with caplog.at_level(logging.ERROR, logger="tornkit.signals"):
            response = await fetch("/")
    finally:
        for signal in connected:
            signal.disconnect(broken)
    assert (response.code, response.body) == (200, b"a page")
    assert len([r for r in caplog.records if r.name == "tornkit.signals"]) == 5
    assert ORDER == list(HOOK_SIGNAL)  # every other middleware's hook still ran

