"""Chapter 17 exercise: a Jinja2 adapter for Tornado, and the core of FlashMessageMixIn.

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

import json  # noqa: F401
from collections.abc import Mapping
from typing import Any

import jinja2  # noqa: F401

from tornkit import flash as tornkit_flash
from tornkit.flash import FlashTooLarge  # noqa: F401
from tornkit.template import EngineLoader, html_namespace  # noqa: F401


class JinjaTemplate:
    """One Jinja2 template behind Tornado's Template interface."""

    def __init__(self, name: str, template: jinja2.Template) -> None:
        self.name = name
        self.template = template

    def generate(self, **namespace: Any) -> bytes:
        # TODO step 1: render with html_namespace(namespace); bytes out
        raise NotImplementedError("JinjaTemplate.generate is not written yet")


class JinjaLoader(EngineLoader):
    """TEMPLATE_CONFIG = {"template_engine": JinjaLoader} (or its dotted path)."""

    def __init__(self, root_directory: str, config: Mapping[str, Any] | None = None,
                 **tornado_settings: Any) -> None:
        super().__init__(root_directory, config)  # sets self.root and self.config
        # TODO step 2: self.environment, a jinja2.Environment over self.root that escapes
        self.environment = None

    def _create_template(self, name: str) -> JinjaTemplate:
        # TODO step 2: the JinjaTemplate for name
        raise NotImplementedError("JinjaLoader._create_template is not written yet")


class FlashMessageMixIn(tornkit_flash.FlashMessageMixIn):
    """Mix into a handler, before it: class Page(FlashMessageMixIn, WebHandler)."""

    def flash(self, message: str, category: str = "message") -> None:
        # TODO steps 3-4: start from self._flashes(), check the size, keep the list, set the cookie
        raise NotImplementedError("flash is not written yet")

    def get_flashed_messages(self) -> list[tuple[str, str]]:
        # TODO step 5: return the waiting messages; afterwards there are none
        raise NotImplementedError("get_flashed_messages is not written yet")


def make_app(**settings):
    """make try-17: chapter 17's app, with your JinjaLoader behind /jinja2 and your
    FlashMessageMixIn in every page."""
    from chapters.ch17_templates import app as chapter

    return chapter.make_app(jinja2_loader=JinjaLoader, flash_mixin=FlashMessageMixIn, **settings)
