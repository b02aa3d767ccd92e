"""Tests of the chapter 13 exercise. `make check-13` runs them on your exercise.py; plain
`pytest` runs them on solutions/ch13_settings/exercise.py."""
import logging
import secrets
import time
from pathlib import Path

import pytest

from tornkit import global_settings
from tornkit.conf import SettingsError

LESSON = "chapters/ch13_settings/README.md"


@pytest.fixture
def settings_module(tmp_path, monkeypatch):
    """settings_module(source) -> the dotted name of a new settings module with that source."""
    monkeypatch.syspath_prepend(str(tmp_path))
    made = []

    def make(source: str, package: str | None = None) -> str:
        name = f"settings_{secrets.token_hex(4)}"
        folder = tmp_path
        if package:
            folder = tmp_path / package
            folder.mkdir(exist_ok=True)
            (folder / "__init__.py").touch()
        (folder / f"{name}.py").write_text(source)
        dotted = f"{package}.{name}" if package else name
        made.append(dotted)
        return dotted

    yield make
    import sys
    for name in made:
        sys.modules.pop(name, None)


# --- steps 1-3 ---------------------------------------------------------------------------------
def test_step1_without_a_module_the_settings_are_tornkits_defaults(exercise):
    conf = exercise.Settings()
    for name in ("DEBUG", "XHEADERS", "INSTALLED_APPS", "LOGGING_DIR", "LOG_FORMAT"):
        assert getattr(conf, name) == getattr(global_settings, name), (
            f"Settings().{name} should be tornkit.global_settings.{name}, "
            f"{getattr(global_settings, name)!r}; got {getattr(conf, name)!r} (lesson §2)")


def test_step1_the_module_replaces_the_defaults_and_values_replace_the_module(
        exercise, settings_module):
    name = settings_module("DEBUG = True\nINSTALLED_APPS = ('blog',)\nXHEADERS = True\n"
                           "helper = 'lower case: not a setting'\n")
    conf = exercise.Settings(name)
    assert conf.DEBUG is True and conf.INSTALLED_APPS == ("blog",), (
        f"a module setting DEBUG = True and INSTALLED_APPS = ('blog',) should win over the "
        f"defaults; got DEBUG={conf.DEBUG!r}, INSTALLED_APPS={conf.INSTALLED_APPS!r} (lesson §2)")
    assert conf.LOGGING_DIR == global_settings.LOGGING_DIR, (
        "a setting the module does not define keeps tornkit's default")
    conf = exercise.Settings(name, XHEADERS=False)
    assert conf.XHEADERS is False and conf.DEBUG is True, (
        f"Settings(module, XHEADERS=False) should give XHEADERS False (values win over the "
        f"module) and keep the module's DEBUG True; got {conf.XHEADERS!r}, {conf.DEBUG!r}")
    with pytest.raises(AttributeError):
        exercise.Settings(name).helper  # lower-case names of the module are not settings


def test_step2_a_missing_settings_module_is_a_settings_error_that_names_it(exercise, tmp_path):
    for name in ("settings_that_do_not_exist", "no_such_package.setting"):
        with pytest.raises(SettingsError) as caught:
            exercise.Settings(name)
        assert name in str(caught.value), (
            f"Settings({name!r}) should raise a SettingsError naming {name!r}; it said "
            f"{caught.value!r} (lesson §2)")


@pytest.mark.parametrize("source, error", [
    ("DEBUG = True\n1 / 0\n", ZeroDivisionError),
    ("DEBUG = Treu\n", NameError),
    ("import a_library_that_is_not_installed\n", ModuleNotFoundError),
], ids=["1/0", "a typo", "a missing library"])
def test_step2_an_error_inside_the_settings_module_surfaces_as_itself(
        exercise, settings_module, source, error):
    name = settings_module(source)
    try:
        exercise.Settings(name)
    except error as e:
        assert not isinstance(e, SettingsError)
        if error is ModuleNotFoundError:
            assert e.name == "a_library_that_is_not_installed"
    except Exception as e:
        pytest.fail(f"a settings module containing {source.strip()!r} should raise its own "
                    f"{error.__name__}; Settings() raised {e!r} instead (lesson §2)")
    else:
        pytest.fail(f"a settings module containing {source.strip()!r} should raise "
                    f"{error.__name__}; Settings() went on without it, as tornadopy did (§2)")


