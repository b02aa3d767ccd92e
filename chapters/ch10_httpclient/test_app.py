"""Chapter 10's app and AsyncHTTPClient itself, against the local upstream (upstream.py) started
in the test's event loop: no internet. Concurrency is asserted with the timestamps the upstream
records (when each call started and ended there), never with how long something took."""
import asyncio
import inspect
import json
import re
import socket
from urllib.parse import quote

import pytest
from tornado import httpclient
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.simple_httpclient import (HTTPStreamClosedError, HTTPTimeoutError,
                                       SimpleAsyncHTTPClient)

from chapters.ch10_httpclient import upstream
from chapters.ch10_httpclient.app import make_app
from workbook.net import free_port


@pytest.fixture
def upstream_app(io_loop):
    """upstream.py on a free port of this test's event loop; .url is its base URL."""
    app, server, url = upstream.start()
    app.url = url
    yield app
    server.stop()
    io_loop.run_sync(server.close_all_connections, timeout=10)


@pytest.fixture
def settings(request):
    """make_app's settings; a test changes them with @pytest.mark.parametrize(..., indirect)."""
    return getattr(request, "param", {})


@pytest.fixture
def app(upstream_app, settings):
    return make_app(**{"upstream_url": upstream_app.url, **settings})


@pytest.fixture
def fetch(http_client, base_url, app):
    def fetch(path, **kwargs):
        kwargs.setdefault("raise_error", False)
        kwargs.setdefault("request_timeout", 30)
        return http_client.fetch(base_url + path, **kwargs)
    return fetch


@pytest.fixture
def dead_url():
    """A port nobody listens on: connecting is refused at once."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture
def unanswered_url():
    """A port that listens but never accepts, with its accept queue already full: the kernel
    drops a new connection's SYN, so connect() waits, and only connect_timeout ends it."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(3):
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.1", port))
        fillers.append(filler)
    yield f"http://127.0.0.1:{port}"
    for s in [*fillers, listener]:
        s.close()


def body(response):
    return json.loads(response.body)


def max_overlap(intervals):
    """The most intervals (start, end) in progress at one instant."""
    events = sorted([(start, 1) for start, _ in intervals] + [(end, -1) for _, end in intervals])
    running = peak = 0
    for _, step in events:
        running += step
        peak = max(peak, running)
    return peak


def intervals(calls):
    return [(call["started"], call["ended"]) for call in calls]


async def until_nothing_hangs(upstream_app):
    for _ in range(200):
        if not upstream_app.hanging:
            return
        await asyncio.sleep(0.025)
    pytest.fail(f"the upstream still holds {len(upstream_app.hanging)} /hang requests: the "
                "client that gave up should have closed its connection")


# --- 1. The notes' handler, then and now ---------------------------------------------------------
@pytest.mark.gen_test
async def test_notes_handler_fetches_the_upstream_then_answers_6666(fetch, upstream_app):
    response = await fetch("/notes")
    assert (response.code, response.body) == (200, b"6666")
    assert upstream_app.calls == 1  # it did call the upstream before answering


@pytest.mark.gen_test
async def test_now_handler_says_what_the_upstream_answered(fetch, http_client, upstream_app):
    home = await http_client.fetch(upstream_app.url + "/")
    response = await fetch("/now")
    assert response.code == 200
    assert response.body.decode() == f"6666 (the upstream answered 200 OK, {len(home.body)} bytes)"


@pytest.mark.gen_test
async def test_an_upstream_that_is_down_is_a_500_in_the_notes_and_a_502_now(
        http_client, serve, dead_url):
    base = serve(make_app(upstream_url=dead_url))
    notes = await http_client.fetch(base + "/notes", raise_error=False)
    assert notes.code == 500  # the notes' handler lets the ConnectionRefusedError escape
    now = await http_client.fetch(base + "/now", raise_error=False)
    assert now.code == 502
    assert now.body == (b"502 Bad Gateway: cannot talk to the upstream about /: "
                        b"Connection refused\n")


@pytest.mark.gen_test
async def test_without_an_upstream_url_the_app_starts_its_own(http_client, serve):
    app = make_app()
    base = serve(app)  # serve() awaits app.close() afterwards
    response = await http_client.fetch(base + "/now")
    own_app, own_server, own_url = app.site.own
    assert response.body.startswith(b"6666 (the upstream answered 200 OK")
    assert app.upstream == own_url and own_url.startswith("http://127.0.0.1:")
    assert own_app.calls == 1


