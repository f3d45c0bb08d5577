"""The request journal: the last N SOAP calls, for tests to inspect."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone

from ..store.control import ControlStore

DEFAULT_SIZE = 1000
MAX_SIZE = 10_000_000           # entries; a bound the store's arithmetic on ids keeps exact
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
    # True: failed calls only (a fault, a status other than 200, an injected failure); False: the others
    fault: bool | None = None
    injected: bool | None = None
    since: datetime | None = None        # entries at or after this moment
    after: int | None = None             # entries with a greater id


class Journal:
    """The last ``size`` calls, kept in the control store: every worker process records into
    the same journal and reads it whole."""

    def __init__(self, control: ControlStore, size: int | None = None, bodies: bool = False):
        self.control = control
        if size is not None:            # the one who made the store sets it up
            self.configure(size, bodies)
        else:
            self.reload()

    def reload(self):
        """Take the settings as the store holds them (another process may have changed them)."""
        self.size = self.control.setting("journal_size") or 0
        self.bodies = bool(self.control.setting("journal_bodies"))

    def configure(self, size: int, bodies: bool):
        """Resize (keeping the newest entries) and choose whether bodies are kept."""
        if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= MAX_SIZE:
            raise ValueError(f"the journal size must be a whole number of entries up to {MAX_SIZE}, "
                             f"0 to turn it off")
        with self.control.writing():
            self.control.set_setting("journal_size", size)
            self.control.set_setting("journal_bodies", bool(bodies))
            self.control.journal_keep(size)
        self.size, self.bodies = size, bool(bodies)

    def settings(self) -> dict:
        kept, dropped = self.control.journal_counts()
        return {"size": self.size, "bodies": self.bodies, "entries": kept, "dropped": dropped}

    def record(self, **fields) -> int | None:
        """Keep one call; its entry's id (None with the journal off)."""
        if not self.size:
            return None
        injected = fields["injected"]
        values = {"Time": _microseconds(fields["time"]), "Operation": fields["operation"],
                  "SoapVersion": fields["soap_version"], "User": fields["user"],
                  "UserKey": (fields["user"] or "").casefold(), "Project": fields["project"],
                  "Client": fields["client"], "DurationMs": fields["duration_ms"], "Status": fields["status"],
                  "Fault": fields["fault"], "FaultKind": fields["fault_kind"],
                  "InjectedRule": injected and injected["rule"], "InjectedAction": injected and injected["action"],
                  "Findings": json.dumps(fields["findings"]) if fields["findings"] else None}
        if self.bodies:
            values["Request"], values["Response"] = _text(fields["request"]), _text(fields["response"])
        return self.control.journal_add(values)

    def entries(self, where: Filter = Filter(), limit: int | None = None) -> list[Entry]:
        """Matching entries, oldest first; with a limit, the newest ``limit`` of them."""
        return [_entry(row) for row in self.control.journal_rows(limit, **_sql_filter(where))]

    def count(self, where: Filter = Filter()) -> int:
        return self.control.journal_count(**_sql_filter(where))

    def clear(self):
        self.control.journal_clear()


def _sql_filter(where: Filter) -> dict:
    """The filter as the store takes it: times in microseconds since the epoch."""
    return asdict(where) | {"since": None if where.since is None else _microseconds(where.since)}


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _microseconds(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)


def _entry(row: dict) -> Entry:
    return Entry(id=row["Id"], time=_EPOCH + timedelta(microseconds=row["Time"]), operation=row["Operation"],
                 soap_version=row["SoapVersion"], user=row["User"], project=row["Project"],
                 client=row["Client"], duration_ms=row["DurationMs"], status=row["Status"], fault=row["Fault"],
                 fault_kind=row["FaultKind"],
                 injected=None if row["InjectedRule"] is None else {"rule": row["InjectedRule"],
                                                                    "action": row["InjectedAction"]},
                 findings=json.loads(row["Findings"]) if row["Findings"] else None,
                 request=row.get("Request"), response=row.get("Response"))


def now() -> datetime:
    return datetime.now(timezone.utc)
