"""Running the mock on an HTTP server (granian by default, or waitress), with a graceful stop,
in one process or several sharing a port."""
from __future__ import annotations

import logging
import os
import signal
import socket
import time

from .app import QacMock
from .control.journal import DEFAULT_SIZE as DEFAULT_JOURNAL_SIZE
from .control.plane import ControlPlane
from .granian_server import GranianServer
from .listening import ServeError, listen, reserve
from .seed import build, default_dataset
from .stopping import DEFAULT_SHUTDOWN_TIMEOUT, REQUESTED as STOP_REQUESTED, STOP_SIGNALS
from .store import Store
from .store.control import ControlStore, SharedCounters, control_path, remove_control_files
from .waitress_server import GracefulServer, make_server

log = logging.getLogger("qacmock")


def _on_waitress(app: QacMock, host: str, port: int, threads: int, timeout: float,
                 listener: socket.socket | None = None) -> GracefulServer:
    return GracefulServer(make_server(app, host, port, threads, [listener] if listener else None), timeout)


def _on_granian(app: QacMock, host: str, port: int, threads: int, timeout: float,
                listener: socket.socket | None = None) -> GranianServer:
    return GranianServer(app, listener or listen(host, port), threads, timeout)


# What serves the application: the runner has run(), stop() (from a signal handler), close(),
# effective_host and effective_port.
SERVERS = {"granian": _on_granian, "waitress": _on_waitress}
DEFAULT_SERVER = "granian"


def bind(app: QacMock, host: str = "127.0.0.1", port: int = 8080, threads: int = 8,
         server: str = DEFAULT_SERVER, timeout: float = DEFAULT_SHUTDOWN_TIMEOUT,
         listener: socket.socket | None = None):
    """A runner serving ``app`` (not yet running); port 0 picks a free port. With ``listener``,
    it serves that listening socket (a worker process's own) instead."""
    return SERVERS[server](app, host, port, threads, timeout, listener)


def serve(db: str, host: str, port: int, threads: int = 8, admin: bool = True,
          admin_token: str | None = None, shutdown_timeout: float = DEFAULT_SHUTDOWN_TIMEOUT,
          workers: int = 1, server: str = DEFAULT_SERVER, **options) -> int:
    if workers > 1:
        return _serve_workers(db, host, port, threads, admin, admin_token, shutdown_timeout,
                              workers, server, options)
    started = time.perf_counter()
    if STOP_REQUESTED.is_set():
        return 0
    app = QacMock(db, admin=admin, admin_token=admin_token, **options)
    try:
        runner = bind(app, host, port, threads, server, shutdown_timeout)
    except ServeError:
        app.close()
        raise
    _run_until_stopped(app, runner, lambda: _announce(
        runner.effective_host, runner.effective_port, db, admin, admin_token, started, server=server))
    log.info("qacmock stopped")
    return 0


def _run_until_stopped(app: QacMock, runner, ready):
    """Serve until SIGTERM or SIGINT, stop gracefully, then close the mock (WAL checkpoint)."""
    for signum in STOP_SIGNALS:
        signal.signal(signum, runner.stop)
    # A worker starts with the stop signals blocked (see _serve_workers): one that came during
    # start-up is delivered here, to the graceful handler, instead of killing the process.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    if STOP_REQUESTED.is_set():         # asked while starting (see stopping.py)
        runner.stop()
    ready()
    try:
        runner.run()
    finally:
        runner.close()
        app.close()


def _announce(host, port, db, admin, admin_token, started, workers=1, server=DEFAULT_SERVER):
    where = f"[{host}]" if ":" in str(host) else host
    log.info("qacmock serving psws.asmx at http://%s:%s/psws/psws.asmx (WSDL: ?WSDL) on %s, database %s, "
             "ready in %.2f s%s", where, port, server, db, time.perf_counter() - started,
             f", {workers} worker processes" if workers > 1 else "")
    if admin:
        log.info("admin API at http://%s:%s/__admin/health%s", host, port,
                 " (bearer token required)" if admin_token else "")


