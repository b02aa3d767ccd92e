"""Chapter 13 exercise: tornkit's settings object, and a log file that two processes can share.

Write the two pieces that tornkit.conf.Settings and tornkit.log.ProcessLogTimedFileHandler are
(the lesson's sections 2 and 4). Make it so that:

  1. Settings(module=None, **values) holds every upper-case name of tornkit.global_settings,
     replaced by the upper-case names of the settings module `module` (a dotted path such as
     "settings.setting"), replaced by `values`: the last layer wins. Lower-case names are not
     settings. Settings("mysettings").DEBUG is mysettings.DEBUG if it sets one, else False.
  2. A settings module that does not exist is a SettingsError whose message names it. Any error
     *inside* the settings module (a typo, a 1/0, an import of a missing library) surfaces as
     itself, never swallowed: tornadopy printed a warning and went on with the defaults.
  3. Reading a setting that does not exist is an AttributeError whose message names it (so
     getattr(conf, "X", default) and hasattr() work).
  4. Settings are read-only: `conf.DEBUG = True` raises SettingsError, and a dict setting cannot
     be changed in place (conf.TORNADO_CONF["debug"] = True raises TypeError), neither through
     this object nor by changing the module's or global_settings' dict afterwards.
  5. `with conf.override(DEBUG=True):` gives those values inside the block only; afterwards (even
     after an exception in the block) the old values are back.
  6. ProcessLogTimedFileHandler.doRollover: when two processes write app.log and both roll over
     at midnight, every line is kept, the day's lines in app.log.<date> and the new day's in
     app.log. The stdlib's version deletes the other process's app.log.<date>.

Check your work with:  make check-13      See it served:  make try-13 (make_app() at the end)
"""
from __future__ import annotations

import contextlib
import logging.handlers
from typing import Any

import tornado.web

from tornkit import global_settings  # noqa: F401  (step 1 reads its upper-case names)
from tornkit.conf import SettingsError, freeze  # noqa: F401  (freeze(v): a read-only copy of v)


class Settings:
    def __init__(self, module: str | None = None, **values: Any) -> None:
        # TODO steps 1, 2 and 4: build one dict of frozen values (defaults, module, values) and
        # keep it with object.__setattr__(self, "_data", ...), since __setattr__ refuses.
        raise NotImplementedError("Settings.__init__ is not written yet")

    def __getattr__(self, name: str) -> Any:
        # TODO step 3: the value of setting `name`, or an AttributeError naming it
        raise NotImplementedError("Settings.__getattr__ is not written yet")

    def __setattr__(self, name: str, value: Any) -> None:
        # TODO step 4: refuse, with a SettingsError that says how to change a setting
        raise NotImplementedError("Settings.__setattr__ is not written yet")

    @contextlib.contextmanager
    def override(self, **values: Any):
        # TODO step 5: these values inside the `with` block, the old ones after it
        raise NotImplementedError("Settings.override is not written yet")
        yield self


class ProcessLogTimedFileHandler(logging.handlers.TimedRotatingFileHandler):
    def doRollover(self) -> None:
        # TODO step 6: rotate app.log to app.log.<date> only if no other process has done it
        # for this file yet; in every case, go on writing into a fresh app.log.
        raise NotImplementedError("ProcessLogTimedFileHandler.doRollover is not written yet")


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
