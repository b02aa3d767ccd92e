"""Chapter 07 · 上传文件 File upload: the notes' form and handler, made safe; limits on size, type
and names; the AJAX way with a progress bar; and big files streamed to disk.

Run it:  make chapter-07        or   python -m chapters.ch07_upload.app --port=8807
Lesson:  chapters/ch07_upload/README.md
The notes' handler as written, for the attack tests only: naive.py
"""
import asyncio
import codecs
import hashlib
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import tornado.web
from tornado.web import HTTPError

from workbook import manifest
from workbook.runner import parse_port, serve
from workbook.web import BaseHandler, NotFoundHandler, StaticHandler

CHAPTER = manifest.for_path(__file__)

FIELD = "fff"  # the notes' <input name="fff" type="file">
UPLOAD_DIR = manifest.ROOT / "var" / CHAPTER.slug / "uploads"  # make_app(upload_dir=...) for tests
UPLOAD_MAX_BYTES = 1024 * 1024  # a buffered upload: the whole body sits in memory
STREAM_MAX_BYTES = 256 * 1024 * 1024  # a streamed upload: to disk, 64 KiB at a time
SNIFF_BYTES = 512  # how much of a file its type is judged by
MAX_NAME_LENGTH = 255


# --- What the app accepts: an allow-list, checked against the file's first bytes --------------
@dataclass(frozen=True)
class Kind:
    label: str  # for messages: "PNG image"
    extension: str  # the one extension it is stored under
    mime: str  # the Content-Type it is served with
    magic: tuple[bytes, ...] = ()  # every such file starts with one of these

    def matches(self, head: bytes) -> bool:
        return head.startswith(self.magic) if self.magic else is_utf8_text(head)


def is_utf8_text(head: bytes) -> bool:
    """Text has no magic number: it is text if it decodes as UTF-8 (a character cut at the end of
    head is fine) and has no control characters but tab, newlines and form feed."""
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return not any((ch < " " and ch not in "\t\n\r\f") or ch == "\x7f" for ch in text)


PNG = Kind("PNG image", ".png", "image/png", (b"\x89PNG\r\n\x1a\n",))
JPEG = Kind("JPEG image", ".jpg", "image/jpeg", (b"\xff\xd8\xff",))
GIF = Kind("GIF image", ".gif", "image/gif", (b"GIF87a", b"GIF89a"))
PDF = Kind("PDF document", ".pdf", "application/pdf", (b"%PDF-",))
TEXT = Kind("UTF-8 text file", ".txt", "text/plain; charset=UTF-8")

# The extension a client's file name may end with -> what its bytes must then be.
ALLOWED = {".png": PNG, ".jpg": JPEG, ".jpeg": JPEG, ".gif": GIF, ".pdf": PDF, ".txt": TEXT}
STORED = {kind.extension: kind for kind in ALLOWED.values()}  # ".jpg" -> JPEG, ...


def check_name(name: str) -> Kind:
    """The kind of file a client's name claims to be. The name is data: it is checked here, kept
    in the record, shown escaped, and never becomes part of a path."""
    if not name:
        raise HTTPError(400, "the file has no name")
    if len(name) > MAX_NAME_LENGTH:
        raise HTTPError(400, "the file name is %d characters long; at most %d are accepted",
                        len(name), MAX_NAME_LENGTH)
    if any(ch < " " or ch == "\x7f" for ch in name):
        raise HTTPError(400, "the file name %r contains a control character", name)
    kind = ALLOWED.get(os.path.splitext(name)[1].lower())
    if kind is None:
        raise HTTPError(415, "%r: only %s files are accepted", name, " ".join(ALLOWED))
    return kind


def check_content(name: str, kind: Kind, head: bytes) -> None:
    """The bytes must be what the name claims. The client's Content-Type is not evidence: it is
    as easy to fake as the name."""
    if not kind.matches(head[:SNIFF_BYTES]):
        raise HTTPError(415, "%r is not a %s: it starts with %r", name, kind.label, head[:8])


# --- Where files go: <random>.<ext> inside the upload directory, the client's name as data ----
def new_id() -> str:
    """32 random hex digits: a name nobody can choose, guess, or collide with."""
    return secrets.token_hex(16)


def save(upload_dir: Path, name: str, kind: Kind, body: bytes, claimed_type: str) -> dict:
    file_id = new_id()
    with open(upload_dir / f"{file_id}{kind.extension}", "xb") as f:  # "x": never overwrite
        f.write(body)
    return write_record(upload_dir, file_id, name, kind, len(body),
                        hashlib.sha256(body).hexdigest(), claimed_type)


