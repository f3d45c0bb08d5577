"""Every SOAP POST passes here: fault rules are applied, the call is journaled and gets one
access-log line. The SOAP front stays unaware of the control plane."""
from __future__ import annotations

import json
import logging
import time
from http import HTTPStatus

from ..soap.envelope import CONTENT_TYPES
from ..soap.protocol import PARSED_ENVELOPE
from ..soap.faults import FaultSpec
from ..soap.wsgi import FINDINGS, OPERATION_ELEMENT, REQUEST_BODY, BadRequest, Reply, SoapCall, SoapFront
from .conformance import Conformance
from .injection import MALFORMED_BODY, FaultRules, Rule
from .journal import Journal, now

access_log = logging.getLogger("qacmock.access")
# After a request this large, freed memory is handed back to the system (see give_back_memory).
LARGE_BODY = 1024 * 1024
ACCESS_LOG_FORMATS = ("text", "json", "off")

try:
    from waitress.channel import ClientDisconnected as _Disconnect
except ImportError:          # another WSGI server: it answers 500 instead of closing
    _Disconnect = ConnectionAbortedError


def _malloc_trim():
    try:
        import ctypes

        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):       # not glibc: nothing to trim
        return None


_TRIM = _malloc_trim()


def give_back_memory():
    """glibc keeps the memory a large request's parse freed: after four parallel 9.6 MB envelopes
    RSS stayed at 235 MB, and is 130-138 MB with this (60 MB at start; benchmarks/memory_floods.py)."""
    if _TRIM is not None:
        _TRIM(0)


class DroppedConnection(_Disconnect):
    """Raised from the application so that the HTTP server closes the connection unanswered."""


class ControlledFront:
    def __init__(self, front: SoapFront, journal: Journal, rules: FaultRules, access_format: str = "text",
                 conformance: Conformance | None = None):
        if access_format not in ACCESS_LOG_FORMATS:
            raise ValueError(f"access log format must be one of {', '.join(ACCESS_LOG_FORMATS)}")
        self.front, self.journal, self.rules = front, journal, rules
        self.conformance = conformance if conformance is not None else Conformance(journal.control)
        self.access_format = access_format

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "POST":
            return self.front.get(environ, start_response)
        started, moment = time.perf_counter(), now()
        rule: Rule | None = None
        try:
            call = self.front.vet(environ)
        except BadRequest as bad:
            reply, operation, version, user, project = bad.reply(), bad.operation, bad.version, None, None
        else:
            operation, version, user, project = call.operation, call.version, call.user, call.project
            rule = self.rules.fire(operation, user, project)
            reply = self.front.execute(environ, call) if rule is None else self._injected(environ, call, rule)

        sent = None if rule is not None and rule.action == "drop" else reply.body
        if rule is not None and rule.action == "truncated":
            sent = reply.body[:len(reply.body) // 2]
        status = None if sent is None else int(reply.status[:3])
        fault = reply.fault
        findings = environ.get(FINDINGS) or []
        fields = dict(time=moment, operation=operation, soap_version=version, user=user, project=project,
                      client=environ.get("REMOTE_ADDR"), duration_ms=(time.perf_counter() - started) * 1000,
                      status=status, fault=fault.text if fault else None,
                      fault_kind=None if fault is None else "client" if fault.client else "server",
                      injected=None if rule is None else {"rule": rule.id, "action": rule.action},
                      findings=[f.rule for f in findings] or None)
        entry_id = self.journal.record(request=environ.get(REQUEST_BODY), response=sent, **fields)
        if FINDINGS in environ:         # the envelope was read: the request was inspected
            self.conformance.record(operation, findings, moment, entry_id)
        if len(environ.get(REQUEST_BODY) or b"") > LARGE_BODY:
            # The body, its copy for spyne and its tree are done with: drop them first.
            for key in (REQUEST_BODY, PARSED_ENVELOPE, OPERATION_ELEMENT, "wsgi.input"):
                environ.pop(key, None)
            give_back_memory()
        if self.access_format != "off" and access_log.isEnabledFor(logging.INFO):
            access_log.info(self._access_line(fields))

        if sent is None:
            raise DroppedConnection()
        start_response(reply.status, reply.headers)
        if len(sent) < len(reply.body):
            return _cut_off(sent)
        return [sent]

    def _injected(self, environ, call: SoapCall, rule: Rule) -> Reply:
        if rule.delay:
            time.sleep(rule.delay)
        action = rule.action
        if action in ("delay", "truncated"):
            return self.front.execute(environ, call)
        if action == "soap_fault":
            spec = FaultSpec.from_error(rule.error())
            return BadRequest(spec, call.version).reply()
        if action == "http_status":
            body = rule.body.encode("utf-8")
            return Reply(_status_line(rule.status), [("Content-Type", rule.content_type),
                                                     ("Content-Length", str(len(body)))], body)
        body = MALFORMED_BODY if action == "malformed" else b""
        return Reply("200 OK", [("Content-Type", CONTENT_TYPES[call.version]),
                                ("Content-Length", str(len(body)))], body)

    def _access_line(self, fields: dict) -> str:
        record = {"op": fields["operation"], "soap": fields["soap_version"], "user": fields["user"],
                  "project": fields["project"], "status": fields["status"],
                  "ms": round(fields["duration_ms"], 1), "fault": fields["fault"],
                  "injected": fields["injected"] and f"{fields['injected']['action']}#{fields['injected']['rule']}"}
        if self.access_format == "json":
            return json.dumps(record, ensure_ascii=False)
        return " ".join(f"{key}={_logfmt(value)}" for key, value in record.items()
                        if value is not None or key in ("op", "status"))


def _logfmt(value) -> str:
    if value is None:
        return "-"
    text = str(value)
    if not text or any(c in text for c in ' "=\\') or not text.isprintable():
        return json.dumps(text, ensure_ascii=False)
    return text


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Injected"


def _cut_off(part: bytes):
    """Send the first part of an answer whose Content-Length promised more, then close."""
    yield part
    raise DroppedConnection()
