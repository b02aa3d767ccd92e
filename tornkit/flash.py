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

Once the session middleware exists (chapter 19), the list belongs in the session, which has no
such limit and keeps the messages on the server.
"""
from __future__ import annotations

import json
from typing import Any

COOKIE_LIMIT = 4000  # bytes of name=value: what every browser keeps (RFC 6265 asks for >= 4096)


class FlashTooLarge(ValueError):
    """The waiting messages do not fit in one cookie."""


class FlashMessageMixIn:
    """Mix into a RequestHandler (before it): flash() and get_flashed_messages()."""

    flash_cookie = "_flash"
    flash_limit = COOKIE_LIMIT

    def _flashes(self: Any) -> list[tuple[str, str]]:
        """This request's list of waiting messages: the incoming cookie's, read once."""
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
        if messages or self.get_cookie(self.flash_cookie):
            self._flash_messages = []
            self.clear_cookie(self.flash_cookie)
        return list(messages)

