"""Chapter 09, lesson section 3 (Then -> now): gen.Task is gone; a callback API wrapped in a
Future by hand, and awaited from both coroutine styles (GET /legacy/weather?city=beijing, and
&style=then for @gen.coroutine with raise gen.Return)."""
import asyncio

import tornado.ioloop
import tornado.web
from tornado import gen

from workbook.web import BaseHandler

FORECASTS = {"beijing": "sunny, 31°C", "shanghai": "rain, 26°C", "guangzhou": "storms, 29°C"}


def legacy_weather(city, callback):
    """A library from the callback days: no Future; it calls callback(result) later."""
    tornado.ioloop.IOLoop.current().call_later(0.05, callback, FORECASTS.get(city.lower()))


def weather(city) -> asyncio.Future:
    """What `yield gen.Task(legacy_weather, city)` did, written out: make a Future, let the
    callback resolve it, return it. Anything can then await it."""
    future = asyncio.get_running_loop().create_future()

    def callback(result):
        if not future.done():  # the caller may have stopped waiting (cancelled) meanwhile
            future.set_result(result)

    legacy_weather(city, callback)
    return future


@gen.coroutine
def forecast_line_then(city):
    """Tornado 4 style, still accepted by Tornado 6: yield, and raise gen.Return(value)."""
    forecast = yield weather(city)
    if forecast is None:
        raise tornado.web.HTTPError(404, "no forecast for %r", city)
    raise gen.Return(f"{city}: {forecast}")


async def forecast_line(city):
    """Today: await, and return value."""
    forecast = await weather(city)
    if forecast is None:
        raise tornado.web.HTTPError(404, "no forecast for %r", city)
    return f"{city}: {forecast}"


class LegacyWeatherHandler(BaseHandler):
    async def get(self):
        city = self.get_query_argument("city")
        style = self.get_query_argument("style", "now")
        if style not in ("then", "now"):
            raise tornado.web.HTTPError(400, "style must be then or now, not %r", style)
        line = await (forecast_line_then(city) if style == "then" else forecast_line(city))
        self.set_header("Content-Type", "text/plain; charset=UTF-8")
        self.write(line)
