"""Tests of the chapter 09 exercise. `make check-09` runs them on your exercise.py; plain
`pytest` runs them on solutions/ch09_coroutines/exercise.py."""
import asyncio
import json
import time

import pytest
from tornado.httpclient import AsyncHTTPClient

from workbook.net import live_server


@pytest.fixture
def loop_errors(io_loop):
    """What the event loop reports as uncaught in its callbacks (such as InvalidStateError)."""
    errors = []
    io_loop.asyncio_loop.set_exception_handler(
        lambda loop, context: errors.append(repr(context.get("exception", context["message"]))))
    return errors


# --- Step 1: a callback API wrapped in a Future ---------------------------------------------------
@pytest.mark.gen_test
async def test_step1_fetch_word_returns_a_future_of_the_word(exercise):
    future = exercise.fetch_word(2)
    assert asyncio.isfuture(future), (
        f"fetch_word(2) should return a Future, got {future!r}: "
        "asyncio.get_running_loop().create_future(), then return it")
    try:
        word = await asyncio.wait_for(future, 2)
    except asyncio.TimeoutError:
        pytest.fail("fetch_word(2)'s Future was never resolved: the callback you pass to "
                    "legacy_fetch_word should call future.set_result(word)")
    assert word == "two", f"await fetch_word(2) should give 'two', got {word!r}"


@pytest.mark.gen_test
async def test_step1_errback_becomes_the_futures_exception(exercise):
    future = exercise.fetch_word(99)
    try:
        result = await asyncio.wait_for(future, 2)
    except LookupError as e:
        assert "no word for 99" in str(e), f"expected the library's LookupError, got {e!r}"
    except asyncio.TimeoutError:
        pytest.fail("fetch_word(99) never finished: the errback should call "
                    "future.set_exception(exc)")
    else:
        pytest.fail(f"await fetch_word(99) should raise LookupError, it gave {result!r}: "
                    "the errback should call future.set_exception(exc)")


@pytest.mark.gen_test
async def test_step1_a_callback_after_the_caller_gave_up_is_harmless(exercise, loop_errors):
    future = exercise.fetch_word(1)
    future.cancel()  # what asyncio.wait_for does when it times out
    await asyncio.sleep(0.05)  # the library's callback fires now
    assert loop_errors == [], (
        f"the callback raised inside the event loop: {loop_errors}: a cancelled Future refuses "
        "set_result; check future.done() first")


# --- Step 2: Broadcaster -------------------------------------------------------------------------
@pytest.mark.gen_test
async def test_step2_publish_wakes_every_waiter(exercise):
    broadcaster = exercise.Broadcaster()
    waiters = [broadcaster.wait(5) for _ in range(3)]
    assert len(broadcaster) == 3, f"3 wait()s: len(broadcaster) should be 3, got {len(broadcaster)}"
    woken = broadcaster.publish("news")
    assert woken == 3, f"publish() should return how many waiters it woke (3), got {woken!r}"
    results = await asyncio.wait_for(asyncio.gather(*waiters), 2)
    assert results == ["news"] * 3, f"every waiter should get 'news', got {results}"
    await asyncio.sleep(0)
    assert len(broadcaster) == 0, (
        f"after publish() nobody waits, but len(broadcaster) is {len(broadcaster)}")


@pytest.mark.gen_test
async def test_step2_a_wait_times_out_with_none_and_leaves(exercise):
    broadcaster = exercise.Broadcaster()
    try:
        result = await asyncio.wait_for(broadcaster.wait(0.05), 2)
    except asyncio.TimeoutError:
        pytest.fail("wait(0.05) was still waiting after 2 s: resolve it with None after timeout "
                    "seconds (loop.call_later(timeout, ...))")
    assert result is None, f"a timed-out wait() should give None, got {result!r}"
    await asyncio.sleep(0)
    assert len(broadcaster) == 0, (
        f"a timed-out waiter must leave the set; len(broadcaster) is {len(broadcaster)}: "
        "future.add_done_callback(...) to discard it")
    assert broadcaster.publish("late") == 0, "publish() after the timeout should wake nobody"


@pytest.mark.gen_test
async def test_step2_a_cancelled_wait_leaves_no_waiter(exercise):
    broadcaster = exercise.Broadcaster()
    future = broadcaster.wait(5)
    future.cancel()  # what a handler's on_connection_close does when the client leaves
    await asyncio.sleep(0)
    assert len(broadcaster) == 0, (
        f"a cancelled waiter must leave the set; len(broadcaster) is {len(broadcaster)}: "
        "a done-callback runs for cancelled Futures too")
    assert broadcaster.publish("anyone?") == 0, "publish() should not count a cancelled waiter"


@pytest.mark.gen_test
async def test_step2_one_publish_releases_a_thousand_waiters(exercise):
    broadcaster = exercise.Broadcaster()
    waiters = [broadcaster.wait(30) for _ in range(1000)]
    assert broadcaster.publish(7) == 1000
    assert all(w.done() and w.result() == 7 for w in waiters), (
        "publish() should resolve every Future before it returns")
    await asyncio.sleep(0)
    assert len(broadcaster) == 0, f"{len(broadcaster)} waiters leaked after publish()"


# --- Step 3: a blocking call moved to the executor -----------------------------------------------
@pytest.mark.gen_test(timeout=30)
async def test_step3_ping_is_answered_while_a_report_runs(exercise):
    client = AsyncHTTPClient(force_instance=True)
    try:
        with live_server(exercise.make_app()) as base:  # a thread of its own: the client is free
            report = client.fetch(base + "/report")
            pings = []
            for _ in range(6):
                await asyncio.sleep(0.05)
                pings.append((time.monotonic(), client.fetch(base + "/ping")))
            report = json.loads((await report).body)
            answered = [(sent, json.loads((await ping).body)["at"]) for sent, ping in pings]
    finally:
        client.close()
    assert report["rows"] == 42, f"GET /report should answer slow_report()'s dict, got {report}"
    during = [at for sent, at in answered if report["started"] < sent < report["ended"]]
    assert during, "no ping was sent while the report ran: the test could not look"
    late = [at for at in during if at >= report["ended"]]
    assert not late, (
        f"{len(late)} of the {len(during)} pings sent while slow_report() ran were answered only "
        "after it ended: it blocks the event loop. "
        "await IOLoop.current().run_in_executor(None, slow_report)")
