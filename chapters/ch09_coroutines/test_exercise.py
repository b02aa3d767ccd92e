"""Tests of the chapter 09 exercise. `make check-09` runs them on your exercise.py; plain
`pytest` runs them on solutions/ch09_coroutines/exercise.py.

Each message says what was asked, what came back, and the section of the lesson
(chapters/ch09_coroutines/README.md) that covers it."""
import asyncio
import json
import time

import pytest
from tornado.httpclient import AsyncHTTPClient

from workbook.net import live_server

STEP1 = "lesson §3, gen.Task is gone: wrap the callback API in a Future"
STEP2 = "lesson §4, the chat room's set of Futures"
STEP3 = "lesson §5, blocking vs non-blocking"


@pytest.fixture
def loop_errors(io_loop):
    """What the event loop reports as uncaught in its callbacks (such as InvalidStateError)."""
    errors = []
    io_loop.asyncio_loop.set_exception_handler(
        lambda loop, context: errors.append(repr(context.get("exception", context["message"]))))
    return errors


def live_timers(io_loop) -> list:
    """The timers still scheduled on the loop (asyncio keeps cancelled ones until they are due)."""
    return [h for h in io_loop.asyncio_loop._scheduled if not h.cancelled()]


# --- Step 1: a callback API wrapped in a Future ---------------------------------------------------
@pytest.mark.gen_test
async def test_step1_fetch_word_returns_a_future_of_the_word(exercise):
    future = exercise.fetch_word(2)
    assert asyncio.isfuture(future), (
        f"fetch_word(2) should return a Future that the caller awaits; it returned {future!r} "
        f"({STEP1})")
    try:
        word = await asyncio.wait_for(future, 2)
    except asyncio.TimeoutError:
        pytest.fail(f"fetch_word(2)'s Future was still pending after 2 s, though the library "
                    f"called back after 0.01 s: the callback must resolve it ({STEP1})")
    assert word == "two", f"await fetch_word(2) should give 'two', it gave {word!r} ({STEP1})"


@pytest.mark.gen_test
async def test_step1_errback_becomes_the_futures_exception(exercise):
    future = exercise.fetch_word(99)
    try:
        result = await asyncio.wait_for(future, 2)
    except LookupError as e:
        assert "no word for 99" in str(e), f"expected the library's LookupError, got {e!r}"
    except asyncio.TimeoutError:
        pytest.fail(f"fetch_word(99) was still pending after 2 s: the library called the "
                    f"errback with a LookupError, and nothing passed it on ({STEP1})")
    else:
        pytest.fail(f"await fetch_word(99) should raise the library's LookupError; it gave "
                    f"{result!r}: the errback's exception is the Future's exception, not its "
                    f"result ({STEP1})")


@pytest.mark.gen_test
async def test_step1_a_callback_after_the_caller_gave_up_is_harmless(exercise, loop_errors):
    future = exercise.fetch_word(1)
    assert asyncio.isfuture(future), f"fetch_word(1) returned {future!r}, not a Future ({STEP1})"
    future.cancel()  # what asyncio.wait_for does when it times out
    await asyncio.sleep(0.05)  # the library's callback fires now
    assert loop_errors == [], (
        f"fetch_word(1) was cancelled (the caller gave up), then the library called back, and "
        f"the event loop reported {loop_errors}: a cancelled Future is already done, and "
        f"refuses a result ({STEP1}, the paragraph on `if not future.done()`)")


# --- Step 2: Broadcaster -------------------------------------------------------------------------
@pytest.mark.gen_test
async def test_step2_publish_wakes_every_waiter(exercise):
    broadcaster = exercise.Broadcaster()
    waiters = [broadcaster.wait(5) for _ in range(3)]
    assert len(broadcaster) == 3, (
        f"after 3 wait()s, len(broadcaster) should be 3, it is {len(broadcaster)} ({STEP2})")
    woken = broadcaster.publish("news")
    assert woken == 3, f"publish() should return how many waiters it woke (3), not {woken!r}"
    try:
        results = await asyncio.wait_for(asyncio.gather(*waiters), 2)
    except asyncio.TimeoutError:
        pytest.fail(f"publish('news') returned, but the 3 waiting Futures were still pending "
                    f"2 s later ({STEP2})")
    assert results == ["news"] * 3, f"every waiter should get 'news', they got {results}"
    await asyncio.sleep(0)
    assert len(broadcaster) == 0, (
        f"after publish() nobody waits, but len(broadcaster) is {len(broadcaster)} ({STEP2})")


@pytest.mark.gen_test
async def test_step2_a_wait_times_out_with_none_and_leaves(exercise):
    broadcaster = exercise.Broadcaster()
    try:
        result = await asyncio.wait_for(broadcaster.wait(0.05), 2)
    except asyncio.TimeoutError:
        pytest.fail(f"wait(0.05) was still waiting after 2 s: a wait ends by itself after "
                    f"`timeout` seconds, with None ({STEP2}, the timer)")
    assert result is None, f"a wait(0.05) that timed out should give None, it gave {result!r}"
    await asyncio.sleep(0)
    assert len(broadcaster) == 0, (
        f"a waiter that timed out must leave the set; len(broadcaster) is {len(broadcaster)} "
        f"({STEP2}: one done-callback, whatever finished the Future)")
    assert broadcaster.publish("late") == 0, (
        "publish() after the only wait timed out should wake nobody")


