"""Serving the mock on waitress (``qacmock serve --server waitress``): a pure-Python WSGI server,
with a graceful stop."""
from __future__ import annotations

import logging
import socket
import time

from waitress import wasyncore
from waitress.server import BaseWSGIServer, create_server

from .channel import CONNECTION_LIMITS, Channel
from .listening import ServeError, cannot_listen
from .stopping import DEFAULT_SHUTDOWN_TIMEOUT, StopFlag

log = logging.getLogger("qacmock")
WAKE = 0.2


def make_server(app, host: str = "127.0.0.1", port: int = 8080, threads: int = 8,
                sockets: list[socket.socket] | None = None):
    """A bound (not yet running) waitress server; port 0 picks a free port. With ``sockets``,
    it serves those listening sockets (a worker process's own) instead."""
    where = {"sockets": sockets} if sockets else {"host": host, "port": port}
    try:
        server = create_server(app, threads=threads, ident="qacmock", clear_untrusted_proxy_headers=True,
                               max_request_body_size=app.max_body + 1, **CONNECTION_LIMITS, **where)
    except OSError as error:
        raise ServeError(cannot_listen(host, port, error)) from None
    except ValueError:      # waitress's word for a host name that does not resolve
        raise ServeError(f"cannot listen on {host}:{port}: the host name does not resolve") from None
    for dispatcher in list((getattr(server, "_map", None) or server.map).values()):
        if isinstance(dispatcher, BaseWSGIServer):
            dispatcher.channel_class = Channel
    return server


class GracefulServer:
    """waitress's loop, run until ``stop()`` (SIGTERM or SIGINT under ``serve``); then no new
    connection is accepted, calls in flight finish and are answered, idle keep-alive
    connections are closed, and after ``timeout`` seconds whatever is left is cut."""

    def __init__(self, server, timeout: float = DEFAULT_SHUTDOWN_TIMEOUT):
        self.server, self.timeout = server, timeout
        self.effective_host, self.effective_port = server.effective_host, server.effective_port
        self._stop = StopFlag()

    def close(self):
        """Nothing left to release: run() closes every socket."""

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
