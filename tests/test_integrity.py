"""The workbook is whole: what chapters.toml lists exists, with every part a chapter needs, and
nothing else lies around. Chapters still to come are listed, have no files, and are not linked."""
import ast
import json
import re

import pytest

from workbook import manifest

ROOT = manifest.ROOT
ALL = manifest.load()
READY = [c for c in ALL if c.ready]
COMING = [c for c in ALL if not c.ready]
CHAPTER_FILES = ("__init__.py", "README.md", "app.py", "exercise.py", "test_app.py",
                 "test_exercise.py")
ids = {"ids": lambda c: c.slug}


def test_manifest_is_ordered_and_consistent(known_services):
    assert [c.number for c in ALL] == list(range(1, len(ALL) + 1)), (
        "chapters.toml: chapters are numbered 1, 2, 3, ... in the order of their entries")
    for c in ALL:
        assert re.fullmatch(rf"ch{c.nn}_[a-z0-9_]+", c.slug), (
            f"chapters.toml: chapter {c.number}'s slug {c.slug!r} must be ch{c.nn}_<topic>")
        assert c.title and c.notes, f"chapters.toml: {c.slug} needs a title and notes"
        assert set(c.services) <= known_services, (
            f"chapters.toml: {c.slug} names services {sorted(set(c.services) - known_services)}; "
            f"known are {sorted(known_services)} (tests/conftest.py, SERVICE_URLS)")
    ports = [c.port for c in ALL]
    shared = sorted({p for p in ports if ports.count(p) > 1})
    assert not shared, f"chapters.toml: two chapters share the default port {shared}"


@pytest.mark.parametrize("chapter", READY, **ids)
def test_ready_chapter_has_every_part(chapter):
    missing = [f"chapters/{chapter.slug}/{f}" for f in CHAPTER_FILES
               if not (chapter.dir / f).is_file()]
    missing += [path for path in (f"notebooks/{chapter.slug}.ipynb",
                                  f"solutions/{chapter.slug}/exercise.py")
                if not (ROOT / path).is_file()]
    assert not missing, (f"chapters.toml marks {chapter.slug} ready, but {missing} do not exist "
                         f"(CONTRIBUTING.md, Adding a chapter)")
    assert chapter.hints and chapter.paths, (
        f"chapters.toml: a ready chapter has hints and paths (pages to try); {chapter.slug} lacks "
        f"{[k for k in ('hints', 'paths') if not getattr(chapter, k)]}")
    assert "TODO" in (chapter.dir / "exercise.py").read_text(), (
        f"chapters/{chapter.slug}/exercise.py is the learner's stub: it marks each step TODO")


@pytest.mark.parametrize("chapter", READY, **ids)
def test_app_has_make_app_and_main(chapter):
    tree = ast.parse((chapter.dir / "app.py").read_text())
    functions = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    assert {"make_app", "main"} <= functions, (
        f"chapters/{chapter.slug}/app.py defines no {sorted({'make_app', 'main'} - functions)} "
        f"at its top level")
    make_app = next(n for n in tree.body if getattr(n, "name", "") == "make_app")
    assert make_app.args.kwarg, (
        f"chapters/{chapter.slug}/app.py: make_app takes **overrides (data_dir=..., the services' "
        f"URLs, the tests' settings): CONTRIBUTING.md, Settings")


@pytest.mark.parametrize("chapter", READY, **ids)
def test_lesson_names_the_notes_headings(chapter):
    lesson = (chapter.dir / "README.md").read_text()
    where = f"chapters/{chapter.slug}/README.md"
    for heading in chapter.notes.split(" · "):
        assert heading in lesson, (f"{where} never names {heading!r}, a heading of the notes "
                                   f"its `notes` in chapters.toml lists")
    assert f"notebooks/{chapter.slug}.ipynb" in lesson, f"{where} links its notebook"
    for command in (f"make chapter-{chapter.nn}", f"make check-{chapter.nn}"):
        assert command in lesson, f"{where} says how to run its app and check its exercise: {command}"


