"""The blog app's routes. Chapter 14 takes Url() and route() apart."""
from tornkit import Url, route

u = Url("blog.handlers")
urls = route(
    u(r"/", "main.Index", name="index"),
    u(r"/about", "main.About", name="about"),
    u(r"/posts/new", "main.NewPost", name="post-new"),
    u(r"/posts/([0-9]{1,9})", "main.PostPage", name="post"),
    u(r"/posts/([0-9]{1,9})/like", "main.LikePost", name="post-like"),
    u(r"/api/posts", "api.Posts", name="api-posts"),
)
