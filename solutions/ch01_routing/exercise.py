"""Chapter 01 exercise, solved.

Why it looks like this:
  - url(..., name="product") is what lets ProductListHandler call reverse_url("product", id):
    the path is written once, in the route table, and every link is built from it.
  - The group ([0-9]+) both captures the id and refuses /pro/abc (patterns are anchored with $).
  - RedirectHandler needs no class of your own; pass its target in the route's kwargs dict.
  - add_handlers() puts admin.localhost's routes before the any-host ones; on other hosts
    /orders matches nothing and default_handler_class answers 404.
  - get_query_argument("q", "") gives a default instead of a 400; get_query_arguments("tag")
    returns every value of a repeated argument, or [].
"""
import tornado.web
from tornado.web import url

from workbook.web import BaseHandler, NotFoundHandler

PRODUCTS = {"1": "Green tea", "2": "Oolong", "3": "Pu-erh"}


class ProductListHandler(BaseHandler):
    def get(self):
        for product_id, name in PRODUCTS.items():
            self.write(f'<a href="{self.reverse_url("product", product_id)}">{name}</a>\n')


class ProductHandler(BaseHandler):
    def get(self, product_id):
        name = PRODUCTS.get(product_id)
        if name is None:
            raise tornado.web.HTTPError(404, "no product %s", product_id)
        self.write(f"Product {product_id}: {name}")


class OrdersHandler(BaseHandler):
    def get(self):
        self.write("3 open orders")


class SearchHandler(BaseHandler):
    def get(self):
        self.write({
            "q": self.get_query_argument("q", ""),
            "tags": self.get_query_arguments("tag"),
        })


def make_app() -> tornado.web.Application:
    app = tornado.web.Application(
        [
            (r"/pro", ProductListHandler),
            (r"/search", SearchHandler),
            url(r"/pro/([0-9]+)", ProductHandler, name="product"),
            (r"/", tornado.web.RedirectHandler, {"url": "/pro"}),
        ],
        default_handler_class=NotFoundHandler,
    )
    app.add_handlers(r"admin\.localhost", [(r"/orders", OrdersHandler)])
    return app
