"""Tests of the chapter 03 exercise. `make check-03` runs them on your exercise.py; plain
`pytest` runs them on solutions/ch03_ui_modules/exercise.py.

Each message says what was asked, what came back, and the lesson section (README.md) that
explains it."""
import re
import shutil
from pathlib import Path

import pytest
import tornado.web

from workbook.web import BaseHandler


@pytest.fixture
def app(exercise):
    return exercise.make_app()


@pytest.fixture
def inbox(http_client, base_url, caplog):
    """GET /inbox (with a query string), and fail with what the server raised if it was a 500."""
    async def fetch(query=""):
        response = await http_client.fetch(base_url + "/inbox" + query, raise_error=False)
        if response.code == 500:
            errors = [r for r in caplog.records if r.name == "tornado.application" and r.exc_info]
            error = errors[-1].exc_info[1] if errors else None
            raise AssertionError(f"GET /inbox{query} failed with a 500: the page raised "
                                 f"{describe(error)}. {next_step(error)}")
        assert response.code == 200, (
            f"GET /inbox{query} should answer 200, got {response.code} {response.body[:200]!r}")
        return response.body.decode()
    return fetch


def describe(error):
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def next_step(error):
    """What a 500 of /inbox most likely means."""
    if isinstance(error, (NameError, AttributeError, KeyError)):
        return ("inbox.html uses the names plural and Notice: make_app() registers both under "
                "those names (step 1, lesson §3).")
    if isinstance(error, NotImplementedError) and "plural" in str(error):
        return "plural() is not written yet (step 2, lesson §2)."
    if isinstance(error, NotImplementedError):
        return ("Notice has no render() of its own yet, and UIModule.render raises "
                "NotImplementedError (step 3, lesson §6).")
    if isinstance(error, TypeError):
        return ("A method was called with arguments it does not take: a UI method gets the "
                "handler first (lesson §2), a module's render() the template's arguments "
                "(lesson §4).")
    return "The error names the line: look at the step it belongs to."


def head_and_body(html):
    return html[:html.index("</head>")], html[html.index("<body>"):html.index("</body>")]


def test_step1_plural_and_notice_are_registered(exercise):
    app = exercise.make_app()
    assert isinstance(app, tornado.web.Application), (
        f"make_app() should return the Application it builds; it returned {app!r}.")
    assert app.ui_methods.get("plural") is exercise.plural, (
        f"Step 1: make_app() should register the function plural as the UI method 'plural'; "
        f"its UI methods are {sorted(app.ui_methods)} (lesson §3).")
    assert app.ui_modules.get("Notice") is exercise.Notice, (
        f"Step 1: make_app() should register the class Notice as the UI module 'Notice'; its "
        f"UI modules are {sorted(app.ui_modules)} (lesson §3).")


@pytest.mark.parametrize("count, word, expected", [
    (1, "notice", "1 notice"),
    (3, "notice", "3 notices"),
    (0, "notice", "0 notices"),
    (2, "invoice", "2 invoices"),
], ids=["one", "three", "zero", "another word"])
def test_step2_plural_is_a_ui_method(exercise, count, word, expected):
    handler = object()  # Tornado passes the RequestHandler; plural does not need to use it
    try:
        got = exercise.plural(handler, count, word)
    except Exception as e:  # noqa: BLE001 -- say what went wrong instead of a traceback
        raise AssertionError(
            f"Step 2: plural(handler, {count}, {word!r}) should return {expected!r}, but raised "
            f"{describe(e)}. Tornado calls a UI method with the handler first, then the "
            "template's arguments (lesson §2).") from None
    assert got == expected, (
        f"Step 2: plural(handler, {count}, {word!r}) should return {expected!r}, got {got!r}. "
        "Only a count of exactly 1 is singular.")


@pytest.mark.gen_test
async def test_step3_notice_renders_its_own_template(inbox):
    html = await inbox()
    assert "<h1>Inbox: 4 notices</h1>" in html, (
        "Step 2: /inbox should start with <h1>Inbox: 4 notices</h1>, written by plural(); "
        f"got {re.findall(r'<h1>.*?</h1>', html)}.")
    levels = re.findall(r'<div class="notice notice-(\w+)">', html)
    assert levels == ["info", "warning", "error", "warning"], (
        f"Step 3: /inbox should show 4 notices, each from exercise_tpl/notice.html (<div "
        f"class=\"notice notice-LEVEL\">), levels info, warning, error, warning; found "
        f"{levels}. A module keeps its markup in a template of its own, rendered with the "
        "text and the level it was given (lesson §6).")
    buttons = html.count('<button class="close"')
    assert buttons == 4, (
        f"Step 3: each notice should be exercise_tpl/notice.html's markup, close button "
        f"included: 4 notices, 4 buttons; found {buttons}. A module renders a template of its "
        "own with render_string (lesson §6).")
    assert "Your &lt;b&gt;trial&lt;/b&gt; ends in 3 days." in html and "<b>trial" not in html, (
        "Step 3: the notice 'Your <b>trial</b> ends in 3 days.' should be shown as text, "
        "escaped (&lt;b&gt;). {% module %} inserts what render() returns as it is: the escaping "
        "is done by the module's template (lesson §4 and §6).")


