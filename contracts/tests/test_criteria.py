"""Bugs_LoadByCriteria: every operator, every item type, sorting, paging and ProjIds.

The module creates seven defects whose titles carry the run tag, and every query ANDs
``Title opLIKE '%<tag>%'``, so a result holds exactly the module's defects (plus, in the
ProjIds test, one more it creates) whatever else the project contains. Expected results
are computed from the defects as the target stored them (read back with ``Bugs_Load``),
so a server that sets fields itself (a workflow, a default) still gets a fair test; each
discriminating query also checks that the module's data makes it discriminate.

Labels: [DOC] the vendor documents the rule, [DOC-SAMPLE] a vendor sample shows it,
[INFERRED] follows from the documented back end, [GUESS] the vendor is silent.
The ``xsi:type`` of a value is [DOC] ``xsd:string`` for fields and strings (the samples);
``xsd:int``/``xsd:decimal`` for ``tConst`` and ``xsd:dateTime`` for ``tDate`` are [GUESS]
from the general form ``xsi:type="xsd:DATA_TYPE"``.
"""
from __future__ import annotations

import datetime
import operator
from decimal import Decimal
from types import SimpleNamespace
from xml.sax.saxutils import escape

import pytest

pytestmark = pytest.mark.writes

XMLNS = ('xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
         'xmlns:xsd="http://www.w3.org/2001/XMLSchema"')

# (word, status index, PctComplete, EstHrs, assigned to the caller, EstStart). Created in
# this order, so the order by ID differs from the order by Title.
PLAN = [
    ("delta", 0, 50, Decimal("8"), True, datetime.datetime(2024, 3, 4, 10, 0, 0)),
    ("golf", 1, 0, Decimal("0"), False, None),
    ("alpha", 2, 10, Decimal("1.5"), True, datetime.datetime(2024, 3, 1, 10, 0, 0)),
    ("foxtrot", 0, 90, Decimal("2.5"), False, datetime.datetime(2024, 3, 3, 10, 0, 0)),
    ("charlie", 1, 25, Decimal("0.25"), True, None),
    ("echo", 0, 75, Decimal("3.5"), False, datetime.datetime(2024, 3, 2, 10, 0, 0)),
    ("bravo", 2, 25, Decimal("2"), True, None),
]


# -- condition text -------------------------------------------------------------------
def item(item_type: str, value, xsd_type: str = "xsd:string") -> str:
    return f'<Items Type="{item_type}"><Value xsi:type="{xsd_type}">{escape(str(value))}</Value></Items>'


def field(name: str) -> str:
    return item("tField", name)


def compare(op: str, name: str, *items: str) -> str:
    return f'<Conditions Operation="{op}">{field(name)}{"".join(items)}</Conditions>'


def logical(op: str, *children: str) -> str:
    return f'<Conditions Operation="{op}">{"".join(children)}</Conditions>'


def const(number) -> str:
    return item("tConst", number, "xsd:decimal" if isinstance(number, Decimal) else "xsd:int")


def string(text: str) -> str:
    return item("tString", text)


def array(*values) -> str:
    """tArray as several <Value> elements [GUESS: the vendor documents no encoding]."""
    members = "".join(f'<Value xsi:type="xsd:string">{escape(str(v))}</Value>' for v in values)
    return f'<Items Type="tArray">{members}</Items>'


def date(moment: datetime.datetime) -> str:
    return item("tDate", moment.strftime("%Y-%m-%dT%H:%M:%S"), "xsd:dateTime")


def sql(expression: str) -> str:
    return item("tSQLstring", expression)


def like(name: str, pattern: str) -> str:
    return compare("opLIKE", name, string(pattern))


# -- the module's defects ----------------------------------------------------------------
def as_list(result) -> list:
    return list(result or [])


