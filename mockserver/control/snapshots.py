"""Named snapshots of the whole state, plus the two the server keeps for itself: the data it
started with (reset) and the empty schema (reseed)."""
from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime

from ..store import Store

STARTED = "__started__"
EMPTY = "__empty__"


@dataclass
class Snapshot:
    name: str
    created: datetime
    copy: sqlite3.Connection

    def describe(self) -> dict:
        pages = self.copy.execute("PRAGMA page_count").fetchone()[0]
        size = self.copy.execute("PRAGMA page_size").fetchone()[0]
        return {"name": self.name, "created": self.created.isoformat(timespec="seconds"),
                "bytes": pages * size}


class Snapshots:
    def __init__(self, store: Store):
        self.store = store
        self._items: dict[str, Snapshot] = {}
        # Held for every use of a snapshot's connection, so none is closed while another
        # thread reads or restores it. Lock order: the store's lock first, then this one.
        self._lock = threading.RLock()

    def save(self, name: str) -> dict:
        return self.save_copy(name, self.store.snapshot())

    def save_copy(self, name: str, copy: sqlite3.Connection) -> dict:
        """Keep ``copy`` under ``name``; its description, read before anyone can replace it."""
        snapshot = Snapshot(name, datetime.now(), copy)
        with self._lock:
            old = self._items.pop(name, None)
            self._items[name] = snapshot
            if old:
                old.copy.close()
            return snapshot.describe()

    def clear(self):
        """Make the database the empty schema, for a reseed. That copy comes from a fresh
        store (the file may hold data), made on first use rather than at every start-up."""
        with self._lock:
            if EMPTY not in self._items:
                empty = Store(":memory:")
                self.save_copy(EMPTY, empty.snapshot())
                empty.close()
        self.restore(EMPTY)

    def restore(self, name: str):
        with self.store.lock, self._lock:
            snapshot = self._items.get(name)
            if snapshot is None:
                raise KeyError(name)
            self.store.restore_snapshot(snapshot.copy)

    def delete(self, name: str):
        with self._lock:
            snapshot = self._items.pop(name, None)
            if snapshot is None:
                raise KeyError(name)
            snapshot.copy.close()

    def listed(self) -> list[dict]:
        """The user's snapshots (the server's own are not listed)."""
        with self._lock:
            return [s.describe() for n, s in self._items.items() if not n.startswith("__")]

    def close(self):
        with self._lock:
            for snapshot in self._items.values():
                snapshot.copy.close()
            self._items.clear()
