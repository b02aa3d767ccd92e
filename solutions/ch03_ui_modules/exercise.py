"""Chapter 03 exercise, solved.

Why it looks like this:
  - ui_methods / ui_modules take dicts here: the names a template uses are written down, and
    nothing else in this file (NotFoundHandler, manifest...) is picked up the way passing a whole
    Python module would pick up every callable in it.
  - plural() takes the handler first, even though it does not use it: Tornado always passes it
    (UIMethods are how a template reaches the request, the user, the locale).
  - Notice.render returns render_string(...): markup lives in a template, and that template's
    {{ text }} is autoescaped. Building the HTML in Python with an f-string would put the
    notice's text into the page raw, because {% module %} never escapes a module's output.
  - css_files/javascript_files return names relative to static_path: Tornado turns them into
    /static/notice.css?v=<hash> with static_url(), links each file once per page, puts the
    <link> before </head> and the <script> before </body>.
  - The count lives on the module object, which Tornado creates at the first {% module Notice %}
    of a request and reuses for the others. render() runs once per notice; embedded_javascript()
    runs once, after the page is rendered, when the count is final. Its snippet comes after the
    linked notice.js, so setNoticeCount already exists when it runs.
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
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


class Notice(UIModule):
    def __init__(self, handler):
        super().__init__(handler)
        self.shown = 0  # step 5: how many notices this request has rendered so far

    def render(self, text, level="info"):
        self.shown += 1
        return self.render_string("notice.html", text=text, level=level)

    def css_files(self):
        return ["notice.css"]

    def javascript_files(self):
        return ["notice.js"]

    def embedded_javascript(self):
        return f"setNoticeCount({self.shown});"


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
        ui_methods={"plural": plural},
        ui_modules={"Notice": Notice},
    )
