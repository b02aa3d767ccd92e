"""Chapter 08 exercise: the captcha store, where the answers live.

A captcha is only as good as the place its answer is kept. CaptchaStore keeps each answer on the
server, under a random id that the client holds in a cookie. new() is written (all but its
bound); check() is not. Make them so that:

  1. check(captcha_id, answer) is True for the right answer of an id that new() gave out, and
     False for a wrong answer or an id the store does not know.
  2. The comparison ignores case and the spaces around the answer: "k7px2 " passes for "K7PX2".
     Compare with hmac.compare_digest, on bytes: on str it raises TypeError for anything that is
     not ASCII, and a bot's answer "验证码" must be a plain False, not a crash.
  3. A captcha works once: check() removes the entry, whether the answer was right or wrong. The
     same id checked again is False (no replay), and a wrong guess burns the picture (no trying
     answer after answer against one picture).
  4. An entry expires: check() is False once self.clock() has reached the expiry that new()
     stored (its time + self.ttl). The tests give the store a fake clock: nobody sleeps.
  5. The store is bounded: new() never lets it hold more than self.max_entries, or a flood of
     image requests could fill the memory. Before adding, drop the expired entries, then the
     oldest ones while it is full. (Entries are in the order they were made, and all live ttl
     seconds, so the oldest is always first; OrderedDict can drop its first entry.)

store.py has the chapter's own CaptchaStore; try to write this one without looking.
Check your work with:  make check-08
"""
import hmac  # noqa: F401  (you will want it for step 2)
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
        # TODO step 5: first drop the entries that have expired (they are at the front), then
        # drop the oldest while len(self._entries) >= self.max_entries.
        captcha_id = secrets.token_urlsafe(32)
        self._entries[captcha_id] = (answer.upper(), now + self.ttl)
        return captcha_id

    def check(self, captcha_id: str, answer: str) -> bool:
        """True if answer is the answer of captcha_id; the entry is used up either way."""
        # TODO steps 1-4: take the entry out of self._entries (pop, with a default), say False if
        # there was none or it has expired, else compare the answers (case and spaces aside)
        # with hmac.compare_digest on bytes.
        raise NotImplementedError("CaptchaStore.check is not written yet (steps 1-4)")
