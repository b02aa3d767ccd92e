"""The learner's own commands (make hint-NN, diff-NN, reset-NN, try-NN, watch-NN, progress), run
with make as a learner runs them, in a scratch clone of the workbook (they change files)."""
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.request

import pytest

from workbook import manifest, scratch
from workbook.net import free_port

CH01 = manifest.get(1)
EXERCISE = f"chapters/{CH01.slug}/exercise.py"
SOLUTION = f"solutions/{CH01.slug}/exercise.py"


@pytest.fixture
def root(tmp_path):
    return scratch.clone(tmp_path / "workbook")


def solve(root, chapter=CH01):
    shutil.copy(root / "solutions" / chapter.slug / "exercise.py",
                root / "chapters" / chapter.slug / "exercise.py")


def git_status(root):
    return subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True,
                          text=True, check=True).stdout


def test_hint_gives_one_more_hint_per_call_remembered_out_of_git(root):
    total = len(CH01.hints)
    assert total >= 2
    for n in range(1, total + 1):
        result = scratch.make(root, "hint-01")
        assert result.returncode == 0, result.stderr
        assert f"Hint {n} of {total}, chapter 01" in result.stdout
        assert CH01.hints[n - 1][:50] in result.stdout.replace("\n  ", " ")
        assert (n == total) == ("make diff-01" in result.stdout), result.stdout
        if n > 1:  # only the new hint, not the ones already shown
            assert CH01.hints[n - 2][:50] not in result.stdout.replace("\n  ", " ")
    again = scratch.make(root, "hint-01")
    assert f"All {total} hints" in again.stdout and "make diff-01" in again.stdout
    state = json.loads((root / ".workbook" / "progress.json").read_text())
    assert state["hints"]["01"] == total
    assert git_status(root) == ""  # the learner's state is git-ignored

    check = scratch.make(root, "check-01")
    assert f"all {total} hints shown" in check.stdout and "make diff-01" in check.stdout
    progress = scratch.make(root, "progress")
    assert f"{total} of {total} hints" in progress.stdout
    assert f"0 of {len(manifest.get(2).hints)} hints" in progress.stdout


def test_check_points_at_hint_instead_of_listing_hints(root):
    result = scratch.make(root, "check-01")
    assert result.returncode != 0
    assert "Not yet" in result.stdout
    assert f"`make hint-01` for a hint (0 of {len(CH01.hints)} shown)." in result.stdout
    for hint in CH01.hints:
        assert hint[:40] not in result.stdout
    scratch.make(root, "hint-01")
    assert f"(1 of {len(CH01.hints)} shown)" in scratch.make(root, "check-01").stdout


def test_diff_shows_the_exercise_against_the_solution(root):
    result = scratch.make(root, "diff-01")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"--- {EXERCISE} (yours)"
    assert lines[1] == f"+++ {SOLUTION} (the solution)"
    added = {line[1:].strip() for line in lines if line.startswith("+") and line[1:].strip()}
    assert any("add_handlers" in line for line in added)
    solve(root)
    result = scratch.make(root, "diff-01")
    assert "line for line" in result.stdout and "---" not in result.stdout


def test_reset_asks_keeps_a_backup_and_restores_the_published_exercise(root):
    untouched = (root / EXERCISE).read_text()
    mine = untouched + "\n# my attempt\n"
    (root / EXERCISE).write_text(mine)
    # The learner commits their work: the untouched exercise is the published one, not HEAD's.
    subprocess.run([*scratch.GIT, "commit", "-qam", "my attempt"], cwd=root, check=True)

    no = scratch.make(root, "reset-01", input="n\n")
    assert "Reset? [y/N]" in no.stdout and "Nothing changed." in no.stdout
    assert (root / EXERCISE).read_text() == mine
    unanswered = scratch.make(root, "reset-01")  # no answer at all is a no
    assert (root / EXERCISE).read_text() == mine and unanswered.returncode != 0

    yes = scratch.make(root, "reset-01", input="y\n")
    assert yes.returncode == 0, yes.stdout + yes.stderr
    assert (root / EXERCISE).read_text() == untouched
    backups = list((root / ".workbook" / "backups").glob(f"{CH01.slug}-*/exercise.py"))
    assert [b.read_text() for b in backups] == [mine]

    (root / EXERCISE).write_text("# started over\n")
    quiet = scratch.make(root, "reset-01", YES="1")
    assert quiet.returncode == 0 and "[y/N]" not in quiet.stdout
    assert (root / EXERCISE).read_text() == untouched
    assert len(list((root / ".workbook" / "backups").glob(f"{CH01.slug}-*"))) >= 1
    assert "already the untouched exercise" in scratch.make(root, "reset-01", YES="1").stdout


