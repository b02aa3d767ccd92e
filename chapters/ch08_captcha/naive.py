"""The naive captcha: the answer travels in a signed cookie. DO NOT COPY THIS.

It is the shape of many old demos: draw the picture, put its answer in a (signed) cookie, and
compare on POST. It differs from app.py in exactly two methods, and both are wrong:

- remember() sends the answer to the client. set_signed_cookie *signs*: the client cannot change
  the value without the server noticing, but it can read it. The value is only base64:
  "2|1:0|10:1700000000|7:captcha|8:SzdQWDI=|<signature>", and "SzdQWDI=" is b"K7PX2". A bot
  never needs to look at the picture (test_app.py: test_naive_answer_is_readable_in_the_cookie).
- captcha_passed() trusts any cookie that carries a valid signature. Clearing the cookie does not
  help: the client keeps its copy, and the same (cookie, answer) pair passes again and again for
  31 days (get_signed_cookie's default max_age_days): test_naive_accepts_a_replayed_captcha.

The tests attack this app, never the chapter's.
"""
import secrets

import tornado.web

from chapters.ch08_captcha import app as chapter
from chapters.ch08_captcha import check_code
from workbook.web import NotFoundHandler


class NaiveCaptchaImageHandler(chapter.CaptchaImageHandler):
    def remember(self, answer: str) -> None:
        self.set_signed_cookie("captcha", answer)  # signed, NOT encrypted: readable by the client


class NaiveLoginHandler(chapter.LoginHandler):
    def captcha_passed(self, answer: str) -> bool:
        expected = self.get_signed_cookie("captcha")  # bytes, or None if missing or tampered
        self.clear_cookie("captcha")  # asks the browser to forget it; a bot need not obey
        return expected is not None and answer.strip().upper() == expected.decode()


def make_app(**overrides) -> tornado.web.Application:
    settings = {
        "cookie_secret": secrets.token_hex(32),  # the attack never needs it
        "captcha_render": check_code.render_png,
        "template_path": chapter.manifest.ROOT / "tpl" / chapter.CHAPTER.slug,
        "xsrf_cookies": True,  # no help against a bot: it is a client like any other
        "default_handler_class": NotFoundHandler,
        **overrides,
    }
    return tornado.web.Application([
        (r"/login", NaiveLoginHandler),
        (r"/captcha\.png", NaiveCaptchaImageHandler),
    ], **settings)
