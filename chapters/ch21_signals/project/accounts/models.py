"""Users, with scrypt-hashed passwords."""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime

from sqlalchemy import String, func
from sqlalchemy.orm import Mapped, mapped_column

from core.models import Base

NAME = re.compile(r"[a-z0-9_]{3,30}")
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


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30), unique=True)
    password: Mapped[str] = mapped_column(String(200))
    joined: Mapped[datetime] = mapped_column(server_default=func.now())
