"""The site's declarative base: a registry and a MetaData of its own, so that create_all makes
the site's tables and nobody else's."""
from sqlalchemy.orm import DeclarativeBase

from tornkit.db import ModelMixin


class Base(ModelMixin, DeclarativeBase):
    # Every table in utf8mb4: MySQL's "utf8" stops at 3 bytes, and a server's default may be
    # latin1, where comparing a name with "‮" or "🌪" in it is an error (a 500), not a miss.
    __table_args__ = {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci"}
