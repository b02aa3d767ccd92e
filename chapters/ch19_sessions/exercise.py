"""Chapter 19 exercise: the session middleware's core, load and save, and the fixation defence.

tornkit.session has its own; try without reading it first. Given (inherited from
tornkit.session.SessionMiddleware): process_init (self.conf, the SESSION settings;
self.max_age_days), process_request (handler.session = await self.load(handler)),
self.cache(handler) (the cache API: get, set(..., timeout=), delete), self.store_key(id) and
self.cookie_id(handler) (the id in the signed cookie, or None). tornkit.session.Session is the
dict that knows when it changed (.modified, .cycled, .key, .expires, .data).

Write the three methods marked TODO:

  1. load(handler) -> Session. The store keeps {"data": ..., "ip": ..., "expires": ...} under
        self.store_key(id). A missing or badly signed cookie, an id the store does not have,
        or (unless conf["ignore_change_ip"]) a record made from another IP: a fresh, empty
        Session(). Else Session(data, key=id, expires=...).            -> lesson §2
  2. process_response(handler, clear, chunk): save only a session that changed; none at all
        when process_request never ran (a 405, an XSRF 403: handler has no session). It
        cannot await: hand the save to handler.wait_before_send(...).  -> lesson §3
  3. save(handler, session): an empty session: delete its record and clear the cookie. Else
        the id: the old one, unless there is none yet or session.cycled asks for a new one
        (secrets.token_urlsafe(32): an id the visitor brought never becomes a logged-in
        session); write the record with the session's expiry (0: conf["session_timeout"]);
        delete the old record if the id changed; then the signed cookie (conf: session_name,
        cookie_path, cookie_domain, httponly, secure, samesite; expires 0: no expiry date,
        a browser-session cookie).                                     -> lesson §3, §4

Check your work with:  make check-19        Try it:  make try-19
"""
from __future__ import annotations

import secrets

from tornkit import session as reference
from tornkit.application import Application
from tornkit.conf import Settings
from tornkit.handler import WebHandler
from tornkit.session import Session
from workbook.web import BaseHandler, NotFoundHandler


class SessionMiddleware(reference.SessionMiddleware):
    async def load(self, handler) -> Session:
        raise NotImplementedError("load: step 1")  # TODO step 1

    def process_response(self, handler, clear, chunk) -> None:
        raise NotImplementedError("process_response: step 2")  # TODO step 2

    async def save(self, handler, session: Session) -> None:
        raise NotImplementedError("save: step 3")  # TODO step 3


# --- Given: a small app on this middleware (make try-19; the tests use it) ------------------
class Page(BaseHandler, WebHandler):
    def answer(self):
        self.write({"user": self.session["userid"], "visits": self.session["visits"] or 0})


class Index(Page):
    def get(self):  # reads the session only
        self.xsrf_token  # sets the _xsrf cookie, which the POSTs below need
        self.answer()


class Count(Page):
    def post(self):
        self.session["visits"] = (self.session["visits"] or 0) + 1
        self.answer()


class Login(Page):
    def post(self):
        self.session.cycle_key()
        self.session["userid"] = self.get_body_argument("name")
        if self.get_body_argument("remember", ""):
            self.session.set_expire(30 * 24 * 3600)
        self.answer()


class Logout(Page):
    def post(self):
        self.session.flush()
        self.answer()


def make_app(cookie_secret: str, caches: dict | None = None, **session) -> Application:
    """caches: CACHES (default: one LocMemCache); session: SESSION settings."""
    conf = Settings(MIDDLEWARE_CLASSES=(SessionMiddleware,),
                    CACHES=caches or {"default": {"BACKEND":
                                                  "tornkit.cache.backends.locmem.LocMemCache"}},
                    SESSION=session)
    return Application([(r"/", Index), (r"/count", Count), (r"/login", Login),
                        (r"/logout", Logout)], conf=conf, cookie_secret=cookie_secret,
                       xsrf_cookies=True, default_handler_class=NotFoundHandler)
