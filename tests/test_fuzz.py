"""A property-based fuzz of every ready chapter's app: the workbook's apps are small, but each one
is a web server, and a web server must survive whatever arrives on its port.

For each chapter that chapters.toml marks ready, the chapter's own make_app() is built with its
data in tmp_path (the APPS table below: one row per chapter; a ready chapter without a row
fails), served by one real HTTP server on 127.0.0.1, and sent at least MIN_REQUESTS requests that
hypothesis generates from the app itself:

- routes read from the Application (default_router, wildcard_router, the host routers of
  add_handlers, the static routes), paths drawn from each route's regex (st.from_regex), the
  chapter's `paths` from the manifest, the links its pages show, and hostile variants of all of
  them: percent-encodings, NUL bytes, traversal (../, %2e%2e/, ..\\, overlong UTF-8, ...);
- methods, query strings and form fields named after the arguments the app reads (its
  get_*argument calls, its forms' input names, its string constants), with hostile values:
  markup, redirect targets, traversal, SQL, numbers that do not fit, text that is not UTF-8;
- headers (Host from the host patterns and worse, Origin / Sec-Fetch-Site, Range, conditional
  requests, XSRF headers, garbage), cookies (the app's real cookies replayed, and its signed
  cookies truncated, flipped, re-signed with a wrong or a published key, expired, moved to another
  name), bodies (urlencoded, JSON and multipart, valid and malformed, in wrong charsets, and
  bigger than the limits), and raw malformed HTTP that no ordinary client would send.

Every answer is checked: no 5xx, no traceback, no secret (the app's cookie_secret), no file path of
the repository or of the app's data, no content of a file outside what the app serves, no
unescaped markup the fuzz sent in an HTML page, no redirect to another site, no error in
Tornado's or asyncio's log, no request left unanswered. Around the run, the repository tree is
compared before and after (nothing may be written there: the app's data lives in tmp_path, and
the working directory is an empty tmp dir that must stay empty), and afterwards every page the
manifest lists must still answer 200.

Run it alone:  .venv/bin/python -m pytest tests/test_fuzz.py
Reproducible: derandomize=True, no example database (nothing is written to .hypothesis/).
A finding is reported with the exact bytes sent and the answer, ready to replay with
`printf '...' | nc 127.0.0.1 PORT` against `make chapter-NN`.
"""
from __future__ import annotations

import asyncio
import base64
import contextlib
import dataclasses
import html
import importlib
import inspect
import json
import logging
import math
import os
import re
import sys
import sysconfig
import time
import traceback
from collections.abc import Callable
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import hypothesis.configuration
import pytest
import tornado.escape
import tornado.httpserver
import tornado.routing
import tornado.testing
import tornado.web
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import strategies as st

from workbook import manifest

MIN_REQUESTS = 1000  # per app
BATCH = 8  # requests one hypothesis example sends at once, each on its own connection
TIMEOUT = 5.0  # seconds an ordinary request may take (scrypt, MySQL, a PNG to draw)
SHORT_WAIT = 0.05  # for requests that are cut short on purpose, or wait by design (long polls)
SECRET = "fuzz-cookie-secret-" + "0123456789abcdef" * 2  # never sent: in an answer, it leaked


# --- The chapters: how to build each app with its data in tmp_path -------------------------------
@dataclasses.dataclass(frozen=True)
class Row:
    """How the fuzz builds one chapter's app.

    settings(data, services) returns make_app's keyword arguments: every place the app writes
    must be under data (a fresh tmp dir), and services holds the conftest fixtures named in
    `services` (mysql_url, redis_url, memcached_url, redis_ring_urls ...), started only for the
    chapters that need them."""

    settings: Callable[[Path, dict], dict] = lambda data, services: {}
    services: tuple[str, ...] = ()
    # Signed cookies the app itself issues (name -> values), e.g. the login cookie it sets after
    # a real login: the fuzz signs them with the app's own secret, replays them, tampers with them.
    issued: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    # Arguments whose legitimate values cost wall time (?seconds=3 sleeps three seconds, and
    # so does a missing ?seconds= when its default is 1): every request carries them in its
    # query, drawn from these values (cheap ones and bad ones), and links that carry them are
    # not followed.
    values: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    # Paths whose requests wait by design until something else happens (long polls): a request
    # there may go unanswered; the fuzz closes it after SHORT_WAIT.
    long_poll: str = ""
    # Paths where a 502, 503 or 504 is the lesson (a gateway whose upstream fails on purpose).
    # A 500 is a bug everywhere.
    designed_5xx: str = ""


SHORT_SLEEPS = ("0", "0.001", "-1", "-0.0", "5.5", "99", "nan", "inf", "-inf", "1e309", "0x1",
                "", " ", "one", "<fuzz-xss>", "\x00", "0.002", "1e-9")

APPS: dict[str, Row] = {
    "ch01_routing": Row(),  # templates only, read from the repository
    "ch02_templates": Row(),
    "ch03_ui_modules": Row(),
    "ch04_static_files": Row(),  # serves the repository's static/ch04_static_files, read-only
    "ch05_cookies": Row(
        settings=lambda data, services: {"cookie_secret": SECRET, "secret_dir": data / "secret"},
        issued={"role": ("guest",)}),
    "ch06_login": Row(
        settings=lambda data, services: {"cookie_secret": SECRET, "var_dir": data / "var"},
        issued={"user": ("topaz",)}),
    "ch07_upload": Row(settings=lambda data, services: {"upload_dir": data / "uploads"}),
    "ch08_captcha": Row(),  # the captcha store is in memory
    "ch09_coroutines": Row(
        settings=lambda data, services: {"wait_timeout": 0.05},
        values={"seconds": SHORT_SLEEPS},
        long_poll=r"/future/(notes|now)"),
    "ch11_mysql": Row(
        settings=lambda data, services: {"mysql_url": services["mysql_url"],
                                         "cookie_secret": SECRET},
        services=("mysql_url",),
        issued={"user": ("topaz",)},
        values={"seconds": SHORT_SLEEPS}),
    "ch10_httpclient": Row(  # its upstream: one of its own, on the fuzz's loop, on 127.0.0.1
        values={"timeout": ("0.1", "0.15", "0", "-1", "11", "nan", "x", ""),
                "delay": ("0", "0.01", "-1", "6", "inf", "x"),
                "n": ("1", "2", "0", "51", "1.5", "x")},
        designed_5xx=r"^/(gateway/\w+|status)$"),
    "ch12_session": Row(
        settings=lambda data, services: {"redis_url": services["redis_url"],
                                         "memcached_url": services["memcached_url"],
                                         "ring_urls": services["redis_ring_urls"]},
        services=("redis_url", "memcached_url", "redis_ring_urls")),
    "ch18_caches": Row(  # the Redis Cluster is the chapter's own fixture: /cluster/ is a 503 here
        settings=lambda data, services: {"data_dir": data, "redis_url": services["redis_url"],
                                         "memcached_url": services["memcached_url"]},
        services=("redis_url", "memcached_url"),
        designed_5xx=r"^/cluster/"),
}


