"""Opening the listening socket, and saying in one line why it cannot be opened."""
from __future__ import annotations

import os
import socket

from .failures import CommandFailure

BACKLOG = 1024


class ServeError(CommandFailure):
    """Why the server cannot start, said in one line."""


def listen(host: str, port: int, reuse_port: bool = False) -> socket.socket:
    """A listening socket; with ``reuse_port``, one of several on the port, one per worker
    process, among which the kernel spreads new connections evenly."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family, backlog=BACKLOG, reuse_port=reuse_port)
    except OSError as error:
        # create_server re-raises a resolver failure (gaierror, negative errno) as OSError.
        if isinstance(error, socket.gaierror) or (error.errno or 0) < 0:
            raise ServeError(f"cannot listen on {host}:{port}: the host name does not resolve") from None
        raise ServeError(cannot_listen(host, port, error)) from None


def cannot_listen(host: str, port: int, error: OSError) -> str:
    # socket.create_server adds "(while attempting to bind on address ...)" to strerror.
    plain = error.errno and error.errno > 0 and not isinstance(error, socket.gaierror)
    reason = os.strerror(error.errno) if plain else error.strerror or str(error)
    if isinstance(error, socket.gaierror):
        reason = f"the host name does not resolve ({reason})"
    return f"cannot listen on {host}:{port}: {reason}"


def reserve(host: str, port: int) -> socket.socket:
    """The port worker processes will each listen on (``listen(..., reuse_port=True)``), held
    while they serve. One listener shared by the workers let the process that woke first accept a
    burst of connections: 8 opened together could all go to one worker, which served them alone.
    Bound but not listening, so no connection waits on it; the port is first bound alone, so
    one already in use, even by another server's workers, is refused as for one process."""
    probe = listen(host, port)
    port = probe.getsockname()[1]
    probe.close()
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    held = socket.socket(family, socket.SOCK_STREAM)
    try:
        held.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        held.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        held.bind((host, port))
    except OSError as error:
        held.close()
        raise ServeError(cannot_listen(host, port, error)) from None
    return held
