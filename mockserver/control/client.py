"""The admin API from Python, for users' own tests:

    from mockserver.control.client import AdminClient
    admin = AdminClient("http://localhost:8080")          # token="..." if the server has one
    admin.snapshot("clean")
    ...                                                    # the test changes data over SOAP
    admin.restore("clean")                                 # or admin.reset()

    admin.clear_journal()
    ...                                                    # the code under test calls the mock
    admin.assert_called("Bugs_Add", times=1, user=25317)   # AssertionError listing the calls if not
    admin.add_fault(action="soap_fault", operation="Bugs_Update", text="Record locked", times=1)
"""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request


class AdminApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(f"{status}: {message}")
        self.status, self.message = status, message


class AdminClient:
    def __init__(self, base_url: str, token: str | None = None, timeout: float = 30):
        # Accept the server root or the service URL, in any of the spellings IIS accepts.
        cut = min([i for i in (base_url.lower().find("/psws"), base_url.find("/__admin"), base_url.find("?"))
                   if i >= 0], default=len(base_url))
        base = base_url[:cut].rstrip("/")
        self.base, self.token, self.timeout = base + "/__admin", token, timeout

    def health(self) -> dict:
        return self._call("GET", "/health")

    def reset(self, clock: bool = False) -> dict:
        """Back to the data the server started with; with ``clock``, the machine's clock too."""
        if clock:
            return self._call("POST", "/reset", {"clock": True})
        return self._call("POST", "/reset")

    def seed(self, scale: str | int = "default", seed: int | None = None) -> dict:
        body = {"scale": scale} | ({"seed": seed} if seed is not None else {})
        return self._call("POST", "/seed", body)

    def snapshots(self) -> list[dict]:
        return self._call("GET", "/snapshots")["snapshots"]

    def snapshot(self, name: str) -> dict:
        return self._call("POST", "/snapshots", {"name": name})

    def restore(self, name: str) -> dict:
        return self._call("POST", f"/snapshots/{name}/restore")

    def delete_snapshot(self, name: str) -> dict:
        return self._call("DELETE", f"/snapshots/{name}")

    # -- the request journal ---------------------------------------------------------------
    def journal(self, operation: str | list[str] | None = None, user=None, project=None,
                fault: bool | None = None, injected: bool | None = None, since: str | None = None,
                after: int | None = None, limit: int | None = None) -> list[dict]:
        """Recorded calls matching every filter given, oldest first."""
        query = _journal_query(operation, user, project, fault, injected, since, after, limit)
        return self._call("GET", "/journal" + query)["entries"]

    def journal_count(self, operation=None, user=None, project=None, fault=None, injected=None,
                      since=None, after=None) -> int:
        query = _journal_query(operation, user, project, fault, injected, since, after, None)
        return self._call("GET", "/journal/count" + query)["count"]

    def clear_journal(self) -> dict:
        return self._call("DELETE", "/journal")

    def journal_settings(self, size: int | None = None, bodies: bool | None = None) -> dict:
        """The journal's settings; changed first when size or bodies is given."""
        changes = {k: v for k, v in (("size", size), ("bodies", bodies)) if v is not None}
        if changes:
            return self._call("PUT", "/journal/settings", changes)
        return self._call("GET", "/journal/settings")

    def assert_called(self, operation: str | list[str] | None = None, times: int | None = None,
                      **filters) -> list[dict]:
        """The matching calls; AssertionError, with what was called instead, when there are
        none (or not exactly ``times``)."""
        found = self.journal(operation, **filters)
        if (times is None and not found) or (times is not None and len(found) != times):
            wanted = "at least once" if times is None else f"{times} time(s)"
            everything = self.journal()
            listing = "\n".join(f"  #{e['id']} {e['operation']} user={e['user']} project={e['project']} "
                                f"status={e['status']}" + (f" fault={e['fault']!r}" if e["fault"] else "")
                                + (f" injected={e['injected']['action']}" if e["injected"] else "")
                                for e in everything[-20:]) or "  (no calls recorded)"
            raise AssertionError(
                f"expected {operation or 'any operation'} {_describe(filters)}called {wanted}, "
                f"found {len(found)}; the journal holds:\n{listing}")
        return found

    def assert_not_called(self, operation: str | list[str] | None = None, **filters):
        self.assert_called(operation, times=0, **filters)

    # -- logs and preferences -------------------------------------------------------------------------
    def logs(self) -> dict:
        """{"db": [...], "perf": [...]}: what DbLogs_Add and PerfLogs_Add wrote."""
        return self._call("GET", "/logs")

    def clear_logs(self) -> dict:
        return self._call("DELETE", "/logs")

    def restrict(self, extensions: list[str] | None = None, entities: list[str] | None = None) -> dict:
        """What Preferences_IsExtensionRestricted / _IsEntityRestricted answer true for."""
        body = {k: v for k, v in (("restricted_extensions", extensions), ("restricted_entities", entities))
                if v is not None}
        return self._call("PUT", "/preferences", body)

    # -- the server's clock --------------------------------------------------------------------------
    def clock(self) -> dict:
        return self._call("GET", "/clock")

    def freeze_clock(self, at) -> dict:
        """Stand the server's clock still at ``at`` (a datetime, or an ISO-8601 string)."""
        return self._call("PUT", "/clock", {"freeze": _iso(at)})

    def set_clock(self, at) -> dict:
        """Run the server's clock on from ``at``."""
        return self._call("PUT", "/clock", {"at": _iso(at)})

    def advance_clock(self, seconds: float) -> dict:
        return self._call("PUT", "/clock", {"advance": seconds})

    def release_clock(self) -> dict:
        return self._call("PUT", "/clock", {"release": True})

    # -- the outbox ------------------------------------------------------------------------------
    def emails(self, to: str | None = None, subject: str | None = None, operation: str | None = None,
               limit: int | None = None) -> list[dict]:
        """What the service would have e-mailed, oldest first; ``to`` and ``subject`` match
        substrings, case-insensitively."""
        params = [(k, str(v)) for k, v in (("to", to), ("subject", subject), ("operation", operation),
                                           ("limit", limit)) if v is not None]
        return self._call("GET", "/emails" + ("?" + urllib.parse.urlencode(params) if params else ""))["emails"]

    def clear_emails(self) -> dict:
        return self._call("DELETE", "/emails")

    def assert_emailed(self, to: str | None = None, subject: str | None = None, operation: str | None = None,
                       times: int | None = None) -> list[dict]:
        """The matching e-mails; fails listing the outbox when there are none (or not ``times``)."""
        found = self.emails(to, subject, operation)
        if (times is None and not found) or (times is not None and len(found) != times):
            listing = "\n".join(f"  {e['Operation']}: to {e['ToAddress']}: {e['Subject']}" for e in self.emails())
            wanted = "at least one" if times is None else f"exactly {times}"
            raise AssertionError(f"expected {wanted} e-mail {_describe({'to': to, 'subject': subject, 'operation': operation})}"
                                 f"but found {len(found)}; the outbox holds:\n{listing or '  nothing'}")
        return found

    # -- fault injection -----------------------------------------------------------------------
    def add_fault(self, action: str, operation: str = "*", **options) -> dict:
        """A fault rule (see mockserver/control/injection.py); returns it with its id."""
        return self._call("POST", "/faults", {"action": action, "operation": operation, **options})

    def faults(self) -> list[dict]:
        return self._call("GET", "/faults")["rules"]

    def delete_fault(self, rule_id: int) -> dict:
        return self._call("DELETE", f"/faults/{rule_id}")

    def clear_faults(self) -> dict:
        return self._call("DELETE", "/faults")

    # -- conformance: how requests deviate from the contract -----------------------------------
    def conformance(self, operation: str | list[str] | None = None, severity: str | list[str] | None = None,
                    rule: str | list[str] | None = None, limit: int | None = None) -> dict:
        """The report: counts per rule, the newest findings (see /__admin/conformance)."""
        params = [(name, value if isinstance(value, str) else ",".join(value))
                  for name, value in (("operation", operation), ("severity", severity), ("rule", rule))
                  if value] + ([("limit", str(limit))] if limit is not None else [])
        return self._call("GET", "/conformance" + ("?" + urllib.parse.urlencode(params) if params else ""))

    def conformance_rules(self) -> list[dict]:
        return self._call("GET", "/conformance/rules")["rules"]

    def clear_conformance(self) -> dict:
        return self._call("DELETE", "/conformance")

    def assert_conformant(self, fail_on: str = "refused", **filters) -> dict:
        """AssertionError listing every finding at ``fail_on`` (refused, tolerated or note) or more
        serious since the findings were last cleared; the report otherwise."""
        from .conformance_report import failing, render

        report = self.conformance(**filters)
        if failing(report, fail_on):
            raise AssertionError(f"requests deviate from the QAComplete contract (failing on {fail_on}):\n"
                                 + render(report, "text", fail_on))
        return report

    def _call(self, method: str, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            try:
                message = json.loads(error.read()).get("error", error.reason)
            except ValueError:
                message = error.reason
            raise AdminApiError(error.code, message) from None


def _iso(at) -> str:
    return at.isoformat() if hasattr(at, "isoformat") else str(at)


def _journal_query(operation, user, project, fault, injected, since, after, limit) -> str:
    params = []
    if operation:
        params.append(("operation", operation if isinstance(operation, str) else ",".join(operation)))
    for name, value in (("user", user), ("project", project), ("since", since), ("after", after),
                        ("limit", limit)):
        if value is not None:
            params.append((name, str(value)))
    for name, value in (("fault", fault), ("injected", injected)):
        if value is not None:
            params.append((name, "true" if value else "false"))
    return "?" + urllib.parse.urlencode(params) if params else ""


def _describe(filters: dict) -> str:
    given = " ".join(f"{k}={v}" for k, v in filters.items() if v is not None)
    return f"({given}) " if given else ""
