"""The notes' uimodules.py: UIModule classes, registered with the `ui_modules` setting
(Application(ui_modules=uimodules)) and used as {% module custom(123) %}.

In the notes, the four resource methods hold only docstrings, so they return None and
Tornado adds nothing to the page. Here they return what the docstrings describe.
"""
from tornado import escape
from tornado.web import UIModule  # registered too (as "UIModule"): it is a UIModule subclass


class custom(UIModule):  # noqa: N801 -- the notes' name: templates call {% module custom(...) %}
    def render(self, *args, **kwargs):
        # {% module %} inserts what render() returns as it is, without escaping. The notes
        # escape by hand, so the browser shows the text <h1>Topaz</h1>, not a heading.
        # The <p class="c1"> is this chapter's: embedded_css below has something to colour.
        return '<p class="c1">' + escape.xhtml_escape("<h1>Topaz</h1>") + "</p>"

    def javascript_files(self):
        """<script src="/static/c1.js?v=..."></script><script src="/static/c2.js?v=..."></script>
        before </body>. Relative names go through static_url()."""
        return ["c1.js", "c2.js"]

    def embedded_javascript(self):
        """<script> ... </script> before </body>, after the linked files. The notes say
        alert(123); this records that it ran (ran() comes from c1.js), which a test can count."""
        return 'ran("embedded_javascript");'

    def css_files(self):
        """<link href="/static/c1.css?v=..." rel="stylesheet"/> ... before </head>."""
        return ["c1.css", "c2.css"]

    def embedded_css(self):
        """<style> ... </style> before </head>. The notes' "c1.{color:red;}" is not valid CSS
        (a class selector is .c1)."""
        return ".c1 { color: red; }"


class Entry(UIModule):
    """A module the way real apps write them: markup in a template of its own
    (tpl/ch03_ui_modules/modules/entry.html), rendered with render_string, which autoescapes
    {{ }} there. The page only says {% module Entry(entry) %}."""

    def render(self, entry):
        return self.render_string("modules/entry.html", entry=entry)

    def javascript_files(self):
        return ["c1.js", "entry.js"]  # c1.js is custom's too: a page that uses both links it once

    def css_files(self):
        return ["entry.css"]
