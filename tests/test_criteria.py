"""LoadByCriteria's Condition, end to end over SOAP 1.1 and 1.2: every operator, item type and
tArray encoding of docs/load-by-criteria.md, checked against exact id sets.

The server is shared by the whole session, so every query here is ANDed with
``Title LIKE '%<tag>%'`` for a tag (uuid) that only this module's items carry; the results are
then exactly this module's items and each test asserts the full list of ids it expects.

Most tests read one module-scoped set of five Bugs (``bugs``, numbered 1-5 below); tests that
need titles of a particular shape create their own items.

    #  Title         Status    Pct  EstHrs ActHrs EstStart                 EstFinish        Assignee  Custom1  Folder
    1  <tag> alpha   Active     10  1.5    2      2020-01-10T08:00:00      now + 2 days     admin     apple    -
    2  <tag> Bravo   Reopened   20  2.5    2.5    2020-01-15T12:30:45      today 00:00:00   tester    banana   Backlog
    3  <tag> charlie Resolved   30  3.25   1      2020-01-20T00:00:00      today - 1 s      -         cherry   -
    4  <tag> delta   Closed    100  4.75   5      2020-01-25T06:07:08.250  now - 2 days     admin     date     -
    5  <tag> ECHO    Active      0  0      0      -                        -                admin     -        -

(-: unset, i.e. NULL. Closing 4 makes the server set DateClosed; nothing else has one.
Custom2 is '42' on 1 and '42.0' on 2, NULL elsewhere.)
"""
from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

import pytest
from lxml import etree

from .helpers import (
    ADMIN, FAMILY_ALBUM, NS, SCREEN_SAVER, auth, auth_xml, envelope, fault, post_raw,
)

ADMIN_ID = ADMIN["user_id"]        # Ada Admin
TESTER = 25317                     # Tom Tester
XMLNS = ('xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
         'xmlns:xsd="http://www.w3.org/2001/XMLSchema"')
SOAP_ENV = {"1.1": "http://schemas.xmlsoap.org/soap/envelope/",
            "1.2": "http://www.w3.org/2003/05/soap-envelope"}

# -- vendor samples, verbatim --------------------------------------------------------------------

# Reference §5.3, "Defects assigned to a specific user" (Get Items By Condition, a C# verbatim
# string, hence the single quotes).
VENDOR_ASSIGNED_TO_USER = """<Conditions xmlns:xsi='http://www.w3.org/2001/XMLSchema-instance'
xmlns:xsd='http://www.w3.org/2001/XMLSchema' Operation='opEQU'>
  <Items Type='tField'>
    <Value xsi:type='xsd:string'>AssigneeUserId</Value>
  </Items>
  <Items Type='tString'>
    <Value xsi:type='xsd:string'>24661</Value>
  </Items>
</Conditions>"""

# Reference §5.3, "Title starts with NEWS".
VENDOR_TITLE_BEGINS_WITH_NEWS = """<Conditions xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" Operation="opLIKE">
   <Items Type="tField">
      <Value xsi:type="xsd:string">Title</Value>
   </Items>
   <Items Type="tString">
      <Value xsi:type="xsd:string">NEWS%</Value>
   </Items>
</Conditions>"""

# docs/load-by-criteria.md, the sample at the top of "Condition".
DOC_SAMPLE = """<Conditions xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
            xmlns:xsd="http://www.w3.org/2001/XMLSchema" Operation="opAND">
  <Conditions Operation="opLIKE">
    <Items Type="tField"><Value xsi:type="xsd:string">Title</Value></Items>
    <Items Type="tString"><Value xsi:type="xsd:string">%error%</Value></Items>
  </Conditions>
  <Conditions Operation="opIN">
    <Items Type="tField"><Value xsi:type="xsd:string">StatusCode</Value></Items>
    <Items Type="tArray">
      <Value xsi:type="ArrayOfString"><string>Active</string><string>Reopened</string></Value>
    </Items>
  </Conditions>
  <Conditions Operation="opGTE">
    <Items Type="tField"><Value xsi:type="xsd:string">DateCreated</Value></Items>
    <Items Type="tSQLstring"><Value xsi:type="xsd:string">dateadd(day, -7, getdate())</Value></Items>
  </Conditions>
</Conditions>"""

# docs/load-by-criteria.md, "tArray encodings": the four spellings, verbatim.
DOC_ARRAY_SEVERAL_VALUES = """<Items Type="tArray">
  <Value xsi:type="xsd:string">Active</Value><Value xsi:type="xsd:string">Reopened</Value>
</Items>"""
DOC_ARRAY_OF_STRING = ('<Items Type="tArray"><Value xsi:type="ArrayOfString"><string>Active</string>'
                       '<string>Reopened</string></Value></Items>')
DOC_ARRAY_OF_INT = ('<Items Type="tArray"><Value xsi:type="ArrayOfInt"><int>25315</int><int>25317</int>'
                    '</Value></Items>')
DOC_ARRAY_OF_ANY_TYPE = """<Items Type="tArray"><Value xsi:type="ArrayOfAnyType">
  <anyType xsi:type="xsd:string">Active</anyType><anyType xsi:type="xsd:string">Reopened</anyType>
</Value></Items>"""


# -- condition builder -----------------------------------------------------------------------------

def item(item_type: str, text, xsd: str | None = "xsd:string") -> str:
    declared = f' xsi:type="{xsd}"' if xsd else ""
    return f'<Items Type="{item_type}"><Value{declared}>{escape(str(text))}</Value></Items>'


def field(name: str) -> str:
    return item("tField", name)


def string(text, xsd: str | None = "xsd:string") -> str:
    return item("tString", text, xsd)


def const(value, xsd: str | None = "default") -> str:
    if xsd == "default":
        xsd = "xsd:int" if isinstance(value, int) else "xsd:decimal"
    return item("tConst", value, xsd)


def date(text: str, xsd: str | None = "xsd:dateTime") -> str:
    return item("tDate", text, xsd)


def sql(text: str) -> str:
    return item("tSQLstring", text)


def array(*values, encoding: str = "values") -> str:
    """A tArray in one of the encodings of docs/load-by-criteria.md."""
    def xsd_of(v):
        return "xsd:int" if isinstance(v, int) else "xsd:string"
    if encoding == "values":
        body = "".join(f'<Value xsi:type="{xsd_of(v)}">{escape(str(v))}</Value>' for v in values)
    elif encoding == "ArrayOfString":
        body = ('<Value xsi:type="ArrayOfString">'
                + "".join(f"<string>{escape(str(v))}</string>" for v in values) + "</Value>")
    elif encoding == "ArrayOfInt":
        body = '<Value xsi:type="ArrayOfInt">' + "".join(f"<int>{v}</int>" for v in values) + "</Value>"
    elif encoding == "ArrayOfAnyType":
        body = ('<Value xsi:type="ArrayOfAnyType">'
                + "".join(f'<anyType xsi:type="{xsd_of(v)}">{escape(str(v))}</anyType>' for v in values)
                + "</Value>")
    else:
        raise ValueError(encoding)
    return f'<Items Type="tArray">{body}</Items>'


def cond(op: str, *children: str) -> str:
    return f'<Conditions Operation="{op}">{"".join(children)}</Conditions>'


def and_(*children: str) -> str:
    return cond("opAND", *children)


