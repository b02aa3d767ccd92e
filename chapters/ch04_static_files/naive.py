"""The notes' section 4 (静态文件) as written, for the tests to show what it does. Never served.

    settings = {
        'template_path': 'tpl',
        'static_path': 'static',
        'static_url_prefix': '/static/',
    }
    c.静态文件缓存: settings 添加下面一行，效果还没测试
        (r"/static", tornado.web.StaticFileHandler, {"path": settings["static_path"]}),

That line is a route, not a setting, so here it goes in the route list, the only place where it
can go at all. test_app.py shows what it then does: GET /static is a 500 (the pattern has no
group, so StaticFileHandler.get() gets no file name), and /static/a.png works without it,
served by the route that static_path creates. It also uses Tornado's own StaticFileHandler,
which answers a NUL byte in the path with a 500 (chapters/ch04_static_files/app.py fixes that).
"""
import tornado.web

from chapters.ch04_static_files.app import ASSETS, CHAPTER
from workbook import manifest


def make_app(static_path=ASSETS) -> tornado.web.Application:
    settings = {
        "template_path": str(manifest.ROOT / "tpl" / CHAPTER.slug),
        "static_path": str(static_path),
        "static_url_prefix": "/static/",
    }
    return tornado.web.Application([
        (r"/static", tornado.web.StaticFileHandler, {"path": settings["static_path"]}),
    ], **settings)
