"""Every chapter chapters.toml marks ready, fuzzed (see __init__.py): at least MIN_REQUESTS
generated requests, no finding, nothing written outside the app's data directory, and its
listed pages still answering afterwards."""
import importlib

import pytest

from workbook import manifest

from . import apps
from .conftest import hypothesis_home
from .run import MIN_REQUESTS, fuzz
from .target import Target, canaries, harvest, routes_of
from .writes import diff, outside, tree_state


@pytest.mark.parametrize("chapter", manifest.ready(), ids=lambda c: c.slug)
def test_fuzz(chapter, chapter_app, request, tmp_path, sandbox, capsys):
    try:
        plan = apps.plan(chapter)
    except ValueError as e:
        pytest.fail(str(e), pytrace=False)
    importlib.import_module(chapter.module)
    data = tmp_path / "data"
    data.mkdir()

    args, words, signed_names = harvest(chapter)
    before = tree_state(manifest.ROOT)
    app = chapter_app(chapter, data, **plan.settings)
    target = Target(
        name=chapter.slug, app=app, good_paths=list(chapter.paths), data_dirs=[data],
        args=args, words=words, signed_names=signed_names, issued=plan.signed,
        values=plan.slow_args, long_poll=plan.long_poll, designed_5xx=plan.designed_5xx,
        canaries=canaries(chapter.dir / "app.py"))
    result = fuzz(target, requests=MIN_REQUESTS)
    written = diff(before, tree_state(manifest.ROOT))
    in_cwd = sorted(str(p.relative_to(sandbox)) for p in sandbox.rglob("*"))
    elsewhere = outside(result.writes, [data, hypothesis_home(tmp_path)])

    request.node.user_properties.append(("fuzz_requests", result.sent))
    with capsys.disabled():
        print(f"\n  fuzz {chapter.slug}: {result.summary()}")
    problems = []  # every check, each able to fail; reported together
    if not chapter.paths:
        problems.append(f"chapters.toml lists no paths for {chapter.slug}: the fuzz needs a "
                        f"known-good page to check that the app still answers")
    if result.sent < MIN_REQUESTS:
        problems.append(f"only {result.sent} requests were sent, not {MIN_REQUESTS}")
    if result.findings:
        problems.append(result.report())
    if elsewhere:
        problems.append(f"{chapter.slug} wrote outside its data directory: {elsewhere} "
                        f"(make_app(data_dir=...) must put everything it writes under data_dir)")
    if written:
        problems.append(f"the repository changed while {chapter.slug} was fuzzed: {written}")
    if in_cwd:
        problems.append(f"{chapter.slug} wrote in its working directory: {in_cwd}")
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


def test_routes_come_from_the_application_host_routers_and_static_routes():
    from chapters.ch01_routing.app import make_app as ch01
    from chapters.ch04_static_files.app import make_app as ch04

    found = {(r.host, r.regex) for r in routes_of(ch01())}
    assert (r"safe\.localhost$", r"/admin/\w*$") in found  # from add_handlers
    assert (None, r"/story/([0-9]+)$") in found
    assert (None, r"/.*$") in found
    found = {r.regex for r in routes_of(ch04())}
    assert {r"/static/(.*)$", r"/(favicon\.ico)$", r"/files/(.*)$"} <= found


def test_the_manifest_fuzz_field_is_checked():
    chapter = manifest.ready()[0]

    def plan(**fuzz):
        return apps.plan(type(chapter)(**{**vars(chapter), "fuzz": fuzz}))

    assert plan(slow_args={"seconds": ["0"]}).slow_args == {"seconds": ("0",)}
    for wrong, says in [({"long_pol": "x"}, "it may have"), ({"long_poll": "("}, "regular"),
                        ({"slow_args": {"seconds": "0"}}, "lists of strings"),
                        ({"settings": ["x"]}, "keyword arguments")]:
        with pytest.raises(ValueError, match=says):
            plan(**wrong)