def test_step2_a_settings_module_inside_a_package_loads(exercise, settings_module):
    name = settings_module("DEBUG = True\n", package=f"pkg_{secrets.token_hex(3)}")
    assert exercise.Settings(name).DEBUG is True, f"Settings({name!r}) should load that module"


def test_step3_an_unknown_setting_is_an_attribute_error_naming_it(exercise):
    conf = exercise.Settings()
    with pytest.raises(AttributeError) as caught:
        conf.DEBUGG
    assert "DEBUGG" in str(caught.value), (
        f"reading conf.DEBUGG should raise an AttributeError naming 'DEBUGG'; got "
        f"{caught.value!r} (lesson §2)")
    assert getattr(conf, "NOT_A_SETTING", "default") == "default"
    assert not hasattr(conf, "NOT_A_SETTING")


# --- step 4 ----------------------------------------------------------------------------------
def test_step4_settings_cannot_be_assigned(exercise):
    conf = exercise.Settings()
    with pytest.raises(SettingsError):
        conf.DEBUG = True
    assert conf.DEBUG is False, "a refused assignment must not change the setting"


def test_step4_dict_settings_cannot_be_changed_in_place(exercise, settings_module):
    name = settings_module("TORNADO_CONF = {'cookie_secret': 'x' * 40}\nINSTALLED_APPS = ['a']\n")
    conf = exercise.Settings(name)
    with pytest.raises(TypeError):
        conf.TORNADO_CONF["debug"] = True  # a read-only mapping refuses item assignment
    assert "debug" not in conf.TORNADO_CONF
    assert tuple(conf.INSTALLED_APPS) == ("a",)
    with pytest.raises((TypeError, AttributeError)):
        conf.INSTALLED_APPS.append("b")  # a list setting comes back as a tuple
    import sys
    sys.modules[name].TORNADO_CONF["debug"] = True  # the module's dict, changed afterwards
    assert "debug" not in conf.TORNADO_CONF, (
        "changing the settings module's dict after loading must not reach the Settings object: "
        "freeze() makes a copy (lesson §2)")
    defaults = exercise.Settings()
    with pytest.raises(TypeError):
        defaults.ROUTE_MODULES["x"] = ["y"]
    assert global_settings.ROUTE_MODULES == {}, "tornkit.global_settings must stay untouched"


# --- step 5 ----------------------------------------------------------------------------------
def test_step5_override_holds_inside_the_block_only(exercise):
    conf = exercise.Settings()
    other = exercise.Settings()
    with conf.override(DEBUG=True, NEW_ONE=1) as inside:
        assert inside is conf or inside is None or inside.DEBUG is True
        assert conf.DEBUG is True and conf.NEW_ONE == 1, (
            f"inside `with conf.override(DEBUG=True, NEW_ONE=1)` those values should be read; "
            f"got DEBUG={conf.DEBUG!r} (lesson §2)")
        assert other.DEBUG is False, "override() changes one Settings object, not every one"
    assert conf.DEBUG is False, "after the block, DEBUG should be False again"
    assert not hasattr(conf, "NEW_ONE"), "a setting added by override() is gone after the block"


def test_step5_override_is_undone_when_the_block_raises(exercise):
    conf = exercise.Settings()
    with pytest.raises(RuntimeError):
        with conf.override(XHEADERS=True):
            raise RuntimeError("a failing test inside the block")
    assert conf.XHEADERS is False, (
        "an exception inside the `with conf.override(...)` block must still restore the old "
        "values: put them back in a finally: block (lesson §2)")


# --- step 6 ----------------------------------------------------------------------------------
def write(handler, tag: str, n: int) -> None:
    """What Handler.emit does, without its try/except: an error in doRollover shows."""
    for i in range(n):
        record = logging.makeLogRecord({"msg": f"{tag} {i}"})
        if handler.shouldRollover(record):
            handler.doRollover()
        logging.FileHandler.emit(handler, record)


