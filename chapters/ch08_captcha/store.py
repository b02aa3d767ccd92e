"""Where chapter 08's captcha answers live: on the server, one guess per picture, for a few minutes,
in a bounded store (the lesson's section 5; the exercise asks you to write it yourself).

    store = CaptchaStore(ttl=300.0, max_entries=10_000)
    captcha_id = store.new("K7PX2")          # the id for the visitor's cookie
    store.check(captcha_id, "k7px2 ")        # True, once
"""
from __future__ import annotations

import hmac
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable


class CaptchaStore:
    """Captcha answers kept in this process, each under a random id that the client holds.

    - check() works once: it removes the entry whether the answer was right or wrong, so a bot
      cannot try answer after answer against one picture, nor replay a solved one;
    - an entry expires ttl seconds after it was made;
    - the store holds at most max_entries: a flood of GET /captcha.png cannot fill the memory
      (the oldest entries go first). Every entry lives the same ttl, so the oldest entry is also
      the first to expire, and an OrderedDict in insertion order is all the index needed.
    - clock is injectable: the tests move time forward instead of sleeping.
    """

    def __init__(self, *, ttl: float = 300.0, max_entries: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self.clock = clock
        self._entries: OrderedDict[str, tuple[str, float]] = OrderedDict()  # id -> (answer, expiry)

    def __len__(self) -> int:
        return len(self._entries)

    def new(self, answer: str) -> str:
        """Remember answer; return the id the client gets (unguessable: 32 random bytes)."""
        now = self.clock()
        while self._entries and next(iter(self._entries.values()))[1] <= now:
            self._entries.popitem(last=False)  # expired: drop
        while len(self._entries) >= self.max_entries:
            self._entries.popitem(last=False)  # full: drop the oldest
        captcha_id = secrets.token_urlsafe(32)
        self._entries[captcha_id] = (answer.upper(), now + self.ttl)
        return captcha_id

    def discard(self, captcha_id: str) -> None:
        self._entries.pop(captcha_id, None)

    def check(self, captcha_id: str, answer: str) -> bool:
        entry = self._entries.pop(captcha_id, None)  # one guess per picture, right or wrong
        if entry is None:
            return False
        expected, expires_at = entry
        if self.clock() >= expires_at:
            return False
        # Case-insensitive, spaces around ignored. compare_digest takes as long for a near miss as
        # for a far one; it wants bytes here, since on str it refuses anything but ASCII.
        return hmac.compare_digest(answer.strip().upper().encode(), expected.encode())
