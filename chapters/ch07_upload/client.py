"""What a browser sends when it uploads, built by hand: for the tests and the notebook.

A form with enctype="multipart/form-data" (or a FormData in JavaScript) sends one *part* per field,
each with its own headers, between lines of a boundary string:

    --BOUNDARY
    Content-Disposition: form-data; name="fff"; filename="a.png"
    Content-Type: image/png

    <the file's bytes>
    --BOUNDARY--

Every byte of that, the file name included, is chosen by the client. These helpers let a test
choose them too, including names no honest browser would send.
"""
from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from urllib.parse import quote

CHUNK = 64 * 1024
Write = Callable[[bytes], Awaitable[None]]


def disposition(field: str, filename: str, *, star: bool = False) -> bytes:
    """The part's Content-Disposition. A plain ASCII name goes in filename="..."; any other
    name (or star=True) is percent-encoded as filename*=UTF-8''... (RFC 7578/5987), which
    Tornado decodes: that is how a NUL byte or a newline reaches a handler."""
    plain = filename.isascii() and filename.isprintable() and not set('"\\') & set(filename)
    if plain and not star:
        name = f'filename="{filename}"'
    else:
        name = f"filename*=UTF-8''{quote(filename, safe='')}"
    return f'Content-Disposition: form-data; name="{field}"; {name}'.encode()


def form_data(
    files: Iterable[tuple], *, field: str = "fff", boundary: str | None = None
) -> tuple[dict[str, str], bytes]:
    """(headers, body) of a multipart/form-data POST.

    files: (filename, body) or (filename, body, content_type) or (filename, body, content_type,
    star) tuples, all in one field, as <input type="file" multiple> sends them. filename "" is
    what a browser sends for a file input left empty.
    """
    boundary = boundary or "----workbook" + secrets.token_hex(8)
    parts = []
    for filename, body, *rest in files:
        content_type = rest[0] if rest else "application/octet-stream"
        star = rest[1] if len(rest) > 1 else False
        parts.append(b"--%s\r\n%s\r\nContent-Type: %s\r\n\r\n%s\r\n" % (
            boundary.encode(), disposition(field, filename, star=star), content_type.encode(),
            body))
    body = b"".join(parts) + b"--%s--\r\n" % boundary.encode()
    return {"Content-Type": f"multipart/form-data; boundary={boundary}"}, body


def multipart_producer(path: Path, filename: str, *, field: str = "fff",
                       content_type: str = "application/octet-stream"):
    """(headers, body_producer) to POST a file on disk as multipart/form-data without reading it
    into memory: AsyncHTTPClient calls the producer with a write() to await, chunk by chunk."""
    boundary = "----workbook" + secrets.token_hex(8)
    head = b"--%s\r\n%s\r\nContent-Type: %s\r\n\r\n" % (
        boundary.encode(), disposition(field, filename), content_type.encode())
    tail = b"\r\n--%s--\r\n" % boundary.encode()
    size = len(head) + Path(path).stat().st_size + len(tail)

    async def produce(write: Write) -> None:
        await write(head)
        await file_producer(path)(write)
        await write(tail)

    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}",
               "Content-Length": str(size)}
    return headers, produce


def file_producer(path: Path) -> Callable[[Write], Awaitable[None]]:
    """A body_producer that sends a file as it is (the streaming endpoint's raw body), 64 KiB at
    a time; each write() is awaited, so no more than a chunk or two is ever in memory."""
    async def produce(write: Write) -> None:
        with open(path, "rb") as f:
            while chunk := f.read(CHUNK):
                await write(chunk)
    return produce