# --- The tests --------------------------------------------------------------------------------
def hypothesis_home(tmp_path: Path) -> Path:
    return tmp_path / "hypothesis-home"


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """An empty working directory, and hypothesis' own files (its Unicode tables) kept in tmp_path
    rather than in the repository's .hypothesis/."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    hypothesis.configuration.set_hypothesis_home_dir(hypothesis_home(tmp_path))
    yield cwd
    hypothesis.configuration.set_hypothesis_home_dir(None)


@pytest.mark.parametrize("chapter", manifest.ready(), ids=lambda c: c.slug)
def test_fuzz(chapter, request, tmp_path, sandbox, capsys):
    row = APPS.get(chapter.slug)
    if row is None:
        pytest.fail(f"chapters.toml marks {chapter.slug} ready, but tests/test_fuzz.py has no row "
                    f"for it in APPS: add Row(settings=lambda data, services: {{...}}) with the "
                    f"make_app() keyword arguments that put its data under `data`", pytrace=False)
    for kind in chapter.services:
        if not any(name.startswith(kind) for name in row.services):
            pytest.fail(f"chapters.toml says {chapter.slug} needs {kind}; its row in APPS names no "
                        f"{kind} fixture of conftest.py in services=(...)", pytrace=False)
    services = {name: request.getfixturevalue(name) for name in row.services}
    module = importlib.import_module(chapter.module)
    data = tmp_path / "data"
    data.mkdir()

    args, words, signed_names = harvest(chapter)
    before = tree_state(manifest.ROOT)
    app = module.make_app(**row.settings(data, services))
    target = Target(
        name=chapter.slug, app=app, good_paths=list(chapter.paths), data_dirs=[data],
        args=args, words=words, signed_names=signed_names, issued=row.issued, values=row.values,
        long_poll=row.long_poll, designed_5xx=row.designed_5xx,
        canaries=canaries(chapter.dir / "app.py"))
    result = fuzz(target, requests=MIN_REQUESTS)
    written = diff(before, tree_state(manifest.ROOT))
    in_cwd = sorted(str(p.relative_to(sandbox)) for p in sandbox.rglob("*"))
    elsewhere = outside(result.writes, [data, hypothesis_home(tmp_path)])

    request.node.user_properties.append(("fuzz_requests", result.sent))
    with capsys.disabled():
        print(f"\n  fuzz {chapter.slug}: {result.summary()}")
    problems = []  # every check, each able to fail; reported together
    if not chapter.paths:
        problems.append(f"chapters.toml lists no paths for {chapter.slug}: the fuzz needs a "
                        f"known-good page to check that the app still answers")
    if result.sent < MIN_REQUESTS:
        problems.append(f"only {result.sent} requests were sent, not {MIN_REQUESTS}")
    if result.findings:
        problems.append(result.report())
    if elsewhere:
        problems.append(f"{chapter.slug} wrote outside its data directory: {elsewhere}")
    if written:
        problems.append(f"the repository changed while {chapter.slug} was fuzzed: {written}")
    if in_cwd:
        problems.append(f"{chapter.slug} wrote in its working directory: {in_cwd}")
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


def test_routes_come_from_the_application_host_routers_and_static_routes():
    from chapters.ch01_routing.app import make_app as ch01
    from chapters.ch04_static_files.app import make_app as ch04

    found = {(r.host, r.regex) for r in routes_of(ch01())}
    assert (r"safe\.localhost$", r"/admin/\w*$") in found  # from add_handlers
    assert (None, r"/story/([0-9]+)$") in found
    assert (None, r"/.*$") in found
    found = {r.regex for r in routes_of(ch04())}
    assert {r"/static/(.*)$", r"/(favicon\.ico)$", r"/files/(.*)$"} <= found


# A planted app with one bug of each kind the fuzz looks for: each check must see its own.
PLANTED_CANARY = b"a line of a file the app must never serve"
PLANTED_BUGS = ["crash", "trace", "secret", "path", "file", "header", "write", "go", "hello",
                "late", "hang", "poison"]


class _Planted(tornado.web.RequestHandler):
    def get(self):
        app, what = self.application, self.request.path.strip("/")
        if what == "crash":
            raise RuntimeError("planted")
        if what == "trace":
            self.write("Traceback (most recent call last):\n  planted")
        elif what == "secret":
            self.write(self.settings["cookie_secret"])
        elif what == "path":
            self.write(f"stored in {self.settings['data']}/x")
        elif what == "file":  # what a traversal out of the static folder would serve
            self.write(PLANTED_CANARY)
        elif what == "header":  # what a CRLF in a reflected header value would add
            self.set_header("X-Injected", "1")
        elif what == "write":
            (Path(self.settings["repo"]) / "stray.txt").write_text("planted")
            Path("stray-in-cwd.txt").write_text("planted")
        elif what == "go":
            self.redirect("//evil.example/" + self.get_query_argument("next", ""))
        elif what == "hello":  # the request, unescaped, in a page
            self.write("<p>" + tornado.escape.url_unescape(self.request.uri) + " ".join(
                m.value for m in self.request.cookies.values())
                + self.request.body.decode("utf-8", "replace"))
        elif what == "late":
            self.on_finish = lambda: 1 / 0
            self.write("ok")
        elif what == "hang" and not getattr(app, "hung", False):
            app.hung = True
            return asyncio.get_running_loop().create_future()  # never answers
        elif what == "poison":
            app.poisoned = True
        elif what == "" and getattr(app, "poisoned", False):
            raise tornado.web.HTTPError(503)
        else:
            self.write("ok")


def test_the_fuzz_catches_each_kind_of_bug(tmp_path, sandbox):
    repo = tmp_path / "repo"
    repo.mkdir()
    data = tmp_path / "data"
    app = tornado.web.Application(
        [(rf"/{bug}", _Planted) for bug in PLANTED_BUGS] + [(r"/", _Planted)],
        cookie_secret=SECRET, repo=str(repo), data=str(data))
    before = tree_state(repo)
    target = Target(name="planted", app=app, good_paths=["/"], data_dirs=[data],
                    args=["next", "q"], words=["next", "q"],
                    canaries=[("content of a planted file", PLANTED_CANARY)])
    result = fuzz(target, requests=800, timeout=0.5)
    kinds = {f.kind for f in result.findings.values()}
    assert kinds == {"5xx", "traceback", "secret", "file path", "traversal", "header injection",
                     "open redirect", "xss", "log", "no answer", "down afterwards"}, result.report()
    assert diff(before, tree_state(repo)) == ["+ stray.txt"]
    assert [p.name for p in sandbox.iterdir()] == ["stray-in-cwd.txt"]
    assert outside(result.writes, [data, hypothesis_home(tmp_path)]) == [
        f"open {repo / 'stray.txt'}", f"open {sandbox / 'stray-in-cwd.txt'}"]


# --- What the fuzz knows about an app -----------------------------------------------------------
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


# --- Generating requests ------------------------------------------------------------------------
@dataclasses.dataclass
class Sent:
    raw: bytes  # every byte written to the socket
    short: bool = False  # cut short on purpose (or a long poll): no answer is fine


@dataclasses.dataclass
class Context:
    """What the strategies draw from: the target, plus what the first requests taught."""

    target: Target
    port: int
    routes: list[Route]
    paths: list[str]  # known-good paths, literal routes, links found in the pages
    params: list[str]  # argument names
    file_fields: list[str]  # the names of the file inputs the pages show
    jar: dict[str, str]  # cookies the app really set: name -> raw value, as in Set-Cookie
    signed: dict[str, list[bytes]]  # signed cookie name -> values the app issues
    secret: object  # the app's cookie_secret (str, bytes or {key_version: secret}), or None
    key_version: int | None
    xsrf: str  # a valid _xsrf cookie value (the same string in the field or header passes)

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def sign(self, name: str, value, secret=None, clock=None) -> str:
        secret = self.secret if secret is None else secret
        key_version = self.key_version if secret is self.secret else None
        return tornado.web.create_signed_value(secret, name, value, clock=clock,
                                               key_version=key_version).decode()


HOSTILE_VALUES = {  # by attack, so that each one comes up often
    "markup": ["<fuzz-xss>", "\"><fuzz-xss a='", "'><fuzz-xss>", "</script><fuzz-xss>",
               "{{ 7*7 }}<fuzz-xss>", "<fuzz-xss onerror=alert(1)>", "&lt;fuzz-xss&gt;"],
    "redirect": ["//evil.example", "https://evil.example/", "/\\evil.example", "/\t/evil.example",
                 "\\\\evil.example", "javascript:alert(1)", "http:evil.example", " //evil.example",
                 "/%2F%2Fevil.example", "/members", "/", "", "///evil.example", "\x00//evil"],
    "path": ["../../../../etc/passwd", "..\\..\\..\\conftest.py", "/etc/passwd", "a/../../b",
             "%2e%2e%2f%2e%2e%2f", "C:\\Windows\\win.ini", "\x00", "con", ".", "..", "~"],
    "injection": ["' OR '1'='1", "\" OR 1=1 -- ", "admin'--", "topaz'; DROP TABLE users; --",
                  "\r\nX-Injected: 1", "%0d%0aX-Injected:%201", "${7*7}", "%s%s%n", "{0.__class__}",
                  "\\", "'", "\"", "`", ";", "|", "$(id)"],
    "number": ["0", "-1", "1", "2", "3", "20", "21", "-0", "1e309", "nan", "inf", "0x10", "１２",
               "99999999999999999999999", "1.5", "4294967296", "+1", " 3 ", "1_000"],
    "size": ["a" * 33, "b" * 129, "c" * 256, "d" * 1100, "é" * 300, "x" * 5000],
    "unicode": ["☃", "𝕏𝕐", "\u202e", "\ufeff", "Ω≈ç√", "\u0085", "ｆｕｚｚ", "e\u0301", "\x7f"],
    "file name": ["a.png", "b.jpg", "c.gif", "d.pdf", "e.txt", "../../f.png", "g.PNG", "h.exe",
                  "i.png.html", "j", ".txt", "k l.pdf", "m\x00.png"],
}
# A file that is what its name says: (extension, first bytes); uploads that pass the type check
# reach the code that stores them.
FILE_KINDS = [(".png", b"\x89PNG\r\n\x1a\n"), (".jpg", b"\xff\xd8\xff"), (".gif", b"GIF89a"),
              (".pdf", b"%PDF-1.7\n"), (".txt", b"plain text\n")]
DOTDOT = ["../", "..%2f", "..%2F", "%2e%2e/", "%2e%2e%2f", "..%5c", "..\\", "%252e%252e%252f",
          "....//", ".%2e/", "%c0%ae%c0%ae/", "..;/", "..%00/", "%2e%2e%5c", "..%c0%af"]
TRAVERSAL_TARGETS = ["etc/passwd", "pyproject.toml", "conftest.py", "README.md", ".git/HEAD",
                     "var/", "chapters/chapters.toml"]
STANDARD_METHODS = ["GET", "GET", "GET", "POST", "POST", "POST", "HEAD", "PUT", "DELETE",
                    "PATCH", "OPTIONS"]
WEIRD_METHODS = ["TRACE", "CONNECT", "PROPFIND", "get", "FOO", "G\x00T", "M" * 300, "POST\t",
                 "GET /", "Ω"]
WRONG_KEYS = ["wrong-key-" + "0" * 32, "", "x",
              # The two secrets printed in the notes (加密cookie; 实例1 and 实例2)
              "61oETzKXQAGaYdkL5gEmGeJJFuYh7EQnp2XdTP1o/Vo=",
              "t114uXSkw1SZ6xlWOCASQWYKkIuW7Wl2bTnbsLzsJyoOI7EqnnaT8HDzFNbB9Ryw"]
MAGIC = [b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF89a", b"%PDF-", b"plain text ", b"",
         b"\x00\xff\xfe", b"<html><fuzz-xss>", b"MZ\x90\x00", b"PK\x03\x04"]
HOSTILE_FILENAMES = ["../../stray.txt", "..\\..\\stray.png", "/etc/passwd", "a\x00.png",
                     "a.png\x00.txt", "x.PNG", "x.png.exe", "x.txt;.png", ".png", ".", "..", "",
                     "CON.txt", "%2e%2e%2fstray.txt", "a\"b.png", "a\r\nX-Injected: 1.png",
                     "☃.gif", "n" * 300 + ".pdf", "x.json", "x.part", "x.html", "x.svg"]
CHARSETS = ["", "; charset=utf-8", "; charset=UTF-8", "; charset=latin-1", "; charset=utf-16",
            "; charset=bogus", ";charset=", "; charset=\"utf-8\"", ";;;"]
HOSTS = ["evil.example", "", "127.0.0.1", "localhost", "[::1]:1", "127.0.0.1:0", "a" * 300,
         "safe.localhost", "admin.localhost", "127.0.0.1@evil.example", "h\x00st", "ⓔvil.example",
         "127.0.0.1:99999", "127.0.0.1 ", "-", ".."]
EXTRA_HEADERS = {
    "Origin": ["null", "http://evil.example", "http://{host}", "", "http://{host}.evil.example",
               "file://", "http://127.0.0.1"],
    "Sec-Fetch-Site": ["same-origin", "same-site", "cross-site", "none", "garbage", ""],
    "Sec-Fetch-Mode": ["navigate", "cors", "no-cors"],
    "Referer": ["http://evil.example/", "http://{host}/", "garbage", ""],
    "Accept-Language": ["zh-CN,zh;q=0.9", "*", "xx", ";q=", "en;q=nan", "a" * 300],
    "If-None-Match": ['"abc"', "*", 'W/"x"', "garbage", '""', ""],
    "If-Modified-Since": ["Thu, 01 Jan 1970 00:00:00 GMT", "garbage", "", "0",
                          "Fri, 31 Dec 9999 23:59:59 GMT", "Sat, 29 Feb 2031 00:00:00 GMT"],
    "Range": ["bytes=0-0", "bytes=-1", "bytes=5-2", "bytes=0-99999999999999999999", "bytes=",
              "bytes=a-b", "lines=1-2", "bytes=0-1,2-3", "bytes=-0", "bytes=99999-", "bytes=0-"],
    "Accept-Encoding": ["gzip", "br, *;q=0", "garbage"],
    "Accept": ["application/json", "*/*", "text/html;q=garbage"],
    "X-Forwarded-For": ["1.2.3.4", "garbage", "::1, evil"],
    "X-Real-Ip": ["1.2.3.4", "garbage"],
    "X-Scheme": ["https", "javascript"],
    "X-Forwarded-Proto": ["https", "gopher"],
    "Authorization": ["Basic Zm9vOmJhcg==", "Bearer x", "Basic !!!"],
    "Expect": ["100-continue", "garbage"],
    "Content-Encoding": ["gzip", "identity", "garbage"],
    "User-Agent": ["", "Mozilla/5.0", "u" * 2000],
    "X-Requested-With": ["XMLHttpRequest"],
    "Cache-Control": ["no-cache", "max-age=-1"],
}
MB = 1024 * 1024


# The characters text is drawn from: ASCII (control characters included) and a few of each kind
# of trouble beyond it. An explicit alphabet also spares hypothesis its Unicode table (seconds).
ALPHABET = [chr(c) for c in range(0x80)] + list(
    "éÿ\x80\x85\xa0\xad☃𝕏ｆ中文\u0301\u200b\u202e\u2028\ufeff\uffff\U0001f600Ωß")


def strategies(ctx: Context):
    """The hypothesis strategy of one request. Every strategy is built here, once: the draw
    functions below only draw from them (building strategies while drawing costs more than
    the HTTP exchange)."""
    words = ctx.target.words or ["x"]
    params = ctx.params or ["x"]
    routes = ctx.routes or [Route(None, "/$", tornado.web.RequestHandler, "/")]
    implemented = [list(r.methods or ("GET",)) for r in routes]
    all_methods = sorted({m for ms in implemented for m in ms})
    page_methods = []  # the methods of the route each known page belongs to
    for page in ctx.paths:
        i = next((i for i, r in enumerate(routes) if r.host is None and
                  re.match(r.regex, page.split("?")[0])), None)
        page_methods.append(implemented[i] if i is not None else all_methods)
    prefixes = sorted({r.prefix for r in routes})
    file_fields = ctx.file_fields or params
    host_patterns = sorted({r.host for r in routes if r.host})
    signed_names = sorted(ctx.signed) or ["user"]
    jar_names = sorted(ctx.jar)

    def choice(options):
        return st.sampled_from(list(options))

    def index(n):
        return st.integers(0, n - 1)

    def alphabet_for(regex):
        return sorted(set(ALPHABET) | {c for c in regex if not c.isspace()})

    text = st.text(alphabet=ALPHABET, max_size=10)
    short_text = st.text(alphabet=ALPHABET, max_size=6)
    percent = st.integers(0, 99)
    big = st.integers(0, 2**31)
    values = st.one_of(choice(HOSTILE_VALUES["markup"]),  # twice: the XSS probe
                       *(choice(v) for v in HOSTILE_VALUES.values()), choice(words), text,
                       st.integers(-2**70, 2**70).map(str))
    pinned = {name: choice(v) for name, v in ctx.target.values.items()}
    names = st.one_of(choice(params), choice(params), choice(params), choice(words), short_text,
                      choice(["_xsrf", "", "a[]", "a.b", "%"]))
    route_paths = [st.from_regex(r.regex, fullmatch=True, alphabet=alphabet_for(r.regex))
                   for r in routes]
    host_names = [st.from_regex(p, fullmatch=True, alphabet=alphabet_for(p))
                  for p in host_patterns]
    header_names = st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,15}", fullmatch=True,
                                 alphabet=ALPHABET)
    extra_headers = st.lists(choice(sorted(EXTRA_HEADERS)), max_size=3, unique=True)
    extra_values = {k: choice(v) for k, v in EXTRA_HEADERS.items()}
    pair_counts, item_counts, file_counts = index(5), index(4), choice([0, 1, 1, 1, 2])
    s = {name: choice(options) for name, options in {
        "encoding": ["quote"] * 7 + ["raw", "latin-1", "double"],
        "query encoding": ["utf-8"] * 7 + ["latin-1", "raw", "broken"],
        "broken": [b"&%", b"&a=%zz", b"&a=%e4%b8", b"&&&", b"&==", b"&a=%ff", b"&%00=%00", b"&a",
                   b"&a=1&a=2"],
        "page": range(len(ctx.paths)), "route": range(len(routes)), "prefix": prefixes,
        "lead": ["", "/", "./", "%2f", "//"], "dotdot": DOTDOT, "depth": range(1, 8),
        "tail": TRAVERSAL_TARGETS, "hosts": HOSTS, "port": ["", f":{ctx.port}", ":1"],
        "odd target": [b"*", b"", b"http://evil.example/", b"//", b"/" * 50,
                       f"http://{ctx.host}/".encode(), b"?", b"%", b"/%00", b"/" + b"a" * 9000,
                       b"\\", b"/\xff\xfe", b"../"],
        "signed": signed_names, "jar": jar_names or ["x"],
        "forgery": ["replay", "truncated", "flipped", "wrong key", "wrong key", "other name",
                    "expired", "future", "version 1", "huge length", "unknown key version",
                    "quoted", "garbage"],
        "flip": "0aZ|:=9f ", "forged value": [b"admin", b"topaz", b"root", b"\xff\xfe",
                                             b"<fuzz-xss>", b"' OR '1'='1"],
        "wrong key": WRONG_KEYS, "other name": sorted(set(ctx.signed) | {"_xsrf", "user", "x"}),
        "age": [2, 8, 32, 400, 20000],
        "garbage signed": ["2|", "2|1:", "2|1:0|10:", "3|x", "|||", "=" * 3,
                           "2|1:0|10:0|4:role|0:|" + "f" * 64],
        "garbage cookie": [b'"', b"=", b";;", b"\x00", b"\xff\xfe", b"a=b=c", b'a="unterminated',
                           b"$Version=1; a=1", b"a" * 5000, b"__Host-x=1", b"x=\\\""],
        "separator": [b"; ", b"; ", b";", b" ; ", b";;", b","],
        "xsrf": ["none", "both", "both", "cookie", "field", "header", "other"],
        "charset": CHARSETS, "body encoding": ["utf-8", "utf-8", "utf-8", "latin-1", "utf-16"],
        "form tail": [b"", b"", b"&%", b"&a=%zz", b"&=", b"\xff", b"&a=%e4"],
        "form type": ["application/x-www-form-urlencoded", "APPLICATION/X-WWW-FORM-URLENCODED",
                      "text/plain"],
        "json": [None, None, b"{", b'{"a":', b"[" * 5000, b'{"a": NaN}', b"1e999999",
                 b'"\\ud800"', b"\xff\xfe{}", b"null"],
        "raw type": ["application/octet-stream", "text/html", "", "x/y", "multipart/form-data",
                     "image/png"],
        "oversize": [MB + 1, 2 * MB],
        "boundary": ["fuzzboundary"] * 3 + ["----WebKitFormBoundary7MA4YWxkTrZu0gW", "x" * 70,
                                            "a'()+_,-./:=?", "b" * 200, "q q"],
        "filename": HOSTILE_FILENAMES, "file field": params + ["file"],
        "form file field": file_fields, "file kind": FILE_KINDS,
        "stem": ["a", "photo", "scan 1", "报告", "notes", "a.b", "x" * 250],
        "disposition": ['form-data; name="{n}"; filename="{f}"',
                        "form-data; name={n}; filename={f}",
                        "form-data; name=\"{n}\"; filename*=UTF-8''{q}",
                        'attachment; filename="{f}"', 'form-data; filename="{f}"',
                        'form-data; name="{n}"; filename="{f}"; x="'],
        "part type": [b"image/png", b"text/plain", b"text/html", b"", b"application/octet-stream",
                      b"\xff"],
        "magic": MAGIC,
        "multipart": ["ok"] * 14 + ["no end", "other boundary", "no boundary", "lf", "quoted",
                                    "no headers", "truncated"],
        "weird method": WEIRD_METHODS, "standard method": STANDARD_METHODS,
        "malformed": range(len(MALFORMED)),
        "content-length": [b"-1", b"abc", b"+3", b"0x10", b" 3", b"3 3", b"1,1", b""],
    }.items()}
    junk = st.binary(min_size=1, max_size=60)
    content = st.binary(max_size=40)
    raw_body = st.binary(max_size=100)
    booleans = st.booleans()

    def pick(draw, seq):  # an element of a list built during the draw
        return seq[draw(big) % len(seq)]

    def encode(draw, path: str) -> bytes:
        how = draw(s["encoding"])
        safe = "/:@!$&'()*+,;=~"
        if how == "quote":
            return quote(path, safe=safe).encode()
        if how == "raw":
            return path.encode("utf-8", "surrogateescape")
        if how == "latin-1":
            return quote(path, safe=safe, encoding="latin-1", errors="replace").encode()
        return quote(quote(path, safe=safe), safe=safe).encode()

    def mangle(draw, p: bytes) -> bytes:
        mangled = [p + b"/", p + b"%00", p + b"%00.png", p.upper(), b"/" + p, p + b"/.",
                   p + b"/..", p + b";x", p + b"%2f", p.replace(b"/", b"%2f"), p + b"#frag",
                   p + b"?", p * 3, p + b"/" + b"a" * 300, p + b"%", p + b"%zz", p + b"%ff%fe",
                   p + b"\\", b"/./" + p, p + b"%20", p + b"\t", p + b"/%2e%2e/", b"/%2e" + p,
                   p.replace(b"/", b"//"), p + b"%c0%ae", p + b"\x00"]
        return pick(draw, mangled)

    def path(draw, clean: bool) -> tuple[bytes, list[str]]:
        """A request target, and the methods its handler implements."""
        kind = draw(percent)
        if clean:  # a route or a page as it is
            kind = 20 + kind % 10 if kind < 60 else 65 + kind % 10
        if kind < 50:  # drawn from a route's own regex, as it is or mangled
            i = draw(s["route"])
            p = encode(draw, draw(route_paths[i]))
            return (mangle(draw, p) if kind < 20 else p), implemented[i]
        if kind < 75:  # a known page, as it is or mangled
            i = draw(s["page"])
            p = ctx.paths[i].encode()
            return (mangle(draw, p) if kind < 65 else p), page_methods[i]
        if kind < 95:  # traversal out of a route's folder
            target = (draw(s["prefix"]) + draw(s["lead"]) + draw(s["dotdot"]) * draw(s["depth"])
                      + draw(s["tail"]))
            return target.encode(), ["GET", "HEAD"]
        return draw(s["odd target"]), all_methods

    def pairs(draw) -> list[tuple[str, str]]:
        found = []
        for _ in range(draw(pair_counts)):
            name = draw(names)
            found.append((name, draw(pinned.get(name, values))))
        return found

    def query(draw, clean: bool) -> bytes:
        items = pairs(draw)
        how = "utf-8" if clean else draw(s["query encoding"])
        if how == "raw":
            return "&".join(f"{n}={v}" for n, v in items).encode("utf-8", "surrogateescape")
        if how == "latin-1":
            return urlencode(items, encoding="latin-1", errors="replace").encode()
        q = urlencode(items).encode()
        return q + draw(s["broken"]) if how == "broken" else q

    def host(draw) -> bytes | None:
        kind = draw(percent) // 5
        if kind < 15:
            return ctx.host.encode()
        if kind < 17 and host_names:
            name = draw(pick(draw, host_names))
            return (name + draw(s["port"])).encode("utf-8", "surrogateescape")
        if kind < 19:
            return draw(s["hosts"]).encode()
        return None  # HTTP/1.1 requires a Host: Tornado 6.6 answers 400

    def forged_value(draw, name: str) -> str:
        value = pick(draw, ctx.signed.get(name) or [b"guest"])
        real = ctx.sign(name, value) if ctx.secret is not None else \
            ctx.sign(name, value, secret=WRONG_KEYS[0])
        how = draw(s["forgery"])
        if how == "replay":
            return real
        if how == "truncated":
            return real[:draw(big) % len(real)]
        if how == "flipped":
            i = draw(big) % len(real)
            return real[:i] + draw(s["flip"]) + real[i + 1:]
        if how == "wrong key":
            forged = value if draw(booleans) else draw(s["forged value"])
            return ctx.sign(name, forged, secret=draw(s["wrong key"]))
        if ctx.secret is not None and how == "other name":
            return ctx.sign(draw(s["other name"]), value)
        if ctx.secret is not None and how == "expired":
            days = draw(s["age"])
            return ctx.sign(name, value, clock=lambda: time.time() - days * 86400)
        if ctx.secret is not None and how == "future":
            return ctx.sign(name, value, clock=lambda: time.time() + 40 * 86400)
        if how == "version 1":
            return f"{base64.b64encode(value).decode()}|{int(time.time())}|{'0' * 40}"
        if how == "huge length":
            return "2|1:0|99999999999999999999:1|4:role|8:Z3Vlc3Q=|" + "0" * 64
        if how == "unknown key version":
            return real.replace("2|1:0|", "2|1:7|", 1) if real.startswith("2|1:0|") else "2|1:7|"
        if how == "quoted":
            return f'"{real}"'
        return draw(s["garbage signed"])

    def cookie_header(draw, xsrf: bool, clean: bool) -> bytes | None:
        items = []
        for _ in range(draw(item_counts)):
            kind = draw(percent) // 10
            if clean:  # the app's own cookies, replayed or forged
                kind %= 7
            if kind < 3 and jar_names:
                name = draw(s["jar"])
                items.append(f"{name}={ctx.jar[name]}".encode())
            elif kind < 7:
                name = draw(s["signed"])
                items.append(f"{name}={forged_value(draw, name)}".encode())
            elif kind < 9:
                item = f"{draw(names)}={draw(values)}"
                if draw(percent) < 75:  # control characters: Tornado 6.6 refuses the request
                    item = re.sub(r"[\x00-\x1f\x7f]", "", item)
                items.append(item.encode("utf-8", "surrogateescape"))
            else:
                items.append(draw(s["garbage cookie"]))
        if xsrf:
            items.append(b"_xsrf=" + ctx.xsrf.encode())
        separator = b"; " if clean else draw(s["separator"])
        return separator.join(items) if items else None

    def body(draw, method: bytes, xsrf_field: bool, clean: bool) -> tuple[bytes | None, bytes]:
        """(Content-Type or None, body). Mostly none for GET and HEAD: Tornado parses any body,
        and a malformed one is a 400 before the handler runs."""
        kind = draw(percent)
        if method in (b"GET", b"HEAD", b"OPTIONS", b"DELETE") and (clean or draw(percent) < 75):
            return None, b""
        fields = pairs(draw)
        if xsrf_field:
            fields.append(("_xsrf", ctx.xsrf))
        if clean:  # a form or an upload, as a browser sends them
            if kind < 60:
                return b"application/x-www-form-urlencoded", urlencode(fields).encode()
            return multipart(draw, fields, clean=True)
        charset = draw(s["charset"])
        if kind < 15:
            return None, b""
        if kind < 50:  # urlencoded, in a wrong charset now and then
            encoding = draw(s["body encoding"])
            data = urlencode(fields, encoding="latin-1" if encoding == "latin-1" else "utf-8",
                             errors="replace").encode()
            if encoding == "utf-16":
                data = data.decode().encode("utf-16")
            data += draw(s["form tail"])
            return (draw(s["form type"]) + charset).encode(), data
        if kind < 58:  # JSON
            data = draw(s["json"]) or json.dumps(dict(fields), ensure_ascii=draw(booleans)).encode()
            return ("application/json" + charset).encode(), data
        if kind < 85:
            return multipart(draw, fields)
        if kind < 91:  # a file as the whole body (a streamed upload)
            return draw(s["raw type"]).encode(), draw(s["file kind"])[1] + draw(raw_body)
        if kind < 97:
            return draw(s["raw type"]).encode(), draw(raw_body)
        # bigger than the limits: 1 MiB is the upload form's; the server's 100 MiB is only
        # claimed (a Content-Length in MALFORMED)
        ctype, data = multipart(draw, [("fff", "x")])
        return ctype, data + b"x" * draw(s["oversize"])

    def multipart(draw, fields, clean: bool = False) -> tuple[bytes, bytes]:
        boundary = b"fuzzboundary" if clean else draw(s["boundary"]).encode()
        parts = [b'Content-Disposition: form-data; name="%s"\r\n\r\n%s' % (
            n.encode("utf-8", "surrogateescape"), v.encode("utf-8", "surrogateescape"))
            for n, v in fields]
        for _ in range(draw(file_counts)):
            if clean or draw(booleans):  # a file that is what it claims, in a file field
                extension, magic = draw(s["file kind"])
                name, filename = draw(s["form file field"]), draw(s["stem"]) + extension
                disposition = 'form-data; name="{n}"; filename="{f}"'
            else:
                name, filename, magic = draw(s["file field"]), draw(s["filename"]), draw(s["magic"])
                if draw(booleans):
                    filename = draw(short_text) + filename[-4:]
                disposition = draw(s["disposition"])
            header = disposition.format(n=name, f=filename, q=quote(filename))
            ctype = b"application/octet-stream" if clean else draw(s["part type"])
            parts.append(b"Content-Disposition: " + header.encode("utf-8", "surrogateescape")
                         + (b"\r\nContent-Type: " + ctype if ctype else b"")
                         + b"\r\n\r\n" + magic + draw(content))
        data = b"".join(b"--" + boundary + b"\r\n" + p + b"\r\n" for p in parts)
        end = b"--" + boundary + b"--\r\n"
        ctype = b"multipart/form-data; boundary=" + boundary
        how = "ok" if clean else draw(s["multipart"])
        if how == "no end":
            end = b""
        elif how == "other boundary":
            ctype = b"multipart/form-data; boundary=other"
        elif how == "no boundary":
            ctype = b"multipart/form-data"
        elif how == "lf":
            data = data.replace(b"\r\n", b"\n")
        elif how == "quoted":
            ctype = b'multipart/form-data; boundary="' + boundary + b'"'
        elif how == "no headers":
            data = b"--" + boundary + b"\r\n\r\n\r\nnothing\r\n"
        data += end
        if how == "truncated":
            data = data[:draw(big) % (len(data) + 1)]
        return ctype + (b"" if clean else draw(s["charset"]).encode()), data

    def composed(draw) -> Sent:
        """A request. Four in ten are clean: well-formed, to a route or page as it is, with the
        methods its handler has, the right Host, the app's own cookies (replayed or forged),
        the XSRF token and a valid body; only the argument values are hostile (markup, open
        redirects, SQL, traversal, ...). The others are hostile everywhere at once."""
        clean = draw(percent) < 40
        kind = draw(percent) // 5
        target, methods = path(draw, clean)
        method = (pick(draw, methods) if clean else draw(s["weird method"]) if kind == 0
                  else draw(s["standard method"]) if kind < 6 else pick(draw, methods)).encode()
        q = query(draw, clean)
        for name, strategy in pinned.items():
            if f"{name}=".encode() not in q:
                q += b"&" * bool(q) + urlencode({name: draw(strategy)}).encode()
        if q:
            target += (b"&" if b"?" in target else b"?") + q
        xsrf = "both" if clean else draw(s["xsrf"])
        lines = []
        h = ctx.host.encode() if clean else host(draw)
        if h is not None:
            lines.append(b"Host: " + h)
        cookies = cookie_header(draw, xsrf in ("both", "cookie", "header", "other"), clean)
        if cookies is not None:
            lines.append(b"Cookie: " + cookies)
        ctype, data = body(draw, method, xsrf in ("both", "field"), clean)
        if xsrf == "header":
            lines.append(b"X-XSRFToken: " + ctx.xsrf.encode())
        elif xsrf == "other":
            lines.append(b"X-XSRFToken: " + make_xsrf(b"another token 16").encode())
        for name in [] if clean else draw(extra_headers):
            lines.append(f"{name}: {draw(extra_values[name])}".replace("{host}", ctx.host).encode())
        if not clean and draw(percent) < 10:
            value = draw(values).encode("utf-8", "surrogateescape")
            lines.append(draw(header_names).encode() + b": " + re.sub(rb"[\r\n]", b"", value))
        if ctype is not None:
            lines.append(b"Content-Type: " + ctype)
        if data or method in (b"POST", b"PUT", b"PATCH"):
            lines.append(b"Content-Length: %d" % len(data))
        lines.append(b"Connection: close")
        version = b"HTTP/1.0" if kind == 1 and not clean else b"HTTP/1.1"
        raw = b"%s %s %s\r\n%s\r\n\r\n%s" % (method, target, version, b"\r\n".join(lines), data)
        short = bool(ctx.target.long_poll) and re.search(
            ctx.target.long_poll.encode(), target.split(b"?")[0]) is not None
        return Sent(raw, short=short)

    def malformed(draw) -> Sent:
        """HTTP that no ordinary client sends (MALFORMED)."""
        template, short = MALFORMED[draw(s["malformed"])]
        page = ctx.paths[draw(s["page"])]
        p = page.encode()
        if pinned:
            p += (b"&" if b"?" in p else b"?") + urlencode(
                {name: draw(strategy) for name, strategy in pinned.items()}).encode()
        junk_bytes = draw(junk)
        line = re.sub(rb"[\r\n]", b"", junk_bytes)
        raw = template.replace(b"{p}", p).replace(b"{h}", ctx.host.encode()).replace(
            b"{cl}", draw(s["content-length"])).replace(b"{junk}", junk_bytes).replace(
            b"{line}", line).replace(b"{n}", b"%d" % (len(junk_bytes) + 7))
        long_poll = bool(ctx.target.long_poll) and re.search(ctx.target.long_poll, page)
        return Sent(raw, short=short or bool(long_poll))

    @st.composite
    def request(draw) -> Sent:
        return malformed(draw) if draw(percent) < 5 else composed(draw)

    return request()


# (template, short): {p} a known path, {h} the Host, {junk} random bytes, {line} the same without
# CR and LF, {cl} a broken Content-Length, {n} the length of the multipart body below. Short: the
# server may wait for bytes that never come (a body shorter than announced), so no answer is fine.
MALFORMED = [
    (b"GET {p} HTTP/1.1\r\nHost: {h}\r\nX: a\r\n folded\r\nConnection: close\r\n\r\n", False),
    (b"GET {p} HTTP/1.1\r\nHost\r\nConnection: close\r\n\r\n", False),
    (b"GET {p} HTTP/1.1\r\nHo st: x\r\nConnection: close\r\n\r\n", False),
    (b"GET {p} HTTP/1.1\nHost: {h}\nConnection: close\n\n", False),
    (b"GET {p} HTTP/1.1\r\nHost: {h}\r\nX: \x00\x01\r\nConnection: close\r\n\r\n", False),
    (b"POST {p} HTTP/1.1\r\nHost: {h}\r\nContent-Length: 5\r\nContent-Length: 6\r\n"
     b"Connection: close\r\n\r\nabcdef", False),
    (b"POST {p} HTTP/1.1\r\nHost: {h}\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n"
     b"Connection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n", False),
    (b"POST {p} HTTP/1.1\r\nHost: {h}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
     b"3\r\na=1\r\n0\r\n\r\n", False),
    (b"POST {p} HTTP/1.1\r\nHost: {h}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
     b"zz\r\nabc\r\n0\r\n\r\n", False),
    (b"POST {p} HTTP/1.1\r\nHost: {h}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
     b"fffffffffffffff\r\nabc", True),
    (b"POST {p} HTTP/1.1\r\nHost: {h}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
     b"3\r\nabc\r\n", True),
    (b"POST {p} HTTP/1.1\r\nHost: {h}\r\nTransfer-Encoding: gzip, chunked\r\nConnection: close"
     b"\r\n\r\n0\r\n\r\n", False),
    (b"POST {p} HTTP/1.1\r\nHost: {h}\r\nContent-Length: {cl}\r\nConnection: close\r\n\r\nabc",
     True),
    (b"POST {p} HTTP/1.1\r\nHost: {h}\r\nContent-Length: 999999999999\r\nConnection: close"
     b"\r\n\r\nabc", False),
    (b"PUT {p}?filename=big.pdf HTTP/1.1\r\nHost: {h}\r\nContent-Length: 104857599\r\n"
     b"Connection: close\r\n\r\n%PDF-", True),
    (b"POST {p} HTTP/1.1\r\nHost: {h}\r\nContent-Length: 100\r\nConnection: close\r\n\r\nshort",
     True),
    (b"GET {p} HTTP/1.1\r\nHost: {h}\r\n" + b"X-Many: 1\r\n" * 500 + b"Connection: close\r\n\r\n",
     False),
    (b"GET {p} HTTP/1.1\r\nHost: {h}\r\nX-Big: " + b"b" * 70000 + b"\r\nConnection: close\r\n\r\n",
     False),
    (b"{junk}\r\n\r\n", True),
    (b"GET {p} {line}\r\nConnection: close\r\n\r\n", False),
    (b"GET  {p}  HTTP/1.1\r\nConnection: close\r\n\r\n", False),
    (b"GET {p} HTTP/1.1 extra\r\nConnection: close\r\n\r\n", False),
    (b"GET {p} HTTP/9.9\r\nConnection: close\r\n\r\n", False),
    (b"GET {p}\r\n\r\n", False),
    (b"GET\t{p}\tHTTP/1.1\r\nConnection: close\r\n\r\n", False),
    (b"GET http://evil.example{p} HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
     False),
    (b"CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\nConnection: close\r\n\r\n", False),
    (b"OPTIONS * HTTP/1.1\r\nHost: {h}\r\nConnection: close\r\n\r\n", False),
    (b"GET {p} HTTP/1.1\r\nHost: {h}\r\n\r\nGET {line} HTTP/1.1\r\nConnection: close\r\n\r\n",
     False),
    (b"GET {p} HTTP/1.1\r\nHost: {h}\r\nHost: evil.example\r\nConnection: close\r\n\r\n", False),
    (b"GET {p} HTTP/1.1\r\nHost: {h}\r\nCookie: {line}\r\nConnection: close\r\n\r\n", False),
    (b"POST {p} HTTP/1.1\r\nHost: {h}\r\nContent-Type: multipart/form-data; boundary=b\r\n"
     b"Content-Length: {n}\r\nConnection: close\r\n\r\n--b\r\n{junk}\r\n", False),
    (b"POST {p} HTTP/1.1\r\nHost: {h}\r\nExpect: 100-continue\r\nContent-Length: 3\r\n"
     b"Connection: close\r\n\r\na=1", False),
    (b"POST {p} HTTP/1.1\r\nHost: {h}\r\nContent-Encoding: gzip\r\nContent-Length: 3\r\n"
     b"Connection: close\r\n\r\nabc", False),
]


def make_xsrf(token: bytes) -> str:
    """An _xsrf value in Tornado's masked format: 2|mask|token XOR mask|timestamp. The same
    string as the cookie and as the field (or X-XSRFToken) passes check_xsrf_cookie."""
    mask = b"\x5a\xa5\x3c\xc3"
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(token))
    return f"2|{mask.hex()}|{masked.hex()}|{int(time.time())}"


# --- Sending: a small client that writes any bytes and reads whatever comes back ---------------
@dataclasses.dataclass
class Answer:
    status: int | None  # None: closed without an answer (or, with timed_out, no answer in time)
    raw: bytes
    head: bytes = b""
    headers: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    body: bytes = b""
    timed_out: bool = False

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


def parse_answer(data: bytes, timed_out: bool = False) -> Answer:
    rest = data
    while True:
        head, sep, body = rest.partition(b"\r\n\r\n")
        match = re.match(rb"HTTP/\d\.\d (\d{3})", head)
        if not match:
            return Answer(None, data, timed_out=timed_out)
        status = int(match[1])
        if 100 <= status < 200 and sep:
            rest = body  # 100 Continue: the answer follows
            continue
        headers = []
        for line in head.split(b"\r\n")[1:]:
            key, _, value = line.decode("latin-1").partition(":")
            headers.append((key.strip(), value.strip()))
        answer = Answer(status, data, head, headers, body, timed_out)
        if (answer.header("Transfer-Encoding") or "").lower() == "chunked":
            answer.body = dechunk(body)
        return answer


def dechunk(data: bytes) -> bytes:
    out = []
    while data:
        size, _, data = data.partition(b"\r\n")
        try:
            n = int(size.split(b";")[0], 16)
        except ValueError:
            break
        if n == 0:
            break
        out.append(data[:n])
        data = data[n + 2:]
    return b"".join(out)


def complete(data: bytes, head_only: bool) -> bool:
    """Whether data holds a whole answer (for a server that keeps the connection open)."""
    answer = parse_answer(data)
    if answer.status is None or not answer.head or b"\r\n\r\n" not in data:
        return False
    if head_only or answer.status in (204, 304):
        return True
    length = answer.header("Content-Length")
    if length and length.isdigit():
        return len(answer.body) >= int(length)
    if (answer.header("Transfer-Encoding") or "").lower() == "chunked":
        return answer.raw.endswith(b"0\r\n\r\n")
    return False


async def exchange(port: int, raw: bytes, timeout: float) -> Answer:
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return Answer(None, b"")
    chunks: list[bytes] = []
    head_only = raw.startswith(b"HEAD ")

    async def send():
        with contextlib.suppress(OSError):  # the server may answer and close before reading all
            writer.write(raw)
            await writer.drain()

    async def receive():
        while True:
            try:
                data = await reader.read(65536)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)
            if complete(b"".join(chunks), head_only):
                return

    sender = asyncio.ensure_future(send())
    timed_out = False
    try:
        await asyncio.wait_for(receive(), timeout)
    except asyncio.TimeoutError:
        timed_out = True
    sender.cancel()
    with contextlib.suppress(BaseException):
        await sender
    writer.transport.abort()
    return parse_answer(b"".join(chunks), timed_out)


def honest_get(path: str, host: str) -> bytes:
    return (f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: workbook-fuzz\r\n"
            f"Connection: close\r\n\r\n").encode()


# --- Judging an answer --------------------------------------------------------------------------
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


# --- One run ---------------------------------------------------------------------------------
@dataclasses.dataclass(repr=False)
class Result:
    name: str
    sent: int = 0
    statuses: dict[str, int] = dataclasses.field(default_factory=dict)
    findings: dict[tuple, Finding] = dataclasses.field(default_factory=dict)
    writes: list[tuple[str, str]] = dataclasses.field(default_factory=list)  # (event, path)
    seconds: float = 0.0
    routes: int = 0

    def record(self, sent: Sent, answer: Answer, broken, where: str) -> None:
        self.sent += 1
        key = ("timeout" if answer.timed_out else "closed") if answer.status is None \
            else f"{answer.status // 100}xx"
        self.statuses[key] = self.statuses.get(key, 0) + 1
        for kind, what in broken:
            self.add(kind, what, sent.raw, answer.raw,
                     key=(kind, answer.status, where, re.sub(r" \(.*| to .*| for .*", "", what)))

    def add(self, kind: str, what: str, request: bytes, answer: bytes, key=None) -> None:
        """One finding per kind of bug and route, with the shortest request that showed it."""
        key = key or (kind, what)
        found = self.findings.get(key)
        if found is None:
            self.findings[key] = Finding(kind, what, request, answer)
        else:
            found.count += 1
            if len(request) < len(found.request):
                found.what, found.request, found.answer = what, request, answer

    def summary(self) -> str:
        statuses = ", ".join(f"{k} {v}" for k, v in sorted(self.statuses.items()))
        return (f"{self.sent} requests over {self.routes} routes in {self.seconds:.1f} s "
                f"({statuses}); {len(self.findings)} findings")

    def report(self) -> str:
        return f"{self.name}: {len(self.findings)} findings\n" + "\n".join(
            str(f) for f in self.findings.values())


class _Errors(logging.Handler):
    """Collects what Tornado and asyncio log at ERROR: an exception that did not become a 5xx
    (in on_finish, in a callback, in a task nobody awaited) is still a bug."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@contextlib.contextmanager
