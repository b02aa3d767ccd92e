"""session: server-side sessions as a middleware, on the cache API (chapter 19).

    MIDDLEWARE_CLASSES = ("tornkit.session.SessionMiddleware",)
    SESSION = {
        "session_cache_alias": "default",  # a CACHES alias: where the sessions live
        "session_name": "__TORNADOSSID",   # the cookie's name
        "cookie_domain": "",               # "" = this host only
        "cookie_path": "/",
        "expires": 0,                      # seconds; 0 = until the browser closes
        "session_timeout": 24 * 60 * 60,   # how long the store keeps a browser session
        "ignore_change_ip": False,         # False: a visitor whose IP changes starts afresh
        "httponly": True, "secure": False, "samesite": "Lax",
        "session_version": "1",            # part of the store key: bump it to drop them all
    }

In a handler (any WebHandler; the session is loaded before on_prepare() and get()):

    self.session["userid"] = uid        # None for a key that is not there
    del self.session["userid"]          # a key that is not there is no error
    self.session.set_expire(30 * 24 * 3600)  # tornadopy's README writes self.set_expire()
    self.session.cycle_key()            # at login: same data, a new id (session fixation)
    self.session.flush()                # at logout: no data, the old id gone from the store

What changed from tornadopy's SessionMiddleware, and why:
- The id comes from `secrets` and the cookie is *signed* with the Application's cookie_secret
  (Tornado's signed values); tornadopy's `secret_key` setting is gone. An id whose signature
  fails, or that the store does not know (expired, flushed, made up), gives a fresh session
  with an id of the server's choosing: the visitor never picks their own id.
- A session that nothing changed costs no write: tornadopy saved every session on every request.
- The store is awaited, never blocking the process; a store that is down is a 503 with a message.
- expires = 0 is a browser-session cookie, and the store still forgets it after session_timeout.
"""
from __future__ import annotations

import re
import secrets
from collections.abc import Iterator, MutableMapping
from typing import Any

DEFAULTS = {
    "session_cache_alias": "default",
    "session_name": "__TORNADOSSID",
    "cookie_domain": "",
    "cookie_path": "/",
    "expires": 0,
    "session_timeout": 24 * 60 * 60,
    "ignore_change_ip": False,
    "httponly": True,
    "secure": False,
    "samesite": "Lax",
    "session_version": "1",
}
SESSION_ID = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)


class SessionError(Exception):
    """SESSION (or the Application) cannot be used for sessions."""


def settings_for(application: Any, name: str = "SESSION",
                 defaults: dict[str, Any] = DEFAULTS) -> dict[str, Any]:
    """The Application's SESSION over the defaults; an unknown key is an error naming it."""
    given = dict(getattr(application.conf, name, None) or {})
    unknown = sorted(set(given) - set(defaults))
    if unknown:
        hint = " (the Application's cookie_secret signs now)" if "secret_key" in unknown else ""
        raise SessionError(f"{name}: unknown setting(s) {', '.join(unknown)}{hint}; "
                           f"known: {', '.join(defaults)}")
    return {**defaults, **given}


class Session(MutableMapping):
    """A dict that remembers whether it was changed, and what should happen to its id."""

    def __init__(self, data: dict | None = None, *, key: str | None = None,
                 expires: int = 0) -> None:
        self._data = dict(data or {})
        self.key = key                # the id in the visitor's cookie; None: not stored yet
        self.expires = expires        # seconds; 0: a browser session
        self.modified = False         # something to write at the end of the request
        self.cycled = False           # a new id is wanted (login, logout)

    def __getitem__(self, name: str) -> Any:
        return self._data.get(name)   # tornadopy's: a missing key reads as None

    def __contains__(self, name: object) -> bool:
        return name in self._data

    def __setitem__(self, name: str, value: Any) -> None:
        if name not in self._data or self._data[name] != value:
            self._data[name] = value
            self.modified = True

    def __delitem__(self, name: str) -> None:
        if name in self._data:
            del self._data[name]
            self.modified = True

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"<Session {self._data!r}{' modified' if self.modified else ''}>"

    @property
    def data(self) -> dict:
        return dict(self._data)

    def set_expire(self, seconds: int) -> None:
        """Keep the session this many seconds (the cookie and the store); 0: browser session."""
        if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 0:
            raise ValueError(f"set_expire takes whole seconds >= 0, not {seconds!r}")
        if seconds != self.expires:
            self.expires = seconds
            self.modified = True

    def cycle_key(self) -> None:
        """Keep the data under a new id (call it at login): an id someone else knew, or
        planted in this browser, no longer leads to the logged-in session."""
        self.cycled = self.modified = True

    def flush(self) -> None:
        """Forget everything (call it at logout): the data, and the id in the store."""
        self._data.clear()
        self.cycled = self.modified = True


