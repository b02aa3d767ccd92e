"""What every chapter's main() shares: reading --port and serving until Ctrl-C.

    async def main(argv=None):
        await serve(make_app(), parse_port(argv, default=8801))

    if __name__ == "__main__":
        asyncio.run(main())
"""
from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Iterable

import tornado.web
from tornado.options import OptionParser


def parse_port(argv: list[str] | None = None, *, default: int) -> int:
    """--port=NNNN from the command line, the Tornado way (tornado.options).

    A private OptionParser rather than the global tornado.options.options: every chapter defines
    "port", and the tests import all chapters into one process, where a second global
    define("port") would raise.
    """
    options = OptionParser()
    options.define("port", default=default, type=int, help="port to listen on (127.0.0.1)")
    options.parse_command_line([sys.argv[0], *(sys.argv[1:] if argv is None else argv)])
    if not 0 < options.port < 65536:
        raise SystemExit(f"--port must be between 1 and 65535, not {options.port}")
    return options.port


async def serve(
    app: tornado.web.Application,
    port: int,
    *,
    paths: Iterable[str] = ("/",),
    address: str = "127.0.0.1",
) -> None:
    """Listen on address:port, print where to look, and run until SIGINT/SIGTERM; then stop
    listening, close the connections and `await app.close()` if the app has one.

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
        raise SystemExit(f"cannot listen on {address}:{port}: {e.strerror}. Try PORT=<another port>.")
    # Ctrl-C ends the wait instead of raising KeyboardInterrupt through asyncio.run(); set up
    # before the URL is printed, so that a learner's first Ctrl-C is already handled.
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    base = f"http://{address}:{port}"
    print(f"Serving on {base}/  (Ctrl-C to stop)")
    for path in paths:
        print(f"  {base}{path}")
    sys.stdout.flush()
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        server.stop()
        await server.close_all_connections()
        print("Stopped.")
