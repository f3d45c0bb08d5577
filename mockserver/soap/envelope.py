"""Envelope layout as an .asmx server writes it: a ``soap:`` prefix, xsi/xsd declared on the
envelope, the response wrapper carrying the default namespace."""
from lxml import etree

from ..registry.constants import NS, SOAP11_ENV, SOAP12_ENV, XSD, XSI

XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>'
CONTENT_TYPES = {"1.1": "text/xml; charset=utf-8", "1.2": "application/soap+xml; charset=utf-8"}
ENVELOPE_NS = {"1.1": SOAP11_ENV, "1.2": SOAP12_ENV}


def new_envelope(version: str):
    env_ns = ENVELOPE_NS[version]
    envelope = etree.Element(f"{{{env_ns}}}Envelope", nsmap={"soap": env_ns, "xsi": XSI, "xsd": XSD})
    body = etree.SubElement(envelope, f"{{{env_ns}}}Body")
    return envelope, body


def wrap_response(version: str, wrapper) -> etree._Element:
    """A new envelope around a copy-free move of ``wrapper``'s children."""
    envelope, body = new_envelope(version)
    moved = etree.SubElement(body, wrapper.tag, nsmap={None: NS})
    moved[:] = list(wrapper)
    return envelope


def to_bytes(envelope) -> bytes:
    return XML_DECLARATION + etree.tostring(envelope, encoding="utf-8")
