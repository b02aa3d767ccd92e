"""Chapter 05 exercise: a visit counter in a signed cookie, and a "remember my theme" cookie.

The routes and the secret are wired in make_app(); the handlers are yours. Make it so that:

  1. GET /visits answers {"visits": 1} on a first visit, and sets a *signed* cookie "visits"
     holding the count                      -> lesson §3, 加密cookie (set_signed_cookie)
  2. Sending that cookie back counts on: {"visits": 2}, then 3, ...
                                            -> get_signed_cookie gives bytes, or None
  3. A cookie this server did not sign (edited, forged with another secret, unsigned), one
     older than MAX_AGE_DAYS, or one that is not a number counts as a first visit:
     {"visits": 1}, never a 500           -> §3: what None means; int() can fail
  4. The visits cookie is HttpOnly, SameSite=Lax, Path=/ and expires in MAX_AGE_DAYS days,
     the same lifetime the server allows it
                                            -> §2, the attributes; §3, the two lifetimes
  5. POST /theme with theme=dark (or light) answers {"theme": "dark"} and remembers it in a
     plain cookie "theme": Max-Age one year (ONE_YEAR), Path=/, SameSite=Lax, and *not* HttpOnly
     (the page's JavaScript reads it to paint the page). Any other theme is a 400 that names it.
                                            -> §2 and §6; an HTTPError with a message
  6. GET /theme answers {"theme": ...} from the cookie; "light" when there is none, or when it
     is not one of THEMES (a plain cookie is whatever the client sends: §1).

Check your work with:  make check-05
"""
import tornado.web

from workbook.web import BaseHandler, NotFoundHandler

MAX_AGE_DAYS = 30
ONE_YEAR = 365 * 24 * 3600  # seconds
THEMES = ("light", "dark")


class VisitsHandler(BaseHandler):
    def get(self):
        # TODO steps 1-4: read the signed cookie "visits", count this visit, sign the new count
        # into the cookie with the right attributes, and write {"visits": count}
        raise tornado.web.HTTPError(501, "VisitsHandler.get is not written yet")


class ThemeHandler(BaseHandler):
    def get(self):
        # TODO step 6: write {"theme": ...} from the cookie "theme", "light" by default
        raise tornado.web.HTTPError(501, "ThemeHandler.get is not written yet")

    def post(self):
        # TODO step 5: read the form argument "theme", refuse what is not in THEMES with a 400,
        # set the cookie "theme" with the right attributes, and write {"theme": theme}
        raise tornado.web.HTTPError(501, "ThemeHandler.post is not written yet")


def make_app(cookie_secret: str) -> tornado.web.Application:
    # The secret is passed in: the tests use one of their own, never one written in this file.
    return tornado.web.Application(
        [(r"/visits", VisitsHandler), (r"/theme", ThemeHandler)],
        cookie_secret=cookie_secret,
        default_handler_class=NotFoundHandler,
    )
