"""The site's entry point, as in tornadopy's helloworld demo (快速入门):

    .venv/bin/python chapters/ch21_signals/project/runserver.py --settings=settings.setting --port=8000

It needs a Redis and a MariaDB primary with its replica, named by REDIS_URL, MYSQL_PRIMARY_URL
and MYSQL_REPLICA_URL (settings/setting.py). `make chapter-21` starts private ones, sets the
three variables and serves this same project (chapters/ch21_signals/app.py).
"""
import os
import sys
from pathlib import Path

PROJECT_PATH = Path(__file__).resolve().parent
sys.path.insert(0, str(PROJECT_PATH))  # the apps and the settings are top-level packages here
os.environ.setdefault("TORNKIT_SETTINGS", "settings.setting")

try:
    from tornkit import run
except ModuleNotFoundError as e:
    raise SystemExit(f"{e}: run it with the workbook's Python, .venv/bin/python "
                     "chapters/ch21_signals/project/runserver.py (make chapter-21 does)")

from core.application import SiteApplication  # noqa: E402  (after the sys.path line)

if __name__ == "__main__":
    run(SiteApplication)  # tornadopy: Server().load_application(MyApp)
