"""tornkit's template engines (chapter 17, 模板引擎): Tornado's own, Jinja2 or Mako, chosen per
Application by TEMPLATE_CONFIG['template_engine'].

    TEMPLATE_CONFIG = {"template_engine": "jinja2"}     # None or "tornado", "jinja2", "mako",
                                                        # or the dotted path of a loader class

Jinja2 and Mako are kept as they are; what is written here is only an adapter for each: a
`tornado.template.BaseLoader` whose `load(name)` gives an object with Tornado's template
interface, `generate(**namespace) -> bytes`. Bytes, because RequestHandler.render() splices the
CSS and JavaScript of the page's UI modules into what render_string() returned with
`html.rindex(b"</body>")`: tornadopy's adapters set `template.generate = template.render`, which
returns str, and every page with such a module answered 500 (chapters/ch17_templates/naive.py).

Every engine gets Tornado's namespace (`handler`, `request`, `current_user`, `locale`, `_`,
`static_url`, `xsrf_form_html`, `reverse_url`, the UI methods, and `modules` for the UI
modules), and every engine escapes what it writes: Jinja2 with `autoescape=True`, Mako with the
`h` filter by default. tornadopy left both off (`'autoescape': False`), so a `<script>` a
visitor typed ran in the next visitor's browser; `autoescape: False` is refused here. In Jinja2
and Mako, `xsrf_form_html()` and `modules.X(...)` return markupsafe.Markup (HTML that is meant),
so they are written as they are; everything else is escaped.

A tornkit Application with Jinja2 or Mako builds its loader once (`loader_for(app)`, kept as
`app.template_loader`) and WebHandler renders with it. Tornado's own cache of loaders,
`RequestHandler._template_loaders`, is one dict for the whole process keyed by template path:
through it, two Applications on one template path with two engines would share the first one's
loader. Tornado's own engine keeps Tornado's way (`template_loader` None): its cache then holds
Tornado loaders only.
"""
from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from typing import Any

import jinja2
import markupsafe
import mako.exceptions
import mako.lookup
import tornado.template
import tornado.web

ENGINES = {
    None: "tornkit.template.TornadoLoader",
    "tornado": "tornkit.template.TornadoLoader",
    "jinja2": "tornkit.template.JinjaLoader",
    "mako": "tornkit.template.MakoLoader",
}
# The TEMPLATE_CONFIG keys tornkit reads; any other key goes to the engine as it is (a Jinja2
# Environment or a Mako TemplateLookup argument), and the engine says if it does not know it.
COMMON_KEYS = {"template_engine", "filesystem_checks", "cache_directory", "collection_size",
               "cache_size", "format_exceptions", "autoescape"}


class TemplateConfigError(ValueError):
    """TEMPLATE_CONFIG asks for something tornkit refuses (an unknown engine, no escaping)."""


def loader_class(engine: Any) -> type[tornado.template.BaseLoader]:
    """The loader class for TEMPLATE_CONFIG['template_engine']: a short name, a dotted path or
    the class itself."""
    if isinstance(engine, type):
        cls = engine
    else:
        module, _, name = str(ENGINES.get(engine, engine)).rpartition(".")
        try:
            cls = getattr(importlib.import_module(module), name) if module else None
        except (ImportError, AttributeError):
            cls = None
    if not (isinstance(cls, type) and issubclass(cls, tornado.template.BaseLoader)):
        raise TemplateConfigError(
            f"TEMPLATE_CONFIG['template_engine'] = {engine!r} is not an engine: use None, "
            f"'tornado', 'jinja2', 'mako' or the dotted path of a tornado.template.BaseLoader")
    return cls


def create_loader(template_path: str | os.PathLike, config: Mapping[str, Any] | None = None,
                  **tornado_settings: Any) -> tornado.template.BaseLoader:
    """A loader for template_path as TEMPLATE_CONFIG says (tornado_settings: the Application's
    `autoescape` and `template_whitespace`, which Tornado's own engine reads)."""
    config = dict(config or {})
    if config.get("autoescape", True) is not True:
        raise TemplateConfigError(
            f"TEMPLATE_CONFIG['autoescape'] = {config['autoescape']!r}: tornkit's engines always "
            f"escape. Mark trusted HTML as such in the template instead (markupsafe.Markup, "
            f"Jinja2's |safe, Tornado's {{% raw %}})")
    cls = loader_class(config.pop("template_engine", None))
    return cls(os.fspath(template_path), config, **tornado_settings)


def loader_for(application: tornado.web.Application) -> tornado.template.BaseLoader | None:
    """The Application's own loader: its `template_loader` setting if it has one, else one for
    its `template_path` from its conf's TEMPLATE_CONFIG. None for Tornado's own engine: Tornado
    makes that loader itself, and its cache by template path holds nothing but Tornado loaders
    then, which two apps on one path may share."""
    settings = application.settings
    if "template_loader" in settings:
        return settings["template_loader"]
    conf = getattr(application, "conf", None)
    config = getattr(conf, "TEMPLATE_CONFIG", None) or {}
    if config.get("autoescape", True) is not True:
        create_loader(".", config)  # refused, whatever the engine
    if "autoescape" in settings and settings["autoescape"] is None:
        raise TemplateConfigError("the Application's autoescape=None turns Tornado's escaping "
                                  "off: tornkit's engines always escape")
    if config.get("template_engine") in (None, "tornado") or not settings.get("template_path"):
        return None  # Tornado's own loader, made and cached by Tornado's render_string
    tornado_settings = {key: settings[key] for key in ("autoescape", "template_whitespace")
                        if key in settings}
    return create_loader(settings["template_path"], config, **tornado_settings)


