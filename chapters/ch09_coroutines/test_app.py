"""Chapter 09's app: requests that wait on Futures, a long-poll chat that leaks no waiter, and
blocking vs non-blocking sleeps. Concurrency is asserted by order and overlap of timestamps
(time.monotonic(), one clock for the whole process), never by how long something took."""
import asyncio
import concurrent.futures
import json
import threading
import time
from urllib.parse import urlencode

import pytest
import tornado.concurrent
import tornado.httpserver
import tornado.ioloop
import tornado.netutil
import tornado.tcpclient
from tornado import gen
from tornado.concurrent import Future
from tornado.httpclient import AsyncHTTPClient
from tornado.simple_httpclient import HTTPTimeoutError

from chapters.ch09_coroutines import app as chapter
from chapters.ch09_coroutines.app import make_app
from chapters.ch09_coroutines.weather import weather
from workbook.net import free_port, live_server


@pytest.fixture
def settings(request):
    """make_app's settings; a test changes them with @pytest.mark.parametrize(..., indirect)."""
    return getattr(request, "param", {})


@pytest.fixture
def app(settings):
    return make_app(**settings)


@pytest.fixture
def client(io_loop):
    """A client of our own: pytest-tornado's shared one runs at most 10 requests at a time."""
    client = AsyncHTTPClient(force_instance=True, max_clients=500)
    yield client
    client.close()


@pytest.fixture
def port():
    return free_port()


@pytest.fixture
def base(app, port, io_loop):
    """The app served by its own listen(), as `make chapter-09` serves it: with a backlog of
    4096, where pytest-tornado's test server has 128 (200 clients at once would overflow it)."""
    server = app.listen(port, "127.0.0.1")
    yield f"http://127.0.0.1:{port}"
    server.stop()
    io_loop.run_sync(server.close_all_connections, timeout=10)


@pytest.fixture
def fetch(client, base):
    def fetch(path, **kwargs):
        kwargs.setdefault("raise_error", False)
        return client.fetch(base + path, **kwargs)
    return fetch


def post(fetch, path, **fields):
    return fetch(path, method="POST", body=urlencode(fields))


def body(response):
    return json.loads(response.body)


async def until(fetch, path, key, value, what):
    """Poll a stats endpoint until key == value (bounded: it is a wait, not a speed claim)."""
    for _ in range(400):
        seen = body(await fetch(path))[key]
        if seen == value:
            return
        await asyncio.sleep(0.025)
    pytest.fail(f"{what}: {path} still says {key}={seen}, expected {value}")


def max_overlap(intervals):
    """The most intervals (start, end) in progress at one instant."""
    events = sorted([(start, 1) for start, _ in intervals] + [(end, -1) for _, end in intervals])
    running = peak = 0
    for _, step in events:
        running += step
        peak = max(peak, running)
    return peak


# --- 1. 装饰器 + Future: the notes' handler ----------------------------------------------------
@pytest.mark.gen_test
@pytest.mark.parametrize("path, expected", [
    ("/future/notes", b"async"),
    ("/future/notes?via=add_future", b"async"),
    ("/future/now", b"async: hello"),
], ids=["add_done_callback", "IOLoop.add_future", "async-await"])
async def test_a_request_waits_until_another_puts_data_into_its_future(fetch, path, expected):
    waiting = fetch(path)
    await until(fetch, "/future/pending", "pending", 1, "the request should be waiting")
    ping = await fetch("/ping")  # 异步非阻塞: meanwhile the server answers other requests
    assert ping.code == 200 and not waiting.done()

    resolved = await post(fetch, "/future/resolve", data="hello")
    assert body(resolved) == {"resolved": 1}
    response = await waiting
    assert (response.code, response.body) == (200, expected)
    assert body(await fetch("/future/pending")) == {"pending": 0}


@pytest.mark.gen_test
async def test_what_another_client_resolved_with_is_text_not_html(fetch):
    waiting = fetch("/future/now")
    await until(fetch, "/future/pending", "pending", 1, "the request should be waiting")
    await post(fetch, "/future/resolve", data="<script>alert(1)</script>")
    response = await waiting
    assert response.body == b"async: <script>alert(1)</script>"
    assert response.headers["Content-Type"] == "text/plain; charset=UTF-8"  # never run as HTML


@pytest.mark.gen_test
async def test_one_resolve_answers_every_waiting_request(fetch):
    waiting = [fetch(path) for path in ("/future/notes", "/future/now", "/future/now")]
    await until(fetch, "/future/pending", "pending", 3, "three requests should be waiting")
    assert body(await post(fetch, "/future/resolve", data="x")) == {"resolved": 3}
    assert sorted([r.body for r in await asyncio.gather(*waiting)]) == [
        b"async", b"async: x", b"async: x"]


