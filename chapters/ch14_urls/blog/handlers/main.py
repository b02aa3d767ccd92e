"""The blog's pages: the route table, and the README's Main handler."""
from tornkit.handler import WebHandler
from workbook.web import BaseHandler

# Arguments for the routes whose pattern has groups, so that the index can link to them.
EXAMPLES = {"blog-post": (7,)}


def route_table(application) -> list[dict]:
    rows = []
    for rule in application.wildcard_router.rules:
        kwargs = {k: v for k, v in rule.kwargs.items() if k != "route_name"}
        link = None
        if rule.name and (rule.regex.groups == 0 or rule.name in EXAMPLES):
            link = application.reverse_url(rule.name, *EXAMPLES.get(rule.name, ()))
        rows.append({"name": rule.name, "pattern": rule.regex.pattern, "link": link,
                     "handler": f"{rule.target.__module__}.{rule.target.__qualname__}",
                     "kwargs": kwargs})
    return rows


class Page(WebHandler, BaseHandler):
    """WebHandler's route kwargs and name, and the workbook's plain-text error pages."""


class IndexHandler(Page):
    def get(self):
        self.render("index.html", routes=route_table(self.application),
                    abc=self._url_kwargs["abc"], route_name=self.route_name)


class UserHandler(Page):
    def get(self):
        # The README's Main handler: the Url() kwarg, here replaced by this route's own.
        self.write({"route": self.route_name, "abc": self._url_kwargs["abc"]})


class RoutesHandler(Page):
    def get(self):
        self.write({"routes": route_table(self.application)})


class EchoHandler(Page):
    """What a route gave its handler: the route name, the kwargs, the path's groups."""

    def get(self, *args):
        self.write({"route": self.route_name, "kwargs": self._url_kwargs, "args": list(args)})
