"""The about page."""
from chapters.ch14_urls.blog.handlers.main import Page


class AboutHandler(Page):
    def get(self):
        self.write({"route": self.route_name, "apps": list(self.application.conf.INSTALLED_APPS)})
