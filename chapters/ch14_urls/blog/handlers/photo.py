"""Photos: the Url() of url_photo.py gives every route album="holidays"."""
from chapters.ch14_urls.blog.handlers.main import Page


class UploadHandler(Page):
    def get(self):
        self.write({"route": self.route_name, "album": self._url_kwargs["album"]})