@pytest.mark.gen_test
@pytest.mark.parametrize("path", ["/future/notes", "/future/now"])
async def test_unresolved_future_waits_until_the_client_gives_up_and_leaves_nothing(fetch, path):
    # The notes' handler as written: nothing resolves its Future, so only the client can end it.
    with pytest.raises(HTTPTimeoutError):
        await fetch(path, request_timeout=0.3)
    await until(fetch, "/future/pending", "pending", 0,
                "on_connection_close should drop the Future of a client that left")


@pytest.mark.gen_test
async def test_resolve_with_nobody_waiting_resolves_nothing(fetch):
    assert body(await post(fetch, "/future/resolve")) == {"resolved": 0}


@pytest.mark.gen_test
async def test_an_unknown_via_is_a_400(fetch):
    response = await fetch("/future/notes?via=thread")
    assert response.code == 400
    assert b"via must be add_done_callback or add_future, not 'thread'" in response.body


def test_tornado_future_is_asyncio_future():
    # The notes: "tornado.concurrent.Future ... not thread-safe". Since Tornado 5 it is the very
    # same class as asyncio.Future, with asyncio's rules.
    assert tornado.concurrent.Future is asyncio.Future


@pytest.mark.gen_test
async def test_done_callbacks_run_on_the_loops_next_turn_not_inside_set_result():
    order = []
    future = Future()
    future.add_done_callback(lambda f: order.append("add_done_callback"))
    tornado.ioloop.IOLoop.current().add_future(future, lambda f: order.append("add_future"))
    future.set_result(None)
    assert order == []
    await asyncio.sleep(0)
    assert order == ["add_done_callback", "add_future"]


@pytest.mark.gen_test
async def test_add_future_also_takes_a_thread_pools_future_and_calls_back_on_the_loop():
    loop_thread = threading.get_ident()
    called = asyncio.Event()
    seen = {}

    def doing(future):
        seen.update(result=future.result(), thread=threading.get_ident())
        called.set()

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        work = pool.submit(lambda: (time.sleep(0.05), threading.get_ident())[1])
        tornado.ioloop.IOLoop.current().add_future(work, doing)
        await asyncio.wait_for(called.wait(), 5)
    assert seen["result"] != loop_thread  # the work ran in a pool thread...
    assert seen["thread"] == loop_thread  # ...and doing() ran on the loop's thread


@pytest.mark.gen_test
async def test_from_another_thread_resolve_a_future_through_the_loop(io_loop):
    # Not thread-safe: in debug mode asyncio says so when another thread calls set_result...
    io_loop.asyncio_loop.set_debug(True)
    future = Future()
    future.add_done_callback(lambda f: None)
    with pytest.raises(RuntimeError, match="Non-thread-safe operation"):
        await asyncio.to_thread(future.set_result, "from a thread")
    # ...and IOLoop.add_callback (or loop.call_soon_threadsafe) hands the call to the loop.
    future = Future()
    await asyncio.to_thread(io_loop.add_callback, future.set_result, "via the loop")
    assert await future == "via the loop"


# --- 2. gen.Task is gone -------------------------------------------------------------------------
def test_gen_task_is_gone_and_gen_return_remains():
    assert not hasattr(gen, "Task")
    assert hasattr(gen, "Return") and hasattr(gen, "coroutine")


@pytest.mark.gen_test
@pytest.mark.parametrize("style", ["then", "now"])
async def test_callback_api_wrapped_in_a_future(fetch, style):
    response = await fetch(f"/legacy/weather?city=Beijing&style={style}")
    assert (response.code, response.body.decode()) == (200, "Beijing: sunny, 31°C")
    response = await fetch(f"/legacy/weather?city=Atlantis&style={style}")
    assert response.code == 404 and b"no forecast for 'Atlantis'" in response.body


@pytest.mark.gen_test
@pytest.mark.parametrize("query, message", [
    ("?city=beijing&style=later", b"style must be then or now, not 'later'"),
    ("", b"Missing argument city"),
])
async def test_legacy_weather_refuses_bad_input(fetch, query, message):
    response = await fetch("/legacy/weather" + query)
    assert response.code == 400 and message in response.body


