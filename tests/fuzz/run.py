"""One run: serve the app on 127.0.0.1, learn what its pages show, send it the generated requests,
judge every answer, and check that the pages it lists answer 200 before and after."""
from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import errno
import html
import inspect
import logging
import math
import re
import time
import traceback
from http.cookies import CookieError, SimpleCookie
from urllib.parse import urlencode, urlsplit

import tornado.httpserver
import tornado.testing
import tornado.web
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import strategies as st

from .client import Answer, exchange, honest_get
from .detectors import Finding, judge, leak_markers, local, route_of
from .generators import Context, Requests, Sent, make_xsrf
from .target import Route, Target, routes_of
from .writes import watch_writes

MIN_REQUESTS = 1000  # per app
BATCH = 8  # requests one hypothesis example sends at once, each on its own connection
TIMEOUT = 5.0  # seconds an ordinary request may take (scrypt, MySQL, a PNG to draw)
SHORT_WAIT = 0.05  # for requests that are cut short on purpose, or wait by design (long polls)


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
            sock, port = bind_unused_port()
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
                @given(st.lists(Requests(ctx).strategy(), min_size=BATCH, max_size=BATCH,
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


def bind_unused_port(attempts: int = 50):
    """tornado.testing.bind_unused_port, again while the machine has no free port: thousands of
    connections the fuzzes of other test runs closed may still hold them (TIME_WAIT)."""
    for attempt in range(attempts):
        try:
            return tornado.testing.bind_unused_port()
        except OSError as e:
            if e.errno != errno.EADDRINUSE or attempt == attempts - 1:
                raise
            time.sleep(0.2)


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
    """GET every page the manifest lists: each must answer 200, after the redirects on this site
    a browser would follow (a members' page sends a visitor to /login?next=...)."""
    host = f"127.0.0.1:{port}"
    answers = []
    for path in target.good_paths:
        seen = [path]
        answer = await send(Sent(honest_get(path, host)))
        answers.append(answer)
        while (300 <= (answer.status or 0) < 400 and len(seen) < 5
               and local(location := answer.header("Location") or "", host)):
            seen.append(urlsplit(location)._replace(scheme="", netloc="").geturl())
            answer = await send(Sent(honest_get(seen[-1], host)))
            answers.append(answer)
        if answer.status != 200:
            result.add("down afterwards" if when == "after the fuzz" else "down before",
                       f"GET {' -> '.join(seen)} {when}: {answer.status}",
                       honest_get(seen[-1], host), answer.raw)
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
