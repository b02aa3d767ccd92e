"""Another group: include("/photo/", urls) puts it under /photo/."""
from tornkit import Url, route

url = Url("chapters.ch14_urls.blog.handlers", album="holidays")
urls = route(
    url(r"upload/?", "photo.UploadHandler", name="upload"),
)