def write_record(upload_dir: Path, file_id: str, name: str, kind: Kind, size: int, sha256: str,
                 claimed_type: str) -> dict:
    """The sidecar <id>.json: what is known about a stored file, the client's claims included."""
    record = {
        "id": file_id,
        "file": file_id + kind.extension,  # the name on disk, chosen by the server
        "name": name,  # the name the client sent: data only
        "type": kind.mime,  # from the file's bytes
        "claimed_type": claimed_type,  # what the client said: data only
        "size": size,
        "sha256": sha256,
        "uploaded": time.time_ns(),
    }
    with open(upload_dir / f"{file_id}.json", "x", encoding="utf-8") as f:
        json.dump(record, f, ensure_ascii=False)
    return record


def load_records(upload_dir: Path) -> list[dict]:
    records = []
    for path in upload_dir.glob("*.json"):
        with open(path, encoding="utf-8") as f:
            records.append(json.load(f))
    return sorted(records, key=lambda r: (r["uploaded"], r["id"]))


# --- 上传文件: the notes' form and handler, made safe -----------------------------------------
class UploadHandler(BaseHandler):
    """A buffered upload, as in the notes: before prepare() runs, Tornado has read the whole body
    into memory (self.request.body) and parsed it (self.request.files)."""

    @property
    def upload_dir(self) -> Path:
        return self.settings["upload_dir"]

    def prepare(self):
        # The per-handler size check: too late to save memory (the body is in already; the
        # server's max_body_size bounds that), early enough to refuse with a message.
        if self.request.method == "POST":
            size, limit = len(self.request.body), self.settings["upload_max_bytes"]
            if size > limit:
                raise HTTPError(413, "the upload is %d bytes; this form takes at most %d bytes "
                                "(%s). Send big files to /api/stream", size, limit, mib(limit))

    def store_files(self) -> list[dict]:
        file_metas = self.request.files.get(FIELD)  # a list of HTTPFile, one per chosen file
        if not file_metas:  # no such field, or a file input left empty (its filename is "")
            raise HTTPError(400, "no file in the form field %r: choose a file first", FIELD)
        checked = []
        for meta in file_metas:  # check every file before storing any: all or nothing
            kind = check_name(meta.filename)
            if not meta.body:
                raise HTTPError(400, "%r is empty", meta.filename)
            check_content(meta.filename, kind, meta.body)
            checked.append((meta, kind))
        return [save(self.upload_dir, meta.filename, kind, meta.body, meta.content_type)
                for meta, kind in checked]


class IndexHandler(UploadHandler):
    def get(self):
        self.render("index.html", records=load_records(self.upload_dir), field=FIELD,
                    accept=",".join(ALLOWED), limit=self.settings["upload_max_bytes"], mib=mib)

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


