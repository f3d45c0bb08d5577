"""The HTTP front of psws.asmx: routing, WSDL, SOAP version and SOAPAction checks, one safe
parse of the envelope, then spyne."""
from __future__ import annotations

import io
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from functools import lru_cache
from urllib.parse import parse_qsl

from lxml import etree
from spyne.server.wsgi import WsgiApplication

from ..domain.errors import QacError, ValidationError
from ..registry import REGISTRY, NS, Operation
from .discovery import disco_document, help_page
from .envelope import CONTENT_TYPES, ENVELOPE_NS
from .direct import DirectCalls
from .faults import FaultSpec, fault_bytes, internal_fault
from .findings import NOTE
from .inspection import Inspection
from .protocol import FAULT_SPEC, PARSED_ENVELOPE
from .request import check_operation_element
from .wsdl import WsdlDocument

log = logging.getLogger("qacmock.soap")

# IIS paths are case-insensitive: on-premises and SaaS endpoints [DOC].
ENDPOINTS = ("/psws/psws.asmx", "/psws.asmx")
DEFAULT_MAX_BODY = 10 * 1024 * 1024
REQUEST_BODY = "qacmock.request_body"     # the bytes read, for the journal
# Set by the HTTP server when a chunked body passed the limit and was cut off unread.
CHUNKED_OVER_LIMIT = "qacmock.chunked_over_limit"
FINDINGS = "qacmock.findings"             # how the request deviates from the contract (findings.py)
OPERATION_ELEMENT = "qacmock.operation"   # the vetted operation element, for direct.py


# Far beyond what any client sends (a thousand-task plan import is some 20,000 elements; no
# member has attributes beyond xsi:type and xsi:nil), and small enough that spyne, whose
# per-element and per-attribute cost grows faster than linearly, never sees a flood.
MAX_ELEMENTS = 200_000
MAX_ATTRIBUTES = 32
PARSE_CHUNK = 64 * 1024


def _parser():
    # No DTDs, no entity expansion, no network: nothing in a request reaches outside it. Fed in
    # chunks, so that a flood of elements is refused before it is all built in memory.
    return etree.XMLPullParser(events=("start",), resolve_entities=False, no_network=True, load_dtd=False,
                               dtd_validation=False, huge_tree=False, remove_comments=True,
                               remove_pis=True, strip_cdata=True)


def _parse_bounded(body: bytes):
    """The envelope's tree, its size checked as it is built: ValueError names a limit passed."""
    parser, elements = _parser(), 0
    for start in range(0, len(body), PARSE_CHUNK):
        parser.feed(body[start:start + PARSE_CHUNK])
        for _, element in parser.read_events():
            elements += 1
            if elements > MAX_ELEMENTS:
                raise ValueError(f"The request has more than {MAX_ELEMENTS} elements.")
            if len(element.attrib) > MAX_ATTRIBUTES:
                raise ValueError(f"<{etree.QName(element).localname}> has {len(element.attrib)} attributes; "
                                 f"at most {MAX_ATTRIBUTES} are allowed.")
    return parser.close()


@dataclass(frozen=True)
class SoapCall:
    version: str            # "1.1" or "1.2"
    operation: str
    user: str | None        # AuthenticationData.UserId, or the Email of a login call
    project: str | None     # AuthenticationData.ProjId, else the first of its ProjIds


@dataclass
class Reply:
    status: str
    headers: list
    body: bytes
    fault: FaultSpec | None = None


class BadRequest(Exception):
    def __init__(self, spec: FaultSpec, version: str = "1.1", status: str = "500 Internal Server Error",
                 operation: str | None = None):
        super().__init__(spec.text)
        self.spec, self.version, self.status = spec, version, status
        self.operation = operation      # when the envelope named a known one

    def reply(self) -> Reply:
        payload = fault_bytes(self.version, self.spec)
        return Reply(self.status, [("Content-Type", CONTENT_TYPES[self.version]),
                                   ("Content-Length", str(len(payload)))], payload, self.spec)


def _caller(operation) -> tuple[str | None, str | None]:
    """Who a vetted envelope says is calling, read from the tree already parsed."""
    auth = operation.find(f"{{{NS}}}AuthenticationData")
    if auth is None:
        email = operation.findtext(f"{{{NS}}}Email")
        return (email.strip() or None) if email else None, None
    user = (auth.findtext(f"{{{NS}}}UserId") or "").strip() or None
    project = (auth.findtext(f"{{{NS}}}ProjId") or "").strip()
    if not project or project == "0":
        ids = auth.find(f"{{{NS}}}ProjIds")
        project = next((v.text.strip() for v in (ids if ids is not None else ()) if v.text), "")
    return user, project or None