@pytest.mark.gen_test
async def test_closing_the_app_closes_its_client_and_stops_its_own_upstream(http_client):
    app = make_app()
    url = app.upstream  # starts the upstream
    client = app.http
    await app.close()  # what serve() does on Ctrl-C
    assert app.site.own is None and client._closed
    with pytest.raises(ConnectionRefusedError):
        await http_client.fetch(url + "/")


# --- AsyncHTTPClient: one per IOLoop, configure(), max_clients -----------------------------------
@pytest.mark.gen_test
async def test_async_http_client_is_one_shared_instance_per_ioloop():
    shared = AsyncHTTPClient()
    assert AsyncHTTPClient() is shared
    own = AsyncHTTPClient(force_instance=True)
    assert own is not shared
    own.close()

    async def in_another_loop():
        return AsyncHTTPClient()

    other = await asyncio.to_thread(asyncio.run, in_another_loop())
    assert other is not shared
    assert isinstance(shared, SimpleAsyncHTTPClient)  # the default implementation


@pytest.mark.gen_test
async def test_configure_applies_to_clients_made_after_it_only():
    existing = AsyncHTTPClient()  # this loop's shared client, made with the defaults
    AsyncHTTPClient.configure(None, max_clients=3)
    try:
        assert AsyncHTTPClient() is existing and existing.max_clients == 10
        fresh = AsyncHTTPClient(force_instance=True)
        assert fresh.max_clients == 3
        fresh.close()

        async def shared_of_a_new_loop():
            return AsyncHTTPClient().max_clients

        assert await asyncio.to_thread(asyncio.run, shared_of_a_new_loop()) == 3
    finally:
        AsyncHTTPClient.configure(None)  # back to the defaults for every other test
    assert AsyncHTTPClient.configured_class() is SimpleAsyncHTTPClient


@pytest.mark.gen_test(timeout=20)
@pytest.mark.parametrize("how", ["force_instance", "configure"])
async def test_max_clients_10_runs_20_slow_requests_in_two_waves(upstream_app, how):
    if how == "configure":
        AsyncHTTPClient.configure(None, max_clients=10)
        capped = AsyncHTTPClient(force_instance=True)  # picks up the configured max_clients
        AsyncHTTPClient.configure(None)
    else:
        capped = AsyncHTTPClient(force_instance=True, max_clients=10)
    try:
        responses = await asyncio.gather(*(
            capped.fetch(f"{upstream_app.url}/slow?delay=0.3&tag={i}") for i in range(20)))
    finally:
        capped.close()
    calls = intervals(body(r) for r in responses)
    assert max_overlap(calls) == 10  # never more than 10 at the upstream at once
    starts = sorted(start for start, _ in calls)
    first_end = min(end for _, end in calls)
    assert starts[9] < first_end <= starts[10]  # ten at once; the 11th waited for a free slot


@pytest.mark.gen_test(timeout=20)
async def test_max_clients_20_runs_20_slow_requests_at_once(upstream_app):
    client = AsyncHTTPClient(force_instance=True, max_clients=20)
    try:
        responses = await asyncio.gather(*(
            client.fetch(f"{upstream_app.url}/slow?delay=0.3") for _ in range(20)))
    finally:
        client.close()
    assert max_overlap(intervals(body(r) for r in responses)) == 20


# --- 2. fetch() and its options ------------------------------------------------------------------
@pytest.mark.gen_test
async def test_raise_error_true_raises_http_client_error_with_the_response(http_client, upstream_app):
    with pytest.raises(HTTPClientError) as caught:
        await http_client.fetch(upstream_app.url + "/fail?code=503")
    assert caught.value.code == 503
    assert caught.value.response.body == b"the upstream answers 503 on purpose\n"


@pytest.mark.gen_test
async def test_raise_error_false_returns_the_response_whatever_its_code(http_client, upstream_app):
    response = await http_client.fetch(upstream_app.url + "/fail?code=404", raise_error=False)
    assert response.code == 404
    assert isinstance(response.error, HTTPClientError)  # there, but not raised...
    with pytest.raises(HTTPClientError):
        response.rethrow()  # ...until you ask


