"""Chapter 09, lesson section 4: the notes' idea grown into a long-poll chat. ChatRoom holds the
messages and the requests waiting for the next one; the handlers serve /chat, /chat/wait,
/chat/send and /chat/stats, and the app keeps one room (Application.chat).

A waiter is a Future in a set. publish() resolves every waiter in one loop and starts a new set:
no waiter polls, so 10,000 waiting requests cost nothing until a message comes, and one message
wakes them all. A waiter leaves the set when it is resolved, when its timer fires (it gets []
after `timeout` seconds), or when it is cancelled (the client disconnected); its timer is
cancelled in each case, so no timer outlives its waiter.
"""
from __future__ import annotations

import asyncio
import functools
from collections import deque
from itertools import islice

import tornado.web

from workbook.web import BaseHandler, number_argument


class ChatRoom:
    def __init__(self, *, history: int = 200) -> None:
        self.newest = 0  # the id of the newest message; ids are 1, 2, 3, ...
        self._history: deque[dict] = deque(maxlen=history)
        self._waiters: set[asyncio.Future] = set()

    @property
    def waiters(self) -> int:
        return len(self._waiters)

    def since(self, cursor: int) -> list[dict]:
        """The messages after id `cursor` that are still kept."""
        if not self._history or cursor >= self.newest:
            return []
        oldest = self._history[0]["id"]
        return list(islice(self._history, max(0, cursor - oldest + 1), None))

    def wait(self, cursor: int, timeout: float) -> asyncio.Future:
        """A Future of the messages after `cursor`: at once if there are some, else when the
        next one is published, or [] after `timeout` seconds. Cancel it to stop waiting."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        newer = self.since(cursor)
        if newer:
            future.set_result(newer)
            return future
        self._waiters.add(future)
        timer = loop.call_later(timeout, self._expire, future)
        future.add_done_callback(functools.partial(self._forget, timer))
        return future

    @staticmethod
    def _expire(future: asyncio.Future) -> None:
        if not future.done():
            future.set_result([])

    def _forget(self, timer: asyncio.TimerHandle, future: asyncio.Future) -> None:
        self._waiters.discard(future)  # resolved, expired or cancelled: no longer waiting
        timer.cancel()

    def publish(self, text: str) -> tuple[dict, int]:
        """Add a message and wake every waiter with it; return it and how many woke."""
        self.newest += 1
        message = {"id": self.newest, "text": text}
        self._history.append(message)
        waiters, self._waiters = self._waiters, set()
        batch = [message]  # one list for everyone: nothing is copied per waiter
        woken = 0
        for future in waiters:
            if not future.done():
                future.set_result(batch)
                woken += 1
        return message, woken

    def close(self) -> None:
        """Stop every waiter (the server is stopping): their handlers answer nothing."""
        for future in list(self._waiters):
            future.cancel()


class PageHandler(BaseHandler):
    def get(self):
        chat = self.application.chat
        self.render("chat.html", messages=chat.since(0), cursor=chat.newest,
                    max_message=self.settings["max_message"])


class WaitHandler(BaseHandler):
    """GET /chat/wait?cursor=N: the messages after N, as soon as there are any."""

    future = None

    async def get(self):
        chat = self.application.chat
        cursor = number_argument(self, "cursor", 0, low=0, high=chat.newest)
        self.set_header("Cache-Control", "no-store")
        self.future = chat.wait(cursor, timeout=self.settings["wait_timeout"])
        try:
            messages = await self.future
        except asyncio.CancelledError:  # on_connection_close cancelled it: nobody to answer
            return
        self.write({"messages": messages, "cursor": messages[-1]["id"] if messages else cursor})

    def on_connection_close(self):
        if self.future is not None:
            self.future.cancel()  # leaves the room's set at once: no leaked waiter


class SendHandler(BaseHandler):
    """POST /chat/send (text=...): publish, and answer how many waiters it woke."""

    def post(self):
        text, limit = self.get_body_argument("text").strip(), self.settings["max_message"]
        if not text:
            raise tornado.web.HTTPError(400, "the message is empty")
        if len(text) > limit:
            raise tornado.web.HTTPError(400, "the message has %d characters; the limit is %d",
                                        len(text), limit)
        message, woken = self.application.chat.publish(text)
        self.write({"id": message["id"], "woken": woken})


class StatsHandler(BaseHandler):
    def get(self):
        chat = self.application.chat
        self.set_header("Cache-Control", "no-store")
        self.write({"waiters": chat.waiters, "newest": chat.newest})
