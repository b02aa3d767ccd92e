"""The notes' login (实例1 / 实例2) as they wrote it, with today's method names: kept only so
that the tests can show what goes wrong with it. Never serve it anywhere.

What is unsafe here, and where the chapter's app (app.py) fixes it:

  1. cookie_secret is the one printed in the notes: anyone who has read them can sign a
     "user=topaz" cookie and is topaz.            -> workbook.secrets.cookie_secret
  2. `if user == "topaz"`: the username is the whole check; there is no password.
                                                              -> users.UserStore (scrypt)
  3. the page goes back to ?next= unchecked: //evil.example is an open redirect.
                                                              -> redirects.safe_next
  4. no xsrf_cookies: a page on any other origin can make a logged-in visitor's browser
     POST to /email.                                          -> xsrf_cookies=True
  5. (表单验证) the article's first form: re.match, and | inside [...].
                                                              -> forms.Field
The pages, templates and the protected actions are the app's own, so that the only
differences are the ones above.
"""
from __future__ import annotations

import re

from chapters.ch06_login import app as fixed
from chapters.ch06_login.forms import LoginForm
from chapters.ch06_login.users import DEMO_PASSWORD, DEMO_USER
from workbook import manifest
from workbook.web import NotFoundHandler

# The notes' settings: 'cookie_secret':'t114uXSkw1SZ6xlWOCASQWYKkIuW7Wl2bTnbsLzsJyoOI7EqnnaT8HDzFNbB9Ryw'
NOTES_SECRET = "t114uXSkw1SZ6xlWOCASQWYKkIuW7Wl2bTnbsLzsJyoOI7EqnnaT8HDzFNbB9Ryw"


class LoginHandler(fixed.BaseHandler):
    def get(self):
        self.render("login.html", form=LoginForm(), next=self.get_argument("next", "/"),
                    demo=(DEMO_USER, DEMO_PASSWORD))

    def post(self, *args, **kwargs):
        user = self.get_argument("username")
        if user == "topaz":  # the notes' whole check: no password
            self.set_signed_cookie(fixed.COOKIE, "topaz")  # set_secure_cookie in the notes
            # The notes redirect to "/"; with @authenticated's ?next= the usual next step is
            # this line, and it goes wherever the query string says.
            self.redirect(self.get_argument("next", "/"))
        else:
            self.render("login.html", form=LoginForm({"username": user}), next="/",
                        demo=(DEMO_USER, DEMO_PASSWORD))


def make_app(**overrides) -> fixed.Application:
    settings = {
        "template_path": manifest.ROOT / "tpl" / fixed.CHAPTER.slug,
        "login_url": "/login",
        "cookie_secret": NOTES_SECRET,  # published with the notes
        # no xsrf_cookies, no cross_origin_protection
        "default_handler_class": NotFoundHandler,
        **overrides,  # users=...
    }
    return fixed.Application(
        [
            (r"/", fixed.HomeHandler),
            (r"/by-hand", fixed.ByHandHandler),
            (r"/members", fixed.MembersHandler),
            (r"/login", LoginHandler),
            (r"/logout", fixed.LogoutHandler),
            (r"/email", fixed.EmailHandler),
            (r"/api/like", fixed.LikeHandler),
        ],
        **settings,
    )


# --- 表单验证, the article's first step (ported to Python 3; it printed with Python 2) -----------
class MainForm:
    """wupeiqi's first form: the attributes are regexes, named like the form's inputs.
    check_valid took the handler and called get_argument(key); here it takes a dict."""

    def __init__(self):
        self.host = "(.*)"
        self.ip = r"^(25[0-5]|2[0-4]\d|[0-1]?\d?\d)(\.(25[0-5]|2[0-4]\d|[0-1]?\d?\d)){3}$"
        self.port = r"(\d+)"
        self.phone = r"^1[3|4|5|8][0-9]\d{8}$"

    def check_valid(self, arguments: dict[str, str]) -> bool:
        flag = True
        for key, regular in self.__dict__.items():
            post_value = arguments[key]
            ret = re.match(regular, post_value)  # anchored at the start only
            if not ret:
                flag = False
        return flag
