"""Private, throwaway MariaDB, Redis and memcached servers: for the tests, the notebooks and the
apps of the chapters that need one (chapters.toml `services`).

Debian's own servers (`make system` installs mariadb-server, redis-server and memcached), each
started on a free port of 127.0.0.1 with its data in a temporary directory, and stopped (the
directory removed) when done. Nothing is installed as a system service, nothing auto-starts,
nothing listens beyond loopback. mirakuru (the launcher pytest-mysql and pytest-redis use)
starts each one and waits until its port accepts connections.

    with services.MariaDB() as mysql:        # ~1 s: mariadb-install-db, then mariadbd
        mysql.url                            # mysql://root@127.0.0.1:PORT/workbook
        mysql.kill(); mysql.start()          # fault injection: SIGKILL, then the same port again

    # in a chapter's main(): MYSQL_URL if it is set, else a private server for the app's life
    with services.provide("mysql") as url:
        ...

A server dies with the process that started it (PR_SET_PDEATHSIG on Linux): a test run, an app
or a notebook kernel that is killed outright leaves no server behind.
"""
from __future__ import annotations

import asyncio
import atexit
import contextlib
import ctypes
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Iterator
from pathlib import Path
from typing import TypeVar
from urllib.parse import unquote, urlsplit

import mirakuru
import mirakuru.exceptions

from workbook.net import free_port

HOST = "127.0.0.1"
SBIN = ("/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin")  # mariadbd lives in sbin
T = TypeVar("T")


class ServiceError(RuntimeError):
    """A server could not be started: the message says why and what to do."""


def which(program: str, package: str) -> str:
    path = os.pathsep.join([os.environ.get("PATH", ""), *SBIN])
    found = shutil.which(program, path=path)
    if not found:
        raise ServiceError(f"{program} is not installed. Run `make system` as root, or "
                           f"`sudo apt-get install {package}`.")
    return found


# --- Start a server that cannot outlive us --------------------------------------------------
_PR_SET_PDEATHSIG = 1