@pytest.mark.parametrize("chapter", READY, **ids)
def test_solution_mirrors_the_chapter_and_explains_itself(chapter):
    files = [p for p in chapter.solution_dir.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert files
    for path in files:
        relative = path.relative_to(chapter.solution_dir)
        assert (chapter.dir / relative).is_file(), (
            f"solutions/{chapter.slug}/{relative} has no chapters/{chapter.slug}/{relative}: a "
            f"solution is the finished form of a file the learner edits, at the same path")
        if path.suffix == ".py":
            assert ast.get_docstring(ast.parse(path.read_text())), (
                f"solutions/{chapter.slug}/{relative} needs a docstring that explains it")


def test_coming_chapters_have_no_files_yet():
    for chapter in COMING:
        found = [str(p.relative_to(ROOT)) for p in (
            chapter.dir, chapter.solution_dir, ROOT / "notebooks" / f"{chapter.slug}.ipynb")
            if p.exists()]
        assert not found, (f"chapters.toml says {chapter.slug} is still to come (ready = false), "
                           f"but {found} exist: set ready = true once it is whole")


def test_no_stray_chapter_folders():
    slugs = {c.slug for c in READY}
    for folder in ("chapters", "solutions", "tpl", "static"):
        found = {p.name for p in (ROOT / folder).iterdir() if p.is_dir() and p.name != "__pycache__"}
        assert found <= slugs, (f"{folder}/ has folders no chapter chapters.toml marks ready "
                                f"owns: {sorted(found - slugs)}")
    notebooks = {p.stem for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert notebooks <= slugs, (f"notebooks/ has notebooks of no ready chapter: "
                                f"{sorted(notebooks - slugs)}")


def has_javascript(chapter) -> list[str]:
    """The chapter's files that hold JavaScript: a <script> in a template, a .js file."""
    templates = [p for p in (ROOT / "tpl" / chapter.slug).rglob("*.html")
                 if "<script" in p.read_text(encoding="utf-8")]
    scripts = list((ROOT / "static" / chapter.slug).rglob("*.js"))
    return [str(p.relative_to(ROOT)) for p in templates + scripts]


@pytest.mark.parametrize("chapter", READY, **ids)
def test_pages_with_javascript_are_tested_in_a_browser(chapter):
    """Only a real browser runs a page's script: a chapter with JavaScript has
    tests/browser/test_<slug>.py (CONTRIBUTING.md, Adding a chapter)."""
    scripts = has_javascript(chapter)
    browser_test = ROOT / "tests" / "browser" / f"test_{chapter.slug}.py"
    assert not scripts or browser_test.is_file(), (
        f"{chapter.slug} has JavaScript ({scripts[:3]}{' ...' * (len(scripts) > 3)}), and no "
        f"tests/browser/test_{chapter.slug}.py: add one that drives its pages in Chromium "
        f"(the `page` fixture, pytestmark = pytest.mark.browser)")


def test_every_browser_test_belongs_to_a_ready_chapter():
    slugs = {c.slug for c in READY}
    strays = [p.name for p in (ROOT / "tests" / "browser").glob("test_*.py")
              if p.stem.removeprefix("test_") not in slugs]
    assert not strays, (f"tests/browser/ holds {strays}: each file is test_<slug>.py of a chapter "
                        f"chapters.toml marks ready")


def test_readme_shows_the_setup_and_a_table_of_every_chapter():
    readme = (ROOT / "README.md").read_text()
    first_screen = "\n".join(readme.splitlines()[:40])
    assert "make chapter-01" in first_screen and "make test" in first_screen
    rows = manifest.table_span(readme)[0].splitlines()[2:]
    expected = [manifest.readme_row(c) for c in ALL]
    wrong = [(i, row) for i, row in enumerate(expected) if i >= len(rows) or rows[i] != row]
    assert rows == expected, (
        "README.md's table of chapters is written from chapters.toml: run "
        "`.venv/bin/python -m workbook.manifest` to rewrite it. "
        + "; ".join(f"Row {i + 1} should read\n    {row}\n  not\n    "
                    f"{rows[i] if i < len(rows) else '(missing)'}" for i, row in wrong)
        + (f"; remove the rows after {len(expected)}" if len(rows) > len(expected) else ""))


@pytest.mark.parametrize("chapter", READY, **ids)
def test_notebook_is_executed_and_clean(chapter):
    notebook = json.loads((ROOT / "notebooks" / f"{chapter.slug}.ipynb").read_text())
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert code and all(cell["execution_count"] for cell in code), "run `make notebooks`"
    for cell in code:
        for output in cell["outputs"]:
            assert output["output_type"] != "error", "".join(cell["source"])
            assert output.get("name") != "stderr", f"stderr in: {''.join(cell['source'])}"
        assert "asyncio.run(" not in "".join(cell["source"]), (
            "a notebook's kernel already runs the loop: await instead")


def test_security_checklist_names_tests_that_exist():
    """Every `file::test` SECURITY.md cites is a test function in that file."""
    text = (ROOT / "SECURITY.md").read_text()
    cited = re.findall(r"`([\w/]+\.py)::(?:(\w+)::)?(\w+)(?:\[[^`]*\])?`", text)
    assert len(cited) > 30
    for path, klass, name in cited:
        source = (ROOT / path).read_text()
        assert re.search(rf"^\s*(async )?def {name}\(", source, re.M), f"{path}::{name}"
        if klass:
            assert re.search(rf"^class {klass}\b", source, re.M), f"{path}::{klass}"


DOCUMENTS = [ROOT / "README.md", ROOT / "SECURITY.md", ROOT / "THEN_AND_NOW.md",
             *sorted((ROOT / "chapters").glob("ch*/README.md"))]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_lead_to_files(document):
    """Every [text](relative/path) in the README, SECURITY.md and the lessons exists."""
    links = re.findall(r"\]\(([^)\s]+)\)", document.read_text())
    broken = [link for link in links
              if not re.match(r"[a-z]+:|#", link)
              and not (document.parent / link.split("#")[0]).exists()]
    assert not broken, f"{document.relative_to(ROOT)} links to missing files: {broken}"