def quiet_logs():
    errors = _Errors()
    names = ("tornado.access", "tornado.application", "tornado.general", "asyncio")
    saved = {n: (logging.getLogger(n).level, logging.getLogger(n).propagate) for n in names}
    logging.getLogger("tornado.access").setLevel(logging.CRITICAL)  # a line per request: noise
    logging.getLogger("tornado.general").setLevel(logging.ERROR)  # 4xx with a reason: expected
    for name in names[1:]:
        logging.getLogger(name).addHandler(errors)
        logging.getLogger(name).propagate = False  # reported once, as findings
    try:
        yield errors
    finally:
        for name in names:
            logger = logging.getLogger(name)
            logger.removeHandler(errors)
            logger.level, logger.propagate = saved[name]


def fuzz(target: Target, *, requests: int, timeout: float = TIMEOUT) -> Result:
    """Serve target.app on 127.0.0.1, send it `requests` generated requests or more, judge every
    answer, and check that the pages it lists answer 200 before and after."""
    result = Result(target.name)
    started = time.monotonic()
    loop = asyncio.new_event_loop()
    try:
        with quiet_logs() as errors, watch_writes(result.writes):
            sock, port = tornado.testing.bind_unused_port()
            server = loop.run_until_complete(_serve(target.app, sock))
            try:
                routes = routes_of(target.app)
                result.routes = len(routes)
                markers = leak_markers(target)

                async def send(sent: Sent) -> Answer:
                    """Every request of the run goes through here, and every answer is judged."""
                    answer = await exchange(port, sent.raw, SHORT_WAIT if sent.short else timeout)
                    broken = judge(f"127.0.0.1:{port}", sent, answer, markers, target.designed_5xx)
                    result.record(sent, answer, broken, where=route_of(routes, sent.raw))
                    return answer

                async def send_all(batch: list[Sent]) -> None:
                    await asyncio.gather(*map(send, batch))  # each on its own connection

                ctx = loop.run_until_complete(learn(target, port, routes, send, result))

                @settings(max_examples=math.ceil(requests / BATCH), derandomize=True,
                          database=None, deadline=None, phases=[Phase.generate],
                          suppress_health_check=list(HealthCheck), verbosity=Verbosity.quiet,
                          print_blob=False)
                @given(st.lists(strategies(ctx), min_size=BATCH, max_size=BATCH,
                                unique_by=lambda sent: sent.raw))
                def run(batch):
                    loop.run_until_complete(send_all(batch))

                run()
                loop.run_until_complete(check_pages(target, port, send, result, "after the fuzz"))
            finally:
                loop.run_until_complete(_stop(server, target.app))
        for record in errors.records:
            text = record.getMessage()[:300]
            last = text
            if record.exc_info:
                lines = traceback.format_exception(record.exc_info[1], limit=-3)
                text += "\n" + "".join(lines).strip()[-1200:]
                last = lines[-1].strip()
            result.add("log", f"{record.name} logged: {text}", b"(the request is in the log line)",
                       text.encode(), key=("log", record.name, last))
    finally:
        with contextlib.suppress(Exception):
            loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()
    result.seconds = time.monotonic() - started
    return result


