"""The about app's routes: a handler class imported directly (你也可以直接import对应的handler)."""
from chapters.ch14_urls.about.handlers import AboutHandler
from tornkit import Url, route

u = Url()
urls = route(
    u(r"/about", AboutHandler, name="about"),
)
