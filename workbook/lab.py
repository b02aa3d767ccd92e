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
