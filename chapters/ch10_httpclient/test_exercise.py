"""Tests of the chapter 10 exercise. `make check-10` runs them on your exercise.py; plain
`pytest` runs them on solutions/ch10_httpclient/exercise.py. The upstream they call is the
chapter's upstream.py, started on a free port of 127.0.0.1."""
import asyncio
import json

import pytest
from tornado.httpclient import AsyncHTTPClient

from chapters.ch10_httpclient import upstream
from workbook.net import free_port


@pytest.fixture
def up(io_loop):
    """The upstream's base URL."""
    app, server, url = upstream.start()
    yield url
    server.stop()
    io_loop.run_sync(server.close_all_connections, timeout=10)


@pytest.fixture
def client(io_loop):
    """A plain client of the test's own (no timeouts of yours)."""
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
            f"make_client() should return an AsyncHTTPClient, got {mine!r}")
        assert mine is not shared, (
            "make_client() returned the IOLoop's shared client (AsyncHTTPClient() is one per "
            "loop): pass force_instance=True")
        assert mine.max_clients == 30, (
            f"make_client() should run 30 requests at once, its max_clients is "
            f"{mine.max_clients}: pass max_clients=30")
        timeouts = (mine.defaults.get("connect_timeout"), mine.defaults.get("request_timeout"))
        assert timeouts == (1, 2), (
            f"every request of make_client()'s client should have connect_timeout=1 and "
            f"request_timeout=2, its defaults say {timeouts}: "
            "pass defaults=dict(connect_timeout=1, request_timeout=2)")
    finally:
        if mine is not shared and isinstance(mine, AsyncHTTPClient):
            mine.close()


# --- Step 2 ------------------------------------------------------------------------------------
@pytest.mark.gen_test
async def test_step2_post_json_sends_json_and_returns_the_parsed_answer(exercise, client, up):
    data = {"name": "茶", "tags": ["green", "hot"], "n": 2}
    answer = await exercise.post_json(client, up + "/echo", data)
    assert isinstance(answer, dict), (
        f"post_json should return the answer parsed as JSON (a dict here), got {answer!r}")
    assert answer.get("method") == "POST", (
        f"the upstream saw a {answer.get('method')}, not a POST: fetch(url, method='POST', ...)")
    content_type = answer["headers"].get("Content-Type", "")
    assert content_type.startswith("application/json"), (
        f"the upstream saw Content-Type {content_type!r}: send "
        "headers={'Content-Type': 'application/json'}")
    assert answer["json"] == data, (
        f"the upstream read {answer['body']!r} as JSON {answer['json']!r}, expected {data}: "
        "body=json.dumps(data)")


@pytest.mark.gen_test
async def test_step2_post_json_raises_when_the_upstream_fails(exercise, client, up):
    from tornado.httpclient import HTTPClientError
    with pytest.raises(HTTPClientError):
        # /fail answers 503 (with a text body): that is an error, not data to parse
        await exercise.post_json(client, up + "/fail?code=503", {"x": 1})


# --- Step 3 ------------------------------------------------------------------------------------
@pytest.mark.gen_test(timeout=20)
async def test_step3_fetch_all_fetches_at_the_same_time_and_keeps_the_order(exercise, client, up):
    # tag 0 is the slowest: it ends last, yet its body must come first
    urls = [f"{up}/slow?delay={0.5 - i * 0.03:.2f}&tag={i}" for i in range(8)]
    bodies = await exercise.fetch_all(client, urls)
    assert isinstance(bodies, list) and len(bodies) == 8, (
        f"fetch_all should return one body per url (8), got {bodies!r}")
    calls = [json.loads(b) for b in bodies]
    tags = [call["tag"] for call in calls]
    assert tags == [str(i) for i in range(8)], (
        f"the bodies should come in the order of the urls (tags 0..7), got tags {tags}: "
        "asyncio.gather keeps the order")
    latest_start = max(call["started"] for call in calls)
    earliest_end = min(call["ended"] for call in calls)
    assert latest_start < earliest_end, (
        "the upstream saw a call start only after another had ended: the fetches ran one after "
        "another. Start them all, then await them together with asyncio.gather")


@pytest.mark.gen_test
async def test_step3_fetch_all_of_no_urls_is_an_empty_list(exercise, client):
    assert await exercise.fetch_all(client, []) == []


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
        pytest.fail(f"status_for waited more than 5 s for an upstream that {what}, with "
                    "timeout=0.3: pass request_timeout=timeout to fetch()")
    except NotImplementedError:
        raise
    except Exception as e:
        pytest.fail(f"status_for raised {type(e).__name__}: {e} for an upstream that {what}; "
                    f"it should return {expected}")
    assert status == expected, (
        f"for an upstream that {what}, status_for should return {expected}, got {status!r}")
