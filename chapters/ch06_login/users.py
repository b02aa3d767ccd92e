"""The users of chapter 06: passwords hashed with scrypt, and a store that keeps them in memory
(chapter 11 keeps them in MySQL). The lesson's section 3 walks through it.

    users = demo_users()                                   # topaz / tornado-6.6
    user = await users.authenticate("topaz", "tornado-6.6")  # the User, or None
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from tornado.ioloop import IOLoop

# A demo account, printed on the login page. Only its scrypt hash is kept in memory.
DEMO_USER, DEMO_PASSWORD, DEMO_EMAIL = "topaz", "tornado-6.6", "topaz@example.com"

# --- Passwords: scrypt with a salt per user, never stored or compared in plain text -------------
SCRYPT = {"n": 2**14, "r": 8, "p": 1}  # Django's scrypt defaults: 16 MiB and a few 10 ms a hash


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)  # a new random salt for every user
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **SCRYPT)
    return f"scrypt${SCRYPT['n']}${SCRYPT['r']}${SCRYPT['p']}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    algorithm, n, r, p, salt, digest = stored.split("$")
    if algorithm != "scrypt":
        raise ValueError(f"unknown password hash {algorithm!r}")
    expected = bytes.fromhex(digest)
    candidate = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r),
                               p=int(p), dklen=len(expected))
    # compare_digest takes as long whatever the first differing byte: == would stop early and
    # let a patient attacker learn how much of a guess was right.
    return hmac.compare_digest(candidate, expected)


@functools.cache
def _decoy_hash() -> str:
    """The hash of a password nobody knows: an unknown username is checked against it, so that
    "no such user" costs as much time as "wrong password" and does not give names away."""
    return hash_password(secrets.token_urlsafe(16))


@functools.cache
def _demo_hash() -> str:
    return hash_password(DEMO_PASSWORD)


# --- The store ---------------------------------------------------------------------------------
@dataclass
class User:
    name: str
    password_hash: str
    email: str = ""
    phone: str = ""
    likes: int = 0


class UserStore:
    """The users, in memory: they last as long as the process."""

    def __init__(self) -> None:
        self._users: dict[str, User] = {}

    def add(self, name: str, password_hash: str, email: str = "", phone: str = "") -> User:
        if name in self._users:
            raise KeyError(name)
        self._users[name] = User(name, password_hash, email, phone)
        return self._users[name]

    def get(self, name: str) -> User | None:
        return self._users.get(name)

    def remove(self, name: str) -> None:
        del self._users[name]

    async def register(self, name: str, password: str, **fields) -> User:
        # scrypt is deliberately slow: run it in a thread, not on the event loop (chapter 09)
        password_hash = await IOLoop.current().run_in_executor(None, hash_password, password)
        return self.add(name, password_hash, **fields)

    async def authenticate(self, name: str, password: str) -> User | None:
        user = self._users.get(name)
        stored = user.password_hash if user else _decoy_hash()
        ok = await IOLoop.current().run_in_executor(None, verify_password, password, stored)
        return user if ok and user else None


def demo_users() -> UserStore:
    users = UserStore()
    users.add(DEMO_USER, _demo_hash(), DEMO_EMAIL)
    return users
