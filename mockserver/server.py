"""Running the mock on waitress, a production WSGI server, with a graceful stop."""
from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time

import waitress
from waitress import wasyncore
from waitress.server import BaseWSGIServer, create_server

from .app import QacMock
from .channel import CONNECTION_LIMITS, Channel
from .failures import CommandFailure
from .seed import build, default_dataset
from .stopping import REQUESTED as STOP_REQUESTED, STOP_SIGNALS
from .store import Store

log = logging.getLogger("qacmock")
DEFAULT_SHUTDOWN_TIMEOUT = 10.0
WAKE = 0.2


class ServeError(CommandFailure):
    """Why the server cannot start, said in one line."""


def make_server(app: QacMock, host: str = "127.0.0.1", port: int = 8080, threads: int = 8,
                sockets: list[socket.socket] | None = None):
    """A bound (not yet running) waitress server; port 0 picks a free port. With ``sockets``,
    it serves those listening sockets (shared by worker processes) instead."""
    where = {"sockets": sockets} if sockets else {"host": host, "port": port}
    try:
        server = create_server(app, threads=threads, ident="qacmock", clear_untrusted_proxy_headers=True,
                               max_request_body_size=app.max_body + 1, **CONNECTION_LIMITS, **where)
    except OSError as error:
        raise ServeError(_cannot_listen(host, port, error)) from None
    except ValueError:      # waitress's word for a host name that does not resolve
        raise ServeError(f"cannot listen on {host}:{port}: the host name does not resolve") from None
    for dispatcher in list((getattr(server, "_map", None) or server.map).values()):
        if isinstance(dispatcher, BaseWSGIServer):
            dispatcher.channel_class = Channel
    return server


def _cannot_listen(host: str, port: int, error: OSError) -> str:
    reason = error.strerror or str(error)
    if isinstance(error, socket.gaierror):
        reason = f"the host name does not resolve ({reason})"
    return f"cannot listen on {host}:{port}: {reason}"


class GracefulServer:
    """waitress's loop, run until ``stop()`` (SIGTERM or SIGINT under ``serve``); then no new
    connection is accepted, calls in flight finish and are answered, idle keep-alive
    connections are closed, and after ``timeout`` seconds whatever is left is cut."""

    def __init__(self, server, timeout: float = DEFAULT_SHUTDOWN_TIMEOUT):
        self.server, self.timeout = server, timeout
        self._stop = threading.Event()

    def stop(self, *_signal):
        # Only an event: a signal handler must not take waitress's trigger lock, which the
        # interrupted loop may be holding. The loop wakes at least every WAKE seconds.
        self._stop.set()

    def run(self):
        server, poll = self.server, self.server.adj.asyncore_use_poll
        while not self._stop.is_set():
            wasyncore.loop(timeout=WAKE, map=server._map, use_poll=poll, count=1)
        wasyncore.dispatcher.close(server)          # stop listening: new connections are refused
        deadline = time.monotonic() + self.timeout
        busy = self._close_idle()
        if busy:
            log.info("stopping: finishing %d call(s) in flight", busy)
        while busy and time.monotonic() < deadline:
            wasyncore.loop(timeout=0.05, map=server._map, use_poll=poll, count=1)
            busy = self._close_idle()
        if busy:
            log.warning("stopping: %d call(s) still running after %.0f s are cut off", busy, self.timeout)
        server.task_dispatcher.shutdown(cancel_pending=True, timeout=max(deadline - time.monotonic(), 0.5))
        wasyncore.close_all(server._map)

    def _close_idle(self) -> int:
        """Ask idle connections to close; the number still receiving, running or sending a call."""
        busy = 0
        for channel in list(self.server.active_channels.values()):
            with channel.requests_lock:
                working = bool(channel.requests) or channel.request is not None
            if working or channel.total_outbufs_len:
                busy += 1
            else:
                channel.will_close = True
        if not busy:
            # One more pass lets the loop close the connections just marked.
            wasyncore.loop(timeout=0.0, map=self.server._map, count=1)
        return busy


