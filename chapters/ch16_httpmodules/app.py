"""Chapter 16 · HTTP处理器 (HTTP modules): COMMON_MODULES, ROUTE_MODULES, the plan per route.

Run it:  make chapter-16        or   python -m chapters.ch16_httpmodules.app --port=8816
Lesson:  chapters/ch16_httpmodules/README.md
"""
if not __package__:
    raise SystemExit("Run it with `make chapter-16`, or in the venv: "
                     "python -m chapters.ch16_httpmodules.app")

import asyncio

from tornkit.application import Application
from tornkit.conf import Settings
from tornkit.handler import WebHandler
from tornkit.urls import Url, route
from workbook import manifest
from workbook.runner import parse_port, serve
from workbook.web import BaseHandler, NotFoundHandler

CHAPTER = manifest.for_path(__file__)
TEMPLATE_PATH = manifest.ROOT / "tpl" / CHAPTER.slug
DATA_DIR = manifest.ROOT / "var" / CHAPTER.slug  # the app writes nothing; the setting is kept
M = "chapters.ch16_httpmodules.httpmodules."

# --- HTTP处理器配置 ----------------------------------------------------------------------------
# The modules run inside one middleware, HttpModuleMiddleware.
MIDDLEWARE_CLASSES = ("tornkit.httpmodule.HttpModuleMiddleware",)
# 全局处理器: every request, in this order, before any route module.
COMMON_MODULES = (M + "RequestId", M + "Trace")
# 路由处理器: a route name (exactly that route) or a path regex (the whole path).
ROUTE_MODULES = {
    "Index": ["!" + M + "Trace"],  # the index page skips one common module
    "User": [M + "LoginRequired"],  # the route named User (/user), not /UserList
    r"/user/.+": [M + "LoginRequired"],  # every path under /user/
    "Api": ["!all", M + "ApiHeaders"],  # no common module at all, then a route module
}


# --- handlers: each page says which modules ran for it ------------------------------------------
class Page(BaseHandler, WebHandler):
    def plan(self) -> list[str]:
        return [type(module).__name__ for module in getattr(self, "http_modules", [])]


class Index(Page):
    def get(self):
        self.render("index.html", common=COMMON_MODULES, route_modules=ROUTE_MODULES,
                    plan=self.plan())


class ShowPlan(Page):
    def get(self, *args):
        self.write({"route": self.route_name, "path": self.request.path, "modules": self.plan(),
                    "seen": getattr(self, "seen", [])})


u = Url()
urls = route(
    u(r"/", Index, name="Index"),
    u(r"/user", ShowPlan, name="User"),
    u(r"/UserList", ShowPlan, name="UserList"),
    u(r"/user/(\w+)", ShowPlan, name="Profile"),
    u(r"/api/ping", ShowPlan, name="Api"),
)


def make_app(**overrides) -> Application:
    conf = Settings(MIDDLEWARE_CLASSES=MIDDLEWARE_CLASSES,
                    COMMON_MODULES=overrides.pop("common_modules", COMMON_MODULES),
                    ROUTE_MODULES=overrides.pop("route_modules", ROUTE_MODULES))
    settings = {"template_path": TEMPLATE_PATH, "default_handler_class": NotFoundHandler,
                "data_dir": DATA_DIR, **overrides}
    return Application(urls, conf=conf, **settings)


async def main(argv=None):
    await serve(make_app(), parse_port(argv, default=CHAPTER.port), paths=CHAPTER.paths)


if __name__ == "__main__":
    asyncio.run(main())
