"""The served WSDL: where it is answered, the address it advertises, and its .asmx layout
(reference §1.5), checked against the registry it is generated from."""
import pytest
import requests
import zeep
from lxml import etree
from zeep.wsdl.bindings import Soap11Binding, Soap12Binding

from mockserver.registry import REGISTRY

from .helpers import NS

WSDL = "http://schemas.xmlsoap.org/wsdl/"
XS = "http://www.w3.org/2001/XMLSchema"
WSOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
WSOAP12 = "http://schemas.xmlsoap.org/wsdl/soap12/"
N = {"wsdl": WSDL, "s": XS, "soap": WSOAP, "soap12": WSOAP12}

OPERATIONS = REGISTRY.operations
OP_IDS = [op.name for op in OPERATIONS]
VALUE_TYPES = {f"{{{XS}}}{t}" for t in ("int", "decimal", "dateTime", "boolean")}


def get_wsdl(url: str, **headers) -> etree._Element:
    response = requests.get(url, headers=headers, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/xml")
    return etree.fromstring(response.content)


def addresses(root) -> dict[str, str]:
    return {
        "soap": root.find("wsdl:service/wsdl:port/soap:address", N).get("location"),
        "soap12": root.find("wsdl:service/wsdl:port/soap12:address", N).get("location"),
    }


def ref(el, attr: str) -> str:
    """A QName-valued attribute resolved against the element's namespace declarations."""
    prefix, _, local = el.get(attr).rpartition(":")
    return etree.QName(el.nsmap[prefix or None], local).text


def tns(local: str) -> str:
    return f"{{{NS}}}{local}"


@pytest.fixture(scope="module")
def wsdl(live):
    return get_wsdl(live.url + "?WSDL")


@pytest.fixture(scope="module")
def schema(wsdl):
    schemas = wsdl.findall("wsdl:types/s:schema", N)
    assert len(schemas) == 1
    return schemas[0]


def element(schema, name):
    found = schema.findall(f"s:element[@name='{name}']", N)
    assert len(found) == 1, name
    return found[0]


def complex_type(schema, name):
    found = schema.findall(f"s:complexType[@name='{name}']", N)
    assert len(found) == 1, name
    return found[0]


def members(ct):
    return ct.findall("s:sequence/s:element", N)


# --- where and with which address ------------------------------------------------------------

@pytest.mark.parametrize("query", ["WSDL", "wsdl"])
@pytest.mark.parametrize("path", ["/psws/psws.asmx", "/PSWS/PSWS.ASMX", "/psWS.asmx"])
def test_wsdl_is_served_with_the_address_requested(live, path, query):
    root = get_wsdl(f"{live.base}{path}?{query}")
    assert root.tag == f"{{{WSDL}}}definitions"
    assert addresses(root) == {"soap": live.base + path, "soap12": live.base + path}


def test_wsdl_address_uses_the_host_header(live):
    root = get_wsdl(live.url + "?WSDL", Host="myteam.example.com:8443")
    expected = "http://myteam.example.com:8443/psws/psws.asmx"
    assert addresses(root) == {"soap": expected, "soap12": expected}


# --- document, service, bindings --------------------------------------------------------------

def test_target_namespace_and_schema(wsdl, schema):
    assert wsdl.get("targetNamespace") == NS
    assert schema.get("targetNamespace") == NS
    assert schema.get("elementFormDefault") == "qualified"


def test_service_and_ports(wsdl):
    services = wsdl.findall("wsdl:service", N)
    assert [s.get("name") for s in services] == ["Service"]
    ports = {p.get("name"): p for p in services[0].findall("wsdl:port", N)}
    assert set(ports) == {"ServiceSoap", "ServiceSoap12"}
    assert ref(ports["ServiceSoap"], "binding") == tns("ServiceSoap")
    assert ref(ports["ServiceSoap12"], "binding") == tns("ServiceSoap12")
    assert ports["ServiceSoap"].find("soap:address", N) is not None
    assert ports["ServiceSoap"].find("soap12:address", N) is None
    assert ports["ServiceSoap12"].find("soap12:address", N) is not None


def test_bindings_and_port_type(wsdl):
    bindings = {b.get("name"): b for b in wsdl.findall("wsdl:binding", N)}
    assert set(bindings) == {"ServiceSoap", "ServiceSoap12"}
    for name, soap_ns in (("ServiceSoap", WSOAP), ("ServiceSoap12", WSOAP12)):
        assert ref(bindings[name], "type") == tns("ServiceSoap")
        soap_binding = bindings[name].find(f"{{{soap_ns}}}binding")
        assert soap_binding is not None, name
        assert soap_binding.get("transport") == "http://schemas.xmlsoap.org/soap/http"
        assert [op.get("name") for op in bindings[name].findall("wsdl:operation", N)] == OP_IDS
    port_types = wsdl.findall("wsdl:portType", N)
    assert [p.get("name") for p in port_types] == ["ServiceSoap"]
    assert [op.get("name") for op in port_types[0].findall("wsdl:operation", N)] == OP_IDS


# --- every operation ---------------------------------------------------------------------------

@pytest.mark.parametrize("op", OPERATIONS, ids=OP_IDS)
def test_operation_messages_and_port_type(wsdl, op):
    for suffix, wrapper in (("SoapIn", op.name), ("SoapOut", op.name + "Response")):
        messages = wsdl.findall(f"wsdl:message[@name='{op.name}{suffix}']", N)
        assert len(messages) == 1
        parts = messages[0].findall("wsdl:part", N)
        assert [p.get("name") for p in parts] == ["parameters"]
        assert ref(parts[0], "element") == tns(wrapper)
    pt_op = wsdl.find(f"wsdl:portType/wsdl:operation[@name='{op.name}']", N)
    assert ref(pt_op.find("wsdl:input", N), "message") == tns(op.name + "SoapIn")
    assert ref(pt_op.find("wsdl:output", N), "message") == tns(op.name + "SoapOut")


@pytest.mark.parametrize("op", OPERATIONS, ids=OP_IDS)
@pytest.mark.parametrize("binding, soap_ns", [("ServiceSoap", WSOAP), ("ServiceSoap12", WSOAP12)])
def test_operation_binding(wsdl, op, binding, soap_ns):
    b_op = wsdl.find(f"wsdl:binding[@name='{binding}']/wsdl:operation[@name='{op.name}']", N)
    soap_op = b_op.find(f"{{{soap_ns}}}operation")
    assert soap_op.get("soapAction") == f"http://www.pragmaticsw.com/{op.name}"
    assert soap_op.get("style") == "document"
    for direction in ("input", "output"):
        body = b_op.find(f"wsdl:{direction}/{{{soap_ns}}}body", N)
        assert body.get("use") == "literal"


@pytest.mark.parametrize("op", OPERATIONS, ids=OP_IDS)
def test_operation_wrappers(schema, op):
    request = element(schema, op.name)
    assert [m.get("name") for m in members(request.find("s:complexType", N))] == [p.name for p in op.params]
    response_type = element(schema, op.name + "Response").find("s:complexType", N)
    assert response_type is not None
    if op.returns is None:
        assert len(response_type) == 0 and not (response_type.text or "").strip()
        return
    result = members(response_type)
    assert [m.get("name") for m in result] == [op.name + "Result"]
    simple = {"string", "int", "boolean", "base64Binary"}      # XML Schema's own types; the rest are ours
    expected_type = f"{{{XS}}}{op.returns}" if op.returns in simple else tns(op.returns)
    assert ref(result[0], "type") == expected_type


def test_void_operations_include_bugs_update_and_delete(schema):
    for name in ("Bugs_Update", "Bugs_Delete"):
        response_type = element(schema, name + "Response").find("s:complexType", N)
        assert len(response_type) == 0


def test_bugs_load_by_criteria_parameter_order(schema):
    wrapper = element(schema, "Bugs_LoadByCriteria").find("s:complexType", N)
    assert [m.get("name") for m in members(wrapper)] == [
        "AuthenticationData", "Condition", "Sorting", "PageSize", "PageNumber"]


@pytest.mark.parametrize("op, item_element", [("FunctionalSpecs_Add", "FunctionalSpecs"),
                                              ("FunctionalSpecs_Update", "FunctionalSpec")])
def test_functional_spec_item_element_names(schema, op, item_element):
    items = [m for m in members(element(schema, op).find("s:complexType", N))
             if m.get("name") not in ("AuthenticationData", "SendEmailAlert", "NewNotes")]
    assert [m.get("name") for m in items] == [item_element]
    assert ref(items[0], "type") == tns("FunctionalSpec")


# --- types ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("array, item, item_type, nillable", [
    ("ArrayOfBug", "Bug", tns("Bug"), True),
    ("ArrayOfInt", "int", f"{{{XS}}}int", False),
    ("ArrayOfString", "string", f"{{{XS}}}string", True),
    ("ArrayOfProject", "Project", tns("Project"), True),
])
def test_array_types(schema, array, item, item_type, nillable):
    items = members(complex_type(schema, array))
    assert len(items) == 1
    el = items[0]
    assert el.get("name") == item
    assert ref(el, "type") == item_type
    assert el.get("minOccurs") == "0" and el.get("maxOccurs") == "unbounded"
    assert el.get("nillable") == ("true" if nillable else None)


