"""The welcome app: a page that shows what the settings, the server and the log are doing."""
import logging
from pathlib import Path

from tornkit.handler import WebHandler

logger = logging.getLogger("tornkit")  # a LOGGING entry: stderr and logs/tornkit.log

# Settings that are shown as they are; the others hold paths or classes, which a page that
# anyone can read should not spell out (the server's folders are nobody's business).
SHOWN = ("DEBUG", "XHEADERS", "INSTALLED_APPS", "MIDDLEWARE_CLASSES", "COMMON_MODULES",
         "LOG_PORT_PREFIX", "LOGGING")


def public_settings(conf) -> dict:
    shown = {name: getattr(conf, name) for name in SHOWN}
    shown["LOGGING"] = [dict(entry) for entry in conf.LOGGING]
    shown["TORNADO_CONF"] = sorted(conf.TORNADO_CONF)  # the keys only
    return shown


def log_table(conf) -> list[dict]:
    """[{logger, file, lines}]: the files this process's LOGGING loggers write (set up by
    Server.parse_command; none when the app was built without it, as in the tests)."""
    rows = []
    base = Path(conf.DATA_DIR) if conf.DATA_DIR is not None else None
    for entry in conf.LOGGING:
        for handler in logging.getLogger(entry["name"]).handlers:
            if isinstance(handler, logging.FileHandler):
                path = Path(handler.baseFilename)
                shown = path.relative_to(base) if base and path.is_relative_to(base) else path.name
                lines = len(path.read_bytes().splitlines()) if path.is_file() else 0
                rows.append({"logger": entry["name"], "file": str(shown), "lines": lines})
    return rows


class IndexHandler(WebHandler):
    def get(self):
        conf = self.application.conf
        self.render("welcome.html", module=conf.module, conf=public_settings(conf),
                    logs=log_table(conf))


class SettingsHandler(WebHandler):
    def get(self):
        self.write({"module": self.application.conf.module,
                    "settings": public_settings(self.application.conf)})


class IpHandler(WebHandler):
    """With XHEADERS = True the server believes X-Real-IP / X-Forwarded-For: right behind your
    own proxy, a lie told by any client without one."""

    def get(self):
        self.write({"remote_ip": self.request.remote_ip, "protocol": self.request.protocol,
                    "X-Real-IP": self.request.headers.get("X-Real-IP"),
                    "XHEADERS": self.application.conf.XHEADERS})


class LogHandler(WebHandler):
    def get(self):
        logger.info("GET /log from %s", self.request.remote_ip)
        self.write({"logged": "GET /log", "files": log_table(self.application.conf)})
