"""Fault injection: rules that make chosen SOAP calls slow or failing on purpose.

A rule matches calls by operation (or every operation), optionally by user and project;
``times`` limits how many calls it acts on and ``probability`` makes it act on a share of
them. The first matching rule that fires decides; the call is then answered by its action:

    delay        wait, then answer normally (``delay_ms``, or a random time up to ``delay_max_ms``)
    http_status  an HTTP status with a body of your choice; the operation does not run
    soap_fault   a SOAP fault in QAComplete's shape with your text and kind (validation,
                 authentication, security, not_found, internal); the operation does not run
    malformed    200 OK with a body that is not well-formed XML; the operation does not run
    truncated    the real answer, cut off halfway with the connection closed; the operation RUNS
    empty        200 OK with an empty body; the operation does not run
    drop         the connection closes with no answer at all; the operation does not run

Every action also takes ``delay_ms`` / ``delay_max_ms``, applied first.
"""
from __future__ import annotations

import itertools
import random
import threading
from dataclasses import dataclass, field

from ..domain.errors import (AUTHENTICATION_FAILED, AccessDeniedError, AuthenticationError, InternalError,
                             NotFoundError, QacError, ValidationError)
from ..registry import REGISTRY

ACTIONS = ("delay", "http_status", "soap_fault", "malformed", "truncated", "empty", "drop")
MAX_DELAY_MS = 600_000
MAX_RULES = 1000
MAX_TEXT = 10_000
ACTION_FIELDS = {"http_status": ("status", "body", "content_type"), "soap_fault": ("text", "kind")}
FAULT_KINDS = {
    # kind → the error whose fault (code, actor psWS.<Kind>Exception) the rule answers with
    "validation": ValidationError,
    "authentication": AuthenticationError,
    "security": AccessDeniedError,
    "not_found": NotFoundError,
    "internal": InternalError,
}
MALFORMED_BODY = (b'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap='
                  b'"http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><Result>'
                  b'<unclosed></soap:Body></soap:Envelope')


class RuleError(ValueError):
    """A rule that cannot be accepted; the message names the field at fault."""


@dataclass
class Rule:
    id: int
    action: str
    operation: str | None = None        # None: every operation
    user: str | None = None
    project: str | None = None
    times: int | None = None            # None: no limit
    probability: float = 1.0
    delay_ms: int = 0
    delay_max_ms: int | None = None
    status: int = 503
    body: str = ""
    content_type: str = "text/plain; charset=utf-8"
    text: str = "Injected fault."
    kind: str = "internal"
    seed: int | None = None
    matched: int = 0                    # calls that matched the rule's filters
    fired: int = 0                      # calls the rule acted on
    _random: random.Random = field(default=None, repr=False)

    def __post_init__(self):
        self._random = random.Random(self.seed)

    @property
    def remaining(self) -> int | None:
        return None if self.times is None else max(self.times - self.fired, 0)

    def matches(self, operation: str, user: str | None, project: str | None) -> bool:
        return ((self.operation is None or self.operation == operation)
                and (self.user is None or (user or "").casefold() == self.user.casefold())
                and (self.project is None or project == self.project))

    def delay_seconds(self) -> float:
        if self.delay_max_ms is None:
            return self.delay_ms / 1000
        return self._random.uniform(self.delay_ms, self.delay_max_ms) / 1000

    def error(self) -> QacError:
        return FAULT_KINDS[self.kind](self.text)

    def to_json(self) -> dict:
        data = {"id": self.id, "action": self.action, "operation": self.operation or "*",
                "user": self.user, "project": self.project, "times": self.times,
                "remaining": self.remaining, "probability": self.probability,
                "delay_ms": self.delay_ms, "delay_max_ms": self.delay_max_ms,
                "matched": self.matched, "fired": self.fired, "seed": self.seed}
        if self.action == "http_status":
            data |= {"status": self.status, "body": self.body, "content_type": self.content_type}
        if self.action == "soap_fault":
            data |= {"text": self.text, "kind": self.kind}
        return data


class FaultRules:
    def __init__(self):
        self._lock = threading.Lock()
        self._rules: list[Rule] = []
        self._ids = itertools.count(1)

    def __bool__(self) -> bool:
        return bool(self._rules)

    def add(self, spec: dict) -> Rule:
        options = parse_rule(spec)
        with self._lock:
            if len(self._rules) >= MAX_RULES:
                raise RuleError(f"there are already {MAX_RULES} rules; delete some first")
            rule = Rule(id=next(self._ids), **options)
            self._rules.append(rule)
        return rule

    def listed(self) -> list[dict]:
        with self._lock:
            return [r.to_json() for r in self._rules]

    def delete(self, rule_id: int):
        with self._lock:
            for i, rule in enumerate(self._rules):
                if rule.id == rule_id:
                    del self._rules[i]
                    return
        raise KeyError(rule_id)

    def clear(self):
        with self._lock:
            self._rules.clear()

    def fire(self, operation: str, user: str | None, project: str | None) -> Rule | None:
        """The rule that acts on this call, if any, with its counters moved on."""
        if not self._rules:          # the common case costs one test, no lock
            return None
        with self._lock:
            for rule in self._rules:
                if rule.remaining == 0 or not rule.matches(operation, user, project):
                    continue
                rule.matched += 1
                if rule.probability < 1 and rule._random.random() >= rule.probability:
                    continue
                rule.fired += 1
                return rule
        return None


