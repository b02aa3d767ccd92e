"""`make check-NN` names the common mistakes, whatever the chapter: each case is chapter 01's
solution with one mistake put in, checked with make in a scratch clone, as a learner would."""
import subprocess
import sys
import time

import pytest

from workbook import checks, manifest, scratch

CH01 = manifest.get(1)
EXERCISE = f"chapters/{CH01.slug}/exercise.py"


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return scratch.clone(tmp_path_factory.mktemp("checks") / "workbook")


def check_with(root, *changes, **env):
    """make check-01 on the solution with each (old, new) replacement applied."""
    text = (root / "solutions" / CH01.slug / "exercise.py").read_text()
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    (root / EXERCISE).write_text(text)
    started = time.monotonic()
    result = scratch.make(root, "check-01", **env)
    result.seconds = time.monotonic() - started
    assert "Traceback" not in result.stdout + result.stderr
    assert "INTERNALERROR" not in result.stdout + result.stderr
    return result


def step_lines(output, step):
    """The line of a check and the message lines under it."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"  ✗ {step}"))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith("      ")),
               len(lines))
    return "\n".join(lines[start:end])


SEARCH = "class SearchHandler(BaseHandler):\n    def get(self):\n"
ORDERS = "class OrdersHandler(BaseHandler):\n    def get(self):\n"


def test_the_solution_passes(root):
    result = check_with(root)
    assert result.returncode == 0 and "Chapter 01 solved" in result.stdout


def test_make_app_without_return_is_named(root):
    result = check_with(root, ("    return app\n", "    app.settings\n"))
    assert result.returncode != 0
    step = step_lines(result.stdout, "step1 product page")
    assert "make_app()" in step and "Application" in step and "None" in step
    assert "HTTPStreamClosedError" not in result.stdout and "Stream closed" not in result.stdout


def test_any_app_fixture_that_is_no_application_is_named(root):
    """The root conftest's http_server, for a chapter whose tests do not check it themselves."""
    test = root / "chapters" / CH01.slug / "test_none_app.py"
    test.write_text("import pytest\n\n\n@pytest.fixture\ndef app():\n    return None\n\n\n"
                    "@pytest.mark.gen_test\nasync def test_get(http_client, base_url):\n"
                    "    await http_client.fetch(base_url + '/')\n")
    try:
        result = subprocess.run([sys.executable, "-m", "pytest", str(test), "-q",
                                 "-p", "no:cacheprovider"], cwd=root, capture_output=True,
                                text=True, timeout=120)
    finally:
        test.unlink()
    assert result.returncode == 1
    assert "make_app() returned None, not a tornado.web.Application" in result.stdout
    assert "HTTPStreamClosedError" not in result.stdout


def test_a_coroutine_called_without_await_is_named_on_its_step(root):
    result = check_with(root, ("class SearchHandler", "async def audit(handler):\n    pass\n\n\n"
                                                      "class SearchHandler"),
                        (SEARCH, SEARCH + "        audit(self)\n"))
    assert result.returncode != 0
    step = step_lines(result.stdout, "step5 search")
    assert "coroutine 'audit' was never awaited" in step
    assert f"{EXERCISE}, line" in step and "audit(self)" in step
    assert "✓ step4 orders only on the admin host" in result.stdout  # the others stay right


def test_an_exception_in_the_learners_code_is_shown_as_itself(root):
    result = check_with(root, (SEARCH, SEARCH + "        raise ValueError('key must be bytes')\n"))
    assert result.returncode != 0
    step = step_lines(result.stdout, "step5 search")
    assert "your code raised ValueError: key must be bytes" in step
    assert f"{EXERCISE}, line" in step and "raise ValueError" in step


def test_a_step_that_hangs_is_stopped_and_named(root):
    result = check_with(root, (ORDERS, ORDERS + "        while True:\n            pass\n"),
                        WORKBOOK_STEP_TIMEOUT="2")
    assert result.returncode != 0
    step = step_lines(result.stdout, "step4 orders only on the admin host")
    assert "did not finish within 2 s" in step and "while True:" in step
    assert "not run: a step above hung" in result.stdout
    assert result.seconds < 30


def test_a_check_that_cannot_be_stopped_step_by_step_is_stopped_whole(root):
    # An endless loop at import time, with the per-step limit out of reach: the whole check's
    # limit ends it and says which step was running.
    result = check_with(root, ("PRODUCTS = {", "while True:\n    pass\nPRODUCTS = {"),
                        WORKBOOK_STEP_TIMEOUT="600", WORKBOOK_CHECK_LIMIT="4")
    assert result.returncode != 0
    assert "the check was stopped after 4 s" in result.stdout
    assert "✗ step1 product page (preparing it)" in result.stdout
    assert result.seconds < 30


def test_the_limits_keep_every_check_within_a_minute():
    from workbook import check_plugin

    assert checks.LIMIT <= 60 and check_plugin.STEP_TIMEOUT < checks.LIMIT


def test_an_await_that_never_returns_is_stopped_and_named(root):
    result = check_with(root, (SEARCH, "class SearchHandler(BaseHandler):\n    async def get(self):\n"
                                       "        await asyncio.Event().wait()\n"),
                        ("import tornado.web\n", "import asyncio\n\nimport tornado.web\n"))
    assert result.returncode != 0
    step = step_lines(result.stdout, "step5 search")
    assert "this step did not finish within" in step and "waits or loops for ever" in step
    assert "TimeoutError" not in step
