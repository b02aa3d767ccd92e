"""Users. Their passwords are scrypt hashes (passwords.py)."""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import String, func
from sqlalchemy.orm import Mapped, mapped_column

from core.models import Base

NAME = re.compile(r"[a-z0-9_]{3,30}")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30), unique=True)
    password: Mapped[str] = mapped_column(String(200))
    joined: Mapped[datetime] = mapped_column(server_default=func.now())
