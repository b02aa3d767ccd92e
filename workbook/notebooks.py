"""Run notebooks and store their outputs, which nbval then compares on every `make test`.

    python -m workbook.notebooks notebooks/ch01_routing.ipynb [...]     (make notebooks)
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbclient
import nbformat


def execute(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    # The kernel starts in notebooks/, as it does under `make lab` and under nbval.
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    nbformat.write(notebook, path)
    print(f"executed {path}")


if __name__ == "__main__":
    for name in sys.argv[1:]:
        execute(Path(name))
