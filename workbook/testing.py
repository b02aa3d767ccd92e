"""For tests that run a chapter app the way a learner does: as a process of its own."""
from __future__ import annotations

import signal
import subprocess
import sys

from workbook.manifest import ROOT


def start_app(module: str, *args: str, port: int, env: dict | None = None) -> subprocess.Popen:
    """`python -m module *args --port=PORT` in the repository, once it says "Serving on".
    Its first line of output is kept as process.first_line."""
    process = subprocess.Popen([sys.executable, "-m", module, *args, f"--port={port}"],
                               cwd=ROOT, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.first_line = process.stdout.readline()
    if not process.first_line.startswith(f"Serving on http://127.0.0.1:{port}/"):
        process.kill()
        raise AssertionError(f"{module} {' '.join(args)} did not start: "
                             f"{process.first_line!r}\n{process.stderr.read()}")
    return process


def stop_app(process: subprocess.Popen, sig: int = signal.SIGINT,
             timeout: float = 30) -> tuple[int, str, str]:
    """Send sig (SIGINT is what Ctrl-C sends) and wait: (exit code, stdout, stderr)."""
    process.send_signal(sig)
    process.wait(timeout=timeout)
    return process.returncode, process.stdout.read(), process.stderr.read()
