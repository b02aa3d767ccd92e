"""Chapter 13's app and tornkit's settings, Server and log: the project served, the settings'
layers and errors, two Servers in one process, the stop signals, and the multi-process log."""
import json
import logging
import logging.handlers
import os
import secrets
import signal
import subprocess
import sys
import textwrap
import time
import urllib.request

import pytest
import tornado.netutil
import tornado.options
from tornado.httpclient import AsyncHTTPClient

from chapters.ch13_settings import naive
from chapters.ch13_settings.app import PROJECT, make_app
from tornkit import Server, Settings, SettingsError, conf, log
from tornkit.application import Application
from tornkit.testing import override_settings  # noqa: F401  (a fixture)
from workbook import manifest
from workbook.net import free_port
from workbook.testing import start_app

ROOT = manifest.ROOT


@pytest.fixture
def app(tmp_path):
    return make_app(data_dir=tmp_path)


@pytest.fixture
def settings_module(tmp_path, monkeypatch):
    """settings_module(source) -> the dotted name of a new module with that source."""
    monkeypatch.syspath_prepend(str(tmp_path))
    made = []

    def make(source: str) -> str:
        name = f"settings_{secrets.token_hex(4)}"
        (tmp_path / f"{name}.py").write_text(source)
        made.append(name)
        return name

    yield make
    for name in made:
        sys.modules.pop(name, None)


@pytest.fixture
def restore_settings(override_settings):
    """Tests that call parse_command() set the process-wide settings; put them back after."""
    yield


# --- 目录结构: the project, served ----------------------------------------------------------------
def test_the_project_has_tornadopys_layout():
    for part in ("runserver.py", "settings/setting.py", "settings/setting_online.py",
                 "welcome/urls.py", "welcome/handlers/main.py", "middlewares", "httpmodules",
                 "templates/welcome.html", "statics/welcome.css"):
        assert (PROJECT / part).exists(), part


@pytest.mark.gen_test
async def test_the_welcome_page_names_the_settings_module_and_the_app(fetch):
    response = await fetch("/")
    assert response.code == 200
    page = response.body.decode()
    assert "settings.setting" in page and "<code>welcome</code>" in page
    assert "/statics/welcome.css?v=" in page
    css = await fetch("/statics/welcome.css")
    assert css.code == 200 and b"font-family" in css.body


@pytest.mark.gen_test
async def test_the_settings_page_shows_settings_but_no_paths(fetch, tmp_path):
    response = await fetch("/settings")
    body = json.loads(response.body)
    assert body["module"] == "settings.setting"
    assert body["settings"]["INSTALLED_APPS"] == ["welcome"]
    assert body["settings"]["DEBUG"] is False and body["settings"]["XHEADERS"] is False
    assert body["settings"]["TORNADO_CONF"] == sorted(
        ["template_path", "static_path", "static_url_prefix", "static_handler_class"])
    assert str(ROOT) not in response.body.decode() and str(tmp_path) not in response.body.decode()


def test_make_app_takes_upper_case_overrides_as_settings(tmp_path):
    app = make_app(data_dir=tmp_path, XHEADERS=True)
    assert app.conf.XHEADERS is True and app.conf.DATA_DIR == tmp_path
    assert app.conf.module == "settings.setting"
    assert isinstance(app, Application)


@pytest.mark.gen_test
async def test_the_log_page_logs_to_the_tornkit_logger(fetch, caplog):
    with caplog.at_level(logging.INFO, logger="tornkit"):
        response = await fetch("/log")
    assert response.code == 200
    assert any(r.name == "tornkit" and "GET /log" in r.getMessage() for r in caplog.records)


# --- settings配置: the layers, the errors, the lazy process-wide settings --------------------------
def test_settings_are_layers_defaults_module_values(settings_module):
    name = settings_module("DEBUG = True\nINSTALLED_APPS = ['blog']\nlower = 1\n")
    conf_ = Settings(name, XHEADERS=True)
    assert (conf_.DEBUG, conf_.INSTALLED_APPS, conf_.XHEADERS) == (True, ("blog",), True)
    assert conf_.LOGGING_DIR is None  # tornkit's default
    with pytest.raises(AttributeError, match="'lower'"):
        conf_.lower
    with pytest.raises(SettingsError, match="upper case"):
        Settings(debug=True)


def test_a_missing_settings_module_is_named_and_a_broken_one_raises_its_own_error(
        settings_module):
    with pytest.raises(SettingsError, match="'settings.nothing_here'"):
        Settings("settings.nothing_here")
    with pytest.raises(ZeroDivisionError):
        Settings(settings_module("DEBUG = True\n1 / 0\n"))