@contextlib.contextmanager
def _stop_signals_held() -> Iterator[None]:
    """Hold SIGINT, SIGTERM and SIGHUP back (they are delivered when the block ends): starting a
    server must not be cut between the fork and the moment we know its process."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _release_stop_signals() -> None:  # in the child: a server must not inherit the hold
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


def _own_session_dying_with_parent() -> None:  # runs in the child, between fork and exec
    _release_stop_signals()
    os.setsid()  # what mirakuru does: its own process group, so stop() can signal the group
    if sys.platform.startswith("linux"):
        # The kernel sends SIGTERM to the server when the thread that started it dies, even by
        # SIGKILL. (So start servers from a thread that lives as long as they should.)
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)  # libc's prctl


class _Executor(mirakuru.TCPExecutor):
    """mirakuru's TCPExecutor (start, then wait until host:port accepts a connection), plus
    the parent-death signal above."""

    @property
    def _popen_kwargs(self) -> dict:
        kwargs = super()._popen_kwargs
        kwargs["preexec_fn"] = _own_session_dying_with_parent
        return kwargs


_RUNNING: set[Service] = set()


def _sweep_leftovers() -> None:
    """Remove the data directories of servers whose process was killed outright (SIGKILL
    leaves no chance to clean up; the servers themselves died with it, see above)."""
    for path in Path(tempfile.gettempdir()).glob("workbook-*-*-*"):
        pid = path.name.split("-")[2]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's
    return True


@atexit.register
def _close_all() -> None:
    """A process that forgets to stop its servers still removes them when it exits normally."""
    for service in list(_RUNNING):
        service.close()


class _Block:
    """`with server:` starts it and closes it afterwards; a start that fails half-way closes
    what it had started. For a Service and for the groups of them (a cluster, a pair)."""

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(self, *exc) -> None:
        self.close()


class Service(_Block):
    """One private server: start(), stop(), and for fault-injection tests kill(), pause()
    and resume(). The port and data directory stay the same across restarts."""

    kind = ""       # the name in chapters.toml `services`
    title = ""      # what messages call it
    env = ""        # the variable that points the apps at a server of your own instead
    program = ""    # the server's executable
    package = ""    # the Debian package that provides it
    start_timeout = 30.0
    stop_signal = signal.SIGTERM

    def __init__(self, *, port: int | None = None, name: str | None = None) -> None:
        self.host = HOST
        self.port = port or free_port()
        self.name = name or self.title
        self.workdir: Path | None = None
        self._executor: _Executor | None = None
        self._log = None

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<{type(self).__name__} {self.name} {self.host}:{self.port} {state}>"

    # What each server defines
    @property
    def url(self) -> str:
        raise NotImplementedError

    def command(self) -> list[str]:
        raise NotImplementedError

    def initialize(self) -> None:
        """Prepare the data directory, once, before the first start."""

    def ready(self) -> None:
        """Run after each start, once the port accepts connections."""

    # The life cycle
    @property
    def running(self) -> bool:
        return self._executor is not None and self._executor.running()

    @property
    def pid(self) -> int | None:
        return self._executor.process.pid if self.running else None

    @property
    def log_path(self) -> Path:
        assert self.workdir is not None
        return self.workdir / "server.log"

    def start(self) -> Service:
        if self.running:
            return self
        program = which(self.program, self.package)  # a clear error before anything is created
        if self.workdir is None:
            _sweep_leftovers()
            with _stop_signals_held():  # never a directory made but not yet known
                self.workdir = Path(tempfile.mkdtemp(prefix=f"workbook-{self.kind}-{os.getpid()}-"))
                _RUNNING.add(self)
            self.initialize()
        self._log = open(self.log_path, "a")
        self._executor = _Executor(
            [program, *self.command()], self.host, self.port, timeout=self.start_timeout,
            sleep=0.02, stop_signal=self.stop_signal,
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT)
        try:
            with _stop_signals_held():
                self._executor.start()
        except mirakuru.AlreadyRunning:
            self._executor = None
            raise ServiceError(f"{self.title}: something else already listens on "
                               f"{self.host}:{self.port}") from None
        except mirakuru.ExecutorError as e:
            self._executor = None
            raise ServiceError(f"{self.title} did not start on {self.host}:{self.port} "
                               f"({type(e).__name__}). Its log ends with:\n{self.log_tail()}"
                               ) from None
        self.ready()
        return self

    def stop(self) -> Service:
        """SIGTERM, and wait until it has exited (a clean shutdown)."""
        if self._executor is not None:
            try:
                self._executor.stop()
            except mirakuru.exceptions.ProcessFinishedWithError:
                pass  # it had died already (killed by a test, say): stopped is stopped
            self._executor = None
        if self._log is not None:
            self._log.close()
            self._log = None
        return self

    def kill(self) -> Service:
        """SIGKILL: the crash a fault-injection test wants. start() brings it back."""
        if self._executor is not None:
            self._executor.kill()
            self._executor = None
        return self.stop()

    def pause(self) -> None:
        """SIGSTOP: the server still accepts TCP connections (the kernel does) but never
        answers: what clients without timeouts hang on."""
        os.kill(self.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.pid, signal.SIGCONT)

    def close(self) -> None:
        """Stop it and remove its data."""
        if self.running and self._executor is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._executor.process.pid, signal.SIGCONT)  # a paused server can't stop
        self.stop()
        if self.workdir is not None:
            for _ in range(50):  # a process that has just been killed may still finish a write
                shutil.rmtree(self.workdir, ignore_errors=True)
                if not self.workdir.exists():
                    break
                time.sleep(0.02)
            self.workdir = None
        _RUNNING.discard(self)

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except (OSError, AssertionError):
            return "(no log)"


def _kill_group(process: subprocess.Popen, timeout: float = 5.0) -> None:
    """SIGKILL a process started with start_new_session=True and everything it started, and
    wait until they are all gone."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.02)


def _as_root() -> list[str]:
    return ["--user=root"] if os.geteuid() == 0 else []


