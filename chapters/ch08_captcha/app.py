"""Chapter 08 · 验证码 Captcha: a picture of random characters that a form asks the visitor to type.

Run it:  make chapter-08        or   python -m chapters.ch08_captcha.app --port=8808
Lesson:  chapters/ch08_captcha/README.md

The notes: 验证码原理在于后台自动创建一张带有随机内容的图片，然后将内容通过img标签输出到页面
(the server makes a picture with random content and the page shows it through an <img> tag).
The picture is drawn by check_code.py. What this file adds is where the answer lives: on the
server, in a CaptchaStore, under a random id that the visitor's cookie holds. The answer never
leaves the server except as pixels. (naive.py keeps it in a signed cookie instead, and the tests
show a bot reading it from there.)
"""
import asyncio
import hmac
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable

import tornado.web
from tornado.ioloop import IOLoop

from chapters.ch08_captcha import check_code
from workbook import manifest
from workbook.runner import parse_port, serve
from workbook.web import BaseHandler, NotFoundHandler

CHAPTER = manifest.for_path(__file__)
CAPTCHA_COOKIE = "captcha_id"
USERS = {"topaz": "tornado"}  # the demo's one account (chapter 06 is about real logins)


# --- Where the answer lives: on the server, one guess per picture, for a few minutes ----------
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


# --- The picture: GET /captcha.png --------------------------------------------------------------
class CaptchaImageHandler(BaseHandler):
    async def get(self):
        answer = check_code.new_answer()
        self.remember(answer)
        # Drawing and encoding a PNG is CPU work (about 3 ms here). On the event loop, a burst of
        # image requests would stall every other request until the last picture is drawn. In the
        # loop's default thread pool the pictures are drawn no faster (Python's GIL), but the loop
        # gets its turn every few ms and keeps answering meanwhile (the notebook measures both).
        render = self.settings["captcha_render"]
        png = await IOLoop.current().run_in_executor(None, render, answer)
        self.set_header("Content-Type", "image/png")
        # Every response is a new picture with a new id: no cache may keep or reuse one.
        self.set_header("Cache-Control", "no-store")
        self.finish(png)

    def compute_etag(self):
        return None  # no ETag: a picture is never asked for again, so never "not modified"

    def remember(self, answer: str) -> None:
        """Keep the answer on the server; give the client only the id."""
        store = self.settings["captcha_store"]
        old_id = self.get_cookie(CAPTCHA_COOKIE)
        if old_id:
            store.discard(old_id)  # a new picture replaces the old one: its answer stops working
        self.set_cookie(CAPTCHA_COOKIE, store.new(answer), httponly=True, samesite="Lax")


# --- The form: GET /login shows it, POST /login checks the captcha first, then the password ----
class LoginHandler(BaseHandler):
    def get(self):
        self.render("login.html", error=None, size=check_code.SIZE)

    def post(self):
        username = self.get_body_argument("username")
        password = self.get_body_argument("password")
        answer = self.get_body_argument("captcha")
        # The captcha first: without a solved picture, a bot learns nothing about the password.
        if not self.captcha_passed(answer):
            self.refuse("The characters did not match, or the picture had expired. "
                        "Here is a new one.")
            return
        expected = USERS.get(username)
        if expected is None or not hmac.compare_digest(expected.encode(), password.encode()):
            self.refuse("Wrong username or password.")
            return
        self.set_header("Content-Type", "text/plain; charset=UTF-8")
        self.write(f"Welcome, {username}.")

    def captcha_passed(self, answer: str) -> bool:
        captcha_id = self.get_cookie(CAPTCHA_COOKIE)
        self.clear_cookie(CAPTCHA_COOKIE, httponly=True, samesite="Lax")
        return captcha_id is not None and self.settings["captcha_store"].check(captcha_id, answer)

    def refuse(self, error: str) -> None:
        self.set_status(403)
        self.render("login.html", error=error, size=check_code.SIZE)  # with a new picture


def make_app(**settings) -> tornado.web.Application:
    """settings may replace captcha_store (tests give one a clock) and captcha_render (tests
    record what was drawn, as a reader of the picture would)."""
    settings.setdefault("captcha_store", CaptchaStore())
    settings.setdefault("captcha_render", check_code.render_png)
    return tornado.web.Application(
        [
            (r"/", tornado.web.RedirectHandler, {"url": "/login", "permanent": False}),
            (r"/login", LoginHandler),
            (r"/captcha\.png", CaptchaImageHandler),
        ],
        template_path=manifest.ROOT / "tpl" / CHAPTER.slug,
        xsrf_cookies=True,  # a form that changes state carries an _xsrf token (chapter 06)
        default_handler_class=NotFoundHandler,
        **settings,
    )


async def main(argv=None):
    await serve(make_app(), parse_port(argv, default=CHAPTER.port), paths=CHAPTER.paths)


if __name__ == "__main__":
    asyncio.run(main())
