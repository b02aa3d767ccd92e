"""Every exercise has teeth: each of its tests fails on the untouched exercise.py, and all pass
once the chapter's solution is copied over it (what a learner who solved it would have). And no
check gives the answer away: the untouched exercise's `make check-NN` shows none of the
solution's code."""
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from workbook import exercise, files, manifest

CHAPTERS = manifest.ready()


def outcomes(chapter, root, tmp_path) -> dict[str, str]:
    """Run the chapter's exercise tests on the learner's file under root: {test: outcome}."""
    report = tmp_path / f"{chapter.slug}-{root.name}.xml"
    result = exercise.run_tests(chapter, root=root, quiet=True, extra=[f"--junitxml={report}"])
    assert report.exists(), f"pytest did not run:\n{result.stdout}\n{result.stderr}"
    results = {}
    for case in ET.parse(report).iter("testcase"):
        failed = case.find("failure") is not None or case.find("error") is not None
        skipped = case.find("skipped") is not None
        results[case.get("name")] = "skipped" if skipped else "failed" if failed else "passed"
    assert results, f"no exercise tests ran for {chapter.slug}:\n{result.stdout}"
    return results


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.slug)
def test_untouched_exercise_fails_every_test(chapter, tmp_path):
    results = outcomes(chapter, manifest.ROOT, tmp_path)
    not_failing = [name for name, outcome in results.items() if outcome != "failed"]
    assert not not_failing, (
        f"chapters/{chapter.slug}/exercise.py must fail every exercise test while untouched; "
        f"these do not: {not_failing}. (Solved it yourself? Then this is expected: the workbook's "
        f"own suite checks pristine exercises; use `make check-{chapter.nn}`.)")


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.slug)
def test_solution_copied_over_the_exercise_passes(chapter, tmp_path):
    root = tmp_path / "workbook"
    for name in ("chapters", "solutions", "tpl", "static", "workbook", "tornkit"):
        shutil.copytree(manifest.ROOT / name, root / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("conftest.py", "pyproject.toml"):
        shutil.copy(manifest.ROOT / name, root / name)
    # what a learner who solved it has: the solution's files at the exercise's paths
    shutil.copytree(chapter.solution_dir, root / "chapters" / chapter.slug, dirs_exist_ok=True)

    results = outcomes(chapter, root, tmp_path)
    assert set(results.values()) == {"passed"}, results
    assert results.keys() == outcomes(chapter, manifest.ROOT, tmp_path).keys()


# --- A failing check says what was asked, never the code to type ------------------------------
def solution_lines(chapter) -> set[str]:
    """The solution's lines that the untouched exercise lacks and that are worth copying: code
    of 12 characters or more (no comments, no docstring quotes, no lone keywords)."""
    mine, theirs = set(), set()
    for rel in files.learner_files(chapter):
        theirs |= {line.strip() for line in (chapter.solution_dir / rel).read_text().splitlines()}
        path = chapter.dir / rel
        if path.exists():
            mine |= {line.strip() for line in path.read_text().splitlines()}
    return {line for line in theirs - mine
            if len(line) >= 12 and not line.startswith(("#", '"""', "'''"))}


def normal(text: str) -> str:
    """Code as a message may quote it: one kind of quote, single spaces, no trailing comma."""
    return " ".join(text.replace("'", '"').split()).rstrip(",")


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.slug)
def test_check_of_the_untouched_exercise_shows_no_line_of_the_solution(chapter, tmp_path):
    result = subprocess.run([sys.executable, "-m", "workbook", "check", chapter.nn],
                            cwd=manifest.ROOT, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "WORKBOOK_STATE": str(tmp_path)})
    output = result.stdout + result.stderr
    assert result.returncode == 1 and "Not yet" in output, output
    shown = normal(output)
    leaked = sorted(line for line in solution_lines(chapter) if normal(line) in shown)
    assert not leaked, (
        f"`make check-{chapter.nn}` on the untouched exercise shows the solution's code; a "
        f"failing check must say what was asked and what came back, not what to type "
        f"(the code belongs in the last hint):\n" + "\n".join(leaked))
