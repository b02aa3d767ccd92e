"""Tests of the chapter 21 exercise, the hand-written Signal. `make check-21` runs them on your
exercise.py; plain `pytest` runs them on solutions/ch21_signals/exercise.py. test_signals.py
runs the same tests on tornkit's two Signals: the hand-written one and blinker's."""
import gc
import logging

import pytest

from tornkit.signals import ANY, receiver

LESSON = "chapters/ch21_signals/README.md"


class Sender:
    pass


class Other:
    pass


@pytest.fixture
def Signal(exercise):
    return exercise.Signal


def calls(results):
    return sorted(result for _, result in results if not isinstance(result, Exception))


# --- step 1: connect, send, senders, disconnect -------------------------------------------------
def test_step1_send_calls_the_receiver_with_the_sender_and_the_keywords(Signal):
    signal, heard = Signal("saved"), []

    def on_saved(sender, **kwargs):
        heard.append((sender, kwargs))
        return "noted"

    assert signal.connect(on_saved) is on_saved, (
        f"connect should return the receiver, so that it works as a decorator ({LESSON}, §2)")
    results = signal.send(Sender, note=7)
    assert heard == [(Sender, {"note": 7})], (
        f"send(Sender, note=7) should call receiver(Sender, note=7); the receiver heard "
        f"{heard!r} ({LESSON}, §2)")
    assert results == [(on_saved, "noted")], (
        f"send should return [(receiver, what it returned)], got {results!r} ({LESSON}, §2)")


def test_step1_a_receiver_hears_only_its_sender_and_any_hears_all(Signal):
    signal = Signal("saved")

    def for_sender(sender):
        return "for Sender"

    def for_any(sender):
        return "for ANY"

    signal.connect(for_sender, sender=Sender)
    signal.connect(for_any)
    got = {"Sender": calls(signal.send(Sender)), "Other": calls(signal.send(Other)),
           "None": calls(signal.send())}
    assert got == {"Sender": ["for ANY", "for Sender"], "Other": ["for ANY"],
                   "None": ["for ANY"]}, (
        f"a receiver connected with sender=Sender should hear Sender only, one connected to "
        f"ANY every sender; send() heard {got!r} ({LESSON}, §2)")


def test_step1_connecting_twice_is_one_connection(Signal):
    signal = Signal("saved")

    def once(sender):
        return 1

    signal.connect(once)
    signal.connect(once)
    signal.connect(once, sender=Sender)
    results = signal.send(Other)
    assert len(results) == 1, (
        f"the same receiver connected twice to ANY is one connection: it should be called "
        f"once, send returned {results!r} ({LESSON}, §2)")


def test_step1_disconnect_removes_that_connection(Signal):
    signal = Signal("saved")

    def a(sender):
        return "a"

    def b(sender):
        return "b"

    signal.connect(a, sender=Sender)
    signal.connect(b, sender=Sender)
    signal.disconnect(a, sender=Sender)
    first = calls(signal.send(Sender))
    signal.connect(a, sender=Sender)
    signal.connect(a, sender=Other)
    signal.disconnect(a)
    second = calls(signal.send(Sender)) + calls(signal.send(Other))
    assert (first, second) == (["b"], ["b"]), (
        f"disconnect(a, sender=Sender) should leave b alone, and disconnect(a) remove every "
        f"connection of a: send heard {first!r}, then {second!r} ({LESSON}, §2)")


def test_step1_the_receiver_decorator_connects(Signal):
    signal = Signal("saved")

    @receiver(signal, sender=Sender)
    def decorated(sender, **kwargs):
        return "decorated"

    assert calls(signal.send(Sender)) == ["decorated"] and signal.send(Other) == [], (
        f"@receiver(signal, sender=Sender) should connect the function to Sender only "
        f"({LESSON}, §2)")


