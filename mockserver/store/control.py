"""The control plane's state in SQLite: the journal, the conformance findings, the fault rules,
the snapshots, the journal's settings and the clock.

One process keeps it in memory. Worker processes share a file beside the data (``<db>-control``)
and counters in memory mapped before they were forked: a worker rereads what it caches (settings,
rules, clock) only when the change counter has moved, so a call that finds nothing changed pays
one read of shared memory, not a query."""
from __future__ import annotations

import contextlib
import json
import mmap
import multiprocessing
import os
import sqlite3
import struct
import threading

from ..registry import REGISTRY

CONTROL_SUFFIX = "-control"
_COUNTER = struct.Struct("Q")

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS Settings (Name TEXT PRIMARY KEY, Value)",
    # Time in microseconds since the epoch (UTC): exact, and ordered as the calls came.
    "CREATE TABLE IF NOT EXISTS Journal (Id INTEGER PRIMARY KEY AUTOINCREMENT, Time INTEGER NOT NULL, "
    "Operation TEXT, SoapVersion TEXT, User TEXT, UserKey TEXT NOT NULL, Project TEXT, Client TEXT, "
    "DurationMs REAL, Status INTEGER, Fault TEXT, FaultKind TEXT, InjectedRule INTEGER, "
    "InjectedAction TEXT, Findings TEXT, Request TEXT, Response TEXT)",
    # '' stands for "no operation" where a key cannot be NULL.
    "CREATE TABLE IF NOT EXISTS FindingCounts (Operation TEXT NOT NULL, Rule TEXT NOT NULL, "
    "Findings INTEGER NOT NULL, PRIMARY KEY (Operation, Rule))",
    "CREATE TABLE IF NOT EXISTS Findings (Id INTEGER PRIMARY KEY AUTOINCREMENT, Operation TEXT NOT NULL, "
    "Rule TEXT NOT NULL, Finding TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS FaultRules (Id INTEGER PRIMARY KEY AUTOINCREMENT, Options TEXT NOT NULL, "
    "Matched INTEGER NOT NULL DEFAULT 0, Fired INTEGER NOT NULL DEFAULT 0, RandomState TEXT)",
    "CREATE TABLE IF NOT EXISTS Snapshots (Name TEXT PRIMARY KEY, Created TEXT NOT NULL, Data BLOB NOT NULL)",
    # The rings: ids are consecutive since the last clear, so the newest N are those above the
    # new id - N. Triggers, because a statement more per call from Python cost more than the rest.
    "CREATE TRIGGER IF NOT EXISTS JournalRing AFTER INSERT ON Journal BEGIN DELETE FROM Journal WHERE "
    "Id <= NEW.Id - (SELECT Value FROM Settings WHERE Name = 'journal_size'); END",
    "CREATE TRIGGER IF NOT EXISTS FindingsRing AFTER INSERT ON Findings BEGIN DELETE FROM Findings WHERE "
    "Id <= NEW.Id - (SELECT Value FROM Settings WHERE Name = 'findings_kept'); END",
)
_FAILED = ("(Fault IS NOT NULL OR Status IS NULL OR Status <> 200 "
           "OR (InjectedAction IS NOT NULL AND InjectedAction <> 'delay'))")


# The slot of each operation's count of inspected requests (None: the request named none);
# slot 0 is the change counter.
_SLOTS = {name: slot for slot, name in enumerate([op.name for op in REGISTRY.operations] + [None], start=1)}