def _content_type(environ) -> tuple[str, dict]:
    header = environ.get("CONTENT_TYPE", "")
    # email's parser takes ~80 us a call, and a client sends the same few headers over and over;
    # only short ones are kept, so that a hostile client cannot fill the cache with big ones.
    parse = _cached_content_type if len(header) <= 200 else _parsed_content_type
    content_type, params = parse(header)
    return content_type, dict(params)


def _parsed_content_type(header: str) -> tuple[str, tuple]:
    message = Message()
    message["content-type"] = header
    params = tuple((k.lower(), v) for k, v in message.get_params()[1:]) if message.get_params() else ()
    return message.get_content_type(), params


_cached_content_type = lru_cache(maxsize=256)(_parsed_content_type)


def _unreadable(element, version: str, expected: Operation | None) -> BadRequest:
    """What ASP.NET answers when XmlSerializer cannot read the body it was routed to."""
    got = etree.QName(element)
    hint = (f"the operation {expected.name} is <{expected.name} xmlns='{NS}'>" if expected
            else f"psws.asmx operations are elements of namespace '{NS}'")
    return BadRequest(FaultSpec.framework(
        f"Server was unable to read request. ---> There is an error in XML document (line "
        f"{element.sourceline}). ---> <{got.localname} xmlns='{got.namespace or ''}'> was not "
        f"expected: {hint}."), version, operation=expected and expected.name)


def _routed_operation(environ, version: str, params: dict, element) -> Operation:
    """The operation a request is routed to, as .asmx routes it: by the SOAPAction (SOAP 1.1)
    or the action parameter (SOAP 1.2) when given, else by the body's element (SOAP 1.2)."""
    got = etree.QName(element)
    in_body = REGISTRY.operation(got.localname) if got.namespace == NS else None
    action = environ.get("HTTP_SOAPACTION") if version == "1.1" else params.get("action")
    if action is None and version == "1.2":
        if in_body is None:
            raise _unreadable(element, version, None)
        return in_body
    action = (action or "").strip().strip('"')
    named = REGISTRY.operation(action[len(NS):]) if action.startswith(NS) else None
    if named is None:
        # The text an .asmx server gives when the action routes to no method.
        raise BadRequest(FaultSpec.framework(
            f"Server did not recognize the value of HTTP Header SOAPAction: {action}."), version,
            operation=in_body and in_body.name)
    if in_body is not named:
        raise _unreadable(element, version, named)
    return named


