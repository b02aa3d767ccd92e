"""The commands behind the Makefile: python -m workbook {serve,try,check,watch,hint,diff,reset,
progress,lab} ..."""
from __future__ import annotations

import argparse
import os
import sys
import textwrap

from workbook import manifest, state


def serve(args) -> int:
    chapter = manifest.get(args.chapter)
    argv = [sys.executable, "-m", chapter.module, f"--port={args.port or chapter.port}"]
    os.execv(sys.executable, argv)  # the app owns the terminal: Ctrl-C goes straight to it


def try_(args) -> int:
    from workbook import tryout

    return tryout.main(manifest.get(args.chapter), args.port)


def check(args) -> int:
    from workbook import checks

    chapter = manifest.get(args.chapter)
    print(f"Checking chapters/{chapter.slug}/exercise.py ...", flush=True)
    solved = checks.check(chapter)
    print()
    print(checks.verdict(chapter, solved))
    return 0 if solved else 1


def watch(args) -> int:
    from workbook import checks

    return checks.watch(manifest.get(args.chapter))


def hint(args) -> int:
    chapter = manifest.get(args.chapter)
    total, shown = len(chapter.hints), state.hints_shown(chapter)
    if total == 0:
        print(f"Chapter {chapter.nn} has no hints: `make diff-{chapter.nn}` shows the solution.")
        return 0
    if shown == total:
        print(f"All {total} hints of chapter {chapter.nn} ({chapter.title}):")
        for i, text in enumerate(chapter.hints, 1):
            print(_fill(text, f"  {i}. "))
    else:
        shown += 1
        state.set_hints_shown(chapter, shown)
        print(f"Hint {shown} of {total}, chapter {chapter.nn} ({chapter.title}):")
        print(_fill(chapter.hints[shown - 1], "  "))
        if shown < total:
            print(f"\n`make hint-{chapter.nn}` again for the next one.")
            return 0
        print("\nThat was the last hint.")
    print(f"`make diff-{chapter.nn}` shows your exercise against the reference solution.")
    return 0


def _fill(text: str, indent: str) -> str:
    return textwrap.fill(text, 96, initial_indent=indent, subsequent_indent=" " * len(indent))


def diff(args) -> int:
    from workbook import files

    chapter = manifest.get(args.chapter)
    text = files.diff(chapter)
    print(text if text else f"Your chapters/{chapter.slug}/ matches solutions/{chapter.slug}/ "
          "line for line.", end="" if text else "\n")
    return 0


def reset(args) -> int:
    from workbook import files

    return files.reset(manifest.get(args.chapter), yes=args.yes)


def progress(args) -> int:
    from workbook import checks

    return checks.progress()


def lab(args) -> int:
    from workbook import lab as jupyter

    jupyter.main(args.port)
    return 1  # not reached: main() execs Jupyter


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workbook")
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name, run, help, *, port=False, number=True):
        p = sub.add_parser(name, help=help)
        if number:
            p.add_argument("chapter")
        if port:
            p.add_argument("--port", type=int)
        p.set_defaults(run=run)
        return p

    command("serve", serve, "serve a chapter's app", port=True)
    command("try", try_, "serve your exercise's make_app()", port=True)
    command("check", check, "run a chapter's exercise tests on your exercise.py")
    command("watch", watch, "check again each time exercise.py is saved, until it passes")
    command("hint", hint, "the next hint")
    command("diff", diff, "your exercise against the solution")
    command("reset", reset, "back to the untouched exercise, keeping a backup").add_argument(
        "--yes", action="store_true", help="do not ask first")
    command("progress", progress, "which exercises are solved", number=False)
    command("lab", lab, "Jupyter on notebooks/", port=True, number=False)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except LookupError as e:
        print(f"workbook: {e.args[0]}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nStopped.")
        return 130


if __name__ == "__main__":
    sys.exit(main())