def test_naive_settings_swallow_a_broken_module_and_run_on_the_defaults(
        settings_module, monkeypatch):
    """PART2 B8: tornadopy turns the settings module's error into a warning; DEBUG and
    INSTALLED_APPS silently fall back to the defaults."""
    name = settings_module("INSTALLED_APPS = ('shop',)\nDEBUG = Treu\n")  # a typo
    monkeypatch.setenv("tornadopy_APP_SETTINGS", name)
    with pytest.warns(UserWarning, match="NameError"):
        assert naive._Settings().INSTALLED_APPS == ()  # the project's apps are gone
    with pytest.raises(NameError):
        Settings(name)


def test_naive_settings_merge_into_one_global_module_and_leak(settings_module, monkeypatch):
    """B8 again: the first settings module's values are written into the shared global_settings,
    so another settings object later sees them although its own module does not set them."""
    monkeypatch.setenv("tornadopy_APP_SETTINGS", settings_module("ONLY_IN_FIRST = 1\n"))
    assert naive._Settings().ONLY_IN_FIRST == 1
    second = settings_module("DEBUG = False\n")
    monkeypatch.setenv("tornadopy_APP_SETTINGS", second)
    assert naive._Settings().ONLY_IN_FIRST == 1  # leaked from the first module
    with pytest.raises(AttributeError, match="ONLY_IN_FIRST"):
        Settings(second).ONLY_IN_FIRST


def test_the_lazy_settings_load_on_first_read_and_see_a_later_configure(
        settings_module, monkeypatch, restore_settings):
    conf.settings.reset()
    monkeypatch.setenv(conf.ENVIRONMENT_VARIABLE, settings_module("XHEADERS = True\n"))
    assert not conf.settings.configured
    assert conf.settings.XHEADERS is True  # loaded now, from $TORNKIT_SETTINGS
    conf.settings.configure(settings_module("XHEADERS = False\n"))
    assert conf.settings.XHEADERS is False  # a read at import time does not freeze them


def test_the_override_fixture_changes_the_process_wide_settings(override_settings):
    override_settings(DEBUG=True)
    assert conf.settings.DEBUG is True
    with pytest.raises(SettingsError):
        conf.settings.DEBUG = False


def test_a_dict_setting_is_read_only_and_tornado_gets_a_plain_copy(tmp_path):
    conf_ = Settings(TORNADO_CONF={"ui_modules": {"Entry": object}})
    with pytest.raises(TypeError):
        conf_.TORNADO_CONF["ui_modules"]["Other"] = object
    assert type(conf.thaw(conf_.TORNADO_CONF)["ui_modules"]) is dict


# --- webserver: parse_command, two Servers, load_application --------------------------------------
@pytest.mark.parametrize("flag, env, xheaders, apps", [
    ("settings.setting", "settings.setting_online", False, ("welcome",)),
    (None, "settings.setting_online", True, ("welcome",)),
    (None, None, False, ()),
], ids=["the flag beats the variable", "the variable without a flag", "neither: defaults"])
def test_parse_command_takes_the_flag_then_the_environment_variable(
        flag, env, xheaders, apps, monkeypatch, restore_settings):
    monkeypatch.delenv(conf.ENVIRONMENT_VARIABLE, raising=False)
    if env:
        monkeypatch.setenv(conf.ENVIRONMENT_VARIABLE, env)
    server = Server(["--logging=none", *([f"--settings={flag}"] if flag else [])])
    server.parse_command()
    assert (server.settings.XHEADERS, server.settings.INSTALLED_APPS) == (xheaders, apps)
    assert conf.settings.XHEADERS is xheaders  # the process-wide settings follow the Server


def test_two_servers_in_one_process_parse_their_own_command_lines(restore_settings):
    """PART2 B9: each Server has its own OptionParser."""
    first, second = Server(), Server()
    first.options.define("your_arg", default="default", type=str)
    first.parse_command(["--port=8001", "--settings=settings.setting", "--logging=none",
                         "--your_arg=mine"])
    second.parse_command(["--port=8002", "--settings=settings.setting_online", "--logging=none"])
    assert (first.options.port, second.options.port) == (8001, 8002)
    assert (first.settings.XHEADERS, second.settings.XHEADERS) == (False, True)
    assert first.options.your_arg == "mine" and "your_arg" not in second.options
    assert "port" not in tornado.options.options  # the global parser is left alone


