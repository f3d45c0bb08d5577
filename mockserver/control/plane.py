"""The control plane's state, in a control store: one process's own, or a file that worker
processes share. Each request starts with ``sync``, which rereads what this process caches
(journal settings, fault rules, the clock) when another process, or thread, has changed it."""
from __future__ import annotations

from ..domain import clock
from ..store import Store
from ..store.control import ControlStore
from .conformance import Conformance
from .injection import FaultRules
from .journal import Journal
from .snapshots import STARTED, Snapshots


class ControlPlane:
    def __init__(self, store: Store, control: ControlStore, journal_size: int | None = None,
                 journal_bodies: bool = False):
        """With ``journal_size``, the store is new and set up here (the data it started with is
        saved for reset); without, it was set up by the process that made it."""
        self.control = control
        self.snapshots = Snapshots(store, control)
        self._seen = control.version
        self.journal = Journal(control, journal_size, journal_bodies)
        if journal_size is not None:
            self.snapshots.save(STARTED)
        self.rules = FaultRules(control)
        self.conformance = Conformance(control)
        self._clock = control.setting("clock")

    def sync(self):
        version = self.control.version
        if version == self._seen:
            return
        self._seen = version
        self.journal.reload()
        self.rules.reload()
        shared = self.control.setting("clock")
        if shared != self._clock:       # only a change: tests in one process may set it directly
            self._clock = shared
            clock.adopt(shared)

    def clock_changed(self):
        """Share the clock this process has just set."""
        self.control.set_setting("clock", clock.control())

    def reset(self, release_clock: bool = False):
        """Back to the data the server started with; journal, findings and fault rules emptied."""
        self.snapshots.restore(STARTED)
        self.rules.clear()
        self.journal.clear()
        self.conformance.clear()
        if release_clock:
            clock.release()
            self.clock_changed()

    def close(self):
        self.control.close()
