"""The commands the README promises, run as a learner runs them (in a subprocess)."""
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from workbook import manifest, scratch
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
    printed = [path for path in chapter.paths if f"  http://127.0.0.1:{port}{path}\n" not in out]
    assert not printed, f"make chapter-{chapter.nn} did not print the URLs of {printed}:\n{out}"


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


def test_check_of_an_untouched_exercise_says_not_yet_and_points_at_hints(tmp_path):
    result = workbook("check", "01", WORKBOOK_STATE=str(tmp_path))
    assert result.returncode == 1
    assert "✗ step1 product page" in result.stdout
    assert "0 of 7 checks pass." in result.stdout
    assert "Not yet" in result.stdout
    assert f"`make hint-01` for a hint (0 of {len(manifest.get(1).hints)} shown)." in result.stdout
    assert "Hints for chapter" not in result.stdout


@pytest.mark.parametrize("arg, message", [
    ("99", "there is no chapter 99"),
    ("x", "'x' is not a chapter number"),
    *[(f"{c.number:02d}", "is still to come") for c in manifest.load() if not c.ready][:1],
])
def test_unknown_chapters_are_clear_errors(arg, message):
    result = workbook("check", arg)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_progress_lists_every_chapter_with_the_hints_used(tmp_path):
    result = workbook("progress", WORKBOOK_STATE=str(tmp_path))
    assert result.returncode == 0
    for chapter in manifest.load():
        assert f"{chapter.nn} {chapter.title}" in result.stdout
        if chapter.ready:
            assert f"0 of {len(chapter.hints)} hints" in result.stdout
    assert "01 Routing" in result.stdout and "not yet" in result.stdout
    assert "make check-01" in result.stdout and "make hint-01" in result.stdout


# --- make help ------------------------------------------------------------------------------
def make(*args, **kwargs):
    return subprocess.run(["make", "-s", "--no-print-directory", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=30,
                          env=scratch.environment(), **kwargs)


def makefile_targets():
    """Every target a learner can type: the Makefile's rules, NN for a pattern's number."""
    targets = set()
    for line in (ROOT / "Makefile").read_text().splitlines():
        match = re.match(r"^([a-z][a-z-]*%?):", line)
        if match:
            targets.add(match.group(1).replace("%", "NN"))
    return targets


def test_help_lists_every_target():
    targets = makefile_targets()
    assert {"chapter-NN", "check-NN", "try-NN", "hint-NN", "diff-NN", "reset-NN", "watch-NN",
            "progress", "lab", "test", "bench", "system"} <= targets
    for result in (make(), make("help")):
        assert result.returncode == 0
        for target in targets:
            assert f"make {target}" in result.stdout, target


@pytest.mark.parametrize("target", ["chapter", "check", "try", "hint", "diff", "reset", "watch",
                                    "check-"])
def test_a_numbered_target_without_its_number_prints_the_help(target):
    result = make(target)
    assert result.returncode == 0, result.stderr
    assert "No rule to make target" not in result.stderr
    assert "make chapter-NN" in result.stdout
    assert f"make {target.rstrip('-')} needs a chapter number" in result.stdout


# --- The command line of every app ----------------------------------------------------------
@pytest.mark.parametrize("args, message", [
    (["--prot=1"], "unknown option '--prot=1'"),
    (["8888"], "unexpected argument '8888': give the port as --port=NNNN"),
    (["--port=abc"], "--port must be a number"),
])
def test_a_wrong_command_line_is_a_one_line_error(args, message):
    result = subprocess.run([sys.executable, "-m", "chapters.ch01_routing.app", *args], cwd=ROOT,
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr


# --- Chapters with private servers: clean starts and stops ----------------------------------
def leftovers(pid):
    return list(Path(tempfile.gettempdir()).glob(f"workbook-*-{pid}-*"))


def test_a_busy_port_is_found_before_any_private_server_starts():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        started = time.monotonic()
        result = subprocess.run([sys.executable, "-m", "workbook", "serve", "11",
                                 f"--port={port}"], cwd=ROOT, capture_output=True, text=True,
                                timeout=60)
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "PORT=" in result.stderr
    assert "[workbook]" not in result.stderr  # no MariaDB was started (and stopped)
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("chapter", [c for c in manifest.ready() if c.services],
                         ids=lambda c: f"chapter {c.nn}")
def test_closing_the_terminal_stops_the_servers_and_removes_their_data(chapter):
    process = start_app("workbook", "serve", chapter.nn, port=free_port())
    assert leftovers(process.pid)  # the private servers' data
    code, out, err = stop_app(process, signal.SIGHUP)
    assert code == 0, err
    assert "Stopped." in out and "Traceback" not in err
    assert leftovers(process.pid) == []


def test_a_server_that_died_behind_our_back_still_closes_cleanly():
    from workbook import services

    with services.Redis() as redis:
        os.kill(redis.pid, signal.SIGKILL)
        time.sleep(0.2)  # it has died; our executor does not know yet
        workdir = redis.workdir
    assert not workdir.exists()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP],
                         ids=lambda s: s.name)
