"""The blog app's routes: tornadopy's README example (urls), with its groups (路由分组)."""
from chapters.ch14_urls.blog.url_photo import urls as photo_urls
from tornkit import Url, include, route

u = Url("chapters.ch14_urls.blog.handlers", abc="abc")  # abc reaches every route's handler
urls = route(
    u(name="Index", pattern=r"/", handler="main.IndexHandler"),
    u(name="User", pattern=r"/user/?", handler="main.UserHandler",
      kwargs={"abc": "other"}),  # this route only
    u(r"/routes", "main.RoutesHandler", name="routes"),
    include(r"/blog/", "chapters.ch14_urls.blog.url_post.urls", prefix_name="blog"),
    include(r"/photo/", photo_urls, prefix_name="photo"),
)
