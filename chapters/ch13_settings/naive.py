"""tornadopy's settings and Server, ported just far enough to run on Python 3 and Tornado 6.6,
with their bugs kept. Do not use: chapter 13's tests attack it; tornkit is the fix.

- _Settings (tornadopy/conf.py): merges the settings module *into* one shared global_settings
  and caches it for good; any error while importing the settings module becomes a warning, and
  the program runs on the defaults (PART2 B8).
- Server.parse_command (tornadopy/webserver.py): defines its options on the global
  tornado.options.options, so a second Server in one process raises "Option 'port' already
  defined" (B9).
- LOG_HANDLER: the stdlib's TimedRotatingFileHandler, which loses lines when several processes
  roll over (B16). tornadopy fixed that one by monkeypatching logging.handlers.
"""
import importlib
import logging.handlers
import os
import types
import warnings

import tornado.options
from tornado.options import define, options

from tornkit import global_settings as _defaults

# tornadopy's global_settings module: one object for the whole process, written into.
global_settings = types.SimpleNamespace(
    **{name: getattr(_defaults, name) for name in dir(_defaults) if name.isupper()})

LOG_HANDLER = logging.handlers.TimedRotatingFileHandler


class _Settings:
    def __getattr__(self, name):
        if not self.__dict__.get("_loaded"):
            self._load()
        return getattr(global_settings, name)

    def _load(self):
        module = getattr(options, "settings", None) if "settings" in options else None
        module = module or os.environ.get("tornadopy_APP_SETTINGS")
        self._loaded = True  # cached for good, even when loading failed
        try:
            loaded = importlib.import_module(module)
            for name in dir(loaded):
                if name.isupper():
                    setattr(global_settings, name, getattr(loaded, name))
        except Exception as e:  # the bug: a broken settings module is only a warning
            warnings.warn(f"settings module {module!r} could not be loaded ({e!r}); "
                          "using the default settings")


settings = _Settings()


class Server:
    def parse_command(self, args=None):
        # The bug: every Server defines these on the one global OptionParser.
        define("settings", default=None, help="settings module", type=str)
        define("port", default=8000, help="port", type=int)
        define("address", default="0.0.0.0", help="address", type=str)
        tornado.options.parse_command_line(args)
        return options
