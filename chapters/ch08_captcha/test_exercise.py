"""Tests of the chapter 08 exercise. `make check-08` runs them on your exercise.py; plain
`pytest` runs them on solutions/ch08_captcha/exercise.py."""
import pytest


class Clock:
    """A clock the test moves by hand: store.clock() returns clock.now."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store(exercise, clock):
    return exercise.CaptchaStore(ttl=60.0, max_entries=100, clock=clock)


def test_step1_right_answer_passes_wrong_answer_and_unknown_id_fail(store):
    captcha_id = store.new("K7PX2")
    result = store.check(captcha_id, "K7PX2")
    assert result is True, (
        f"store.check(id, 'K7PX2') right after id = store.new('K7PX2') should be True, got "
        f"{result!r}: pop the entry self._entries[captcha_id] and compare its answer")
    wrong = store.check(store.new("K7PX2"), "K7PX3")
    assert wrong is False, (
        f"check(id, 'K7PX3') for the answer 'K7PX2' should be False, got {wrong!r}")
    unknown = store.check("no-such-id", "K7PX2")
    assert unknown is False, (
        f"check('no-such-id', ...) should be False, got {unknown!r}: an id the store never gave "
        "out (or already used) has no entry; pop with a default, self._entries.pop(id, None)")


@pytest.mark.parametrize("typed", ["k7px2", "K7pX2", " K7PX2 ", "k7px2\n"],
                         ids=["lowercase", "mixed case", "spaces around", "newline"])
def test_step2_case_and_surrounding_spaces_do_not_count(store, typed):
    result = store.check(store.new("K7PX2"), typed)
    assert result is True, (
        f"check(id, {typed!r}) for the answer 'K7PX2' should be True, got {result!r}: compare "
        "answer.strip().upper() with the stored answer (new() stores it in capitals)")


@pytest.mark.parametrize("typed", ["验证码", "K7PX2é", ""], ids=["chinese", "accent", "empty"])
def test_step2_any_text_is_a_refusal_never_an_error(store, typed):
    try:
        result = store.check(store.new("K7PX2"), typed)
    except TypeError as e:
        pytest.fail(f"check(id, {typed!r}) raised TypeError ({e}): hmac.compare_digest accepts "
                    "str only when it is ASCII; encode both sides and compare bytes")
    assert result is False, (
        f"check(id, {typed!r}) for the answer 'K7PX2' should be False, got {result!r}")
    right = store.check(store.new("K7PX2"), "K7PX2")
    assert right is True, f"check(id, 'K7PX2') for the answer 'K7PX2' should be True, got {right!r}"


def test_step3_a_captcha_works_once(store):
    captcha_id = store.new("K7PX2")
    first, second = store.check(captcha_id, "K7PX2"), store.check(captcha_id, "K7PX2")
    assert (first, second) == (True, False), (
        f"the right answer checked twice on one id should give True, then False; got {first!r}, "
        f"then {second!r}: check() must remove the entry (self._entries.pop), or a solved "
        "captcha can be replayed")


def test_step3_a_wrong_guess_burns_the_picture(store):
    captcha_id = store.new("K7PX2")
    wrong, right = store.check(captcha_id, "AAAAA"), store.check(captcha_id, "K7PX2")
    assert (wrong, right) == (False, False), (
        f"a wrong guess, then the right answer on the same id, should give False, False; got "
        f"{wrong!r}, {right!r}: remove the entry before comparing, so that a bot gets one guess "
        "per picture")
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
        f"{expired!r}: new() stored the expiry, now + self.ttl; refuse once "
        "self.clock() >= that expiry")
    made_now = store.check(store.new("K7PX2"), "K7PX2")
    assert made_now is True, (
        f"a captcha made at the new time should still pass, got {made_now!r}: compare with "
        "self.clock(), the store's clock, not time.monotonic()")


def test_step5_the_store_is_bounded(exercise, clock):
    store = exercise.CaptchaStore(ttl=60.0, max_entries=3, clock=clock)
    ids = [store.new(f"AAAA{n}") for n in range(2, 9)]  # 7 captchas, room for 3
    assert len(store) == 3, (
        f"after 7 new() on a store with max_entries=3 it should hold 3 entries, it holds "
        f"{len(store)}: in new(), drop the oldest (self._entries.popitem(last=False)) while "
        "len(self._entries) >= self.max_entries")
    results = [store.check(captcha_id, f"AAAA{n}") for n, captcha_id in zip(range(2, 9), ids)]
    assert results == [False] * 4 + [True] * 3, (
        f"the 4 oldest captchas should be gone and the 3 newest pass, got {results}: drop the "
        "oldest (front) entries, not the newest")

    store = exercise.CaptchaStore(ttl=60.0, max_entries=100, clock=clock)
    for _ in range(5):
        store.new("K7PX2")
    clock.now += 61
    store.new("K7PX2")
    assert len(store) == 1, (
        f"5 expired entries and a new one should leave 1 entry after new(), not {len(store)}: "
        "new() first drops the expired entries at the front, even when the store is not full")