def or_(*children: str) -> str:
    return cond("opOR", *children)


def not_(child: str) -> str:
    return cond("opNOT", child)


def root(condition: str) -> str:
    """The condition with the xsi/xsd namespace declarations on its root, as clients send it."""
    assert condition.startswith("<Conditions ")
    return condition.replace("<Conditions ", f"<Conditions {XMLNS} ", 1)


def tagged(tag: str, *conditions: str, title_field: str = "Title") -> str:
    """``Title LIKE '%tag%' AND condition...``: restricts a query to one test's items."""
    return root(and_(cond("opLIKE", field(title_field), string(f"%{tag}%")), *conditions))


# -- calls -------------------------------------------------------------------------------------------

def new_tag() -> str:
    return uuid.uuid4().hex[:12]


def add_bug(soap, title: str, status: str = "Active", proj_id: int = FAMILY_ALBUM, **values) -> int:
    return soap.service.Bugs_Add(AuthenticationData=auth(proj_id=proj_id),
                                 Bug=soap.new("Bug", Title=title, StatusCode=status, **values),
                                 SendEmailAlert="N", NewNotes="")


def bug_ids(soap, condition, sorting: str = "", size: int = 200, number: int = 1, **auth_args) -> list[int]:
    """The BugIds of one Bugs_LoadByCriteria page, in the order returned."""
    result = soap.service.Bugs_LoadByCriteria(AuthenticationData=auth(**auth_args), Condition=condition,
                                              Sorting=sorting, PageSize=size, PageNumber=number)
    return [b.BugId for b in result or []]


def release_ids(soap, condition, sorting: str = "") -> list[int]:
    result = soap.service.Releases_LoadByCriteria(AuthenticationData=auth(), Condition=condition,
                                                  Sorting=sorting, PageSize=200, PageNumber=1)
    return [r.Id for r in result or []]


def spec_ids(soap, condition, sorting: str = "") -> list[int]:
    result = soap.service.FunctionalSpecs_LoadByCriteria(AuthenticationData=auth(), Condition=condition,
                                                         Sorting=sorting, PageSize=200, PageNumber=1)
    return [s.FunctSpecId for s in result or []]


def backlog_folder_id(soap) -> int:
    """The FolderId of the seeded Bugs folder 'Backlog', read off the seeded bug filed in it."""
    number = 1
    while True:
        result = soap.service.Bugs_LoadByCriteria(AuthenticationData=auth(), Condition="",
                                                  Sorting="BugId", PageSize=200, PageNumber=number)
        for bug in result or []:
            if bug.FolderName == "Backlog":
                return bug.FolderId
        assert result and len(result) == 200, "no seeded bug in the Backlog folder"
        number += 1


# -- the shared data set -----------------------------------------------------------------------------

@dataclass
class BugSet:
    tag: str
    ids: dict                     # 1..5 -> BugId
    today: datetime.datetime      # local midnight when the set was made

    def __call__(self, *numbers: int) -> list[int]:
        """The BugIds of the numbered bugs, in id (= default sort) order."""
        return sorted(self.ids[n] for n in numbers)

    def where(self, *conditions: str) -> str:
        return tagged(self.tag, *conditions)

    def order(self, *numbers: int) -> list[int]:
        return [self.ids[n] for n in numbers]


@pytest.fixture(scope="module")
def bugs(soap11) -> BugSet:
    tag = new_tag()
    now = datetime.datetime.now().replace(microsecond=0)
    today = now.replace(hour=0, minute=0, second=0)
    backlog = backlog_folder_id(soap11)
    rows = {
        1: dict(Title=f"{tag} alpha", status="Active", PctComplete=10, EstHrs=Decimal("1.5"),
                ActHrs=Decimal("2"), EstStart=datetime.datetime(2020, 1, 10, 8, 0, 0),
                EstFinish=now + datetime.timedelta(days=2), AssigneeUserId=ADMIN_ID, Custom1="apple",
                Custom2="42"),
        2: dict(Title=f"{tag} Bravo", status="Reopened", PctComplete=20, EstHrs=Decimal("2.5"),
                ActHrs=Decimal("2.5"), EstStart=datetime.datetime(2020, 1, 15, 12, 30, 45),
                EstFinish=today, AssigneeUserId=TESTER, Custom1="banana", FolderId=backlog,
                Custom2="42.0"),
        3: dict(Title=f"{tag} charlie", status="Resolved", PctComplete=30, EstHrs=Decimal("3.25"),
                ActHrs=Decimal("1"), EstStart=datetime.datetime(2020, 1, 20),
                EstFinish=today - datetime.timedelta(seconds=1), AssigneeUserId=0, Custom1="cherry"),
        4: dict(Title=f"{tag} delta", status="Closed", PctComplete=100, EstHrs=Decimal("4.75"),
                ActHrs=Decimal("5"), EstStart=datetime.datetime(2020, 1, 25, 6, 7, 8, 250000),
                EstFinish=now - datetime.timedelta(days=2), AssigneeUserId=ADMIN_ID, Custom1="date"),
        5: dict(Title=f"{tag} ECHO", status="Active", PctComplete=0, EstHrs=Decimal("0"),
                ActHrs=Decimal("0"), AssigneeUserId=ADMIN_ID),
    }
    ids = {}
    for number, values in rows.items():
        values = dict(values)
        ids[number] = add_bug(soap11, values.pop("Title"), values.pop("status"), **values)
    assert sorted(ids.values()) == [ids[n] for n in range(1, 6)]
    return BugSet(tag, ids, today)


# -- vendor examples ---------------------------------------------------------------------------------

def test_vendor_sample_assigned_to_a_specific_user(soap, bugs):
    """[DOC-SAMPLE] 'Defects assigned to a specific user': the single-quoted C# sample, verbatim.
    Its user 24661 is not a FamilyAlbum member, so nothing there is assigned to him; with the id
    swapped for the admin (25315) it finds exactly the admin's bugs. The number is a tString."""
    assert bug_ids(soap, VENDOR_ASSIGNED_TO_USER) == []
    mine = VENDOR_ASSIGNED_TO_USER.replace("24661", str(ADMIN_ID))
    assert bug_ids(soap, bugs.where(mine)) == bugs(1, 4, 5)


def test_vendor_example_all_resolved_items(soap, bugs):
    """[DOC] 'All resolved items': StatusCode opEQU tString Resolved."""
    assert bug_ids(soap, bugs.where(cond("opEQU", field("StatusCode"), string("Resolved")))) == bugs(3)


def test_vendor_example_closed_or_resolved_items(soap, bugs):
    """[DOC] 'All closed or resolved items': opOR of two opEQU."""
    condition = or_(cond("opEQU", field("StatusCode"), string("Closed")),
                    cond("opEQU", field("StatusCode"), string("Resolved")))
    assert bug_ids(soap, bugs.where(condition)) == bugs(3, 4)


def test_vendor_example_title_begins_with(soap):
    """[DOC-SAMPLE] 'Title starts with NEWS' (opLIKE 'NEWS%'), verbatim, nested in an opAND:
    titles beginning with NEWS in any case match, NEWS elsewhere in the title does not."""
    tag = new_tag()
    first = add_bug(soap, f"NEWS {tag} flash")
    add_bug(soap, f"Old NEWS {tag}")
    lower = add_bug(soap, f"news {tag} in lower case")
    add_bug(soap, f"{tag} NEWS at the end NEWS")
    assert bug_ids(soap, tagged(tag, VENDOR_TITLE_BEGINS_WITH_NEWS)) == [first, lower]