def test_naive_servers_share_the_global_options_and_the_second_one_fails():
    """PART2 B9 in tornadopy's form, in a process of its own (it defines global options)."""
    code = ("from chapters.ch13_settings.naive import Server\n"
            "Server().parse_command(['prog', '--port=8001'])\n"
            "Server().parse_command(['prog', '--port=8002'])\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1
    assert "Option 'settings' already defined" in result.stderr


def test_load_application_takes_a_subclass_or_an_instance(restore_settings):
    class MyApp(Application):
        pass

    server = Server(settings=Settings("settings.setting", TORNADO_CONF={"xsrf_cookies": True}))
    server.load_urls()
    app = server.load_application(MyApp)
    assert type(app) is MyApp and app.conf is server.settings
    assert app.settings["xsrf_cookies"] is True and app.settings["debug"] is False
    assert app.reverse_url("settings") == "/settings"
    ready = Application([], conf=server.settings)
    assert server.load_application(ready) is ready
    import tornado.web
    with pytest.raises(TypeError, match="tornkit Application"):
        server.load_application(tornado.web.Application)


def test_two_applications_keep_their_own_settings():
    debug = Application([], conf=Settings(DEBUG=True), autoreload=False)
    quiet = Application([], conf=Settings(DEBUG=False))
    assert debug.settings["debug"] is True and debug.conf.DEBUG is True
    assert quiet.settings["debug"] is False and quiet.conf.DEBUG is False


@pytest.mark.gen_test
@pytest.mark.parametrize("xheaders, seen", [(True, "10.0.0.7"), (False, "127.0.0.1")])
async def test_xheaders_goes_to_the_httpserver(xheaders, seen, tmp_path):
    server = Server(settings=Settings("settings.setting", DATA_DIR=tmp_path, XHEADERS=xheaders))
    server.load_urls()
    server.load_application()
    sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
    http_server = server.listen(sockets)
    try:
        port = sockets[0].getsockname()[1]
        response = await AsyncHTTPClient().fetch(f"http://127.0.0.1:{port}/ip",
                                                 headers={"X-Real-IP": "10.0.0.7"})
        assert json.loads(response.body)["remote_ip"] == seen
    finally:
        http_server.stop()


@pytest.mark.gen_test
async def test_serve_binds_with_a_backlog_and_stops_when_asked(tmp_path, capsys,
                                                              restore_settings):
    server = Server(["--port=0", "--logging=none"],
                    settings=Settings("settings.setting", DATA_DIR=tmp_path))
    server.parse_command()
    server.load_urls()
    server.load_application()
    import asyncio
    task = asyncio.create_task(server.serve(backlog=16, no_keep_alive=True))
    while not server.sockets:
        await asyncio.sleep(0.01)
    port = server.sockets[0].getsockname()[1]
    response = await AsyncHTTPClient().fetch(f"http://127.0.0.1:{port}/settings")
    assert response.code == 200 and response.headers.get("Connection") == "close"
    server.stop()
    await task
    out = capsys.readouterr().out
    assert out.startswith(f"Serving on http://127.0.0.1:{port}/") and "Stopped." in out


# --- runserver.py, as a learner runs it ---------------------------------------------------------
def runserver(port, *args, env=None):
    env = {**os.environ, **(env or {})}
    return start_app(PROJECT / "runserver.py", *args, port=port, env=env)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP],
                         ids=lambda s: s.name)
def test_runserver_serves_logs_and_stops_cleanly_on_each_signal(sig, tmp_path):
    port = free_port()
    process = runserver(port, f"--logging_dir={tmp_path}", "--log_to_stderr=false")
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/log", timeout=10) as response:
            assert response.status == 200
    finally:
        process.send_signal(sig)
        process.wait(timeout=30)
    out, err = process.stdout.read(), process.stderr.read()
    assert process.returncode == 0 and "Stopped." in out and "Traceback" not in err, err
    assert "200 GET /log" in (tmp_path / "tornado.log").read_text()
    assert "GET /log from 127.0.0.1" in (tmp_path / "tornkit.log").read_text()
    assert err == ""  # --log_to_stderr=false


def test_log_port_prefix_gives_each_port_its_own_files(tmp_path):
    port = free_port()
    process = runserver(port, "--settings=settings.setting", f"--logging_dir={tmp_path}",
                        "--log_port_prefix=true")
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/log", timeout=10).close()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    assert process.returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{port}_tornado.log",
                                                         f"{port}_tornkit.log"]


