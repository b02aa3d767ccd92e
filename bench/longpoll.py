"""Chapter 09's long poll at scale: N requests held on Futures in one process, all released by
one message. The notes' claim: every active FriendFeed user keeps a connection open."""
from __future__ import annotations

import asyncio
import json
import time
import urllib.request

import psutil

from bench.common import Row, close, connect, response, send, server

SIZES = (1_000, 5_000, 10_000)


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
    deadline = time.monotonic() + 60
    while (held := stats(app.url)["waiters"]) < n:
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {held} of {n} requests are waiting after 60 s")
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
    for n in SIZES:
        # A fresh server per size: memory per request is not muddied by the previous round.
        with server("chapters.ch09_coroutines.app", path="/chat/stats") as app:
            released, per_request = asyncio.run(hold_and_release(app, n))
        target = "≤ 2 s" if n == 5_000 else ""
        out.append(Row(f"long poll: {n:,} requests held on Futures, one message releases all",
                       f"{released:.2f} s to release all", target,
                       released <= 2 if target else None,
                       f"{per_request / 1024:.1f} KiB of server memory per held request"))
    return out
