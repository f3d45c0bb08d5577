"""Named snapshots of the whole state, plus the two the server keeps for itself: the data it
started with (reset) and the empty schema (reseed). They are kept in the control store, so a
snapshot saved through one worker process is restored through any other."""
from __future__ import annotations

import sqlite3
from datetime import datetime

from ..store import Store
from ..store.control import ControlStore

STARTED = "__started__"
EMPTY = "__empty__"
# Bytes 18-19 of a database file: 2 for WAL. A copy of a WAL file keeps them, and SQLite cannot
# open such a copy in memory; 1 (rollback journal) is what an in-memory database has.
_FILE_FORMAT = slice(18, 20)


class Snapshots:
    def __init__(self, store: Store, control: ControlStore):
        self.store, self.control = store, control

    def save(self, name: str) -> dict:
        copy = self.store.snapshot()
        try:
            data = bytearray(copy.serialize())
        finally:
            copy.close()
        data[_FILE_FORMAT] = b"\x01\x01"
        created = datetime.now().isoformat(timespec="seconds")
        self.control.snapshot_save(name, created, bytes(data))
        return {"name": name, "created": created, "bytes": len(data)}

    def clear(self):
        """Make the database the empty schema, for a reseed. That copy comes from a fresh
        store (the file may hold data), made on first use rather than at every start-up."""
        try:
            self.restore(EMPTY)
        except KeyError:
            empty = Store(":memory:")
            try:
                Snapshots(empty, self.control).save(EMPTY)
            finally:
                empty.close()
            self.restore(EMPTY)

    def restore(self, name: str):
        data = self.control.snapshot_data(name)
        if data is None:
            raise KeyError(name)
        copy = sqlite3.connect(":memory:")
        try:
            copy.deserialize(data)
            self.store.restore_snapshot(copy)
        finally:
            copy.close()

    def delete(self, name: str):
        if not self.control.snapshot_delete(name):
            raise KeyError(name)

    def listed(self) -> list[dict]:
        """The user's snapshots (the server's own are not listed)."""
        return [{"name": name, "created": created, "bytes": size}
                for name, created, size in self.control.snapshots() if not name.startswith("__")]
