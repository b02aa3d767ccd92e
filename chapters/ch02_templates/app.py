"""Chapter 02 · 模板引擎 Templates: statements and expressions, the default namespace,
{% extends %} / {% block %} / {% include %}, autoescaping, and how templates are cached.

Run it:  make chapter-02        or   python -m chapters.ch02_templates.app --port=8802
Lesson:  chapters/ch02_templates/README.md
"""
if not __package__:
    raise SystemExit("Run it with `make chapter-02`, or in the venv: "
                     "python -m chapters.ch02_templates.app")

import asyncio

import tornado.locale
import tornado.web

from workbook import manifest
from workbook.runner import parse_port, serve
from workbook.web import BaseHandler, NotFoundHandler, StaticHandler

CHAPTER = manifest.for_path(__file__)
TEMPLATE_PATH = manifest.ROOT / "tpl" / CHAPTER.slug  # the notes: "template_path": "tpl"
STATIC_PATH = manifest.ROOT / "static" / CHAPTER.slug  # static_url("42.svg") looks here

# What / lists: each page the lesson asks you to try, and what it shows.
PAGES = [
    ("/statements", "§2 control statements {% %} and expressions {{ }}"),
    ("/statements?item=7&item=42%E5%8C%BA", "§2 the same, over the items you send"),
    ("/namespace", "§3 every name a template gets without being passed it"),
    ("/namespace?lang=zh_CN&user=topaz", "§3 the same, with a locale and a current_user"),
    ("/login", "§4 the notes' daddy.html, son.html and header.html: extends, block, include"),
    ("/echo?text=%3Cscript%3Ealert(1)%3C/script%3E", "§5 autoescape: {{ }} against {% raw %}"),
    ("/echo?text=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E%20www.tornadoweb.org",
     "§5 {% raw linkify(text) %}: links made, the rest escaped"),
]


class IndexHandler(BaseHandler):
    def get(self):
        self.render("index.html", pages=PAGES)


# --- 控制语句 and 表达语句: {% %} and {{ }} -----------------------------------------------------
class StatementsHandler(BaseHandler):
    """/statements?item=1024&item=42区: if, for, while and try, over the items you send."""

    DEFAULT_ITEMS = ["1024", "42区", "topaz"]
    MAX_ITEMS = 20

    def get(self):
        items = self.get_query_arguments("item") or self.DEFAULT_ITEMS
        if len(items) > self.MAX_ITEMS:
            raise tornado.web.HTTPError(400, "at most %d items, not %d", self.MAX_ITEMS, len(items))
        # Every keyword argument of render() is a name in the template: here, `items`.
        self.render("statements.html", items=items)


# --- The default namespace: what a template can use without being given it ---------------------
# _() translates with the request's locale. Tornado's usual way is
# tornado.locale.load_translations("locale/"), which reads CSV files into *process-wide* state;
# the chapter builds its two locales itself so that it changes nothing another app relies on.
LOCALES = {
    "en_US": tornado.locale.CSVLocale("en_US", {}),
    "zh_CN": tornado.locale.CSVLocale("zh_CN", {
        "unknown": {"Hello": "你好"},
        "singular": {"%(n)d book": "%(n)d 本书"},
        "plural": {"%(n)d books": "%(n)d 本书"},
    }),
}

# json_encode's demo data. The second title would end a <script> if it were written as it is.
SHELF = [
    {"title": "Tornado 4 notes", "pages": 600},
    {"title": "</script> is where a script ends", "pages": 42},
]


class NamespaceHandler(BaseHandler):
    """/namespace?q=...&lang=zh_CN&user=topaz: each name of the default namespace, applied."""

    DEFAULT_Q = "  <b>Tornado</b> &   friends:   www.tornadoweb.org  "

    def get_current_user(self):
        # A stand-in for a login (chapter 06 logs users in for real): ?user=topaz is the
        # current_user of this one request. The template's current_user is this value.
        return self.get_query_argument("user", None)

    def get_user_locale(self):
        # The template's `locale` and `_` come from here. None would mean: ask the browser
        # (Accept-Language), which finds only the locales that load_translations() loaded.
        lang = self.get_query_argument("lang", "en_US")
        if lang not in LOCALES:
            raise tornado.web.HTTPError(400, "lang must be one of %s, not %r", sorted(LOCALES), lang)
        return LOCALES[lang]

    def get(self):
        self.render("namespace.html", q=self.get_query_argument("q", self.DEFAULT_Q), shelf=SHELF)


# --- 1. {% extends %} && {% block %}, and 2. {% include 'header.html' %} --------------------------
class LoginHandler(BaseHandler):
    def get(self):
        # son.html extends daddy.html (its blocks replace daddy's) and includes header.html.
        self.render("son.html")

    def post(self):
        user = self.get_argument("username")
        # Plain text: the page alert()s it, and a "name" with markup must stay text (ch01 §5).
        self.set_header("Content-Type", "text/plain; charset=UTF-8")
        self.write(f"弹~~ {user}")


# --- Autoescaping -------------------------------------------------------------------------------
class EchoHandler(BaseHandler):
    """/echo?text=...: the visitor's text through {{ }} (escaped) and through raw linkify().
    The unescaped {% raw text %} version is naive.py, which only the tests start."""

    def get(self):
        self.render("echo.html", text=self.get_query_argument("text", "<b>bold?</b> www.tornadoweb.org"))


def make_app(**overrides) -> tornado.web.Application:
    # Tests override template_path (a copy in a temporary folder) and the cache settings:
    # compiled_template_cache, template_whitespace, debug.
    settings = {
        "template_path": str(TEMPLATE_PATH),
        "static_path": str(STATIC_PATH),
        "static_handler_class": StaticHandler,  # a 400, not a 500, for a NUL in the path
        "default_handler_class": NotFoundHandler,
        **overrides,
    }
    return tornado.web.Application(
        [
            (r"/", IndexHandler),
            (r"/statements", StatementsHandler),
            (r"/namespace", NamespaceHandler),
            (r"/login", LoginHandler),
            (r"/echo", EchoHandler),
        ],
        **settings,
    )


async def main(argv=None):
    await serve(make_app(), parse_port(argv, default=CHAPTER.port), paths=CHAPTER.paths)


if __name__ == "__main__":
    asyncio.run(main())