def test_vendor_example_non_closed_items_assigned_to_a_user(soap, bugs):
    """[DOC] 'Non-closed items assigned to a specific user': opAND of opNOTEQU StatusCode Closed
    and opEQU AssigneeUserId (a tString, as in the vendor sample)."""
    condition = and_(cond("opNOTEQU", field("StatusCode"), string("Closed")),
                     cond("opEQU", field("AssigneeUserId"), string(ADMIN_ID)))
    assert bug_ids(soap, bugs.where(condition)) == bugs(1, 5)


def test_vendor_example_items_created_between_a_date_and_today(soap, bugs):
    """[DOC] 'Items created between 2014/01/01 and today': opGTE DateCreated tDate and opLTE
    DateCreated tSQLstring getdate(). The same shape on EstStart picks a sub-range."""
    created = and_(cond("opGTE", field("DateCreated"), date("2014-01-01T00:00:00")),
                   cond("opLTE", field("DateCreated"), sql("getdate()")))
    assert bug_ids(soap, bugs.where(created)) == bugs(1, 2, 3, 4, 5)
    before = cond("opLT", field("DateCreated"), date("2014-01-01T00:00:00"))
    assert bug_ids(soap, bugs.where(before)) == []
    planned = and_(cond("opGTE", field("EstStart"), date("2020-01-12T00:00:00")),
                   cond("opLTE", field("EstStart"), sql("getdate()")))
    assert bug_ids(soap, bugs.where(planned)) == bugs(2, 3, 4)


def test_doc_sample_condition(soap):
    """[DOC] The sample of docs/load-by-criteria.md, verbatim: Title LIKE '%error%' AND StatusCode
    IN (Active, Reopened) (ArrayOfString) AND DateCreated >= dateadd(day, -7, getdate())."""
    tag = new_tag()
    active = add_bug(soap, f"{tag} error on save", "Active")
    add_bug(soap, f"{tag} error on load", "Closed")
    reopened = add_bug(soap, f"{tag} ERROR on print", "Reopened")
    add_bug(soap, f"{tag} no problem", "Active")
    assert bug_ids(soap, tagged(tag, DOC_SAMPLE)) == [active, reopened]


# -- comparison operators ----------------------------------------------------------------------------

# For each field type: the constant (item) and the bugs each operator selects with the field on
# the left. The constant is bug 2's value in each case.
COMPARISON_FIELDS = {
    "int": ("PctComplete", lambda tag: const(20), {
        "opLT": (1, 5), "opLTE": (1, 2, 5), "opEQU": (2,), "opNOTEQU": (1, 3, 4, 5),
        "opGT": (3, 4), "opGTE": (2, 3, 4)}),
    "decimal": ("EstHrs", lambda tag: const("2.5"), {
        "opLT": (1, 5), "opLTE": (1, 2, 5), "opEQU": (2,), "opNOTEQU": (1, 3, 4, 5),
        "opGT": (3, 4), "opGTE": (2, 3, 4)}),
    "date": ("EstStart", lambda tag: date("2020-01-15T12:30:45"), {   # bug 5: NULL, never matches
        "opLT": (1,), "opLTE": (1, 2), "opEQU": (2,), "opNOTEQU": (1, 3, 4),
        "opGT": (3, 4), "opGTE": (2, 3, 4)}),
    "text": ("Title", lambda tag: string(f"{tag} bravo"), {           # compared case-insensitively
        "opLT": (1,), "opLTE": (1, 2), "opEQU": (2,), "opNOTEQU": (1, 3, 4, 5),
        "opGT": (3, 4, 5), "opGTE": (2, 3, 4, 5)}),
}
MIRROR = {"opLT": "opGT", "opLTE": "opGTE", "opEQU": "opEQU", "opNOTEQU": "opNOTEQU",
          "opGT": "opLT", "opGTE": "opLTE"}


@pytest.mark.parametrize("op", list(MIRROR))
@pytest.mark.parametrize("field_type", list(COMPARISON_FIELDS))
def test_comparison_operator(soap, bugs, field_type, op):
    """[DOC] opLT, opLTE, opEQU, opNOTEQU, opGT and opGTE on an int, a decimal, a date and a text
    field, with the field on the left."""
    name, constant, expected = COMPARISON_FIELDS[field_type]
    condition = cond(op, field(name), constant(bugs.tag))
    assert bug_ids(soap, bugs.where(condition)) == bugs(*expected[op])


@pytest.mark.parametrize("op", list(MIRROR))
@pytest.mark.parametrize("field_type", list(COMPARISON_FIELDS))
def test_comparison_with_the_constant_on_the_left_mirrors_the_operator(soap, bugs, field_type, op):
    """[INFERRED] A constant may stand on the left: '20 opLT PctComplete' is 'PctComplete > 20'."""
    name, constant, expected = COMPARISON_FIELDS[field_type]
    condition = cond(op, constant(bugs.tag), field(name))
    assert bug_ids(soap, bugs.where(condition)) == bugs(*expected[MIRROR[op]])


# -- logical operators -------------------------------------------------------------------------------

def test_not(soap, bugs):
    """[DOC] opNOT negates its one nested condition."""
    condition = not_(cond("opEQU", field("StatusCode"), string("Active")))
    assert bug_ids(soap, bugs.where(condition)) == bugs(2, 3, 4)
    twice = not_(not_(cond("opEQU", field("StatusCode"), string("Active"))))
    assert bug_ids(soap, bugs.where(twice)) == bugs(1, 5)


def test_nested_and_or_several_levels_deep(soap, bugs):
    """[DOC] opAND / opOR nest: (IN(Active, Reopened) AND (Pct >= 20 OR Assignee NULL)) OR
    (NOT Closed AND (Title LIKE '%charlie' OR (EstHrs < 1 AND PctComplete = 0))), five levels
    under the root."""
    condition = or_(
        and_(cond("opIN", field("StatusCode"), array("Active", "Reopened")),
             or_(cond("opGTE", field("PctComplete"), const(20)),
                 cond("opNULL", field("AssigneeUserId")))),
        and_(not_(cond("opEQU", field("StatusCode"), string("Closed"))),
             or_(cond("opLIKE", field("Title"), string("%charlie")),
                 and_(cond("opLT", field("EstHrs"), const(1)),
                      cond("opEQU", field("PctComplete"), const(0))))))
    assert bug_ids(soap, bugs.where(condition)) == bugs(2, 3, 5)


def test_nesting_at_the_depth_limit(soap, bugs):
    """[INFERRED] 32 levels of <Conditions> are allowed: the root opAND, 30 opNOT and one opEQU."""
    inner = cond("opEQU", field("StatusCode"), string("Closed"))
    for _ in range(30):
        inner = not_(inner)
    condition = bugs.where(inner)
    assert condition.count("<Conditions ") == 33       # the root, the tag test and 31 levels
    assert bug_ids(soap, condition) == bugs(4)


