"""The commands behind the Makefile: python -m workbook {serve,check,progress} ..."""
from __future__ import annotations

import argparse
import os
import sys
import textwrap

from workbook import exercise, manifest


# The learner sees workbook.check_plugin's report, not pytest's: a line per check, and a message
# for each failure.
CHECK_OPTIONS = ["-p", "no:terminal", "-p", "workbook.check_plugin", "--assert=plain"]


def hints(chapter: manifest.Chapter) -> str:
    lines = [f"Hints for chapter {chapter.nn} ({chapter.title}):"]
    for i, hint in enumerate(chapter.hints, 1):
        lines.append(textwrap.fill(hint, 96, initial_indent=f"  {i}. ", subsequent_indent="     "))
    return "\n".join(lines)


def serve(args) -> int:
    chapter = manifest.get(args.chapter)
    argv = [sys.executable, "-m", chapter.module, f"--port={args.port or chapter.port}"]
    os.execv(sys.executable, argv)  # the app owns the terminal: Ctrl-C goes straight to it


def check(args) -> int:
    chapter = manifest.get(args.chapter)
    print(f"Checking chapters/{chapter.slug}/exercise.py ...", flush=True)
    result = exercise.run_tests(chapter, extra=CHECK_OPTIONS)
    if result.returncode == 0:
        print(f"\nChapter {chapter.nn} solved. Compare with solutions/{chapter.slug}/.")
    else:
        print(f"\nNot yet: each line above says what was expected.\n\n{hints(chapter)}")
    return result.returncode


def progress(args) -> int:
    first_unsolved = None
    for chapter in manifest.load():
        if not chapter.ready:
            print(f"  ·  {chapter.nn} {chapter.title:<34} coming")
            continue
        solved = exercise.run_tests(chapter, quiet=True, extra=["-q", "-x"]).returncode == 0
        print(f"  {'✓' if solved else '✗'}  {chapter.nn} {chapter.title:<34} "
              f"{'solved' if solved else 'not yet'}", flush=True)
        if not solved and first_unsolved is None:
            first_unsolved = chapter
    if first_unsolved is None:
        print("\nEvery chapter so far is solved.")
    else:
        print(f"\nNext: chapter {first_unsolved.nn}, {first_unsolved.title}. A first hint:\n"
              + textwrap.fill(first_unsolved.hints[0], 96, initial_indent="  ",
                              subsequent_indent="  ")
              + f"\n`make check-{first_unsolved.nn}` checks your exercise and shows every hint.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workbook")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("serve", help="serve a chapter's app")
    p.add_argument("chapter")
    p.add_argument("--port", type=int)
    p.set_defaults(run=serve)
    p = sub.add_parser("check", help="run a chapter's exercise tests on your exercise.py")
    p.add_argument("chapter")
    p.set_defaults(run=check)
    sub.add_parser("progress", help="which exercises are solved").set_defaults(run=progress)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except LookupError as e:
        print(f"workbook: {e.args[0]}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
