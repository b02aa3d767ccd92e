"""Chapter 10, lesson section 8: many calls at once, or one after another.

  /fanout?n=N&delay=S            N calls to the upstream's /slow?delay=S, all started at once
  /fanout?n=N&delay=S&via=multi  the same with Tornado's gen.multi (the notes' era: yield [a, b])
  /sequence?n=N&delay=S          the same N calls, each awaited before the next starts
"""
import asyncio
import json

import tornado.web
from tornado import gen

from workbook.web import number_argument

from .gateway import MAX_DELAY, GatewayHandler

MAX_CALLS = 50  # /fanout and /sequence make 1 to 50 upstream calls


class FanoutHandler(GatewayHandler):
    """/fanout?n=N&delay=S[&via=gather|multi]: N upstream calls at the same time;
    /sequence?n=N&delay=S: the same N calls, each awaited before the next starts."""

    async def get(self, how):
        n = number_argument(self, "n", 10, low=1, high=MAX_CALLS)
        delay = number_argument(self, "delay", 0.5, low=0, high=MAX_DELAY, kind=float)
        via = self.get_query_argument("via", "gather")
        if via not in ("gather", "multi"):
            raise tornado.web.HTTPError(400, "via must be gather or multi, not %r", via)
        started = asyncio.get_running_loop().time()
        paths = [f"/slow?delay={delay}&tag={i}" for i in range(n)]
        if how == "sequence":
            responses = [await self.call(path) for path in paths]  # one after another
        elif via == "gather":
            responses = await asyncio.gather(*(self.call(p) for p in paths))  # asyncio's way
        else:  # Tornado's way (the notes' era wrote: yield [a, b])
            responses = await gen.multi([self.call(p) for p in paths])
        answer = {"n": n, "delay": delay, "calls": [json.loads(r.body) for r in responses],
                  "elapsed": asyncio.get_running_loop().time() - started}
        self.write(answer if how == "sequence" else {"via": via, **answer})
