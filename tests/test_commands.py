"""The commands the README promises, run as a learner runs them (in a subprocess)."""
import os
import subprocess
import sys
import urllib.request

import pytest

from workbook import manifest
from workbook.net import free_port
from workbook.testing import start_app, stop_app

ROOT = manifest.ROOT


@pytest.mark.parametrize("command", [
    ["chapters.ch01_routing.app"],
    ["workbook", "serve", "01"],  # what `make chapter-01` runs
], ids=["python -m app", "make chapter-01"])
def test_serve_prints_the_url_serves_and_stops_cleanly_on_ctrl_c(command):
    port = free_port()
    process = start_app(*command, port=port)
    try:
        assert process.first_line == f"Serving on http://127.0.0.1:{port}/  (Ctrl-C to stop)\n"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/index", timeout=5) as response:
            assert response.read() == b"Hello, world"
    finally:
        code, out, err = stop_app(process)
    assert code == 0, err
    assert "Traceback" not in err
    assert f"http://127.0.0.1:{port}/login" in out and "Stopped." in out


@pytest.mark.parametrize("chapter", manifest.ready(), ids=lambda c: f"make chapter-{c.nn}")
def test_every_chapter_serves_its_pages_and_stops_cleanly(chapter):
    """`make chapter-NN` for every chapter: with no setup (chapters 11 and 12 start private
    servers), every page it lists answers 200, and Ctrl-C stops it (and its servers) cleanly."""
    port = free_port()
    process = start_app("workbook", "serve", chapter.nn, port=port)
    try:
        for path in chapter.paths:
            url = f"http://127.0.0.1:{port}{path}"
            with urllib.request.urlopen(url, timeout=10) as response:
                assert response.status == 200, url
    finally:
        code, out, err = stop_app(process)
    assert code == 0, err
    assert "Traceback" not in err and "Stopped." in out


def test_a_busy_port_is_a_clear_error():
    port = free_port()
    process = start_app("chapters.ch01_routing.app", port=port)
    try:
        second = subprocess.run([sys.executable, "-m", "chapters.ch01_routing.app",
                                 f"--port={port}"], cwd=ROOT, capture_output=True, text=True,
                                timeout=10)
    finally:
        stop_app(process)
    assert second.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in second.stderr and "PORT=" in second.stderr
    assert "Traceback" not in second.stderr


def workbook(*args, **env):
    return subprocess.run([sys.executable, "-m", "workbook", *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=60, env={**os.environ, **env})


def test_check_of_an_untouched_exercise_fails_with_messages_and_hints():
    result = workbook("check", "01")
    assert result.returncode == 1
    assert "✗ step1 product page" in result.stdout
    assert "GET /pro/2 should show 'Product 2: Oolong', got 404" in result.stdout
    assert "0 of 7 checks pass." in result.stdout
    assert "Hints for chapter 01 (Routing):" in result.stdout
    assert manifest.get(1).hints[0][:60] in result.stdout.replace("\n     ", " ")


@pytest.mark.parametrize("arg, message", [
    ("99", "there is no chapter 99"),
    ("x", "'x' is not a chapter number"),
    *[(f"{c.number:02d}", "is still to come") for c in manifest.load() if not c.ready][:1],
])
def test_unknown_chapters_are_clear_errors(arg, message):
    result = workbook("check", arg)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_progress_lists_every_chapter_and_the_next_hint():
    result = workbook("progress")
    assert result.returncode == 0
    for chapter in manifest.load():
        assert f"{chapter.nn} {chapter.title}" in result.stdout
    assert "01 Routing" in result.stdout and "not yet" in result.stdout
    assert "make check-01" in result.stdout