async def _serve(app, sock):
    server = tornado.httpserver.HTTPServer(app)
    server.add_sockets([sock])
    return server


async def _stop(server, app):
    server.stop()
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(server.close_all_connections(), 5)
    close = getattr(app, "close", None)
    if inspect.iscoroutinefunction(close):
        await close()
    tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def check_pages(target, port, send, result, when) -> list[Answer]:
    """GET every page the manifest lists: each must answer 200."""
    host = f"127.0.0.1:{port}"
    answers = []
    for path in target.good_paths:
        answer = await send(Sent(honest_get(path, host)))
        if answer.status != 200:
            result.add("down afterwards" if when == "after the fuzz" else "down before",
                       f"GET {path} {when}: {answer.status}", honest_get(path, host), answer.raw)
        answers.append(answer)
    return answers


async def learn(target: Target, port: int, routes: list[Route], send, result) -> Context:
    """An honest GET of every page the app lists and of every route that is a plain path:
    the cookies it sets, the fields and links its pages show."""
    host = f"127.0.0.1:{port}"
    long_poll = re.compile(target.long_poll) if target.long_poll else None
    pages = list(dict.fromkeys(
        target.good_paths + [r.literal for r in routes if r.literal and r.host is None
                             and not (long_poll and long_poll.search(r.literal))]))
    jar: dict[str, str] = {}
    params = set(target.args)
    file_fields: set[str] = set()
    links: set[str] = set()
    answers = await check_pages(target, port, send, result, "before the fuzz")
    cheap = urlencode({name: values[0] for name, values in target.values.items()})
    for path in pages[len(target.good_paths):]:
        path += ("&" if "?" in path else "?") + cheap if cheap else ""
        answers.append(await send(Sent(honest_get(path, host))))
    for answer in answers:
        for key, value in answer.headers:
            if key.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                jar[name.strip()] = rest.split(";", 1)[0]
        if "html" in (answer.header("Content-Type") or ""):
            text = answer.body.decode("utf-8", "replace")
            params.update(html.unescape(n) for n in re.findall(r'name="([^"]{1,64})"', text))
            for tag in re.findall(r'<input[^>]*type="file"[^>]*>', text):
                file_fields.update(html.unescape(n)
                                   for n in re.findall(r'name="([^"]{1,64})"', tag))
            links.update(html.unescape(u)
                         for u in re.findall(r'(?:href|src|action)="(/[^"/][^"]*)"', text))
    secret = target.app.settings.get("cookie_secret")
    signed = {name: [v.encode() for v in values] for name, values in target.issued.items()}
    for name, raw in jar.items():
        value = raw
        with contextlib.suppress(CookieError, KeyError):
            value = SimpleCookie(f"{name}={raw}")[name].value
        if value.startswith("2|1:") and secret is not None:
            decoded = tornado.web.decode_signed_value(secret, name, value, max_age_days=365)
            if decoded is not None:
                signed.setdefault(name, []).append(decoded)
    for name in target.signed_names:  # signed by the code, even if no page set one yet
        signed.setdefault(name, [b"guest"])
    xsrf = jar.get("_xsrf") or make_xsrf(b"fuzz xsrf token!")
    pinned = re.compile(r"[?&](%s)=" % "|".join(map(re.escape, target.values))) \
        if target.values else None
    links = {link for link in links
             if not link.startswith("//") and not (pinned and pinned.search(link))}
    return Context(
        target=target, port=port, routes=routes, paths=sorted(set(pages) | links) or ["/"],
        params=sorted(p for p in params if p), file_fields=sorted(file_fields), jar=jar,
        signed=signed, secret=secret, key_version=target.app.settings.get("key_version"),
        xsrf=xsrf)