def test_or_with_many_children(soap, bugs):
    """[DOC] opOR takes one or more children: 200 of them, each naming one BugId."""
    wanted = [bugs.ids[2], bugs.ids[4]]
    others = [-n for n in range(1, 199)]
    condition = or_(*(cond("opEQU", field("BugId"), const(i)) for i in others + wanted))
    assert bug_ids(soap, bugs.where(condition)) == bugs(2, 4)


def test_or_with_500_children_within_the_length_limit(soap, bugs):
    """[DOC] The Condition may hold up to 65536 characters; [INFERRED] opOR takes any number of
    children: an opOR of 499 opNOTNULL tests (about 60000 characters) is a valid condition
    (a flat SQL chain of that length passes SQLite's expression depth limit). Only Custom1 is
    set among Custom1..Custom90, so it selects the bugs with a Custom1."""
    children = [cond("opNOTNULL", field(f"Custom{2 + n % 89}")) for n in range(498)]
    children.append(cond("opNOTNULL", field("Custom1")))
    condition = bugs.where(or_(*children))
    assert len(condition) <= 65536
    assert bug_ids(soap, condition) == bugs(1, 2, 3, 4)


@pytest.mark.parametrize("op", ["opAND", "opOR"])
def test_and_or_with_one_child(soap, bugs, op):
    """[DOC] opAND and opOR take one or more nested conditions; with one, they are that condition."""
    condition = cond(op, cond("opEQU", field("StatusCode"), string("Reopened")))
    assert bug_ids(soap, bugs.where(condition)) == bugs(2)


# -- opIN / opNOTIN and the tArray encodings ---------------------------------------------------------

@pytest.mark.parametrize("field_name, array_item, in_expected, not_in_expected", [
    ("StatusCode", DOC_ARRAY_SEVERAL_VALUES, (1, 2, 5), (3, 4)),
    ("StatusCode", DOC_ARRAY_OF_STRING, (1, 2, 5), (3, 4)),
    ("StatusCode", DOC_ARRAY_OF_ANY_TYPE, (1, 2, 5), (3, 4)),
    # Bug 3 has no assignee: NOTIN leaves its NULL out.
    ("AssigneeUserId", DOC_ARRAY_OF_INT, (1, 2, 4, 5), ()),
], ids=["doc-several-values", "doc-ArrayOfString", "doc-ArrayOfAnyType", "doc-ArrayOfInt"])
def test_in_and_not_in_with_the_documented_array_samples(soap, bugs, field_name, array_item,
                                                          in_expected, not_in_expected):
    """[GUESS] The four tArray spellings of docs/load-by-criteria.md, verbatim, with opIN/opNOTIN."""
    assert bug_ids(soap, bugs.where(cond("opIN", field(field_name), array_item))) == bugs(*in_expected)
    assert bug_ids(soap, bugs.where(cond("opNOTIN", field(field_name), array_item))) == \
        bugs(*not_in_expected)


@pytest.mark.parametrize("encoding", ["values", "ArrayOfString", "ArrayOfInt", "ArrayOfAnyType"])
def test_in_and_not_in_on_an_int_field_with_each_array_encoding(soap, bugs, encoding):
    """[GUESS] Every tArray encoding carries numbers too: PctComplete IN (10, 30) / NOT IN."""
    members = array(10, 30, encoding=encoding)
    assert bug_ids(soap, bugs.where(cond("opIN", field("PctComplete"), members))) == bugs(1, 3)
    assert bug_ids(soap, bugs.where(cond("opNOTIN", field("PctComplete"), members))) == bugs(2, 4, 5)


def test_in_and_not_in_on_date_and_decimal_fields(soap, bugs):
    """[GUESS] tArray members take the type of the field: dates (any tDate form, or typed
    xsd:dateTime) and decimals. NOTIN leaves bug 5's NULL EstStart out."""
    dates = array("2020-01-20", "2020-01-15T12:30:45")
    assert bug_ids(soap, bugs.where(cond("opIN", field("EstStart"), dates))) == bugs(2, 3)
    assert bug_ids(soap, bugs.where(cond("opNOTIN", field("EstStart"), dates))) == bugs(1, 4)
    typed = ('<Items Type="tArray"><Value xsi:type="ArrayOfAnyType">'
             '<anyType xsi:type="xsd:dateTime">2020-01-25T06:07:08.25</anyType>'
             '<anyType xsi:type="xsd:dateTime">2020-01-10T08:00:00</anyType></Value></Items>')
    assert bug_ids(soap, bugs.where(cond("opIN", field("EstStart"), typed))) == bugs(1, 4)
    hours = array("1.5", "3.25", encoding="ArrayOfString")
    assert bug_ids(soap, bugs.where(cond("opIN", field("EstHrs"), hours))) == bugs(1, 3)
    assert bug_ids(soap, bugs.where(cond("opNOTIN", field("EstHrs"), hours))) == bugs(2, 4, 5)


@pytest.mark.parametrize("encoding", ["values", "ArrayOfString", "ArrayOfAnyType"])
def test_in_with_one_member(soap, bugs, encoding):
    """[GUESS] A one-member tArray is accepted in each encoding that can hold text."""
    members = array("Resolved", encoding=encoding)
    assert bug_ids(soap, bugs.where(cond("opIN", field("StatusCode"), members))) == bugs(3)
    assert bug_ids(soap, bugs.where(cond("opNOTIN", field("StatusCode"), members))) == bugs(1, 2, 4, 5)


# -- opLIKE / opNOTLIKE ------------------------------------------------------------------------------

@pytest.mark.parametrize("pattern, expected", [
    ("%a", (1, 4)),                       # % : ends with a
    ("{tag} _____", (1, 2, 4)),           # _ : exactly five characters after the tag
    ("{tag} [abc]%", (1, 2, 3)),          # a set
    ("{tag} [b-d]%", (2, 3, 4)),          # a range
    ("{tag} [^a]%", (2, 3, 4, 5)),        # a negated set
    ("%bravo", (2,)),                     # pattern lower case, title 'Bravo'
    ("%echo", (5,)),                      # pattern lower case, title 'ECHO'
    ("%ALPHA", (1,)),                     # pattern upper case, title 'alpha'
    ("%[E]cho", (5,)),                    # with a set: literals still case-insensitive
    ("{tag} [A-B]%", (1, 2)),             # ... and so are the sets themselves
    ("%L%", (1, 3, 4)),
    ("{tag} alpha", (1,)),                # no wildcard: the whole title
    ("{tag}", ()),                        # ... so a part of it does not match
], ids=["percent", "underscore", "set", "range", "negated-set", "lower-vs-mixed", "lower-vs-upper",
        "upper-vs-lower", "set-literal-case", "set-case", "contains", "no-wildcard", "partial-no-wildcard"])
def test_like(soap, bugs, pattern, expected):
    """[DOC] opLIKE: % and _ [DOC]; [abc], [a-c], [^a] and case-insensitivity [INFERRED]."""
    condition = cond("opLIKE", field("Title"), string(pattern.format(tag=bugs.tag)))
    assert bug_ids(soap, bugs.where(condition)) == bugs(*expected)


@pytest.mark.parametrize("pattern, expected", [
    ("%a", (2, 3, 5)),
    ("{tag} [^a]%", (1,)),
    ("%bravo", (1, 3, 4, 5)),
])
def test_not_like(soap, bugs, pattern, expected):
    """[DOC] opNOTLIKE selects the rows opLIKE does not (on a field with no NULLs)."""
    condition = cond("opNOTLIKE", field("Title"), string(pattern.format(tag=bugs.tag)))
    assert bug_ids(soap, bugs.where(condition)) == bugs(*expected)


