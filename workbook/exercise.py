"""Which exercise file the exercise tests check, and how to run them.

The exercise tests of a chapter (chapters/<slug>/test_exercise.py) run against
  - the reference solution, solutions/<slug>/exercise.py, by default: so a fresh clone passes
    `pytest chapters/`;
  - the learner's chapters/<slug>/exercise.py when WORKBOOK_EXERCISE=learner, which is what
    `make check-NN` and `make progress` set.
"""
from __future__ import annotations

import importlib
import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from workbook.manifest import ROOT, Chapter

ENV = "WORKBOOK_EXERCISE"
PLUGINS = ["-p", "pytest_tornado.plugin", "-p", "pytest_timeout"]


def target() -> str:
    value = os.environ.get(ENV, "solution")
    if value not in ("solution", "learner"):
        raise RuntimeError(f"{ENV} must be 'solution' or 'learner', not {value!r}")
    return value


def load(chapter: Chapter) -> ModuleType:
    if target() == "learner":
        return importlib.import_module(f"chapters.{chapter.slug}.exercise")
    # solutions/ is not a package (its files mirror the chapter folder and are meant to be copied
    # over it), so the solution is loaded from its path under a name of its own.
    path = chapter.solution_dir / "exercise.py"
    name = f"solutions.{chapter.slug}.exercise"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def command(chapters: list[Chapter], extra: list[str] = ()) -> list[str]:
    """The pytest command line that runs these chapters' exercise tests."""
    return [sys.executable, "-m", "pytest",
            *(f"chapters/{chapter.slug}/test_exercise.py" for chapter in chapters),
            "-p", "no:cacheprovider", *PLUGINS, *extra]


def environment(**extra: str) -> dict[str, str]:
    # Only the plugins exercise tests use: the notebook plugin alone takes seconds to import.
    return {**os.environ, ENV: "learner", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", **extra}


def run_tests(
    chapter: Chapter, *, root: Path = ROOT, quiet: bool = False, extra: list[str] = ()
) -> subprocess.CompletedProcess:
    """Run chapter's exercise tests against the learner's file in the tree at root."""
    cmd, env = command([chapter], extra), environment()
    if quiet:
        return subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
    return subprocess.run(cmd, cwd=root, env=env)
