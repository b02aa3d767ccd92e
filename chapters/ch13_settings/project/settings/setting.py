"""Development settings: runserver.py --settings=settings.setting

Every upper-case name here replaces tornkit.global_settings' default of the same name.
"""
from pathlib import Path

from workbook.web import StaticHandler

PROJECT_PATH = Path(__file__).resolve().parent.parent  # tornadopy's settings.PROJECT_PATH
# Everything the project writes (its logs) lives here: var/ is ignored by git.
DATA_DIR = PROJECT_PATH.parents[2] / "var" / "ch13_settings"

DEBUG = False  # True turns on Tornado's autoreload and tracebacks in error pages
XHEADERS = False  # nothing sits in front of this server on 127.0.0.1: trust no X-Real-IP

INSTALLED_APPS = (
    "welcome",
)

LOGGING_DIR = "logs"  # under DATA_DIR: var/ch13_settings/logs/tornado.log, tornkit.log

TORNADO_CONF = {
    "template_path": str(PROJECT_PATH / "templates"),
    "static_path": str(PROJECT_PATH / "statics"),
    "static_url_prefix": "/statics/",
    "static_handler_class": StaticHandler,  # a 400, not a 500, for a NUL in a static path
}
