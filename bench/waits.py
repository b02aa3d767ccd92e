"""Chapter 09's /sleep endpoints: many requests that each wait 1 s, three ways."""
from __future__ import annotations

import asyncio
import math
import os

from bench.common import Row, server, timed_gets

N = 200


def rows() -> list[Row]:
    with server("chapters.ch09_coroutines.app", path="/ping") as app:
        waits = asyncio.run(timed_gets(app.port, "/sleep/async?seconds=1", N))
        # time.sleep holds the whole server: 5 requests of 0.2 s are enough to see the cost
        blocking = asyncio.run(timed_gets(app.port, "/sleep/blocking?seconds=0.2", 5))
        executor = asyncio.run(timed_gets(app.port, "/sleep/executor?seconds=0.25", N))
    per_blocking = blocking / 5 / 0.2  # seconds per second of sleep, serialised
    workers = min(32, (os.cpu_count() or 1) + 4)  # the app's pool, as chapter 09 sizes it
    return [
        Row(f"{N} concurrent requests awaiting asyncio.sleep(1)", f"{waits:.2f} s",
            "≤ 1.2 s (ideal 1 s)", waits <= 1.2, f"{waits / 1:.2f}× the ideal"),
        Row("the same with time.sleep(1) in the handler (measured 5 × 0.2 s)",
            f"{blocking:.2f} s for 5 × 0.2 s", "",
            None, f"serialised: {N} × 1 s would take ≈ {N * per_blocking:.0f} s"),
        Row(f"{N} requests, time.sleep(0.25) in run_in_executor", f"{executor:.2f} s", "", None,
            f"{workers} pool threads: ≈ ⌈{N}/{workers}⌉ × 0.25 = "
            f"{math.ceil(N / workers) * 0.25:.2f} s"),
    ]