def test_bug_members_follow_the_registry_order_and_types(schema):
    declared = REGISTRY.entity("Bug").fields
    wire = members(complex_type(schema, "Bug"))
    assert [m.get("name") for m in wire] == [f.name for f in declared]
    for f, m in zip(declared, wire):
        expected = (f"{{{XS}}}{f.xsd.value}" if not f.xsd.is_array else tns(f.xsd.value))
        assert ref(m, "type") == expected, f.name


def test_bug_member_occurrence(schema):
    wire = members(complex_type(schema, "Bug"))
    seen = set()
    for m in wire:
        type_name = ref(m, "type")
        if type_name in VALUE_TYPES:
            assert m.get("minOccurs") == "1", m.get("name")
            assert m.get("nillable") is None, m.get("name")
        else:
            assert type_name in (f"{{{XS}}}string", tns("ArrayOfString"), tns("ArrayOfInt")), m.get("name")
            assert m.get("minOccurs") == "0", m.get("name")
        assert m.get("maxOccurs") == "1", m.get("name")
        seen.add(type_name.rpartition("}")[2])
    # The Bug type exercises every kind the rule speaks of.
    assert {"int", "decimal", "dateTime", "string", "ArrayOfString"} <= seen


# --- a real client ---------------------------------------------------------------------------

@pytest.mark.parametrize("port, binding_class", [("ServiceSoap", Soap11Binding),
                                                 ("ServiceSoap12", Soap12Binding)])
def test_zeep_builds_a_client_for_each_binding(live, port, binding_class):
    client = zeep.Client(live.url + "?WSDL")
    service = client.bind("Service", port)
    assert isinstance(service._binding, binding_class)
    assert service._binding_options["address"] == live.url
    assert service.GetVersion().count(".") == 3
