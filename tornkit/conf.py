"""Settings: tornkit's defaults, then a project's settings module, then values given in code.

    conf = Settings("settings.setting", DEBUG=True)   # an independent settings object
    conf.DEBUG                                         # True
    conf.NO_SUCH_THING                                 # AttributeError naming it
    with conf.override(XHEADERS=True): ...             # for a test

    from tornkit import settings                       # the process-wide one, loaded lazily
    settings.INSTALLED_APPS                            # first read: loads --settings / $TORNKIT_SETTINGS

tornadopy merged the project's module *into* its global_settings module, cached it forever, and
turned every error of the settings module into a warning followed by the defaults. Here each
Settings object is its own copy, read-only, and a broken settings module stops the program with
its own error.
"""
from __future__ import annotations

import contextlib
import importlib
import os
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

from tornkit import global_settings

ENVIRONMENT_VARIABLE = "TORNKIT_SETTINGS"  # tornadopy's tornadopy_APP_SETTINGS


class SettingsError(Exception):
    """The settings cannot be loaded as asked (Django calls it ImproperlyConfigured)."""


def freeze(value: Any) -> Any:
    """A read-only copy: dicts become mappingproxies, lists tuples, sets frozensets (deeply)."""
    if isinstance(value, Mapping):
        return MappingProxyType({k: freeze(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return frozenset(value)
    return value


def thaw(value: Any) -> Any:
    """A plain, mutable copy of a frozen value, for APIs that insist on dict (Tornado's
    ui_modules, logging.config.dictConfig)."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [thaw(v) for v in value]
    return value


def _module_values(module: str) -> dict[str, Any]:
    try:
        loaded = importlib.import_module(module)
    except ModuleNotFoundError as e:
        # Only when the settings module itself (or its package) is missing. A module that the
        # settings module imports and that is missing is the settings module's own error.
        if e.name is not None and (module == e.name or module.startswith(e.name + ".")):
            raise SettingsError(
                f"settings module {module!r} not found (from --settings or "
                f"${ENVIRONMENT_VARIABLE}); is its folder on sys.path?") from e
        raise
    return {name: getattr(loaded, name) for name in dir(loaded) if name.isupper()}


class Settings:
    """global_settings, then the module named `module` (a dotted path), then `values`."""

    def __init__(self, module: str | None = None, **values: Any) -> None:
        data = {name: getattr(global_settings, name)
                for name in dir(global_settings) if name.isupper()}
        if module:
            data.update(_module_values(module))
        not_upper = [name for name in values if not name.isupper()]
        if not_upper:
            raise SettingsError(f"setting names are upper case: {', '.join(not_upper)}")
        data.update(values)
        object.__setattr__(self, "module", module)
        object.__setattr__(self, "_data", {name: freeze(v) for name, v in data.items()})

    def __getattr__(self, name: str) -> Any:
        # Only called for names that are not ordinary attributes: the settings.
        try:
            return self.__dict__["_data"][name]
        except KeyError:
            raise AttributeError(f"no setting {name!r} (not in tornkit.global_settings nor in "
                                 f"settings module {self.module!r})") from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise SettingsError(f"settings are read-only ({name} = ...): use "
                            "Settings(module, NAME=value) or `with settings.override(NAME=value)`")

    def __contains__(self, name: str) -> bool:
        return name in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._data))

    def __repr__(self) -> str:
        return f"<Settings {self.module or '(defaults)'}>"

    @contextlib.contextmanager
    def override(self, **values: Any) -> Iterator[Settings]:
        """Within the block these values replace the settings'; afterwards the old ones are back."""
        not_upper = [name for name in values if not name.isupper()]
        if not_upper:
            raise SettingsError(f"setting names are upper case: {', '.join(not_upper)}")
        saved = self._data
        object.__setattr__(self, "_data", {**saved, **{k: freeze(v) for k, v in values.items()}})
        try:
            yield self
        finally:
            object.__setattr__(self, "_data", saved)


class LazySettings:
    """The process-wide settings: a Settings made at the first read of a setting, from the
    module that Server.parse_command() found in --settings, else $TORNKIT_SETTINGS, else the
    defaults alone. Reading a setting at import time is allowed, and a later configure() is
    still seen by every later read (tornadopy froze settings at the first import)."""

    def __init__(self) -> None:
        object.__setattr__(self, "_wrapped", None)

    def _setup(self) -> Settings:
        if self._wrapped is None:
            object.__setattr__(self, "_wrapped",
                               Settings(os.environ.get(ENVIRONMENT_VARIABLE) or None))
        return self._wrapped

    def __getattr__(self, name: str) -> Any:
        if not name.isupper():  # copy, pickle and pytest probe for _private names: load nothing
            raise AttributeError(f"no setting {name!r}: settings are upper-case names")
        return getattr(self._setup(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._setup(), name, value)  # read-only: raises SettingsError

    def __contains__(self, name: str) -> bool:
        return name in self._setup()

    def __iter__(self) -> Iterator[str]:
        return iter(self._setup())

    def __repr__(self) -> str:
        return "<LazySettings, not loaded yet>" if self._wrapped is None else repr(self._wrapped)

    @property
    def configured(self) -> bool:
        return self._wrapped is not None

    def configure(self, module: str | Settings | None = None, **values: Any) -> Settings:
        """Load the settings now, from `module` (or use a Settings object as it is)."""
        wrapped = module if isinstance(module, Settings) else Settings(module, **values)
        object.__setattr__(self, "_wrapped", wrapped)
        return wrapped

    def override(self, **values: Any):
        return self._setup().override(**values)

    def reset(self) -> None:
        """Forget the loaded settings: the next read loads them again (for tests)."""
        object.__setattr__(self, "_wrapped", None)


settings = LazySettings()
