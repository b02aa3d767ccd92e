"""The exercise: LocMemCache by hand. Plain `pytest` checks the solution; `make check-18`
checks chapters/ch18_caches/exercise.py. Every check says what was asked and what came back."""
import pytest

KEYS = "README.md § 2 (keys, versions, timeouts)"
LRU = "README.md § 3 (LocMemCache: expiry and LRU)"


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def make(exercise, clock):
    def make(**params):
        return exercise.LocMemCache(params, clock=clock)
    return make


def test_step1_make_key_is_prefix_version_key(make):
    cache = make(KEY_PREFIX="shop", VERSION=3)
    assert cache.make_key("cart") == "shop:3:cart", (
        f"make_key('cart') with KEY_PREFIX 'shop' and VERSION 3 should be 'shop:3:cart', got "
        f"{cache.make_key('cart')!r} ({KEYS})")
    assert cache.make_key("cart", version=7) == "shop:7:cart", (
        f"make_key('cart', version=7) should be 'shop:7:cart', got "
        f"{cache.make_key('cart', version=7)!r}: a given version replaces VERSION ({KEYS})")
    assert make().make_key("x") == ":1:x", (
        f"with no KEY_PREFIX and no VERSION the key is ':1:x', got {make().make_key('x')!r}")


def test_step2_timeouts(exercise, make):
    cache = make(TIMEOUT=60)
    cases = [(exercise.DEFAULT_TIMEOUT, 60), (None, None), (5, 5), (0, 0), (-4, 0), (0.5, 0.5)]
    for given, expected in cases:
        got = cache.get_backend_timeout(given)
        name = "DEFAULT_TIMEOUT" if given is exercise.DEFAULT_TIMEOUT else repr(given)
        assert got == expected, (
            f"get_backend_timeout({name}) with TIMEOUT 60 should be {expected!r}, got {got!r}: "
            f"the default is the configured TIMEOUT, None never expires, and 0 or less is "
            f"already expired ({KEYS})")


@pytest.mark.gen_test
async def test_step3_values_come_back(make):
    cache = make()
    for value in [5, "text", {"user": "topaz", "cart": ["tea"]}, [1, 2], None, True]:
        await cache.set("key", value)
        got = await cache.get("key", default="MISSING")
        assert got == value, f"set('key', {value!r}) then get('key') gave {got!r} ({LRU})"
    assert await cache.get("nothing", default=42) == 42, (
        "get of a key never set should return the default it is given")
    await cache.set("key", "v1")
    await cache.set("key", "v2", version=2)
    assert (await cache.get("key"), await cache.get("key", version=2)) == ("v1", "v2"), (
        f"versions 1 and 2 of one key are two entries; got {await cache.get('key')!r} and "
        f"{await cache.get('key', version=2)!r} ({KEYS})")


@pytest.mark.gen_test
async def test_step3_entries_expire_by_the_clock(make, clock):
    cache = make(TIMEOUT=30)
    await cache.set("short", "a", timeout=10)
    await cache.set("default", "b")
    await cache.set("forever", "c", timeout=None)
    clock.now += 9.9
    assert await cache.get("short") == "a", (
        "an entry set with timeout=10 should still be there 9.9 s later (the clock is "
        f"self.clock(), which the test moves; {LRU})")
    clock.now += 0.2
    assert await cache.get("short") is None, (
        f"an entry set with timeout=10 should be gone 10.1 s later, got "
        f"{await cache.get('short')!r}: compare its expiry with self.clock() ({LRU})")
    clock.now += 20
    assert await cache.get("default") is None, (
        "with TIMEOUT 30, set() without a timeout should expire after 30 s; it was still there "
        f"after 30.1 s ({KEYS})")
    clock.now += 10**9
    assert await cache.get("forever") == "c", (
        f"timeout=None should never expire; the entry was gone after 10**9 s ({KEYS})")


@pytest.mark.gen_test
async def test_step3_timeout_zero_stores_nothing_and_removes_the_old_value(make):
    cache = make()
    await cache.set("key", "old")
    await cache.set("key", "new", timeout=0)
    got = await cache.get("key")
    assert got is None, (
        f"set('key', 'new', timeout=0) should leave nothing (0 is 'already expired', not "
        f"'never'), but get('key') gave {got!r} ({KEYS})")


