"""tornkit: a Django-like layer on Tornado 6.6, rebuilt chapter by chapter from tornadopy's
design (Part II of the workbook). Each module is one chapter's subject:

    conf, global_settings, server, log   chapter 13 (settings配置 · webserver · log)
    urls, application                    chapter 14 (app · urls)
    handler                              chapters 14-15

tornadopy's README names work here: `from tornkit import settings, Url, route, include, run`.
"""
from tornkit.conf import Settings, SettingsError, settings
from tornkit.server import Server, run
from tornkit.urls import Url, UrlError, include, route

__all__ = ["Server", "Settings", "SettingsError", "Url", "UrlError", "include", "route", "run",
           "settings"]
