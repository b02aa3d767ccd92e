"""The chapter's one table: notes, declared on tornkit.db.Model (tornadopy's BaseModel)."""
from __future__ import annotations

import datetime

from sqlalchemy import DateTime, String, func
from sqlalchemy.orm import Mapped, mapped_column

from tornkit.db import Model


class BaseModel(Model):
    __abstract__ = True
    __connection_name__ = "default"  # the DATABASE_CONNECTION entry (tornadopy's default)

    id: Mapped[int] = mapped_column(primary_key=True)


class Note(BaseModel):
    __tablename__ = "notes"
    # utf8mb4: MySQL's "utf8" stops at 3 bytes, and a server's default may be latin1
    __table_args__ = {"mysql_charset": "utf8mb4"}

    body: Mapped[str] = mapped_column(String(200))
    created: Mapped[datetime.datetime] = mapped_column(DateTime, server_default=func.now())
