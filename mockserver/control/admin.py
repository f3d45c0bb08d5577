"""The admin API under ``/__admin/``: JSON over HTTP, for tests and CI.

    GET    /__admin/health                    ready, versions, item counts
    POST   /__admin/reset                     back to the data the server started with
    POST   /__admin/seed                      {"seed": N, "scale": "small|default|large|N"}
    GET    /__admin/snapshots                 the saved snapshots
    POST   /__admin/snapshots                 {"name": "before-sync"}: save the whole state
    POST   /__admin/snapshots/<name>/restore  make the state what it was
    DELETE /__admin/snapshots/<name>
    GET    /__admin/journal                   recorded SOAP calls, oldest first; filters as query
                                              parameters: operation, user, project, fault,
                                              injected, since, after, limit
    GET    /__admin/journal/count             how many entries match the same filters
    DELETE /__admin/journal                   forget every entry
    GET    /__admin/journal/settings          {"size": N, "bodies": false, ...}
    PUT    /__admin/journal/settings          {"size": N, "bodies": true}: resize, keep bodies
    GET    /__admin/emails                    the outbox: what the service would have e-mailed,
                                              oldest first; filters: to, subject (substrings),
                                              operation (SendEmail, Add, Update, Delete, Register), limit
    DELETE /__admin/emails                    empty the outbox
    GET    /__admin/clock                     the server's clock: now, controlled, frozen
    PUT    /__admin/clock                     {"freeze": "2026-03-01T09:00:00"} stands it still,
                                              {"at": "..."} runs it on from a moment,
                                              {"advance": 3600} moves it, {"release": true} gives
                                              back the machine's (times are the server's local time)
    GET    /__admin/logs                      {"db": [...], "perf": [...]}: what DbLogs_Add and
                                              PerfLogs_Add wrote, oldest first
    DELETE /__admin/logs                      forget them
    GET    /__admin/preferences               {"restricted_extensions": [...], "restricted_entities": [...]}
    PUT    /__admin/preferences               set either list: what Preferences_Is*Restricted
                                              answer true for (nothing by default)
    GET    /__admin/conformance               how the requests so far deviate from the contract: counts
                                              per rule (and operation), the newest findings with
                                              evidence; filters (comma-separated lists): operation,
                                              severity (refused, tolerated, note), rule; and limit
    GET    /__admin/conformance/rules         every rule: id, severity, title, reference
    DELETE /__admin/conformance               forget every finding
    GET    /__admin/faults                    the fault-injection rules
    POST   /__admin/faults                    add a rule (see mockserver/control/injection.py)
    DELETE /__admin/faults                    delete every rule
    DELETE /__admin/faults/<id>

Reset also clears the journal, the conformance findings and the fault rules, and with {"clock": true} releases the clock;
restoring a snapshot changes data only. With several worker processes (serve --workers) all of
this is shared: whichever process answers sees the same journal, rules, snapshots and clock.
With a token configured, every call needs ``Authorization: Bearer <token>``.
"""
from __future__ import annotations

import hmac
import json
import math
import os
import re
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qsl

from .. import QACOMPLETE_VERSION, __version__
from ..domain import clock
from ..registry import REGISTRY
from ..seed import build, check
from ..soap.findings import RULES
from .conformance import Query
from .injection import RuleError
from .journal import Filter

PREFIX = "/__admin"
MAX_BODY = 1024 * 1024
SNAPSHOT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
JOURNAL_FILTERS = ("operation", "user", "project", "fault", "injected", "since", "after", "limit")


class AdminError(Exception):
    def __init__(self, status: str, message: str):
        super().__init__(message)
        self.status, self.message = status, message


