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
SERVICES = {"mysql", "redis", "memcached"}
ids = {"ids": lambda c: c.slug}


def test_manifest_is_ordered_and_consistent():
    assert [c.number for c in ALL] == list(range(1, len(ALL) + 1))
    for c in ALL:
        assert re.fullmatch(rf"ch{c.nn}_[a-z0-9_]+", c.slug), c.slug
        assert c.title and c.notes, c.slug
        assert set(c.services) <= SERVICES, c.services
    assert len({c.port for c in ALL}) == len(ALL), "two chapters share a default port"


@pytest.mark.parametrize("chapter", READY, **ids)
def test_ready_chapter_has_every_part(chapter):
    missing = [f for f in CHAPTER_FILES if not (chapter.dir / f).is_file()]
    assert not missing, f"chapters/{chapter.slug} lacks {missing}"
    assert (ROOT / "notebooks" / f"{chapter.slug}.ipynb").is_file()
    assert (chapter.solution_dir / "exercise.py").is_file()
    assert chapter.hints and chapter.paths, "a ready chapter has hints and pages to try"
    assert "TODO" in (chapter.dir / "exercise.py").read_text()


@pytest.mark.parametrize("chapter", READY, **ids)
def test_app_has_make_app_and_main(chapter):
    tree = ast.parse((chapter.dir / "app.py").read_text())
    functions = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    assert {"make_app", "main"} <= functions


@pytest.mark.parametrize("chapter", READY, **ids)
def test_lesson_names_the_notes_headings(chapter):
    lesson = (chapter.dir / "README.md").read_text()
    for heading in chapter.notes.split(" · "):
        assert heading in lesson, f"the lesson of {chapter.slug} never names {heading!r}"
    assert f"notebooks/{chapter.slug}.ipynb" in lesson, "the lesson links its notebook"
    assert f"make check-{chapter.nn}" in lesson and f"make chapter-{chapter.nn}" in lesson


@pytest.mark.parametrize("chapter", READY, **ids)
def test_solution_mirrors_the_chapter_and_explains_itself(chapter):
    files = [p for p in chapter.solution_dir.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert files
    for path in files:
        relative = path.relative_to(chapter.solution_dir)
        assert (chapter.dir / relative).is_file(), f"{relative} is not a file of the chapter"
        if path.suffix == ".py":
            assert ast.get_docstring(ast.parse(path.read_text())), f"{path} needs an explanation"


def test_coming_chapters_have_no_files_yet():
    for chapter in COMING:
        assert not chapter.dir.exists() and not chapter.solution_dir.exists(), chapter.slug
        assert not (ROOT / "notebooks" / f"{chapter.slug}.ipynb").exists(), chapter.slug


def test_no_stray_chapter_folders():
    slugs = {c.slug for c in READY}
    for folder in ("chapters", "solutions"):
        found = {p.name for p in (ROOT / folder).iterdir() if p.is_dir() and p.name != "__pycache__"}
        assert found <= slugs, f"{folder}/ has folders no ready chapter owns: {found - slugs}"
    notebooks = {p.stem for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert notebooks == slugs


def test_readme_shows_the_setup_and_a_table_of_every_chapter():
    readme = (ROOT / "README.md").read_text()
    first_screen = "\n".join(readme.splitlines()[:40])
    assert "make chapter-01" in first_screen and "make test" in first_screen
    rows = {int(m[1]): m[0] for m in re.finditer(r"^\|\s*(\d\d)\s*\|.*$", readme, re.M)}
    assert sorted(rows) == [c.number for c in ALL], "one table row per chapter, in order"
    for c in ALL:
        link = f"(chapters/{c.slug}/README.md)"
        if c.ready:
            assert link in rows[c.number] and f"(notebooks/{c.slug}.ipynb)" in rows[c.number]
        else:
            assert link not in rows[c.number] and "coming" in rows[c.number]
        assert c.notes.split(" · ")[0] in rows[c.number]


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
