"""Sign up, log in, log out: the session (on Redis) holds who the visitor is."""
from __future__ import annotations

import tornado.web
from sqlalchemy.exc import IntegrityError

from accounts.models import NAME, User
from accounts.passwords import PasswordMixin
from core.handlers import Page

REMEMBER = 30 * 24 * 3600  # "remember me": 30 days, as in tornadopy's README


def safe_next(target: str) -> str:
    """Only a path of this site: "//evil.example" and "https://..." would leave it (chapter 06)."""
    ok = target.startswith("/") and not target.startswith(("//", "/\\"))
    return target if ok and target.isprintable() else "/"


class SignUp(PasswordMixin, Page):
    def get(self):
        self.render("signup.html", error=None, name="")

    async def post(self):
        name = self.get_body_argument("name", "").strip().lower()
        password = self.get_body_argument("password", "")
        error = None
        if not NAME.fullmatch(name):
            error = "a name has 3 to 30 characters: a-z, 0-9 and _"
        elif not 8 <= len(password) <= 200:
            error = "a password has 8 to 200 characters"
        if error is None:
            self.db.add(User(name=name, password=await self.hashed(password)))
            try:
                await self.commit()
            except IntegrityError:  # the UNIQUE index on users.name: two sign-ups raced
                error = f"the name {name!r} is taken"
        if error is not None:
            self.set_status(400)
            return self.render("signup.html", error=error, name=name)
        self.flash(f"Welcome, {name}! Log in to write your first post.", "success")
        self.redirect(self.reverse_url("login"))


class Login(PasswordMixin, Page):
    def get(self):
        self.render("login.html", error=None, next=safe_next(self.get_query_argument("next", "/")))

    async def post(self):
        name = self.get_body_argument("name", "").strip().lower()
        with self.db.using_master():  # a user who signed up a moment ago is not on the replica yet
            user = await self.db.scalar(User.Q.where(User.name == name))
        if not await self.password_matches(self.get_body_argument("password", ""),
                                           user and user.password):
            self.set_status(403)
            return self.render("login.html", error="wrong name or password",
                               next=safe_next(self.get_body_argument("next", "/")))
        self.session.cycle_key()  # a new session id at login: the fixation defence
        self.session["userid"], self.session["name"] = user.id, user.name
        if self.get_body_argument("remember", ""):
            self.session.set_expire(REMEMBER)
        self.flash(f"Hello again, {user.name}.", "success")
        self.redirect(safe_next(self.get_body_argument("next", "/")))


class Logout(Page):
    def post(self):
        self.session.flush()  # the data and the id, gone from the store
        self.redirect(self.reverse_url("index"))

    def get(self):
        raise tornado.web.HTTPError(405, "log out with the form's POST (a link could be "
                                         "followed by any page that embeds it)")