@pytest.mark.gen_test
async def test_a_wrapped_callback_that_comes_after_the_caller_gave_up_is_harmless(io_loop):
    errors = []
    io_loop.asyncio_loop.set_exception_handler(lambda loop, context: errors.append(context))
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(weather("beijing"), 0.001)  # cancels the Future
    await asyncio.sleep(0.1)  # the legacy callback fires now, into a cancelled Future
    assert errors == []  # no InvalidStateError: the callback checked future.done()
    assert await weather("shanghai") == "rain, 26°C"


# --- 3. The long-poll chat -----------------------------------------------------------------------
@pytest.mark.gen_test
async def test_a_waiter_gets_the_next_message_and_the_cursor_moves(fetch):
    waiting = [fetch("/chat/wait?cursor=0") for _ in range(3)]
    await until(fetch, "/chat/stats", "waiters", 3, "three waiters")
    sent = await post(fetch, "/chat/send", text="  hello  ")
    assert body(sent) == {"id": 1, "woken": 3}
    for response in await asyncio.gather(*waiting):
        assert response.code == 200
        assert response.headers["Cache-Control"] == "no-store"
        assert body(response) == {"messages": [{"id": 1, "text": "hello"}], "cursor": 1}
    assert body(await fetch("/chat/stats")) == {"waiters": 0, "newest": 1}


@pytest.mark.gen_test
async def test_a_reader_behind_gets_what_it_missed_at_once(fetch):
    for text in ("one", "two", "three"):
        await post(fetch, "/chat/send", text=text)
    response = await fetch("/chat/wait?cursor=1")
    assert body(response) == {"messages": [{"id": 2, "text": "two"}, {"id": 3, "text": "three"}],
                              "cursor": 3}
    assert body(await fetch("/chat/stats"))["waiters"] == 0


@pytest.mark.gen_test
@pytest.mark.parametrize("settings", [{"history": 3}], indirect=True)
async def test_the_room_keeps_only_the_last_messages(fetch):
    for i in range(1, 6):
        await post(fetch, "/chat/send", text=f"m{i}")
    response = await fetch("/chat/wait?cursor=0")
    assert [m["id"] for m in body(response)["messages"]] == [3, 4, 5]


@pytest.mark.gen_test
@pytest.mark.parametrize("settings", [{"wait_timeout": 0.2}], indirect=True)
async def test_a_waiter_times_out_with_an_empty_list_and_leaves(fetch):
    waiting = [fetch("/chat/wait?cursor=0") for _ in range(5)]
    for response in await asyncio.gather(*waiting):
        assert (response.code, body(response)) == (200, {"messages": [], "cursor": 0})
    assert body(await fetch("/chat/stats"))["waiters"] == 0
    # and a message sent after the timeouts wakes nobody
    assert body(await post(fetch, "/chat/send", text="late")) == {"id": 1, "woken": 0}


