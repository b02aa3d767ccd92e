"""Chapter 07 · 上传文件 File upload: the notes' form and handler, made safe; limits on size, type
and names; the AJAX way with a progress bar; and big files streamed to disk.

Run it:  make chapter-07        or   python -m chapters.ch07_upload.app --port=8807
Lesson:  chapters/ch07_upload/README.md
What is accepted, and where it goes: storage.py. Big files, streamed: streaming.py.
The notes' handler, attacked: naive.py
"""
if not __package__:  # run as a file: no package, and perhaps not the venv's Python
    raise SystemExit("Run it with `make chapter-07`, or in the venv: "
                     "python -m chapters.ch07_upload.app")

import asyncio
import os
from pathlib import Path
from urllib.parse import quote

import tornado.web
from tornado.web import HTTPError

from chapters.ch07_upload.storage import (
    ALLOWED, STORED, STORED_NAME, check_files, client_name, load_records, mib, save,
)
from chapters.ch07_upload.streaming import StreamUploadHandler  # section 6: big files
from workbook import manifest
from workbook.runner import parse_port, serve
from workbook.web import BaseHandler, NotFoundHandler, StaticHandler

CHAPTER = manifest.for_path(__file__)
DATA_DIR = manifest.ROOT / "var" / CHAPTER.slug  # uploads in DATA_DIR/uploads; var/ is git-ignored
FIELD = "fff"  # the notes' <input name="fff" type="file">
UPLOAD_MAX_BYTES = 1024 * 1024  # a buffered upload: the whole body sits in memory
STREAM_MAX_BYTES = 256 * 1024 * 1024  # a streamed upload: to disk, 64 KiB at a time


class HomeHandler(BaseHandler):  # the chapter's pages
    def get(self):
        self.render("home.html")


# --- 上传文件: the notes' form and handler, made safe -----------------------------------------
class UploadHandler(BaseHandler):
    """As in the notes: before prepare(), the whole body is read and parsed (request.files)."""
    def prepare(self):
        # Too late to save memory (the server's max_body_size bounds that), early enough to
        # refuse with a message.
        if self.request.method == "POST":
            size, limit = len(self.request.body), self.settings["upload_max_bytes"]
            if size > limit:
                raise HTTPError(413, "the upload is %d bytes; this form takes at most %d bytes "
                                "(%s). Send big files to /api/stream", size, limit, mib(limit))

    def store_files(self) -> list[dict]:
        file_metas = self.request.files.get(FIELD)  # a list of HTTPFile, one per chosen file
        if not file_metas:  # no such field, or a file input left empty (its filename is "")
            raise HTTPError(400, "no file in the form field %r: choose a file first", FIELD)
        checked = check_files(file_metas)  # every file before storing any: all or nothing
        return [save(self.settings["upload_dir"], meta.filename, kind, meta.body,
                     meta.content_type) for meta, kind in checked]


class IndexHandler(UploadHandler):
    def get(self):
        self.render("index.html", records=load_records(self.settings["upload_dir"]),
                    field=FIELD, accept=",".join(ALLOWED), limit=self.settings["upload_max_bytes"],
                    mib=mib)

    def post(self):
        self.store_files()
        self.redirect("/index", status=303)  # Post/Redirect/Get: a reload does not post again


# --- PS:还有一种ajax方式: the same upload from JavaScript, answered in JSON --------------------
class AjaxPageHandler(BaseHandler):
    def get(self):
        self.render("ajax.html", field=FIELD, accept=",".join(ALLOWED),
                    limit=self.settings["upload_max_bytes"],
                    stream_limit=self.settings["stream_max_bytes"], mib=mib)


class ApiUploadHandler(UploadHandler):
    def post(self):
        records = self.store_files()
        self.set_status(201)
        self.write({"stored": records})


class FilesHandler(BaseHandler):
    def get(self):
        self.write({"files": load_records(self.settings["upload_dir"])})


# --- Big files: streamed to disk as they arrive, never whole in memory: streaming.py --------


# --- Stored files, served back as what their bytes are ----------------------------------------
class StoredFileHandler(tornado.web.StaticFileHandler, BaseHandler):
    def get_content_type(self) -> str:
        return STORED[os.path.splitext(self.absolute_path)[1]].mime  # never the client's claim

    def set_extra_headers(self, path: str) -> None:
        self.set_header("X-Content-Type-Options", "nosniff")  # browsers: believe Content-Type
        name = client_name(Path(self.root), path)
        # attachment: saved, not rendered; the client's name only percent-encoded, as data
        self.set_header("Content-Disposition",
                        f"attachment; filename*=UTF-8''{quote(name, safe='')}" if name
                        else "attachment")


def make_app(**overrides) -> tornado.web.Application:
    """Tests pass data_dir=tmp_path (uploads land in tmp_path/uploads) and smaller limits."""
    settings = {
        "template_path": manifest.ROOT / "tpl" / CHAPTER.slug,
        "static_path": manifest.ROOT / "static" / CHAPTER.slug,  # static_url("upload.js")
        "static_handler_class": StaticHandler,  # chapter 04: a 400, not a 500, for a NUL
        # A POST or PUT from a page of another origin (another port too) is a 403 (section 3)
        "cross_origin_protection": True,
        "default_handler_class": NotFoundHandler,
        "upload_max_bytes": UPLOAD_MAX_BYTES,
        "stream_max_bytes": STREAM_MAX_BYTES,
        "data_dir": DATA_DIR,
        **overrides,
    }
    upload_dir = Path(settings.setdefault("upload_dir", Path(settings["data_dir"]) / "uploads"))
    upload_dir = settings["upload_dir"] = upload_dir.resolve()
    upload_dir.mkdir(parents=True, exist_ok=True)
    return tornado.web.Application([
        (r"/", HomeHandler),
        (r"/index", IndexHandler),  # the notes: action="/index"
        (r"/ajax", AjaxPageHandler),
        (r"/api/upload", ApiUploadHandler),
        (r"/api/stream", StreamUploadHandler),
        (r"/api/files", FilesHandler),
        # Only names the server made (no .json sidecar, no .part file, no ..)
        (rf"/files/({STORED_NAME})", StoredFileHandler, {"path": upload_dir}),
    ], **settings)


async def main(argv=None):
    await serve(make_app(), parse_port(argv, default=CHAPTER.port), paths=CHAPTER.paths)


if __name__ == "__main__":
    asyncio.run(main())
