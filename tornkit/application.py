"""tornkit's Application: a tornado.web.Application that carries its tornkit settings.

    app = Application(urls, conf=Settings("settings.setting"))
    app.conf.INSTALLED_APPS

Each Application keeps the Settings it was built with as `self.conf` (the process-wide
`tornkit.settings` when none is given), so two applications with two Settings in one process
stay independent. Tornado's own settings stay where Tornado keeps them, in `self.settings`.
"""
from __future__ import annotations

import functools
from typing import Any

import tornado.web

from tornkit.cache import CacheHandler
from tornkit.conf import LazySettings, Settings, settings


class Application(tornado.web.Application):
    def __init__(self, handlers=None, default_host=None, transforms=None, *,
                 conf: Settings | LazySettings | None = None, **tornado_settings: Any) -> None:
        self.conf = conf if conf is not None else settings
        tornado_settings.setdefault("debug", self.conf.DEBUG)
        super().__init__(handlers, default_host, transforms, **tornado_settings)

    @functools.cached_property
    def caches(self) -> CacheHandler:
        """This Application's caches (chapter 18): conf.CACHES, each made on first use."""
        return CacheHandler(self.conf.CACHES,
                            data_dir=self.settings.get("data_dir") or self.conf.DATA_DIR)

    async def close(self) -> None:
        """Release what the Application holds: its caches' connections."""
        if "caches" in self.__dict__:
            await self.caches.close()
