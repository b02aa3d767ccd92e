"""Chapter 13 exercise, solved.

Why it looks like this:
  - One dict, built in layers (defaults, module, values) with dict.update: the order of the
    updates *is* the precedence rule, readable in three lines. Only names with name.isupper()
    are settings, as in Django: helpers and imports in a settings module stay out.
  - Missing module or broken module: import_module raises ModuleNotFoundError for both "the
    settings module is not there" and "the settings module imports a library that is not
    there". e.name says which module was missing; only when it is the settings module itself
    (or its package) is it our SettingsError. Everything else is re-raised as it is, so a typo in
    setting.py shows its own traceback, pointing at its own line. tornadopy turned all of these
    into a warning and ran with the defaults: a production server on DEBUG defaults because of a
    typo.
  - __getattr__ runs only when ordinary lookup fails, so the methods (override) and the dict
    itself are found normally and everything else is a setting. `from None` hides the KeyError:
    the AttributeError alone says what happened.
  - freeze() copies as it freezes: changing the settings module's dict later, or global_settings',
    cannot reach this object, and nobody can change it through this object either.
  - override() swaps the whole dict and puts the old one back in `finally`, so an assertion that
    fails inside the block cannot leave the override behind for the next test.
  - doRollover: the stdlib's rotation is "delete app.log.<date> if it exists, rename app.log to
    it". With two processes, the second deletes the file the first has just made. Here the
    rotated name is taken with os.link(), which refuses an existing name (the same idea as
    O_EXCL in chapter 05): exactly one process rotates. The inode check skips the link when the
    file under the name app.log is no longer the one this process has open (another process
    rotated it and a new app.log exists). Every process then reopens app.log: the new file.
"""
from __future__ import annotations

import contextlib
import importlib
import logging.handlers
import os
import time
from typing import Any

import tornado.web

from tornkit import global_settings
from tornkit.conf import SettingsError, freeze


def _upper(namespace) -> dict[str, Any]:
    return {name: getattr(namespace, name) for name in dir(namespace) if name.isupper()}


class Settings:
    def __init__(self, module: str | None = None, **values: Any) -> None:
        data = _upper(global_settings)
        if module:
            try:
                loaded = importlib.import_module(module)
            except ModuleNotFoundError as e:
                if e.name and (module == e.name or module.startswith(e.name + ".")):
                    raise SettingsError(f"settings module {module!r} not found") from e
                raise
            data.update(_upper(loaded))
        data.update(values)
        object.__setattr__(self, "module", module)
        object.__setattr__(self, "_data", {name: freeze(v) for name, v in data.items()})

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["_data"][name]
        except KeyError:
            raise AttributeError(f"no setting {name!r} in {self.module or 'the defaults'}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise SettingsError(f"settings are read-only ({name} = ...): pass the value to "
                            "Settings(..., NAME=value), or use `with settings.override(NAME=value)`")

    @contextlib.contextmanager
    def override(self, **values: Any):
        saved = self._data
        object.__setattr__(self, "_data", {**saved, **{k: freeze(v) for k, v in values.items()}})
        try:
            yield self
        finally:
            object.__setattr__(self, "_data", saved)


class ProcessLogTimedFileHandler(logging.handlers.TimedRotatingFileHandler):
    def doRollover(self) -> None:
        inode = None
        if self.stream:
            inode = os.fstat(self.stream.fileno()).st_ino
            self.stream.close()
            self.stream = None
        start = self.rolloverAt - self.interval
        period = time.gmtime(start) if self.utc else time.localtime(start)
        dfn = self.rotation_filename(f"{self.baseFilename}.{time.strftime(self.suffix, period)}")
        try:
            if inode is None or os.stat(self.baseFilename).st_ino == inode:
                os.link(self.baseFilename, dfn)  # fails if another process took the name
                os.unlink(self.baseFilename)
        except (FileExistsError, FileNotFoundError):
            pass  # another process rotated this file: just reopen app.log
        self.stream = self._open()
        now = int(time.time())
        self.rolloverAt = self.computeRollover(now)
        while self.rolloverAt <= now:
            self.rolloverAt += self.interval


# --- `make try-13` serves this: chapter 13's project settings, loaded by *your* Settings --------
class SettingsPage(tornado.web.RequestHandler):
    def get(self):
        conf = self.settings["conf"]
        self.write({name: getattr(conf, name, "(not a setting)") for name in
                    ("DEBUG", "XHEADERS", "INSTALLED_APPS", "LOGGING_DIR", "NOT_A_SETTING")})


def make_app(**settings) -> tornado.web.Application:
    import chapters.ch13_settings.app  # noqa: F401  (puts the project folder on sys.path)

    conf = Settings("settings.setting")
    return tornado.web.Application([(r"/", SettingsPage)], conf=conf, **settings)
