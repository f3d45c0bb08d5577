"""Progress of long seeding runs: a bar on a terminal, log lines elsewhere, silence for
anything that finishes within a second."""
from __future__ import annotations

import logging
import sys
import time

log = logging.getLogger("qacmock.seed")
QUIET_FOR = 1.0      # seconds before anything is shown


class Progress:
    def __init__(self, stream=None, enabled: bool = True):
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.tty = enabled and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.what, self.total, self.done = "", 0, 0
        self.started = self.last = 0.0
        self.shown = False
        self.next_log = 0.1

    def start(self, what: str, total: int):
        self.what, self.total, self.done = what, total, 0
        self.started = self.last = time.monotonic()
        self.shown, self.next_log = False, 0.1

    def advance(self, count: int):
        self.done += count
        if not self.enabled or not self.total:
            return
        now = time.monotonic()
        if now - self.started < QUIET_FOR:
            return
        share = self.done / self.total
        if self.tty:
            if now - self.last >= 0.1 or self.done >= self.total:
                width = 30
                filled = int(width * share)
                self.stream.write(f"\r{self.what:<6} [{'#' * filled}{'.' * (width - filled)}] "
                                  f"{self.done:,}/{self.total:,}")
                self.stream.flush()
                self.last, self.shown = now, True
        elif share >= self.next_log:
            log.info("%s: %s of %s (%d%%)", self.what, f"{self.done:,}", f"{self.total:,}", share * 100)
            self.next_log = (int(share * 10) + 1) / 10
            self.shown = True

    def finish(self):
        if self.shown:
            elapsed = time.monotonic() - self.started
            if self.tty:
                self.stream.write("\n")
            log.info("%s: %s written in %.1f s", self.what, f"{self.done:,}", elapsed)
