"""Tests of the chapter 08 exercise. `make check-08` runs them on your exercise.py; plain
`pytest` runs them on solutions/ch08_captcha/exercise.py.

Every call into the store is bounded (Bounded below): a loop in new() or check() that never ends
fails its check within a few seconds instead of hanging the run."""
import signal
import time

import pytest

STORE = "lesson §5, CaptchaStore"
DEADLINE = 3.0  # seconds; each call takes microseconds


class Clock:
    """A clock the test moves by hand: store.clock() returns clock.now."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class StillRunning(Exception):
    pass


class Bounded:
    """The learner's store, each new() and check() given DEADLINE seconds (SIGALRM; the timer
    pytest-timeout may have set is put back afterwards, minus the time spent)."""

    def __init__(self, store) -> None:
        self.store = store

    def __len__(self) -> int:
        return len(self.store)

    def new(self, answer: str) -> str:
        return self._call("new", answer)

    def check(self, captcha_id: str, answer: str) -> bool:
        return self._call("check", captcha_id, answer)

    def _call(self, method: str, *args):
        def expire(signum, frame):
            raise StillRunning
        previous = signal.signal(signal.SIGALRM, expire)
        outer, _ = signal.setitimer(signal.ITIMER_REAL, DEADLINE)
        started = time.monotonic()
        try:
            return getattr(self.store, method)(*args)
        except StillRunning:
            shown = ", ".join(repr(a) if len(repr(a)) < 20 else "id" for a in args)
            raise AssertionError(
                f"store.{method}({shown}) was still running after {DEADLINE:g} s, with "
                f"{len(self.store._entries)} entries in the store: a loop in {method}() whose "
                f"condition never becomes false; each turn of it must remove an entry "
                f"({STORE})") from None
        except NotImplementedError as e:
            raise AssertionError(f"store.{method}() raised NotImplementedError: {e}") from None
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
            if outer:
                signal.setitimer(signal.ITIMER_REAL,
                                 max(outer - (time.monotonic() - started), 0.001))


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def make_store(exercise, clock):
    def make(**kwargs):
        return Bounded(exercise.CaptchaStore(clock=clock, **{"ttl": 60.0, "max_entries": 100,
                                                             **kwargs}))
    return make


@pytest.fixture
def store(make_store):
    return make_store()


def test_step1_right_answer_passes_wrong_answer_and_unknown_id_fail(store):
    captcha_id = store.new("K7PX2")
    result = store.check(captcha_id, "K7PX2")
    assert result is True, (
        f"store.check(id, 'K7PX2') right after id = store.new('K7PX2') should be True, got "
        f"{result!r} ({STORE})")
    wrong = store.check(store.new("K7PX2"), "K7PX3")
    assert wrong is False, (
        f"check(id, 'K7PX3') for the answer 'K7PX2' should be False, got {wrong!r}")
    unknown = store.check("no-such-id", "K7PX2")
    assert unknown is False, (
        f"check('no-such-id', ...) should be False, got {unknown!r}: an id the store never gave "
        f"out (or already used) has no entry, and that is an answer, not an error ({STORE})")


@pytest.mark.parametrize("typed", ["k7px2", "K7pX2", " K7PX2 ", "k7px2\n"],
                         ids=["lowercase", "mixed case", "spaces around", "newline"])
def test_step2_case_and_surrounding_spaces_do_not_count(store, typed):
    result = store.check(store.new("K7PX2"), typed)
    assert result is True, (
        f"check(id, {typed!r}) for the answer 'K7PX2' should be True, got {result!r}: case and "
        f"the spaces around an answer do not count, and new() keeps the answer in capitals "
        f"({STORE}, 'Case-insensitive')")


@pytest.mark.parametrize("typed", ["验证码", "K7PX2é", ""], ids=["chinese", "accent", "empty"])
def test_step2_any_text_is_a_refusal_never_an_error(store, typed):
    try:
        result = store.check(store.new("K7PX2"), typed)
    except TypeError as e:
        pytest.fail(f"check(id, {typed!r}) raised TypeError ({e}): the constant-time comparison "
                    f"accepts text only when it is ASCII, and a bot's answer can be anything "
                    f"({STORE}, 'Case-insensitive')")
    assert result is False, (
        f"check(id, {typed!r}) for the answer 'K7PX2' should be False, got {result!r}")
    right = store.check(store.new("K7PX2"), "K7PX2")
    assert right is True, f"check(id, 'K7PX2') for the answer 'K7PX2' should be True, got {right!r}"


def test_step3_a_captcha_works_once(store):
    captcha_id = store.new("K7PX2")
    first, second = store.check(captcha_id, "K7PX2"), store.check(captcha_id, "K7PX2")
    assert (first, second) == (True, False), (
        f"the right answer checked twice on one id should give True, then False; got {first!r}, "
        f"then {second!r}: a solved captcha that stays in the store can be replayed "
        f"({STORE}, 'Once')")


def test_step3_a_wrong_guess_burns_the_picture(store):
    captcha_id = store.new("K7PX2")
    wrong, right = store.check(captcha_id, "AAAAA"), store.check(captcha_id, "K7PX2")
    assert (wrong, right) == (False, False), (
        f"a wrong guess, then the right answer on the same id, should give False, False; got "
        f"{wrong!r}, {right!r}: the entry is used up by any check, right or wrong, so that a bot "
        f"gets one guess per picture ({STORE}, 'Once')")
    fresh = store.check(store.new("K7PX2"), "K7PX2")
    assert fresh is True, f"a new captcha answered right should be True, got {fresh!r}"


def test_step4_an_entry_expires_after_ttl(store, clock):
    early, late = store.new("K7PX2"), store.new("K7PX2")  # both made at 1000.0, ttl 60
    clock.now = 1059.9
    in_time = store.check(early, "K7PX2")
    assert in_time is True, (
        f"checked 59.9 s after new() (ttl 60) the right answer should be True, got {in_time!r}")
    clock.now = 1060.0
    expired = store.check(late, "K7PX2")
    assert expired is False, (
        f"checked 60 s after new() (ttl 60) the right answer should be False (expired), got "
        f"{expired!r}: an entry is refused from the moment its expiry is reached ({STORE}, "
        "'Expires')")
    made_now = store.check(store.new("K7PX2"), "K7PX2")
    assert made_now is True, (
        f"a captcha made at the new time should still pass, got {made_now!r}: time is the "
        f"store's own clock, which the test moves, not the computer's ({STORE}, 'Expires')")


def test_step5_the_store_is_bounded(make_store):
    store = make_store(max_entries=3)
    ids = [store.new(f"AAAA{n}") for n in range(2, 9)]  # 7 captchas, room for 3
    assert len(store) == 3, (
        f"after 7 new() on a store with max_entries=3 it should hold 3 entries, it holds "
        f"{len(store)} ({STORE}, 'Bounded')")
    results = [store.check(captcha_id, f"AAAA{n}") for n, captcha_id in zip(range(2, 9), ids)]
    assert results == [False] * 4 + [True] * 3, (
        f"the 4 oldest captchas should be gone and the 3 newest pass, got {results}: a full "
        f"store makes room by dropping its oldest entries, at the front ({STORE}, 'Bounded')")


def test_step5_expired_entries_are_dropped_even_when_there_is_room(make_store, clock):
    store = make_store()
    for _ in range(5):
        store.new("K7PX2")
    clock.now += 60  # exactly ttl: expired, as check() says from this moment on
    store.new("K7PX2")
    assert len(store) == 1, (
        f"5 entries made exactly ttl seconds ago (expired) and a new one should leave 1 entry "
        f"after new(), not {len(store)}: new() first drops the expired entries, even when the "
        f"store is not full, and an entry has expired once the clock reaches its expiry "
        f"({STORE}, 'Bounded')")


def test_step5_an_expired_entry_takes_only_itself_away(make_store, clock):
    store = make_store()
    old = store.new("OLD00")  # made at 1000.0: expires at 1060.0
    clock.now = 1030.0
    live = {store.new(f"LIVE{n}"): f"LIVE{n}" for n in range(3)}  # expire at 1090.0
    clock.now = 1061.0  # the first entry has expired, the three others have not
    store.new("NEW00")
    assert len(store) == 4, (
        f"one expired entry and three live ones, then new(): the store should hold the 3 live "
        f"entries and the new one, 4, it holds {len(store)}: only the expired entry goes, and "
        f"the expired entries are the oldest, at the front ({STORE}, 'Bounded')")
    results = [store.check(captcha_id, answer) for captcha_id, answer in live.items()]
    assert results == [True] * 3, (
        f"the three captchas that had not expired should still pass, got {results}: dropping "
        f"expired entries must not drop live ones, whichever end of the store it takes from "
        f"({STORE}, 'Bounded')")
    assert store.check(old, "OLD00") is False, "the expired captcha should be refused"
