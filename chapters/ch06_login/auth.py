"""Who is logged in (the lesson's section 2, 实例2's BaseHandler): the signed login cookie, read
by get_current_user() and set by log_in(). Every handler of chapter 06's app that needs a user
builds on this BaseHandler: @tornado.web.authenticated asks it for self.current_user.

    class MembersHandler(BaseHandler):
        @tornado.web.authenticated          # no current_user: a redirect to login_url?next=...
        def get(self): ...
"""
from __future__ import annotations

from workbook.web import BaseHandler as WorkbookHandler

COOKIE = "user"  # the notes call it login_user
COOKIE_DAYS = 7


class BaseHandler(WorkbookHandler):
    def get_current_user(self) -> str | None:
        # bytes, or None (missing, too old, or a wrong signature): decoded, or pages show b'topaz'
        value = self.get_signed_cookie(COOKIE, max_age_days=COOKIE_DAYS)
        if value is None:
            return None
        name = value.decode()
        return name if self.application.users.get(name) else None  # a deleted user: logged out

    def log_in(self, name: str) -> None:
        # HttpOnly: no page script (no XSS) reads it. SameSite=Lax: not sent with another
        # *site*'s POSTs, which is not enough on its own (section 6).
        self.set_signed_cookie(COOKIE, name, expires_days=COOKIE_DAYS, httponly=True,
                               samesite="Lax")