class MariaDB(Service):
    """Debian's MariaDB: a fresh data directory (mariadb-install-db), root without a
    password on 127.0.0.1 only, and an empty database `workbook`."""

    kind, title, env = "mysql", "MariaDB", "MYSQL_URL"
    program, package = "mariadbd", "mariadb-server"
    database = "workbook"
    # Small InnoDB files: a throwaway server needs neither the 96 MB redo log nor a big pool.
    SMALL = ["--innodb-log-file-size=8M", "--innodb-buffer-pool-size=32M",
             "--innodb-data-file-path=ibdata1:4M:autoextend"]

    @property
    def url(self) -> str:
        return f"mysql://root@{self.host}:{self.port}/{self.database}"

    def initialize(self) -> None:
        install = which("mariadb-install-db", self.package)
        command = [install, "--no-defaults", f"--datadir={self.workdir / 'data'}",
                   "--auth-root-authentication-method=normal", "--skip-test-db",
                   "--skip-name-resolve", *self.SMALL, *_as_root()]
        # A session of its own: a Ctrl-C in the terminal interrupts us (and we stop it), not it
        # behind our back (which looked like a failed installation).
        process = None
        try:
            with _stop_signals_held():  # a stop never comes between the fork and `process =`
                process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True,
                                           stderr=subprocess.STDOUT, start_new_session=True,
                                           preexec_fn=_release_stop_signals)
            output, _ = process.communicate()
        except BaseException:
            # The script's own children (mariadbd --bootstrap) too: they would go on writing
            # into the data directory after we remove it.
            if process is not None:
                _kill_group(process)
            raise
        if process.returncode:
            raise ServiceError(f"mariadb-install-db failed:\n{output}")

    def command(self) -> list[str]:
        w = self.workdir
        return ["--no-defaults", f"--datadir={w / 'data'}", f"--socket={w / 'mysqld.sock'}",
                f"--port={self.port}", f"--bind-address={self.host}",
                f"--pid-file={w / 'mysqld.pid'}", f"--log-error={self.log_path}",
                f"--tmpdir={w}",  # its own: servers sharing /tmp collided on temporary tables
                "--skip-name-resolve", *self.SMALL, *_as_root()]

    def connect(self, database: str | None = None):
        """A blocking PyMySQL connection as root (for fixtures and setup, not for handlers)."""
        import pymysql

        return pymysql.connect(host=self.host, port=self.port, user="root", database=database,
                               autocommit=True, connect_timeout=5)

    def ready(self) -> None:
        with contextlib.closing(self.connect()) as conn, conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE IF NOT EXISTS `{self.database}`")

    def create_database(self, name: str) -> str:
        """A new empty database on this server, and its URL."""
        with contextlib.closing(self.connect()) as conn, conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE `{name}`")
        return f"mysql://root@{self.host}:{self.port}/{name}"

    def drop_database(self, name: str) -> None:
        with contextlib.closing(self.connect()) as conn, conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{name}`")


class Redis(Service):
    """Debian's redis-server: no persistence (a session store is a cache), loopback only."""

    kind, title, env = "redis", "Redis", "REDIS_URL"
    program, package = "redis-server", "redis-server"

    @property
    def url(self) -> str:
        return f"redis://{self.host}:{self.port}/0"

    def command(self) -> list[str]:
        return ["--port", str(self.port), "--bind", self.host, "--save", "", "--appendonly", "no",
                "--dir", str(self.workdir), "--daemonize", "no", "--logfile", ""]


class Memcached(Service):
    """Debian's memcached: 64 MB, TCP on loopback only (no UDP)."""

    kind, title, env = "memcached", "memcached", "MEMCACHED_URL"
    program, package = "memcached", "memcached"
    # memcached only exits on its next one-second tick after SIGTERM; it keeps nothing on disk,
    # so there is nothing a gentler signal would save.
    stop_signal = signal.SIGKILL

    @property
    def url(self) -> str:
        return f"memcached://{self.host}:{self.port}"

    def command(self) -> list[str]:
        as_root = ["-u", "root"] if os.geteuid() == 0 else []  # memcached refuses root without it
        return ["-l", self.host, "-p", str(self.port), "-U", "0", "-m", "64", *as_root]


SERVICES: dict[str, type[Service]] = {cls.kind: cls for cls in (MariaDB, Redis, Memcached)}


# --- What the apps use ----------------------------------------------------------------------
@contextlib.contextmanager
def provide(kind: str, *, count: int | None = None, env: str | None = None,
            names: list[str] | None = None) -> Iterator[str | list[str]]:
    """The URL of a `kind` server for as long as the block runs: the environment variable's
    (MYSQL_URL, REDIS_URL, MEMCACHED_URL) if it is set, else a private server started now and
    removed when the block ends, however it ends (Ctrl-C included).

    With count=N, a list of N URLs: the variable then holds N comma-separated URLs.
    """
    if kind == MariaDBPair.kind:  # two servers, two variables: its own function, at the end
        with provide_pair() as urls:
            yield urls
        return
    cls = SERVICES[kind]
    env = env or cls.env
    configured = os.environ.get(env, "").strip()
    if configured:
        urls = [u.strip() for u in configured.split(",") if u.strip()]
        if count is not None and len(urls) != count:
            raise ServiceError(f"{env} must list {count} comma-separated URLs, not {len(urls)}")
        say(f"{cls.title}: using {env}={redact(configured)}")
        yield urls if count is not None else urls[0]
        return
    with _stops_cleanly(), contextlib.ExitStack() as stack:
        servers = [cls(name=(names[i] if names else None)) for i in range(count or 1)]
        for server in servers:
            stack.enter_context(server)
        where = ", ".join(f"{s.host}:{s.port}" for s in servers)
        say(f"{cls.title}: {env} is not set, so a private {cls.title} runs on {where} "
             f"while the app runs (stopped and removed on exit)")
        try:
            yield [s.url for s in servers] if count is not None else servers[0].url
        finally:
            _ignore_stop_signals()  # stopping the servers is not to be cut short
            say(f"{cls.title}: stopped the private server{'s' if len(servers) > 1 else ''}")


# --- Stopping cleanly, whenever the stop comes ----------------------------------------------
# Ctrl-C (SIGINT), `kill` (SIGTERM) and a closed terminal (SIGHUP) all stop an app that runs
# private servers the same way: its servers stopped, their data removed, "Stopped." and no
# traceback, whether the signal comes while MariaDB is still being installed, while the app
# starts, or while it serves (there workbook.runner.serve's own handlers take over).
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
_guard = {"depth": 0, "saved": {}, "stopped": False}


def _stop_signal(signum, frame):
    _guard["stopped"] = True
    _ignore_stop_signals()  # a second Ctrl-C must not cut the clean-up short
    raise KeyboardInterrupt


def _ignore_stop_signals() -> None:
    if threading.current_thread() is threading.main_thread():
        for sig in STOP_SIGNALS:
            signal.signal(sig, signal.SIG_IGN)


@contextlib.contextmanager
def _stops_cleanly() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    outermost = _guard["depth"] == 0
    if outermost:
        _guard["saved"] = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS}
        _guard["stopped"] = False
        for sig in STOP_SIGNALS:
            signal.signal(sig, _stop_signal)
    _guard["depth"] += 1
    try:
        yield
    except (KeyboardInterrupt, asyncio.CancelledError):
        # KeyboardInterrupt: the signal came while this thread ran our code (or the app's);
        # CancelledError: it came while the event loop waited, and asyncio.run cancelled main().
        if not (outermost and _guard["stopped"]):
            raise
        with contextlib.suppress(OSError):  # the terminal may be gone (SIGHUP)
            print("Stopped.", flush=True)
        raise SystemExit(0) from None
    finally:
        _guard["depth"] -= 1
        if outermost:
            for sig, handler in _guard["saved"].items():
                signal.signal(sig, handler if handler is not None else signal.SIG_DFL)


def say(message: str) -> None:
    # stderr, like the server's log lines: stdout starts with the app's "Serving on ..." line.
    with contextlib.suppress(OSError):  # after SIGHUP the terminal may be gone
        print(f"[workbook] {message}", file=sys.stderr, flush=True)


def redact(urls: str) -> str:
    """The URL(s) with any password replaced by ***, for messages."""
    return re.sub(r"(://[^:/@,]*:)[^@/,]*@", r"\1***@", urls)


def mysql_params(url: str) -> dict:
    """mysql://user:password@host:port/database -> keyword arguments shared by
    tornado_mysql.connect, pymysql.connect and aiomysql (host, port, user, password, db)."""
    parts = urlsplit(url)
    if parts.scheme not in ("mysql", "mariadb") or not parts.hostname:
        raise ValueError(f"not a mysql://user:password@host:port/database URL: {url!r}")
    return {
        "host": parts.hostname,
        "port": parts.port or 3306,
        "user": unquote(parts.username or "root"),
        "password": unquote(parts.password or ""),
        "db": parts.path.lstrip("/") or None,
    }


def host_port(url: str, default_port: int) -> tuple[str, int]:
    """memcached://host:port (or any scheme://host:port) -> (host, port)."""
    parts = urlsplit(url)
    if not parts.hostname:
        raise ValueError(f"not a scheme://host:port URL: {url!r}")
    return parts.hostname, parts.port or default_port


async def within(awaitable: Awaitable[T], *, what: str, timeout: float,
                 errors: tuple[type[BaseException], ...] = ()) -> T:
    """Await a call to a server, and turn "down", "refused" and "hung" into a 503 that says
    so (tornado.web.HTTPError), instead of a traceback or a request that never ends."""
    import tornado.web

    try:
        return await asyncio.wait_for(awaitable, timeout)
    except asyncio.TimeoutError:
        raise tornado.web.HTTPError(503, "%s did not answer within %s s", what, timeout) from None
    except (*errors, OSError) as e:
        raise tornado.web.HTTPError(503, "%s is unavailable: %s", what, e) from None


# --- Redis Cluster: where one machine is not enough (chapter 18) ----------------------------
def _cluster_port() -> int:
    """A free port whose cluster bus port (port + 10000, Redis Cluster's rule) is free too."""
    import socket

    while True:
        port = free_port()
        if port + 10000 >= 65536:
            continue
        with socket.socket() as s:
            try:
                s.bind((HOST, port + 10000))
            except OSError:
                continue
        return port


class RedisClusterNode(Redis):
    """One redis-server of a cluster: cluster mode on, its node table in its own data
    directory. A node that does not hear from another for a second marks it as failing;
    `cluster-require-full-coverage no` keeps the other nodes answering for their own slots
    when one node is gone (the default, yes, stops the whole cluster)."""

    title = "Redis Cluster node"

    def __init__(self, *, port: int | None = None, name: str | None = None) -> None:
        super().__init__(port=port or _cluster_port(), name=name)

    def command(self) -> list[str]:
        return [*super().command(), "--cluster-enabled", "yes",
                "--cluster-config-file", str(self.workdir / "nodes.conf"),
                "--cluster-node-timeout", "1000", "--cluster-require-full-coverage", "no"]


class RedisCluster(_Block):
    """A private Redis Cluster: `nodes` redis-servers in cluster mode on free ports of
    127.0.0.1, joined by `redis-cli --cluster create ... --cluster-replicas 0` (the 16384 hash
    slots split evenly between them, no replicas), removed on close.

        with services.RedisCluster() as cluster:   # ~1 s
            cluster.url                             # "127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3"
            cluster.nodes[0].kill()                 # one node's crash; .start() brings it back
    """

    kind, title, env = "redis-cluster", "Redis Cluster", "REDIS_CLUSTER_URLS"

    def __init__(self, nodes: int = 3, *, name: str = "redis-cluster") -> None:
        self.name = name
        self.nodes = [RedisClusterNode(name=f"{name}-{i}") for i in range(nodes)]
        self.created = False

    def __repr__(self) -> str:
        return f"<RedisCluster {self.url}>"

    @property
    def url(self) -> str:
        return ",".join(f"{n.host}:{n.port}" for n in self.nodes)

    @property
    def host(self) -> str:
        return HOST

    def start(self) -> RedisCluster:
        for node in self.nodes:
            node.start()
        if not self.created:
            cli = which("redis-cli", "redis-tools")
            result = subprocess.run(
                [cli, "--cluster", "create", *[f"{n.host}:{n.port}" for n in self.nodes],
                 "--cluster-replicas", "0", "--cluster-yes"],
                capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
                start_new_session=True)  # a Ctrl-C is ours to handle, not a failed create
            if result.returncode:
                raise ServiceError(f"redis-cli --cluster create failed:\n{result.stdout}"
                                   f"{result.stderr}")
            self.created = True
        self.wait_until_ok()
        return self

    def cluster_info(self, node: RedisClusterNode) -> dict[str, str]:
        import redis

        with redis.Redis(host=node.host, port=node.port, socket_timeout=2) as client:
            return {k: str(v) for k, v in client.cluster("INFO").items()}

    def wait_until_ok(self, timeout: float = 20.0) -> None:
        """Until every running node says cluster_state:ok and knows every node."""
        import time

        deadline = time.monotonic() + timeout
        while True:
            running = [n for n in self.nodes if n.running]
            try:
                infos = [self.cluster_info(n) for n in running]
                if all(i.get("cluster_state") == "ok" and
                       i.get("cluster_known_nodes") == str(len(self.nodes)) for i in infos):
                    return
            except Exception:  # noqa: BLE001 - a node still starting: try again
                pass
            if time.monotonic() > deadline:
                raise ServiceError(f"{self.title} did not become ready within {timeout} s")
            time.sleep(0.05)

    def flush(self) -> None:
        """Empty every node (FLUSHALL on each), for a clean test."""
        import redis

        for node in self.nodes:
            if node.running:
                with redis.Redis(host=node.host, port=node.port, socket_timeout=5) as client:
                    client.flushall()

    def stop(self) -> RedisCluster:
        for node in self.nodes:
            node.stop()
        return self

    def close(self) -> None:
        for node in self.nodes:
            node.close()


@contextlib.contextmanager
def provide_redis_cluster(nodes: int = 3) -> Iterator[str]:
    """provide() for a Redis Cluster: REDIS_CLUSTER_URLS ("host:port,host:port,...", any of
    its nodes) if it is set, else a private cluster of `nodes` nodes for as long as the block
    runs."""
    configured = os.environ.get(RedisCluster.env, "").strip()
    if configured:
        say(f"{RedisCluster.title}: using {RedisCluster.env}={redact(configured)}")
        yield configured
        return
    with _stops_cleanly(), RedisCluster(nodes) as cluster:  # as provide() does
        say(f"{RedisCluster.title}: {RedisCluster.env} is not set, so a private cluster of "
            f"{nodes} nodes runs on {cluster.url} while the app runs (stopped and removed on "
            "exit)")
        try:
            yield cluster.url
        finally:
            _ignore_stop_signals()  # stopping the servers is not to be cut short
            say(f"{RedisCluster.title}: stopped the private cluster")


# --- A primary and its replica: MariaDB's own replication (chapter 20) ----------------------
# The primary writes a binary log; the replica reads it (GTID positions) and applies it, and
# refuses writes from anyone without READ_ONLY ADMIN: not root, who has it, but the app's user.
#
#     with services.MariaDBPair() as pair:   # ~4 s: two installs, two servers, replication on
#         pair.urls                          # {"primary": mysql://app:…@…, "replica": …}
#         pair.replica.kill(); pair.replica.start()   # replication resumes where it was
#         pair.wait_replicated()             # until the replica has applied all the primary has
class MariaDBPrimary(MariaDB):
    kind, title, env = "mysql_primary", "MariaDB primary", "MYSQL_PRIMARY_URL"
    server_id = 1
    user = "app"

    def __init__(self, *, password: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.password = password

    @property
    def url(self) -> str:
        """The app's URL: a user with read and write grants, and nothing more."""
        return f"mysql://{self.user}:{self.password}@{self.host}:{self.port}/{self.database}"

    def command(self) -> list[str]:
        return [*super().command(), f"--server-id={self.server_id}", "--log-bin=binlog",
                "--binlog-format=ROW"]

    def ready(self) -> None:
        super().ready()  # the database: in the binary log, so the replica creates it too
        with contextlib.closing(self.connect()) as conn, conn.cursor() as cur:
            cur.execute("CREATE USER IF NOT EXISTS 'repl'@'127.0.0.1' IDENTIFIED BY %s",
                        (self.password,))
            cur.execute("GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1'")
            cur.execute(f"CREATE USER IF NOT EXISTS '{self.user}'@'127.0.0.1' IDENTIFIED BY %s",
                        (self.password,))
            cur.execute("GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, INDEX, ALTER, "
                        f"CREATE TEMPORARY TABLES ON *.* TO '{self.user}'@'127.0.0.1'")


class MariaDBReplica(MariaDBPrimary):
    kind, title, env = "mysql_replica", "MariaDB replica", "MYSQL_REPLICA_URL"
    server_id = 2

    def __init__(self, primary: MariaDBPrimary, **kwargs) -> None:
        super().__init__(password=primary.password, **kwargs)
        self.primary = primary
        self._configured = False

    def command(self) -> list[str]:
        return [*MariaDB.command(self), f"--server-id={self.server_id}", "--read-only=1",
                "--relay-log=relay"]

    def ready(self) -> None:
        # Nothing created here: the database and the users come from the primary's log.
        with contextlib.closing(self.connect()) as conn, conn.cursor() as cur:
            if not self._configured:  # the data directory keeps it across restarts
                cur.execute("CHANGE MASTER TO MASTER_HOST=%s, MASTER_PORT=%s, "
                            "MASTER_USER='repl', MASTER_PASSWORD=%s, MASTER_USE_GTID=slave_pos, "
                            "MASTER_CONNECT_RETRY=1",
                            (self.primary.host, self.primary.port, self.password))
                cur.execute("START REPLICA")
                self._configured = True
            self._wait_running(cur)

    def _wait_running(self, cur, timeout: float = 15.0) -> None:
        import time

        deadline = time.monotonic() + timeout
        while True:
            cur.execute("SHOW REPLICA STATUS")
            row = dict(zip([d[0] for d in cur.description], cur.fetchone() or ()))
            if row.get("Slave_IO_Running") == "Yes" and row.get("Slave_SQL_Running") == "Yes":
                return
            if time.monotonic() > deadline:
                raise ServiceError(f"{self.title}: replication did not start: "
                                   f"IO {row.get('Slave_IO_Running')}, SQL "
                                   f"{row.get('Slave_SQL_Running')}, "
                                   f"{row.get('Last_IO_Error') or row.get('Last_SQL_Error')}")
            time.sleep(0.05)


class MariaDBPair(_Block):
    """A primary and a replica of it; start() starts both and waits until replication runs."""

    kind, title = "mysql_pair", "MariaDB primary/replica pair"

    def __init__(self) -> None:
        import secrets

        self.primary = MariaDBPrimary(password=secrets.token_hex(8), name="primary")
        self.replica = MariaDBReplica(self.primary, name="replica")

    def __repr__(self) -> str:
        return f"<MariaDBPair {self.primary!r} {self.replica!r}>"

    @property
    def urls(self) -> dict[str, str]:
        return {"primary": self.primary.url, "replica": self.replica.url}

    def start(self) -> MariaDBPair:
        self.primary.start()
        self.replica.start()
        return self

    def close(self) -> None:
        self.replica.close()
        self.primary.close()

    @contextlib.contextmanager
    def replication_stopped(self) -> Iterator[None]:
        """STOP REPLICA SQL_THREAD for the block: the replica receives the primary's log but
        applies nothing (lag, at will); afterwards it starts again and catches up."""
        with contextlib.closing(self.replica.connect()) as conn, conn.cursor() as cur:
            cur.execute("STOP REPLICA SQL_THREAD")
            try:
                yield
            finally:
                cur.execute("START REPLICA SQL_THREAD")
        self.wait_replicated()

    def wait_replicated(self, timeout: float = 10.0) -> None:
        """Until the replica has applied everything the primary has logged so far."""
        with contextlib.closing(self.primary.connect()) as conn, conn.cursor() as cur:
            cur.execute("SELECT @@gtid_binlog_pos")
            (position,) = cur.fetchone()
        with contextlib.closing(self.replica.connect()) as conn, conn.cursor() as cur:
            cur.execute("SELECT MASTER_GTID_WAIT(%s, %s)", (position, timeout))
            if cur.fetchone()[0] != 0:
                raise ServiceError(f"the replica did not reach {position} in {timeout} s")


@contextlib.contextmanager
def provide_pair() -> Iterator[dict[str, str]]:
    """{"primary": url, "replica": url}: MYSQL_PRIMARY_URL and MYSQL_REPLICA_URL if both are set,
    else a private pair for as long as the block runs (what provide("mysql_pair") gives)."""
    envs = {"primary": MariaDBPrimary.env, "replica": MariaDBReplica.env}
    configured = {role: os.environ.get(env, "").strip() for role, env in envs.items()}
    if all(configured.values()):
        say(f"{MariaDBPair.title}: using " + ", ".join(
            f"{envs[role]}={redact(url)}" for role, url in configured.items()))
        yield configured
        return
    if any(configured.values()):
        raise ServiceError(f"set both {envs['primary']} and {envs['replica']}, or neither")
    with _stops_cleanly(), MariaDBPair() as pair:
        say(f"{MariaDBPair.title}: {envs['primary']} and {envs['replica']} are not set, so a "
            f"private primary runs on {pair.primary.host}:{pair.primary.port} and its replica on "
            f"{pair.replica.host}:{pair.replica.port} while the app runs (removed on exit)")
        try:
            yield pair.urls
        finally:
            _ignore_stop_signals()
            say(f"{MariaDBPair.title}: stopped the private servers")
