"""A stop asked for while the server is still starting.

In a container the server is PID 1, and a signal PID 1 has no handler for is ignored: a SIGTERM
in the first half second (imports, building the data) was lost, and `docker stop` waited its
10 s before killing the container (exit 137); outside one, the same signal killed the process
(exit 143) instead of stopping it. ``catch_early`` is the first thing ``qacmock serve`` does;
the server then stops as soon as it can, and exits 0.
"""
import signal


class StopFlag:
    """Set from a signal handler, read by the serving loop. Not a threading.Event: its set()
    takes a lock, and a second signal arriving while the first handler holds it ran the handler
    again in the same thread, which then waited on that lock forever (a burst of SIGTERMs, or
    Ctrl-C's SIGINT to every worker plus the parent's SIGTERM, hung a worker)."""

    def __init__(self):
        self._set = False

    def set(self):
        self._set = True

    def is_set(self) -> bool:
        return self._set


REQUESTED = StopFlag()
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
DEFAULT_SHUTDOWN_TIMEOUT = 10.0     # seconds calls in flight get to finish once a stop is asked


def _request(_signum, _frame):
    REQUESTED.set()


def catch_early():
    for signum in STOP_SIGNALS:
        signal.signal(signum, _request)
