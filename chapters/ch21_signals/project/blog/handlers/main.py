"""The blog's pages: the newest posts (read from the replica), a post, writing one, liking one."""
from __future__ import annotations

import tornado.web
from sqlalchemy import func, literal_column, select
from sqlalchemy.exc import IntegrityError

from accounts.receivers import post_count
from blog.models import BODY_MAX, TITLE_MAX, Like, Post
from blog.signals import post_published
from core.handlers import Page
from tornkit.db import paginate
from workbook.web import number_argument

PER_PAGE = 5
SERVER_ID = select(literal_column("@@server_id"))  # a SELECT: the replica answers it
LIKES = (select(func.count()).where(Like.post_id == Post.id)
         .correlate(Post).scalar_subquery().label("likes"))


def checked_post(title: str, body: str) -> tuple[str, str]:
    """The title and body stripped, or a 400 that says which is wrong."""
    # A form sends each line break as \r\n, which the page's counter (and maxlength) count as
    # one character: counted as one here too, and stored as \n.
    title, body = title.strip(), body.replace("\r\n", "\n").strip()
    if not 1 <= len(title) <= TITLE_MAX:
        raise tornado.web.HTTPError(400, "a title has 1 to %d characters, not %d",
                                    TITLE_MAX, len(title))
    if not 1 <= len(body) <= BODY_MAX:
        raise tornado.web.HTTPError(400, "a post has 1 to %d characters, not %d",
                                    BODY_MAX, len(body))
    return title, body


async def publish(handler, title: str, body: str) -> Post:
    """Write the post on the primary, then tell whoever listens (post_published)."""
    post = Post(title=title, body=body, author_id=handler.current_user["id"])
    handler.db.add(post)
    await handler.commit()  # and this visitor's next reads go to the primary for a while
    with handler.db.using_master():
        await handler.db.refresh(post, ["author", "published"])
    await post_published.send_async(type(handler), post=post, application=handler.application)
    return post


class Index(Page):
    async def get(self):
        page = number_argument(self, "page", 1, low=1, high=10**6)
        result = await paginate(self.db, select(Post, LIKES).order_by(Post.id.desc()),
                                page, PER_PAGE)
        self.render("index.html", result=result, read_by=await self.db.scalar(SERVER_ID))


class PostPage(Page):
    async def get(self, post_id: str):
        row = (await self.db.execute(select(Post, LIKES).where(Post.id == int(post_id)))).first()
        if row is None:
            raise tornado.web.HTTPError(404, "there is no post %s", post_id)
        post, likes = row
        self.render("post.html", post=post, likes=likes,
                    author_posts=await post_count(self.application, post.author_id))


class About(Page):
    """快速入门's welcome page: what this site runs on, and what its signals counted."""

    async def get(self):
        conf = self.application.conf
        with self.db.using_master():
            primary = await self.db.scalar(SERVER_ID)
        self.render("about.html", apps=conf.INSTALLED_APPS, middleware=conf.MIDDLEWARE_CLASSES,
                    common=conf.COMMON_MODULES, routes=conf.ROUTE_MODULES,
                    read_by=await self.db.scalar(SERVER_ID), primary=primary,
                    stats=sorted(self.application.stats.by_class.items()))


class NewPost(Page):
    def get(self):
        self.render("new.html", title_max=TITLE_MAX, body_max=BODY_MAX)

    async def post(self):
        title, body = checked_post(self.get_body_argument("title", ""),
                                   self.get_body_argument("body", ""))
        post = await publish(self, title, body)
        self.flash(f"Published “{post.title}”.", "success")
        self.redirect(self.reverse_url("post", post.id))


class LikePost(Page):
    """POST from the page's JavaScript (with the X-XSRFToken header): {"likes": n}."""

    async def post(self, post_id: str):
        self.db.add(Like(post_id=int(post_id), user_id=self.current_user["id"]))
        try:
            await self.commit()
        except IntegrityError as e:  # already liked (the primary key), or no such post
            await self.db.rollback()
            if "foreign key" in str(e.orig).lower():
                raise tornado.web.HTTPError(404, "there is no post %s", post_id) from None
        with self.db.using_master():  # the count that includes this like
            likes = await self.db.scalar(select(func.count()).where(Like.post_id == int(post_id)))
        self.write({"likes": likes})
