"""Chapter 07 exercise, solved.

Why it looks like this:
  - sniff() looks at bytes only. A file name and a Content-Type are claims the client makes;
    the first bytes are evidence (still not proof: a decoder such as Pillow would be). The
    extension of the stored file comes from sniff(), so "photo.txt" holding a PNG is a .png.
  - safe_name() is secrets.token_hex(16): 128 random bits that no client chooses or guesses, in
    an alphabet with no "/", "\\", "..", NUL or space. The client's name never touches the path;
    it goes back in the JSON, as data.
  - save() opens with "xb": should two names ever collide, the second save fails with
    FileExistsError instead of silently replacing the first file.
  - The checks go from cheap to costly, and each raises HTTPError with a message, which
    workbook.web.BaseHandler turns into a plain-text 4xx (never a 500, never a traceback).
    Nothing is written before every check has passed.
  - The size check is on the file, after Tornado has read the body: fine for a 64 KiB avatar.
    For big files the chapter streams with @stream_request_body instead.
"""
import secrets
from pathlib import Path

import tornado.web
from tornado.web import HTTPError

from workbook.web import BaseHandler, NotFoundHandler

FIELD = "avatar"
MAX_BYTES = 64 * 1024

MAGIC = {  # the first bytes of each accepted type -> the extension it is stored under
    b"\x89PNG\r\n\x1a\n": ".png",
    b"\xff\xd8\xff": ".jpg",
    b"GIF87a": ".gif",
    b"GIF89a": ".gif",
}


def sniff(head: bytes) -> str | None:
    for magic, extension in MAGIC.items():
        if head.startswith(magic):
            return extension
    return None


def safe_name(extension: str) -> str:
    return secrets.token_hex(16) + extension


def save(upload_dir: Path, extension: str, body: bytes) -> Path:
    path = Path(upload_dir) / safe_name(extension)
    with open(path, "xb") as f:
        f.write(body)
    return path


class AvatarHandler(BaseHandler):
    def post(self):
        upload_dir = self.settings["upload_dir"]
        files = self.request.files.get(FIELD)
        if not files:
            raise HTTPError(400, "no file in the field %r: choose an image", FIELD)
        avatar = files[0]
        if len(avatar.body) > MAX_BYTES:
            raise HTTPError(413, "the avatar is %d bytes; at most %d are accepted",
                            len(avatar.body), MAX_BYTES)
        extension = sniff(avatar.body[:16])
        if extension is None:
            raise HTTPError(415, "%r is not a PNG, JPEG or GIF image", avatar.filename)
        path = save(upload_dir, extension, avatar.body)
        self.set_status(201)
        self.write({"stored_as": path.name, "name": avatar.filename, "size": len(avatar.body)})


def make_app(data_dir) -> tornado.web.Application:
    upload_dir = Path(data_dir) / "uploads"  # the app's writable data lives under data_dir
    upload_dir.mkdir(parents=True, exist_ok=True)
    return tornado.web.Application(
        [(r"/avatar", AvatarHandler)],
        upload_dir=upload_dir,
        default_handler_class=NotFoundHandler,
    )
