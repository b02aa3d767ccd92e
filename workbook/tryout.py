"""`make try-NN`: serve the learner's chapters/<slug>/exercise.py the way `make chapter-NN`
serves app.py (workbook.runner.serve: the same URL lines, the same clean Ctrl-C).

An exercise that defines main() (as chapter 02's does) is run by it; otherwise its make_app()
is called, with the arguments the workbook knows how to give (a cookie secret, a data or upload
folder under var/<slug>/try/), and the app served on the chapter's port + 1000.
"""
from __future__ import annotations

import asyncio
import importlib
import inspect
import traceback
from pathlib import Path

import tornado.web

from workbook import runner
from workbook.manifest import ROOT, Chapter

PORT_OFFSET = 1000  # the chapter's own app keeps its port: run both side by side


def _one_line(e: BaseException, path: Path) -> str:
    if isinstance(e, SyntaxError):
        return f"{type(e).__name__}: {e.msg} (line {e.lineno})"
    line = ""
    for frame, lineno in traceback.walk_tb(e.__traceback__):
        if Path(frame.f_code.co_filename) == path:
            line = f" (line {lineno})"
    return f"{type(e).__name__}: {e}{line}"


def _arguments(make_app, chapter: Chapter) -> dict:
    """Values for make_app's parameters that have no default."""
    data = ROOT / "var" / chapter.slug / "try"
    known = {
        "cookie_secret": lambda: _cookie_secret(data),
        "data_dir": lambda: data,
        "upload_dir": lambda: data / "uploads",
    }
    kwargs = {}
    for name, p in inspect.signature(make_app).parameters.items():
        if p.default is not p.empty or p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
            continue
        if name not in known:
            raise LookupError(name)
        kwargs[name] = known[name]()
        if isinstance(kwargs[name], Path):
            kwargs[name].mkdir(parents=True, exist_ok=True)
    return kwargs


def _cookie_secret(data: Path) -> str:
    from workbook.secrets import cookie_secret

    return cookie_secret(data)


def paths(app: tornado.web.Application) -> list[str]:
    """The app's routes that are plain paths (no regex groups), to print: what there is to try."""
    found = []
    for rule in app.wildcard_router.rules:
        path = getattr(rule.matcher, "_path", None)
        if path and "%s" not in path and path not in found:
            found.append(path)
    return found or ["/"]


def main(chapter: Chapter, port: int | None) -> int:
    name = f"chapters/{chapter.slug}/exercise.py"
    path = ROOT / name
    port = port or chapter.port + PORT_OFFSET
    try:
        module = importlib.import_module(f"chapters.{chapter.slug}.exercise")
    except Exception as e:
        raise SystemExit(f"{name} does not import: {_one_line(e, path)}") from None
    if callable(getattr(module, "main", None)):
        asyncio.run(module.main([f"--port={port}"]))
        return 0
    make_app = getattr(module, "make_app", None)
    if not callable(make_app):
        raise SystemExit(f"{name} has no make_app(): nothing to serve (make check-{chapter.nn} "
                         "checks this chapter's exercise)")
    try:
        kwargs = _arguments(make_app, chapter)
    except LookupError as e:
        raise SystemExit(f"{name}: make_app() needs {e.args[0]}, which only the chapter's tests "
                         f"build; make check-{chapter.nn} runs them") from None
    try:
        app = make_app(**kwargs)
    except Exception as e:
        raise SystemExit(f"{name}: make_app() raised {_one_line(e, path)}") from None
    if not isinstance(app, tornado.web.Application):
        raise SystemExit(f"{name}: make_app() returned {app!r}, not a tornado.web.Application "
                         "(does it return the app it builds?)")
    runner.check_port(port)
    asyncio.run(runner.serve(app, port, paths=paths(app)))
    return 0

