"""Chapter 02 exercise, solved (with exercise_tpl/shelf.html next to it).

Why it looks like this:
  - self.render("shelf.html", owner=owner, books=books): every keyword argument becomes a name
    in the template, next to the default namespace (url_escape, handler, ...). render() finds
    the file under the template_path setting, which make_app() points at exercise_tpl/ next to
    this file, so the chapter's copy and this one each load their own templates.
  - The handler passes the data and decides nothing about HTML; the template decides how it
    looks, and its {{ }} escape every title on the way out.
"""
import asyncio
from pathlib import Path
from typing import NamedTuple

import tornado.web

from workbook.runner import parse_port, serve
from workbook.web import BaseHandler, NotFoundHandler

# Templates are found next to this file, whichever copy of it is running.
TEMPLATES = Path(__file__).resolve().parent / "exercise_tpl"


class Book(NamedTuple):
    title: str
    read: bool


SHELVES = {
    "topaz": [
        Book("Tornado in 42区", read=True),
        Book("Pride & <Prejudice>", read=False),
        Book("The 1024 nights", read=True),
    ],
    "newbie": [],
}


class ShelfHandler(BaseHandler):
    def get(self, owner):
        books = self.settings["shelves"].get(owner)
        if books is None:
            raise tornado.web.HTTPError(404, "no shelf named %s", owner)
        self.render("shelf.html", owner=owner, books=books)


class SearchHandler(BaseHandler):
    def get(self):
        self.set_header("Content-Type", "text/plain; charset=UTF-8")
        self.write(f"You searched for: {self.get_query_argument('q', '')}")


def make_app(shelves=None) -> tornado.web.Application:
    return tornado.web.Application(
        [
            (r"/shelf/(\w+)", ShelfHandler),
            (r"/search", SearchHandler),
        ],
        template_path=str(TEMPLATES),
        shelves=SHELVES if shelves is None else shelves,
        default_handler_class=NotFoundHandler,
    )


async def main(argv=None):
    await serve(make_app(), parse_port(argv, default=8822), paths=["/shelf/topaz", "/shelf/newbie"])


if __name__ == "__main__":
    asyncio.run(main())
