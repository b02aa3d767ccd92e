"""scrypt password hashes, computed in the application's thread pool.

scrypt is slow on purpose (about 60 ms of CPU here, and 16 MiB of memory): on the IOLoop, every
login would stall every other visitor for that long. hashlib.scrypt releases the GIL, so in the
pool (chapter 20's async_execute) the loop goes on serving while it runs.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

from tornkit.db import async_execute

SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str | None) -> bool:
    """The same work whether or not the user exists: no timing tells which names are taken."""
    _, salt, digest = (stored or f"scrypt${'00' * 16}$").split("$")
    expected = hash_password(password, bytes.fromhex(salt)).split("$")[2]
    return stored is not None and hmac.compare_digest(expected, digest)


class PasswordMixin:
    """For handlers: `await self.hashed(password)`, `await self.password_matches(password, stored)`."""

    @async_execute
    def hashed(self, password: str) -> str:
        return hash_password(password)

    @async_execute
    def password_matches(self, password: str, stored: str | None) -> bool:
        return check_password(password, stored)