def test_like_bracketed_wildcards_match_themselves(soap):
    """[INFERRED] [%], [_] and [[] match the character itself; bare % and _ stay wildcards."""
    tag = new_tag()
    percent = add_bug(soap, f"{tag} 100% done")
    hundred_x = add_bug(soap, f"{tag} 100x done")
    underscore = add_bug(soap, f"{tag} a_b")
    axb = add_bug(soap, f"{tag} axb")
    bracket = add_bug(soap, f"{tag} [draft]")
    add_bug(soap, f"{tag} draft")

    def like(pattern):
        return bug_ids(soap, tagged(tag, cond("opLIKE", field("Title"), string(pattern))))

    assert like("%100[%]%") == [percent]
    assert like("%100%") == [percent, hundred_x]
    assert like("%a[_]b") == [underscore]
    assert like("%a_b") == [underscore, axb]
    assert like("%[[]draft]") == [bracket]


@pytest.mark.parametrize("pattern, expected", [
    ("1%", (1, 4)),        # 10, 100
    ("_0", (1, 2, 3)),     # 10, 20, 30
    ("0", (5,)),
    ("[23]0", (2, 3)),
])
def test_like_on_an_int_field_matches_its_decimal_text(soap, bugs, pattern, expected):
    """[INFERRED] opLIKE on an integer field matches the number's decimal text (PctComplete)."""
    condition = cond("opLIKE", field("PctComplete"), string(pattern))
    assert bug_ids(soap, bugs.where(condition)) == bugs(*expected)


def test_like_on_the_id(soap, bugs):
    """[INFERRED] BugId LIKE '<prefix>%' (the documented example of LIKE on an int field)."""
    third = bugs.ids[3]
    assert bug_ids(soap, bugs.where(cond("opLIKE", field("BugId"), string(str(third))))) == [third]
    assert bug_ids(soap, bugs.where(cond("opNOTLIKE", field("BugId"), string(str(third))))) == \
        bugs(1, 2, 4, 5)
    prefix = str(third)[:-1]
    expected = sorted(i for i in bugs.ids.values() if str(i).startswith(prefix))
    assert third in expected
    assert bug_ids(soap, bugs.where(cond("opLIKE", field("BugId"), string(prefix + "%")))) == expected


# -- NULL ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("condition, expected", [
    (cond("opNULL", field("AssigneeUserId")), (3,)),
    (cond("opNOTNULL", field("AssigneeUserId")), (1, 2, 4, 5)),
    (cond("opEQU", field("AssigneeUserId"), const(0)), ()),
    (cond("opEQU", field("AssigneeUserId"), string("0")), ()),
    (cond("opNULL", field("DateClosed")), (1, 2, 3, 5)),
    (cond("opNOTNULL", field("DateClosed")), (4,)),
    (cond("opNULL", field("EstStart")), (5,)),
    (cond("opEQU", field("EstStart"), date("0001-01-01T00:00:00")), ()),
    (cond("opNULL", field("Custom1")), (5,)),
    (cond("opNULL", field("PctComplete")), ()),
    (cond("opEQU", field("PctComplete"), const(0)), (5,)),
], ids=["id-null", "id-notnull", "id-equ-0-tConst", "id-equ-0-tString", "dateclosed-null",
        "dateclosed-notnull", "date-null", "date-equ-unset", "text-null", "plain-int-never-null",
        "plain-int-zero-is-zero"])
def test_null_and_not_null(soap, bugs, condition, expected):
    """[DOC-SAMPLE] opNULL / opNOTNULL take one tField. [INFERRED] An unset Id (sent as 0) or date
    (0001-01-01) is NULL and never equals 0; closing a bug sets DateClosed [DOC]; a plain int such
    as PctComplete keeps 0."""
    assert bug_ids(soap, bugs.where(condition)) == bugs(*expected)


@pytest.mark.parametrize("condition, expected", [
    (cond("opNOTEQU", field("AssigneeUserId"), const(TESTER)), (1, 4, 5)),
    (cond("opNOTIN", field("AssigneeUserId"), array(TESTER, encoding="ArrayOfInt")), (1, 4, 5)),
    (not_(cond("opEQU", field("AssigneeUserId"), const(TESTER))), (1, 4, 5)),
    (not_(cond("opIN", field("AssigneeUserId"), array(TESTER))), (1, 4, 5)),
    (cond("opNOTLIKE", field("Custom1"), string("a%")), (2, 3, 4)),
    (not_(cond("opLIKE", field("Custom1"), string("a%"))), (2, 3, 4)),
    (cond("opNOTEQU", field("EstStart"), date("2020-01-15T12:30:45")), (1, 3, 4)),
    (not_(cond("opGT", field("EstStart"), date("2020-01-15T12:30:45"))), (1, 2)),
    (not_(cond("opNULL", field("AssigneeUserId"))), (1, 2, 4, 5)),
], ids=["notequ", "notin", "not-equ", "not-in", "notlike", "not-like", "notequ-date", "not-gt-date",
        "not-null-is-two-valued"])
def test_null_rows_never_match_a_negated_comparison(soap, bugs, condition, expected):
    """[INFERRED] SQL's three-valued logic: opNOTEQU, opNOTIN, opNOTLIKE and opNOT around a
    comparison leave out the rows where the field is NULL (bug 3's assignee, bug 5's Custom1 and
    EstStart); opNOT around opNULL is two-valued."""
    assert bug_ids(soap, bugs.where(condition)) == bugs(*expected)


# -- item types ------------------------------------------------------------------------------------

@pytest.mark.parametrize("value_item", [
    const(ADMIN_ID), const(ADMIN_ID, xsd=None), string(str(ADMIN_ID)), string(str(ADMIN_ID), xsd="xsd:int"),
    item("tConst", ADMIN_ID, "anyType"),
], ids=["tConst-xsd-int", "tConst-untyped", "tString", "tString-xsd-int", "tConst-anyType"])
def test_numbers_as_tconst_or_tstring(soap, bugs, value_item):
    """[DOC] tConst is 'a number'; [DOC-SAMPLE] the vendor compares AssigneeUserId with a tString.
    Both work on an int field, with or without xsi:type."""
    condition = cond("opEQU", field("AssigneeUserId"), value_item)
    assert bug_ids(soap, bugs.where(condition)) == bugs(1, 4, 5)


def test_tconst_decimal_forms(soap, bugs):
    """[INFERRED] tConst numbers: decimals, a negative, an exponent."""
    assert bug_ids(soap, bugs.where(cond("opEQU", field("EstHrs"), const("3.25")))) == bugs(3)
    assert bug_ids(soap, bugs.where(cond("opGT", field("EstHrs"), const("-1.5")))) == bugs(1, 2, 3, 4, 5)
    assert bug_ids(soap, bugs.where(cond("opEQU", field("PctComplete"), const("1e2", xsd="xsd:double")))) \
        == bugs(4)
    assert bug_ids(soap, bugs.where(cond("opGT", field("EstHrs"), const(3)))) == bugs(3, 4)


