"""Chapter 03 · 自定义UIMethod以UIModule: the notes' uimethods.py and uimodules.py, registered
and used in son.html, plus a module that renders a template of its own.

Run it:  make chapter-03        or   python -m chapters.ch03_ui_modules.app --port=8803
Lesson:  chapters/ch03_ui_modules/README.md
"""
if not __package__:
    raise SystemExit("Run it with `make chapter-03`, or in the venv: "
                     "python -m chapters.ch03_ui_modules.app")

import asyncio

import tornado.web

from workbook import manifest
from workbook.runner import parse_port, serve
from workbook.web import BaseHandler, NotFoundHandler, StaticHandler, number_argument

# Step1.定义: the notes' two files, modules of this package. (The notes' `import uimodules as md`
# was a Python 2 implicit relative import; inside a package, Python 3 says it explicitly.)
from . import uimethods as mt
from . import uimodules as md

CHAPTER = manifest.for_path(__file__)

# The Entry module's data: the second title is markup on purpose. It is data, and the module's
# template escapes it, so the page shows it as text and no script runs.
ENTRIES = [
    {"id": 1, "title": "Tornado 6.6", "body": "UIModules work as they did in Tornado 4.",
     "likes": 3},
    {"id": 2, "title": "<script>alert('not run')</script>",
     "body": "A title is data: Entry's template escapes it.", "likes": 0},
    {"id": 3, "title": "One module, three entries",
     "body": "entry.css and entry.js are linked once, not three times.", "likes": 1},
]


# Step3.使用: the notes' son.html, which calls {% module custom(123) %} and {{ tab() }}
class SonHandler(BaseHandler):
    def get(self):
        self.render("son.html")


class RepeatHandler(BaseHandler):
    """/repeat?n=3: custom rendered n times, and its CSS and JavaScript still in the page once."""

    def get(self):
        self.render("repeat.html", n=number_argument(self, "n", 3, low=1, high=20))


class EntriesHandler(BaseHandler):
    """/entries: the Entry module, three times, with its own template, CSS and JavaScript."""

    def get(self):
        self.render("entries.html", entries=ENTRIES)


def make_app(**overrides) -> tornado.web.Application:
    settings = {
        "template_path": manifest.ROOT / "tpl" / CHAPTER.slug,  # the notes: 'template_path': 'tpl'
        # Step2.注册: the notes pass the two modules; Tornado registers every UIModule subclass
        # in uimodules and every public lowercase function in uimethods. (A dict such as
        # {"custom": md.custom} or a list of modules works too.)
        "ui_methods": mt,
        "ui_modules": md,
        # A module's css_files()/javascript_files() names go through static_url(): c1.js is
        # served from static/ch03_ui_modules/c1.js as /static/c1.js?v=<hash of its content>.
        # One folder per chapter keeps each chapter's files apart under static/.
        "static_path": manifest.ROOT / "static" / CHAPTER.slug,
        "static_handler_class": StaticHandler,  # chapter 04: a 400, not a 500, for a NUL
        "default_handler_class": NotFoundHandler,
        **overrides,
    }
    return tornado.web.Application(
        [
            (r"/", SonHandler),
            (r"/repeat", RepeatHandler),
            (r"/entries", EntriesHandler),
        ],
        **settings,
    )


async def main(argv=None):
    await serve(make_app(), parse_port(argv, default=CHAPTER.port), paths=CHAPTER.paths)


if __name__ == "__main__":
    asyncio.run(main())