@pytest.mark.gen_test
async def test_a_client_that_disconnects_leaves_no_waiter(fetch, port):
    stream = await tornado.tcpclient.TCPClient().connect("127.0.0.1", port)
    await stream.write(b"GET /chat/wait?cursor=0 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    await until(fetch, "/chat/stats", "waiters", 1, "the raw client should be waiting")
    stream.close()
    await until(fetch, "/chat/stats", "waiters", 0, "on_connection_close should cancel the waiter")


@pytest.mark.gen_test(timeout=30)
async def test_many_clients_that_give_up_leave_no_waiter(fetch):
    outcomes = await asyncio.gather(*(fetch("/chat/wait?cursor=0", request_timeout=1)
                                      for _ in range(100)), return_exceptions=True)
    assert all(isinstance(outcome, HTTPTimeoutError) for outcome in outcomes)
    await until(fetch, "/chat/stats", "waiters", 0, "100 clients left: their waiters must go")
    assert body(await post(fetch, "/chat/send", text="anyone?"))["woken"] == 0


@pytest.mark.gen_test(timeout=30)
async def test_one_send_releases_every_waiter(fetch):
    n = 300
    waiting = [fetch("/chat/wait?cursor=0", request_timeout=20) for _ in range(n)]
    await until(fetch, "/chat/stats", "waiters", n, f"{n} waiters")
    assert body(await post(fetch, "/chat/send", text="all of you")) == {"id": 1, "woken": n}
    responses = await asyncio.gather(*waiting)
    assert {r.body for r in responses} == {
        b'{"messages": [{"id": 1, "text": "all of you"}], "cursor": 1}'}
    assert body(await fetch("/chat/stats"))["waiters"] == 0


@pytest.mark.gen_test
@pytest.mark.parametrize("query, message", [
    ("?cursor=abc", b"cursor must be a whole number, not 'abc'"),
    ("?cursor=1.5", b"cursor must be a whole number, not '1.5'"),
    ("?cursor=-1", b"cursor must be between 0 and 0, not '-1'"),
    ("?cursor=7", b"cursor must be between 0 and 0, not '7'"),
], ids=["letters", "fraction", "negative", "ahead"])
async def test_a_bad_cursor_is_a_400(fetch, query, message):
    response = await fetch("/chat/wait" + query)
    assert response.code == 400 and message in response.body
    assert body(await fetch("/chat/stats"))["waiters"] == 0


@pytest.mark.gen_test
@pytest.mark.parametrize("settings", [{"max_message": 10}], indirect=True)
@pytest.mark.parametrize("fields, message", [
    ({"text": "x" * 11}, b"the message has 11 characters; the limit is 10"),
    ({"text": "   "}, b"the message is empty"),
    ({}, b"Missing argument text"),
], ids=["oversize", "blank", "missing"])
async def test_a_bad_message_is_a_400(fetch, fields, message):
    response = await post(fetch, "/chat/send", **fields)
    assert response.code == 400 and message in response.body
    assert body(await fetch("/chat/stats"))["newest"] == 0


@pytest.mark.gen_test
@pytest.mark.parametrize("settings", [{"max_message": 10}], indirect=True)
async def test_a_message_at_the_limit_is_accepted(fetch):
    assert body(await post(fetch, "/chat/send", text="茶" * 10))["id"] == 1


@pytest.mark.gen_test
async def test_chat_page_shows_history_escaped_and_the_cursor(fetch):
    await post(fetch, "/chat/send", text="<b>bold</b> & 茶")
    page = (await fetch("/chat")).body.decode()
    assert 'data-cursor="1"' in page
    assert '<li data-id="1">&lt;b&gt;bold&lt;/b&gt; &amp; 茶</li>' in page
    assert '<script src="/static/chat.js?v=' in page
    assert (await fetch("/static/chat.js")).code == 200


@pytest.mark.gen_test
async def test_index_links_every_part(fetch):
    page = (await fetch("/")).body.decode()
    for link in ("/future/notes", "/future/now", "/legacy/weather?city=beijing", "/chat",
                 "/sleep/blocking?seconds=3", "/sleep/async?seconds=3",
                 "/sleep/executor?seconds=3", "/ping"):
        assert f'href="{link}"' in page, link


# --- 4. Blocking vs non-blocking -----------------------------------------------------------------
async def pings_during_a_sleep(client, base, how, seconds=1.5, margin=0.0):
    """Start /sleep/<how>, send a /ping every 0.1 s for its first second; return the sleep's
    answer and, for each ping sent while the sleep was running (and at least margin seconds
    before it ended), when the server answered it."""
    sleeping = client.fetch(f"{base}/sleep/{how}?seconds={seconds}")
    sent = []
    for _ in range(10):
        await asyncio.sleep(0.1)
        sent.append((time.monotonic(), client.fetch(base + "/ping")))
    slept = body(await sleeping)
    during = [body(await ping)["at"] for at, ping in sent if slept["started"] < at < slept["ended"] - margin]
    assert during, f"no ping was sent while the sleep ran ({slept}): the test could not look"
    return slept, during


@pytest.mark.gen_test(timeout=30)
async def test_a_blocking_sleep_stalls_every_other_request(client):
    # The app runs in a thread of its own: a blocked server, a free client.
    with live_server(make_app()) as base:
        slept, answered = await pings_during_a_sleep(client, base, "blocking")
    assert all(at >= slept["ended"] for at in answered), (
        "every ping sent during time.sleep is answered only after it ended")


@pytest.mark.gen_test(timeout=30)
@pytest.mark.parametrize("how", ["async", "executor"])
async def test_a_non_blocking_sleep_lets_other_requests_through(client, how):
    with live_server(make_app()) as base:
        # A ping sent in the sleep's last moments may be answered just after it on a busy
        # machine: only pings sent half a second or more before the end are held to it.
        slept, answered = await pings_during_a_sleep(client, base, how, margin=0.5)
    assert all(at < slept["ended"] for at in answered), (
        f"every ping sent during the {how} sleep is answered before it ended")


@pytest.mark.gen_test(timeout=30)
async def test_async_sleeps_overlap(fetch):
    n = 20
    answers = [body(r) for r in await asyncio.gather(
        *(fetch("/sleep/async?seconds=0.5") for _ in range(n)))]
    intervals = [(a["started"], a["ended"]) for a in answers]
    # every sleep began before any ended: N sleeps of 0.5 s ran at once, not one after another
    assert max(start for start, _ in intervals) < min(end for _, end in intervals)
    assert max_overlap(intervals) == n


@pytest.mark.gen_test(timeout=30)
async def test_200_concurrent_async_sleeps_all_overlap(fetch):
    answers = await asyncio.gather(*(fetch("/sleep/async?seconds=1", request_timeout=20)
                                     for _ in range(200)))
    assert {r.code for r in answers} == {200}
    intervals = [(body(r)["started"], body(r)["ended"]) for r in answers]
    assert max(start for start, _ in intervals) < min(end for _, end in intervals)


@pytest.mark.gen_test(timeout=30)
async def test_blocking_sleeps_run_one_after_another(client):
    with live_server(make_app()) as base:
        answers = [body(r) for r in await asyncio.gather(
            *(client.fetch(f"{base}/sleep/blocking?seconds=0.2") for _ in range(3)))]
    intervals = sorted((a["started"], a["ended"]) for a in answers)
    assert max_overlap(intervals) == 1
    assert all(intervals[i][1] <= intervals[i + 1][0] for i in range(len(intervals) - 1))


@pytest.mark.gen_test(timeout=30)
@pytest.mark.parametrize("settings", [{"executor_workers": 2}], indirect=True)
async def test_executor_sleeps_run_in_waves_of_the_pool_size(fetch):
    answers = [body(r) for r in await asyncio.gather(
        *(fetch("/sleep/executor?seconds=0.3") for _ in range(4)))]
    # the four requests arrived together...
    assert max(a["received"] for a in answers) < min(a["ended"] for a in answers)
    # ...but only two threads: the sleeps ran two at a time
    assert max_overlap([(a["started"], a["ended"]) for a in answers]) == 2


@pytest.mark.gen_test
@pytest.mark.parametrize("seconds", ["abc", "-1", "5.5", "nan", "inf"])
@pytest.mark.parametrize("how", ["blocking", "async", "executor"])
async def test_sleep_refuses_bad_seconds(fetch, how, seconds):
    response = await fetch(f"/sleep/{how}?seconds={seconds}")
    assert response.code == 400
    assert response.body.startswith(b"400 Bad Request: seconds must be")


@pytest.mark.gen_test
async def test_unknown_paths_are_404(fetch):
    response = await fetch("/sleep/forever")
    assert response.code == 404 and b"no route matches /sleep/forever" in response.body


async def sleep_over_a_raw_connection(port, seconds):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET /sleep/async?seconds={seconds} HTTP/1.1\r\nHost: x\r\n"
                 "Connection: close\r\n\r\n".encode())
    answer = await reader.read()
    writer.close()
    return json.loads(answer.partition(b"\r\n\r\n")[2])


