"""What the process writes, and the repository tree before and after.

An audit hook (PEP 578) sees every file this process opens for writing, creates, renames or
removes, wherever it is and whichever thread does it: the writes of the app under test (the
fuzz itself writes nothing but hypothesis' cache in tmp_path). A hook cannot be removed, so
there is one, installed on first use and idle outside a fuzz run."""
from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

_WRITES: list | None = None
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_PATH_EVENTS = {"os.mkdir", "os.rename", "os.replace", "os.remove", "os.rmdir", "os.link",
                "os.symlink", "os.truncate", "os.chmod", "os.chown", "os.utime", "shutil.copyfile",
                "shutil.rmtree", "shutil.move", "os.mkfifo", "os.mknod"}


def _audit(event: str, args: tuple) -> None:
    log = _WRITES
    if log is None:
        return
    if event == "open":
        path, mode, flags = (tuple(args) + (None, None))[:3]
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & _WRITE_FLAGS)
        paths = [path] if writing else []
    elif event in _PATH_EVENTS:
        paths = [a for a in args[:2] if isinstance(a, (str, bytes, os.PathLike))]
    else:
        return
    for path in paths:
        if isinstance(path, (str, bytes, os.PathLike)):
            log.append((event, os.path.abspath(os.fsdecode(path))))


_hooked = False


@contextlib.contextmanager
def watch_writes(into: list):
    global _WRITES, _hooked
    if not _hooked:
        sys.addaudithook(_audit)
        _hooked = True
    _WRITES = into
    try:
        yield into
    finally:
        _WRITES = None


def outside(writes: list[tuple[str, str]], allowed: list[Path]) -> list[str]:
    """The writes that are not under an allowed folder (nor a __pycache__ of an import)."""
    roots = [os.path.realpath(a) for a in allowed]
    found = []
    for event, path in writes:
        real = os.path.realpath(path)
        if f"{os.sep}__pycache__{os.sep}" in real or real == os.devnull:
            continue
        if not any(real == r or real.startswith(r + os.sep) for r in roots):
            found.append(f"{event} {path}")
    return list(dict.fromkeys(found))


SKIP = {".git", ".venv", "__pycache__", ".pytest_cache", ".ipynb_checkpoints"}


def tree_state(root: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under root (but .git, .venv and caches): path -> (mtime, size)."""
    state = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIP]
        for name in dirs + files:
            path = os.path.join(folder, name)
            with contextlib.suppress(OSError):
                st_ = os.lstat(path)
                state[os.path.relpath(path, root)] = (st_.st_mtime_ns, st_.st_size)
    return state


def diff(before: dict, after: dict) -> list[str]:
    changes = [f"+ {p}" for p in sorted(after.keys() - before.keys())]
    changes += [f"- {p}" for p in sorted(before.keys() - after.keys())]
    changes += [f"~ {p}" for p in sorted(before.keys() & after.keys()) if before[p] != after[p]]
    return changes
