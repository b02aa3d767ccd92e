"""What the benchmark rows share: a result row, server subprocesses, wrk, file-descriptor limits."""
from __future__ import annotations

import asyncio
import contextlib
import os
import re
import resource
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass

from workbook.manifest import ROOT
from workbook.net import free_port


@dataclass
class Row:
    claim: str          # what is measured
    measured: str       # the figure(s), as printed
    target: str = ""    # the workbook's target, if it has one
    met: bool | None = None
    note: str = ""


def raise_fd_limit(wanted: int = 131072) -> int:
    """Long-poll rows hold up to 50,000 sockets in the server and as many in this process: lift
    the soft limit to the hard one (no root needed), and the hard one too where the process may
    (root with CAP_SYS_RESOURCE; a container often withholds it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, wanted))  # root only
        except (ValueError, PermissionError):
            pass
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    new = min(wanted, hard) if hard != resource.RLIM_INFINITY else wanted
    if new > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


@dataclass
class Running:
    url: str   # http://127.0.0.1:PORT
    port: int
    pid: int


@contextlib.contextmanager
def server(*args: str, path: str = "/", timeout: float = 15):
    """Run `python -m <args> --port=P` and yield it (Running) once it answers on path."""
    port = free_port()
    # A session of its own, so that stopping it also stops any processes it forked.
    process = subprocess.Popen([sys.executable, "-m", *args, f"--port={port}"], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                urllib.request.urlopen(base + path, timeout=1).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{' '.join(args)} did not start: "
                                       f"{process.stderr.read().decode()[-2000:]}")
                time.sleep(0.05)
        yield Running(base, port, process.pid)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def wrk(url: str, *, seconds: int = 5, connections: int = 64, threads: int = 1,
        headers: dict[str, str] | None = None) -> float:
    """Requests per second from wrk (keep-alive, the default), after a 1-second warm-up;
    headers are sent with every request (a session cookie)."""
    extra = [arg for name, value in (headers or {}).items() for arg in ("-H", f"{name}: {value}")]
    subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", "-d1s", *extra, url],
                   capture_output=True, check=True)
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", *extra,
                          url], capture_output=True, text=True, check=True).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: .*", out)
    if not match or errors:
        raise RuntimeError(f"wrk failed or saw errors:\n{out}")
    return float(match[1])


# --- A bare HTTP/1.1 client on asyncio streams: cheap enough to hold 10,000 connections ----------
async def connect(port: int, n: int, batch: int = 200) -> list[tuple]:
    """n open connections to 127.0.0.1:port, made batch by batch (the listen backlog is 128)."""
    connections = []
    while len(connections) < n:
        size = min(batch, n - len(connections))
        connections += await asyncio.gather(
            *[asyncio.open_connection("127.0.0.1", port) for _ in range(size)])
    return connections


def send(connection: tuple, method: str, path: str, body: bytes = b"") -> None:
    _, writer = connection
    head = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Content-Length: {len(body)}\r\n")
    if body:
        head += "Content-Type: application/x-www-form-urlencoded\r\n"
    writer.write(head.encode() + b"\r\n" + body)


async def response(connection: tuple) -> tuple[int, bytes]:
    """Read one response (status, body); the app always sends Content-Length."""
    reader, _ = connection
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = int(re.search(rb"(?i)content-length: *(\d+)", head)[1])
    return status, await reader.readexactly(length)


def close(connections: list[tuple]) -> None:
    for _, writer in connections:
        writer.close()


async def timed_gets(port: int, path: str, n: int) -> float:
    """n concurrent GETs of path, one connection each: seconds until the last answer."""
    connections = await connect(port, n)
    started = time.perf_counter()
    for connection in connections:
        send(connection, "GET", path)
    answers = await asyncio.gather(*[response(c) for c in connections])
    elapsed = time.perf_counter() - started
    close(connections)
    bad = [status for status, _ in answers if status != 200]
    if bad:
        raise RuntimeError(f"{len(bad)} of {n} GET {path} failed: {bad[:5]}")
    return elapsed
