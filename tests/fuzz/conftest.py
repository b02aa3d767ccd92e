"""The fuzz's sandbox: an empty working directory, and hypothesis' own files kept out of the
repository."""
from pathlib import Path

import hypothesis.configuration
import pytest


def hypothesis_home(tmp_path: Path) -> Path:
    return tmp_path / "hypothesis-home"


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """An empty working directory, and hypothesis' own files (its Unicode tables) kept in tmp_path
    rather than in the repository's .hypothesis/."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    hypothesis.configuration.set_hypothesis_home_dir(hypothesis_home(tmp_path))
    yield cwd
    hypothesis.configuration.set_hypothesis_home_dir(None)
