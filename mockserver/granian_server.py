"""Serving the mock on granian: HTTP parsed by hyper (Rust), the application run by a pool of
Python threads.

Measured side by side (benchmarks/performance.py, docs/performance.md): waitress spends more of
each call parsing HTTP and moving it between its loop and its threads than the mock spends
answering a Bugs_Load.

granian's own runner (``granian.Granian``) imports the application by name in processes it
starts, binds the port itself and handles signals itself. qacmock keeps its own: it binds the
socket (so that ``--port 0`` is known before "serving" is said), forks its workers, stops on
its signal handlers (stopping.py) and closes the database after the last call. So this module
runs granian's WSGI worker class on a socket it is given. Those classes are granian's internals:
pyproject.toml pins granian to the exact version this was written and tested against.
"""
from __future__ import annotations

import io
import logging
import os
import socket
import sys
import threading
import time

from granian._futures import _new_cbscheduler
from granian._granian import SocketHolder, WorkerSignal, WSGIWorker
from granian._loops import loops

from .control.calls import DroppedConnection
from .listening import BACKLOG
from .soap.wsgi import CHUNKED_OVER_LIMIT
from .stopping import StopFlag

log = logging.getLogger("qacmock")
# Requests handed to Python at once, per process; the rest wait in hyper, unread. waitress's
# equivalent was its connection limit (1000).
BACKPRESSURE = 1024
READ_CHUNK = 64 * 1024
FLUSH_GRACE = 0.05
# Every WSGI environ starts from this. granian's own adapter starts from os.environ: a variable
# such as CONTENT_TYPE in the server's environment would then reach every request.
_BASE_ENVIRON = {"SCRIPT_NAME": "", "SERVER_SOFTWARE": "qacmock", "wsgi.errors": sys.stderr,
                 "wsgi.version": (1, 0), "wsgi.multithread": True, "wsgi.multiprocess": False,
                 "wsgi.run_once": False}

# hyper's and granian's own log lines ("Started worker-1 runtime-1") say nothing a user of the
# mock needs; their warnings and errors still show.
logging.getLogger("_granian").setLevel(logging.WARNING)


class _StartResponse:
    __slots__ = ("status", "headers")

    def __call__(self, status: str, headers: list, exc_info=None):
        self.status, self.headers = int(status[:3]), headers


class GranianServer:
    """The mock served on ``listener`` (the server's listening socket, or a worker process's own)
    until ``stop()``: then no new connection is accepted, calls in flight finish and are answered,
    idle keep-alive connections are closed, and after ``timeout`` seconds whatever is left is
    cut off (the process exits with it)."""

    def __init__(self, app, listener: socket.socket, threads: int, timeout: float):
        self.app, self.listener, self.threads, self.timeout = app, listener, threads, timeout
        self.effective_host, self.effective_port = listener.getsockname()[:2]
        self._signal = WorkerSignal()
        self._stop = StopFlag()
        self._drained = threading.Event()
        self._in_flight, self._counting = 0, threading.Lock()

    def stop(self, *_signal):
        # Only a flag: this runs in a signal handler (see StopFlag).
        self._stop.set()

    def run(self):
        # granian closes the descriptor it is given when it stops: it gets a duplicate, so that
        # the listener's own is closed once, by close(), and never a number reused since.
        held = SocketHolder(os.dup(self.listener.fileno()), False, BACKLOG)
        worker = WSGIWorker(worker_id=1, sock=(None, held), ipc=None, threads=1, blocking_threads=512,
                            py_threads=self.threads, py_threads_idle_timeout=30,
                            backpressure=BACKPRESSURE, http_mode="1")
        loop = loops.get("asyncio")
        # granian calls this once its connections are closed and its threads have ended.
        self._signal.add_cb(self._drained.set)
        worker.serve_str(_new_cbscheduler(loop, self._call, impl_asyncio=True), loop, self._signal)
        while not self._stop.is_set():      # a signal handler runs between sleeps
            time.sleep(0.2)
        self._signal.set()
        # New connections are refused from now on, not left waiting in the backlog: granian
        # closes its duplicate as its accept loop ends, and the socket with the last one.
        # (shutdown() instead would make that loop spin on EINVAL.)
        self.listener.close()
        if self._in_flight:
            log.info("stopping: finishing %d call(s) in flight", self._in_flight)
        if not self._drained.wait(self.timeout):
            log.warning("stopping: %d call(s) still running after %.0f s are cut off", self._in_flight,
                        self.timeout)

    def close(self):
        self.listener.close()

    # -- one request ---------------------------------------------------------------------------
    def _call(self, proto, environ):
        with self._counting:
            self._in_flight += 1
        try:
            self._answer(proto, _BASE_ENVIRON | environ)
        finally:
            with self._counting:
                self._in_flight -= 1

    def _answer(self, proto, environ):
        if "CONTENT_LENGTH" not in environ and "HTTP_TRANSFER_ENCODING" in environ:
            self._read_chunked(environ)
        answer = _StartResponse()
        try:
            body = self.app(environ, answer)
        except DroppedConnection:
            return _drop(proto)
        if isinstance(body, list):
            proto.response_bytes(answer.status, answer.headers, b"".join(body))
        else:
            proto.response_iter(answer.status, answer.headers, _until_dropped(body))

    def _read_chunked(self, environ):
        """waitress read a chunked body before the call and gave its length; so does this, up to
        the application's limit, past which the rest is left unread and the call is told."""
        limit, stream, parts, size = self.app.max_body, environ["wsgi.input"], [], 0
        while size <= limit:
            chunk = stream.read(READ_CHUNK)
            if not chunk:
                break
            parts.append(chunk)
            size += len(chunk)
        if size > limit:
            environ[CHUNKED_OVER_LIMIT] = True
            parts, size = [], 0
        environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(b"".join(parts)), str(size)


def _until_dropped(body):
    """An answer cut off on purpose ends short of its Content-Length: hyper then closes the
    connection, as the client must see."""
    try:
        yield from body
    except DroppedConnection:
        # hyper drops what it has not written yet when a body ends short: give it time to send
        # the part (without this, 12 of 30 truncated answers reached the client empty).
        time.sleep(FLUSH_GRACE)
        return


def _drop(proto):
    """Close the connection with no answer at all. WSGI has no word for it, and hyper writes
    the head of any answer it accepts before the body fails; an answer that both is chunked and
    has a length is one it refuses to write (RFC 9112 6.3), and it closes the connection unanswered.
    tests/test_fault_injection.py checks that this stays so."""
    proto.response_bytes(200, _UNWRITABLE, b"")


_UNWRITABLE = [("Transfer-Encoding", "chunked"), ("Content-Length", "0")]