@pytest.fixture
def one_notice(exercise, serve, http_client, tmp_path):
    """A page of its own that calls the module with the text alone: {% module Notice("...") %}."""
    settings = exercise.make_app().settings
    shutil.copy(Path(settings["template_path"]) / "notice.html", tmp_path / "notice.html")
    (tmp_path / "one.html").write_text(
        '<html><head></head><body>{% module Notice("Saved.") %}</body></html>')

    class OneHandler(BaseHandler):
        def get(self):
            self.render("one.html")

    base = serve(tornado.web.Application(
        [(r"/one", OneHandler)], template_path=str(tmp_path),
        static_path=settings["static_path"], ui_modules={"Notice": exercise.Notice}))

    async def fetch():
        response = await http_client.fetch(base + "/one", raise_error=False)
        return response
    return fetch


@pytest.mark.gen_test
async def test_step3_the_level_is_info_unless_given(one_notice, caplog):
    response = await one_notice()
    if response.code == 500:
        errors = [r for r in caplog.records if r.name == "tornado.application" and r.exc_info]
        error = errors[-1].exc_info[1] if errors else None
        why = next_step(error) if not isinstance(error, TypeError) else (
            "The level is optional: a notice without one is an info notice. The template's "
            "arguments reach render() as they would any Python method, defaults included "
            "(lesson §4).")
        raise AssertionError(
            "Step 3: a page that says {% module Notice(\"Saved.\") %}, with no level, failed "
            f"with a 500: it raised {describe(error)}. {why}")
    levels = re.findall(r'<div class="notice notice-(\w+)">', response.body.decode())
    assert levels == ["info"], (
        "Step 3: {% module Notice(\"Saved.\") %}, with no level, should render one info "
        f"notice (class \"notice notice-info\"); found the levels {levels}. The level "
        "defaults to \"info\" (lesson §4: the template's arguments reach render() as they "
        "would any Python method).")


@pytest.mark.gen_test
async def test_step4_css_and_javascript_are_linked_once(inbox):
    head, body = head_and_body(await inbox())
    css = re.findall(r'<link href="/static/notice\.css\?v=\w+" type="text/css" rel="stylesheet"/>',
                     head)
    assert len(css) == 1, (
        f"Step 4: <head> should link /static/notice.css?v=<version> once, found {len(css)} such "
        f"links among {re.findall(r'<link[^>]*>', head)}. A module names its files relative to "
        "static_path, and Tornado links each once per page, versioned (lesson §5).")
    js = re.findall(r'<script src="/static/notice\.js\?v=\w+" type="text/javascript"></script>',
                    body)
    assert len(js) == 1, (
        f"Step 4: <body> should end with one <script src=\"/static/notice.js?v=<version>\">, "
        f"found {len(js)} among {re.findall(r'<script[^>]*>', body)} (lesson §5).")


@pytest.mark.gen_test
@pytest.mark.parametrize("query, count", [
    ("", 4), ("?level=warning", 2), ("?level=error", 1),
], ids=["all four", "two warnings", "one error"])
async def test_step5_embedded_javascript_counts_the_notices(inbox, query, count):
    for attempt in ("the first", "a second"):
        body = head_and_body(await inbox(query))[1]
        calls = re.findall(r"setNoticeCount\((.*?)\);", body)
        assert calls == [str(count)], (
            f"Step 5: /inbox{query} shows {count} notice(s), so its page should call "
            f"setNoticeCount({count}) exactly once; {attempt} request found calls with {calls}. "
            "Tornado makes one Notice object per request, calls its render() for each notice, "
            "and asks for its embedded JavaScript once, after the page (lesson §5). A count "
            "kept on the class instead of the object adds up across requests.")
    snippets = re.findall(r"//<!\[CDATA\[\n(.*?)\n//\]\]>", body, re.S)
    assert not any("<" in snippet for snippet in snippets), (
        f"Step 5: the embedded JavaScript should be the call alone; Tornado wraps it in its own "
        f"<script> element, and it holds {snippets} (lesson §5).")
    linked_at = body.find("/static/notice.js")
    assert 0 <= linked_at < body.index("setNoticeCount("), (
        "Step 5: the embedded call must come after <script src=notice.js>, which defines "
        "setNoticeCount: Tornado puts the linked files first, then the snippets (step 4, "
        "lesson §5).")
