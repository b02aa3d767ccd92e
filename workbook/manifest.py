"""The chapter manifest (chapters/chapters.toml), read into Chapter objects."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "chapters" / "chapters.toml"


@dataclass(frozen=True)
class Chapter:
    number: int
    slug: str
    title: str
    notes: str
    port: int
    services: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    ready: bool = False
    hints: tuple[str, ...] = field(default=())
    # What the fuzz (tests/fuzz/apps.py) needs to know beyond the rest: optional, most have none
    fuzz: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def nn(self) -> str:
        return f"{self.number:02d}"

    @property
    def dir(self) -> Path:
        return ROOT / "chapters" / self.slug

    @property
    def solution_dir(self) -> Path:
        return ROOT / "solutions" / self.slug

    @property
    def module(self) -> str:
        """The dotted name of the chapter's app: python -m <module> runs it."""
        return f"chapters.{self.slug}.app"


def load(path: Path = MANIFEST) -> list[Chapter]:
    with open(path, "rb") as f:
        entries = tomllib.load(f)["chapter"]
    return [
        Chapter(**{k: tuple(v) if isinstance(v, list) else v for k, v in entry.items()})
        for entry in entries
    ]


def ready() -> list[Chapter]:
    return [c for c in load() if c.ready]


def get(number: int | str) -> Chapter:
    """A chapter by number ("7", "07" or 7); a clear error for anything else."""
    try:
        n = int(number)
    except ValueError:
        raise LookupError(f"{number!r} is not a chapter number (try 01)") from None
    for chapter in load():
        if chapter.number == n:
            if not chapter.ready:
                raise LookupError(f"chapter {chapter.nn} ({chapter.title}) is still to come")
            return chapter
    raise LookupError(f"there is no chapter {number}; chapters are numbered 01-{len(load()):02d}")


def for_path(path: str | Path) -> Chapter:
    """The chapter a file belongs to (chapters/<slug>/..., solutions/<slug>/..., tpl/<slug>/...)."""
    parts = Path(path).resolve().parts
    for chapter in load():
        if chapter.slug in parts:
            return chapter
    raise LookupError(f"{path} belongs to no chapter in {MANIFEST.name}")
