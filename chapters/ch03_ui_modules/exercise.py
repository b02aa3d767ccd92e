"""Chapter 03 exercise: a notice box, as a UIMethod and a UIModule.

The page /inbox lists the notices below (/inbox?level=warning: only the warnings). Its template,
exercise_tpl/inbox.html, calls {{ plural(...) }} and {% module Notice(...) %}. Write them:

  1. Register them          -> the ui_methods and ui_modules settings of the Application in
                               make_app(), under the names the template uses (the notes'
                               Step2.注册)
  2. plural(handler, count, word)
                            -> "1 notice", "3 notices", "0 notices". A UIMethod: Tornado calls
                               it with the handler first, then the template's arguments.
  3. Notice.render(text, level="info")
                            -> the module's own template, exercise_tpl/notice.html, rendered
                               with render_string and given the text and the level. Its {{ }}
                               escape the text, so "<b>trial</b>" is shown as text, not made
                               bold. A notice without a level is an info notice.
  4. Notice.css_files() and Notice.javascript_files()
                            -> notice.css and notice.js, named relative to static_path
                               (static/ch03_ui_modules/). Tornado links each once, however many
                               notices the page shows.
  5. Notice.embedded_javascript()
                            -> "setNoticeCount(N);" where N is how many notices this page
                               rendered (notice.js defines setNoticeCount). Count them in
                               render(): one Notice object serves every {% module Notice %} of a
                               request, and Tornado asks for its JavaScript after the whole page
                               is rendered.
Check your work with:  make check-03
"""
import tornado.web
from tornado.web import UIModule

from workbook import manifest
from workbook.web import BaseHandler, NotFoundHandler

CHAPTER = manifest.for_path(__file__)

NOTICES = [
    {"level": "info", "text": "Welcome back, topaz."},
    {"level": "warning", "text": "Your <b>trial</b> ends in 3 days."},
    {"level": "error", "text": "The payment failed: card declined."},
    {"level": "warning", "text": "2 invoices are overdue."},
]
LEVELS = ("info", "warning", "error")


def plural(handler, count, word):
    # TODO step 2: "1 notice", "3 notices", "0 notices"
    raise NotImplementedError("plural() is not written yet")


class Notice(UIModule):
    def __init__(self, handler):
        super().__init__(handler)
        self.shown = 0  # step 5: how many notices this request has rendered so far

    # TODO step 3: def render(self, text, level="info"): render notice.html with render_string
    # TODO step 4: def css_files(self) and def javascript_files(self)
    # TODO step 5: def embedded_javascript(self): "setNoticeCount(N);"


class InboxHandler(BaseHandler):
    def get(self):
        level = self.get_query_argument("level", None)
        if level is not None and level not in LEVELS:
            raise tornado.web.HTTPError(400, "level must be one of %s, not %r",
                                        ", ".join(LEVELS), level)
        notices = [n for n in NOTICES if level is None or n["level"] == level]
        self.render("inbox.html", notices=notices)


def make_app() -> tornado.web.Application:
    return tornado.web.Application(
        [(r"/inbox", InboxHandler)],
        template_path=CHAPTER.dir / "exercise_tpl",
        static_path=manifest.ROOT / "static" / CHAPTER.slug,
        default_handler_class=NotFoundHandler,
        # TODO step 1: register plural as a UI method and Notice as a UI module
    )
