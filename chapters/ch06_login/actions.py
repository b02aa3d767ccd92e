"""CSRF (the lesson's section 6): the two actions a forged request would want, POST /email and
POST /api/like. Nothing here defends them: the defence is two settings of app.py's make_app,
xsrf_cookies=True (every POST carries the _xsrf token, from a form field or the X-XSRFToken
header) and cross_origin_protection=True (Sec-Fetch-Site and Origin checked too).
"""
from __future__ import annotations

import tornado.web

from chapters.ch06_login.auth import BaseHandler
from chapters.ch06_login.forms import EmailForm


class EmailHandler(BaseHandler):  # what a forged form wants: the email resets the password
    @tornado.web.authenticated  # for a POST without a user: 403, not a redirect
    def post(self):
        form = EmailForm()
        user = self.application.users.get(self.current_user)
        if not form.validate(self):
            self.set_status(400)
            self.render("home.html", user=user, email_form=form)
            return
        user.email = form.values["email"]
        self.redirect("/")


class LikeHandler(BaseHandler):  # for the page's fetch(): the token in the X-XSRFToken header
    @tornado.web.authenticated
    def post(self):
        user = self.application.users.get(self.current_user)
        user.likes += 1
        self.write({"likes": user.likes})
