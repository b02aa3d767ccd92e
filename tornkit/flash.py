"""FlashMessageMixIn (chapter 17): a message for the visitor's next page, as Flask's flash().

    class Login(FlashMessageMixIn, WebHandler):
        def post(self):
            self.flash(f"Welcome back, {username}", "success")
            self.redirect("/")

    base.html:  {% set messages = handler.get_flashed_messages() %} ... (category, message) pairs

The messages wait in one signed cookie (set_signed_cookie: the Application's cookie_secret), a
JSON list of [category, message]. flash() adds to this request's list, which starts from the
cookie that came in, so several flashes in one request all arrive; tornadopy started every
flash() from the incoming cookie again, so only the last one of a request survived.
get_flashed_messages() returns the list and clears the cookie: a message is shown once.

A browser keeps about 4 KB per cookie and drops a larger one without a word, so the messages
would be lost silently: flash() raises FlashTooLarge instead, naming the limit.

With chapter 19's SessionMiddleware, the list lives in the session instead, under
flash_session_key: nothing of it in a cookie, no 4 KB limit, the messages kept on the server.
The same calls, the same rules: several per request all arrive, get_flashed_messages() removes
them from the session (a change, so the session is saved). Messages pile up until a page shows
them, so a bound stays: flash() raises FlashTooLarge past flash_session_limit bytes of JSON.
"""
from __future__ import annotations

import json
from typing import Any

COOKIE_LIMIT = 4000  # bytes of name=value: what every browser keeps (RFC 6265 asks for >= 4096)
SESSION_LIMIT = 64 * 1024  # bytes of JSON in the session: far above any page's messages


class FlashTooLarge(ValueError):
    """The waiting messages do not fit in one cookie (or over the session's bound)."""


class FlashMessageMixIn:
    """Mix into a RequestHandler (before it): flash() and get_flashed_messages()."""

    flash_cookie = "_flash"
    flash_limit = COOKIE_LIMIT
    flash_session_key = "_flashes"
    flash_session_limit = SESSION_LIMIT

    def _flash_session(self: Any) -> Any:
        """The session SessionMiddleware loaded for this request, or None: no middleware, or a
        request it never reached (a 405, an XSRF 403). Looking creates nothing."""
        return self.__dict__.get("session")

    def _flashes(self: Any) -> list[tuple[str, str]]:
        """This request's list of waiting messages: the session's, or the incoming cookie's."""
        session = self._flash_session()
        if session is not None:
            try:
                return [(str(c), str(m)) for c, m in session.get(self.flash_session_key) or []]
            except (ValueError, TypeError):
                return []  # not a list of pairs: nothing flash() stored
        if not hasattr(self, "_flash_messages"):
            value = self.get_signed_cookie(self.flash_cookie)
            try:
                loaded = json.loads(value) if value else []
                self._flash_messages = [(str(c), str(m)) for c, m in loaded]
            except (ValueError, TypeError):
                self._flash_messages = []  # not ours: a cookie signed by us is always a list
        return self._flash_messages

    def flash(self: Any, message: str, category: str = "message") -> None:
        """Keep message (shown under category) for the next page that shows the messages."""
        messages = [*self._flashes(), (str(category), str(message))]
        value = json.dumps(messages, ensure_ascii=False)
        session = self._flash_session()
        if session is not None:
            size = len(value.encode())
            if size > self.flash_session_limit:
                raise FlashTooLarge(
                    f"the flashed messages waiting in the session would take {size} bytes, "
                    f"over the limit of {self.flash_session_limit} bytes: messages wait until "
                    f"a page shows them, so flash less, or show them")
            session[self.flash_session_key] = [list(pair) for pair in messages]  # a new list
            return
        signed = self.create_signed_value(self.flash_cookie, value)
        size = len(self.flash_cookie) + 1 + len(signed)
        if size > self.flash_limit:
            raise FlashTooLarge(
                f"the flashed messages need a cookie of {size} bytes, over the limit of "
                f"{self.flash_limit} bytes (a browser drops larger cookies): flash less, or "
                f"keep the messages in the session")
        self._flash_messages = messages
        self.set_signed_cookie(self.flash_cookie, value, expires_days=None, httponly=True,
                               samesite="Lax")

    def get_flashed_messages(self: Any) -> list[tuple[str, str]]:
        """The waiting (category, message) pairs, oldest first; afterwards there are none."""
        messages = self._flashes()
        session = self._flash_session()
        if session is not None:
            if self.flash_session_key in session:  # a change only if there was something
                del session[self.flash_session_key]
            return messages
        if messages or self.get_cookie(self.flash_cookie):
            self._flash_messages = []
            self.clear_cookie(self.flash_cookie)
        return list(messages)