def start(root, *targets):
    """make TARGETS in a session of its own, as in a terminal (Ctrl-C reaches the group)."""
    return subprocess.Popen(scratch.make_command(root, *targets), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True, env=scratch.environment())


def ctrl_c(process, timeout=30):
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=timeout)
    return out, err


def test_try_serves_the_learners_make_app_and_stops_on_ctrl_c(root):
    solve(root)
    port = free_port()
    process = start(root, "try-01", f"PORT={port}")
    try:
        first = process.stdout.readline()
        assert first == f"Serving on http://127.0.0.1:{port}/  (Ctrl-C to stop)\n", (
            first + process.stderr.read())
        assert process.stdout.readline() == f"  http://127.0.0.1:{port}/pro\n"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/pro/2", timeout=10) as response:
            assert response.read() == b"Product 2: Oolong"
    finally:
        out, err = ctrl_c(process)
    assert "Stopped." in out and "Traceback" not in err


@pytest.mark.parametrize("chapter, change, message", [
    ("01", ("def make_app()", "def make_app(:"), "exercise.py does not import: SyntaxError"),
    ("01", ("    return app\n", "    app = app\n"),
     "make_app() returned None, not a tornado.web.Application"),
    ("01", ("def make_app()", "def make_ap()"), "exercise.py has no make_app()"),
    ("01", ("PRODUCTS = {", "PRODUCTS = 1 / 0\nX = {"),
     "exercise.py does not import: ZeroDivisionError: division by zero (line"),
], ids=["syntax error", "no return", "no make_app", "raises on import"])
def test_try_explains_an_exercise_it_cannot_serve(root, chapter, change, message):
    path = root / EXERCISE
    solve(root)
    text = path.read_text()
    assert change[0] in text
    path.write_text(text.replace(change[0], change[1], 1))
    result = scratch.make(root, f"try-{chapter}", f"PORT={free_port()}", timeout=30)
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if not line.startswith("make:")]
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_watch_checks_again_on_save_until_it_passes(root):
    process = start(root, "watch-01")
    try:
        seen = ""
        while "Watching chapters/" not in seen:
            line = process.stdout.readline()
            assert line, seen + process.stderr.read()
            seen += line
        assert "Not yet" in seen
        time.sleep(0.5)  # the watcher is in place once it has said so; give it a moment
        solve(root)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            ctrl_c(process)
    assert process.returncode == 0, out + err
    assert "Chapter 01 solved" in out and "Traceback" not in err


def test_progress_remembers_results_by_the_content_checked(root):
    first = scratch.make(root, "progress")
    assert first.returncode == 0, first.stderr
    assert "✗  01 Routing" in first.stdout
    # Untouched exercises fail (test_exercises proves it): not even run.
    state = root / ".workbook" / "progress.json"
    assert not state.exists() or not json.loads(state.read_text())["checks"]

    solve(root)  # a new content: checked
    with open(root / "chapters" / "ch02_templates" / "exercise.py", "a") as f:
        f.write("\n# started\n")
    second = scratch.make(root, "progress")
    assert "✓  01 Routing" in second.stdout and "✗  02 Templates" in second.stdout
    state = json.loads((root / ".workbook" / "progress.json").read_text())
    assert set(state["checks"]) == {"01", "02"}

    # An unchanged content is not checked again: a remembered result is believed.
    state["checks"]["02"].update(passed=1, failed=0)
    (root / ".workbook" / "progress.json").write_text(json.dumps(state))
    assert "✓  02 Templates" in scratch.make(root, "progress").stdout
    # ... until a file it covers changes (here the chapter's tests).
    with open(root / "chapters" / "ch02_templates" / "test_exercise.py", "a") as f:
        f.write("\n")
    assert "✗  02 Templates" in scratch.make(root, "progress").stdout
