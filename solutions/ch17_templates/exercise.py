"""Chapter 17 exercise, solved.

Why it looks like this:
  - generate() encodes what Jinja2's render() returns: RequestHandler.render() splices the UI
    modules' CSS and JavaScript into bytes, and tornadopy's `generate = render` (a str) made
    every such page a 500. html_namespace() marks xsrf_form_html() and the modules' output as
    HTML, so that escaping everything else does not escape them too.
  - autoescape=True is the one argument that matters in the Environment: Jinja2 escapes nothing
    unless told to (tornadopy's README set it to False). Jinja2 keeps compiled templates in the
    Environment, so the loader asks it every time and keeps no cache of its own.
  - flash() starts from self._flashes(), this request's list, never from the cookie that came
    in (tornadopy's B10: the second flash of a request replaced the first). It checks the size
    of the signed value before setting anything, so a refused flash leaves no cookie behind.
  - get_flashed_messages() empties the list as well as the cookie, so a second call in the
    same request, or a base template and a page both asking, shows nothing twice.
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
