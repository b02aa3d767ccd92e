"""Chapter 10: one request that makes 20 upstream calls of 0.5 s, concurrently and in sequence."""
from __future__ import annotations

import asyncio

from bench.common import Row, server, timed_gets

CALLS, DELAY = 20, 0.5


def rows() -> list[Row]:
    with server("chapters.ch10_httpclient.app", path="/") as app:
        query = f"n={CALLS}&delay={DELAY}"
        fanout = asyncio.run(timed_gets(app.port, f"/fanout?{query}", 1))
        sequence = asyncio.run(timed_gets(app.port, f"/sequence?{query}", 1))
    speedup = sequence / fanout
    return [
        Row(f"AsyncHTTPClient: {CALLS} upstream calls of {DELAY} s, asyncio.gather",
            f"{fanout:.2f} s", "", None, f"ideal {DELAY} s"),
        Row(f"the same {CALLS} calls one after another", f"{sequence:.2f} s",
            "fan-out ≥ 14× faster", speedup >= 14, f"fan-out is {speedup:.1f}× faster"),
    ]
