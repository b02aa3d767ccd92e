"""pytest plugin for `make check-NN` and `make progress`: one line per exercise test and, for a
failure, only its message (the tests' messages say what was expected and what came back).

It also names the mistakes that pytest alone reports badly:
  - a step that hangs (an await that never returns, a loop that never ends) is stopped after
    STEP_TIMEOUT seconds and named, and the chapter's later steps are not run;
  - a coroutine called without `await` fails the step it happened in, naming the coroutine and
    the line (Python only warns, and the warning would otherwise be lost);
  - an exception raised in the learner's code, even inside a handler where Tornado turns it into
    a 500, is shown as that exception, with the learner's file and line.

Environment: WORKBOOK_STEP_FILE names a file that holds the step running now (so that
`make check-NN`'s overall time limit can say which step it stopped); WORKBOOK_RESULTS names a
JSON file that receives {slug: {"passed": n, "failed": n}}; WORKBOOK_PROGRESS=1 (what
`make progress` sets) prints nothing and stops each chapter at its first failure.
"""
from __future__ import annotations

import json
import linecache
import logging
import os
import signal
import traceback
import warnings
from pathlib import Path

import pytest
import tornado.util

STEP_TIMEOUT = float(os.environ.get("WORKBOOK_STEP_TIMEOUT", "15"))
AFTER_A_HANG = 5.0  # the clean-up after a step that hung gets less: it often hangs on the same
HUNG_ADVICE = ("Something in it waits or loops for ever: an await that never returns, a "
               "transaction never committed, a loop whose condition never changes.")

_counts = {"passed": 0, "failed": 0, "not run": 0}
_seen: set[str] = set()  # a broken exercise file fails every test the same way: say it once
_results: dict[str, dict[str, int]] = {}
_stopped: dict[str, str] = {}  # slug -> why its remaining steps are not run


class StepHung(Exception):
    """Raised in a step that ran longer than STEP_TIMEOUT."""


def _say(text: str) -> None:
    if not os.environ.get("WORKBOOK_PROGRESS"):
        print(text, flush=True)


def _slug(nodeid: str) -> str:
    parts = nodeid.split("::", 1)[0].split("/")
    return parts[1] if len(parts) > 2 and parts[0] == "chapters" else parts[0]


def step_name(nodeid: str) -> str:
    return nodeid.split("::", 1)[-1].removeprefix("test_").replace("_", " ")


def _learner_files(config: pytest.Config, slug: str) -> tuple[Path, ...]:
    root = Path(config.rootpath)
    return root / "chapters" / slug, root / "tpl" / slug


def _is_learners(filename: str, dirs: tuple[Path, ...]) -> bool:
    path = Path(filename)
    return not path.name.startswith("test_") and any(d in path.parents for d in dirs)


def _where(filename: str, lineno: int, root: Path) -> str:
    try:
        shown = Path(filename).relative_to(root)
    except ValueError:
        shown = Path(filename)
    line = linecache.getline(filename, lineno).strip()
    return f"{shown}, line {lineno}" + (f": {line}" if line else "")


def _learner_frame(tb, dirs: tuple[Path, ...]):
    """The innermost frame of a traceback that is in the learner's files, or None."""
    found = None
    for frame, lineno in traceback.walk_tb(tb):
        if _is_learners(frame.f_code.co_filename, dirs):
            found = (frame.f_code.co_filename, lineno)
    return found


def _raised_in_learners_code(exc: BaseException, config, dirs) -> str | None:
    if isinstance(exc, (AssertionError, StepHung, pytest.fail.Exception, pytest.skip.Exception)):
        return None
    frame = _learner_frame(exc.__traceback__, dirs)
    if frame is None:
        return None
    return (f"your code raised {type(exc).__name__}: {exc}\n"
            f"(at {_where(*frame, Path(config.rootpath))})")


