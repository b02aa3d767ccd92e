"""Sending: a small client that writes any bytes and reads whatever comes back (an ordinary HTTP
client refuses to send most of what the fuzz sends)."""
from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import re


@dataclasses.dataclass
class Answer:
    status: int | None  # None: closed without an answer (or, with timed_out, no answer in time)
    raw: bytes
    head: bytes = b""
    headers: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    body: bytes = b""
    timed_out: bool = False

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


def parse_answer(data: bytes, timed_out: bool = False) -> Answer:
    rest = data
    while True:
        head, sep, body = rest.partition(b"\r\n\r\n")
        match = re.match(rb"HTTP/\d\.\d (\d{3})", head)
        if not match:
            return Answer(None, data, timed_out=timed_out)
        status = int(match[1])
        if 100 <= status < 200 and sep:
            rest = body  # 100 Continue: the answer follows
            continue
        headers = []
        for line in head.split(b"\r\n")[1:]:
            key, _, value = line.decode("latin-1").partition(":")
            headers.append((key.strip(), value.strip()))
        answer = Answer(status, data, head, headers, body, timed_out)
        if (answer.header("Transfer-Encoding") or "").lower() == "chunked":
            answer.body = dechunk(body)
        return answer


def dechunk(data: bytes) -> bytes:
    out = []
    while data:
        size, _, data = data.partition(b"\r\n")
        try:
            n = int(size.split(b";")[0], 16)
        except ValueError:
            break
        if n == 0:
            break
        out.append(data[:n])
        data = data[n + 2:]
    return b"".join(out)


def complete(data: bytes, head_only: bool) -> bool:
    """Whether data holds a whole answer (for a server that keeps the connection open)."""
    answer = parse_answer(data)
    if answer.status is None or not answer.head or b"\r\n\r\n" not in data:
        return False
    if head_only or answer.status in (204, 304):
        return True
    length = answer.header("Content-Length")
    if length and length.isdigit():
        return len(answer.body) >= int(length)
    if (answer.header("Transfer-Encoding") or "").lower() == "chunked":
        return answer.raw.endswith(b"0\r\n\r\n")
    return False


async def exchange(port: int, raw: bytes, timeout: float) -> Answer:
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return Answer(None, b"")
    chunks: list[bytes] = []
    head_only = raw.startswith(b"HEAD ")

    async def send():
        with contextlib.suppress(OSError):  # the server may answer and close before reading all
            writer.write(raw)
            await writer.drain()

    async def receive():
        while True:
            try:
                data = await reader.read(65536)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)
            if complete(b"".join(chunks), head_only):
                return

    sender = asyncio.ensure_future(send())
    timed_out = False
    try:
        await asyncio.wait_for(receive(), timeout)
    except asyncio.TimeoutError:
        timed_out = True
    sender.cancel()
    with contextlib.suppress(BaseException):
        await sender
    writer.transport.abort()
    return parse_answer(b"".join(chunks), timed_out)


def honest_get(path: str, host: str) -> bytes:
    return (f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: workbook-fuzz\r\n"
            f"Connection: close\r\n\r\n").encode()
