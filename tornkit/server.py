"""webserver: Server parses the command line, loads the settings, the apps' urls and the
Application, and serves it until SIGINT, SIGTERM or SIGHUP.

    from tornkit import run
    run()                                   # the simplest form

    server = Server()
    server.options.define("your_arg", default="default", help="...", type=str)
    server.parse_command()                  # --settings, --port, --address, --logging, ...
    server.load_urls()                      # every INSTALLED_APPS entry's urls.py
    server.load_application(MyApp)          # an Application subclass, or an instance
    server.server_start(backlog=512)        # HTTPServer(...) and the event loop, until stopped

Every Server has its own tornado.options.OptionParser. tornadopy defined its options on the
global `tornado.options.options`, so a second Server in one process (a test) raised
"Option 'port' already defined".
"""
from __future__ import annotations

import asyncio
import importlib
import os
import signal
import sys
from collections.abc import Iterable
from typing import Any

import tornado.httpserver
import tornado.netutil
import tornado.web
from tornado.options import OptionParser

from tornkit import conf as _conf
from tornkit import log
from tornkit.application import Application
from tornkit.conf import Settings
from tornkit.urls import UrlError, check_names

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
BACKLOG = 128  # what tornado.netutil.bind_sockets uses by default


class Server:
    def __init__(self, argv: list[str] | None = None, *, settings: Settings | None = None,
                 default_port: int = 8000) -> None:
        self.argv = argv  # None: sys.argv[1:]
        self.settings = settings  # given, or loaded by parse_command()
        self.urls: list[tornado.web.URLSpec] = []
        self.application: tornado.web.Application | None = None
        self.http_server: tornado.httpserver.HTTPServer | None = None
        self.sockets: list = []
        self.options = OptionParser()
        define = self.options.define
        define("settings", type=str, default=None,
               help=f"the settings module, e.g. settings.setting (else ${_conf.ENVIRONMENT_VARIABLE})")
        define("port", type=int, default=default_port, help="port to listen on")
        define("address", type=str, default="127.0.0.1",
               help="address to listen on (0.0.0.0 puts the server on the network)")
        define("logging", type=str, default=None,
               help="log level for every LOGGING entry (debug, info, warning, error); "
                    "'none' leaves logging alone")
        define("logging_dir", type=str, default=None, help="replaces the LOGGING_DIR setting")
        define("log_port_prefix", type=bool, default=None,
               help="one log file per port (8000_tornado.log): replaces LOG_PORT_PREFIX")
        define("log_to_stderr", type=bool, default=None,
               help="log to stderr too (true/false): replaces each entry's log_to_stderr")
        self._parsed = False
        self._httpserver_kwargs: dict[str, Any] = {}
        self._stop: asyncio.Event | None = None

    # --- parse_command ----------------------------------------------------------------------
    def parse_command(self, argv: list[str] | None = None) -> OptionParser:
        """Parse the command line, load the settings (unless given to Server()), make them the
        process-wide `tornkit.settings`, and configure logging. Define your own options on
        self.options before calling it."""
        if argv is None:
            argv = sys.argv[1:] if self.argv is None else self.argv
        self.options.parse_command_line([sys.argv[0], *argv])
        options = self.options
        if not 0 <= options.port < 65536:  # 0: any free port
            raise SystemExit(f"--port must be between 1 and 65535, not {options.port}")
        if self.settings is None:
            module = options.settings or os.environ.get(_conf.ENVIRONMENT_VARIABLE) or None
            overrides = {}
            if options.logging_dir is not None:
                overrides["LOGGING_DIR"] = options.logging_dir
            if options.log_port_prefix is not None:
                overrides["LOG_PORT_PREFIX"] = options.log_port_prefix
            self.settings = Settings(module, **overrides)
        _conf.settings.configure(self.settings)
        if (options.logging or "").lower() != "none":
            log.configure(self.settings, port=options.port, level=options.logging,
                          to_stderr=options.log_to_stderr)
        self._parsed = True
        return options

    # --- app: every INSTALLED_APPS entry's urls.py --------------------------------------------
    def load_urls(self) -> list[tornado.web.URLSpec]:
        self._require_settings()
        urls: list[tornado.web.URLSpec] = []
        for app in self.settings.INSTALLED_APPS:
            try:
                module = importlib.import_module(f"{app}.urls")
            except ModuleNotFoundError as e:
                if e.name == app or app.startswith(f"{e.name}."):
                    raise UrlError(f"INSTALLED_APPS: app {app!r} not found (is the project "
                                   "folder on sys.path?)") from e
                if e.name == f"{app}.urls":
                    raise UrlError(f"INSTALLED_APPS: app {app!r} has no urls.py; every app "
                                   "needs one, with urls = route(...)") from e
                raise
            try:
                urls.extend(module.urls)
            except AttributeError:
                raise UrlError(f"INSTALLED_APPS: {app}.urls defines no `urls` "
                               "(urls = route(...))") from None
        check_names(urls)  # a name used by two apps
        self.urls = urls
        return urls

    # --- load_application ---------------------------------------------------------------------
    def load_application(self, application: type | tornado.web.Application | None = None,
                         ) -> tornado.web.Application:
        """Build the Application: tornkit's, a subclass of it, or use an instance as it is."""
        self._require_settings()
        if isinstance(application, tornado.web.Application):
            self.application = application
        else:
            cls = application or Application
            if not (isinstance(cls, type) and issubclass(cls, Application)):
                raise TypeError(f"load_application takes a tornkit Application subclass or an "
                                f"Application instance, not {cls!r}")
            self.application = cls(self.urls, conf=self.settings,
                                   **_conf.thaw(self.settings.TORNADO_CONF))
        return self.application

    def load_all(self, application=None, **httpserver_kwargs: Any) -> tornado.web.Application:
        """parse_command() (unless done), load_urls(), load_application(); start() serves."""
        if not self._parsed:
            self.parse_command()
        self.load_urls()
        self._httpserver_kwargs = httpserver_kwargs
        return self.load_application(application)

    # --- serving ------------------------------------------------------------------------------
    def listen(self, sockets=None, **httpserver_kwargs: Any) -> tornado.httpserver.HTTPServer:
        """Start an HTTPServer for the application (in a running event loop): on `sockets`
        if given, else on --address:--port. backlog= goes to the listening socket."""
        if self.application is None:
            raise RuntimeError("load_application() first")
        backlog = httpserver_kwargs.pop("backlog", BACKLOG)
        httpserver_kwargs.setdefault("xheaders", self.settings.XHEADERS)
        server = tornado.httpserver.HTTPServer(self.application, **httpserver_kwargs)
        if sockets is None:
            address, port = self.options.address, self.options.port
            try:
                sockets = tornado.netutil.bind_sockets(port, address, backlog=backlog)
            except OSError as e:
                raise SystemExit(f"cannot listen on {address}:{port}: {e.strerror}. "
                                 "Try another --port.") from None
        server.add_sockets(sockets)
        self.http_server, self.sockets = server, list(sockets)
        return server

    async def serve(self, sockets=None, *, paths: Iterable[str] = (),
                    **httpserver_kwargs: Any) -> None:
        """Listen, say where (and the URL of each of `paths`, pages worth a look), and serve
        until SIGINT/SIGTERM/SIGHUP or stop(); then stop listening, close the connections and
        `await application.close()` if it has one."""
        kwargs = {**self._httpserver_kwargs, **httpserver_kwargs}
        server = self.listen(sockets, **kwargs)
        self._stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in STOP_SIGNALS:
            loop.add_signal_handler(sig, self._stop.set)
        try:
            host, port = self.sockets[0].getsockname()[:2]
            print(f"Serving on http://{host}:{port}/  (Ctrl-C to stop)")
            print(f"  settings: {self.settings.module or '(defaults)'}; "
                  f"apps: {', '.join(self.settings.INSTALLED_APPS) or '(none)'}; "
                  f"debug: {self.settings.DEBUG}")
            for path in paths:
                print(f"  http://{host}:{port}{path}")
            sys.stdout.flush()
            await self._stop.wait()
        finally:
            for sig in STOP_SIGNALS:
                loop.remove_signal_handler(sig)
            server.stop()
            await server.close_all_connections()
            if hasattr(self.application, "close"):
                await self.application.close()
            print("Stopped.")
            sys.stdout.flush()

    def stop(self) -> None:
        """End serve() (what the stop signals do)."""
        if self._stop is not None:
            self._stop.set()

    def start(self) -> None:
        """Serve what load_all() loaded, until stopped: asyncio.run(self.serve())."""
        asyncio.run(self.serve())

    def server_start(self, sockets=None, **httpserver_kwargs: Any) -> None:
        """HTTPServer(application, **httpserver_kwargs) and the event loop, until stopped."""
        asyncio.run(self.serve(sockets, **httpserver_kwargs))

    def _require_settings(self) -> None:
        if self.settings is None:
            raise RuntimeError("parse_command() first: it loads the settings")


def run(application=None, argv: list[str] | None = None, **httpserver_kwargs: Any) -> None:
    """The simplest form: parse the command line, load everything, serve until stopped."""
    server = Server(argv)
    try:
        server.load_all(application, **httpserver_kwargs)
    except (_conf.SettingsError, UrlError) as e:  # a project's configuration: one line, no traceback
        raise SystemExit(f"{type(e).__name__}: {e}") from None
    server.start()
