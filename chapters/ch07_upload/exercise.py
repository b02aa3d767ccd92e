"""Chapter 07 exercise: a safe avatar upload.

POST /avatar takes one image in the form field "avatar" and stores it in the app's upload_dir
(data_dir/uploads).
Nothing the client sends (its file name, its Content-Type) may decide where the file goes or
what type it is. Write:

  1. sniff(head)                  -> ".png", ".jpg" or ".gif", judged by the first bytes only,
                                     else None. A PNG starts with b"\\x89PNG\\r\\n\\x1a\\n", a JPEG
                                     with b"\\xff\\xd8\\xff", a GIF with b"GIF87a" or b"GIF89a".
  2. safe_name(extension)         -> a fresh file name: 32 random hex digits + the extension
                                     (secrets.token_hex(16) gives the digits)
  3. save(upload_dir, extension, body)
                                  -> write body to upload_dir / safe_name(extension), opened
                                     with "xb" so that no file is ever overwritten; return the Path
  4. AvatarHandler.post           -> the checks, each a 4xx with a message, in this order:
                                       no file in the field "avatar"           -> 400
                                       more than MAX_BYTES                     -> 413
                                       not a PNG, JPEG or GIF by its bytes     -> 415
                                     then save it and answer 201 with the JSON
                                     {"stored_as": <the file name on disk>,
                                      "name": <the client's file name, kept as data>,
                                      "size": <its size in bytes>}

Check your work with:  make check-07
"""
import secrets  # noqa: F401  (step 2)
from pathlib import Path

import tornado.web
from tornado.web import HTTPError

from workbook.web import BaseHandler, NotFoundHandler

FIELD = "avatar"
MAX_BYTES = 64 * 1024


def sniff(head: bytes) -> str | None:
    # TODO step 1: return ".png", ".jpg" or ".gif" when head starts like one, else None
    raise NotImplementedError("step 1: sniff() is not written yet")


def safe_name(extension: str) -> str:
    # TODO step 2: 32 random hex digits + extension
    raise NotImplementedError("step 2: safe_name() is not written yet")


def save(upload_dir: Path, extension: str, body: bytes) -> Path:
    # TODO step 3: open(upload_dir / safe_name(extension), "xb"), write body, return the path
    raise NotImplementedError("step 3: save() is not written yet")


class AvatarHandler(BaseHandler):
    def post(self):
        upload_dir = self.settings["upload_dir"]  # noqa: F841  (step 4)
        files = self.request.files.get(FIELD)  # noqa: F841  a list of HTTPFile, or None
        # TODO step 4: 400 / 413 / 415 with a message (raise HTTPError(code, "message %s", arg)),
        # then save() and answer 201 with {"stored_as": ..., "name": ..., "size": ...}
        raise HTTPError(501, "AvatarHandler.post is not written yet")


def make_app(data_dir) -> tornado.web.Application:
    upload_dir = Path(data_dir) / "uploads"  # the app's writable data lives under data_dir
    upload_dir.mkdir(parents=True, exist_ok=True)
    return tornado.web.Application(
        [(r"/avatar", AvatarHandler)],
        upload_dir=upload_dir,
        default_handler_class=NotFoundHandler,
    )
