"""Judging an answer: every rule an answer can break, each one a kind of finding (the planted
app of test_planted.py breaks each of them once)."""
from __future__ import annotations

import dataclasses
import re
import sys
import sysconfig
from urllib.parse import urlsplit

from workbook import manifest

from .client import Answer
from .generators import Sent
from .target import Route, Target


@dataclasses.dataclass
class Finding:
    kind: str
    what: str
    request: bytes
    answer: bytes
    count: int = 1

    def __str__(self) -> str:
        if self.kind == "log":  # the log line names the request
            return f"[log] {self.what} (seen {self.count} time{'s' * (self.count > 1)})"
        return (f"[{self.kind}] {self.what} (seen {self.count} time{'s' * (self.count > 1)})\n"
                f"    request: {self.request[:1500]!r}{' ...' * (len(self.request) > 1500)}\n"
                f"    answer:  {self.answer[:800]!r}{' ...' * (len(self.answer) > 800)}")


def leak_markers(target: Target) -> list[tuple[str, str, bytes]]:
    """(kind, label, bytes) that no answer may contain."""
    markers = [("traceback", "a Python traceback", b"Traceback (most recent call last)"),
               ("traceback", "a Python stack frame", b'.py", line ')]
    for key, value in target.app.settings.items():
        if re.search(r"secret|passw|token|private", key, re.I):
            for v in (value.values() if isinstance(value, dict) else [value]):
                if isinstance(v, (str, bytes)) and len(v) >= 8:
                    markers.append(("secret", f"the app's {key}",
                                    v.encode() if isinstance(v, str) else v))
    paths = {str(manifest.ROOT), sys.prefix, sysconfig.get_paths()["purelib"],
             *(str(d) for d in target.data_dirs)}
    markers += [("file path", f"the path {p}", p.encode()) for p in sorted(paths) if len(p) > 4]
    markers += [("traversal", label, line) for label, line in target.canaries]
    return markers


def judge(host: str, sent: Sent, answer: Answer, markers,
          designed_5xx: str = "") -> list[tuple[str, str]]:
    """(kind, what) for every rule the answer breaks."""
    broken = []
    first_line = sent.raw.split(b"\r\n", 1)[0][:120].decode("latin-1")
    if answer.status is None:
        if answer.timed_out and not sent.short:
            broken.append(("no answer", f"no answer within the timeout to {first_line}"))
        return broken
    request_line = sent.raw.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
    path = request_line[1].split("?")[0] if len(request_line) >= 3 else ""
    designed = designed_5xx and answer.status in (502, 503, 504) and re.search(designed_5xx, path)
    if answer.status >= 500 and not designed:
        broken.append(("5xx", f"{answer.status} for {first_line}"))
    for kind, label, marker in markers:
        if marker in answer.raw and marker not in sent.raw:
            broken.append((kind, f"{label} in the answer ({answer.status}) to {first_line}"))
    ctype = (answer.header("Content-Type") or "text/html").lower()
    if "html" in ctype and b"<fuzz-xss" in answer.body:
        broken.append(("xss", f"unescaped <fuzz-xss> in the {ctype} answer to {first_line}"))
    if any(k.lower() == "x-injected" for k, _ in answer.headers):
        broken.append(("header injection", f"X-Injected header in the answer to {first_line}"))
    location = answer.header("Location")
    if 300 <= answer.status < 400 and location is not None and not local(location, host):
        broken.append(("open redirect", f"Location: {location!r} for {first_line}"))
    return broken


def route_of(routes: list[Route], raw: bytes) -> str:
    """The route a request went to (as Tornado matches: the raw path, any host), for grouping."""
    target = raw.split(b" ", 2)[1] if raw.count(b" ") >= 2 else b""
    path = target.split(b"?", 1)[0].decode("latin-1")
    for route in routes:
        if route.host is None and re.match(route.regex, path):
            return route.regex
    return "(no route)"


def local(location: str, host: str) -> bool:
    """A redirect target that stays on this site, read the way browsers read it (they take \\
    for / and drop tabs and newlines)."""
    seen = re.sub(r"[\t\n\r]", "", location.replace("\\", "/")).strip()
    parts = urlsplit(seen)
    if not parts.scheme and not parts.netloc:
        return not seen.startswith("//")
    return parts.scheme in ("http", "https") and parts.netloc == host