@pytest.mark.gen_test(timeout=30)
@pytest.mark.parametrize("backlog, all_overlap", [
    (128, False), (chapter.BACKLOG, True),
], ids=["tornado's default 128", "the app's 4096"])
async def test_connections_beyond_the_backlog_wait_for_a_retry(app, backlog, all_overlap):
    # 200 clients connect before the server accepts any (as when they arrive in one instant).
    # The kernel completes backlog + 1 connections on its own and drops the others' SYNs; those
    # clients retry a second later, so their 0.5 s sleeps start after the first ones ended.
    sockets = tornado.netutil.bind_sockets(0, "127.0.0.1", backlog=backlog)
    port = sockets[0].getsockname()[1]
    clients = [asyncio.ensure_future(sleep_over_a_raw_connection(port, 0.5)) for _ in range(200)]
    await asyncio.sleep(0.2)
    server = tornado.httpserver.HTTPServer(app)
    server.add_sockets(sockets)
    try:
        answers = await asyncio.gather(*clients)
    finally:
        server.stop()
    overlap = max(a["started"] for a in answers) < min(a["ended"] for a in answers)
    assert overlap is all_overlap


@pytest.mark.gen_test
async def test_closing_the_app_stops_its_waiters(app, fetch):
    waiting = fetch("/chat/wait?cursor=0")
    await until(fetch, "/chat/stats", "waiters", 1, "1 waiter")
    await app.close()  # what serve() does on Ctrl-C
    await asyncio.sleep(0)  # the cancelled Future's done-callback runs on the next turn
    assert app.chat.waiters == 0
    assert app.executor._shutdown
    assert (await waiting).code == 200  # answered empty, not left hanging
