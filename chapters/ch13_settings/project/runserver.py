"""The project's entry point, as in tornadopy's layout (目录结构):

    python chapters/ch13_settings/project/runserver.py --settings=settings.setting --port=8000

(with the workbook's virtualenv: .venv/bin/python ...). `make chapter-13` runs the same project
through chapters/ch13_settings/app.py. --settings names a module under this folder; without it,
$TORNKIT_SETTINGS; without that, settings.setting (set just below, as tornadopy's runserver.py
did with os.environ.setdefault).
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
                     "chapters/ch13_settings/project/runserver.py (make chapter-13 does)")

if __name__ == "__main__":
    run()
