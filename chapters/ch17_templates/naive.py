"""tornadopy's template loaders and FlashMessageMixIn, kept to show their bugs: in Python 3 so
that they run on Tornado 6.6 and Jinja2 3 / Mako 1.4, otherwise as tornadopy wrote them. Never
build on it.

    Jinja2TemplateLoader  one module-global Environment built from TEMPLATE_CONFIG, whose
                          'autoescape': False is the README's value: nothing is escaped  (B15);
                          every loader sets the global search path, so the last one wins;
                          `template.generate = template.render`, which returns str: render()
                          then fails on a page whose UI module adds CSS or JavaScript
                          (TypeError in html.rindex(b"</body>"), a 500)
    MakoTemplateLoader    a module-global TemplateLookup without the `h` filter (B15), the same
                          generate = render. tornadopy's own lookup also passed
                          disable_unicode=True and default_filters=['decode.utf8'], a TypeError
                          on Mako 1.2+ (make_original_mako_lookup shows it)
    FlashMessageMixIn     flash() starts from the *incoming* cookie every time, so of two
                          flashes in one request only the last arrives               (B10);
                          a list too large for a cookie is set anyway, and the browser drops it
"""
from __future__ import annotations

import os
import threading

import jinja2
import mako.lookup
from tornado.escape import json_decode, json_encode
from tornado.template import Loader

TEMPLATE_CONFIG = {  # the README's TEMPLATE_CONFIG
    "filesystem_checks": True,
    "collection_size": 50,
    "cache_size": 0,
    "format_exceptions": False,
    "autoescape": False,
}

_JINJA_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader([]),
                                autoescape=TEMPLATE_CONFIG["autoescape"],
                                cache_size=TEMPLATE_CONFIG["cache_size"],
                                auto_reload=TEMPLATE_CONFIG["filesystem_checks"])
_LOOKUP = mako.lookup.TemplateLookup(input_encoding="utf-8",
                                     filesystem_checks=TEMPLATE_CONFIG["filesystem_checks"],
                                     collection_size=TEMPLATE_CONFIG["collection_size"],
                                     format_exceptions=TEMPLATE_CONFIG["format_exceptions"])


def make_original_mako_lookup():
    """tornadopy's mako_loader at import, word for word but the cache directory."""
    return mako.lookup.TemplateLookup(input_encoding="utf-8", output_encoding="utf-8",
                                      encoding_errors="replace", disable_unicode=True,
                                      default_filters=["decode.utf8"])


class Jinja2TemplateLoader(Loader):
    def __init__(self, root_directory="", **kwargs):
        super().__init__(root_directory, **kwargs)
        _JINJA_ENV.loader.searchpath = [os.path.abspath(root_directory)]  # for everyone
        self.lock = threading.RLock()

    def load(self, name, parent_path=None):
        with self.lock:
            template = _JINJA_ENV.get_template(name)
            template.generate = template.render  # str, not bytes
            return template


class MakoTemplateLoader(Loader):
    def __init__(self, root_directory, **kwargs):
        super().__init__(root_directory, **kwargs)
        self.path = os.path.abspath(root_directory)

    def load(self, name, parent_path=None):
        with self.lock:
            _LOOKUP.directories = [self.path]
            template = _LOOKUP.get_template(name)
        template.generate = template.render  # str, not bytes
        return template


class FlashMessageMixIn:
    _flash_name = "__flhMsg"

    def flash(self, message, category="message"):
        messages = self.messages()  # the cookie that came in, not what this request flashed
        messages.append((category, message))
        self.set_signed_cookie(self._flash_name, json_encode(messages))

    def messages(self):
        messages = self.get_signed_cookie(self._flash_name)
        messages = json_decode(messages) if messages else []
        return messages

    def get_flashed_messages(self):
        messages = self.messages()
        self.clear_cookie(self._flash_name)
        return messages
