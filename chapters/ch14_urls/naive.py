"""tornadopy's WebHandler and its route kwargs, ported just far enough to run on Python 3 and
Tornado 6.6, with its bug kept (PART2 B1). Do not use: chapter 14's tests attack it.

tornadopy kept the route's kwargs in `_url_kwargs`, a dict defined on the *class* and updated in
place for every request. Every handler class shares it with every other (it is one dict, on
_HandlerPatch), so a kwarg of one route is still there for the next request of another route.
"""
import tornado.web


class WebHandler(tornado.web.RequestHandler):
    _url_kwargs = {}  # the bug: one dict for every request of every route

    def __init__(self, application, request, **kwargs):
        if kwargs:
            self._url_kwargs.update(kwargs)  # updates the class attribute
            kwargs.clear()
        super().__init__(application, request, **kwargs)


class Show(WebHandler):
    def get(self):
        self.write(dict(self._url_kwargs))


def make_app() -> tornado.web.Application:
    return tornado.web.Application([
        tornado.web.url(r"/admin", Show, {"secret_role": "admin"}, name="admin"),
        tornado.web.url(r"/public", Show, name="public"),
    ])
