"""The learner's own state, in .workbook/ (git-ignored; `make clean` keeps it):

    .workbook/progress.json   how many hints each chapter has shown, and each chapter's last
                              check result with the fingerprint of the files it checked
    .workbook/backups/        the exercise files `make reset-NN` replaced

WORKBOOK_STATE=<dir> puts it elsewhere (the suite's scratch runs do).
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from workbook.manifest import ROOT, Chapter


def directory(root: Path = ROOT) -> Path:
    return Path(os.environ.get("WORKBOOK_STATE") or root / ".workbook")


def _path(root: Path) -> Path:
    return directory(root) / "progress.json"


def load(root: Path = ROOT) -> dict:
    try:
        data = json.loads(_path(root).read_text())
    except (OSError, ValueError):
        data = {}
    data.setdefault("hints", {})
    data.setdefault("checks", {})
    return data


def save(data: dict, root: Path = ROOT) -> None:
    path = _path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp") as f:
        json.dump(data, f, indent=1, sort_keys=True)
    os.replace(f.name, path)  # whole or not at all, even if two commands write at once


def hints_shown(chapter: Chapter, root: Path = ROOT) -> int:
    return min(int(load(root)["hints"].get(chapter.nn, 0)), len(chapter.hints))


def set_hints_shown(chapter: Chapter, count: int, root: Path = ROOT) -> None:
    data = load(root)
    data["hints"][chapter.nn] = count
    save(data, root)


# --- Check results, remembered by the content of what was checked -----------------------------
# A check's result can only change when one of these changes: the learner's files, the chapter's
# tests and solution, or the workbook's own plumbing.
SHARED = ("conftest.py", "pyproject.toml", "workbook")


def fingerprint(chapter: Chapter, root: Path = ROOT) -> str:
    digest = hashlib.sha256()
    places = [root / "chapters" / chapter.slug, root / "solutions" / chapter.slug,
              root / "tpl" / chapter.slug, *(root / name for name in SHARED)]
    for place in places:
        files = sorted(place.rglob("*")) if place.is_dir() else [place]
        for file in files:
            if file.is_file() and "__pycache__" not in file.parts:
                digest.update(str(file.relative_to(root)).encode() + b"\0")
                digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()


def remembered(chapter: Chapter, key: str, root: Path = ROOT) -> dict | None:
    """The last result of checking exactly these files: {"passed": n, "failed": n}, or None."""
    entry = load(root)["checks"].get(chapter.nn)
    return entry if entry and entry.get("key") == key else None


def remember(results: dict[Chapter, tuple[str, dict]], root: Path = ROOT) -> None:
    data = load(root)
    for chapter, (key, tally) in results.items():
        data["checks"][chapter.nn] = {"key": key, **tally}
    save(data, root)
