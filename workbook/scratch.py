"""A scratch copy of the workbook, for tests that run the learner's commands where they change
files (make reset-NN, hint-NN, watch-NN, ...): a git clone of this repository holding its
working tree as it is now (committed, and counted as published: its origin's branch points at
it), sharing this checkout's .venv.

    root = scratch.clone(tmp_path / "workbook")
    scratch.make(root, "check-01")           # make -s check-01 in it, as a learner runs it
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from workbook.manifest import ROOT

GIT = ["git", "-c", "user.name=Learner", "-c", "user.email=learner@localhost",
       "-c", "commit.gpgsign=false"]
# make never installs anything in a scratch copy: its .venv is this checkout's.
STAMPS = [".venv/.installed", ".venv/.installed-dev", ".venv/.installed-bench"]


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout


def clone(dest: Path) -> Path:
    _git("clone", "--quiet", str(ROOT), str(dest), cwd=ROOT)
    tracked = set(_git("ls-files", "-z", cwd=ROOT).split("\0"))
    untracked = set(_git("ls-files", "-z", "--others", "--exclude-standard", cwd=ROOT).split("\0"))
    for rel in sorted((tracked | untracked) - {""}):
        source, target = ROOT / rel, dest / rel
        if not source.exists():
            target.unlink(missing_ok=True)
        elif not target.exists() or source.read_bytes() != target.read_bytes():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    _git("add", "-A", cwd=dest)
    if _git("status", "--porcelain", cwd=dest).strip():
        _git("commit", "--quiet", "-m", "The working tree", cwd=dest)
    branch = _git("rev-parse", "--abbrev-ref", "HEAD", cwd=dest).strip()
    _git("update-ref", f"refs/remotes/origin/{branch}", "HEAD", cwd=dest)
    (dest / ".venv").symlink_to(ROOT / ".venv")
    for requirements in dest.glob("requirements*.txt"):  # older than any stamp: no reinstall
        os.utime(requirements, (0, 0))
    return dest


def make_command(root: Path, *targets: str) -> list[str]:
    old = [arg for stamp in STAMPS for arg in ("-o", stamp)]
    return ["make", "-s", "--no-print-directory", "-C", str(root), *old, *targets]


def environment(**env: str) -> dict[str, str]:
    """A learner's environment: none of the outer make's variables (make test runs the suite)."""
    outer = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")
    return {**{k: v for k, v in os.environ.items() if k not in outer}, **env}


def make(root: Path, *targets: str, input: str = "", timeout: float = 120,
         **env: str) -> subprocess.CompletedProcess:
    """make -s TARGETS in root; stdin is `input` (empty: a question gets no answer)."""
    return subprocess.run(make_command(root, *targets), capture_output=True, text=True,
                          input=input, timeout=timeout, env=environment(**env))