class SessionMiddleware:
    """Loads handler.session in process_request; saves it in process_response if it changed."""

    def process_init(self, application: Any) -> None:
        self.conf = conf = settings_for(application)
        if not application.settings.get("cookie_secret"):
            raise SessionError("SessionMiddleware signs its session ids: give the Application "
                               "a cookie_secret")
        if conf["session_cache_alias"] not in application.conf.CACHES:
            raise SessionError(f"SESSION: session_cache_alias {conf['session_cache_alias']!r} "
                               f"is not in CACHES ({', '.join(application.conf.CACHES)})")
        # A signature older than the longest life a session can have is refused (Tornado's
        # default is 31 days, shorter than some `expires`).
        self.max_age_days = max(conf["expires"], conf["session_timeout"]) / 86400 + 1

    # --- the two hooks ----------------------------------------------------------------------
    async def process_request(self, handler: Any, clear: Any) -> None:
        handler.session = await self.load(handler)

    def process_response(self, handler: Any, clear: Any, chunk: list) -> None:
        # No session when process_request never ran: a 405, an XSRF 403, a middleware before
        # this one that answered. Nothing to save then, and nothing to fail on.
        session = handler.__dict__.get("session")
        if session is not None and session.modified:
            # finish() cannot await: the handler sends the response once the save is done.
            handler.wait_before_send(self.save(handler, session))

    # --- the store --------------------------------------------------------------------------
    def cache(self, handler: Any) -> Any:
        return handler.application.caches[self.conf["session_cache_alias"]]

    def store_key(self, session_id: str) -> str:
        return f"session:{self.conf['session_version']}:{session_id}"

    def cookie_id(self, handler: Any) -> str | None:
        """The id in the visitor's cookie if its signature holds, else None."""
        value = handler.get_signed_cookie(self.conf["session_name"],
                                          max_age_days=self.max_age_days)
        value = value.decode("ascii", "replace") if value else ""
        return value if SESSION_ID.fullmatch(value) else None

    async def load(self, handler: Any) -> Session:
        session_id = self.cookie_id(handler)
        if session_id is None:
            return Session()
        record = await self.cache(handler).get(self.store_key(session_id))
        if not isinstance(record, dict):  # expired, flushed, never issued: a fresh one
            return Session()
        if not self.conf["ignore_change_ip"] and record.get("ip") != handler.request.remote_ip:
            return Session()  # the session stays with the address that made it
        return Session(record.get("data"), key=session_id, expires=record.get("expires", 0))

    async def save(self, handler: Any, session: Session) -> None:
        cache, conf, old = self.cache(handler), self.conf, session.key
        cookie = {"domain": conf["cookie_domain"] or None, "path": conf["cookie_path"]}
        if not session:  # empty (logged out): nothing to keep, nothing to remember it by
            if old is not None:
                await cache.delete(self.store_key(old))
                handler.clear_cookie(conf["session_name"], **cookie)
            return
        new = old if old is not None and not session.cycled else secrets.token_urlsafe(32)
        record = {"data": session.data, "ip": handler.request.remote_ip,
                  "expires": session.expires}
        await cache.set(self.store_key(new), record,
                        timeout=session.expires or conf["session_timeout"])
        if old is not None and new != old:
            await cache.delete(self.store_key(old))  # the old id leads nowhere now
        session.key, session.cycled, session.modified = new, False, False
        handler.set_signed_cookie(
            conf["session_name"], new,
            expires_days=session.expires / 86400 if session.expires else None,
            httponly=conf["httponly"], secure=conf["secure"], samesite=conf["samesite"],
            **cookie)
