"""tornkit: a Django-like layer on Tornado 6.6, rebuilt chapter by chapter from tornadopy's
design (Part II of the workbook). Each module is one chapter's subject:

    conf, global_settings, server, log   chapter 13 (settings配置 · webserver · log)
    urls, application                    chapter 14 (app · urls)
    handler                              chapters 14-15
    middleware (and application, handler) chapter 15 (handler · 中间件)
    httpmodule                           chapter 16 (HTTP处理器)
    template, flash                      chapter 17 (模板引擎 · FlashMessageMixIn)

tornadopy's README names work here: `from tornkit import settings, Url, route, include, run`.
"""
from tornkit.application import Application, current_request
from tornkit.conf import Settings, SettingsError, settings
from tornkit.flash import FlashMessageMixIn
from tornkit.handler import ApiHandler, WebHandler
from tornkit.httpmodule import BaseHttpModule
from tornkit.server import Server, run
from tornkit.urls import Url, UrlError, include, route

__all__ = ["ApiHandler", "Application", "BaseHttpModule", "FlashMessageMixIn", "Server", "Settings", "SettingsError",
           "Url", "UrlError", "WebHandler", "current_request", "include", "route", "run",
           "settings"]
