"""Chapter 17 exercise, solved: a Jinja2 adapter for Tornado, and the core of FlashMessageMixIn.

The finished form of chapters/ch17_templates/exercise.py (the steps below are what it does).

tornkit gives you the rest: EngineLoader (a tornado.template.BaseLoader whose load(name) calls
your _create_template(name) every time, since Jinja2 caches compiled templates itself),
tornkit.template.html_namespace() (Tornado's namespace, with xsrf_form_html() and the UI modules
marked as HTML), and FlashMessageMixIn._flashes() (this request's list of waiting messages,
read once from the incoming signed cookie). Make it so that:

  1. JinjaTemplate.generate(**namespace) renders the Jinja2 template with
     html_namespace(namespace) and returns bytes (UTF-8): render() adds the UI modules' CSS and
     JavaScript to bytes, and a str makes every such page a 500                -> lesson §2
  2. JinjaLoader has an Environment that finds templates under self.root and escapes every
     {{ value }}, and _create_template(name) returns a JinjaTemplate for name  -> lesson §2-§3
  3. flash(message, category) adds (category, message) to this request's list, keeps the list
     for the rest of the request (self._flash_messages), and writes the whole list to the signed
     cookie self.flash_cookie as JSON: two flashes in one request both arrive  -> lesson §5
  4. flash() raises FlashTooLarge, naming self.flash_limit, when the cookie would be larger
     than that (name, "=", and the signed value): a browser drops it silently  -> lesson §5
  5. get_flashed_messages() returns the waiting (category, message) pairs, oldest first, and
     clears them (the list and the cookie): a message is shown once            -> lesson §5

Check your work with:  make check-17      See it run with:  make try-17
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import jinja2

from tornkit import flash as tornkit_flash
from tornkit.flash import FlashTooLarge
from tornkit.template import EngineLoader, html_namespace


class JinjaTemplate:
    """One Jinja2 template behind Tornado's Template interface."""

    def __init__(self, name: str, template: jinja2.Template) -> None:
        self.name = name
        self.template = template

    def generate(self, **namespace: Any) -> bytes:
        return self.template.render(**html_namespace(namespace)).encode("utf-8")


class JinjaLoader(EngineLoader):
    """TEMPLATE_CONFIG = {"template_engine": JinjaLoader} (or its dotted path)."""

    def __init__(self, root_directory: str, config: Mapping[str, Any] | None = None,
                 **tornado_settings: Any) -> None:
        super().__init__(root_directory, config)  # sets self.root and self.config
        self.environment = jinja2.Environment(loader=jinja2.FileSystemLoader(self.root),
                                              autoescape=True)

    def _create_template(self, name: str) -> JinjaTemplate:
        return JinjaTemplate(name, self.environment.get_template(name))


class FlashMessageMixIn(tornkit_flash.FlashMessageMixIn):
    """Mix into a handler, before it: class Page(FlashMessageMixIn, WebHandler)."""

    def flash(self, message: str, category: str = "message") -> None:
        messages = [*self._flashes(), (category, message)]
        value = json.dumps(messages)
        size = len(self.flash_cookie) + 1 + len(self.create_signed_value(self.flash_cookie, value))
        if size > self.flash_limit:
            raise FlashTooLarge(f"the flashed messages need {size} bytes, over the cookie "
                                f"limit of {self.flash_limit} bytes")
        self._flash_messages = messages
        self.set_signed_cookie(self.flash_cookie, value)

    def get_flashed_messages(self) -> list[tuple[str, str]]:
        messages = self._flashes()
        self._flash_messages = []
        self.clear_cookie(self.flash_cookie)
        return messages


def make_app(**settings):
    """make try-17: chapter 17's app, with your JinjaLoader behind /jinja2 and your
    FlashMessageMixIn in every page."""
    from chapters.ch17_templates import app as chapter

    return chapter.make_app(jinja2_loader=JinjaLoader, flash_mixin=FlashMessageMixIn, **settings)
