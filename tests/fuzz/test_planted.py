"""The fuzz's own test: a planted app with one bug of each kind the fuzz looks for. Each check
must see its own bug, and the write watcher every stray write."""
import asyncio
from pathlib import Path

import tornado.escape
import tornado.web

from .conftest import hypothesis_home
from .run import fuzz
from .target import Target
from .writes import diff, outside, tree_state

SECRET = "fuzz-cookie-secret-" + "0123456789abcdef" * 2  # never sent: in an answer, it leaked
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