@pytest.fixture(scope="module")
def bugs(qac):
    """Seven tagged defects with varied status, PctComplete, EstHrs, assignee and EstStart."""
    # Module fixtures run before the per-test write guard: refuse here too.
    if not qac.settings.writes_allowed:
        pytest.skip("writes to a non-local host need --qac-allow-writes")
    statuses = as_list(qac.op("Bugs_GetStatuses")(AuthenticationData=qac.auth()))
    assert statuses, "Bugs_GetStatuses returned no status"
    # Prefer plain words that close nothing: a Closed status sets fields itself [DOC].
    usable = [s for s in statuses if s.isalpha() and "closed" not in s.lower()] or statuses
    usable = usable[:3]
    ids = {}
    for word, status, pct, est_hrs, assigned, est_start in PLAN:
        values = dict(Title=qac.title(word), StatusCode=usable[status % len(usable)],
                      PctComplete=pct, EstHrs=est_hrs,
                      AssigneeUserId=qac.account.user_id if assigned else 0)
        if est_start is not None:
            values["EstStart"] = est_start
        bug_id = qac.op("Bugs_Add")(AuthenticationData=qac.auth(), Bug=qac.build("Bug", **values),
                                    SendEmailAlert="N", NewNotes="")
        ids[word] = qac.track("Bugs", "BugId", bug_id)
    loaded = [qac.op("Bugs_Load")(AuthenticationData=qac.auth(), BugId=ids[word]) for word, *_ in PLAN]
    loaded.sort(key=lambda b: b.BugId)
    return SimpleNamespace(ids=ids, items=loaded, statuses=usable)


def query(qac, condition: str | None = None, sorting: str | None = "BugId", page_size: int = 200,
          page: int = 1, auth: dict | None = None, tagged: bool = True) -> list:
    """Bugs_LoadByCriteria with ``condition`` ANDed to the run tag; the page as a list."""
    if tagged:
        parts = [like("Title", f"%{qac.tag}%")] + ([condition] if condition else [])
        condition = f'<Conditions {XMLNS} Operation="opAND">{"".join(parts)}</Conditions>'
    return as_list(qac.op("Bugs_LoadByCriteria")(
        AuthenticationData=auth or qac.auth(), Condition=condition, Sorting=sorting,
        PageSize=page_size, PageNumber=page))


def ids_of(result) -> list[int]:
    return [b.BugId for b in result]


def where(bugs, predicate, discriminating: bool = True) -> list[int]:
    """IDs, ascending, of the module's defects for which ``predicate`` holds."""
    chosen = [b.BugId for b in bugs.items if predicate(b)]
    if discriminating:
        assert 0 < len(chosen) < len(bugs.items), "the module's data does not exercise this rule"
    return chosen


def is_null_id(value) -> bool:
    return not value        # an unset reference is sent and shown as 0 [DOC]


def title_key(bug) -> str:
    return bug.Title.lower()


# -- operators -------------------------------------------------------------------------
NUMERIC = {"opLT": operator.lt, "opLTE": operator.le, "opEQU": operator.eq,
           "opNOTEQU": operator.ne, "opGT": operator.gt, "opGTE": operator.ge}


@pytest.mark.parametrize("op", list(NUMERIC))
def test_comparison_operators_on_an_int_field(qac, bugs, op):
    """[DOC] opLT, opLTE, opEQU, opNOTEQU, opGT, opGTE compare a tField with a tConst
    (``PctComplete`` [DOC] against 25, a value two defects share)."""
    expected = where(bugs, lambda b: NUMERIC[op](b.PctComplete, 25))
    assert ids_of(query(qac, compare(op, "PctComplete", const(25)))) == expected


@pytest.mark.parametrize("op", list(NUMERIC))
def test_comparison_operators_on_a_decimal_field(qac, bugs, op):
    """[DOC] The comparison operators with a fractional tConst on ``EstHrs`` ([INFERRED]
    decimal, from the REST schema)."""
    limit = Decimal("2.5")
    expected = where(bugs, lambda b: NUMERIC[op](Decimal(b.EstHrs), limit))
    assert ids_of(query(qac, compare(op, "EstHrs", const(limit)))) == expected


def test_equal_and_not_equal_on_a_text_field(qac, bugs):
    """[DOC] opEQU / opNOTEQU with a tString ("a string. For example, … item status")."""
    status = bugs.statuses[0]
    assert ids_of(query(qac, compare("opEQU", "StatusCode", string(status)))) == \
        where(bugs, lambda b: b.StatusCode == status, discriminating=len(bugs.statuses) > 1)
    assert ids_of(query(qac, compare("opNOTEQU", "StatusCode", string(status)))) == \
        where(bugs, lambda b: b.StatusCode != status, discriminating=len(bugs.statuses) > 1)


def test_and(qac, bugs):
    """[DOC] opAND holds when every nested condition holds."""
    condition = logical("opAND", compare("opGTE", "PctComplete", const(25)),
                        compare("opLT", "EstHrs", const(Decimal("3"))))
    expected = where(bugs, lambda b: b.PctComplete >= 25 and b.EstHrs < 3)
    assert ids_of(query(qac, condition)) == expected


