"""Chapter 01 · 路由系统 Routing, and the notes' practice app (来个实例练练手).

Run it:  make chapter-01        or   python -m chapters.ch01_routing.app --port=8801
Lesson:  chapters/ch01_routing/README.md
"""
if not __package__:
    raise SystemExit("Run it with `make chapter-01`, or in the venv: "
                     "python -m chapters.ch01_routing.app")

import asyncio

import tornado.web
from tornado.web import url

from workbook import manifest
from workbook.runner import parse_port, serve
from workbook.web import BaseHandler

CHAPTER = manifest.for_path(__file__)

# What / lists: each page the lesson asks you to try, and what it shows.
PAGES = [
    ("/index", "§1 MainHandler: Hello, world"),
    ("/story/42", "§1 a regex group, ([0-9]+), arrives in get() as the str '42'"),
    ("/story/12abc", "§1 a pattern must match the whole path: the catch-all answers instead"),
    ("/latest", "§2 a redirect to a path built by reverse_url('story', 42)"),
    ("/args?name=topaz&tag=a&tag=b", "§3 the request API: every way of reading an argument"),
    ("/index/abc", "§4 the any-host table: HomeHandler"),
    ("/pro/tea", "§4 the any-host table: ProHandler"),
    ("/admin/x", "§4 on this host, the catch-all AllHandler; on safe.localhost, AdminHandler"),
    ("/login", "§5 the practice app: a form, a hidden iframe and an alert()"),
]


class PagesHandler(BaseHandler):
    def get(self):
        port = self.request.host.rpartition(":")[2]  # for the safe.localhost link
        self.render("index.html", pages=PAGES,
                    port=port if port.isascii() and port.isdigit() else CHAPTER.port)


# --- 路由系统: a URL maps to a class, and the HTTP method to one of its methods ----------------
class MainHandler(BaseHandler):
    def get(self):
        self.write("Hello, world")


class StoryHandler(BaseHandler):
    def get(self, story_id):  # the route's group ([0-9]+) arrives as an argument, always a str
        self.write("You requested the story " + story_id)


class LatestStoryHandler(BaseHandler):
    LATEST = 42

    def get(self):
        # reverse_url builds a path from a route's name: no URL is written twice.
        self.redirect(self.reverse_url("story", self.LATEST))


# --- The request API the notes list under LoginHandler.get -------------------------------------
class ArgumentsHandler(BaseHandler):
    """/args?name=...&tag=...: each way of reading what the client sent, side by side."""

    def get(self):
        self.set_header("Cache-Control", "no-store")  # set_header: any response header
        self.write({  # a dict is sent as JSON, with Content-Type: application/json
            "get_query_argument('name')": self.get_query_argument("name", None),
            "get_query_arguments('tag')": self.get_query_arguments("tag"),
            "get_argument('name')": self.get_argument("name", None),
        })

    def post(self):
        self.write({
            "get_body_argument('name')": self.get_body_argument("name", None),
            "get_body_arguments('tag')": self.get_body_arguments("tag"),
            # get_argument looks in the query string *and* the body; the body's value comes last
            # and wins. Without a default, a missing argument is a 400 (MissingArgumentError).
            "get_argument('name')": self.get_argument("name"),
            "get_arguments('name')": self.get_arguments("name"),
        })


# --- 二级域名: the same path can mean different things on different hosts ------------------------
class WhoAnswers(BaseHandler):
    """Says which handler matched: the host table below is easier to see than to explain."""

    def get(self):
        self.write(f"{type(self).__name__} answered {self.request.host_name}{self.request.path}")


class IndexHandler(WhoAnswers): pass
class AdminHandler(WhoAnswers): pass
class CarHandler(WhoAnswers): pass
class HomeHandler(WhoAnswers): pass
class ProHandler(WhoAnswers): pass
class AllHandler(WhoAnswers): pass


# --- 来个实例练练手: the practice app -------------------------------------------------------------
class LoginHandler(BaseHandler):
    def get(self):
        self.render("son.html")  # found in template_path: tpl/ch01_routing/son.html

    def post(self):
        user = self.get_argument("username")
        # Plain text: the page alert()s it, and a name such as <img src=x onerror=...> stays text.
        self.set_header("Content-Type", "text/plain; charset=UTF-8")
        self.write(f"弹~~ {user}")


def make_app(**overrides) -> tornado.web.Application:
    settings = {
        "template_path": manifest.ROOT / "tpl" / CHAPTER.slug,  # the notes: 'template_path': 'tpl'
        **overrides,
    }
    app = tornado.web.Application(
        [
            (r"/", PagesHandler),
            (r"/index", MainHandler),
            url(r"/story/([0-9]+)", StoryHandler, name="story"),
            (r"/latest", LatestStoryHandler),
            (r"/args", ArgumentsHandler),
            (r"/login", LoginHandler),
            # The notes' table, host ".*" (any host). Routes are tried in order and a pattern
            # must match the whole path, so the catch-all /.* has to come last.
            (r"/index/\w*", HomeHandler),
            (r"/pro/\w*", ProHandler),
            (r"/.*", AllHandler),
        ],
        **settings,
    )
    # The notes' table, host "safe": on safe.localhost these win; what they do not match falls
    # through to the any-host routes above. Browsers send *.localhost to 127.0.0.1, so
    # http://safe.localhost:8801/admin/x works without editing /etc/hosts.
    app.add_handlers(r"safe\.localhost", [
        (r"/index/\d*", IndexHandler),
        (r"/admin/\w*", AdminHandler),
        (r"/car/\w*", CarHandler),
    ])
    return app


async def main(argv=None):
    # The notes: application.listen(8887); tornado.ioloop.IOLoop.instance().start()
    await serve(make_app(), parse_port(argv, default=CHAPTER.port), paths=CHAPTER.paths)


if __name__ == "__main__":
    asyncio.run(main())
