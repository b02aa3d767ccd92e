"""Chapter 21, part two · 快速入门: tornadopy's helloworld rebuilt as a small real site, a blog, on
everything chapters 13 to 20 built: settings, two apps with their urls.py, the middleware stack,
HTTP modules, Jinja2 and flash messages, sessions and tokens on Redis, a primary and its
replica, and signals.

Run it:  make chapter-21        or   python -m chapters.ch21_signals.app --port=8821
         (REDIS_URL, MYSQL_PRIMARY_URL and MYSQL_REPLICA_URL unset: private servers run for the
         site's life and are removed on exit)
         or as tornadopy did, with those three set:
         .venv/bin/python chapters/ch21_signals/project/runserver.py --settings=settings.setting
Lesson:  chapters/ch21_signals/README.md, sections 6-9 (part one, the signals: greetings.py)
"""
if not __package__:
    raise SystemExit("Run it with `make chapter-21`, or in the venv: "
                     "python -m chapters.ch21_signals.app")

import asyncio
import contextlib
import importlib
import sys
from pathlib import Path

from tornkit import Server, Settings
from workbook import manifest, projects, services

CHAPTER = manifest.for_path(__file__)
PROJECT = CHAPTER.dir / "project"  # runserver.py, settings/, blog/, accounts/, ...
SETTINGS_MODULE = "settings.setting"


def environment(redis_url: str, pair_urls: dict, data_dir: Path | None = None) -> dict:
    """What settings/setting.py reads: the site's servers, and where it writes."""
    env = {"REDIS_URL": redis_url, "MYSQL_PRIMARY_URL": pair_urls["primary"],
           "MYSQL_REPLICA_URL": pair_urls["replica"]}
    if data_dir is not None:
        env["SITE_DATA_DIR"] = str(data_dir)
    return env


def make_app(*, redis_url: str, pair_urls: dict, data_dir: Path | None = None, **overrides):
    """The site's SiteApplication, as runserver.py builds it (upper-case overrides are settings).
    The project's packages are imported afresh for each app: chapter 13's project has a
    `settings` package too (workbook/projects.py)."""
    values = {name: value for name, value in overrides.items() if name.isupper()}
    with projects.imported(PROJECT, environment(redis_url, pair_urls, data_dir)):
        site = importlib.import_module("core.application").SiteApplication
        server = Server(settings=Settings(SETTINGS_MODULE, **values))
        server.load_urls()  # blog/urls.py and accounts/urls.py
        return server.load_application(site)


# --- 快速入门: start the servers the site needs, then serve it as runserver.py would -------------
async def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    with contextlib.ExitStack() as stack:
        try:
            redis_url = stack.enter_context(services.provide("redis"))
            pair_urls = stack.enter_context(services.provide("mysql_pair"))
        except services.ServiceError as e:
            raise SystemExit(f"chapter 21's site needs Redis and a MariaDB pair: {e}") from None
        with projects.imported(PROJECT, environment(redis_url, pair_urls)):
            site = importlib.import_module("core.application").SiteApplication
            server = Server([f"--settings={SETTINGS_MODULE}", f"--port={CHAPTER.port}", *argv])
            server.load_all(site)  # parse_command() (logging included), urls, the application
        await server.serve(paths=CHAPTER.paths)  # until Ctrl-C; closes the site, then the servers


if __name__ == "__main__":
    asyncio.run(main())
