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

import random
from dataclasses import dataclass, replace

from ..domain.errors import (AUTHENTICATION_FAILED, AccessDeniedError, AuthenticationError, InternalError,
                             NotFoundError, QacError, ValidationError)
from ..registry import REGISTRY
from ..store.control import ControlStore

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
    delay: float = 0                    # seconds, drawn when it fired on a call

    @property
    def remaining(self) -> int | None:
        return None if self.times is None else max(self.times - self.fired, 0)

    def matches(self, operation: str, user: str | None, project: str | None) -> bool:
        return ((self.operation is None or self.operation == operation)
                and (self.user is None or (user or "").casefold() == self.user.casefold())
                and (self.project is None or project == self.project))

    def delay_seconds(self, draws: random.Random) -> float:
        if self.delay_max_ms is None:
            return self.delay_ms / 1000
        return draws.uniform(self.delay_ms, self.delay_max_ms) / 1000

    @property
    def draws(self) -> bool:
        """Whether acting on a call takes random numbers."""
        return self.probability < 1 or self.delay_max_ms is not None

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
    """The rules, kept in the control store so that every worker process applies the same ones
    and counts into the same ``times``; each process caches the list (see ``reload``)."""

    def __init__(self, control: ControlStore):
        self.control = control
        self._unseeded = random.Random()
        self.reload()

    def __bool__(self) -> bool:
        return bool(self._rules)

    def reload(self):
        self._rules = self._stored()

    def _stored(self) -> list[Rule]:
        return [Rule(id=rule_id, matched=matched, fired=fired, **options)
                for rule_id, options, matched, fired in self.control.rules()]

    def add(self, spec: dict) -> Rule:
        options = parse_rule(spec)
        rule_id = self.control.rule_add(options, MAX_RULES)
        if rule_id is None:
            raise RuleError(f"there are already {MAX_RULES} rules; delete some first")
        self.reload()
        return Rule(id=rule_id, **options)

    def listed(self) -> list[dict]:
        return [rule.to_json() for rule in self._stored()]

    def delete(self, rule_id: int):
        if not self.control.rule_delete(rule_id):
            raise KeyError(rule_id)
        self.reload()

    def clear(self):
        self.control.rules_clear()
        self.reload()

    def fire(self, operation: str, user: str | None, project: str | None) -> Rule | None:
        """The rule that acts on this call, if any, with its counters moved on and its delay drawn."""
        rules = self._rules
        if not rules:          # the common case costs one test
            return None
        with self.control.writing(changed=False):
            for rule in rules:
                if not rule.matches(operation, user, project):
                    continue
                matched = self.control.rule_match(rule.id)
                if matched is None:             # used up, or deleted by another process
                    continue
                draws = self._draws(rule)
                try:
                    if rule.probability < 1 and draws.random() >= rule.probability:
                        continue
                    fired = self.control.rule_fired(rule.id)
                    return replace(rule, matched=matched, fired=fired, delay=rule.delay_seconds(draws))
                finally:
                    if rule.seed is not None and rule.draws:
                        self.control.set_rule_random_state(rule.id, draws.getstate())
        return None

    def _draws(self, rule: Rule) -> random.Random:
        """A seeded rule's one stream of random numbers, wherever its calls land; the state is
        stored with the rule."""
        if rule.seed is None or not rule.draws:
            return self._unseeded
        state = self.control.rule_random_state(rule.id)
        if state is None:
            return random.Random(rule.seed)
        draws = random.Random()
        draws.setstate((state[0], tuple(state[1]), state[2]))
        return draws


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
