"""The findings of the requests served so far (soap/findings.py): counts per operation and rule
that never drop, and the newest findings with their evidence, for /__admin/conformance."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..soap.findings import RULES, SEVERITIES, Finding
from ..store.control import ControlStore

DEFAULT_KEPT = 10_000


@dataclass(frozen=True)
class Query:
    """Which findings a query wants; each criterion given is a set of accepted values."""
    operation: frozenset[str] | None = None
    severity: frozenset[str] | None = None
    rule: frozenset[str] | None = None

    @classmethod
    def parse(cls, operation: str | None = None, severity: str | None = None, rule: str | None = None) -> "Query":
        """From comma-separated lists; ValueError names an unknown severity or rule."""
        def values(text, known=None, what=""):
            if text is None or not text.strip():
                return None
            chosen = frozenset(v.strip() for v in text.split(",") if v.strip())
            unknown = sorted(chosen - set(known)) if known is not None else []
            if unknown:
                raise ValueError(f"unknown {what} {', '.join(unknown)}; known: {', '.join(known)}")
            return chosen
        return cls(values(operation), values(severity, SEVERITIES, "severity"), values(rule, RULES, "rule"))


class Conformance:
    """Kept in the control store, so that every worker process counts into the same report."""

    def __init__(self, control: ControlStore, kept: int | None = None):
        """With ``kept``, the newest findings kept (DEFAULT_KEPT where the store is set up)."""
        self.control = control
        if kept is not None or control.setting("findings_kept") is None:
            control.set_setting("findings_kept", kept or DEFAULT_KEPT, changed=False)

    def clear(self):
        self.control.findings_clear()

    def record(self, operation: str | None, findings: list[Finding], moment: datetime, request_id: int | None):
        time = moment.isoformat(timespec="milliseconds").replace("+00:00", "Z") if findings else None
        self.control.findings_add(operation, [(f.operation, f.rule, {"time": time, "request": request_id,
                                                                     **f.to_json()}) for f in findings])

    def report(self, where: Query = Query(), limit: int | None = None) -> dict:
        """Counts per rule (with each operation's), and the newest matching findings."""
        rules = where.rule
        if where.severity is not None:
            chosen = {r for r in RULES if RULES[r].severity in where.severity}
            rules = chosen if rules is None else rules & chosen
        requests, counts, recent, dropped = self.control.findings_report(where.operation, rules)
        per_rule: dict[str, dict] = {}
        for op, rule_id, n in counts:
            rule = RULES[rule_id]
            entry = per_rule.setdefault(rule_id, {"rule": rule_id, "severity": rule.severity, "title": rule.title,
                                                  "reference": rule.reference, "count": 0, "operations": {}})
            entry["count"] += n
            entry["operations"][op or "(none)"] = entry["operations"].get(op or "(none)", 0) + n
        rules_found = sorted(per_rule.values(),
                             key=lambda r: (SEVERITIES.index(r["severity"]), -r["count"], r["rule"]))
        by_severity = {s: sum(r["count"] for r in rules_found if r["severity"] == s) for s in SEVERITIES}
        return {"requests": requests, "findings_total": sum(by_severity.values()), "by_severity": by_severity,
                "rules": rules_found, "findings": recent[-limit:] if limit else recent, "dropped": dropped}