def serve(db: str, host: str, port: int, threads: int = 8, admin: bool = True,
          admin_token: str | None = None, shutdown_timeout: float = DEFAULT_SHUTDOWN_TIMEOUT,
          workers: int = 1, **options) -> int:
    if workers > 1:
        return _serve_workers(db, host, port, threads, admin, admin_token, shutdown_timeout,
                              workers, options)
    started = time.perf_counter()
    if STOP_REQUESTED.is_set():
        return 0
    app = QacMock(db, admin=admin, admin_token=admin_token, **options)
    try:
        server = make_server(app, host, port, threads)
    except ServeError:
        app.close()
        raise
    _run_until_stopped(app, server, shutdown_timeout, lambda: _announce(
        server.effective_host, server.effective_port, db, admin, admin_token, started))
    log.info("qacmock stopped")
    return 0


def _run_until_stopped(app: QacMock, server, shutdown_timeout: float, ready):
    """Serve until SIGTERM or SIGINT, stop gracefully, then close the mock (WAL checkpoint)."""
    graceful = GracefulServer(server, shutdown_timeout)
    for signum in STOP_SIGNALS:
        signal.signal(signum, graceful.stop)
    # A worker starts with the stop signals blocked (see _serve_workers): one that came during
    # start-up is delivered here, to the graceful handler, instead of killing the process.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    if STOP_REQUESTED.is_set():         # asked while starting (see stopping.py)
        graceful.stop()
    ready()
    try:
        graceful.run()
    finally:
        app.close()


def _announce(host, port, db, admin, admin_token, started, workers=1):
    log.info("qacmock serving psws.asmx at http://%s:%s/psws/psws.asmx (WSDL: ?WSDL), database %s, "
             "ready in %.2f s%s", host, port, db, time.perf_counter() - started,
             f", {workers} worker processes" if workers > 1 else "")
    if admin:
        log.info("admin API at http://%s:%s/__admin/health%s", host, port,
                 " (bearer token required)" if admin_token else "")


def _serve_workers(db, host, port, threads, admin, admin_token, shutdown_timeout, workers, options) -> int:
    """Several processes serving one listening socket and one SQLite file: the kernel spreads
    connections across them, SQLite's locks order their writes. The data is built once, here,
    before forking; journal, fault rules and snapshots stay per process (see AdminApi)."""
    started = time.perf_counter()
    if db == ":memory:":
        raise SystemExit("qacmock serve: --workers needs --db FILE: the workers share one SQLite file")
    store = Store(db)
    if store.is_empty():
        build(store, default_dataset())
    store.close()
    try:
        listener = socket.create_server((host, port), backlog=1024)
    except OSError as error:
        raise ServeError(_cannot_listen(host, port, error)) from None
    bound_port = listener.getsockname()[1]
    # Stop signals stay blocked until a handler is in place, in the children and here: a SIGTERM
    # during start-up must stop the workers gracefully, not kill one half-started (exit -15).
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    ready_read, ready_write = os.pipe()
    children = []
    for number in range(1, workers + 1):
        pid = os.fork()
        if pid == 0:                                  # pragma: no cover - runs in the child
            os.close(ready_read)
            os._exit(_run_worker(number, workers, listener, db, threads, admin, admin_token,
                                 shutdown_timeout, options, ready_write))
        children.append(pid)
    listener.close()        # the children hold it
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
        _announce(host, bound_port, db, admin, admin_token, started, workers)
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
    log.info("qacmock stopped")
    return 1 if failed or started_workers < workers else 0


def _run_worker(number, workers, listener, db, threads, admin, admin_token, shutdown_timeout,
                options, ready_fd) -> int:
    def ready():
        log.info("worker %d of %d (pid %d) ready", number, workers, os.getpid())
        os.write(ready_fd, b"r")
        os.close(ready_fd)

    try:
        app = QacMock(db, admin=admin, admin_token=admin_token, workers=workers, **options)
        server = make_server(app, threads=threads, sockets=[listener])
        _run_until_stopped(app, server, shutdown_timeout, ready)
        return 0
    except BaseException:          # a worker's failure is reported, never silent
        log.exception("worker %d failed", number)
        return 1
__all__ = ["GracefulServer", "make_server", "serve", "waitress"]
