"""Chapter 01 exercise: route a tiny shop.

The handlers are written; the routes are not. Fill in make_app() (and one handler) so that:

  1. /pro/7 shows product 7              -> a route with a regex group, like /story/([0-9]+)
  2. /pro lists the products with links  -> ProductListHandler calls reverse_url("product", id):
                                            the route of step 1 needs the name "product"
  3. / sends the visitor to /pro         -> tornado.web.RedirectHandler
  4. /orders exists only on admin.localhost (any other host: 404)
                                         -> app.add_handlers(host_pattern, [...])
  5. /search?q=tea&tag=green&tag=hot answers {"q": "tea", "tags": ["green", "hot"]}
                                         -> finish SearchHandler.get
Check your work with:  make check-01
"""
import tornado.web
from tornado.web import url  # noqa: F401  (you will want it for step 2)

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
        # TODO step 5: read q (default "") with get_query_argument and every tag with
        # get_query_arguments, then self.write({"q": ..., "tags": [...]})
        raise tornado.web.HTTPError(501, "SearchHandler.get is not written yet")


def make_app() -> tornado.web.Application:
    app = tornado.web.Application(
        [
            (r"/pro", ProductListHandler),
            (r"/search", SearchHandler),
            # TODO step 1 and 2: /pro/<digits> -> ProductHandler, named "product"
            # TODO step 3: / -> RedirectHandler to /pro
        ],
        default_handler_class=NotFoundHandler,
    )
    # TODO step 4: /orders -> OrdersHandler, on the host admin.localhost only
    return app
