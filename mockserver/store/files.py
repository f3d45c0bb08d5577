"""Attached files' bytes, kept apart from the items so that the database stays small to copy.

Contents live in their own SQLite database (the main file's path plus ``-files``, or memory),
one row per distinct content, keyed by its SHA-256; the main database only names the hash.
Contents are never changed and not removed while the process runs, so a snapshot or reset of the
main database, which copies no file, still finds every file its attachments name.
"""
from __future__ import annotations

import hashlib
import sqlite3
import threading


class FileStore:
    def __init__(self, main_path: str):
        path = ":memory:" if main_path == ":memory:" else main_path + "-files"
        self.conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        if path != ":memory:":
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.execute("CREATE TABLE IF NOT EXISTS Files (Sha256 TEXT PRIMARY KEY, Data BLOB NOT NULL)")
        self.lock = threading.Lock()

    def put(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        with self.lock:
            self.conn.execute("INSERT OR IGNORE INTO Files (Sha256, Data) VALUES (?, ?)", (digest, data))
        return digest

    def get(self, digest: str) -> bytes | None:
        with self.lock:
            row = self.conn.execute("SELECT Data FROM Files WHERE Sha256 = ?", (digest,)).fetchone()
        return bytes(row[0]) if row else None

    def close(self):
        with self.lock:
            self.conn.close()
