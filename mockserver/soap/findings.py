"""The conformance rules: every way a request can deviate from the served WSDL and the vendor's
documented rules, with how the real service treats it and where that rests.

Severities:
    refused    the real service would refuse the request (and the mock does, with a fault)
    tolerated  it works, but it is not what the contract says: another server, a stricter
               version, or the same server reading it differently could break the client
    note       worth knowing; nothing in the contract forbids it
"""
from __future__ import annotations

from dataclasses import dataclass

REFUSED, TOLERATED, NOTE = "refused", "tolerated", "note"
SEVERITIES = (REFUSED, TOLERATED, NOTE)          # most serious first

REF = "qacomplete-soap-api.md"
EMPTY_ELEMENTS = (f'{REF} §4.2 [DOC]: "The QAComplete service does not support empty elements in requests. '
                  f'You need to avoid using empty elements in requests."')


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    title: str
    reference: str


RULES = {rule.id: rule for rule in (
    # -- HTTP and envelope
    Rule("content-type-version", REFUSED, "the Content-Type and the envelope name different SOAP versions",
         f"{REF} §1.2 [DOC-SAMPLE]: text/xml with soap:Envelope (1.1), application/soap+xml with soap12:Envelope (1.2)"),
    Rule("charset-missing", NOTE, "the Content-Type names no charset",
         f'{REF} §1.1 [DOC]: "QAComplete uses UTF-8 encoding for SOAP messages"; the samples send charset=utf-8'),
    Rule("charset-not-utf8", TOLERATED, "the request is not sent as UTF-8",
         f'{REF} §1.1 [DOC]: "QAComplete uses UTF-8 encoding for SOAP messages"'),
    Rule("soapaction-missing", REFUSED, "a SOAP 1.1 request without a SOAPAction header",
         f"{REF} §1.2 [DOC-SAMPLE] SOAPAction: \"http://www.pragmaticsw.com/<OperationName>\"; [INFERRED] .asmx "
         f"answers 'Server did not recognize the value of HTTP Header SOAPAction'"),
    Rule("soapaction-unquoted", TOLERATED, "the SOAPAction header is not a quoted string",
         f"{REF} §1.2 [DOC-SAMPLE] the action is quoted; SOAP 1.1 §6.1.1 makes it a quoted string"),
    Rule("action-mismatch", REFUSED, "the action names another operation than the body, or none",
         f"{REF} §1.2 [DOC-SAMPLE] the action is \"http://www.pragmaticsw.com/\" + the body's operation"),
    Rule("action-missing", NOTE, "a SOAP 1.2 request without the action parameter",
         f"{REF} §1.2 [DOC-SAMPLE] the vendor's SOAP 1.2 samples send none; the WSDL's soap12:operation "
         f"gives soapActionRequired=\"false\""),
    Rule("unknown-operation", REFUSED, "the Body's element names no operation of the service",
         f"{REF} §7.1: the operation index"),
    Rule("operation-namespace", REFUSED, "the operation element is not in the service's namespace",
         f"{REF} §1.2 [DOC-SAMPLE]: <Operation xmlns=\"http://www.pragmaticsw.com/\">"),
    Rule("body-extra-elements", TOLERATED, "the SOAP Body holds more than the operation element",
         f"{REF} §1.2 [DOC-SAMPLE] document/literal wrapped: the Body's one child is the operation"),
    # -- elements
    Rule("unknown-element", TOLERATED, "an element the WSDL does not declare there; the service ignores it",
         f"{REF} §1.5: an .asmx WSDL declares every member; XmlSerializer skips unknown elements"),
    Rule("wrong-namespace", TOLERATED, "a member in another namespace or none; the service ignores it, "
                                       "so its value is lost",
         f"{REF} §1.2 [DOC-SAMPLE]: parameters and members are unprefixed in the default namespace "
         f"http://www.pragmaticsw.com/"),
    Rule("element-order", TOLERATED, "members out of the order of the WSDL's xsd:sequence",
         f"{REF} §1.2 [DOC-SAMPLE]: \"Parameter element names equal the documented parameter names, in "
         f"the documented order\"; the WSDL declares every type as an xsd:sequence"),
    Rule("repeated-element", TOLERATED, "a member given more than once; the service keeps one of them",
         f"{REF} §1.5: every member of an .asmx type has maxOccurs=1"),
    Rule("missing-required-parameter", REFUSED, "a parameter the operation needs is missing",
         f"{REF} §7 operation pages [DOC]: the parameters of each operation"),
    Rule("missing-value-member", TOLERATED, "an int, decimal, dateTime or boolean member (minOccurs=1) is "
                                           "left out; the service reads 0, 0001-01-01 or false",
         f"{REF} §1.5: an .asmx WSDL declares .NET value-type members minOccurs=\"1\""),
    Rule("nil-value-type", REFUSED, "xsi:nil on an int, decimal, dateTime or boolean member",
         f"{REF} §1.5: value-type members are not nillable in an .asmx WSDL"),
    Rule("nil-not-nillable", TOLERATED, "xsi:nil on a member the WSDL does not declare nillable; read as absent",
         f"{REF} §1.5: string and object members are minOccurs=\"0\", not nillable"),
    Rule("xsi-type-mismatch", REFUSED, "an xsi:type naming another complex type than the member's",
         f"{REF} §1.5: each member has one declared type"),
    Rule("xsi-type-noise", TOLERATED, "an xsi:type on a simple member naming another built-in type; "
                                      "the service ignores it",
         f"{REF} §1.5: each member has one declared type"),
    Rule("empty-value-element", REFUSED, "an empty element for an int, decimal, dateTime or boolean member",
         EMPTY_ELEMENTS),
    Rule("empty-element", TOLERATED, "an empty element for a string or array member of an object",
         EMPTY_ELEMENTS + " (a string member reads as \"\", an array as empty)"),
    # -- values
    Rule("lexical-form", REFUSED, "a value that is not in its XML Schema type's lexical form",
         f"{REF} §4.1, §4.9; XML Schema Part 2 (xsd:int, xsd:decimal: no exponent, xsd:dateTime: a "
         f"four-digit year, xsd:boolean: true, false, 1, 0)"),
    Rule("non-canonical-number", NOTE, "a number with a plus sign, leading zeros or surrounding spaces",
         "XML Schema Part 2 canonical representations; .NET writes neither"),
    Rule("date-with-offset", TOLERATED, "a dateTime with a time zone (Z or an offset); the service converts "
                                        "it to its own time",
         f'{REF} §4.1 [DOC]: "timestamps are in the format: YYYY-MM-DD, followed by the letter T, then the '
         f'24-hour time HH:MM:SS[.sss]" in the server\'s time, without a zone'),
    Rule("decimal-beyond-dotnet", TOLERATED, "a decimal with more places or digits than .NET's decimal holds; "
                                             "the service rounds it",
         "[INFERRED] System.Decimal: 28 places, 29 significant digits"),
    Rule("out-of-range", REFUSED, "an int or decimal beyond its type's range",
         "XML Schema Part 2 xsd:int; System.Decimal's range"),
    Rule("max-length", REFUSED, "a string longer than the field's documented maximum length",
         f"{REF} §7 object pages [DOC]: each field's maximum length"),
    Rule("title-pre-encoded", NOTE, "a title sent with the service's output encoding still in it "
                                    "(&amp; &#60; &#62;): it is stored as written and grows on every round trip",
         f"{REF} §4.8 [DOC]: titles are double-encoded on output; send them decoded"),
    Rule("page-size", REFUSED, "a LoadByCriteria PageSize outside 1 to 200",
         f'{REF} §5.2 [DOC]: "PageSize. It can be 1 to 200."'),
    Rule("page-number", REFUSED, "a LoadByCriteria PageNumber below 1",
         f'{REF} §5.2 [DOC]: "increasing page numbers starting from 1"'),
    Rule("authentication-missing", REFUSED, "AuthenticationData or one of AppCode, DeptId, UserId, PassCode "
                                            "is missing or empty, or neither ProjId nor ProjIds is given",
         f"{REF} §2.2 [DOC]: the AuthenticationData members every authenticated call sends"),
)}


@dataclass(frozen=True)
class Finding:
    rule: str
    operation: str | None
    path: str               # where: "Bugs_Add/Bug/EstHrs", or an HTTP header
    evidence: str           # the offending snippet, shortened
    detail: str = ""        # what exactly, when the rule's title is not enough

    @property
    def severity(self) -> str:
        return RULES[self.rule].severity

    def message(self) -> str:
        rule = RULES[self.rule]
        return f"{rule.id} ({rule.severity}) at {self.path}: {self.detail or rule.title}"

    def to_json(self) -> dict:
        rule = RULES[self.rule]
        return {"rule": rule.id, "severity": rule.severity, "operation": self.operation, "path": self.path,
                "evidence": self.evidence, "message": self.detail or rule.title, "reference": rule.reference}
