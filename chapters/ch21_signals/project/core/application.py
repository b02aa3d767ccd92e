"""SiteApplication: tornkit's Application, plus what the site keeps for its whole life."""
from __future__ import annotations

from collections import Counter

from tornkit import signals
from tornkit.application import Application
from workbook.secrets import cookie_secret


class RequestStats:
    """A receiver of call_finished (SignalMiddleware sends it from process_endcall): responses
    of this site counted by status class, for /about. The signal is process-wide, so it keeps
    its own application's requests only; connected weakly, it goes when the site goes."""

    def __init__(self, application: Application) -> None:
        self.application = application
        self.by_class: Counter[str] = Counter()
        signals.call_finished.connect(self.on_call_finished)

    def close(self) -> None:
        signals.call_finished.disconnect(self.on_call_finished)

    def on_call_finished(self, sender: type, *, handler) -> None:
        if handler.application is self.application:
            self.by_class[f"{handler.get_status() // 100}xx"] += 1


class SiteApplication(Application):
    def __init__(self, handlers=None, *args, **settings) -> None:
        conf = settings["conf"]
        settings.setdefault("cookie_secret", cookie_secret(conf.DATA_DIR))
        super().__init__(handlers, *args, **settings)
        self.stats = RequestStats(self)

    async def close(self) -> None:
        self.stats.close()
        await super().close()  # caches, databases, the password hashes' thread pool