def test_or(qac, bugs):
    """[DOC] opOR holds when any nested condition holds."""
    condition = logical("opOR", like("Title", "%alpha"), compare("opGTE", "PctComplete", const(75)))
    expected = where(bugs, lambda b: b.Title.endswith("alpha") or b.PctComplete >= 75)
    assert ids_of(query(qac, condition)) == expected


def test_not(qac, bugs):
    """[DOC] opNOT negates its nested condition."""
    condition = logical("opNOT", compare("opGT", "PctComplete", const(25)))
    assert ids_of(query(qac, condition)) == where(bugs, lambda b: not b.PctComplete > 25)


def test_in_and_not_in_with_a_string_array(qac, bugs):
    """[DOC] opIN / opNOTIN with a tArray of statuses; the several-<Value> encoding of the
    array is [GUESS]."""
    chosen = [bugs.statuses[0], bugs.statuses[-1]]
    discriminating = len(bugs.statuses) > 2
    assert ids_of(query(qac, compare("opIN", "StatusCode", array(*chosen)))) == \
        where(bugs, lambda b: b.StatusCode in chosen, discriminating)
    assert ids_of(query(qac, compare("opNOTIN", "StatusCode", array(*chosen)))) == \
        where(bugs, lambda b: b.StatusCode not in chosen, discriminating)


def test_in_and_not_in_with_an_id_array(qac, bugs):
    """[DOC] opIN / opNOTIN on the ID with a tArray of numbers (several <Value> [GUESS])."""
    chosen = [bugs.ids["alpha"], bugs.ids["echo"], bugs.ids["golf"]]
    assert ids_of(query(qac, compare("opIN", "BugId", array(*chosen)))) == sorted(chosen)
    assert ids_of(query(qac, compare("opNOTIN", "BugId", array(*chosen)))) == \
        where(bugs, lambda b: b.BugId not in chosen)


@pytest.mark.parametrize("kind, pattern, words", [
    ("starts with", "{tag} c%", ["charlie"]),
    ("ends with", "%o", ["echo", "bravo"]),
    ("contains", "%lf%", ["golf"]),
    ("contains", "%{tag}%", ["delta", "golf", "alpha", "foxtrot", "charlie", "echo", "bravo"]),
    ("_ is exactly one character", "{tag} ____", ["golf", "echo"]),
    ("_ is exactly one character", "%{tag} _o%", ["golf", "foxtrot"]),
])
def test_like(qac, bugs, kind, pattern, words):
    """[DOC] opLIKE matches a pattern: ``%`` any run of characters (``X%`` starts with,
    ``%X`` ends with, ``%X%`` contains), ``_`` exactly one character."""
    condition = like("Title", pattern.format(tag=qac.tag))
    assert ids_of(query(qac, condition)) == sorted(bugs.ids[w] for w in words)


def test_not_like(qac, bugs):
    """[DOC] opNOTLIKE holds when the text does not match the pattern."""
    condition = compare("opNOTLIKE", "Title", string("%o"))
    assert ids_of(query(qac, condition)) == where(bugs, lambda b: not b.Title.endswith("o"))


def test_null_and_not_null(qac, bugs):
    """[DOC] opNULL / opNOTNULL take a single tField; [INFERRED] an unset assignee (sent and
    shown as 0, [DOC]) is NULL."""
    assert ids_of(query(qac, f'<Conditions Operation="opNULL">{field("AssigneeUserId")}</Conditions>')) == \
        where(bugs, lambda b: is_null_id(b.AssigneeUserId))
    assert ids_of(query(qac, f'<Conditions Operation="opNOTNULL">{field("AssigneeUserId")}</Conditions>')) == \
        where(bugs, lambda b: not is_null_id(b.AssigneeUserId))


# -- item types ------------------------------------------------------------------------
def test_tfield_names_a_property_of_the_returned_object(qac, bugs):
    """[DOC] tField is an object's property name, e.g. Title or AssigneeUserId."""
    condition = compare("opEQU", "Title", string(qac.title("foxtrot")))
    assert ids_of(query(qac, condition)) == [bugs.ids["foxtrot"]]