def test_tconst_on_a_text_field_compares_the_numbers_text(soap, bugs):
    """[INFERRED] tConst against a text field compares as the number's text: '42' is not '42.0'."""
    assert bug_ids(soap, bugs.where(cond("opEQU", field("Custom2"), const(42)))) == bugs(1)
    assert bug_ids(soap, bugs.where(cond("opEQU", field("Custom2"), const("42.0")))) == bugs(2)
    assert bug_ids(soap, bugs.where(cond("opEQU", field("Custom2"), string("42")))) == bugs(1)


def _local_offset_of(value: datetime.datetime) -> str:
    offset = value.astimezone().strftime("%z")
    return f"{offset[:3]}:{offset[3:]}"


@pytest.mark.parametrize("op, text, expected", [
    ("opEQU", "2020-01-15T12:30:45", (2,)),                  # the documented form
    ("opEQU", "2020-01-20", (3,)),                           # date only: midnight
    ("opGTE", "2020-01-15", (2, 3, 4)),
    ("opEQU", "2020-01-15 12:30:45", (2,)),                  # a space as separator
    ("opEQU", "2020/01/15T12:30:45", (2,)),                  # '/' in the date
    ("opEQU", "2020-01-15T12:30", ()),                       # no seconds: 12:30:00
    ("opGT", "2020-01-15T12:30", (2, 3, 4)),
    ("opEQU", "2020-01-25T06:07:08.250", (4,)),              # milliseconds
    ("opEQU", "2020-01-25T06:07:08.25", (4,)),
    ("opEQU", "2020-01-25T06:07:08.2500000", (4,)),          # .NET's seven digits
    ("opEQU", "2020-01-25T06:07:08", ()),                    # compared to the millisecond
    ("opLT", "2020-01-25T06:07:08.251", (1, 2, 3, 4)),
    ("opEQU", "local-offset", (2,)),                         # +hh:mm of the server's zone
    ("opEQU", "utc-z", (2,)),                                # the same instant in UTC, with Z
], ids=["seconds", "date-only", "date-only-gte", "space", "slashes", "no-seconds-equ", "no-seconds-gt",
        "fraction-3", "fraction-2", "fraction-7", "fraction-matters", "fraction-lt", "offset", "zulu"])
def test_tdate_formats(soap, bugs, op, text, expected):
    """[DOC] tDate is yyyy-mm-ddThh:mm:ss; [INFERRED] date only, no seconds, fractions, '/' or a
    space, Z or +hh:mm (converted to server local time) are accepted too."""
    local = datetime.datetime(2020, 1, 15, 12, 30, 45)
    if text == "local-offset":
        text = local.isoformat() + _local_offset_of(local)
    elif text == "utc-z":
        text = local.astimezone(datetime.timezone.utc).replace(tzinfo=None).isoformat() + "Z"
    condition = cond(op, field("EstStart"), date(text, xsd="xsd:string"))
    assert bug_ids(soap, bugs.where(condition)) == bugs(*expected)


def test_date_field_compared_with_a_tstring(soap, bugs):
    """[INFERRED] A tString compared with a date field is parsed as a date."""
    assert bug_ids(soap, bugs.where(cond("opEQU", field("EstStart"), string("2020-01-15T12:30:45")))) == bugs(2)
    assert bug_ids(soap, bugs.where(cond("opLT", field("EstStart"), string("2020-01-20")))) == bugs(1, 2)


@pytest.mark.parametrize("op, expression, expected", [
    ("opGT", "getdate()", (1,)),
    ("opLTE", "getdate()", (2, 3, 4)),
    ("opGT", "current_timestamp", (1,)),
    ("opGT", "sysdatetime()", (1,)),
    ("opGTE", "dateadd(day,-1,getdate())", (1, 2, 3)),
    ("opLT", "DATEADD(DAY, -1, GETDATE())", (4,)),
    ("opGTE", "cast(getdate() as date)", (1, 2)),
    ("opEQU", "CAST(GETDATE() AS DATE)", (2,)),
    ("opEQU", "Convert(Date, GetDate())", (2,)),
    ("opGTE", "dateadd(dd, -1, cast(getdate() as date))", (1, 2, 3)),
    ("opLT", "dateadd(week, -1, getdate())", ()),
    ("opGT", "dateadd(day, 3, getdate())", ()),
], ids=["getdate-gt", "getdate-lte", "current_timestamp", "sysdatetime", "dateadd", "dateadd-upper",
        "cast", "cast-upper-equ", "convert-mixed-case", "dateadd-of-cast", "week", "future"])
def test_tsqlstring(soap, bugs, op, expression, expected):
    """[DOC] tSQLstring getdate() is the current time; [GUESS] dateadd, cast/convert to date,
    function names in any case. EstFinish: 1 now+2d, 2 today 00:00, 3 today-1s, 4 now-2d."""
    if datetime.date.today() != bugs.today.date():
        pytest.skip("midnight passed since the bugs were made: 'today' moved")
    condition = cond(op, field("EstFinish"), sql(expression))
    assert bug_ids(soap, bugs.where(condition)) == bugs(*expected)


@pytest.mark.parametrize("op, expression, expected", [
    ("opEQU", "dateadd(day, 5, '2020-01-15')", (3,)),
    ("opEQU", "dateadd(ms, 250, '2020-01-25T06:07:08')", (4,)),
    ("opEQU", "dateadd(second, 45, dateadd(minute, 30, dateadd(hour, 12, '2020-01-15')))", (2,)),
    ("opEQU", "dateadd(week, 1, '2020-01-13')", (3,)),
    ("opEQU", "dateadd(quarter, -1, '2020-04-20')", (3,)),
    ("opEQU", "dateadd(yyyy, -1, '2021-01-20T00:00:00')", (3,)),
    ("opEQU", "dateadd(day, -40, dateadd(month, 1, '2020-01-31'))", (3,)),   # Jan 31 + 1 month = Feb 29
    ("opLT", "cast('2020-01-15T23:59:59' as date)", (1,)),
], ids=["day", "millisecond", "hour-minute-second", "week", "quarter", "year", "month-clamps", "cast-literal"])
def test_tsqlstring_on_a_date_literal(soap, bugs, op, expression, expected):
    """[GUESS] dateadd over a quoted date literal, every date part, and the month clamp
    (dateadd(month, 1, Jan 31) is the last day of February, as in SQL Server). EstStart."""
    condition = cond(op, field("EstStart"), sql(expression))
    assert bug_ids(soap, bugs.where(condition)) == bugs(*expected)


@pytest.mark.parametrize("op, left, right, expected", [
    ("opGT", "ActHrs", "EstHrs", (1, 4)),
    ("opGTE", "ActHrs", "EstHrs", (1, 2, 4, 5)),
    ("opEQU", "ActHrs", "EstHrs", (2, 5)),
    ("opLT", "ActHrs", "EstHrs", (3,)),
    ("opGTE", "DateUpdated", "DateCreated", (1, 2, 3, 4, 5)),
    ("opGT", "DateUpdated", "DateCreated", ()),
    ("opGTE", "DateClosed", "DateCreated", (4,)),            # NULL DateClosed never compares
    ("opGT", "EstHrs", "PctComplete", ()),                   # decimal with int
    ("opLT", "EstHrs", "PctComplete", (1, 2, 3, 4)),
], ids=["gt", "gte", "equ", "lt", "dates-gte", "dates-gt", "null-date", "dec-int-gt", "dec-int-lt"])
def test_field_to_field_comparison(soap, bugs, op, left, right, expected):
    """[INFERRED] Two tField items compare field to field (Add stamps DateCreated = DateUpdated)."""
    condition = cond(op, field(left), field(right))
    assert bug_ids(soap, bugs.where(condition)) == bugs(*expected)


