"""The HTTP front of psws.asmx: routing, WSDL, SOAP version and SOAPAction checks, one safe
parse of the envelope, then spyne."""
from __future__ import annotations

import io
import logging
from email.message import Message
from urllib.parse import parse_qsl

from lxml import etree
from spyne.server.wsgi import WsgiApplication

from ..domain.errors import QacError
from ..registry import REGISTRY, NS
from .envelope import CONTENT_TYPES, ENVELOPE_NS
from .faults import FaultSpec, fault_bytes
from .protocol import PARSED_ENVELOPE
from .request import check_operation_element
from .wsdl import WsdlDocument

log = logging.getLogger("qacmock.soap")

# IIS paths are case-insensitive: on-premises and SaaS endpoints [DOC].
ENDPOINTS = ("/psws/psws.asmx", "/psws.asmx")
DEFAULT_MAX_BODY = 10 * 1024 * 1024


def _parser():
    # No DTDs, no entity expansion, no network: nothing in a request reaches outside it.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_comments=True,
                           remove_pis=True, strip_cdata=True)


class BadRequest(Exception):
    def __init__(self, spec: FaultSpec, version: str = "1.1", status: str = "500 Internal Server Error"):
        super().__init__(spec.text)
        self.spec, self.version, self.status = spec, version, status


def _content_type(environ) -> tuple[str, dict]:
    message = Message()
    message["content-type"] = environ.get("CONTENT_TYPE", "")
    params = {k.lower(): v for k, v in message.get_params()[1:]} if message.get_params() else {}
    return message.get_content_type(), params


class SoapFront:
    def __init__(self, applications: dict, max_body: int = DEFAULT_MAX_BODY):
        self.spyne = {version: WsgiApplication(app) for version, app in applications.items()}
        self.wsdl = WsdlDocument()
        self.max_body = max_body

    def handles(self, path: str) -> bool:
        return path.lower() in ENDPOINTS

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD", "GET")
        if method in ("GET", "HEAD"):
            return self._get(environ, start_response)
        if method != "POST":
            start_response("405 Method Not Allowed", [("Allow", "GET, POST"), ("Content-Type", "text/plain")])
            return [b"psws.asmx accepts POST (SOAP) and GET ?WSDL\n"]
        try:
            version, body = self._vet(environ)
        except BadRequest as bad:
            payload = fault_bytes(bad.version, bad.spec)
            start_response(bad.status, [("Content-Type", CONTENT_TYPES[bad.version]),
                                        ("Content-Length", str(len(payload)))])
            return [payload]
        return self.spyne[version](environ, start_response)

    def _get(self, environ, start_response):
        query = {k.lower() for k, _ in parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)}
        if "wsdl" in query:
            payload = self.wsdl.render(self._location(environ))
            start_response("200 OK", [("Content-Type", "text/xml; charset=utf-8"),
                                      ("Content-Length", str(len(payload)))])
            return [payload]
        names = "".join(f"<li>{op.name}</li>" for op in REGISTRY.operations)
        payload = (f"<html><body><h1>Service</h1><p>qacmock psws.asmx. WSDL: <a href='?WSDL'>?WSDL</a>"
                   f"</p><ul>{names}</ul></body></html>").encode()
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                  ("Content-Length", str(len(payload)))])
        return [payload]

    @staticmethod
    def _location(environ) -> str:
        host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME')}:{environ.get('SERVER_PORT')}"
        return f"{environ.get('wsgi.url_scheme', 'http')}://{host}{environ.get('PATH_INFO', '')}"

    def _vet(self, environ) -> tuple[str, bytes]:
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
        op_element = self._operation_element(root, version)
        op_name = etree.QName(op_element).localname
        op = REGISTRY.operation(op_name) if etree.QName(op_element).namespace == NS else None

        action = (environ.get("HTTP_SOAPACTION") if version == "1.1" else params.get("action"))
        if action is not None or version == "1.1":
            action = (action or "").strip().strip('"')
            if op is None or action != op.soap_action:
                # The text an .asmx server gives when the action does not route to the body.
                raise BadRequest(FaultSpec.framework(
                    f"Server did not recognize the value of HTTP Header SOAPAction: {action}."), version)
        if op is None:
            raise BadRequest(FaultSpec.framework(
                f"Unknown operation '{op_name}' in namespace '{etree.QName(op_element).namespace}'; "
                f"psws.asmx operations are in namespace '{NS}'."), version)
        try:
            check_operation_element(op, op_element)
        except QacError as error:
            raise BadRequest(FaultSpec.from_error(error), version) from None
        environ[PARSED_ENVELOPE] = root
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return version, body

    def _read_body(self, environ, version) -> bytes:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0:
            raise BadRequest(FaultSpec.framework("Content-Length is not valid."), version,
                             "400 Bad Request")
        if length > self.max_body:
            raise BadRequest(FaultSpec.framework(
                f"The request body is {length} bytes; the limit is {self.max_body}."), version,
                "413 Payload Too Large")
        return environ["wsgi.input"].read(length) if length else b""

    @staticmethod
    def _parse(body: bytes, version: str):
        if not body.strip():
            raise BadRequest(FaultSpec.framework("The request body is empty: send a SOAP envelope."), version)
        try:
            root = etree.fromstring(body, _parser())
        except etree.XMLSyntaxError as exc:
            raise BadRequest(FaultSpec.framework(
                f"The request body is not well-formed XML: {exc.msg} (line {exc.lineno}, "
                f"column {exc.offset})."), version) from None
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