@pytest.mark.gen_test
async def test_raise_error_false_still_raises_when_there_is_no_response(
        http_client, upstream_app, dead_url):
    # raise_error only concerns status codes: without any HTTP answer there is nothing to return.
    with pytest.raises(ConnectionRefusedError):
        await http_client.fetch(dead_url + "/", raise_error=False)
    with pytest.raises(ConnectionResetError):
        await http_client.fetch(upstream_app.url + "/reset", raise_error=False)
    with pytest.raises(HTTPStreamClosedError):
        await http_client.fetch(upstream_app.url + "/close", raise_error=False)
    with pytest.raises(HTTPTimeoutError):
        await http_client.fetch(upstream_app.url + "/hang", raise_error=False, request_timeout=0.2)


@pytest.mark.gen_test
async def test_request_timeout_raises_http_timeout_error_599(http_client, upstream_app):
    with pytest.raises(HTTPClientError) as caught:
        await http_client.fetch(upstream_app.url + "/hang", request_timeout=0.2)
    error = caught.value
    assert type(error) is HTTPTimeoutError and error.code == 599
    assert error.message == "Timeout during request"
    assert not isinstance(error, TimeoutError)  # Tornado's own class, not the built-in one
    await until_nothing_hangs(upstream_app)  # the client closed the connection when it gave up


@pytest.mark.gen_test
async def test_connect_timeout_raises_http_timeout_error_599(http_client, unanswered_url):
    with pytest.raises(HTTPTimeoutError) as caught:
        await http_client.fetch(unanswered_url + "/", connect_timeout=0.2, request_timeout=10)
    assert caught.value.code == 599
    assert caught.value.message.startswith("Timeout while connecting")


@pytest.mark.gen_test
async def test_time_in_the_max_clients_queue_counts_against_request_timeout(upstream_app):
    one_at_a_time = AsyncHTTPClient(force_instance=True, max_clients=1)
    try:
        busy = one_at_a_time.fetch(upstream_app.url + "/hang", request_timeout=1)
        with pytest.raises(HTTPTimeoutError, match="Timeout in request queue"):
            await one_at_a_time.fetch(upstream_app.url + "/", request_timeout=0.2)
        with pytest.raises(HTTPTimeoutError, match="Timeout during request"):
            await busy
    finally:
        one_at_a_time.close()
    await until_nothing_hangs(upstream_app)


def test_fetch_has_no_callback_argument_any_more_and_http_error_is_an_alias():
    # The notes' fetch(request, callback=None, raise_error=True, **kwargs): Tornado 6 removed
    # callback=; fetch() returns a Future to await. HTTPError is the old name of HTTPClientError.
    assert "callback" not in inspect.signature(AsyncHTTPClient.fetch).parameters
    with pytest.raises(TypeError, match="callback"):
        HTTPRequest("http://127.0.0.1/", callback=print)
    assert httpclient.HTTPError is HTTPClientError


@pytest.mark.gen_test
async def test_simple_client_refuses_a_proxy_and_takes_a_source_address(http_client, upstream_app):
    with pytest.raises(NotImplementedError, match="proxy_host not supported"):
        await http_client.fetch(upstream_app.url + "/", proxy_host="127.0.0.1", proxy_port=3128)
    # the whole of 127.0.0.0/8 is loopback on Linux: connect from 127.0.0.2
    response = await http_client.fetch(upstream_app.url + "/echo", network_interface="127.0.0.2")
    assert body(response)["remote_ip"] == "127.0.0.2"


@pytest.mark.gen_test
async def test_a_url_with_keywords_and_an_http_request_are_the_same_request(http_client, upstream_app):
    kwargs = dict(method="POST", body=json.dumps({"a": 1}),
                  headers={"Content-Type": "application/json", "X-Trace": "t-1"})
    by_url = body(await http_client.fetch(upstream_app.url + "/echo?x=1", **kwargs))
    by_request = body(await http_client.fetch(HTTPRequest(upstream_app.url + "/echo?x=1", **kwargs)))
    for echoed in (by_url, by_request):
        assert echoed["method"] == "POST" and echoed["query"] == {"x": ["1"]}
        assert echoed["json"] == {"a": 1} and echoed["headers"]["X-Trace"] == "t-1"


@pytest.mark.gen_test
async def test_a_post_needs_a_body_and_a_get_must_not_have_one(http_client, upstream_app):
    with pytest.raises(ValueError, match="Body must not be None for method POST"):
        await http_client.fetch(upstream_app.url + "/echo", method="POST")
    with pytest.raises(ValueError, match="Body must be None for method GET"):
        await http_client.fetch(upstream_app.url + "/echo", body="x")


