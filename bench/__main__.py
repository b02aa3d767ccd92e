"""python -m bench (make bench): run every row, print one table, write it to bench/RESULTS.md."""
from __future__ import annotations

import datetime
import importlib
import os
import platform
import sys
import time

import tornado

from bench.common import Row, raise_fd_limit
from workbook.manifest import ROOT

# Each module has rows() -> list[Row]; all measured in this one run, on this machine.
MODULES = ["bench.hello", "bench.tornkit_stack", "bench.longpoll", "bench.waits", "bench.fanout",
           "bench.mysql", "bench.caches", "bench.sessions", "bench.databases", "bench.capstone"]


def table(rows: list[Row]) -> str:
    lines = ["| claim | measured | target | met | note |", "|---|---|---|---|---|"]
    for r in rows:
        met = "" if r.met is None else ("yes" if r.met else "**no**")
        lines.append(f"| {r.claim} | {r.measured} | {r.target} | {met} | {r.note} |")
    return "\n".join(lines)


def main() -> int:
    limit = raise_fd_limit()
    started = time.monotonic()
    rows: list[Row] = []
    for name in MODULES:
        print(f"measuring {name} ...", file=sys.stderr, flush=True)
        rows += importlib.import_module(name).rows()
    elapsed = time.monotonic() - started
    header = (f"Measured {datetime.date.today()} on {platform.machine()}, {os.cpu_count()} cores, "
              f"Python {platform.python_version()}, Tornado {tornado.version}, "
              f"open-file limit {limit}; the run took {elapsed:.0f} s.")
    text = table(rows)
    print(f"\n{header}\n\n{text}")
    (ROOT / "bench" / "RESULTS.md").write_text(
        f"# `make bench` results\n\n{header}\n\n{text}\n\n"
        "Re-run with `make bench`: the figures are this machine's, and change with its load.\n")
    return 0 if all(r.met is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