# --- step 2: weak references ----------------------------------------------------------------
def test_step2_a_weak_lambda_is_collected_and_never_called(Signal):
    signal, heard = Signal("saved"), []
    signal.connect(lambda sender: heard.append("lambda"))
    gc.collect()
    results = signal.send(Sender)
    assert (heard, results) == ([], []), (
        f"a lambda connected weakly (the default) has no other reference: it is collected at "
        f"once and never called (pelican's surprise), but it heard {heard!r} and send returned "
        f"{results!r} ({LESSON}, §3)")


def test_step2_weak_false_keeps_the_receiver(Signal):
    signal, heard = Signal("saved"), []
    signal.connect(lambda sender: heard.append("lambda"), weak=False)
    gc.collect()
    signal.send(Sender)
    assert heard == ["lambda"], (
        f"connect(..., weak=False) should keep the lambda alive and call it; it heard "
        f"{heard!r} ({LESSON}, §3)")


def test_step2_a_receiver_lives_as_long_as_its_reference(Signal):
    signal = Signal("saved")

    def make():
        def inner(sender):
            return "inner"
        return inner

    kept = make()
    signal.connect(kept)
    gc.collect()
    alive = calls(signal.send(Sender))
    del kept
    gc.collect()
    gone = signal.send(Sender)
    assert (alive, gone) == (["inner"], []), (
        f"a weak receiver should be called while something refers to it, and not after: "
        f"send heard {alive!r}, then {gone!r} ({LESSON}, §3)")


def test_step2_a_bound_method_lives_as_long_as_its_object(Signal):
    signal = Signal("saved")

    class Counter:
        def count(self, sender):
            return "counted"

    counter = Counter()
    signal.connect(counter.count)
    gc.collect()
    alive = calls(signal.send(Sender))
    del counter
    gc.collect()
    gone = signal.send(Sender)
    assert (alive, gone) == (["counted"], []), (
        f"counter.count connected weakly should be called as long as counter lives (a plain "
        f"weakref.ref to a bound method dies at once: weakref.WeakMethod), and not after: send "
        f"heard {alive!r}, then {gone!r} ({LESSON}, §3)")


# --- step 3: a failing receiver --------------------------------------------------------------
def test_step3_a_failing_receiver_is_logged_and_the_others_still_run(Signal, caplog):
    signal = Signal("saved")

    def before(sender):
        return "before"

    def broken(sender):
        raise ValueError("broken receiver")

    def after(sender):
        return "after"

    for r in (before, broken, after):
        signal.connect(r)
    with caplog.at_level(logging.ERROR, logger="tornkit.signals"):
        try:
            results = signal.send(Sender)
        except ValueError:
            pytest.fail(f"send raised the receiver's ValueError: a failing receiver should be "
                        f"logged and the others still run ({LESSON}, §4)")
    assert calls(results) == ["after", "before"], (
        f"every other receiver should still run, send returned {results!r} ({LESSON}, §4)")
    failed = [result for r, result in results if r is broken]
    assert len(failed) == 1 and isinstance(failed[0], ValueError), (
        f"the failing receiver's result should be its exception, got {failed!r} ({LESSON}, §4)")
    logged = [rec for rec in caplog.records
              if rec.name == "tornkit.signals" and rec.levelno == logging.ERROR]
    assert logged and logged[0].exc_info and logged[0].exc_info[1] is failed[0], (
        f"the failure should be logged at ERROR on the 'tornkit.signals' logger, with its "
        f"traceback (exc_info); the log has {[r.getMessage() for r in caplog.records]!r} "
        f"({LESSON}, §4)")


# --- send_async (given), on your receivers_for ------------------------------------------------
@pytest.mark.gen_test
async def test_send_async_awaits_async_receivers(Signal):
    signal = Signal("saved")

    async def slow(sender, **kwargs):
        return kwargs["note"] * 2

    def quick(sender, **kwargs):
        return kwargs["note"]

    signal.connect(slow, sender=Sender)
    signal.connect(quick)
    results = await signal.send_async(Sender, note=21)
    assert calls(results) == [21, 42], (
        f"send_async should await each async receiver: got {results!r} ({LESSON}, §5)")
