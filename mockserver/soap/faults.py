"""SOAP faults in the shape QAComplete documents, for SOAP 1.1 and 1.2, with HTTP 500."""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from lxml import etree
from spyne import Fault as SpyneFault

from ..domain.errors import InternalError, QacError
from .envelope import ENVELOPE_NS, new_envelope, to_bytes

log = logging.getLogger("qacmock.faults")

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True)
class FaultSpec:
    client: bool
    reason: str           # faultstring / soap:Reason: always "Error" for psWS exceptions
    actor: str | None     # faultactor / soap:Node: psWS.<Kind>Exception
    text: str             # detail/Description/@Text: what went wrong

    @classmethod
    def from_error(cls, error: QacError) -> "FaultSpec":
        return cls(error.client, "Error", error.actor, error.text)

    @classmethod
    def framework(cls, text: str) -> "FaultSpec":
        """A fault raised by the .asmx plumbing before psWS code runs: the message is the reason."""
        return cls(True, text, None, text)


class SoapFault(SpyneFault):
    """Carries a FaultSpec through spyne's error path to our serializer."""

    def __init__(self, spec: FaultSpec):
        super().__init__("Client" if spec.client else "Server", spec.text)
        self.spec = spec


def internal_fault(exc: BaseException) -> FaultSpec:
    reference = uuid.uuid4().hex[:12]
    log.error("unexpected error (reference %s)", reference, exc_info=exc)
    return FaultSpec.from_error(InternalError(
        f"The server could not process the request (reference {reference}; see the qacmock log)."))


def fault_envelope(version: str, spec: FaultSpec):
    env_ns = ENVELOPE_NS[version]
    envelope, body = new_envelope(version)
    fault = etree.SubElement(body, f"{{{env_ns}}}Fault")
    if version == "1.1":
        etree.SubElement(fault, "faultcode").text = "soap:Client" if spec.client else "soap:Server"
        etree.SubElement(fault, "faultstring").text = spec.reason
        if spec.actor:
            etree.SubElement(fault, "faultactor").text = spec.actor
    else:
        code = etree.SubElement(fault, f"{{{env_ns}}}Code")
        etree.SubElement(code, f"{{{env_ns}}}Value").text = "soap:Sender" if spec.client else "soap:Receiver"
        reason = etree.SubElement(fault, f"{{{env_ns}}}Reason")
        text = etree.SubElement(reason, f"{{{env_ns}}}Text")
        text.set(XML_LANG, "en")
        text.text = spec.reason
        if spec.actor:
            etree.SubElement(fault, f"{{{env_ns}}}Node").text = spec.actor
    # Unqualified <detail>, as in the vendor's samples for both versions.
    detail = etree.SubElement(fault, "detail")
    etree.SubElement(detail, "Description", Text=spec.text)
    return envelope


def fault_bytes(version: str, spec: FaultSpec) -> bytes:
    return to_bytes(fault_envelope(version, spec))