# --- Big files: streamed to disk as they arrive, never whole in memory -------------------------
@tornado.web.stream_request_body
class StreamUploadHandler(BaseHandler):
    """PUT /api/stream?filename=big.pdf with the file itself as the body (no multipart).

    With @stream_request_body, prepare() runs as soon as the headers are in; then Tornado calls
    data_received() with each chunk (64 KiB at most) as it arrives, and put() at the end.
    """

    SUPPORTED_METHODS = ("PUT",)
    part: Path | None = None
    file = None

    def prepare(self):
        self.name = self.get_query_argument("filename")  # 400 when missing
        self.kind = check_name(self.name)  # 415 before a single byte of the body is read
        length = self.request.headers.get("Content-Length")
        if length is None:
            raise HTTPError(411, "send the file with a Content-Length header")
        limit = self.settings["stream_max_bytes"]
        if not length.isdigit():
            raise HTTPError(400, "Content-Length %r is not a number", length)
        if int(length) > limit:
            raise HTTPError(413, "the file is %s bytes; /api/stream takes at most %d bytes (%s)",
                            length, limit, mib(limit))
        # The server's max_body_size (100 MiB by default) applies to every request; this one
        # may be bigger. Past this limit Tornado itself stops reading and closes the connection.
        self.request.connection.set_max_body_size(limit)
        self.file_id = new_id()
        self.part = self.settings["upload_dir"] / f"{self.file_id}.part"
        self.file = open(self.part, "xb")  # a temporary file in the upload directory
        self.sha256, self.size, self.head, self.refused = hashlib.sha256(), 0, b"", None

    def data_received(self, chunk: bytes):
        if self.refused:
            return  # the rest of the body is read and dropped; put() answers the error
        if len(self.head) < SNIFF_BYTES:
            self.head += chunk[:SNIFF_BYTES - len(self.head)]
            if len(self.head) == SNIFF_BYTES:
                self.sniff()
                if self.refused:
                    return
        self.file.write(chunk)
        self.sha256.update(chunk)
        self.size += len(chunk)

    def sniff(self):
        try:
            check_content(self.name, self.kind, self.head)
        except HTTPError as e:
            self.refused = e
            self.discard()

    def put(self):
        if len(self.head) < SNIFF_BYTES and not self.refused:
            self.sniff()  # a file shorter than SNIFF_BYTES: judged by all of it
        if self.refused:
            raise self.refused
        if not self.size:
            raise HTTPError(400, "%r is empty", self.name)
        self.file.close()
        final = self.settings["upload_dir"] / f"{self.file_id}{self.kind.extension}"
        os.replace(self.part, final)  # the same directory: an atomic rename, never half a file
        self.part = None
        record = write_record(self.settings["upload_dir"], self.file_id, self.name, self.kind,
                              self.size, self.sha256.hexdigest(),
                              self.request.headers.get("Content-Type", ""))
        self.set_status(201)
        self.write(record)

    def on_connection_close(self):
        # The client went away mid-body. super() wakes Tornado's wait for the body (put() is then
        # never called); the partial file must go.
        super().on_connection_close()
        self.discard()

    def on_finish(self):
        self.discard()  # after any error response: no .part file stays behind

    def discard(self):
        if self.file is not None:
            self.file.close()
        if self.part is not None:
            self.part.unlink(missing_ok=True)
            self.part = None


# --- Stored files, served back as what their bytes are ----------------------------------------
class StoredFileHandler(tornado.web.StaticFileHandler, BaseHandler):
    def get_content_type(self) -> str:
        return STORED[os.path.splitext(self.absolute_path)[1]].mime  # never the client's claim

    def set_extra_headers(self, path: str) -> None:
        self.set_header("X-Content-Type-Options", "nosniff")  # browsers: believe Content-Type
        sidecar = Path(self.root) / (path.split(".")[0] + ".json")
        name = json.loads(sidecar.read_text(encoding="utf-8"))["name"] if sidecar.exists() else ""
        # attachment: saved, not rendered; the client's name only percent-encoded, as data
        self.set_header("Content-Disposition",
                        f"attachment; filename*=UTF-8''{quote(name, safe='')}" if name
                        else "attachment")


def mib(n: int) -> str:
    return f"{n / 2**20:g} MiB"


def make_app(**settings) -> tornado.web.Application:
    settings.setdefault("upload_max_bytes", UPLOAD_MAX_BYTES)
    settings.setdefault("stream_max_bytes", STREAM_MAX_BYTES)
    upload_dir = Path(settings.pop("upload_dir", UPLOAD_DIR)).resolve()
    upload_dir.mkdir(parents=True, exist_ok=True)
    stored = "|".join(sorted(ext[1:] for ext in STORED))
    return tornado.web.Application(
        [
            (r"/", tornado.web.RedirectHandler, {"url": "/index"}),
            (r"/index", IndexHandler),  # the notes: action="/index"
            (r"/ajax", AjaxPageHandler),
            (r"/api/upload", ApiUploadHandler),
            (r"/api/stream", StreamUploadHandler),
            (r"/api/files", FilesHandler),
            # Only names the server made: 32 hex digits and an allowed extension
            # (no .json sidecar, no .part file, no ..)
            (rf"/files/([0-9a-f]{{32}}\.(?:{stored}))", StoredFileHandler, {"path": upload_dir}),
        ],
        template_path=manifest.ROOT / "tpl" / CHAPTER.slug,
        static_path=manifest.ROOT / "static" / CHAPTER.slug,  # static_url("upload.js")
        static_handler_class=StaticHandler,  # chapter 04: a 400, not a 500, for a NUL in the path
        # A state-changing request from another site's page is refused (403): Tornado 6.6 checks
        # the browser's Sec-Fetch-Site/Origin headers. Chapter 06 is about CSRF.
        cross_origin_protection=True,
        default_handler_class=NotFoundHandler,
        upload_dir=upload_dir,
        **settings,
    )


async def main(argv=None):
    await serve(make_app(), parse_port(argv, default=CHAPTER.port), paths=CHAPTER.paths)


if __name__ == "__main__":
    asyncio.run(main())
