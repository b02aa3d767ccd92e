"""pytest plugin for `make check-NN` and `make progress`: one line per exercise test and, for a
failure, only its message (the tests' messages say what was expected and what came back)."""
from __future__ import annotations

import pytest

_counts = {"passed": 0, "failed": 0}
_seen: set[str] = set()  # a broken exercise file fails every test the same way: say it once


def _say(text: str) -> None:
    print(text, flush=True)


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if report.failed:  # a syntax error or an import error in the learner's file
        _counts["failed"] += 1
        _say(f"  ✗ could not load {report.nodeid}:\n{report.longreprtext}")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when != "call" and not report.failed:
        return
    name = report.nodeid.split("::", 1)[-1].removeprefix("test_").replace("_", " ")
    if report.passed:
        _counts["passed"] += 1
        _say(f"  ✓ {name}")
    elif report.failed:
        _counts["failed"] += 1
        crash = getattr(report.longrepr, "reprcrash", None)
        message = crash.message if crash else str(report.longrepr)
        message = message.removeprefix("AssertionError: ")
        if message in _seen:
            message = "(the same error as above)"
        _seen.add(message)
        _say(f"  ✗ {name}\n      {message}")


def pytest_sessionfinish(session: pytest.Session) -> None:
    total = _counts["passed"] + _counts["failed"]
    _say(f"{_counts['passed']} of {total} checks pass.")