def test_a_busy_port_and_a_missing_settings_module_are_clear_errors(tmp_path):
    port = free_port()
    process = runserver(port, "--logging=none")
    try:
        busy = subprocess.run([sys.executable, str(PROJECT / "runserver.py"), f"--port={port}",
                               "--logging=none"], capture_output=True, text=True, timeout=30)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    assert busy.returncode == 1 and f"cannot listen on 127.0.0.1:{port}" in busy.stderr
    missing = subprocess.run([sys.executable, str(PROJECT / "runserver.py"),
                              "--settings=settings.nope", "--logging=none"],
                             capture_output=True, text=True, timeout=30)
    assert missing.returncode == 1 and "settings module 'settings.nope' not found" in missing.stderr


# --- log: LOGGING through dictConfig, and two processes rolling over ----------------------------
def test_build_config_turns_logging_entries_into_a_dictconfig(tmp_path):
    conf_ = Settings(DATA_DIR=tmp_path, LOGGING_DIR="logs", LOG_PORT_PREFIX=True, LOGGING=[
        {"name": "tornado", "level": "info", "log_to_stderr": False, "filename": "t.log"},
        {"name": "app.trace", "level": "ERROR", "formatter": "%(message)s", "filename": "x.log"},
    ])
    config = log.build_config(conf_, port=8001)
    assert config["loggers"]["tornado"] == {"level": "INFO", "handlers": ["tornado.file"],
                                            "propagate": False}
    handler = config["handlers"]["tornado.file"]
    assert handler["class"] == "tornkit.log.ProcessLogTimedFileHandler"
    assert handler["filename"] == str(tmp_path / "logs" / "8001_t.log")
    assert config["loggers"]["app.trace"]["handlers"] == ["app.trace.stderr", "app.trace.file"]
    assert config["formatters"]["app.trace.format"] == {"format": "%(message)s"}
    assert log.build_config(Settings(), port=1)["handlers"].keys() == {
        "tornado.stderr", "tornkit.stderr"}  # LOGGING_DIR None: no files


WRITER = textwrap.dedent("""
    import importlib, logging, sys
    module, _, name = sys.argv[1].rpartition(".")
    handler = getattr(importlib.import_module(module), name)(sys.argv[2], when="midnight")
    for command in sys.stdin:
        what, arg = command.split()
        if what == "write":
            for i in range(100):
                handler.emit(logging.makeLogRecord({"msg": f"{arg} {i}"}))
        elif what == "midnight":
            handler.rolloverAt = int(arg)
        print("ok", flush=True)
    handler.close()
""")


def two_processes_roll_over(handler_class: str, folder) -> int:
    """Two processes write app.log, midnight passes for both, they write again: lines kept."""
    path = folder / "app.log"
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, handler_class, str(path)],
                                cwd=ROOT, text=True, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE) for _ in range(2)]

    def tell(writer, command):
        writer.stdin.write(command + "\n")
        writer.stdin.flush()
        assert writer.stdout.readline() == "ok\n"

    midnight = int(time.time()) - 1
    for step in ["write day1", f"midnight {midnight}", "write day2"]:
        for writer in writers:  # in turn: the first process, then the second
            tell(writer, step)
    for writer in writers:
        writer.stdin.close()
        assert writer.wait(timeout=30) == 0
    return sum(len(p.read_text().splitlines()) for p in folder.iterdir())


def test_two_processes_rolling_over_lose_half_the_lines_with_the_stdlib_handler(tmp_path):
    """PART2 B16: the second rollover deletes the file the first one made."""
    assert naive.LOG_HANDLER is logging.handlers.TimedRotatingFileHandler
    assert two_processes_roll_over("logging.handlers.TimedRotatingFileHandler", tmp_path) == 200


def test_two_processes_rolling_over_keep_every_line_with_tornkits_handler(tmp_path):
    assert two_processes_roll_over("tornkit.log.ProcessLogTimedFileHandler", tmp_path) == 400
    assert len(list(tmp_path.iterdir())) == 2  # app.log and app.log.<date>


def test_probing_the_lazy_settings_for_other_names_loads_nothing(monkeypatch, restore_settings):
    """copy, pickle and pytest look for attributes such as __deepcopy__ or _pytestfixturefunction
    on every object they meet: that must not load (or fail to load) the settings."""
    conf.settings.reset()
    monkeypatch.setenv(conf.ENVIRONMENT_VARIABLE, "settings.nothing_here")
    assert getattr(conf.settings, "_pytestfixturefunction", None) is None
    assert not conf.settings.configured
    with pytest.raises(SettingsError, match="settings.nothing_here"):
        conf.settings.DEBUG  # a real setting: now it loads, and says what is missing
