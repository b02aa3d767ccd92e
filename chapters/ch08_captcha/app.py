"""Chapter 08 · 验证码 Captcha: a picture of random characters that a form asks the visitor to type.

Run it:  make chapter-08        or   python -m chapters.ch08_captcha.app --port=8808
Lesson:  chapters/ch08_captcha/README.md

The notes: 验证码原理在于后台自动创建一张带有随机内容的图片，然后将内容通过img标签输出到页面
(the server makes a picture with random content and the page shows it through an <img> tag).
The picture is drawn by check_code.py. The answer lives on the server, in a CaptchaStore
(store.py), under a random id that the visitor's cookie holds: it never leaves the server except
as pixels. (naive.py keeps it in a signed cookie instead, and the tests show a bot reading it.)
"""
if not __package__:  # run as a file: no package, and perhaps not the venv's Python
    raise SystemExit("Run it with `make chapter-08`, or in the venv: "
                     "python -m chapters.ch08_captcha.app")

import asyncio
import hmac

import tornado.web
from tornado.ioloop import IOLoop

from chapters.ch08_captcha import check_code
from chapters.ch08_captcha.store import CaptchaStore
from workbook import manifest
from workbook.runner import parse_port, serve
from workbook.web import BaseHandler, NotFoundHandler

CHAPTER = manifest.for_path(__file__)
CAPTCHA_COOKIE = "captcha_id"
USERS = {"topaz": "tornado"}  # the demo's one account (chapter 06 is about real logins)


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
        store = self.application.captcha_store
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
        return captcha_id is not None and self.application.captcha_store.check(captcha_id, answer)

    def refuse(self, error: str) -> None:
        self.set_status(403)
        self.render("login.html", error=error, size=check_code.SIZE)  # with a new picture


class HomeHandler(BaseHandler):  # the chapter's pages
    def get(self):
        self.render("home.html")


class Application(tornado.web.Application):  # and its live object, the captcha store
    def __init__(self, handlers, captcha_store: CaptchaStore | None = None, **settings) -> None:
        super().__init__(handlers, **settings)
        self.captcha_store = captcha_store if captcha_store is not None else CaptchaStore()


def make_app(**overrides) -> Application:
    """Tests pass captcha_store (one with a clock they move) and captcha_render (one that records
    what it drew, as a reader of the picture would)."""
    settings = {
        "template_path": manifest.ROOT / "tpl" / CHAPTER.slug,
        "xsrf_cookies": True,  # a form that changes state carries an _xsrf token (chapter 06)
        "default_handler_class": NotFoundHandler,
        "captcha_render": check_code.render_png,
        **overrides,
    }
    return Application([
        (r"/", HomeHandler),
        (r"/login", LoginHandler),
        (r"/captcha\.png", CaptchaImageHandler),
    ], **settings)


async def main(argv=None):
    await serve(make_app(), parse_port(argv, default=CHAPTER.port), paths=CHAPTER.paths)


if __name__ == "__main__":
    asyncio.run(main())
