"""The server's clock. Seeding runs on a fixed one, so generated data is reproducible."""
import contextlib
import threading
from datetime import datetime

_fixed = threading.local()


def now() -> datetime:
    """Server local time, naive, at the millisecond precision the store keeps."""
    t = getattr(_fixed, "at", None) or datetime.now()
    return t.replace(microsecond=t.microsecond // 1000 * 1000)


@contextlib.contextmanager
def fixed(at: datetime):
    """Within the block, and on this thread only, ``now()`` is ``at``."""
    previous = getattr(_fixed, "at", None)
    _fixed.at = at
    try:
        yield
    finally:
        _fixed.at = previous