# --- Watching each phase of each step -------------------------------------------------------
class _ErrorLog(logging.Handler):
    """Collects logged exceptions (Tornado logs a handler's exception and answers 500)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            self.records.append(record)


_errors = _ErrorLog()


def _on_alarm(signum, frame):
    raise StepHung(f"this step did not finish within {STEP_TIMEOUT:g} s and was stopped")


def _watch_phase(item: pytest.Item, when: str):
    """Run one phase (setup, call or teardown) under a time limit, recording never-awaited
    coroutines and logged exceptions."""
    slug = _slug(item.nodeid)
    if when == "setup" and slug in _stopped:
        pytest.skip(_stopped[slug])
    step_file = os.environ.get("WORKBOOK_STEP_FILE")
    if step_file:
        phase = {"setup": " (preparing it)", "teardown": " (cleaning up after it)"}
        Path(step_file).write_text(step_name(item.nodeid) + phase.get(when, ""))
    _errors.records.clear()
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    hung = when == "teardown" and item.stash.get(_HUNG, False)
    signal.setitimer(signal.ITIMER_REAL, min(STEP_TIMEOUT, AFTER_A_HANG) if hung else STEP_TIMEOUT)
    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.filterwarnings("always", message=r"coroutine .* was never awaited",
                                    category=RuntimeWarning)
            try:
                yield
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
    finally:
        unawaited = [w for w in caught if "was never awaited" in str(w.message)]
        item.stash[_UNAWAITED] = unawaited
        item.stash[_LOGGED] = list(_errors.records)
        for w in caught:  # give every other warning back to pytest's own handling
            if w not in unawaited:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno,
                                       source=w.source)


_UNAWAITED = pytest.StashKey[list]()
_HUNG = pytest.StashKey[bool]()
_LOGGED = pytest.StashKey[list]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    yield from _watch_phase(item, "setup")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    yield from _watch_phase(item, "call")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item):
    yield from _watch_phase(item, "teardown")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.skipped:
        return report
    config, root = item.config, Path(item.config.rootpath)
    dirs = _learner_files(config, _slug(item.nodeid))
    notes = []
    for w in item.stash.get(_UNAWAITED, []):
        notes.append(f"{w.message} (at {_where(w.filename, w.lineno, root)}): calling an async "
                     "function without await only creates the coroutine; none of its code runs")
    exc = call.excinfo.value if call.excinfo else None
    for record in item.stash.get(_LOGGED, []):  # hung inside a handler: Tornado answered 500
        if isinstance(record.exc_info[1], StepHung):
            exc = record.exc_info[1]
    if isinstance(exc, BaseExceptionGroup):  # several finalizers failed: one may have hung
        exc = next((e for e in exc.exceptions if isinstance(e, StepHung)), exc)
    if isinstance(exc, StepHung) and item.stash.get(_HUNG, False):
        report.workbook_silent = True  # its clean-up hung too: once is enough to say so
    elif isinstance(exc, StepHung):
        item.stash[_HUNG] = True
        frame = _learner_frame(exc.__traceback__, dirs)
        at = f" (it was at {_where(*frame, root)})" if frame else ""
        notes.append(f"{exc}{at}.\n{HUNG_ADVICE}")
        _stopped[_slug(item.nodeid)] = "not run: an earlier step hung"
    elif isinstance(exc, tornado.util.TimeoutError):  # @gen_test's own limit on async steps
        seconds = str(exc).removeprefix("Operation timed out after ").removesuffix(" seconds")
        notes.append(f"this step did not finish within {seconds} s and was stopped.\n"
                     f"{HUNG_ADVICE}")
        report.workbook_only_notes = True
    elif exc is not None:
        raised = _raised_in_learners_code(exc, config, dirs)
        if raised:
            notes.append(raised)
    if (report.failed or notes) and not isinstance(exc, StepHung):
        for record in item.stash.get(_LOGGED, []):
            frame = _learner_frame(record.exc_info[2], dirs)
            if frame:
                e = record.exc_info[1]
                notes.append(f"your code raised {type(e).__name__}: {e}\n"
                             f"(at {_where(*frame, root)})")
                break
    if notes:
        report.outcome = "failed"
        report.workbook_notes = notes
        if isinstance(exc, StepHung):  # the hang is the whole story
            report.workbook_only_notes = True
    if report.failed and os.environ.get("WORKBOOK_PROGRESS"):
        _stopped.setdefault(_slug(item.nodeid), "not run: an earlier step failed")
    return report


# --- Reporting ------------------------------------------------------------------------------
def pytest_configure(config: pytest.Config) -> None:
    logging.getLogger().addHandler(_errors)
    # Only the message of a failure is shown: Python's own formatting of its traceback is
    # enough (pytest's re-parses source files, which an interrupted step can make fail).
    config.option.tbstyle = "native"


def _count(nodeid: str, outcome: str) -> None:
    _counts[outcome] += 1
    tally = _results.setdefault(_slug(nodeid), {"passed": 0, "failed": 0})
    if outcome in tally:
        tally[outcome] += 1


def _indent(text: str) -> str:
    return "\n".join("      " + line for line in text.splitlines())


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if report.failed:  # a syntax error or an import error in the learner's file
        _count(report.nodeid, "failed")
        _say(f"  ✗ could not load {report.nodeid}:\n{report.longreprtext}")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    name = step_name(report.nodeid)
    if report.skipped:
        if report.when == "setup":
            _count(report.nodeid, "not run")
        return
    if report.when != "call" and not report.failed:
        return
    if getattr(report, "workbook_silent", False):
        return
    if report.passed:
        _count(report.nodeid, "passed")
        _say(f"  ✓ {name}")
        return
    if report.when == "teardown":
        name = f"{name} (cleaning up after it)"
    _count(report.nodeid, "failed")
    notes = getattr(report, "workbook_notes", [])
    crash = getattr(report.longrepr, "reprcrash", None)
    message = crash.message if crash else str(report.longrepr or "")
    message = message.removeprefix("AssertionError: ").removeprefix("Failed: ")
    if crash is None or "StepHung" in message or getattr(report, "workbook_only_notes", False):
        message = ""
    parts = [*notes, message] if message and notes else notes or [message]
    text = "\n".join(p for p in parts if p)
    if text in _seen:
        text = "(the same error as above)"
    _seen.add(text)
    _say(f"  ✗ {name}\n{_indent(text)}")


def pytest_sessionfinish(session: pytest.Session) -> None:
    results = os.environ.get("WORKBOOK_RESULTS")
    if results:
        Path(results).write_text(json.dumps(_results))
    total = _counts["passed"] + _counts["failed"] + _counts["not run"]
    _say(f"{_counts['passed']} of {total} checks pass."
         + (f" ({_counts['not run']} not run: a step above hung.)" if _counts["not run"] else ""))
