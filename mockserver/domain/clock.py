from datetime import datetime


def now() -> datetime:
    """Server local time, naive, at the millisecond precision the store keeps."""
    t = datetime.now()
    return t.replace(microsecond=t.microsecond // 1000 * 1000)
