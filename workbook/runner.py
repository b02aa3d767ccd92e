"""What every chapter's main() shares: reading --port and serving until Ctrl-C.

    async def main(argv=None):
        await serve(make_app(), parse_port(argv, default=8801))

parse_port() also makes sure the port is free (check_port), so that a chapter that starts
private servers before serving finds a busy port before it starts any.

    if __name__ == "__main__":
        asyncio.run(main())
"""
from __future__ import annotations

import asyncio
import contextlib
import errno
import signal
import socket
import sys
from collections.abc import Iterable

import tornado.web
from tornado.options import Error as OptionError
from tornado.options import OptionParser

# The signals that stop an app: Ctrl-C, `kill`, and the terminal closing.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def parse_port(argv: list[str] | None = None, *, default: int, address: str = "127.0.0.1",
               check: bool = True) -> int:
    """--port=NNNN from the command line, the Tornado way (tornado.options), checked free on
    address unless check=False. Anything else on the command line is a one-line error.

    A private OptionParser rather than the global tornado.options.options: every chapter defines
    "port", and the tests import all chapters into one process, where a second global
    define("port") would raise.
    """
    options = OptionParser()
    options.define("port", default=default, type=int, help="port to listen on (127.0.0.1)")
    args = sys.argv[1:] if argv is None else list(argv)
    for arg in args:  # tornado.options would print its whole help before an unknown option
        name = arg.lstrip("-").partition("=")[0].replace("-", "_")
        if arg.startswith("-") and name not in options:
            raise SystemExit(f"unknown option {arg!r}: the only option is --port=NNNN "
                             "(make ... PORT=NNNN)")
        if not arg.startswith("-"):
            raise SystemExit(f"unexpected argument {arg!r}: give the port as --port=NNNN "
                             "(make ... PORT=NNNN)")
    try:
        options.parse_command_line([sys.argv[0], *args])
    except (OptionError, ValueError) as e:
        raise SystemExit(f"--port must be a number between 1 and 65535 ({e})") from None
    if not 0 < options.port < 65536:
        raise SystemExit(f"--port must be between 1 and 65535, not {options.port}")
    if check:
        check_port(options.port, address)
    return options.port


def check_port(port: int, address: str = "127.0.0.1") -> None:
    """SystemExit with a one-line message if address:port cannot be listened on now. Bound the
    way Tornado binds (SO_REUSEADDR), so a port left in TIME_WAIT by the last run counts as free."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((address, port))
        except OSError as e:
            raise SystemExit(_cannot_listen(address, port, e)) from None


def _cannot_listen(address: str, port: int, e: OSError) -> str:
    why = "something else already listens there" if e.errno == errno.EADDRINUSE else e.strerror
    return f"cannot listen on {address}:{port}: {why}. Try PORT=<another port>."


async def serve(
    app: tornado.web.Application,
    port: int,
    *,
    paths: Iterable[str] = ("/",),
    address: str = "127.0.0.1",
) -> None:
    """Listen on address:port, print where to look, and run until SIGINT, SIGTERM or SIGHUP
    (Ctrl-C, `kill`, the terminal closing); then stop listening, close the connections and `await app.close()` if the app has one.

    Only loopback by default: the notes' application.listen(8887) listens on every interface,
    which puts a learning app on the network.
    """
    try:
        await _serve(app, port, paths, address)
    finally:
        if hasattr(app, "close"):  # an Application subclass that holds pools or stores
            await app.close()


async def _serve(app, port, paths, address) -> None:
    try:
        server = app.listen(port, address)
    except OSError as e:
        raise SystemExit(_cannot_listen(address, port, e)) from None
    # Ctrl-C ends the wait instead of raising KeyboardInterrupt through asyncio.run(); set up
    # before the URL is printed, so that a learner's first Ctrl-C is already handled. The
    # handlers in place before (workbook.services' during start-up) come back afterwards.
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    before = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS}
    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, stop.set)
    base = f"http://{address}:{port}"
    _print(f"Serving on {base}/  (Ctrl-C to stop)")
    for path in paths:
        _print(f"  {base}{path}")
    try:
        await stop.wait()
    finally:
        for sig, handler in before.items():
            loop.remove_signal_handler(sig)
            if handler is not None:
                signal.signal(sig, handler)
        server.stop()
        await server.close_all_connections()
        _print("Stopped.")


def _print(line: str) -> None:
    # After the terminal has closed (SIGHUP), writing to it fails: stopping must not.
    with contextlib.suppress(OSError):
        print(line, flush=True)
