"""The notes' uimethods.py: functions a template can call, registered with the
`ui_methods` setting (Application(ui_methods=uimethods)).

Tornado calls each one with the current RequestHandler first: `{{ tab() }}` runs
tab(handler). The notes name that parameter `self`, as if it were a method of the handler.

A UIMethod's result goes through `{{ }}`, so it is autoescaped like any other expression.

Careful: given a Python module, Tornado registers *every* public callable whose name starts
lowercase, imports included. `from tornado.escape import xhtml_escape` here would make a UI
method `xhtml_escape(handler, text)` that hides the template's own xhtml_escape. So this file
defines its functions and imports nothing callable.
"""


def tab(self):
    return "UIMethod"


def active(handler, path):
    """`class="{{ active('/entries') }}"` marks the menu link of the page being shown."""
    return "active" if handler.request.path == path else ""
