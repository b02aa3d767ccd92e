"""Blog posts: /blog/post/7 (a path group) and /blog/posts."""
from tornado.web import HTTPError

from chapters.ch14_urls.blog.handlers.main import Page

POSTS = {7: "Routes as data", 8: "include() and names"}


class PostHandler(Page):
    def get(self, post_id):
        post = POSTS.get(int(post_id))
        if post is None:
            raise HTTPError(404, "there is no post %s", post_id)
        self.write({"route": self.route_name, "id": int(post_id), "title": post,
                    "url": self.reverse_url("blog-post", post_id)})


class ListHandler(Page):
    def get(self):
        self.write({"route": self.route_name,
                    "posts": [self.reverse_url("blog-post", n) for n in sorted(POSTS)]})