# -- names and case ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["StatusCode", "statuscode", "STATUSCODE", "sTaTuScOdE"])
def test_field_names_are_case_insensitive(soap, bugs, name):
    """[INFERRED] tField names match property names case-insensitively (also 'title' in the tag)."""
    condition = tagged(bugs.tag, cond("opEQU", field(name), string("Reopened")), title_field="title")
    assert bug_ids(soap, condition) == bugs(2)


@pytest.mark.parametrize("condition, expected", [
    (lambda tag: cond("opEQU", field("Title"), string(f"{tag} BRAVO")), (2,)),
    (lambda tag: cond("opEQU", field("Title"), string(f"{tag} echo")), (5,)),
    (lambda tag: cond("opEQU", field("StatusCode"), string("reopened")), (2,)),
    (lambda tag: cond("opIN", field("StatusCode"), array("active", encoding="ArrayOfString")), (1, 5)),
    (lambda tag: cond("opNOTIN", field("StatusCode"), array("ACTIVE", "closed")), (2, 3)),
    (lambda tag: cond("opLT", field("Custom1"), string("BANANA")), (1,)),
], ids=["equ-upper", "equ-lower", "status-equ", "status-in", "status-notin", "lt"])
def test_text_compares_case_insensitively(soap, bugs, condition, expected):
    """[INFERRED] Text compares as under SQL Server's default case-insensitive collation."""
    assert bug_ids(soap, bugs.where(condition(bugs.tag))) == bugs(*expected)


# -- derived fields ----------------------------------------------------------------------------------

@pytest.mark.parametrize("condition, expected", [
    (cond("opEQU", field("AssignedToName"), string("Admin, Ada")), (1, 4, 5)),
    (cond("opLIKE", field("AssignedToName"), string("tester,%")), (2,)),
    (cond("opNULL", field("AssignedToName")), (3,)),
    (cond("opEQU", field("FolderName"), string("Backlog")), (2,)),
    (cond("opEQU", field("foldername"), string("BACKLOG")), (2,)),
    (cond("opNULL", field("FolderName")), (1, 3, 4, 5)),
    (cond("opEQU", field("ClosedByName"), string("Admin, Ada")), (4,)),
], ids=["assignee-equ", "assignee-like", "assignee-null", "folder-equ", "folder-case", "folder-null",
        "closed-by-name"])
def test_derived_fields_can_be_filtered(soap, bugs, condition, expected):
    """[INFERRED] Derived names (AssignedToName 'LastName, FirstName', FolderName, ClosedByName)
    are filterable like stored fields."""
    assert bug_ids(soap, bugs.where(condition)) == bugs(*expected)


# -- other item types ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def releases(soap11):
    """A release, an iteration under it and a build under that, all tagged."""
    tag = new_tag()

    def add(title, release_type, status, parent=0):
        item = soap11.new("Release", Title=title, ReleaseType=release_type, StatusCode=status,
                          ParentId=parent)
        return soap11.service.Releases_Add(AuthenticationData=auth(), Release=item,
                                           SendEmailAlert="N", NewNotes="")
    release = add(f"{tag} rel", "Release", "Awaiting Start")
    iteration = add(f"{tag} it", "Iteration", "In Progress", release)
    build = add(f"{tag} build", "Build", "Completed", iteration)
    return tag, release, iteration, build


def test_releases_load_by_criteria_filters_on_release_fields(soap, releases):
    """[DOC] Releases_LoadByCriteria takes the same Condition, over Release properties
    (ReleaseType, ParentId, the derived ReleaseName and FullReleaseName)."""
    tag, release, iteration, build = releases

    def find(condition):
        return release_ids(soap, tagged(tag, condition))

    assert find(cond("opEQU", field("ReleaseType"), string("Iteration"))) == [iteration]
    assert find(cond("opIN", field("ReleaseType"), array("Release", "Build"))) == [release, build]
    assert find(cond("opEQU", field("ParentId"), const(release))) == [iteration]
    assert find(cond("opNULL", field("ParentId"))) == [release]
    assert find(cond("opEQU", field("ReleaseName"), string(f"{tag} rel"))) == [release, iteration, build]
    assert find(cond("opEQU", field("FullReleaseName"), string(f"{tag} rel/{tag} it/{tag} build"))) \
        == [build]
    assert find(cond("opNOTEQU", field("StatusCode"), string("in progress"))) == [release, build]
    assert find(cond("opGTE", field("Id"), const(iteration))) == [iteration, build]


def test_fields_are_those_of_the_item_type(soap, releases, bugs):
    """[INFERRED] tField names are properties of the returned type: ReleaseType is a Release
    property, not a Bug one, and BugId is not a Release property."""
    tag = releases[0]
    text = fault(soap, soap.service.Bugs_LoadByCriteria, auth(),
                 tagged(tag, cond("opEQU", field("ReleaseType"), string("Build"))), "", 10, 1)
    assert text.startswith("Condition") and "ReleaseType" in text
    text = fault(soap, soap.service.Releases_LoadByCriteria, auth(),
                 tagged(tag, cond("opEQU", field("BugId"), const(1))), "", 10, 1)
    assert text.startswith("Condition") and "BugId" in text


@pytest.fixture(scope="module")
def specs(soap11):
    tag = new_tag()

    def add(title, status, keywords, pct, est_hrs):
        item = soap11.new("FunctionalSpec", Title=title, StatusCode=status, Keywords=keywords,
                          PctComplete=pct, EstHrs=Decimal(est_hrs))
        return soap11.service.FunctionalSpecs_Add(AuthenticationData=auth(), FunctionalSpecs=item,
                                                  SendEmailAlert="N", NewNotes="")
    return (tag, add(f"{tag} login screen", "Draft", "ui, login", 10, "2"),
            add(f"{tag} storage", "Approved", "backend", 50, "8.5"),
            add(f"{tag} share dialog", "Implemented", "UI", 100, "4"))


def test_functional_specs_load_by_criteria_filters_on_spec_fields(soap, specs):
    """[DOC] FunctionalSpecs_LoadByCriteria takes the same Condition, over FunctionalSpec
    properties (Keywords, FunctSpecId, EstHrs...)."""
    tag, login, storage, share = specs

    def find(condition, sorting=""):
        return spec_ids(soap, tagged(tag, condition), sorting)

    assert find(and_(cond("opLIKE", field("Keywords"), string("%ui%")),
                     cond("opNOTEQU", field("StatusCode"), string("Implemented")))) == [login]
    assert find(cond("opLIKE", field("Keywords"), string("%ui%"))) == [login, share]
    assert find(cond("opIN", field("FunctSpecId"), array(login, share, encoding="ArrayOfInt"))) == \
        [login, share]
    assert find(cond("opGT", field("EstHrs"), const("3.5")), "EstHrs DESC") == [storage, share]
    assert find(cond("opLT", const(50), field("PctComplete"))) == [share]


# -- the wire ------------------------------------------------------------------------------------------

