"""A light first run: the chapters' commands install only requirements.txt (what the chapters
import), make test / lab / notebooks / bench add the rest; every package pinned exactly."""
import ast
import importlib.metadata
import re
import subprocess
import sys

import pytest

from workbook import manifest, scratch

ROOT = manifest.ROOT
LIGHT = ROOT / "requirements.txt"
DEV = ROOT / "requirements-dev.txt"
HEAVY = {"jupyterlab", "ipykernel", "nbval", "playwright", "hypothesis", "notebook"}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path) -> dict[str, str]:
    found = {}
    for line in path.read_text().splitlines():
        if not line.strip() or line.startswith("#") or line == "-r requirements.txt":
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([0-9][0-9A-Za-z.+!-]*)", line)
        assert match, f"{path.name}: not an exact pin: {line!r}"
        found[canonical(match.group(1))] = match.group(2)
    return found


def test_both_sets_are_pinned_and_the_dev_set_adds_to_the_light_one():
    light, dev = pins(LIGHT), pins(DEV)
    assert "-r requirements.txt" in DEV.read_text().splitlines()
    assert not light.keys() & dev.keys()  # each package pinned once
    assert not light.keys() & HEAVY and HEAVY - {"notebook"} <= dev.keys()
    assert {"tornado", "pytest", "pytest-tornado", "pytest-timeout", "setuptools",
            "watchfiles"} <= light.keys()
    assert not {"pytest-mysql", "pytest-redis"} & (light.keys() | dev.keys())  # unused


def module_level(tree):
    """The module's nodes outside functions (a function's own imports wait for its call)."""
    todo = list(tree.body)
    while todo:
        node = todo.pop()
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            todo.extend(ast.iter_child_nodes(node))


def third_party_imports(paths) -> set[str]:
    """What the files import that is neither the standard library nor the workbook's own (its
    top-level packages, or a module in the importing file's folder or one above it)."""
    ours = {p.stem for p in ROOT.iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()}
    names = set()
    for path in paths:
        # a module next to it, or in a folder above it (a project that puts its root on sys.path)
        siblings = {p.stem for d in path.parents if ROOT in d.parents for p in d.iterdir()}
        for node in module_level(ast.parse(path.read_text())):
            found = set()
            if isinstance(node, ast.Import):
                found = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found = {node.module.split(".")[0]}
            names |= found - siblings
    return {n for n in names - ours if n not in sys.stdlib_module_names}


def test_the_light_set_has_everything_the_chapters_and_the_learners_commands_import():
    # The chapters' code and tests (make check-NN runs them), the root conftest, and the
    # workbook's plumbing but for the modules only make test / lab / notebooks use.
    suite_only = {"notebooks.py", "scratch.py"}
    paths = [*ROOT.glob("chapters/*/**/*.py"), *ROOT.glob("solutions/*/**/*.py"),
             ROOT / "conftest.py", *ROOT.glob("tornkit/**/*.py"),
             *(p for p in ROOT.glob("workbook/*.py") if p.name not in suite_only)]
    distributions = importlib.metadata.packages_distributions()
    light = pins(LIGHT)
    # test_app.py files may use what make test installs (hypothesis, a browser): not checks.
    app_tests = {p for p in paths if p.name == "test_app.py"}
    for name in sorted(third_party_imports(set(paths) - app_tests)):
        provided = {canonical(d) for d in distributions.get(name, [])}
        assert provided & light.keys(), f"{name} is imported but not in requirements.txt"


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """A scratch clone with no .venv: what make would install there."""
    root = scratch.clone(tmp_path_factory.mktemp("fresh") / "workbook")
    (root / ".venv").unlink()
    return root


def installs(root, target) -> list[str]:
    result = subprocess.run(["make", "-n", "-C", str(root), target], capture_output=True,
                            text=True, env=scratch.environment(), timeout=30)
    assert result.returncode == 0, result.stderr
    return [line for line in result.stdout.splitlines() if "pip install" in line]


@pytest.mark.parametrize("target", ["chapter-01", "check-01", "try-01", "hint-01", "watch-01",
                                    "diff-01", "reset-01", "progress"])
def test_the_learners_commands_install_only_the_light_set(fresh, target):
    lines = installs(fresh, target)
    assert len(lines) == 1 and lines[0].endswith("-r requirements.txt"), lines


@pytest.mark.parametrize("target, extra", [
    ("test", "requirements-dev.txt"), ("lab", "requirements-dev.txt"),
    ("notebooks", "requirements-dev.txt"), ("bench", "requirements-bench.txt"),
])
def test_the_suite_lab_notebooks_and_bench_add_their_own_set(fresh, target, extra):
    lines = installs(fresh, target)
    assert lines[0].endswith("-r requirements.txt"), lines
    assert any(line.endswith(f"-r {extra}") for line in lines), lines


def test_the_first_run_says_what_it_installs(fresh):
    result = subprocess.run(["make", "-n", "-C", str(fresh), "chapter-01"], capture_output=True,
                            text=True, env=scratch.environment(), timeout=30)
    said = next(line for line in result.stdout.replace("\\\n", " ").splitlines()
                if "First run" in line)
    assert "requirements.txt" in said and "MB" in said
