"""What the fuzz reads from an app and its code: the routes Tornado holds, the argument and
cookie names the code reads, its string constants, and lines of files it must never serve."""
from __future__ import annotations

import contextlib
import dataclasses
import re
import sys
from pathlib import Path

import tornado.routing
import tornado.web

from workbook import manifest


@dataclasses.dataclass(frozen=True)
class Route:
    host: str | None  # the host pattern of an add_handlers() router; None: any host
    regex: str  # what Tornado matches request.path against (it ends with $)
    handler: type
    literal: str | None  # the path itself, for a route without groups

    @property
    def methods(self) -> tuple[str, ...]:
        """The HTTP methods the handler implements (the others are 405s)."""
        return tuple(m for m in self.handler.SUPPORTED_METHODS
                     if getattr(self.handler, m.lower(), None) is not
                     getattr(tornado.web.RequestHandler, m.lower(), None))

    @property
    def prefix(self) -> str:
        """The route's fixed beginning: /static/ for /static/(.*)$."""
        body = self.regex.removesuffix("$")
        fixed = re.match(r"(?:[^\\.^$*+?{}\[\]|()]|\\[^\w])*", body)[0]
        return re.sub(r"\\(.)", r"\1", fixed) or "/"


def routes_of(app: tornado.web.Application) -> list[Route]:
    """Every route of the Application, as Tornado itself holds them."""
    found: list[Route] = []

    def walk(router, host):
        for rule in getattr(router, "rules", ()):
            matcher, target = rule.matcher, rule.target
            if isinstance(matcher, tornado.routing.HostMatches):
                walk(target, matcher.host_pattern.pattern)
            elif isinstance(target, type) and issubclass(target, tornado.web.RequestHandler):
                if isinstance(matcher, tornado.routing.PathMatches):
                    try:
                        literal = matcher.reverse()
                    except (AssertionError, ValueError, TypeError):
                        literal = None
                    found.append(Route(host, matcher.regex.pattern, target, literal))
            else:  # AnyMatches and the like: a router inside a router
                walk(target, host)

    walk(app.default_router, None)
    return found


@dataclasses.dataclass
class Target:
    name: str
    app: tornado.web.Application
    good_paths: list[str]  # must answer 200 before and after the fuzz
    data_dirs: list[Path]  # where the app keeps its data (their paths must not leak either)
    words: list[str]  # names and values the app's code mentions
    canaries: list[tuple[str, bytes]]  # content of files the app must never serve
    args: list[str] = dataclasses.field(default_factory=list)  # the arguments its code reads
    signed_names: list[str] = dataclasses.field(default_factory=list)  # its signed cookies
    # What the manifest's `fuzz` field adds (apps.py): values the app signs into a cookie, slow
    # arguments with their cheap values, and the regexes of long polls and of designed 5xx.
    issued: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    values: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    long_poll: str = ""
    designed_5xx: str = ""


ARG_CALL = re.compile(r"""get_(?:query_|body_)?arguments?\(\s*["']([^"'\\]{1,64})["']""")
COOKIE_CALL = re.compile(r"""(?:get|set|clear)_(?:signed_)?cookie\(\s*["']([^"'\\]{1,64})["']""")
SIGNED_CALL = re.compile(
    r"""(?:get|set)_signed_cookie\(\s*(?:["']([^"'\\]{1,64})["']|([A-Za-z_]\w*)\s*[,)])""")


def harvest(chapter: manifest.Chapter) -> tuple[list[str], list[str], list[str]]:
    """What the chapter's app code mentions: the argument and cookie names it reads; its short
    string constants (field names such as FIELD = "fff", COOKIE = "user", the demo account),
    which the fuzz uses as values and as names, to get past the first "missing argument"; and
    the names of the cookies it signs or reads signed (a literal or a module constant)."""
    args: set[str] = set()
    words: set[str] = set()
    signed: set[str] = set()
    prefix = f"chapters.{chapter.slug}."
    for name, module in list(sys.modules.items()):
        leaf = name.rsplit(".", 1)[-1]
        if not name.startswith(prefix) or leaf.startswith("test_") or leaf in ("naive", "exercise"):
            continue
        source = Path(module.__file__).read_text(encoding="utf-8")
        args.update(ARG_CALL.findall(source))
        args.update(COOKIE_CALL.findall(source))
        words.update(v for k, v in vars(module).items() if not k.startswith("_")
                     and isinstance(v, str) and 0 < len(v) <= 40 and v.isprintable())
        for literal, constant in SIGNED_CALL.findall(source):
            value = literal or getattr(module, constant, None)
            if isinstance(value, str):
                signed.add(value)
    return sorted(args), sorted(words | args), sorted(signed)


def canaries(app_file: Path) -> list[tuple[str, bytes]]:
    """A line of each file an app must never serve, whatever the path: if it shows in an
    answer, a traversal worked."""
    found = []
    for path in [Path("/etc/passwd"), manifest.ROOT / "pyproject.toml",
                 manifest.ROOT / "conftest.py", app_file]:
        with contextlib.suppress(OSError):
            for line in path.read_bytes().splitlines():
                if len(line.strip()) >= 8:
                    found.append((f"content of {path}", line.strip()))
                    break
    return found
