"""Opening the listening socket, and saying in one line why it cannot be opened."""
from __future__ import annotations

import os
import socket

from .failures import CommandFailure

BACKLOG = 1024


class ServeError(CommandFailure):
    """Why the server cannot start, said in one line."""


def listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family, backlog=BACKLOG)
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
