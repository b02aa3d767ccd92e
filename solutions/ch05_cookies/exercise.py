"""Chapter 05 exercise, solved.

Why it looks like this:
  - get_signed_cookie returns None for every cookie the server cannot vouch for: a wrong
    signature (edited or forged), a wrong name, or a timestamp older than max_age_days. So one
    `is None` check covers all the attacks, and none of them needs a branch of its own.
  - max_age_days is what the *server* enforces. expires_days only tells the browser when to
    drop the cookie; whoever copied the cookie out of the browser is not bound by it. Both get
    the same MAX_AGE_DAYS, so the two lifetimes agree.
  - A signed value is still parsed carefully: the signature proves who wrote it, not that it is
    a number (an older version of the app may have written something else). int() inside
    try/except turns anything odd into "first visit" instead of a 500.
  - The value comes back as bytes; int() accepts b"41" as it is.
  - The counter is HttpOnly (no script needs it, so no injected script can read it) and
    SameSite=Lax (other sites' forms and images do not carry it).
  - The theme is a plain cookie on purpose: it is a preference, not a claim, and the page's
    JavaScript must read it, so it is not HttpOnly. Because the client can write anything into
    it, both the POST and the GET check it against THEMES: an allow-list, not an escape.
  - max_age=ONE_YEAR (Max-Age, relative seconds) rather than an absolute expires date.
"""
import tornado.web

from workbook.web import BaseHandler, NotFoundHandler

MAX_AGE_DAYS = 30
ONE_YEAR = 365 * 24 * 3600  # seconds
THEMES = ("light", "dark")


class VisitsHandler(BaseHandler):
    def get(self):
        value = self.get_signed_cookie("visits", max_age_days=MAX_AGE_DAYS)
        try:
            count = int(value) + 1 if value is not None else 1
        except ValueError:
            count = 1
        self.set_signed_cookie("visits", str(count), expires_days=MAX_AGE_DAYS,
                               httponly=True, samesite="Lax")
        self.write({"visits": count})


class ThemeHandler(BaseHandler):
    def get(self):
        theme = self.get_cookie("theme")
        self.write({"theme": theme if theme in THEMES else "light"})

    def post(self):
        theme = self.get_body_argument("theme")
        if theme not in THEMES:
            raise tornado.web.HTTPError(400, "unknown theme %r: choose one of %s", theme,
                                        ", ".join(THEMES))
        self.set_cookie("theme", theme, max_age=ONE_YEAR, path="/", samesite="Lax")
        self.write({"theme": theme})


def make_app(cookie_secret: str) -> tornado.web.Application:
    # The secret is passed in: the tests use one of their own, never one written in this file.
    return tornado.web.Application(
        [(r"/visits", VisitsHandler), (r"/theme", ThemeHandler)],
        cookie_secret=cookie_secret,
        default_handler_class=NotFoundHandler,
    )
