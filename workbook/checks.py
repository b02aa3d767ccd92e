"""`make check-NN`, `make watch-NN` and `make progress`: the exercise tests run on the learner's
files, each check's result remembered by the content of what it checked (.workbook/)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from workbook import exercise, files, manifest, state
from workbook.check_plugin import HUNG_ADVICE
from workbook.manifest import ROOT, Chapter

# The learner sees workbook.check_plugin's report, not pytest's: a line per check, and a message
# for each failure. Its own time limit per step replaces pytest-timeout's.
# (An exception in a __del__ is the tests' noise, not the learner's: a library's, mostly.)
OPTIONS = ["-p", "no:terminal", "-p", "workbook.check_plugin", "--assert=plain",
           "-o", "timeout=0",
           "-W", "ignore::pytest.PytestUnraisableExceptionWarning"]
# The most a whole `make check-NN` may take, whatever the exercise does (seconds).
LIMIT = float(os.environ.get("WORKBOOK_CHECK_LIMIT", "60"))


def _run(chapters: list[Chapter], *, progress: bool, limit: float) -> dict[str, dict] | None:
    """Run the chapters' exercise tests in one pytest process: {slug: {"passed", "failed"}},
    or None if it had to be stopped (then the step it was running has been named)."""
    with tempfile.TemporaryDirectory(prefix="workbook-check-") as tmp:
        results, step = Path(tmp, "results.json"), Path(tmp, "step")
        env = exercise.environment(WORKBOOK_RESULTS=str(results), WORKBOOK_STEP_FILE=str(step))
        if progress:
            env["WORKBOOK_PROGRESS"] = "1"
        process = subprocess.Popen(exercise.command(chapters, OPTIONS), cwd=ROOT, env=env,
                                   stdout=subprocess.DEVNULL if progress else None)
        try:
            process.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            _stop(process)
            running = step.read_text() if step.exists() else "loading the exercise"
            if not progress:
                print(f"  ✗ {running}\n      the check was stopped after {limit:g} s.\n"
                      f"      {HUNG_ADVICE}", flush=True)
            return None
        except KeyboardInterrupt:  # Ctrl-C reached pytest too: let it finish its clean-up
            _stop(process)
            raise
        try:
            return json.loads(results.read_text())
        except (OSError, ValueError):
            return None


def _stop(process: subprocess.Popen) -> None:
    """Ctrl-C first (pytest then stops the test servers it started), then SIGKILL."""
    try:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    except KeyboardInterrupt:
        process.kill()
        process.wait()


def _solved(tally: dict | None) -> bool:
    return bool(tally) and tally.get("failed", 1) == 0 and tally.get("passed", 0) > 0


def check(chapter: Chapter) -> bool:
    """Run the chapter's checks, printing a line per check; remember the result."""
    key = state.fingerprint(chapter)
    results = _run([chapter], progress=False, limit=LIMIT)
    tally = (results or {}).get(chapter.slug, {"passed": 0, "failed": 1})
    state.remember({chapter: (key, tally)})
    return _solved(tally)


def verdict(chapter: Chapter, solved: bool) -> str:
    nn = chapter.nn
    if solved:
        return (f"Chapter {nn} solved. `make diff-{nn}` compares your file with the reference "
                f"solution, solutions/{chapter.slug}/.")
    shown, total = state.hints_shown(chapter), len(chapter.hints)
    if total and shown == total:
        nudge = f"`make diff-{nn}` shows your file against the solution (all {total} hints shown)."
    else:
        nudge = f"`make hint-{nn}` for a hint ({shown} of {total} shown)."
    return f"Not yet: each ✗ above says what was asked and what came back.\n{nudge}"


def progress() -> int:
    chapters = manifest.load()
    ready = [c for c in chapters if c.ready]
    keys = {c: state.fingerprint(c) for c in ready}
    known = {c: state.remembered(c, keys[c]) for c in ready}
    stale = [c for c in ready if known[c] is None]
    # An exercise nobody has touched yet fails its checks (the suite proves it for each one):
    # no need to run them to know.
    for chapter in files.untouched(stale):
        known[chapter] = {"passed": 0, "failed": 1, "untouched": True}
    stale = [c for c in stale if known[c] is None]
    if stale:
        groups = _groups(stale, max(1, min(len(stale), os.cpu_count() or 1, 4)))
        with ThreadPoolExecutor(len(groups)) as pool:
            runs = list(pool.map(lambda g: _run(g, progress=True, limit=LIMIT * 2), groups))
        fresh = {}
        for group, results in zip(groups, runs):
            for c in group:
                if results is not None and c.slug in results:
                    fresh[c] = (keys[c], results[c.slug])
                    known[c] = results[c.slug]
        state.remember(fresh)
    first_unsolved = None
    for chapter in chapters:
        if not chapter.ready:
            print(f"  ·  {chapter.nn} {chapter.title:<34} coming")
            continue
        tally = known.get(chapter)
        solved = _solved(tally)
        mark, word = ("✓", "solved") if solved else ("?", "unknown") if tally is None else (
            "✗", "not yet")
        used = f"{state.hints_shown(chapter)} of {len(chapter.hints)} hints"
        print(f"  {mark}  {chapter.nn} {chapter.title:<34} {word:<8} {used}")
        if not solved and first_unsolved is None:
            first_unsolved = chapter
    if first_unsolved is None:
        print("\nEvery chapter so far is solved.")
    else:
        nn = first_unsolved.nn
        print(f"\nNext: chapter {nn}, {first_unsolved.title}. `make check-{nn}` says what is "
              f"asked; `make hint-{nn}` gives a hint.")
    return 0


# How long a chapter's checks take to start, roughly: a private MariaDB is installed first.
WEIGHT = {"mysql": 10, "redis": 2, "memcached": 2}


def _groups(chapters: list[Chapter], workers: int) -> list[list[Chapter]]:
    """The chapters shared out between pytest processes (each pays pytest's start-up once for
    several chapters), the slowest first, each to the least loaded process."""
    groups: list[list[Chapter]] = [[] for _ in range(workers)]
    load = [0] * workers
    weight = {c: 1 + sum(WEIGHT.get(s, 1) for s in c.services) for c in chapters}
    for chapter in sorted(chapters, key=lambda c: -weight[c]):
        i = load.index(min(load))
        groups[i].append(chapter)
        load[i] += weight[chapter]
    return [g for g in groups if g]


def watch(chapter: Chapter) -> int:
    """Check now, then again each time one of the learner's files is saved, until it passes."""
    from watchfiles import watch as changes

    mine = {ROOT / "chapters" / chapter.slug / rel for rel in files.learner_files(chapter)}

    def is_mine(change, path: str) -> bool:
        path = Path(path)
        return path in mine or any(p in mine for p in path.parents)

    while True:
        print(f"Checking chapters/{chapter.slug}/exercise.py ...", flush=True)
        solved = check(chapter)
        print()
        print(verdict(chapter, solved))
        if solved:
            return 0
        print(f"\nWatching chapters/{chapter.slug}/: save your exercise to check it again "
              "(Ctrl-C to stop).", flush=True)
        try:
            next(changes(*{p.parent for p in mine}, watch_filter=is_mine, raise_interrupt=True))
        except KeyboardInterrupt:
            print("\nStopped watching.")
            return 0
        print("\n" + "-" * 72)
