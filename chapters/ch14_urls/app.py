"""Chapter 14 · app · urls: two apps in INSTALLED_APPS, each with its urls.py; Url() prefixes and
kwargs, route(), include() groups, route names and reverse_url through an include.

Run it:  make chapter-14        or   python -m chapters.ch14_urls.app --port=8814
Lesson:  chapters/ch14_urls/README.md
"""
if not __package__:
    raise SystemExit("Run it with `make chapter-14`, or in the venv: "
                     "python -m chapters.ch14_urls.app")

import asyncio
import sys

import tornado.web

from tornkit import Server, Settings
from workbook import manifest

CHAPTER = manifest.for_path(__file__)

# --- app: the settings name the apps; each app's urls.py holds `urls = route(...)` ---------------
# chapters/ch14_urls/settings.py: INSTALLED_APPS = ("chapters.ch14_urls.blog",
# "chapters.ch14_urls.about"). Server.load_urls() imports <app>.urls for each, in that order.
SETTINGS_MODULE = "chapters.ch14_urls.settings"


def make_app(**overrides) -> tornado.web.Application:
    """Upper-case overrides are settings (INSTALLED_APPS=...); data_dir= replaces DATA_DIR (the
    app writes nothing, but every workbook app takes it)."""
    values = {name: value for name, value in overrides.items() if name.isupper()}
    if "data_dir" in overrides:
        values["DATA_DIR"] = overrides["data_dir"]
    server = Server(settings=Settings(SETTINGS_MODULE, **values))
    # --- urls: blog/urls.py uses Url(), route() and include(); about/urls.py a class ----------
    server.load_urls()  # one list; a route name used twice is an error, not a warning
    return server.load_application()


async def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    server = Server([f"--settings={SETTINGS_MODULE}", f"--port={CHAPTER.port}", *argv])
    server.load_all()
    await server.serve(paths=CHAPTER.paths)


if __name__ == "__main__":
    asyncio.run(main())