@pytest.mark.gen_test
@pytest.mark.parametrize("query, code, answer", [
    ("?code=404&raise_error=false", 200, {"upstream_code": 404, "upstream_reason": "Not Found",
                                         "upstream_body": "the upstream answers 404 on purpose\n"}),
    ("?code=200", 200, {"upstream_code": 200, "upstream_reason": "OK",
                        "upstream_body": "the upstream answers 200 on purpose\n"}),
], ids=["404 returned", "200"])
async def test_status_page_with_a_response(fetch, query, code, answer):
    response = await fetch("/status" + query)
    assert (response.code, body(response)) == (code, answer)


@pytest.mark.gen_test
async def test_status_page_with_raise_error_turns_the_upstreams_404_into_a_502(fetch):
    response = await fetch("/status?code=404")
    assert response.code == 502
    assert response.body == (
        b"502 Bad Gateway: the upstream answered /fail?code=404 with 404 Not Found\n")


@pytest.mark.gen_test
async def test_post_json_sends_headers_and_a_json_body(fetch):
    response = await fetch("/post-json?name=" + quote("茶 & <tea>"))
    sent = {"name": "茶 & <tea>", "tags": ["tornado", "httpclient"]}
    assert body(response) == {
        "sent": sent,
        "upstream_saw": {"method": "POST", "content_type": "application/json; charset=UTF-8",
                         "user_agent": "tornado-workbook/ch10", "x_workbook_chapter": "10",
                         "json": sent},
    }


# --- 3. Failures become answers: 502 and 504, never a stuck handler ------------------------------
@pytest.mark.gen_test
@pytest.mark.parametrize("path, code, message", [
    ("/gateway/slow?delay=0.1&timeout=2", 200, None),
    ("/gateway/slow?delay=2&timeout=0.2", 504,
     b"504 Gateway Timeout: the upstream did not answer /slow?delay=2.0 in time "
     b"(Timeout during request)\n"),
    ("/gateway/hang?timeout=0.2", 504,
     b"504 Gateway Timeout: the upstream did not answer /hang in time (Timeout during request)\n"),
    ("/gateway/fail?code=503", 502,
     b"502 Bad Gateway: the upstream answered /fail?code=503 with 503 Service Unavailable\n"),
    ("/gateway/reset", 502,
     b"502 Bad Gateway: cannot talk to the upstream about /reset: Connection reset by peer\n"),
    ("/gateway/close", 502,
     b"502 Bad Gateway: the upstream closed the connection without answering /close\n"),
], ids=["in time", "too slow", "hangs", "fails", "resets", "closes"])
async def test_gateway_answers_every_upstream_behaviour(fetch, upstream_app, path, code, message):
    response = await fetch(path)
    assert response.code == code
    if message is None:
        assert body(response)["delay"] == 0.1
    else:
        assert response.body == message
    await until_nothing_hangs(upstream_app)


@pytest.mark.gen_test
async def test_an_upstream_that_never_accepts_is_a_504(http_client, serve, unanswered_url):
    base = serve(make_app(upstream_url=unanswered_url, connect_timeout=0.2))
    response = await http_client.fetch(base + "/now", raise_error=False)
    assert response.code == 504
    assert b"the upstream did not answer / in time (Timeout while connecting" in response.body


@pytest.mark.gen_test(timeout=20)
async def test_requests_keep_being_answered_while_calls_hang(fetch, upstream_app):
    hanging = [fetch("/gateway/hang?timeout=3") for _ in range(5)]
    for _ in range(200):
        if len(upstream_app.hanging) == 5:
            break
        await asyncio.sleep(0.025)
    assert len(upstream_app.hanging) == 5
    quick = await fetch("/gateway/slow?delay=0")
    assert quick.code == 200 and not any(f.done() for f in hanging)
    assert {r.code for r in await asyncio.gather(*hanging)} == {504}
    await until_nothing_hangs(upstream_app)


# --- 4. Many calls at once, or one after another -------------------------------------------------
@pytest.mark.gen_test(timeout=20)
@pytest.mark.parametrize("via", ["gather", "multi"])
async def test_fanout_makes_its_calls_at_the_same_time(fetch, via):
    answer = body(await fetch(f"/fanout?n=10&delay=0.3&via={via}"))
    assert (answer["n"], answer["via"]) == (10, via)
    assert [call["tag"] for call in answer["calls"]] == [str(i) for i in range(10)]  # in order
    calls = intervals(answer["calls"])
    # every call started at the upstream before any ended
    assert max(start for start, _ in calls) < min(end for _, end in calls)


