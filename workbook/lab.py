"""Notebook helpers."""
import logging


class _ListHandler(logging.Handler):
    def __init__(self, lines: list[str]) -> None:
        super().__init__()
        self.lines = lines
        self.setFormatter(logging.Formatter("[%(name)s] %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def tornado_log(level: int = logging.WARNING) -> list[str]:
    """Collect Tornado's log (by default: requests refused with 4xx or failed with 5xx) into a
    list that cells can show, such as "[tornado.access] 404 GET /x (127.0.0.1) 0.3ms".

    Printing it would not do: in a kernel, text printed by the server's tasks goes to the cell
    that called listen(), or nowhere, rather than to the cell that made the request.
    """
    lines: list[str] = []
    logger = logging.getLogger("tornado")
    logger.handlers = [_ListHandler(lines)]  # replaces the kernel's own stderr handler
    logger.setLevel(level)
    logger.propagate = False
    return lines


# --- make lab -------------------------------------------------------------------------------
def command(port: int | None = None) -> list[str]:
    """JupyterLab on notebooks/, on 127.0.0.1 only, without opening a browser (there may be no
    display: Jupyter prints the URL with its token instead), as root too (containers and CI
    run as root; Jupyter refuses it unless told), on PORT if given (and nowhere else)."""
    import os
    import sys
    from pathlib import Path

    from workbook.manifest import ROOT

    argv = [str(Path(sys.executable).with_name("jupyter-lab")), "--no-browser",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.root_dir={ROOT / 'notebooks'}"]
    if port:
        argv += [f"--ServerApp.port={port}", "--ServerApp.port_retries=0"]
    if os.geteuid() == 0:
        argv.append("--allow-root")
    return argv


def main(port: int | None = None) -> None:
    import os

    argv = command(port)
    os.execv(argv[0], argv)  # Jupyter owns the terminal: its Ctrl-C is its own