class SharedCounters:
    """Numbers in anonymous shared memory: processes forked after they were made see the same ones.

    - The change counter moves after a change to what processes cache (settings, rules, clock)
      is committed, so a process that reads it, then the store, rereads the store for any change
      it missed.
    - The requests inspected per operation: a call adds one here, where a statement in the store
      cost more than the rest of recording the call."""

    def __init__(self):
        self._memory = mmap.mmap(-1, _COUNTER.size * (1 + len(_SLOTS)))
        self._lock = multiprocessing.Lock()        # a semaphore, shared across fork() as well

    def _get(self, slot: int) -> int:
        return _COUNTER.unpack_from(self._memory, slot * _COUNTER.size)[0]

    @contextlib.contextmanager
    def _locked(self):
        # A worker killed while holding the semaphore would leave it taken: after a second, go
        # on without it (at worst a count is lost), rather than hang every other worker.
        held = self._lock.acquire(timeout=1.0)
        try:
            yield
        finally:
            if held:
                self._lock.release()

    def _add(self, slot: int):
        with self._locked():
            _COUNTER.pack_into(self._memory, slot * _COUNTER.size, self._get(slot) + 1)

    @property
    def version(self) -> int:
        return self._get(0)

    def changed(self):
        self._add(0)

    def add_inspected(self, operation: str | None):
        self._add(_SLOTS[operation])

    def inspected(self) -> dict[str | None, int]:
        with self._locked():
            return {name: n for name, slot in _SLOTS.items() if (n := self._get(slot))}

    def clear_inspected(self):
        with self._locked():
            for slot in _SLOTS.values():
                _COUNTER.pack_into(self._memory, slot * _COUNTER.size, 0)


def control_path(db: str) -> str:
    return db + CONTROL_SUFFIX


def remove_control_files(path: str):
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(path + suffix)


