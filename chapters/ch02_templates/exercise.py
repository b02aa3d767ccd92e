"""Chapter 02 exercise: a reading shelf, rendered from a template.

ShelfHandler has the data and exercise_tpl/base.html is the layout, finished. Make
GET /shelf/topaz a page that:

  1. is rendered from exercise_tpl/shelf.html, given owner and books
                                       -> ShelfHandler.get, in this file: self.render(...)
  The rest happens in exercise_tpl/shelf.html:
  2. extends base.html: title "topaz's shelf", the page's body in base.html's block content
                                       -> {% extends %}, {% block title %}, {% block content %}
  3. lists the books in order, one <li> per book, with its title, escaped:
     a title such as <script>...</script> is shown, never run
                                       -> {% for %} ... {% end %}, {{ }}
  4. marks each book that was read: <li class="read">; the others are plain <li>
                                       -> {% if %} ... {% end %}
  5. links each title to the search: <a href="/search?q=Pride+%26+%3CPrejudice%3E">
                                       -> url_escape(), in the default namespace
  6. on an empty shelf (GET /shelf/newbie), says <p class="empty">Nothing on this shelf yet.</p>
     instead of the list               -> {% if books %} ... {% else %} ... {% end %}

Check your work with:  make check-02
Try it:  make try-02, then http://127.0.0.1:9802/shelf/topaz
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
        # TODO step 1: render "shelf.html" with owner=owner and books=books
        raise tornado.web.HTTPError(501, "ShelfHandler.get does not render shelf.html yet")


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
