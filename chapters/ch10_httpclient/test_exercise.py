"""Tests of the chapter 10 exercise. `make check-10` runs them on your exercise.py; plain
`pytest` runs them on solutions/ch10_httpclient/exercise.py. The upstream they call is the
chapter's upstream.py, started on a free port of 127.0.0.1.

Each message says what was asked, what came back, and the section of the lesson
(chapters/ch10_httpclient/README.md) that covers it."""
import asyncio
import json

import pytest
from tornado.httpclient import AsyncHTTPClient

from chapters.ch10_httpclient import upstream
from workbook.net import free_port

def shorten(value, width=120) -> str:
    text = repr(value)
    return text if len(text) <= width else text[:width] + "..."


STEP1 = "lesson §7, one client per IOLoop, configure(), max_clients"
STEP2 = "lesson §4, fetch(): headers and bodies"
STEP2_ERRORS = "lesson §5, raise_error"
STEP3 = "lesson §8, many calls at once"
STEP4 = "lesson §5 and §6, what fetch() raises, and a gateway that never hangs"


@pytest.fixture
def up(io_loop):
    """The upstream's base URL."""
    app, server, url = upstream.start()
    yield url
    server.stop()
    io_loop.run_sync(server.close_all_connections, timeout=10)


@pytest.fixture
def client(io_loop):
    """A plain client of the test's own (no timeouts of yours), with room for step 3's eight
    calls at once and more: the shared client of the IOLoop runs at most 10."""
    client = AsyncHTTPClient(force_instance=True, max_clients=30)
    yield client
    client.close()


# --- Step 1 ------------------------------------------------------------------------------------
@pytest.mark.gen_test
async def test_step1_make_client_is_a_client_of_its_own(exercise):
    shared = AsyncHTTPClient()
    mine = exercise.make_client()
    try:
        assert isinstance(mine, AsyncHTTPClient), (
            f"make_client() should return an AsyncHTTPClient, it returned {mine!r} ({STEP1})")
        assert mine is not shared, (
            f"make_client() returned the IOLoop's shared client, the one every other caller "
            f"gets too: a client of its own was asked for ({STEP1})")
        assert mine.max_clients == 30, (
            f"make_client()'s client should run 30 requests at once; it runs "
            f"{mine.max_clients} ({STEP1})")
        timeouts = (mine.defaults.get("connect_timeout"), mine.defaults.get("request_timeout"))
        assert timeouts == (1, 2), (
            f"every request of make_client()'s client should give up connecting after 1 s and "
            f"the whole request after 2 s; its defaults say (connect, request) = {timeouts} "
            f"({STEP1})")
    finally:
        if mine is not shared and isinstance(mine, AsyncHTTPClient):
            mine.close()


# --- Step 2 ------------------------------------------------------------------------------------
@pytest.mark.gen_test
async def test_step2_post_json_sends_json_and_returns_the_parsed_answer(exercise, client, up):
    data = {"name": "茶", "tags": ["green", "hot"], "n": 2}
    from tornado.httpclient import HTTPClientError
    try:
        answer = await exercise.post_json(client, up + "/echo", data)
    except HTTPClientError as e:
        pytest.fail(f"the upstream's /echo refused the POST with {e.code} "
                    f"{e.response.body.decode(errors='replace').strip() if e.response else e}: "
                    f"a request that says its body is JSON must send JSON ({STEP2})")
    assert isinstance(answer, dict), (
        f"post_json should return the upstream's answer parsed from JSON (a dict here), it "
        f"returned {shorten(answer)} ({STEP2})")
    assert answer.get("method") == "POST", (
        f"the upstream saw a {answer.get('method')} request, not a POST ({STEP2})")
    content_type = answer["headers"].get("Content-Type", "")
    assert content_type.startswith("application/json"), (
        f"the upstream saw Content-Type {content_type!r}, so it cannot know the body is JSON: "
        f"the request's headers say what its body is ({STEP2})")
    assert answer["json"] == data, (
        f"the upstream received the body {answer['body']!r}, which reads as {answer['json']!r}, "
        f"not {data} ({STEP2})")


