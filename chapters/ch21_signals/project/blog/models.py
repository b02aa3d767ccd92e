"""Posts and likes. tornadopy's demo wrote `session.add(Blog)`, the class, after assigning
class attributes (a new "post" shared by every request): here each post is an instance."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.models import Base

TITLE_MAX, BODY_MAX = 100, 2000


class Post(Base):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    published: Mapped[datetime] = mapped_column(server_default=func.now())
    # Loaded with the post in the same SELECT: an async session cannot load it lazily later.
    author: Mapped[User] = relationship(lazy="joined")

    def as_json(self, likes: int | None = None) -> dict:
        data = {"id": self.id, "title": self.title, "body": self.body,
                "author": self.author.name, "published": self.published.isoformat()}
        if likes is not None:
            data["likes"] = likes
        return data


class Like(Base):
    """One row per (post, user): a second like by the same user is the same row."""
    __tablename__ = "likes"

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
