"""The learner's files of a chapter: the paths under chapters/<slug>/ that solutions/<slug>/
holds a finished form of (exercise.py, and for some chapters templates). `make diff-NN` compares
them with the solution; `make reset-NN` brings back the untouched ones from git."""
from __future__ import annotations

import datetime
import difflib
import shutil
import subprocess
import sys
from pathlib import Path

from workbook import state
from workbook.manifest import ROOT, Chapter


def learner_files(chapter: Chapter, root: Path = ROOT) -> list[Path]:
    """Paths relative to chapters/<slug>/, from the solution's files."""
    solution = root / "solutions" / chapter.slug
    return sorted(p.relative_to(solution) for p in solution.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts)


def _read(path: Path) -> list[str]:
    try:
        return path.read_text().splitlines(keepends=True)
    except FileNotFoundError:
        return []


def diff(chapter: Chapter, root: Path = ROOT) -> str:
    """A unified diff: your files (-) against the solution's (+)."""
    out = []
    for rel in learner_files(chapter, root):
        yours, solution = f"chapters/{chapter.slug}/{rel}", f"solutions/{chapter.slug}/{rel}"
        lines = difflib.unified_diff(_read(root / yours), _read(root / solution),
                                     f"{yours} (yours)", f"{solution} (the solution)")
        out.extend(line if line.endswith("\n") else line + "\n" for line in lines)
    return "".join(out)


# --- make reset-NN --------------------------------------------------------------------------
class GitError(RuntimeError):
    pass


def _git(*args: str, root: Path) -> str:
    try:
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    if result.returncode:
        raise GitError(result.stderr.strip() or f"git {' '.join(args)} failed")
    return result.stdout


def pristine_commit(root: Path = ROOT) -> str:
    """The commit whose exercises count as untouched: where this checkout left the workbook as
    published (its upstream branch, e.g. origin/main), so that a learner who committed their own
    work still gets the original back; without an upstream, HEAD."""
    head = _git("rev-parse", "HEAD", root=root).strip()
    try:
        upstream = _git("rev-parse", "--verify", "--quiet", "@{upstream}", root=root).strip()
    except GitError:
        return head
    return _git("merge-base", head, upstream, root=root).strip() or head


def untouched(chapters: list[Chapter], root: Path = ROOT) -> set[Chapter]:
    """The chapters whose learner files are all as published (see pristine_commit); none if git
    cannot tell."""
    try:
        commit = pristine_commit(root)
        changed = set(_git("diff", "--name-only", commit, "--", "chapters", root=root).split())
    except GitError:
        return set()
    return {c for c in chapters
            if all((root / "chapters" / c.slug / rel).exists()
                   and f"chapters/{c.slug}/{rel.as_posix()}" not in changed
                   for rel in learner_files(c, root))}


def reset(chapter: Chapter, *, yes: bool = False, root: Path = ROOT) -> int:
    try:
        commit = pristine_commit(root)
        originals = {rel: _git("show", f"{commit}:chapters/{chapter.slug}/{rel.as_posix()}",
                               root=root) for rel in learner_files(chapter, root)}
    except GitError as e:
        print(f"make reset-{chapter.nn} needs the workbook's git history: {e}", file=sys.stderr)
        return 1
    folder = root / "chapters" / chapter.slug
    changed = [rel for rel, text in originals.items()
               if not (folder / rel).exists() or (folder / rel).read_text() != text]
    if not changed:
        print(f"chapters/{chapter.slug}/ is already the untouched exercise.")
        return 0
    names = ", ".join(f"chapters/{chapter.slug}/{rel}" for rel in changed)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    backup = state.directory(root) / "backups" / f"{chapter.slug}-{stamp}"
    if not yes:
        print(f"This replaces {names} with the untouched exercise (as of commit {commit[:10]}).\n"
              f"Your version is kept in {_shown(backup, root)}/.")
        try:
            answer = input("Reset? [y/N] ")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing changed.")
            return 1
    for rel in changed:
        if (folder / rel).exists():
            (backup / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(folder / rel, backup / rel)
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(originals[rel])
    print(f"Reset {names}. Your version: {_shown(backup, root)}/")
    return 0


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
