"""What the benchmark rows share: a result row, server subprocesses, wrk, file-descriptor limits."""
from __future__ import annotations

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


def raise_fd_limit(wanted: int = 65536) -> int:
    """Long-poll rows hold 10,000+ sockets: lift the soft limit to the hard one (no root needed)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    new = min(wanted, hard) if hard != resource.RLIM_INFINITY else wanted
    if new > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


@contextlib.contextmanager
def server(*args: str, path: str = "/", timeout: float = 15):
    """Run `python -m <args> --port=P` and yield its base URL once it answers on path."""
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
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def wrk(url: str, *, seconds: int = 5, connections: int = 64, threads: int = 1) -> float:
    """Requests per second from wrk (keep-alive, the default), after a 1-second warm-up."""
    subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", "-d1s", url],
                   capture_output=True, check=True)
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", url],
                         capture_output=True, text=True, check=True).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: .*", out)
    if not match or errors:
        raise RuntimeError(f"wrk failed or saw errors:\n{out}")
    return float(match[1])