def _serve_workers(db, host, port, threads, admin, admin_token, shutdown_timeout, workers, server,
                   options) -> int:
    """Several processes serving one port (each its own listening socket: the kernel spreads
    connections evenly across them) and one SQLite file (its locks order their writes). The
    data is built once, here, before forking, and so is the control store they share beside it
    (journal, fault rules, snapshots, findings, clock; removed when they stop)."""
    started = time.perf_counter()
    if db == ":memory:":
        raise SystemExit("qacmock serve: --workers needs --db FILE: the workers share one SQLite file")
    shared = (control_path(db), SharedCounters())
    store = Store(db)
    try:
        if store.is_empty():
            build(store, default_dataset())
        remove_control_files(shared[0])     # a server killed before it could remove it
        ControlPlane(store, ControlStore(*shared), options.get("journal_size", DEFAULT_JOURNAL_SIZE),
                     options.get("journal_bodies", False)).close()
    finally:
        store.close()
    try:
        return _fork_workers(db, host, port, threads, admin, admin_token, shutdown_timeout, workers, server,
                             {**options, "shared_control": shared}, started)
    finally:
        remove_control_files(shared[0])


def _fork_workers(db, host, port, threads, admin, admin_token, shutdown_timeout, workers, server,
                  options, started) -> int:
    reserved = reserve(host, port)
    bound_port = reserved.getsockname()[1]
    # Stop signals stay blocked until a handler is in place, in the children and here: a SIGTERM
    # during start-up must stop the workers gracefully, not kill one half-started (exit -15).
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    ready_read, ready_write = os.pipe()
    children = []
    for number in range(1, workers + 1):
        pid = os.fork()
        if pid == 0:                                  # pragma: no cover - runs in the child
            os.close(ready_read)
            reserved.close()
            os._exit(_run_worker(number, workers, host, bound_port, db, threads, admin, admin_token,
                                 shutdown_timeout, server, options, ready_write))
        children.append(pid)
    os.close(ready_write)
    stopping = []

    def forward(signum, _frame):
        stopping.append(signum)
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    for signum in STOP_SIGNALS:
        signal.signal(signum, forward)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    if STOP_REQUESTED.is_set():         # asked while the data was built (see stopping.py)
        forward(signal.SIGTERM, None)
    # "serving" is said once every worker is ready: each writes a byte, then closes its end, so
    # the pipe reaches end-of-file when all are ready or gone.
    with os.fdopen(ready_read, "rb") as pipe:
        started_workers = len(pipe.read())
    if started_workers == workers and not stopping:
        _announce(host, bound_port, db, admin, admin_token, started, workers, server)
    elif started_workers < workers:
        log.error("%d of %d workers did not start; stopping", workers - started_workers, workers)
        forward(signal.SIGTERM, None)
    failed = 0
    for pid in children:
        while True:
            try:
                _, status = os.waitpid(pid, 0)
                break
            except InterruptedError:
                continue
        failed += os.waitstatus_to_exitcode(status) != 0
    reserved.close()
    log.info("qacmock stopped")
    return 1 if failed or started_workers < workers else 0


def _run_worker(number, workers, host, port, db, threads, admin, admin_token, shutdown_timeout,
                server, options, ready_fd) -> int:
    def ready():
        log.info("worker %d of %d (pid %d) ready", number, workers, os.getpid())
        os.write(ready_fd, b"r")
        os.close(ready_fd)

    try:
        app = QacMock(db, admin=admin, admin_token=admin_token, workers=workers, **options)
        listener = listen(host, port, reuse_port=True)
        runner = bind(app, threads=threads, server=server, timeout=shutdown_timeout, listener=listener)
        _run_until_stopped(app, runner, ready)
        return 0
    except BaseException:          # a worker's failure is reported, never silent
        log.exception("worker %d failed", number)
        return 1
__all__ = ["DEFAULT_SERVER", "SERVERS", "ServeError", "bind", "serve"]
