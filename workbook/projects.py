"""Loading a tornadopy-style project folder in a process that already imported another one.

A project's packages are top-level names of its own folder (`settings`, its apps, `middlewares`,
`httpmodules`): runserver.py puts the folder first on sys.path, and in a process of its own
that is all it takes. Chapter 13's project and chapter 21's site both have a `settings` package,
though, and the test suite (or a notebook) imports both in one process. `imported(folder)` gives
the block a view of sys.modules with the folder's names fresh (imported again from that folder)
and puts back whatever was there before when it ends. What was imported in the block keeps
working afterwards: the handlers, middlewares and models hold their modules themselves. Only an
import made later, at request time, would look in the wrong place: a project loaded this way
imports everything at start-up.
"""
from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path


def top_level_names(folder: Path) -> set[str]:
    """The packages and modules a project folder puts on sys.path."""
    names = set()
    for entry in folder.iterdir():
        if entry.is_dir() and (entry / "__init__.py").is_file():
            names.add(entry.name)
        elif entry.suffix == ".py":
            names.add(entry.stem)
    return names


def _take(names: set[str]) -> dict:
    return {name: sys.modules.pop(name) for name in list(sys.modules)
            if name.partition(".")[0] in names}


@contextlib.contextmanager
def imported(folder: str | os.PathLike, environ: Mapping[str, str] | None = None) -> Iterator[None]:
    """For the block: `folder` first on sys.path, its top-level names imported afresh, and
    `environ`'s variables set (a settings module reads its servers from the environment)."""
    folder = Path(folder).resolve()
    names = top_level_names(folder)
    before = _take(names)
    saved_environ = {key: os.environ.get(key) for key in environ or {}}
    os.environ.update(environ or {})
    sys.path.insert(0, str(folder))
    try:
        yield
    finally:
        sys.path.remove(str(folder))
        for key, value in saved_environ.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        _take(names)  # this block's modules leave sys.modules; their objects live on
        sys.modules.update(before)