@pytest.mark.gen_test(timeout=20)
async def test_sequence_makes_each_call_after_the_previous_ended(fetch):
    answer = body(await fetch("/sequence?n=5&delay=0.1"))
    assert [call["tag"] for call in answer["calls"]] == ["0", "1", "2", "3", "4"]
    calls = intervals(answer["calls"])
    assert all(calls[i][1] <= calls[i + 1][0] for i in range(4))
    assert max_overlap(calls) == 1


@pytest.mark.gen_test(timeout=20)
async def test_the_apps_client_does_not_cap_a_fanout_of_50(fetch):
    answer = body(await fetch("/fanout?n=50&delay=0.5"))
    assert max_overlap(intervals(answer["calls"])) == 50


@pytest.mark.gen_test(timeout=20)
@pytest.mark.parametrize("settings", [{"max_clients": 10}], indirect=True)
async def test_an_app_with_max_clients_10_fans_out_in_waves(fetch):
    answer = body(await fetch("/fanout?n=20&delay=0.3"))
    assert max_overlap(intervals(answer["calls"])) == 10


@pytest.mark.gen_test
async def test_a_fanout_with_a_failing_call_is_a_502(http_client, serve, upstream_app):
    # An upstream URL with a wrong path: every /slow call is a 404, and one is enough to fail
    # the whole gather.
    base = serve(make_app(upstream_url=upstream_app.url + "/nowhere"))
    response = await http_client.fetch(base + "/fanout?n=3&delay=0", raise_error=False)
    assert response.code == 502
    assert re.fullmatch(rb"502 Bad Gateway: the upstream answered /slow\?delay=0\.0&tag=[012] "
                        rb"with 404 Not Found\n", response.body), response.body


@pytest.mark.gen_test
async def test_client_page_shows_the_simple_client_and_its_limits(fetch, upstream_app):
    assert body(await fetch("/client")) == {
        "class": "SimpleAsyncHTTPClient", "max_clients": 100, "connect_timeout": 2.0,
        "request_timeout": 10.0, "upstream": upstream_app.url}


@pytest.mark.gen_test
@pytest.mark.parametrize("path, message", [
    ("/fanout?n=0", b"n must be between 1 and 50, not '0'"),
    ("/fanout?n=51", b"n must be between 1 and 50, not '51'"),
    ("/sequence?n=ten", b"n must be a whole number, not 'ten'"),
    ("/fanout?delay=-1", b"delay must be between 0 and 5, not '-1'"),
    ("/sequence?delay=nan", b"delay must be between 0 and 5, not 'nan'"),
    ("/fanout?via=threads", b"via must be gather or multi, not 'threads'"),
    ("/gateway/slow?timeout=0", b"timeout must be between 0.1 and 10, not '0'"),
    ("/gateway/fail?code=abc", b"code must be a whole number, not 'abc'"),
    ("/status?code=99", b"code must be between 200 and 599, not '99'"),
    ("/status?raise_error=maybe", b"raise_error must be true or false, not 'maybe'"),
])
async def test_bad_parameters_are_400s(fetch, upstream_app, path, message):
    response = await fetch(path)
    assert response.code == 400 and message in response.body
    assert upstream_app.calls == 0  # refused before any upstream call


@pytest.mark.gen_test
async def test_index_links_every_page(fetch, upstream_app):
    page = (await fetch("/")).body.decode()
    assert f"<code>{upstream_app.url}</code>" in page
    for link in ("/notes", "/now", "/status?code=404&amp;raise_error=false", "/post-json?name=topaz",
                 "/gateway/hang?timeout=1", "/gateway/reset", "/fanout?n=10&amp;delay=0.5",
                 "/sequence?n=10&amp;delay=0.5", "/client"):
        assert f'href="{link}"' in page, link


# --- The upstream itself -------------------------------------------------------------------------
@pytest.mark.gen_test
@pytest.mark.parametrize("path, message", [
    ("/slow?delay=11", b"delay must be between 0 and 10, not '11'"),
    ("/fail?code=302", b"code must be 200 or 400 to 599, not 302"),
    ("/nowhere", b"no route matches /nowhere"),
])
async def test_upstream_refuses_bad_input(http_client, upstream_app, path, message):
    response = await http_client.fetch(upstream_app.url + path, raise_error=False)
    assert response.code in (400, 404) and message in response.body
