"""Chapter 08 exercise, solved.

Why it looks like this:
  - check() pops the entry before it looks at anything else. Taking it out first is what makes
    a captcha single-use whatever happens next: a right answer cannot be replayed, and a wrong
    one burns the picture, so a bot gets one guess per picture drawn.
  - Expiry is compared with the injected clock, so the tests move time instead of sleeping; the
    default, time.monotonic, does not jump when the system clock is set.
  - The answer is stripped and upper-cased (the store keeps it in capitals), then both sides are
    encoded: hmac.compare_digest on str accepts ASCII only and would raise TypeError on "验证码",
    a 500 for the bot instead of a refusal. On bytes it takes as long for a near miss as for a
    far one, so the response time tells nothing about how many characters were right.
  - new() keeps the store bounded. Every entry lives the same ttl, so insertion order is expiry
    order: the expired entries are at the front, and so is the oldest. popitem(last=False) on an
    OrderedDict drops the front in O(1) (on a plain dict, next(iter(d)) slows down as entries
    are deleted from the front). When a flood fills the store, the oldest pictures stop working,
    but the memory stays bounded.
"""
import hmac
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable


class CaptchaStore:
    def __init__(self, *, ttl: float = 300.0, max_entries: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self.clock = clock
        # captcha id -> (the answer in capitals, the clock() value at which it expires)
        self._entries: OrderedDict[str, tuple[str, float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def new(self, answer: str) -> str:
        """Remember answer and return the id to give the client."""
        now = self.clock()
        while self._entries and next(iter(self._entries.values()))[1] <= now:
            self._entries.popitem(last=False)  # expired
        while len(self._entries) >= self.max_entries:
            self._entries.popitem(last=False)  # the oldest
        captcha_id = secrets.token_urlsafe(32)
        self._entries[captcha_id] = (answer.upper(), now + self.ttl)
        return captcha_id

    def check(self, captcha_id: str, answer: str) -> bool:
        """True if answer is the answer of captcha_id; the entry is used up either way."""
        entry = self._entries.pop(captcha_id, None)
        if entry is None:
            return False
        expected, expires_at = entry
        if self.clock() >= expires_at:
            return False
        return hmac.compare_digest(answer.strip().upper().encode(), expected.encode())
