"""Tests of the chapter 03 exercise. `make check-03` runs them on your exercise.py; plain
`pytest` runs them on solutions/ch03_ui_modules/exercise.py."""
import re

import pytest


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
            raise AssertionError(f"GET /inbox{query} failed with 500: the page raised "
                                 f"{describe(error)}. {next_step(error)}")
        assert response.code == 200, (
            f"GET /inbox{query} should answer 200, got {response.code} {response.body[:200]!r}")
        return response.body.decode()
    return fetch


def describe(error):
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def next_step(error):
    """What a 500 of /inbox most likely means."""
    if isinstance(error, (NameError, AttributeError)):
        return "Register plural and Notice in make_app() (step 1)."
    if isinstance(error, NotImplementedError) and "plural" in str(error):
        return "Write plural() (step 2)."
    if isinstance(error, NotImplementedError):
        return "Write Notice.render() (step 3): UIModule.render raises NotImplementedError."
    return "The error names the line: look at the step it belongs to."


def head_and_body(html):
    return html[:html.index("</head>")], html[html.index("<body>"):html.index("</body>")]


def test_step1_plural_and_notice_are_registered(exercise):
    app = exercise.make_app()
    assert app.ui_methods.get("plural") is exercise.plural, (
        f"make_app() should register the UI method plural; its ui_methods are "
        f"{sorted(app.ui_methods)}: pass ui_methods={{'plural': plural}} to Application")
    assert app.ui_modules.get("Notice") is exercise.Notice, (
        f"make_app() should register the UI module Notice; its ui_modules are "
        f"{sorted(app.ui_modules)}: pass ui_modules={{'Notice': Notice}} to Application")


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
            f"plural(handler, {count}, {word!r}) should return {expected!r}, but raised "
            f"{describe(e)}. A UIMethod's first parameter is the handler.") from None
    assert got == expected, (
        f"plural(handler, {count}, {word!r}) should return {expected!r}, got {got!r}")


@pytest.mark.gen_test
async def test_step3_notice_renders_its_own_template(inbox):
    html = await inbox()
    assert "<h1>Inbox: 4 notices</h1>" in html, (
        "/inbox should start with <h1>Inbox: 4 notices</h1> (plural, step 2)")
    levels = re.findall(r'<div class="notice notice-(\w+)">', html)
    assert levels == ["info", "warning", "error", "warning"], (
        f"/inbox should show 4 notices from exercise_tpl/notice.html (<div class=\"notice "
        f"notice-LEVEL\">), levels info, warning, error, warning; found {levels}: Notice.render "
        "should return self.render_string('notice.html', text=text, level=level)")
    assert "Your &lt;b&gt;trial&lt;/b&gt; ends in 3 days." in html and "<b>trial" not in html, (
        "the notice 'Your <b>trial</b> ends in 3 days.' should be shown as text, escaped "
        "(&lt;b&gt;): {% module %} does not escape what render() returns, so let notice.html's "
        "{{ text }} do it, through render_string")


@pytest.mark.gen_test
async def test_step4_css_and_javascript_are_linked_once(inbox):
    head, body = head_and_body(await inbox())
    css = re.findall(r'<link href="/static/notice\.css\?v=\w+" type="text/css" rel="stylesheet"/>',
                     head)
    assert len(css) == 1, (
        f"<head> should link /static/notice.css once, found {len(css)} links: "
        "Notice.css_files() should return ['notice.css']")
    js = re.findall(r'<script src="/static/notice\.js\?v=\w+" type="text/javascript"></script>',
                    body)
    assert len(js) == 1, (
        f"<body> should end with one <script src=/static/notice.js>, found {len(js)}: "
        "Notice.javascript_files() should return ['notice.js']")


@pytest.mark.gen_test
@pytest.mark.parametrize("query, count", [
    ("", 4), ("?level=warning", 2), ("?level=error", 1),
], ids=["all four", "two warnings", "one error"])
async def test_step5_embedded_javascript_counts_the_notices(inbox, query, count):
    body = head_and_body(await inbox(query))[1]
    calls = re.findall(r"setNoticeCount\((.*?)\);", body)
    assert calls == [str(count)], (
        f"/inbox{query} shows {count} notice(s), so its page should call setNoticeCount({count}) "
        f"exactly once; found calls with {calls}: Notice.embedded_javascript() should return "
        "f'setNoticeCount({self.shown});', with render() adding 1 to self.shown each time")
    linked_at = body.find("/static/notice.js")
    assert 0 <= linked_at < body.index("setNoticeCount("), (
        "the embedded call must come after <script src=notice.js> (Tornado puts it there when "
        "javascript_files() returns ['notice.js'], step 4)")
