"""Every exercise has teeth: each of its tests fails on the untouched exercise.py, and all pass
once the chapter's solution is copied over it (what a learner who solved it would have)."""
import shutil
import xml.etree.ElementTree as ET

import pytest

from workbook import exercise, manifest

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
    # exactly what the README tells a learner: cp -r solutions/<slug>/. chapters/<slug>/
    shutil.copytree(chapter.solution_dir, root / "chapters" / chapter.slug, dirs_exist_ok=True)

    results = outcomes(chapter, root, tmp_path)
    assert set(results.values()) == {"passed"}, results
    assert results.keys() == outcomes(chapter, manifest.ROOT, tmp_path).keys()