# --- Tornado's own engine ------------------------------------------------------------------------
class TornadoLoader(tornado.template.Loader):
    """tornado.template.Loader, which escapes by default; TEMPLATE_CONFIG's keys for the other
    engines are ignored."""

    def __init__(self, root_directory: str, config: Mapping[str, Any] | None = None,
                 **tornado_settings: Any) -> None:
        kwargs = {}
        if "autoescape" in tornado_settings:
            if tornado_settings["autoescape"] is None:
                raise TemplateConfigError("autoescape=None turns Tornado's escaping off: "
                                          "tornkit's engines always escape")
            kwargs["autoescape"] = tornado_settings["autoescape"]
        if "template_whitespace" in tornado_settings:
            kwargs["whitespace"] = tornado_settings["template_whitespace"]
        extra = {k: v for k, v in (config or {}).items() if k not in COMMON_KEYS}
        super().__init__(root_directory, **kwargs, **extra)


# --- Jinja2 and Mako: a template with Tornado's interface ----------------------------------------
def html_namespace(namespace: dict[str, Any]) -> dict[str, Any]:
    """Tornado's namespace, with the two helpers that return HTML marked as HTML."""
    namespace = dict(namespace)
    if "xsrf_form_html" in namespace:
        xsrf_form_html = namespace["xsrf_form_html"]
        namespace["xsrf_form_html"] = lambda: markupsafe.Markup(xsrf_form_html())
    if "modules" in namespace:
        namespace["modules"] = _Modules(namespace["modules"])
    return namespace


class _Modules:
    """`modules.Name(...)`: the UI module's output (bytes from render_string) as Markup."""

    def __init__(self, modules: Any) -> None:
        self._modules = modules

    def __getattr__(self, name: str) -> Any:
        module = getattr(self._modules, name)

        def render(*args: Any, **kwargs: Any) -> markupsafe.Markup:
            html = module(*args, **kwargs)
            return markupsafe.Markup(html.decode() if isinstance(html, bytes) else html)
        return render


class EngineTemplate:
    """One Jinja2 or Mako template behind Tornado's Template interface."""

    def __init__(self, name: str, render: Any) -> None:
        self.name = name
        self._render = render

    def generate(self, **namespace: Any) -> bytes:
        return self._render(**html_namespace(namespace)).encode("utf-8")


class EngineLoader(tornado.template.BaseLoader):
    """load() asks the engine every time: Jinja2 and Mako keep their own compiled templates
    (and see edited files when filesystem_checks is on), so there is no second cache here."""

    def __init__(self, root_directory: str, config: Mapping[str, Any] | None = None,
                 **tornado_settings: Any) -> None:
        super().__init__()
        self.root = os.path.abspath(root_directory)
        self.config = dict(config or {})
        self.extra = {k: v for k, v in self.config.items() if k not in COMMON_KEYS}

    def load(self, name: str, parent_path: str | None = None) -> EngineTemplate:
        return self._create_template(name)

    def resolve_path(self, name: str, parent_path: str | None = None) -> str:
        return name  # both engines resolve names against their own search path


class JinjaLoader(EngineLoader):
    """Jinja2: an Environment per loader, autoescape on, cache_size and filesystem_checks
    (Jinja2's auto_reload) from TEMPLATE_CONFIG, and a bytecode cache in cache_directory."""

    def __init__(self, root_directory: str, config: Mapping[str, Any] | None = None,
                 **tornado_settings: Any) -> None:
        super().__init__(root_directory, config)
        cache_directory = self.config.get("cache_directory")
        self.environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(self.root),
            autoescape=True,
            auto_reload=self.config.get("filesystem_checks", True),
            cache_size=self.config.get("cache_size", 400),
            bytecode_cache=(jinja2.FileSystemBytecodeCache(os.fspath(cache_directory))
                            if cache_directory else None),
            **self.extra)

    def _create_template(self, name: str) -> EngineTemplate:
        return EngineTemplate(name, self.environment.get_template(name).render)

    def reset(self) -> None:
        if self.environment.cache is not None:
            self.environment.cache.clear()


class MakoLoader(EngineLoader):
    """Mako: a TemplateLookup per loader, every ${expression} through the `h` (HTML escape)
    filter, collection_size, filesystem_checks, format_exceptions and cache_directory (Mako's
    module_directory) from TEMPLATE_CONFIG."""

    def __init__(self, root_directory: str, config: Mapping[str, Any] | None = None,
                 **tornado_settings: Any) -> None:
        super().__init__(root_directory, config)
        cache_directory = self.config.get("cache_directory")
        self.options = dict(
            directories=[self.root],
            default_filters=["h"],
            filesystem_checks=self.config.get("filesystem_checks", True),
            collection_size=self.config.get("collection_size", -1),
            format_exceptions=self.config.get("format_exceptions", False),
            module_directory=os.fspath(cache_directory) if cache_directory else None,
            **self.extra)
        self.lookup = mako.lookup.TemplateLookup(**self.options)

    def _create_template(self, name: str) -> EngineTemplate:
        try:
            template = self.lookup.get_template(name)
        except mako.exceptions.TopLevelLookupException as e:
            raise FileNotFoundError(f"no template {name!r} under {self.root}") from e
        return EngineTemplate(name, template.render)

    def reset(self) -> None:
        self.lookup = mako.lookup.TemplateLookup(**self.options)