class AdminApi:
    def __init__(self, mock, token: str | None = None, workers: int = 1):
        # An empty token (QACMOCK_ADMIN_TOKEN= in CI) means none, as the log and client read it.
        self.mock, self.token, self.workers = mock, token or None, workers

    @staticmethod
    def handles(path: str) -> bool:
        return path == PREFIX or path.startswith(PREFIX + "/")

    def __call__(self, environ, start_response):
        try:
            self._authorise(environ)
            status, payload = self._route(environ)
        except AdminError as error:
            status, payload = error.status, {"error": error.message}
        body = json.dumps(payload, indent=1).encode("utf-8") + b"\n"
        start_response(status, [("Content-Type", "application/json; charset=utf-8"),
                                ("Content-Length", str(len(body)))])
        return [body]

    def _authorise(self, environ):
        if self.token is None:
            return
        given = environ.get("HTTP_AUTHORIZATION", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {self.token}".encode()):
            raise AdminError("401 Unauthorized", "the admin API needs 'Authorization: Bearer <token>'")

    def _route(self, environ):
        method = environ.get("REQUEST_METHOD", "GET")
        parts = [p for p in environ.get("PATH_INFO", "")[len(PREFIX):].split("/") if p]
        if parts == ["health"] and method == "GET":
            return "200 OK", self.health()
        if parts == ["reset"] and method == "POST":
            options = self._json(environ)
            unknown = sorted(set(options) - {"clock"})
            if unknown or not isinstance(options.get("clock", False), bool):
                raise AdminError("400 Bad Request", "reset takes {} or {\"clock\": true}")
            self.mock.control.reset(release_clock=options.get("clock", False))
            return "200 OK", {"status": "reset"}
        if parts[:1] == ["journal"]:
            return self._journal(method, parts[1:], environ)
        if parts[:1] == ["faults"]:
            return self._faults(method, parts[1:], environ)
        if parts[:1] == ["conformance"]:
            return self._conformance(method, parts[1:], environ)
        if parts == ["logs"]:
            return self._logs(method, environ)
        if parts == ["preferences"]:
            return self._preferences(method, environ)
        if parts == ["clock"]:
            return self._clock(method, environ)
        if parts == ["emails"]:
            return self._emails(method, environ)
        if parts == ["seed"] and method == "POST":
            return "200 OK", self.seed(self._json(environ))
        if parts == ["snapshots"] and method == "GET":
            return "200 OK", {"snapshots": self.mock.snapshots.listed()}
        if parts == ["snapshots"] and method == "POST":
            name = self._snapshot_name(self._json(environ).get("name"))
            return "201 Created", self.mock.snapshots.save(name)
        if len(parts) >= 2 and parts[0] == "snapshots":
            name = self._snapshot_name(parts[1])
            try:
                if parts[2:] == ["restore"] and method == "POST":
                    self.mock.snapshots.restore(name)
                    return "200 OK", {"status": "restored", "name": name}
                if parts[2:] == [] and method == "DELETE":
                    self.mock.snapshots.delete(name)
                    return "200 OK", {"status": "deleted", "name": name}
            except KeyError:
                raise AdminError("404 Not Found", f"no snapshot named '{name}'") from None
        raise self._no_endpoint(method, environ)

    def _journal(self, method: str, rest: list[str], environ):
        journal = self.mock.journal
        if rest == [] and method == "GET":
            where, limit = self._journal_query(environ)
            entries = journal.entries(where, limit)
            return "200 OK", {"entries": [e.to_json() for e in entries], "count": len(entries),
                              "settings": journal.settings()}
        if rest == ["count"] and method == "GET":
            where, _ = self._journal_query(environ, JOURNAL_FILTERS[:-1])
            return "200 OK", {"count": journal.count(where)}
        if rest == [] and method == "DELETE":
            journal.clear()
            return "200 OK", {"status": "cleared"}
        if rest == ["settings"] and method == "GET":
            return "200 OK", journal.settings()
        if rest == ["settings"] and method in ("PUT", "POST"):
            options = self._json(environ)
            unknown = sorted(set(options) - {"size", "bodies"})
            if unknown:
                raise AdminError("400 Bad Request", f"unknown journal setting(s) {', '.join(unknown)}; "
                                                    f"known: size, bodies")
            bodies = options.get("bodies", journal.bodies)
            if not isinstance(bodies, bool):
                raise AdminError("400 Bad Request", "bodies must be true or false")
            try:
                journal.configure(options.get("size", journal.size), bodies)
            except ValueError as error:
                raise AdminError("400 Bad Request", str(error)) from None
            return "200 OK", journal.settings()
        raise self._no_endpoint(method, environ)

    def _conformance(self, method: str, rest: list[str], environ):
        conformance = self.mock.soap.conformance
        if rest == [] and method == "GET":
            query = self._query(environ, ("operation", "severity", "rule", "limit"))
            try:
                where = Query.parse(query.get("operation"), query.get("severity"), query.get("rule"))
            except ValueError as error:
                raise AdminError("400 Bad Request", str(error)) from None
            return "200 OK", conformance.report(where, _count(query.get("limit"), "limit", 1))
        if rest == ["rules"] and method == "GET":
            return "200 OK", {"rules": [{"rule": r.id, "severity": r.severity, "title": r.title,
                                         "reference": r.reference} for r in RULES.values()]}
        if rest == [] and method == "DELETE":
            conformance.clear()
            return "200 OK", {"status": "cleared"}
        raise self._no_endpoint(method, environ)

    def _logs(self, method: str, environ):
        store = self.mock.store
        if method == "GET":
            with store.lock:
                return "200 OK", {"db": store.logs("DbLogs"), "perf": store.logs("PerfLogs")}
        if method == "DELETE":
            with store.transaction():
                store.clear_logs()
            return "200 OK", {"status": "cleared"}
        raise self._no_endpoint(method, environ)

    def _preferences(self, method: str, environ):
        store = self.mock.store
        keys = ("restricted_extensions", "restricted_entities")
        if method in ("PUT", "POST"):
            options = self._json(environ)
            unknown = sorted(set(options) - set(keys))
            if unknown:
                raise AdminError("400 Bad Request", f"unknown preference(s) {', '.join(unknown)}; known: "
                                                    f"{', '.join(keys)}")
            for key, names in options.items():
                if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
                    raise AdminError("400 Bad Request", f"{key} must be a list of names")
            with store.transaction():
                for key, names in options.items():
                    store.set_setting(key, json.dumps(names))
        elif method != "GET":
            raise self._no_endpoint(method, environ)
        with store.lock:
            return "200 OK", {key: json.loads(store.setting(key) or "[]") for key in keys}

    def _clock(self, method: str, environ):
        if method == "GET":
            return "200 OK", clock.state()
        if method not in ("PUT", "POST"):
            raise self._no_endpoint(method, environ)
        options = self._json(environ)
        if len(options) != 1 or next(iter(options)) not in ("freeze", "at", "advance", "release"):
            raise AdminError("400 Bad Request", 'give one of {"freeze": TIME}, {"at": TIME}, {"advance": SECONDS} '
                                                'or {"release": true}')
        (what, value), = options.items()
        if what == "advance":
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
                raise AdminError("400 Bad Request", f"advance must be a number of seconds (got {value!r})")
            try:
                target = clock.now() + timedelta(seconds=value)
            except OverflowError:
                target = None
            if target is None or not 1 <= target.year <= 9998:
                raise AdminError("400 Bad Request", f"advance {value!r} takes the clock out of range "
                                                    f"(years 1 to 9998)")
            clock.advance(value)
        elif what == "release":
            if value is not True:
                raise AdminError("400 Bad Request", "release must be true")
            clock.release()
        else:
            clock.set_time(_local_moment(value, what), frozen=what == "freeze")
        self.mock.control.clock_changed()
        return "200 OK", clock.state()

    def _emails(self, method: str, environ):
        store = self.mock.store
        if method == "DELETE":
            with store.transaction():
                store.clear_emails()
            return "200 OK", {"status": "cleared"}
        if method != "GET":
            raise self._no_endpoint(method, environ)
        query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        unknown = sorted(set(query) - {"to", "subject", "operation", "limit"})
        if unknown:
            raise AdminError("400 Bad Request", f"unknown filter(s) {', '.join(unknown)}; known: to, subject, "
                                                f"operation, limit")
        with store.lock:
            emails = store.emails(query.get("to"), query.get("subject"), query.get("operation"),
                                  _count(query.get("limit"), "limit", 1))
        return "200 OK", {"emails": emails, "count": len(emails)}

    @staticmethod
    def _query(environ, known: tuple[str, ...]) -> dict[str, str]:
        """The query parameters, each given at most once and all known; operations checked."""
        query: dict[str, str] = {}
        for key, value in parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True):
            if key not in known:
                raise AdminError("400 Bad Request", f"unknown filter {key}; known: {', '.join(known)}")
            if key in query:
                raise AdminError("400 Bad Request", f"give {key} once (a comma-separated list for several)")
            query[key] = value
        unknown_ops = sorted(o.strip() for o in query.get("operation", "").split(",")
                             if o.strip() and REGISTRY.operation(o.strip()) is None)
        if unknown_ops:
            raise AdminError("400 Bad Request", f"operation {', '.join(unknown_ops)} is not a psws.asmx operation")
        return query

    def _journal_query(self, environ, known=JOURNAL_FILTERS) -> tuple[Filter, int | None]:
        query: dict[str, list[str]] = {}
        for key, value in parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True):
            query.setdefault(key, []).append(value)
        unknown = sorted(set(query) - set(known))
        if unknown:
            raise AdminError("400 Bad Request", f"unknown journal filter(s) {', '.join(unknown)}; "
                                                f"known: {', '.join(known)}")

        def one(name):
            values = query.get(name)
            if values and len(values) > 1:
                raise AdminError("400 Bad Request", f"give {name} once")
            return values[0] if values else None

        operations = None
        if "operation" in query:
            operations = frozenset(o.strip() for v in query["operation"] for o in v.split(",") if o.strip())
            unknown_ops = sorted(o for o in operations if REGISTRY.operation(o) is None)
            if unknown_ops:
                raise AdminError("400 Bad Request", f"operation {', '.join(unknown_ops)} is not a "
                                                    f"psws.asmx operation")
        return Filter(operation=operations, user=one("user"), project=one("project"),
                      fault=_flag(one("fault"), "fault"), injected=_flag(one("injected"), "injected"),
                      since=_moment(one("since")), after=_count(one("after"), "after", 0)), \
            _count(one("limit"), "limit", 1)

    def _faults(self, method: str, rest: list[str], environ):
        rules = self.mock.rules
        if rest == [] and method == "GET":
            return "200 OK", {"rules": rules.listed()}
        if rest == [] and method == "POST":
            try:
                return "201 Created", rules.add(self._json(environ)).to_json()
            except RuleError as error:
                raise AdminError("400 Bad Request", str(error)) from None
        if rest == [] and method == "DELETE":
            rules.clear()
            return "200 OK", {"status": "deleted"}
        if len(rest) == 1 and method == "DELETE":
            rule_id = _count(rest[0], "rule id", 1)
            try:
                rules.delete(rule_id)
            except KeyError:
                raise AdminError("404 Not Found", f"no fault rule {rule_id}") from None
            return "200 OK", {"status": "deleted", "id": rule_id}
        raise self._no_endpoint(method, environ)

    @staticmethod
    def _no_endpoint(method, environ) -> AdminError:
        return AdminError("404 Not Found", f"no admin endpoint {method} {environ.get('PATH_INFO')}; "
                                           f"see GET {PREFIX}/health")

    def health(self) -> dict:
        store = self.mock.store
        with store.lock:            # one consistent set of counts
            items = {e.type_name: store.count_rows(e.table) for e in REGISTRY.exposed_entities}
        return {"status": "ready", "version": __version__, "qacomplete_version": QACOMPLETE_VERSION,
                "workers": self.workers, "pid": os.getpid(), "items": items}

    def seed(self, options: dict) -> dict:
        scale, seed = options.get("scale", "default"), options.get("seed")
        if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
            raise AdminError("400 Bad Request", "seed must be an integer")
        if not isinstance(scale, (str, int)) or isinstance(scale, bool):
            raise AdminError("400 Bad Request", "scale must be small, default, large or a number of defects")
        store = self.mock.store
        with store.lock:       # requests wait: none sees a half-built dataset
            try:
                check(self.mock.dataset, scale)
            except ValueError as error:
                raise AdminError("400 Bad Request", str(error)) from None
            self.mock.snapshots.clear()
            build(store, self.mock.dataset, scale, seed)
        return {**self.health(), "status": "seeded"}

    @staticmethod
    def _json(environ) -> dict:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY:
            raise AdminError("413 Payload Too Large", f"admin requests are limited to {MAX_BODY} bytes")
        raw = environ["wsgi.input"].read(length) if length else b""
        if not raw.strip():
            return {}
        try:
            data = json.loads(raw)
        except ValueError as error:
            raise AdminError("400 Bad Request", f"the body is not JSON: {error}") from None
        if not isinstance(data, dict):
            raise AdminError("400 Bad Request", "the body must be a JSON object")
        return data

    @staticmethod
    def _snapshot_name(name) -> str:
        if not isinstance(name, str) or not SNAPSHOT_NAME.fullmatch(name):
            raise AdminError("400 Bad Request", "a snapshot name is 1-64 letters, digits, '.', '_' or '-', "
                                                "starting with a letter or digit")
        return name


