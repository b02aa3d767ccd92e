"""The site's declarative base: a registry and a MetaData of its own, so that create_all makes
the site's tables and nobody else's."""
from sqlalchemy.orm import DeclarativeBase

from tornkit.db import ModelMixin


class Base(ModelMixin, DeclarativeBase):
    pass
