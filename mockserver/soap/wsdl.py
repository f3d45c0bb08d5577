"""The WSDL, generated from the registry the way ASP.NET generates an .asmx WSDL.

No real psws.asmx WSDL is public; this follows .asmx conventions (service ``Service``, ports
``ServiceSoap``/``ServiceSoap12``, messages ``<Op>SoapIn``/``<Op>SoapOut`` with a ``parameters``
part, anonymous wrapper types, ``ArrayOf<T>`` arrays).
"""
from __future__ import annotations

from xml.sax.saxutils import escape

from lxml import etree

from ..registry import REGISTRY, NS, Operation, Xsd

WSDL = "http://schemas.xmlsoap.org/wsdl/"
S = "http://www.w3.org/2001/XMLSchema"
SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
SOAP12 = "http://schemas.xmlsoap.org/wsdl/soap12/"
HTTP_TRANSPORT = "http://schemas.xmlsoap.org/soap/http"
LOCATION_PLACEHOLDER = "http://qacmock.invalid/location"

NSMAP = {
    "soap": SOAP, "tm": "http://microsoft.com/wsdl/mime/textMatching/",
    "soapenc": "http://schemas.xmlsoap.org/soap/encoding/", "mime": "http://schemas.xmlsoap.org/wsdl/mime/",
    "tns": NS, "s": S, "soap12": SOAP12, "http": "http://schemas.xmlsoap.org/wsdl/http/", "wsdl": WSDL,
}


def _w(tag):
    return f"{{{WSDL}}}{tag}"


def _s(tag):
    return f"{{{S}}}{tag}"


def _type_ref(type_name: str) -> tuple[str, bool]:
    """(QName for the type attribute, is a .NET value type)."""
    try:
        xsd = Xsd(type_name)
    except ValueError:
        return f"tns:{type_name}", False
    if xsd.is_array:
        return f"tns:{xsd.value}", False
    return f"s:{xsd.value}", xsd.is_value_type


def _element(parent, name: str, type_name: str, **extra):
    ref, value_type = _type_ref(type_name)
    attrs = {"minOccurs": "1" if value_type else "0", "maxOccurs": "1", "name": name}
    attrs.update(extra)
    attrs["type"] = ref
    return etree.SubElement(parent, _s("element"), attrs)


def _array_type(schema, type_name: str, item: str, item_type: str, nillable: bool):
    ct = etree.SubElement(schema, _s("complexType"), name=type_name)
    seq = etree.SubElement(ct, _s("sequence"))
    attrs = {"minOccurs": "0", "maxOccurs": "unbounded", "name": item}
    if nillable:
        attrs["nillable"] = "true"
    attrs["type"] = item_type
    etree.SubElement(seq, _s("element"), attrs)


def _wrapper(schema, name: str, members: list[tuple[str, str]]):
    el = etree.SubElement(schema, _s("element"), name=name)
    ct = etree.SubElement(el, _s("complexType"))
    if members:
        seq = etree.SubElement(ct, _s("sequence"))
        for member, type_name in members:
            _element(seq, member, type_name)


def _schema(root):
    types = etree.SubElement(root, _w("types"))
    schema = etree.SubElement(types, _s("schema"), elementFormDefault="qualified", targetNamespace=NS)
    arrays: dict[str, str] = {}
    for op in REGISTRY.operations:
        _wrapper(schema, op.name, [(p.name, p.type) for p in op.params])
        _wrapper(schema, op.name + "Response", [(op.name + "Result", op.returns)] if op.returns else [])
        if op.returns and op.returns.startswith("ArrayOf"):
            arrays[op.returns] = op.returns[len("ArrayOf"):]
    for declared in list(REGISTRY.complex_types) + list(REGISTRY.exposed_entities):
        ct = etree.SubElement(schema, _s("complexType"), name=declared.type_name)
        seq = etree.SubElement(ct, _s("sequence"))
        for f in declared.fields:
            type_name = f.type_name
            _element(seq, f.name, type_name)
            if type_name.startswith("ArrayOf"):
                arrays[type_name] = type_name[len("ArrayOf"):]
    for array, item in sorted(arrays.items()):
        if array == Xsd.ARRAY_OF_INT.value:
            _array_type(schema, array, "int", "s:int", nillable=False)
        elif array == Xsd.ARRAY_OF_STRING.value:
            _array_type(schema, array, "string", "s:string", nillable=True)
        else:
            _array_type(schema, array, item, f"tns:{item}", nillable=True)


def _binding(root, name: str, soap_ns: str, prefix_ops: list[Operation]):
    binding = etree.SubElement(root, _w("binding"), name=name, type="tns:ServiceSoap")
    etree.SubElement(binding, f"{{{soap_ns}}}binding", transport=HTTP_TRANSPORT)
    for op in prefix_ops:
        wop = etree.SubElement(binding, _w("operation"), name=op.name)
        etree.SubElement(wop, f"{{{soap_ns}}}operation", soapAction=op.soap_action, style="document")
        for direction in ("input", "output"):
            d = etree.SubElement(wop, _w(direction))
            etree.SubElement(d, f"{{{soap_ns}}}body", use="literal")


def build_wsdl() -> bytes:
    root = etree.Element(_w("definitions"), nsmap=NSMAP, targetNamespace=NS)
    _schema(root)
    ops = list(REGISTRY.operations)
    for op in ops:
        for suffix, element in (("SoapIn", op.name), ("SoapOut", op.name + "Response")):
            message = etree.SubElement(root, _w("message"), name=op.name + suffix)
            etree.SubElement(message, _w("part"), name="parameters", element="tns:" + element)
    port_type = etree.SubElement(root, _w("portType"), name="ServiceSoap")
    for op in ops:
        wop = etree.SubElement(port_type, _w("operation"), name=op.name)
        etree.SubElement(wop, _w("input"), message=f"tns:{op.name}SoapIn")
        etree.SubElement(wop, _w("output"), message=f"tns:{op.name}SoapOut")
    _binding(root, "ServiceSoap", SOAP, ops)
    _binding(root, "ServiceSoap12", SOAP12, ops)
    service = etree.SubElement(root, _w("service"), name="Service")
    for port, binding_ns in (("ServiceSoap", SOAP), ("ServiceSoap12", SOAP12)):
        p = etree.SubElement(service, _w("port"), name=port, binding="tns:" + port)
        etree.SubElement(p, f"{{{binding_ns}}}address", location=LOCATION_PLACEHOLDER)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + etree.tostring(root, pretty_print=True,
                                                                      encoding="utf-8")


class WsdlDocument:
    """The WSDL built once; only the address changes per request."""

    def __init__(self):
        self.template = build_wsdl()

    def render(self, location: str) -> bytes:
        return self.template.replace(LOCATION_PLACEHOLDER.encode(),
                                     escape(location, {'"': "&quot;"}).encode())