def _flag(value: str | None, name: str) -> bool | None:
    if value is None:
        return None
    if value.lower() in ("true", "1", "yes"):
        return True
    if value.lower() in ("false", "0", "no"):
        return False
    raise AdminError("400 Bad Request", f"{name} must be true or false (got {value!r})")


# SQLite's largest integer: a bigger id or count matches nothing and cannot be bound.
_LARGEST = 2**63 - 1


def _count(value: str | None, name: str, low: int) -> int | None:
    if value is None:
        return None
    if not value.isascii() or not value.isdigit() or not low <= int(value) <= _LARGEST:
        raise AdminError("400 Bad Request", f"{name} must be a whole number from {low} to {_LARGEST} "
                                            f"(got {value!r})")
    return int(value)


def _local_moment(value, name: str) -> datetime:
    """An ISO-8601 time as the server's local time (an offset, if given, is converted)."""
    try:
        moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        raise AdminError("400 Bad Request", f"{name} must be an ISO-8601 time such as 2026-03-01T09:00:00 "
                                            f"(got {value!r})") from None
    if not 1 <= moment.year <= 9998:
        raise AdminError("400 Bad Request", f"{name} {value!r} is out of range")
    return moment.astimezone().replace(tzinfo=None) if moment.tzinfo else moment


def _moment(value: str | None) -> datetime | None:
    """An ISO-8601 time; one without an offset is UTC, as the journal's times are."""
    if value is None:
        return None
    try:
        text = value.strip().replace("Z", "+00:00")
        if "T" in text:     # a '+' offset arrives as a space when the caller did not encode it
            text = re.sub(r" (\d\d:?\d\d)$", r"+\1", text)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise AdminError("400 Bad Request", f"since must be an ISO-8601 time such as "
                                            f"2026-11-23T10:00:00Z (got {value!r})") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