class ControlStore:
    def __init__(self, path: str = ":memory:", counters: SharedCounters | None = None):
        self.path = path
        self.counters = counters or SharedCounters()
        self.conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        # Several workers write it at once; what it holds is worth no fsync (a restart starts afresh).
        self.conn.execute("PRAGMA busy_timeout = 30000")
        if path != ":memory:":
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = OFF")
        self.lock = threading.RLock()
        self._changed = False
        self._inserts: dict[tuple, str] = {}
        with self.writing(changed=False):
            for statement in _SCHEMA:
                self.conn.execute(statement)

    @property
    def version(self) -> int:
        return self.counters.version

    def close(self):
        with self.lock:
            self.conn.close()

    @contextlib.contextmanager
    def writing(self, changed: bool = True):
        """One write transaction (nested ones join it). ``changed``: it changes what processes
        cache (settings, rules, clock), so the change counter moves once it is committed."""
        with self.lock:
            if self.conn.in_transaction:
                yield
                self._changed |= changed
                return
            self.conn.execute("BEGIN IMMEDIATE")
            self._changed = changed
            try:
                yield
                self.conn.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            if self._changed:
                self.counters.changed()

    def _value(self, sql: str, params=()):
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    # -- settings -----------------------------------------------------------------
    def setting(self, name: str):
        with self.lock:
            value = self._value("SELECT Value FROM Settings WHERE Name = ?", (name,))
        return None if value is None else json.loads(value)

    def set_setting(self, name: str, value, changed: bool = True):
        with self.writing(changed):
            self.conn.execute("INSERT INTO Settings (Name, Value) VALUES (?, ?) "
                              "ON CONFLICT (Name) DO UPDATE SET Value = excluded.Value", (name, json.dumps(value)))

    # -- journal ------------------------------------------------------------------
    def journal_add(self, values: dict) -> int:
        """A new entry (``values`` by column), the oldest dropped past the journal's size; its id.
        One statement, its own transaction: the cheapest write a call can make."""
        sql = self._inserts.get(tuple(values))
        if sql is None:
            sql = self._inserts[tuple(values)] = (f"INSERT INTO Journal ({', '.join(values)}) "
                                                  f"VALUES ({', '.join('?' * len(values))})")
        with self.lock:
            return self.conn.execute(sql, tuple(values.values())).lastrowid

    def journal_keep(self, size: int):
        with self.writing(changed=False):
            newest = self._value("SELECT MAX(Id) FROM Journal")
            if newest is not None:
                self.conn.execute("DELETE FROM Journal WHERE Id <= ?", (newest - size,))

    def journal_clear(self):
        with self.writing(changed=False):
            self.conn.execute("DELETE FROM Journal")
            self.set_setting("journal_cleared", self._last_id("Journal"), changed=False)

    def journal_counts(self) -> tuple[int, int]:
        """(entries kept, entries dropped since the last clear)."""
        with self.lock:
            kept = self._value("SELECT COUNT(*) FROM Journal")
            return kept, self._last_id("Journal") - (self.setting("journal_cleared") or 0) - kept

    def _last_id(self, table: str) -> int:
        return self._value("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)) or 0

    def journal_rows(self, limit: int | None = None, **where) -> list[dict]:
        """Matching entries (by column) oldest first; with ``limit``, the newest ``limit`` of them."""
        condition, params = _journal_where(**where)
        sql = f"SELECT * FROM Journal WHERE {condition} ORDER BY Id DESC"
        if limit:
            sql += " LIMIT ?"
            params.append(limit)
        with self.lock:
            cursor = self.conn.execute(sql, params)
            names = [d[0] for d in cursor.description]
            rows = [dict(zip(names, row)) for row in cursor.fetchall()]
        rows.reverse()
        return rows

    def journal_count(self, **where) -> int:
        condition, params = _journal_where(**where)
        with self.lock:
            return self._value(f"SELECT COUNT(*) FROM Journal WHERE {condition}", params)

    # -- conformance findings -------------------------------------------------------
    def findings_add(self, operation: str | None, findings: list[tuple[str | None, str, dict]]):
        """One inspected request of ``operation``, with its findings (operation, rule, finding)."""
        self.counters.add_inspected(operation)
        if not findings:
            return
        with self.writing(changed=False):
            for finding_operation, rule, finding in findings:
                self.conn.execute("INSERT INTO FindingCounts (Operation, Rule, Findings) VALUES (?, ?, 1) "
                                  "ON CONFLICT (Operation, Rule) DO UPDATE SET Findings = Findings + 1",
                                  (finding_operation or "", rule))
                self.conn.execute("INSERT INTO Findings (Operation, Rule, Finding) VALUES (?, ?, ?)",
                                  (finding_operation or "", rule, json.dumps(finding)))

    def findings_report(self, operations: frozenset | None, rules: frozenset | None):
        """(requests inspected, [(operation, rule, count)], [finding, oldest first], dropped)."""
        op_sql, op_params = _among("Operation", operations and {o or "" for o in operations})
        rule_sql, rule_params = _among("Rule", rules)
        requests = sum(n for op, n in self.counters.inspected().items() if operations is None or op in operations)
        with self.lock:
            counts = [(op or None, rule, n) for op, rule, n in self.conn.execute(
                f"SELECT Operation, Rule, Findings FROM FindingCounts WHERE {op_sql} AND {rule_sql}",
                op_params + rule_params)]
            recent = [json.loads(text) for text, in self.conn.execute(
                f"SELECT Finding FROM Findings WHERE {op_sql} AND {rule_sql} ORDER BY Id",
                op_params + rule_params)]
            dropped = (self._last_id("Findings") - (self.setting("findings_cleared") or 0)
                       - self._value("SELECT COUNT(*) FROM Findings"))
        return requests, counts, recent, dropped

    def findings_clear(self):
        self.counters.clear_inspected()
        with self.writing(changed=False):
            for table in ("FindingCounts", "Findings"):
                self.conn.execute(f"DELETE FROM {table}")
            self.set_setting("findings_cleared", self._last_id("Findings"), changed=False)

    # -- fault rules ------------------------------------------------------------------
    def rules(self) -> list[tuple[int, dict, int, int]]:
        """(id, options, matched, fired) of every rule, oldest first."""
        with self.lock:
            return [(rule_id, json.loads(options), matched, fired) for rule_id, options, matched, fired in
                    self.conn.execute("SELECT Id, Options, Matched, Fired FROM FaultRules ORDER BY Id")]

    def rule_add(self, options: dict, most: int) -> int | None:
        """The new rule's id; None when there are ``most`` rules already."""
        with self.writing():
            if self._value("SELECT COUNT(*) FROM FaultRules") >= most:
                return None
            return self.conn.execute("INSERT INTO FaultRules (Options) VALUES (?)", (json.dumps(options),)).lastrowid

    def rule_delete(self, rule_id: int) -> bool:
        with self.writing():
            return self.conn.execute("DELETE FROM FaultRules WHERE Id = ?", (rule_id,)).rowcount > 0

    def rules_clear(self):
        with self.writing():
            self.conn.execute("DELETE FROM FaultRules")

    # rule_match, rule_fired and the random state run inside the caller's ``writing()``
    # (FaultRules.fire): one transaction for the whole decision on a call.
    def rule_match(self, rule_id: int) -> int | None:
        """Count a matching call on a rule that may still fire; its matched count, or None when
        it is used up (``times``) or gone."""
        row = self.conn.execute("UPDATE FaultRules SET Matched = Matched + 1 WHERE Id = ? "
                                "AND (json_extract(Options, '$.times') IS NULL "
                                "OR Fired < json_extract(Options, '$.times')) RETURNING Matched",
                                (rule_id,)).fetchone()
        return None if row is None else row[0]

    def rule_fired(self, rule_id: int) -> int:
        return self.conn.execute("UPDATE FaultRules SET Fired = Fired + 1 WHERE Id = ? RETURNING Fired",
                                 (rule_id,)).fetchone()[0]

    def rule_random_state(self, rule_id: int):
        text = self._value("SELECT RandomState FROM FaultRules WHERE Id = ?", (rule_id,))
        return None if text is None else json.loads(text)

    def set_rule_random_state(self, rule_id: int, state):
        self.conn.execute("UPDATE FaultRules SET RandomState = ? WHERE Id = ?", (json.dumps(state), rule_id))

    # -- snapshots ----------------------------------------------------------------------
    def snapshot_save(self, name: str, created: str, data: bytes):
        with self.writing(changed=False):
            # REPLACE, not an update: a snapshot saved again is listed last, as a new one is.
            self.conn.execute("INSERT OR REPLACE INTO Snapshots (Name, Created, Data) VALUES (?, ?, ?)",
                              (name, created, data))

    def snapshot_data(self, name: str) -> bytes | None:
        with self.lock:
            return self._value("SELECT Data FROM Snapshots WHERE Name = ?", (name,))

    def snapshot_delete(self, name: str) -> bool:
        with self.writing(changed=False):
            return self.conn.execute("DELETE FROM Snapshots WHERE Name = ?", (name,)).rowcount > 0

    def snapshots(self) -> list[tuple[str, str, int]]:
        """(name, created, bytes) of every snapshot, in the order they were saved."""
        with self.lock:
            return list(self.conn.execute("SELECT Name, Created, LENGTH(Data) FROM Snapshots ORDER BY rowid"))


def _among(column: str, values) -> tuple[str, list]:
    if values is None:
        return "1", []
    values = sorted(values)
    return f"{column} IN ({', '.join('?' * len(values))})", values


def _journal_where(operation=None, user=None, project=None, fault=None, injected=None, since=None,
                   after=None) -> tuple[str, list]:
    """The SQL condition of a journal filter (control/journal.Filter's fields)."""
    parts, params = [], []
    if operation is not None:
        sql, values = _among("Operation", operation)
        parts.append(sql)
        params += values
    if user is not None:
        parts.append("UserKey = ?")
        params.append(user.casefold())
    if project is not None:
        parts.append("Project = ?")
        params.append(project)
    if fault is not None:
        parts.append(_FAILED if fault else f"NOT {_FAILED}")
    if injected is not None:
        parts.append("InjectedRule IS NOT NULL" if injected else "InjectedRule IS NULL")
    if since is not None:
        parts.append("Time >= ?")
        params.append(since)
    if after is not None:
        parts.append("Id > ?")
        params.append(after)
    return " AND ".join(parts) or "1", params
