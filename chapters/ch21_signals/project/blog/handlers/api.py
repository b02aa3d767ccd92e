"""The blog's JSON API, authenticated by a bearer token (accounts' /api/token):

    GET  /api/posts?page=N    the newest posts, a page of them
    POST /api/posts           {"title": "...", "body": "..."} -> 201 and the new post
"""
from __future__ import annotations

import tornado.web
from sqlalchemy import select

from blog.handlers.main import LIKES, PER_PAGE, checked_post, publish
from blog.models import Post
from core.handlers import Api
from tornkit.db import paginate
from workbook.web import number_argument


class Posts(Api):
    async def get(self):
        await self.user()
        page = number_argument(self, "page", 1, low=1, high=10**6)
        result = await paginate(self.db, select(Post, LIKES).order_by(Post.id.desc()),
                                page, PER_PAGE)
        self.write_api({"page": result.page, "pages": result.pages, "total": result.total,
                        "posts": [post.as_json(likes) for post, likes in result.items]})

    async def post(self):
        user = await self.user()
        body = self.json_body()
        title, text = body.get("title"), body.get("body")
        if not isinstance(title, str) or not isinstance(text, str):
            raise tornado.web.HTTPError(400, 'send {"title": "...", "body": "..."}')
        self.current_user = {"id": user["userID"], "name": user["userName"]}
        post = await publish(self, *checked_post(title, text))
        self.set_status(201)
        self.write_api(post.as_json(likes=0))
