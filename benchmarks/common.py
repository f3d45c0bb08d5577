"""What the benchmarks share: the machine a report states, and running a waitress server until SIGTERM."""
from __future__ import annotations

import os
import platform
import signal
import sqlite3
from pathlib import Path


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}")


def serve_until_stopped(server, banner: str):
    """Run a waitress server, saying ``banner`` once it listens, until SIGTERM or Ctrl-C."""
    def stop(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    print(banner.format(url=f"http://{server.effective_host}:{server.effective_port}"), flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
