"""Notebook helpers."""
import logging
import sys


def show_tornado_log(level: int = logging.WARNING) -> None:
    """Print Tornado's log (by default: requests refused with 4xx or failed with 5xx) into the
    cell that caused it, as "[tornado.access] 404 GET /x ...".

    The kernel gives the "tornado" logger a handler of its own that writes to stderr; it goes, and
    the log propagates to one root handler writing to the cell's stdout.
    """
    logging.getLogger("tornado").handlers.clear()
    logging.basicConfig(stream=sys.stdout, level=level, format="[%(name)s] %(message)s",
                        force=True)
