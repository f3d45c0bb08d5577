"""The server's clock: every date the service writes, and ServerProperties' local time, come from
``now()``. Seeding runs on a fixed one (per thread), so generated data is reproducible; tests of
users' date logic control it for the whole process through the admin API (``/__admin/clock``):
frozen at a moment, or running from a moment, or the machine's own. Worker processes share that
control (``control()`` and ``adopt()``, through the control plane)."""
import contextlib
import threading
import time
from datetime import datetime, timedelta

_fixed = threading.local()
_lock = threading.Lock()
# Process-wide control: (the moment it was set to, the monotonic time then, frozen?), or None.
_control: tuple[datetime, float, bool] | None = None


def now() -> datetime:
    """Server local time, naive, at the millisecond precision the store keeps."""
    t = getattr(_fixed, "at", None) or _controlled() or datetime.now()
    return t.replace(microsecond=t.microsecond // 1000 * 1000)


def _controlled() -> datetime | None:
    control = _control
    if control is None:
        return None
    at, since, frozen = control
    return at if frozen else at + timedelta(seconds=time.monotonic() - since)


@contextlib.contextmanager
def fixed(at: datetime):
    """Within the block, and on this thread only, ``now()`` is ``at``."""
    previous = getattr(_fixed, "at", None)
    _fixed.at = at
    try:
        yield
    finally:
        _fixed.at = previous


def set_time(at: datetime, frozen: bool):
    """From now on ``now()`` is ``at``, standing still or running on from it."""
    global _control
    with _lock:
        _control = (at, time.monotonic(), frozen)


def advance(seconds: float):
    """Move the controlled clock (or the machine's, which it then controls) by ``seconds``."""
    global _control
    with _lock:
        current = _controlled() or datetime.now()
        frozen = _control[2] if _control else False
        _control = (current + timedelta(seconds=seconds), time.monotonic(), frozen)


def release():
    """Back to the machine's clock."""
    global _control
    with _lock:
        _control = None


def state() -> dict:
    control = _control
    return {"now": now().isoformat(timespec="milliseconds"), "controlled": control is not None,
            "frozen": bool(control and control[2])}


def control() -> list | None:
    """The process-wide control as JSON can carry it (to share it with other processes)."""
    control = _control
    return None if control is None else [control[0].isoformat(), control[1], control[2]]


def adopt(shared: list | None):
    """Take the control another process set (``control()``'s form). The monotonic clock is the
    machine's, so its reading taken there runs on here."""
    global _control
    with _lock:
        _control = None if shared is None else (datetime.fromisoformat(shared[0]), shared[1], shared[2])