def two_processes_roll_over(cls, folder: Path) -> dict[str, list[str]]:
    """Two handlers on one file (two processes' worth of open files): 100 lines each, midnight
    passes for both, 100 lines each. {file name: its lines}."""
    path = folder / "app.log"
    first, second = cls(path, when="midnight"), cls(path, when="midnight")
    try:
        write(first, "a-day1", 100)
        write(second, "b-day1", 100)
        midnight = int(time.time()) - 1  # as if midnight had just passed, for both processes
        first.rolloverAt = second.rolloverAt = midnight
        write(first, "a-day2", 100)
        write(second, "b-day2", 100)
    finally:
        first.close()
        second.close()
    return {p.name: p.read_text().splitlines() for p in sorted(folder.iterdir())}


def test_step6_two_processes_rolling_over_keep_every_line(exercise, tmp_path):
    files = two_processes_roll_over(exercise.ProcessLogTimedFileHandler, tmp_path)
    kept = sum(len(lines) for lines in files.values())
    assert kept == 400, (
        f"two processes wrote 400 lines and rolled over at midnight; {kept} lines are left in "
        f"{sorted(files)}. The second rollover must not delete the file the first one made "
        "(lesson §4)")


def test_step6_the_day_before_is_in_the_rotated_file_and_the_new_day_in_app_log(
        exercise, tmp_path):
    files = two_processes_roll_over(exercise.ProcessLogTimedFileHandler, tmp_path)
    rotated = [name for name in files if name != "app.log"]
    assert "app.log" in files and len(rotated) == 1, (
        f"after midnight there should be app.log and one app.log.<date>; found {sorted(files)} "
        "(rotate once, whichever process comes first; lesson §4)")
    day1 = {line.split()[0] for line in files[rotated[0]]}
    day2 = {line.split()[0] for line in files["app.log"]}
    assert day1 == {"a-day1", "b-day1"} and len(files[rotated[0]]) == 200, (
        f"{rotated[0]} should hold the 200 lines of the day before, got {len(files[rotated[0]])} "
        f"lines from {sorted(day1)}")
    assert day2 == {"a-day2", "b-day2"} and len(files["app.log"]) == 200, (
        f"app.log should hold the 200 lines of the new day (both processes write there after "
        f"the rollover), got {len(files['app.log'])} lines from {sorted(day2)}")


def test_step6_one_process_alone_rotates_as_the_stdlib_does(exercise, tmp_path):
    path = tmp_path / "app.log"
    handler = exercise.ProcessLogTimedFileHandler(path, when="midnight")
    try:
        write(handler, "before", 3)
        handler.rolloverAt = int(time.time()) - 1
        write(handler, "after", 2)
        assert handler.rolloverAt > time.time(), (
            "after a rollover, rolloverAt should be the next midnight, not the past")
    finally:
        handler.close()
    stamp = time.strftime("%Y-%m-%d", time.localtime(int(time.time()) - 1 - 86400))
    rotated = tmp_path / f"app.log.{stamp}"
    assert rotated.is_file(), (
        f"the rollover should rename app.log to app.log.{stamp} (the day that ended), found "
        f"{sorted(p.name for p in tmp_path.iterdir())}")
    assert len(rotated.read_text().splitlines()) == 3 and len(path.read_text().splitlines()) == 2


@pytest.mark.gen_test
async def test_step3_make_try_13_shows_the_project_settings_your_class_loads(exercise, serve):
    from tornado.httpclient import AsyncHTTPClient

    base = serve(exercise.make_app())
    response = await AsyncHTTPClient().fetch(base + "/", raise_error=False)
    assert response.code == 200, (
        f"the page of `make try-13` should answer 200, got {response.code}: "
        f"{response.body.decode(errors='replace')[:200]}")
    import json
    assert json.loads(response.body) == {
        "DEBUG": False, "XHEADERS": False, "INSTALLED_APPS": ["welcome"], "LOGGING_DIR": "logs",
        "NOT_A_SETTING": "(not a setting)"}, (
        f"Settings('settings.setting') should give the project's INSTALLED_APPS and LOGGING_DIR "
        f"and no NOT_A_SETTING; the page shows {response.body.decode()} (lesson §2)")