def test_tconst_is_a_number_such_as_an_item_id(qac, bugs):
    """[DOC] tConst is a number, "for example, item ID"."""
    condition = compare("opEQU", "BugId", const(bugs.ids["charlie"]))
    assert ids_of(query(qac, condition)) == [bugs.ids["charlie"]]


def test_tstring_vendor_sample_assigned_to_a_specific_user(qac, bugs):
    """[DOC-SAMPLE] "Defects assigned to a specific user": AssigneeUserId opEQU a tString
    holding the user's ID, in the vendor's verbatim shape (single quotes, its own namespace
    declarations), nested in the tag condition."""
    sample = ("<Conditions xmlns:xsi='http://www.w3.org/2001/XMLSchema-instance'\n"
              "xmlns:xsd='http://www.w3.org/2001/XMLSchema' Operation='opEQU'>\n"
              "  <Items Type='tField'>\n"
              "    <Value xsi:type='xsd:string'>AssigneeUserId</Value>\n"
              "  </Items>\n"
              "  <Items Type='tString'>\n"
              f"    <Value xsi:type='xsd:string'>{qac.account.user_id}</Value>\n"
              "  </Items>\n"
              "</Conditions>")
    assert ids_of(query(qac, sample)) == where(bugs, lambda b: b.AssigneeUserId == qac.account.user_id)


def test_tstring_is_a_string_such_as_a_status(qac, bugs):
    """[DOC] tString is a string, "for example, user name or item status"."""
    status = bugs.statuses[-1]
    assert ids_of(query(qac, compare("opEQU", "StatusCode", string(status)))) == \
        where(bugs, lambda b: b.StatusCode == status, discriminating=len(bugs.statuses) > 1)


def test_tdate_bounds_the_creation_date(qac, bugs):
    """[DOC] tDate is a date and time as yyyy-mm-ddThh:mm:ss; DateCreated [DOC] is set to now
    on Add, so it lies after 2000 and before 2100."""
    every = ids_of(bugs.items)
    past, future = datetime.datetime(2000, 1, 1), datetime.datetime(2100, 1, 1)
    assert ids_of(query(qac, compare("opGT", "DateCreated", date(past)))) == every
    assert ids_of(query(qac, compare("opLT", "DateCreated", date(future)))) == every
    assert ids_of(query(qac, compare("opLT", "DateCreated", date(past)))) == []
    # Bounds at the first creation time, to the second: results that do not depend on how
    # long the fixture took, so that two recorded runs can be compared.
    oldest = min(b.DateCreated for b in bugs.items).replace(microsecond=0)
    assert ids_of(query(qac, compare("opGTE", "DateCreated", date(oldest)))) == every
    assert ids_of(query(qac, compare("opLT", "DateCreated", date(oldest)))) == []


@pytest.mark.parametrize("op", list(NUMERIC))
def test_tdate_compares_a_set_date(qac, bugs, op):
    """[DOC] tDate yyyy-mm-ddThh:mm:ss with each comparison operator, on ``EstStart``
    ([INFERRED] field from the REST schema); [INFERRED] unset dates are NULL and match no
    comparison."""
    moment = datetime.datetime(2024, 3, 3, 10, 0, 0)
    unset = datetime.datetime(1, 1, 1)
    expected = where(bugs, lambda b: b.EstStart != unset and NUMERIC[op](b.EstStart, moment))
    assert ids_of(query(qac, compare(op, "EstStart", date(moment)))) == expected


def test_tsqlstring_getdate(qac, bugs):
    """[DOC] tSQLstring is an SQL function call, e.g. getdate() for the current date and time:
    every defect was created at or before now, none after."""
    assert ids_of(query(qac, compare("opLTE", "DateCreated", sql("getdate()")))) == ids_of(bugs.items)
    assert ids_of(query(qac, compare("opGT", "DateCreated", sql("getdate()")))) == []


# -- empty condition -------------------------------------------------------------------
@pytest.mark.parametrize("condition", ["", None], ids=["empty", "absent"])
def test_empty_or_absent_condition_returns_all_items(qac, bugs, condition):
    """[DOC] "To get all defects, use an empty string or a null value": the newest 200
    defects of the project by ID include every defect the module created."""
    page = query(qac, condition, sorting="BugId DESC", tagged=False)
    found = ids_of(page)
    assert found == sorted(found, reverse=True)
    assert set(ids_of(bugs.items)) <= set(found)