def test_a_stop_while_mariadb_is_being_installed_is_quiet(sig):
    """Ctrl-C (or kill, or a closed terminal) in the first second of `make chapter-11`."""
    process = subprocess.Popen([sys.executable, "-m", "workbook", "serve", "11",
                                f"--port={free_port()}"], cwd=ROOT, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while not leftovers(process.pid):  # mariadb-install-db has started writing its data
        assert process.poll() is None and time.monotonic() < deadline, process.stderr.read()
        time.sleep(0.01)
    process.send_signal(sig)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert out == "Stopped.\n" and err == ""  # no traceback, no false "install-db failed"
    assert leftovers(process.pid) == []


# --- make lab -------------------------------------------------------------------------------
def test_lab_starts_prints_its_url_with_token_and_stops(tmp_path):
    """make lab as whoever runs the suite (CI: root, which Jupyter refuses unless told)."""
    home = tmp_path / "home"
    home.mkdir()
    port = free_port()
    env = scratch.environment(HOME=str(home), JUPYTER_PLATFORM_DIRS="1")
    env.pop("DISPLAY", None)
    process = subprocess.Popen(scratch.make_command(ROOT, "lab", f"PORT={port}"), text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                               start_new_session=True)
    seen = []
    try:
        deadline = time.monotonic() + 120
        url = f"http://127.0.0.1:{port}/lab?token="
        while not any(url in line for line in seen):
            line = process.stdout.readline()
            assert line and time.monotonic() < deadline, "".join(seen)
            seen.append(line)
        link = next(line for line in seen if url in line).strip()
        link = link[link.index("http"):]
        assert len(link.split("token=")[1]) >= 32
        while True:  # the URL is printed as the server starts listening
            try:
                with urllib.request.urlopen(link, timeout=30) as response:
                    assert response.status == 200
                break
            except urllib.error.URLError:
                assert time.monotonic() < deadline
                time.sleep(0.2)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        rest, _ = process.communicate(timeout=60)
    output = "".join(seen) + rest
    assert "Running as root is not recommended" not in output and "Traceback" not in output


@pytest.mark.parametrize("euid", [0, 1000], ids=["as root", "as a user"])
def test_lab_command_never_opens_a_browser_and_allows_root_only_as_root(euid, monkeypatch):
    from workbook import lab

    monkeypatch.setattr(os, "geteuid", lambda: euid)
    argv = lab.command(port=8123)
    assert "--no-browser" in argv and "--ServerApp.ip=127.0.0.1" in argv
    assert "--ServerApp.port=8123" in argv and "--ServerApp.port_retries=0" in argv
    assert ("--allow-root" in argv) == (euid == 0)
    assert Path(argv[0]).name == "jupyter-lab" and Path(argv[0]).exists()
