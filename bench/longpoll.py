"""Chapter 09's long poll at scale: N requests held on Futures in one process, all released by
one message. The notes' claim: every active FriendFeed user keeps a connection open."""
from __future__ import annotations

import asyncio
import json
import resource
import time
import urllib.request

import psutil

from bench.common import Row, close, connect, response, send, server

SIZES = (1_000, 5_000, 10_000)
# Tornado's docs: it "can scale to tens of thousands of open connections". The last row holds
# 50,000 in one process, or as many as the open-file limit lets one process hold.
TENS_OF_THOUSANDS = 50_000
FD_MARGIN = 1_000  # the server's and the client's other files: modules, pipes, the listener


def stats(url: str) -> dict:
    with urllib.request.urlopen(url + "/chat/stats") as r:
        return json.loads(r.read())


async def hold_and_release(app, n: int) -> tuple[float, float]:
    """(seconds from the POST to the last waiter's answer, server bytes per held request)."""
    rss_before = psutil.Process(app.pid).memory_info().rss
    cursor = stats(app.url)["newest"]
    waiters = await connect(app.port, n)
    for connection in waiters:
        send(connection, "GET", f"/chat/wait?cursor={cursor}")
    deadline = time.monotonic() + 120
    while (held := stats(app.url)["waiters"]) < n:
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {held} of {n} requests are waiting after 120 s")
        await asyncio.sleep(0.05)
    per_request = (psutil.Process(app.pid).memory_info().rss - rss_before) / n

    [sender] = await connect(app.port, 1)
    started = time.perf_counter()
    send(sender, "POST", "/chat/send", b"text=hello")
    answers = await asyncio.gather(*[response(c) for c in waiters])
    released = time.perf_counter() - started
    status, body = await response(sender)
    close(waiters + [sender])
    woken = json.loads(body)["woken"]
    if status != 200 or woken != n or any(s != 200 or b"hello" not in b for s, b in answers):
        raise RuntimeError(f"the message woke {woken} of {n} waiters")
    return released, per_request


def rows() -> list[Row]:
    out = []
    limit = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    largest = min(TENS_OF_THOUSANDS, (limit - FD_MARGIN) // 1_000 * 1_000)
    for n in (*SIZES, largest):
        # A fresh server per size: memory per request is not muddied by the previous round.
        with server("chapters.ch09_coroutines.app", path="/chat/stats") as app:
            released, per_request = asyncio.run(hold_and_release(app, n))
        target = "≤ 2 s" if n == 5_000 else ""
        note = f"{per_request / 1024:.1f} KiB of server memory per held request"
        if n == largest < TENS_OF_THOUSANDS:
            note += (f"; {TENS_OF_THOUSANDS:,} need an open-file limit over "
                     f"{TENS_OF_THOUSANDS + FD_MARGIN:,}, and this machine's hard limit is "
                     f"{limit:,}")
        out.append(Row(f"long poll: {n:,} requests held on Futures, one message releases all",
                       f"{released:.2f} s to release all", target,
                       released <= 2 if target else None, note))
    return out