def parse_rule(spec) -> dict:
    """The options of a rule from its JSON form, every one checked."""
    if not isinstance(spec, dict):
        raise RuleError("a rule is a JSON object")
    known = {"action", "operation", "user", "project", "times", "probability", "delay_ms",
             "delay_max_ms", "status", "body", "content_type", "text", "kind", "seed"}
    unknown = sorted(set(spec) - known)
    if unknown:
        raise RuleError(f"unknown rule field(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    action = spec.get("action")
    if action not in ACTIONS:
        raise RuleError(f"action must be one of {', '.join(ACTIONS)} (got {action!r})")
    options: dict = {"action": action}

    operation = spec.get("operation", "*")
    if operation in (None, "*"):
        operation = None
    elif not isinstance(operation, str) or REGISTRY.operation(operation) is None:
        raise RuleError(f"operation {operation!r} is not a psws.asmx operation; "
                        f"use '*' for every operation")
    options["operation"] = operation
    for name in ("user", "project"):
        value = spec.get(name)
        if value is not None:
            if isinstance(value, bool) or not isinstance(value, (str, int)) or str(value).strip() == "":
                raise RuleError(f"{name} must be a UserId/ProjId or an email (got {value!r})")
            options[name] = str(value).strip()

    options["times"] = _integer(spec, "times", 1, None, None)
    probability = spec.get("probability", 1.0)
    if (isinstance(probability, bool) or not isinstance(probability, (int, float))
            or not 0 < probability <= 1):
        raise RuleError(f"probability must be a number above 0 and at most 1 (got {probability!r})")
    options["probability"] = float(probability)
    options["delay_ms"] = _integer(spec, "delay_ms", 0, MAX_DELAY_MS, 0)
    options["delay_max_ms"] = _integer(spec, "delay_max_ms", options["delay_ms"], MAX_DELAY_MS, None)
    options["seed"] = _integer(spec, "seed", None, None, None)
    if action == "delay" and not options["delay_ms"] and not options["delay_max_ms"]:
        raise RuleError("a delay rule needs delay_ms (and optionally delay_max_ms)")

    own = ACTION_FIELDS.get(action, ())
    for name in sorted(set(spec) & {f for fields in ACTION_FIELDS.values() for f in fields} - set(own)):
        raise RuleError(f"{name} does not apply to the {action} action")
    if action == "http_status":
        options["status"] = _integer(spec, "status", 200, 599, 503)
        body = spec.get("body", "")
        if not isinstance(body, str):
            raise RuleError("body must be a string")
        if body and options["status"] in (204, 304):
            raise RuleError(f"status {options['status']} carries no body; leave body out")
        content_type = spec.get("content_type", "text/plain; charset=utf-8")
        if (not isinstance(content_type, str) or not content_type.isascii() or not content_type.isprintable()
                or not content_type.strip()):
            raise RuleError("content_type must be printable ASCII, such as 'text/html; charset=utf-8'")
        options |= {"body": body, "content_type": content_type}
    elif action == "soap_fault":
        kind = spec.get("kind", "internal")
        if kind not in FAULT_KINDS:
            raise RuleError(f"kind must be one of {', '.join(FAULT_KINDS)} (got {kind!r})")
        text = spec.get("text", AUTHENTICATION_FAILED if kind == "authentication" else "Injected fault.")
        if not isinstance(text, str) or not text.strip():
            raise RuleError("text must be a non-empty string")
        if len(text) > MAX_TEXT or any(not _xml_char(c) for c in text):
            raise RuleError(f"text must be at most {MAX_TEXT} characters that XML can carry "
                            f"(no control characters other than tab and line breaks)")
        options |= {"text": text, "kind": kind}
    return options


def _xml_char(c: str) -> bool:
    code = ord(c)
    return (code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
            or 0x10000 <= code <= 0x10FFFF)


def _integer(spec: dict, name: str, low: int | None, high: int | None, default):
    value = spec.get(name, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or (low is not None and value < low) \
            or (high is not None and value > high):
        bounds = (f"from {low}" if low is not None else "") + (f" to {high}" if high is not None else "")
        raise RuleError(f"{name} must be a whole number{' ' + bounds.strip() if bounds else ''} (got {value!r})")
    return value