# --- What the process writes, and the repository tree before and after -------------------------
# An audit hook (PEP 578) sees every file this process opens for writing, creates, renames or
# removes, wherever it is and whichever thread does it: the writes of the app under test (the
# fuzz itself writes nothing but hypothesis' cache in tmp_path). A hook cannot be removed, so
# there is one, installed on first use and idle outside a fuzz run.
_WRITES: list | None = None
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_PATH_EVENTS = {"os.mkdir", "os.rename", "os.replace", "os.remove", "os.rmdir", "os.link",
                "os.symlink", "os.truncate", "os.chmod", "os.chown", "os.utime", "shutil.copyfile",
                "shutil.rmtree", "shutil.move", "os.mkfifo", "os.mknod"}


def _audit(event: str, args: tuple) -> None:
    log = _WRITES
    if log is None:
        return
    if event == "open":
        path, mode, flags = (tuple(args) + (None, None))[:3]
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & _WRITE_FLAGS)
        paths = [path] if writing else []
    elif event in _PATH_EVENTS:
        paths = [a for a in args[:2] if isinstance(a, (str, bytes, os.PathLike))]
    else:
        return
    for path in paths:
        if isinstance(path, (str, bytes, os.PathLike)):
            log.append((event, os.path.abspath(os.fsdecode(path))))