# -- sorting ---------------------------------------------------------------------------
@pytest.mark.parametrize("sorting", ["", None], ids=["empty", "absent"])
def test_default_order_is_by_id(qac, bugs, sorting):
    """[DOC] With no sorting property the items come sorted by ID (ascending [INFERRED])."""
    assert ids_of(query(qac, sorting=sorting)) == ids_of(bugs.items)


def test_sort_by_title(qac, bugs):
    """[DOC] Sorting "Title" (a vendor example) orders by that property, ascending."""
    expected = ids_of(sorted(bugs.items, key=title_key))
    assert expected != ids_of(bugs.items)
    assert ids_of(query(qac, sorting="Title")) == expected


def test_sort_by_title_desc(qac, bugs):
    """[DOC] ``Property DESC`` sorts descending."""
    expected = ids_of(sorted(bugs.items, key=title_key, reverse=True))
    assert ids_of(query(qac, sorting="Title DESC")) == expected


def test_sort_by_two_keys(qac, bugs):
    """[DOC] ``Property1 [ASC|DESC], Property2 [ASC|DESC]``: StatusCode descending, then
    Title ascending within a status."""
    by_title = sorted(bugs.items, key=title_key)
    expected = ids_of(sorted(by_title, key=lambda b: b.StatusCode.lower(), reverse=True))
    assert ids_of(query(qac, sorting="StatusCode DESC, Title")) == expected


@pytest.mark.parametrize("page_size", [1, 2])
def test_pages_of_a_sort_with_ties_never_overlap(qac, bugs, page_size):
    """[DOC] Reading pages until a short one returns every match exactly once, also when the
    sort key has ties (PctComplete 25 twice, statuses shared) [INFERRED: ties are broken
    consistently]."""
    seen = []
    for number in range(1, len(bugs.items) + 2):
        page = query(qac, sorting="StatusCode, PctComplete", page_size=page_size, page=number)
        seen += page
        if len(page) < page_size:
            break
    assert sorted(ids_of(seen)) == ids_of(bugs.items)
    keys = [(b.StatusCode.lower(), b.PctComplete) for b in seen]
    assert keys == sorted(keys)


# -- paging ----------------------------------------------------------------------------
@pytest.mark.parametrize("page_size", [1, 2, 5])
def test_paging_returns_every_item_once(qac, bugs, page_size):
    """[DOC] Pages of PageSize items from PageNumber 1 up; a page shorter than PageSize ends
    the result set, and together the pages hold every item exactly once in sort order."""
    pages = []
    for number in range(1, len(bugs.items) + 2):
        pages.append(ids_of(query(qac, sorting="Title", page_size=page_size, page=number)))
        if len(pages[-1]) < page_size:
            break
    assert all(len(p) == page_size for p in pages[:-1])
    assert len(pages[-1]) < page_size
    assert [i for p in pages for i in p] == ids_of(sorted(bugs.items, key=title_key))


def test_a_page_past_the_end_is_empty(qac, bugs):
    """[DOC] the end is reached when a page is short; [INFERRED] a page past the end is an
    empty array, not a fault."""
    assert query(qac, sorting="Title", page_size=5, page=2) != []
    assert query(qac, sorting="Title", page_size=5, page=3) == []
    assert query(qac, sorting="Title", page_size=5, page=50) == []


# -- several projects ------------------------------------------------------------------
def test_proj_ids_query_several_projects(qac, bugs):
    """[DOC] AuthenticationData.ProjIds reads several projects in one LoadByCriteria: a
    defect created in a second project is found with the module's defects; ProjId alone
    does not see it."""
    other = qac.other_project()
    if other is None:
        pytest.skip("the account is a member of one project only; ProjIds needs two")
    auth_other = qac.auth(proj_id=other)
    statuses = as_list(qac.op("Bugs_GetStatuses")(AuthenticationData=auth_other))
    bug = qac.build("Bug", Title=qac.title("hotel"), StatusCode=statuses[0])
    new_id = qac.track("Bugs", "BugId",
                       qac.op("Bugs_Add")(AuthenticationData=auth_other, Bug=bug, SendEmailAlert="N",
                                          NewNotes=""),
                       proj_id=other)
    both = qac.auth(proj_ids=[qac.account.proj_id, other])
    assert ids_of(query(qac, auth=both)) == sorted(ids_of(bugs.items) + [new_id])
    assert ids_of(query(qac)) == ids_of(bugs.items)
    assert ids_of(query(qac, auth=auth_other)) == [new_id]