def raw_load(soap, condition_xml: str) -> etree._Element:
    """POST Bugs_LoadByCriteria with the Condition element's content given as raw XML text."""
    inner = (f'<Bugs_LoadByCriteria xmlns="{NS}">{auth_xml()}<Condition>{condition_xml}</Condition>'
             f'<Sorting></Sorting><PageSize>200</PageSize><PageNumber>1</PageNumber></Bugs_LoadByCriteria>')
    response = post_raw(soap.url, envelope(inner, soap.version), soap.version, "Bugs_LoadByCriteria")
    assert response.status_code == 200, response.text
    return etree.fromstring(response.content)


def raw_ids(document) -> list[int]:
    return [int(b.findtext(f"{{{NS}}}BugId")) for b in document.iter(f"{{{NS}}}Bug")]


def test_raw_condition_in_cdata_or_entity_encoded_is_the_same(soap, bugs):
    """[DOC] The Condition may travel in CDATA or with its markup entity-encoded: same result."""
    condition = bugs.where(cond("opEQU", field("StatusCode"), string("Active")))
    in_cdata = raw_ids(raw_load(soap, f"<![CDATA[{condition}]]>"))
    encoded = raw_ids(raw_load(soap, escape(condition, {'"': "&quot;"})))
    assert in_cdata == encoded == bugs(1, 5)


def test_raw_condition_laid_out_as_in_the_vendor_sample(soap, bugs):
    """[DOC-SAMPLE] The vendor's raw request indents the CDATA section inside <Condition>;
    the whitespace around it is not part of the condition."""
    condition = bugs.where(cond("opLIKE", field("Title"), string("%a")))
    assert raw_ids(raw_load(soap, f"\n     <![CDATA[\n        {condition}\n     ]]>\n  ")) == bugs(1, 4)


def test_condition_with_a_utf16_xml_declaration(soap, bugs):
    """[INFERRED] .NET's XmlSerializer writes <?xml version="1.0" encoding="utf-16"?>: accepted,
    whether the string goes through a SOAP client or raw in CDATA."""
    condition = ('<?xml version="1.0" encoding="utf-16"?>\n'
                 + bugs.where(cond("opEQU", field("StatusCode"), string("Active"))))
    assert bug_ids(soap, condition) == bugs(1, 5)
    assert raw_ids(raw_load(soap, f"<![CDATA[{condition}]]>")) == bugs(1, 5)


def test_comments_and_whitespace_in_the_condition_are_ignored(soap, bugs):
    """[INFERRED] XML comments and indentation between elements do not change the condition."""
    condition = f"""<!-- made by hand -->
<Conditions {XMLNS} Operation="opAND">
    <!-- only this module's bugs -->
    <Conditions Operation="opLIKE">
        <Items Type="tField"> <Value xsi:type="xsd:string">Title</Value> </Items>
        <Items Type="tString"><Value xsi:type="xsd:string">%{bugs.tag}%</Value></Items>
    </Conditions>
    <Conditions Operation="opEQU">
        <Items Type="tField"><!-- a field --><Value>StatusCode</Value></Items>
        <Items Type="tString"><Value>Active</Value><!-- a value --></Items>
    </Conditions>
</Conditions>
"""
    assert bug_ids(soap, condition) == bugs(1, 5)


def test_raw_response_wraps_bugs_in_the_result_element(soap, bugs):
    """[DOC] The response is Bugs_LoadByCriteriaResponse/Bugs_LoadByCriteriaResult/Bug..."""
    document = raw_load(soap, f"<![CDATA[{bugs.where(cond('opNOTNULL', field('AssigneeUserId')))}]]>")
    body = document.find(f"{{{SOAP_ENV[soap.version]}}}Body")
    assert [child.tag for child in body] == [f"{{{NS}}}Bugs_LoadByCriteriaResponse"]
    response = body[0]
    assert [child.tag for child in response] == [f"{{{NS}}}Bugs_LoadByCriteriaResult"]
    result = response[0]
    assert [child.tag for child in result] == [f"{{{NS}}}Bug"] * 4
    assert [int(b.findtext(f"{{{NS}}}BugId")) for b in result] == bugs(1, 2, 4, 5)


# -- sorting and paging with a condition ---------------------------------------------------------------

@pytest.mark.parametrize("sorting, order", [
    ("StatusCode DESC, Title", (3, 2, 4, 1, 5)),
    ("StatusCode", (1, 5, 4, 2, 3)),                 # Active twice: ties broken by id
    ("StatusCode DESC", (3, 2, 4, 1, 5)),            # ... ascending, even under DESC
    ("Title DESC", (5, 4, 3, 2, 1)),                 # case-insensitive: ECHO after delta
    ("AssigneeUserId", (3, 1, 4, 5, 2)),             # NULL first ascending
    ("AssigneeUserId DESC", (2, 1, 4, 5, 3)),
    ("AssignedToName, Title DESC", (3, 5, 4, 1, 2)),
    ("EstStart DESC", (4, 3, 2, 1, 5)),
    ("pctcomplete desc", (4, 3, 2, 1, 5)),
])
def test_sorting_a_filtered_set(soap, bugs, sorting, order):
    """[DOC] Sorting applies to the filtered set; [INFERRED] ties by id ascending, NULLs first."""
    condition = bugs.where(cond("opNOTNULL", field("BugId")))
    assert bug_ids(soap, condition, sorting) == bugs.order(*order)


@pytest.mark.parametrize("size", [1, 2, 3])
def test_paging_a_filtered_set(soap, bugs, size):
    """[DOC] Pages of the filtered set, read until one is shorter than PageSize, give every match
    exactly once in order; [INFERRED] a page past the end is empty."""
    condition = bugs.where(cond("opGTE", field("PctComplete"), const(0)))
    expected = bugs.order(5, 4, 3, 2, 1)
    pages, number = [], 1
    while True:
        chunk = bug_ids(soap, condition, "Title DESC", size, number)
        pages.append(chunk)
        if len(chunk) < size:
            break
        number += 1
    assert pages == [expected[i:i + size] for i in range(0, len(expected), size)] + \
        ([[]] if len(expected) % size == 0 else [])
    assert len(pages[-1]) < size
    assert bug_ids(soap, condition, "Title DESC", size, number + 1) == []


# -- several projects ----------------------------------------------------------------------------------

def test_condition_applies_in_every_project_of_proj_ids(soap):
    """[DOC] AuthenticationData.ProjIds reads several projects in one query; the condition applies
    in each of them."""
    tag = new_tag()
    album_active = add_bug(soap, f"{tag} album", "Active")
    add_bug(soap, f"{tag} album closed", "Closed")
    saver_active = add_bug(soap, f"{tag} saver", "Active", proj_id=SCREEN_SAVER)
    add_bug(soap, f"{tag} saver closed", "Closed", proj_id=SCREEN_SAVER)
    condition = tagged(tag, cond("opEQU", field("StatusCode"), string("Active")))
    assert bug_ids(soap, condition, proj_ids=[FAMILY_ALBUM, SCREEN_SAVER]) == [album_active, saver_active]
    assert bug_ids(soap, condition, "Title DESC", proj_ids=[FAMILY_ALBUM, SCREEN_SAVER]) == \
        [saver_active, album_active]
    assert bug_ids(soap, condition) == [album_active]
    assert bug_ids(soap, condition, proj_id=SCREEN_SAVER) == [saver_active]