@pytest.mark.gen_test
async def test_step2_post_json_raises_when_the_upstream_fails(exercise, client, up):
    from tornado.httpclient import HTTPClientError
    try:
        # /fail answers 503 (with a text body): that is an error, not data to parse
        answer = await exercise.post_json(client, up + "/fail?code=503", {"x": 1})
    except HTTPClientError:
        return
    except ValueError as e:
        pytest.fail(f"the upstream answered 503 with a line of text, and post_json tried to "
                    f"parse it as JSON: {type(e).__name__}: {e}. A failed request should raise "
                    f"HTTPClientError before anything is parsed ({STEP2_ERRORS})")
    pytest.fail(f"the upstream answered 503, and post_json returned {answer!r}: a failed "
                f"request should raise HTTPClientError ({STEP2_ERRORS})")


# --- Step 3 ------------------------------------------------------------------------------------
@pytest.mark.gen_test(timeout=20)
async def test_step3_fetch_all_fetches_at_the_same_time_and_keeps_the_order(exercise, client, up):
    # tag 0 is the slowest: it ends last, yet its body must come first
    urls = [f"{up}/slow?delay={0.5 - i * 0.03:.2f}&tag={i}" for i in range(8)]
    bodies = await exercise.fetch_all(client, urls)
    assert isinstance(bodies, list) and len(bodies) == 8, (
        f"fetch_all should return a list with one body per url (8), it returned {bodies!r}")
    kinds = {type(b).__name__ for b in bodies}
    assert kinds == {"bytes"}, (
        f"fetch_all should return the bodies (bytes), it returned a list of {kinds} "
        f"({STEP3})")
    calls = [json.loads(b) for b in bodies]
    tags = [call["tag"] for call in calls]
    assert tags == [str(i) for i in range(8)], (
        f"the bodies should come in the order of the urls (tags 0..7), they came as tags "
        f"{tags}: the order they finished in is not the order asked ({STEP3})")
    latest_start = max(call["started"] for call in calls)
    earliest_end = min(call["ended"] for call in calls)
    assert latest_start < earliest_end, (
        f"the upstream saw a call start only after another had ended: the fetches ran one "
        f"after another, and 8 calls took 8 times as long ({STEP3})")


@pytest.mark.gen_test
async def test_step3_fetch_all_of_no_urls_is_an_empty_list(exercise, client):
    bodies = await exercise.fetch_all(client, [])
    assert bodies == [], f"fetch_all(client, []) should be [], it was {bodies!r} ({STEP3})"


# --- Step 4 ------------------------------------------------------------------------------------
@pytest.fixture
def dead_url():
    """A port nobody listens on: connecting is refused at once."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.mark.gen_test(timeout=20)
@pytest.mark.parametrize("path, expected, what", [
    ("/slow?delay=0", 200, "answers 200"),
    ("/fail?code=404", 502, "answers 404"),
    ("/fail?code=503", 502, "answers 503"),
    ("/reset", 502, "resets the connection (ConnectionResetError, an OSError)"),
    ("/close", 502, "closes the connection without an answer (HTTPStreamClosedError, 599)"),
    ("/hang", 504, "never answers (HTTPTimeoutError, 599)"),
    ("/slow?delay=1", 504, "answers after 1 s, too late (HTTPTimeoutError, 599)"),
    ("DEAD", 502, "refuses the connection (ConnectionRefusedError, an OSError)"),
], ids=["200", "404", "503", "reset", "close", "hang", "too slow", "refused"])
async def test_step4_status_for(exercise, client, up, dead_url, path, expected, what):
    url = dead_url + "/" if path == "DEAD" else up + path
    try:
        status = await asyncio.wait_for(exercise.status_for(client, url, 0.3), 5)
    except asyncio.TimeoutError:
        pytest.fail(f"status_for(..., timeout=0.3) was still waiting after 5 s for an "
                    f"upstream that {what}: the fetch itself must give up after `timeout` "
                    f"seconds ({STEP4})")
    except NotImplementedError:
        raise
    except Exception as e:
        pytest.fail(f"status_for raised {type(e).__name__}: {e} for an upstream that {what}; "
                    f"it should return {expected}, and never raise ({STEP4})")
    assert status == expected, (
        f"for an upstream that {what}, status_for should return {expected}, it returned "
        f"{status!r} ({STEP4})")
