"""NAIVE: DO NOT COPY. The echo page of app.py with {% raw text %} instead of {{ text }}.

Only the tests start it (test_app.py, tests/browser/test_ch02_templates.py), to show what the
chapter's app prevents: {% raw %} writes the visitor's text into the page as HTML, so
/echo?text=<script>...</script> runs the visitor's script in the page's origin (reflected XSS).
"""
import tornado.template
import tornado.web

from workbook.web import BaseHandler, NotFoundHandler

# A Template built from a string: no loader, no file under tpl/ (no page of the chapter renders
# this one).
NAIVE_PAGE = tornado.template.Template("""<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>naive echo</title></head>
<body>
    <p id="raw">{% raw text %}</p>
</body>
</html>
""", name="naive_echo.html")


class NaiveEchoHandler(BaseHandler):
    def get(self):
        self.finish(NAIVE_PAGE.generate(text=self.get_query_argument("text", "")))


def make_app() -> tornado.web.Application:
    return tornado.web.Application([(r"/echo", NaiveEchoHandler)],
                                   default_handler_class=NotFoundHandler)