_hooked = False


@contextlib.contextmanager
def watch_writes(into: list):
    global _WRITES, _hooked
    if not _hooked:
        sys.addaudithook(_audit)
        _hooked = True
    _WRITES = into
    try:
        yield into
    finally:
        _WRITES = None


def outside(writes: list[tuple[str, str]], allowed: list[Path]) -> list[str]:
    """The writes that are not under an allowed folder (nor a __pycache__ of an import)."""
    roots = [os.path.realpath(a) for a in allowed]
    found = []
    for event, path in writes:
        real = os.path.realpath(path)
        if f"{os.sep}__pycache__{os.sep}" in real or real == os.devnull:
            continue
        if not any(real == r or real.startswith(r + os.sep) for r in roots):
            found.append(f"{event} {path}")
    return list(dict.fromkeys(found))


SKIP = {".git", ".venv", "__pycache__", ".pytest_cache", ".ipynb_checkpoints"}


def tree_state(root: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under root (but .git, .venv and caches): path -> (mtime, size)."""
    state = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIP]
        for name in dirs + files:
            path = os.path.join(folder, name)
            with contextlib.suppress(OSError):
                st_ = os.lstat(path)
                state[os.path.relpath(path, root)] = (st_.st_mtime_ns, st_.st_size)
    return state


def diff(before: dict, after: dict) -> list[str]:
    changes = [f"+ {p}" for p in sorted(after.keys() - before.keys())]
    changes += [f"- {p}" for p in sorted(before.keys() - after.keys())]
    changes += [f"~ {p}" for p in sorted(before.keys() & after.keys()) if before[p] != after[p]]
    return changes
