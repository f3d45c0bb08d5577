"""What an .asmx answers to GET besides the WSDL: the DISCO document (``?disco``), which Visual
Studio's "Add Web Reference" and Mono's ``disco``/``wsdl URL`` read, and the help page, whose
``<link rel="alternate">`` points discovery clients at the DISCO document, as ASP.NET's does."""
from __future__ import annotations

from html import escape

from lxml import etree

from ..registry import NS
from .envelope import XML_DECLARATION

DISCO = "http://schemas.xmlsoap.org/disco/"
DISCO_SCL = "http://schemas.xmlsoap.org/disco/scl/"
DISCO_SOAP = "http://schemas.xmlsoap.org/disco/soap/"
BINDINGS = ("ServiceSoap", "ServiceSoap12")


def disco_document(location: str) -> bytes:
    """The DISCO document for the service at ``location`` (addresses as the caller used them)."""
    root = etree.Element(f"{{{DISCO}}}discovery", nsmap={
        "xsd": "http://www.w3.org/2001/XMLSchema", "xsi": "http://www.w3.org/2001/XMLSchema-instance",
        None: DISCO})
    etree.SubElement(root, f"{{{DISCO_SCL}}}contractRef", nsmap={None: DISCO_SCL},
                     ref=f"{location}?wsdl", docRef=location)
    for number, binding in enumerate(BINDINGS, 1):
        prefix = f"q{number}"
        etree.SubElement(root, f"{{{DISCO_SOAP}}}soap", nsmap={None: DISCO_SOAP, prefix: NS},
                         address=location, binding=f"{prefix}:{binding}")
    return XML_DECLARATION + etree.tostring(root, encoding="utf-8")


def help_page(location: str, operation_names) -> bytes:
    items = "".join(f"<li>{escape(name)}</li>" for name in operation_names)
    here = escape(location, quote=True)
    return (f'<!DOCTYPE html><html><head><title>Service Web Service</title>'
            f'<link rel="alternate" type="text/xml" href="{here}?disco" /></head>'
            f'<body><h1>Service</h1><p>qacmock psws.asmx. The following operations are supported. '
            f'For a formal definition, please review the <a href="{here}?WSDL">Service Description</a>.'
            f'</p><ul>{items}</ul></body></html>').encode()
