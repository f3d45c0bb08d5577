"""The request journal: the last N SOAP calls, in a ring buffer, for tests to inspect."""
from __future__ import annotations

import itertools
import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone

DEFAULT_SIZE = 1000
# A page of 200 Bugs is about 300 KB: keep bodies whole up to here, so a journal of
# 1,000 entries with bodies stays in the hundreds of megabytes at worst.
BODY_LIMIT = 512 * 1024


@dataclass
class Entry:
    id: int
    time: datetime
    operation: str | None       # None when the envelope named no known operation
    soap_version: str
    user: str | None
    project: str | None
    client: str | None
    duration_ms: float
    status: int | None          # None: the connection was dropped, nothing was sent
    fault: str | None           # detail/Description/@Text, or the reason of a framework fault
    fault_kind: str | None      # "client" or "server"
    injected: dict | None       # {"rule": id, "action": name} when a fault rule acted
    findings: list | None = None    # the conformance rules the request broke (soap/findings.py)
    # As the API shows them: cut at BODY_LIMIT when recorded, so a journal of big calls keeps
    # no more than it can show.
    request: str | None = field(default=None, repr=False)
    response: str | None = field(default=None, repr=False)

    @property
    def failed(self) -> bool:
        """Anything but a normal answer: a fault, a status other than 200, or an injected failure."""
        return (self.fault is not None or self.status != 200
                or (self.injected is not None and self.injected["action"] != "delay"))

    def to_json(self) -> dict:
        data = {"id": self.id, "time": _iso(self.time), "operation": self.operation,
                "soap_version": self.soap_version, "user": self.user, "project": self.project,
                "client": self.client, "duration_ms": round(self.duration_ms, 3),
                "status": self.status, "fault": self.fault, "fault_kind": self.fault_kind,
                "injected": self.injected, "findings": self.findings}
        if self.request is not None or self.response is not None:
            data["request"], data["response"] = self.request, self.response
        return data


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _text(body: bytes | None) -> str | None:
    if body is None:
        return None
    if len(body) > BODY_LIMIT:
        return body[:BODY_LIMIT].decode("utf-8", "replace") + f"... [{len(body) - BODY_LIMIT} more bytes]"
    return body.decode("utf-8", "replace")


@dataclass(frozen=True)
class Filter:
    """Which entries a query wants; every criterion given must hold."""
    operation: frozenset[str] | None = None
    user: str | None = None
    project: str | None = None
    fault: bool | None = None            # True: failed calls only (see Entry.failed); False: the others
    injected: bool | None = None
    since: datetime | None = None        # entries at or after this moment
    after: int | None = None             # entries with a greater id

    def accepts(self, entry: Entry) -> bool:
        return ((self.operation is None or entry.operation in self.operation)
                and (self.user is None or (entry.user or "").casefold() == self.user.casefold())
                and (self.project is None or entry.project == self.project)
                and (self.fault is None or entry.failed == self.fault)
                and (self.injected is None or (entry.injected is not None) == self.injected)
                and (self.since is None or entry.time >= self.since)
                and (self.after is None or entry.id > self.after))


class Journal:
    def __init__(self, size: int = DEFAULT_SIZE, bodies: bool = False):
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self.configure(size, bodies)

    @property
    def enabled(self) -> bool:
        return self.size > 0

    def configure(self, size: int, bodies: bool):
        """Resize (keeping the newest entries) and choose whether bodies are kept."""
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise ValueError("the journal size must be a whole number of entries, 0 to turn it off")
        with self._lock:
            old = list(getattr(self, "_entries", ()))
            kept = old[-size:] if size else []
            self.size, self.bodies = size, bool(bodies)
            self._entries: deque[Entry] = deque(kept, maxlen=size or None)
            self.dropped = getattr(self, "dropped", 0) + len(old) - len(kept)

    def settings(self) -> dict:
        with self._lock:
            return {"size": self.size, "bodies": self.bodies, "entries": len(self._entries),
                    "dropped": self.dropped}

    def record(self, **fields) -> Entry | None:
        if not self.size:
            return None
        if self.bodies:
            fields["request"], fields["response"] = _text(fields["request"]), _text(fields["response"])
        else:
            fields["request"] = fields["response"] = None
        with self._lock:
            entry = Entry(id=next(self._ids), **fields)
            if len(self._entries) == self.size:
                self.dropped += 1
            self._entries.append(entry)
        return entry

    def entries(self, where: Filter = Filter(), limit: int | None = None) -> list[Entry]:
        """Matching entries, oldest first; with a limit, the newest ``limit`` of them."""
        with self._lock:
            found = [e for e in self._entries if where.accepts(e)]
        return found[-limit:] if limit else found

    def count(self, where: Filter = Filter()) -> int:
        with self._lock:
            return sum(1 for e in self._entries if where.accepts(e))

    def clear(self):
        with self._lock:
            self._entries.clear()
            self.dropped = 0


def now() -> datetime:
    return datetime.now(timezone.utc)