@pytest.mark.gen_test
async def test_step4_add_never_overwrites(make, clock):
    cache = make()
    assert await cache.add("key", "first") is True, "add() of a new key should return True"
    stored = await cache.add("key", "second")
    got = await cache.get("key")
    assert stored is False and got == "first", (
        f"add() of a key that is there should return False and change nothing; it returned "
        f"{stored!r} and the value is now {got!r} ({LRU})")
    await cache.set("short", "x", timeout=5)
    clock.now += 6
    assert await cache.add("short", "y") is True and await cache.get("short") == "y", (
        f"add() of an expired key should store the new value: an expired entry is missing "
        f"({LRU})")


@pytest.mark.gen_test
async def test_step5_incr(make, clock):
    cache = make()
    await cache.set("n", 10, timeout=20)
    got = [await cache.incr("n"), await cache.incr("n", 5), await cache.get("n")]
    assert got == [11, 16, 16], (
        f"set n to 10, incr('n'), incr('n', 5), get('n') should give 11, 16, 16; got {got} "
        f"({LRU})")
    clock.now += 21
    assert await cache.get("n") is None, (
        f"incr should keep the entry's expiry: n was set with timeout=20 and was still there "
        f"21 s later ({LRU})")
    with pytest.raises(ValueError):
        await cache.incr("missing")
    assert await cache.get("missing") is None, "incr of a missing key must not create it"


@pytest.mark.gen_test
async def test_step5_incr_of_a_missing_key_is_a_value_error(make):
    cache = make()
    try:
        result = await cache.incr("nothing")
    except ValueError:
        return
    except Exception as e:  # noqa: BLE001 - the message names what came instead
        pytest.fail(f"incr('nothing') should raise ValueError, it raised {type(e).__name__}: "
                    f"{e} ({LRU})", pytrace=False)
    pytest.fail(f"incr('nothing') should raise ValueError, it returned {result!r} ({LRU})",
                pytrace=False)


@pytest.mark.gen_test
async def test_step6_the_least_recently_used_entry_goes_first(make):
    cache = make(OPTIONS={"MAX_ENTRIES": 3, "CULL_FREQUENCY": 3})
    for key in "abc":
        await cache.set(key, key)
    await cache.get("a")  # now b is the least recently used
    await cache.set("d", "d")
    kept = [k for k in "abcd" if await cache.get(k) is not None]
    assert kept == ["a", "c", "d"], (
        f"MAX_ENTRIES 3: after setting a, b, c, reading a, and setting d, the least recently "
        f"used entry (b) should be evicted, leaving a, c, d; left {kept}: a read or a write "
        f"makes an entry the most recently used ({LRU})")


@pytest.mark.gen_test
async def test_step6_expired_entries_go_before_valid_ones(make, clock):
    cache = make(OPTIONS={"MAX_ENTRIES": 3, "CULL_FREQUENCY": 3})
    await cache.set("b", "b")
    await cache.set("c", "c")
    await cache.set("a", "a", timeout=1)
    clock.now += 2
    await cache.set("d", "d")
    kept = [k for k in "bcd" if await cache.get(k) is not None]
    assert kept == ["b", "c", "d"], (
        f"MAX_ENTRIES 3: b and c valid, a expired; setting d should drop a and keep b, c, d; "
        f"kept {kept}: expired entries go first ({LRU})")


@pytest.mark.gen_test
async def test_step6_a_full_cache_stays_within_max_entries(make):
    cache = make(OPTIONS={"MAX_ENTRIES": 10, "CULL_FREQUENCY": 2})
    for i in range(100):
        await cache.set(f"k{i}", i)
    assert len(cache) <= 10, f"MAX_ENTRIES 10, but the cache holds {len(cache)} entries ({LRU})"
    assert await cache.get("k99") == 99, (
        f"the newest entry should survive a cull; k99 is gone ({LRU})")
    cache = make(OPTIONS={"MAX_ENTRIES": 4, "CULL_FREQUENCY": 0})
    for i in range(5):
        await cache.set(f"k{i}", i)
    assert len(cache) == 1, (
        f"CULL_FREQUENCY 0 empties a full cache before the new key: 1 entry expected, "
        f"{len(cache)} held ({LRU})")
