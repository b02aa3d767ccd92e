"""Where chapter 07's uploads go, and what is accepted: the lesson's sections 3 and 4.

- a file is accepted when its name ends with an allowed extension *and* its first bytes are what
  that extension claims (an allow-list; the client's Content-Type is no evidence);
- it is stored as <32 random hex digits>.<extension> in the upload directory, never under the
  client's name, with a sidecar <id>.json that keeps the client's name and claims as data.
"""
from __future__ import annotations

import codecs
import hashlib
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from tornado.web import HTTPError

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
# The names of stored files, as a regex: 32 hex digits and one of the extensions files are kept
# under. Nothing else in the upload directory (records, .part files) is ever served.
STORED_NAME = rf"[0-9a-f]{{32}}\.(?:{'|'.join(sorted(ext[1:] for ext in STORED))})"


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


def check_files(file_metas: list) -> list[tuple]:
    """[(HTTPFile, Kind)] once every file of an upload has passed: its name, not empty, and its
    bytes what the name claims. The first that fails raises, before anything is stored."""
    checked = []
    for meta in file_metas:
        kind = check_name(meta.filename)
        if not meta.body:
            raise HTTPError(400, "%r is empty", meta.filename)
        check_content(meta.filename, kind, meta.body)
        checked.append((meta, kind))
    return checked


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


def client_name(upload_dir: Path, file_name: str) -> str:
    """The name the client sent for a stored file ("" if its record is gone): data, for display."""
    sidecar = Path(upload_dir) / (file_name.split(".")[0] + ".json")
    return json.loads(sidecar.read_text(encoding="utf-8"))["name"] if sidecar.exists() else ""


class Incoming:
    """A file streamed in chunk by chunk: written to <id>.part in the upload directory, hashed on
    the way, its first SNIFF_BYTES kept to judge its type; keep() renames it into place and
    writes its record, discard() deletes it."""

    def __init__(self, upload_dir: Path, name: str, kind: Kind) -> None:
        self.upload_dir, self.name, self.kind = Path(upload_dir), name, kind
        self.id = new_id()
        self.part: Path | None = self.upload_dir / f"{self.id}.part"
        self.file = open(self.part, "xb")
        self.sha256, self.size, self.head = hashlib.sha256(), 0, b""

    def write(self, chunk: bytes) -> None:
        if len(self.head) < SNIFF_BYTES:
            self.head += chunk[:SNIFF_BYTES - len(self.head)]
        self.file.write(chunk)
        self.sha256.update(chunk)
        self.size += len(chunk)

    def keep(self, claimed_type: str) -> dict:
        self.file.close()
        # The same directory: an atomic rename, never half a file under the final name.
        os.replace(self.part, self.upload_dir / f"{self.id}{self.kind.extension}")
        self.part = None
        return write_record(self.upload_dir, self.id, self.name, self.kind, self.size,
                            self.sha256.hexdigest(), claimed_type)

    def discard(self) -> None:
        self.file.close()
        if self.part is not None:
            self.part.unlink(missing_ok=True)
            self.part = None


def mib(n: int) -> str:
    return f"{n / 2**20:g} MiB"
