"""The chapter manifest (chapters/chapters.toml), read into Chapter objects.

    python -m workbook.manifest      rewrites README.md's table of chapters from the manifest
"""
from __future__ import annotations

import re
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


# --- README.md's table of chapters: written from the manifest, checked by tests/test_integrity.py
README = ROOT / "README.md"
TABLE_HEADER = ("| # | Chapter | The notes | Lesson | Notebook |\n"
                "|---|---|---|---|---|\n")


def readme_row(chapter: Chapter) -> str:
    c = chapter
    if not c.ready:
        return f"| {c.nn} | {c.title} | {c.notes} | coming | coming |"
    return (f"| {c.nn} | {c.title} | {c.notes} | [lesson](chapters/{c.slug}/README.md) | "
            f"[notebook](notebooks/{c.slug}.ipynb) |")


def readme_table(chapters: list[Chapter] | None = None) -> str:
    return TABLE_HEADER + "".join(readme_row(c) + "\n" for c in chapters or load())


def table_span(text: str) -> re.Match:
    """Where README.md's table of chapters is: its header and every row after it."""
    found = re.search(re.escape(TABLE_HEADER) + r"(?:\|.*\n)*", text)
    if found is None:
        raise LookupError(f"{README.name} has no table that starts {TABLE_HEADER.splitlines()[0]!r}")
    return found


def write_readme_table(path: Path = README) -> bool:
    """Rewrite the table in README.md; whether it changed."""
    text = path.read_text(encoding="utf-8")
    span = table_span(text)
    new = text[:span.start()] + readme_table() + text[span.end():]
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":
    changed = write_readme_table()
    print(f"{README.name}: the table of chapters {'rewritten' if changed else 'was up to date'}")
