"""The notes' way, kept to show the attack: the cookie secret written in the source.

    application = tornado.web.Application([
        (r"/", MainHandler),
    ], cookie_secret="61oETzKXQAGaYdkL5gEmGeJJFuYh7EQnp2XdTP1o/Vo=")

The handlers are the chapter's own; only the secret differs, and that is the whole bug: whoever
has read the notes (or this repository, or any of the public projects that copied the string)
can sign any cookie this app will trust. test_app.py forges role=admin with
tornado.web.create_signed_value(NOTES_SECRET, ...) and walks into /admin. Never run this app
anywhere but in that test.
"""
import tornado.web

from chapters.ch05_cookies import app as fixed
from workbook.web import NotFoundHandler

NOTES_SECRET = "61oETzKXQAGaYdkL5gEmGeJJFuYh7EQnp2XdTP1o/Vo="  # 加密cookie, 举个例子


def make_app() -> tornado.web.Application:
    return tornado.web.Application(
        fixed.ROUTES,
        cookie_secret=NOTES_SECRET,  # in the source, in git, in the notes: public
        template_path=fixed.TEMPLATE_PATH,
        static_path=fixed.STATIC_PATH,
        default_handler_class=NotFoundHandler,
    )
