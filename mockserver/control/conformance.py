"""The findings of the requests served so far (soap/findings.py): counts per operation and rule
that never drop, and the newest findings with their evidence, for /__admin/conformance."""
from __future__ import annotations

import threading
from collections import Counter, deque
from dataclasses import dataclass
from datetime import datetime

from ..soap.findings import RULES, SEVERITIES, Finding

DEFAULT_KEPT = 10_000


@dataclass(frozen=True)
class Query:
    """Which findings a query wants; each criterion given is a set of accepted values."""
    operation: frozenset[str] | None = None
    severity: frozenset[str] | None = None
    rule: frozenset[str] | None = None

    def accepts(self, operation: str | None, rule: str) -> bool:
        return ((self.operation is None or operation in self.operation)
                and (self.severity is None or RULES[rule].severity in self.severity)
                and (self.rule is None or rule in self.rule))

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
    def __init__(self, kept: int = DEFAULT_KEPT):
        self._lock = threading.Lock()
        self._kept = kept
        self.clear()

    def clear(self):
        with self._lock:
            self._recent: deque[dict] = deque(maxlen=self._kept)
            self._counts: Counter = Counter()      # (operation, rule) -> findings
            self._requests: Counter = Counter()    # operation -> requests inspected
            self.dropped = 0

    def record(self, operation: str | None, findings: list[Finding], moment: datetime, request_id: int | None):
        with self._lock:
            self._requests[operation] += 1
            for finding in findings:
                self._counts[(finding.operation, finding.rule)] += 1
                if len(self._recent) == self._kept:
                    self.dropped += 1
                self._recent.append({"time": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                                     "request": request_id, **finding.to_json()})

    def report(self, where: Query = Query(), limit: int | None = None) -> dict:
        """Counts per rule (with each operation's), and the newest matching findings."""
        with self._lock:
            counts = [(op, rule, n) for (op, rule), n in self._counts.items() if where.accepts(op, rule)]
            recent = [f for f in self._recent if where.accepts(f["operation"], f["rule"])]
            requests = sum(n for op, n in self._requests.items() if where.operation is None or op in where.operation)
            dropped = self.dropped
        per_rule: dict[str, dict] = {}
        for op, rule_id, n in counts:
            rule = RULES[rule_id]
            entry = per_rule.setdefault(rule_id, {"rule": rule_id, "severity": rule.severity, "title": rule.title,
                                                  "reference": rule.reference, "count": 0, "operations": {}})
            entry["count"] += n
            entry["operations"][op or "(none)"] = entry["operations"].get(op or "(none)", 0) + n
        rules = sorted(per_rule.values(), key=lambda r: (SEVERITIES.index(r["severity"]), -r["count"], r["rule"]))
        by_severity = {s: sum(r["count"] for r in rules if r["severity"] == s) for s in SEVERITIES}
        return {"requests": requests, "findings_total": sum(by_severity.values()), "by_severity": by_severity,
                "rules": rules, "findings": recent[-limit:] if limit else recent, "dropped": dropped}
