"""The chapter's two demo users, with scrypt-hashed passwords (chapter 11 keeps users in MySQL;
here the point is what happens after the password is checked)."""
from __future__ import annotations

import hashlib
import hmac


def _hash(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=2**12, r=8, p=1, dklen=32)


USERS = {name: (uid, salt, _hash(password, salt)) for name, uid, password, salt in [
    ("topaz", "7", "tornado", b"ch19-salt-topaz!"), ("alice", "8", "wonderland", b"ch19-salt-alice!")]}


def check_password(name: str, password: str) -> str | None:
    """The user's id if the password is right, else None (same work either way)."""
    uid, salt, digest = USERS.get(name, (None, b"ch19-no-such-use", b""))
    return uid if hmac.compare_digest(_hash(password, salt), digest) else None
