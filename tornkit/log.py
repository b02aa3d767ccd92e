"""log: the LOGGING entries of the settings, through logging.config.dictConfig.

Each entry of LOGGING (tornadopy's shape) configures one logger:

    {"name": "tornado", "level": "INFO", "log_to_stderr": True,
     "when": "midnight", "interval": 1, "filename": "tornado.log"}

Its file, LOGGING_DIR/filename (or LOGGING_DIR/<port>_filename with LOG_PORT_PREFIX), is
written by ProcessLogTimedFileHandler: a TimedRotatingFileHandler whose rollover is safe when
several processes write the same file. The stdlib's deletes the file that another process has
just rolled over, and half of the lines are gone.
"""
from __future__ import annotations

import logging
import logging.config
import logging.handlers
import os
import time
from pathlib import Path
from typing import Any

HANDLER = "tornkit.log.ProcessLogTimedFileHandler"


class ProcessLogTimedFileHandler(logging.handlers.TimedRotatingFileHandler):
    """Timed rotation that several processes can share.

    The stdlib's doRollover renames app.log to app.log.<date>, *first deleting* an
    app.log.<date> that exists. When two processes share app.log, the second one to roll over
    deletes the file the first one has just made, with every line written until then.

    Here the rollover names the rotated file with os.link(), which fails if that name exists:
    only one process rotates a given file; the others find the name taken (or the file already
    replaced) and simply reopen app.log, the new file, and go on writing there.
    """

    def doRollover(self) -> None:
        if self.stream:
            stream_inode = os.fstat(self.stream.fileno()).st_ino
            self.stream.close()
            self.stream = None
        else:
            stream_inode = None
        dfn = self.rotation_filename(self.baseFilename + "." + self._period_suffix())
        try:
            if stream_inode is None or os.stat(self.baseFilename).st_ino == stream_inode:
                os.link(self.baseFilename, dfn)  # atomic: fails if another process took dfn
                os.unlink(self.baseFilename)
        except (FileExistsError, FileNotFoundError):
            pass  # another process rotated it (or is doing so): reopen the new file
        if self.backupCount > 0:
            for old in self.getFilesToDelete():
                _remove(old)
        if not self.delay:
            self.stream = self._open()
        self.rolloverAt = self._next_rollover()

    def _period_suffix(self) -> str:
        start = self.rolloverAt - self.interval
        return time.strftime(self.suffix, time.gmtime(start) if self.utc else time.localtime(start))

    def _next_rollover(self) -> int:
        now = int(time.time())
        at = self.computeRollover(now)
        while at <= now:
            at += self.interval
        return at


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass  # another process removed it first


def log_dir(conf) -> Path | None:
    """LOGGING_DIR as a Path (relative: under DATA_DIR), or None for no log files."""
    if conf.LOGGING_DIR is None:
        return None
    path = Path(conf.LOGGING_DIR)
    if not path.is_absolute() and conf.DATA_DIR is not None:
        path = Path(conf.DATA_DIR) / path
    return path


def log_files(conf, port: int | None = None) -> dict[str, Path]:
    """{logger name: its file} for every LOGGING entry with a filename."""
    directory = log_dir(conf)
    if directory is None:
        return {}
    prefix = f"{port}_" if conf.LOG_PORT_PREFIX and port is not None else ""
    return {entry["name"]: directory / f"{prefix}{entry['filename']}"
            for entry in conf.LOGGING if entry.get("filename")}


def build_config(conf, *, port: int | None = None, level: str | None = None,
                 to_stderr: bool | None = None) -> dict[str, Any]:
    """The dictConfig dictionary for conf.LOGGING. level and to_stderr (from the command line)
    replace every entry's own."""
    files = log_files(conf, port)
    config: dict[str, Any] = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "color": {"()": "tornado.log.LogFormatter"},  # Tornado's, colored on a terminal
            "plain": {"format": conf.LOG_FORMAT},
        },
        "handlers": {},
        "loggers": {},
    }
    for entry in conf.LOGGING:
        name = entry["name"]
        handlers = []
        if to_stderr if to_stderr is not None else entry.get("log_to_stderr", True):
            config["handlers"][f"{name}.stderr"] = {"class": "logging.StreamHandler",
                                                    "formatter": "color"}
            handlers.append(f"{name}.stderr")
        if name in files:
            formatter = "plain"
            if entry.get("formatter"):
                formatter = f"{name}.format"
                config["formatters"][formatter] = {"format": entry["formatter"]}
            config["handlers"][f"{name}.file"] = {
                "class": HANDLER, "formatter": formatter, "filename": str(files[name]),
                "when": entry.get("when", "midnight"), "interval": entry.get("interval", 1),
                "backupCount": entry.get("backup_count", 0), "encoding": "utf-8",
                "delay": True,
            }
            handlers.append(f"{name}.file")
        config["loggers"][name] = {"level": (level or entry.get("level", "INFO")).upper(),
                                   "handlers": handlers, "propagate": False}
    return config


def configure(conf, *, port: int | None = None, level: str | None = None,
              to_stderr: bool | None = None) -> dict[str, Any]:
    """Apply conf.LOGGING to this process's loggers (creating the log folder). Returns the
    dictConfig dictionary that was applied."""
    config = build_config(conf, port=port, level=level, to_stderr=to_stderr)
    for path in log_files(conf, port).values():
        path.parent.mkdir(parents=True, exist_ok=True)
    logging.config.dictConfig(config)
    return config
