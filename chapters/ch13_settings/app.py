"""Chapter 13 · 目录结构 · settings配置 · webserver · log: a tornkit project, served by tornkit's
Server, with its settings module, its logs, and a stop on Ctrl-C.

Run it:  make chapter-13        or   python -m chapters.ch13_settings.app --port=8813
         or as tornadopy did:   .venv/bin/python chapters/ch13_settings/project/runserver.py
                                    --settings=settings.setting --port=8813
Lesson:  chapters/ch13_settings/README.md
"""
if not __package__:
    raise SystemExit("Run it with `make chapter-13`, or in the venv: "
                     "python -m chapters.ch13_settings.app")

import asyncio
import sys

import tornado.web

from tornkit import Server, Settings
from workbook import manifest

CHAPTER = manifest.for_path(__file__)

# --- 目录结构: the project folder, as tornadopy's README draws it ---------------------------------
# project/runserver.py, settings/, welcome/ (an app), middlewares/, httpmodules/, templates/,
# statics/. Its apps and its settings are top-level packages of that folder, so it goes on
# sys.path, as runserver.py does.
PROJECT = CHAPTER.dir / "project"
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

# --- settings配置: the module named by --settings, on top of tornkit's defaults -----------------
SETTINGS_MODULE = "settings.setting"


def make_app(**overrides) -> tornado.web.Application:
    """The project's Application, with its settings from SETTINGS_MODULE. Upper-case overrides
    are settings (DEBUG=True); data_dir= replaces DATA_DIR (tests pass tmp_path)."""
    values = {name: value for name, value in overrides.items() if name.isupper()}
    if "data_dir" in overrides:
        values["DATA_DIR"] = overrides["data_dir"]
    # --- webserver: what Server.load_all() does after parse_command() ---------------------------
    server = Server(settings=Settings(SETTINGS_MODULE, **values))
    server.load_urls()  # every INSTALLED_APPS entry's urls.py
    return server.load_application()


# --- webserver + log: parse the command line, configure logging, serve until a stop signal ------
async def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    # --settings and --port first, so that the command line's own win (the last value counts).
    server = Server([f"--settings={SETTINGS_MODULE}", f"--port={CHAPTER.port}", *argv])
    server.load_all()  # parse_command() (logging included), load_urls(), load_application()
    await server.serve(paths=CHAPTER.paths)  # "Serving on ...", then a stop signal: "Stopped."


if __name__ == "__main__":
    asyncio.run(main())
