"""One group of the blog's routes. include("/blog/", ...) puts them under /blog/."""
from tornkit import Url, route

url = Url("chapters.ch14_urls.blog.handlers")
urls = route(
    url(r"post/(\d+)", "post.PostHandler", name="post"),  # no "/?": see the lesson, §4
    url(r"posts", "post.ListHandler", name="posts"),
)