class SoapFront:
    def __init__(self, applications: Callable[[], dict], max_body: int = DEFAULT_MAX_BODY,
                 strict: bool = False, direct: DirectCalls | None = None):
        # spyne's applications (one per SOAP version) are built at the first call that needs
        # them: with direct calls that is two operations of 138, and building them was a fifth
        # of the start-up.
        self._applications, self._spyne, self._building = applications, None, threading.Lock()
        self.direct = direct            # None: every call through spyne
        self.wsdl = WsdlDocument()
        self.max_body = max_body
        # Strict: a request the real service would tolerate but the contract does not describe
        # is answered with a fault naming the rule, for client libraries that want to be exact.
        self.strict = strict

    @property
    def spyne(self) -> dict:
        if self._spyne is None:
            with self._building:
                if self._spyne is None:
                    self._spyne = {version: WsgiApplication(app) for version, app in self._applications().items()}
        return self._spyne

    def handles(self, path: str) -> bool:
        return path.lower() in ENDPOINTS

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD", "GET") != "POST":
            return self.get(environ, start_response)
        try:
            reply = self.execute(environ, self.vet(environ))
        except BadRequest as bad:
            reply = bad.reply()
        start_response(reply.status, reply.headers)
        return [reply.body]

    def get(self, environ, start_response):
        """What psws.asmx answers to anything but POST: the WSDL, the service page, or 405."""
        if environ.get("REQUEST_METHOD", "GET") in ("GET", "HEAD"):
            return self._get(environ, start_response)
        start_response("405 Method Not Allowed", [("Allow", "GET, POST"), ("Content-Type", "text/plain")])
        return [b"psws.asmx accepts POST (SOAP) and GET ?WSDL\n"]

    def vet(self, environ) -> SoapCall:
        """The call a POST makes, once its envelope has passed every check; raises BadRequest."""
        version, op_name, op_element = self._vet(environ)
        return SoapCall(version, op_name, *_caller(op_element))

    def execute(self, environ, call: SoapCall) -> Reply:
        """Run a vetted call (directly, or through spyne); the whole response, kept for the journal."""
        element = environ.get(OPERATION_ELEMENT)
        if self.direct is not None and element is not None:
            answered = self.direct.answer(REGISTRY.operation(call.operation), element, call.version)
            if answered is not None:
                status, body, spec = answered
                return Reply(status, DirectCalls.headers(call.version, body), body, spec)
        reply: list = []

        def start_response(status, headers, exc_info=None):
            reply[:] = [status, headers]

        try:
            chunks = self.spyne[call.version](environ, start_response)
            try:
                body = b"".join(chunks)
            finally:
                if hasattr(chunks, "close"):
                    chunks.close()
        except Exception as error:      # a failure spyne did not turn into a fault: still a SOAP fault
            return BadRequest(internal_fault(error), call.version).reply()
        return Reply(reply[0], reply[1], body, environ.get(FAULT_SPEC))

    def _get(self, environ, start_response):
        query = {k.lower() for k, _ in parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)}
        location = self._location(environ)
        if "wsdl" in query:
            payload, content_type = self.wsdl.render(location), "text/xml; charset=utf-8"
        elif "disco" in query:
            payload, content_type = disco_document(location), "text/xml; charset=utf-8"
        else:
            payload = help_page(location, (op.name for op in REGISTRY.operations))
            content_type = "text/html; charset=utf-8"
        start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(payload)))])
        return [payload]

    @staticmethod
    def _location(environ) -> str:
        host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME')}:{environ.get('SERVER_PORT')}"
        return f"{environ.get('wsgi.url_scheme', 'http')}://{host}{environ.get('PATH_INFO', '')}"

    def _vet(self, environ) -> tuple[str, str, etree._Element]:
        content_type, params = _content_type(environ)
        if content_type == "text/xml":
            version = "1.1"
        elif content_type == "application/soap+xml":
            version = "1.2"
        else:
            raise BadRequest(FaultSpec.framework(
                f"Content-Type '{environ.get('CONTENT_TYPE', '')}' is not supported: use text/xml "
                f"(SOAP 1.1) or application/soap+xml (SOAP 1.2)."), status="415 Unsupported Media Type")
        body = self._read_body(environ, version)
        root = self._parse(body, version)
        # Read before anything below trims the tree; the answer does not depend on it.
        findings = environ[FINDINGS] = Inspection(environ, version, params).envelope(root)
        op_element = self._operation_element(root, version)
        op = _routed_operation(environ, version, params, op_element)
        try:
            check_operation_element(op, op_element)
        except QacError as error:
            raise BadRequest(FaultSpec.from_error(error), version, operation=op.name) from None
        if self.strict:
            deviation = next((f for f in findings if f.severity != NOTE), None)
            if deviation is not None:
                raise BadRequest(FaultSpec.from_error(ValidationError(
                    f"Strict mode: {deviation.message()}. qacmock serve --strict refuses what the contract "
                    f"does not describe.")), version, operation=op.name)
        environ[PARSED_ENVELOPE] = root
        environ[OPERATION_ELEMENT] = op_element
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return version, op.name, op_element

    def _read_body(self, environ, version) -> bytes:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0:
            raise BadRequest(FaultSpec.framework("Content-Length is not valid."), version,
                             "400 Bad Request")
        if environ.get(CHUNKED_OVER_LIMIT):
            raise BadRequest(FaultSpec.framework(
                f"The request body, sent chunked, passed the limit of {self.max_body} bytes and was refused "
                f"there."), version, "413 Payload Too Large")
        if length > self.max_body:
            raise BadRequest(FaultSpec.framework(
                f"The request body is {length} bytes; the limit is {self.max_body}."), version,
                "413 Payload Too Large")
        body = environ["wsgi.input"].read(length) if length else b""
        environ[REQUEST_BODY] = body
        return body

    @staticmethod
    def _parse(body: bytes, version: str):
        if not body.strip():
            raise BadRequest(FaultSpec.framework("The request body is empty: send a SOAP envelope."), version)
        try:
            root = _parse_bounded(body)
        except etree.XMLSyntaxError as exc:
            raise BadRequest(FaultSpec.framework(
                f"The request body is not well-formed XML: {exc.msg} (line {exc.lineno}, "
                f"column {exc.offset})."), version) from None
        except ValueError as exc:
            raise BadRequest(FaultSpec.framework(str(exc)), version) from None
        if root.getroottree().docinfo.doctype:
            raise BadRequest(FaultSpec.framework(
                "The request contains a DTD (DOCTYPE); DTDs are not allowed."), version)
        return root

    @staticmethod
    def _operation_element(root, version: str):
        env_ns = ENVELOPE_NS[version]
        if root.tag != f"{{{env_ns}}}Envelope":
            raise BadRequest(FaultSpec.framework(
                f"The root element is {root.tag}; a SOAP {version} request needs "
                f"{{{env_ns}}}Envelope (the Content-Type selects the SOAP version)."), version)
        body = root.find(f"{{{env_ns}}}Body")
        if body is None:
            raise BadRequest(FaultSpec.framework("The envelope has no Body element."), version)
        children = [c for c in body if isinstance(c.tag, str)]
        if not children:
            raise BadRequest(FaultSpec.framework("The SOAP Body is empty: it must hold the operation element."),
                             version)
        return children[0]