@pytest.mark.gen_test
async def test_step2_a_cancelled_wait_leaves_no_waiter(exercise):
    broadcaster = exercise.Broadcaster()
    future = broadcaster.wait(5)
    future.cancel()  # what a handler's on_connection_close does when the client leaves
    await asyncio.sleep(0)
    assert len(broadcaster) == 0, (
        f"a cancelled waiter must leave the set; len(broadcaster) is {len(broadcaster)} "
        f"({STEP2}: a done-callback runs for a cancelled Future too)")
    assert broadcaster.publish("anyone?") == 0, "publish() should not count a cancelled waiter"


@pytest.mark.gen_test
async def test_step2_publish_right_after_a_cancel_skips_it(exercise):
    broadcaster = exercise.Broadcaster()
    waiters = [broadcaster.wait(5) for _ in range(3)]
    waiters[0].cancel()  # its done-callbacks have not run yet: it is still in the set
    try:
        woken = broadcaster.publish("news")
    except asyncio.InvalidStateError as e:
        pytest.fail(f"one of 3 waiters was cancelled just before publish(), and publish() "
                    f"raised {e!r}: a cancelled Future is done and takes no result ({STEP2})")
    assert woken == 2, (
        f"3 waiters, one cancelled just before publish(): it should wake 2, it said {woken!r}")


@pytest.mark.gen_test
async def test_step2_no_timer_outlives_its_wait(exercise, io_loop):
    broadcaster = exercise.Broadcaster()
    before = len(live_timers(io_loop))
    published = [broadcaster.wait(30) for _ in range(3)]
    cancelled = broadcaster.wait(30)
    started = len(live_timers(io_loop)) - before
    broadcaster.publish("news")
    cancelled.cancel()
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    left = len(live_timers(io_loop)) - before
    assert all(w.done() for w in published)
    assert left <= 0, (
        f"4 wait(30)s started {started} timer(s); 3 were then resolved by publish() and one "
        f"cancelled, yet {left} timer(s) are still scheduled, to fire in 30 s for a wait that "
        f"is over. With many clients those pile up: whatever ends a wait must also stop its "
        f"timer ({STEP2}, the first bullet)")


@pytest.mark.gen_test
async def test_step2_one_publish_releases_a_thousand_waiters(exercise):
    broadcaster = exercise.Broadcaster()
    waiters = [broadcaster.wait(30) for _ in range(1000)]
    woken = broadcaster.publish(7)
    assert woken == 1000, f"1000 waiters: publish(7) should say 1000, it said {woken!r}"
    assert all(w.done() and w.result() == 7 for w in waiters), (
        f"publish(7) returned with some of the 1000 Futures still pending ({STEP2})")
    await asyncio.sleep(0)
    assert len(broadcaster) == 0, f"{len(broadcaster)} waiters leaked after publish() ({STEP2})"


# --- Step 3: a blocking call moved to the executor -----------------------------------------------
@pytest.mark.gen_test(timeout=30)
async def test_step3_ping_is_answered_while_a_report_runs(exercise):
    client = AsyncHTTPClient(force_instance=True)
    try:
        with live_server(exercise.make_app()) as base:  # a thread of its own: the client is free
            report = client.fetch(base + "/report", raise_error=False)
            pings = []
            for _ in range(6):
                await asyncio.sleep(0.05)
                pings.append((time.monotonic(), client.fetch(base + "/ping")))
            report = await report
            answered = [(sent, json.loads((await ping).body)["at"]) for sent, ping in pings]
    finally:
        client.close()
    assert report.code == 200, (
        f"GET /report answered {report.code} {report.body.decode(errors='replace')[:200]!r}: "
        f"the handler raised. The pool calls the function you "
        f"give it, and hands back a Future of its result ({STEP3})")
    content_type = report.headers.get("Content-Type", "")
    assert content_type.startswith("application/json"), (
        f"GET /report answered Content-Type {content_type!r}, not application/json: the "
        f"handler you were given writes the dict itself, which Tornado sends as JSON and says "
        f"so; a string of JSON goes out labelled text/html")
    report = json.loads(report.body)
    assert report.get("rows") == 42, (
        f"GET /report should answer slow_report()'s dict, it answered {report}")
    during = [at for sent, at in answered if report["started"] < sent < report["ended"]]
    assert during, "no ping was sent while the report ran: the test could not look"
    late = [at for at in during if at >= report["ended"]]
    assert not late, (
        f"{len(late)} of the {len(during)} pings sent while slow_report() ran were answered "
        f"only after it ended: it still blocks the event loop. A thread of a pool can block "
        f"in its place ({STEP3}, run_in_executor)")
