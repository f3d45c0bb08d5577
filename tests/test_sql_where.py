"""Audits_LoadElevated's SQL-syntax Where and OrderBy (``domain.sql_where``), as a unit.

Every accepted Where is compiled by ``store.where`` and run against the v_Audits view of
a real in-memory Store; the ids it selects are compared with a hand-written Python
statement of the same intent. Refusals must be ValidationErrors naming the culprit.
"""
from __future__ import annotations

import operator
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver.domain.condition import parse_condition
from mockserver.domain.errors import ValidationError
from mockserver.domain.sorting import parse_sorting
from mockserver.domain.sql_where import MAX_WHERE_LENGTH, parse_order_by, parse_where
from mockserver.registry import REGISTRY
from mockserver.registry.constants import MAX_CONDITION_DEPTH, MAX_SORTING_LENGTH
from mockserver.store import Store
from mockserver.store.where import compile_where

AUDIT = REGISTRY.entity("Audit")
PROJ = 7
NOW = datetime(2014, 7, 31, 12, 0, 0)
D = datetime
USERS = {1: "Lovelace, Ada", 2: "Turing, Alan"}     # UserName is "LastName, FirstName"

# AuditId is the position in this list, from 1. User 99 does not exist: no UserName.
ROWS = [
    dict(FKId=1234, EntityCode="Bugs", Title="Updated Status", OldValue="Active",
         NewValue="Closed", DateCreated=D(2014, 7, 20, 9), UpdateUserId=1),
    dict(FKId=1234, EntityCode="Bugs", Title="Added File Attachment", OldValue="N/A",
         NewValue="report.txt", DateCreated=D(2014, 7, 25), UpdateUserId=2),
    dict(FKId=5678, EntityCode="Tests", Title="updated status", OldValue="Closed",
         NewValue="Active", DateCreated=D(2014, 7, 25, 10, 30), UpdateUserId=1),
    dict(FKId=42, EntityCode="Releases", Title="Deleted", OldValue="O'Brien",
         NewValue="O'Brien", DateCreated=D(2014, 7, 26, 23, 59, 59, 500000), UpdateUserId=2),
    dict(FKId=None, EntityCode="Bugs", Title=None, OldValue="5", NewValue="N/A",
         DateCreated=D(2014, 7, 28, 8), UpdateUserId=99),
    dict(FKId=1500, EntityCode="bugs", Title="Added", OldValue="A", NewValue="B",
         DateCreated=D(2014, 7, 30), UpdateUserId=None),
    dict(FKId=-7, EntityCode="FunctionalSpecs", Title="Updated Title", OldValue="[draft]",
         NewValue="_final%", DateCreated=D(2014, 7, 30, 12, 0, 1), UpdateUserId=1),
    dict(FKId=2000, EntityCode="Tests", Title="Updated Status", OldValue="Closed",
         NewValue="Closed", DateCreated=None, UpdateUserId=2),
    dict(FKId=1999, EntityCode="ProjectTasks", Title="Moved", OldValue="x", NewValue="y",
         DateCreated=D(2014, 8, 1), UpdateUserId=1),
    dict(FKId=12, EntityCode="Bugs", Title="Updated Priority", OldValue="1-High",
         NewValue="2-Medium", DateCreated=D(2014, 7, 24, 12), UpdateUserId=2),
]


@pytest.fixture(scope="module")
def store():
    store = Store()
    store.insert_directory("Departments", [{"DeptId": 1, "DeptName": "QA"}])
    store.insert_directory("Users", [
        {"UserId": uid, "FirstName": name.split(", ")[1], "LastName": name.split(", ")[0],
         "Email": f"user{uid}@example.com", "Password": "x", "DeptId": 1}
        for uid, name in USERS.items()])
    store.insert_items(AUDIT, ROWS, PROJ)
    assert _select(store, None) == list(range(1, len(ROWS) + 1))
    yield store
    store.close()


def _select(store: Store, where: str | None) -> list[int]:
    tree = parse_where(AUDIT, where, NOW)
    sql, params = compile_where(tree) if tree is not None else ("1", [])
    cursor = store.db.conn.execute(
        f'SELECT AuditId FROM "v_Audits" WHERE {sql} ORDER BY AuditId', params)
    return [row[0] for row in cursor]


def _intent(predicate) -> list[int]:
    """Ids of the rows the predicate holds for; r["UserName"] is derived as the view does."""
    return [i for i, row in enumerate(ROWS, 1)
            if predicate({**row, "UserName": USERS.get(row["UpdateUserId"])})]


def lower(value):
    return value.lower() if value is not None else None


PY_OPS = {"=": operator.eq, "<>": operator.ne, "!=": operator.ne, "<": operator.lt,
          "<=": operator.le, ">": operator.gt, ">=": operator.ge}

ACCEPTED = [
    # The vendor's three samples, verbatim.
    ("FKId = 1234", lambda r: r["FKId"] == 1234),
    ("DateCreated > '2014-07-25'",
     lambda r: r["DateCreated"] is not None and r["DateCreated"] > D(2014, 7, 25)),
    ("DateCreated > '2014-07-25' and DateCreated < '2014-07-30'",
     lambda r: r["DateCreated"] is not None and D(2014, 7, 25) < r["DateCreated"] < D(2014, 7, 30)),
    # Each operator, on an int column...
    *[(f"FKId {op} 1500", lambda r, op=op: r["FKId"] is not None and PY_OPS[op](r["FKId"], 1500))
      for op in PY_OPS],
    # ...on a date column...
    *[(f"DateCreated {op} '2014-07-25 10:30:00'",
       lambda r, op=op: r["DateCreated"] is not None and PY_OPS[op](r["DateCreated"], D(2014, 7, 25, 10, 30)))
      for op in PY_OPS],
    # ...and on a text column, case-insensitively.
    ("EntityCode = 'BUGS'", lambda r: lower(r["EntityCode"]) == "bugs"),
    ("EntityCode <> 'bugs'", lambda r: r["EntityCode"] is not None and lower(r["EntityCode"]) != "bugs"),
    # Literal forms: negative numbers, fractions against an int column, strings converted
    # to int, numbers against text, '' escapes, N'' strings, the date spellings.
    ("FKId < -1", lambda r: r["FKId"] is not None and r["FKId"] < -1),
    ("FKId > +1999", lambda r: r["FKId"] is not None and r["FKId"] > 1999),
    ("FKId > 1233.5", lambda r: r["FKId"] is not None and r["FKId"] > 1233.5),
    ("FKId <= 1234.9", lambda r: r["FKId"] is not None and r["FKId"] <= 1234.9),
    ("FKId = 1234.0", lambda r: r["FKId"] == 1234),
    ("FKId = 1234.5", lambda r: False),
    ("FKId <> 1234.5", lambda r: r["FKId"] is not None),
    ("FKId = '1234'", lambda r: r["FKId"] == 1234),
    ("FKId = 1.5e3", lambda r: r["FKId"] == 1500),
    ("OldValue = 5", lambda r: r["OldValue"] == "5"),
    ("OldValue = 'O''Brien'", lambda r: r["OldValue"] == "O'Brien"),
    ("NewValue = N'O''Brien'", lambda r: r["NewValue"] == "O'Brien"),
    ("DateCreated = '2014-07-26 23:59:59.5'",
     lambda r: r["DateCreated"] == D(2014, 7, 26, 23, 59, 59, 500000)),
    ("DateCreated >= '2014-07-25T10:30:00'",
     lambda r: r["DateCreated"] is not None and r["DateCreated"] >= D(2014, 7, 25, 10, 30)),
    ("DateCreated < '2014-07-25'",
     lambda r: r["DateCreated"] is not None and r["DateCreated"] < D(2014, 7, 25)),
    # The literal on the left.
    ("1500 > FKId", lambda r: r["FKId"] is not None and r["FKId"] < 1500),
    ("'2014-07-25 10:30:00' <= DateCreated",
     lambda r: r["DateCreated"] is not None and r["DateCreated"] >= D(2014, 7, 25, 10, 30)),
    ("'tests' = EntityCode", lambda r: lower(r["EntityCode"]) == "tests"),
    ("N'O''Brien' = OldValue", lambda r: r["OldValue"] == "O'Brien"),
    # Column against column.
    ("OldValue = NewValue", lambda r: r["OldValue"] == r["NewValue"]),
    ("FKId > UpdateUserId", lambda r: None not in (r["FKId"], r["UpdateUserId"])
     and r["FKId"] > r["UpdateUserId"]),
    # NULL tests.
    ("FKId IS NULL", lambda r: r["FKId"] is None),
    ("Title IS NOT NULL", lambda r: r["Title"] is not None),
    ("DateCreated is null", lambda r: r["DateCreated"] is None),
    ("UpdateUserId IS NULL", lambda r: r["UpdateUserId"] is None),
    # IN and NOT IN: NULL is in no list and outside none.
    ("FKId IN (1234, 42, 9999)", lambda r: r["FKId"] in (1234, 42, 9999)),
    ("FKId NOT IN (1234, 42)", lambda r: r["FKId"] is not None and r["FKId"] not in (1234, 42)),
    ("EntityCode IN ('bugs', N'TESTS')", lambda r: lower(r["EntityCode"]) in ("bugs", "tests")),
    ("FKId IN ('42', 12.0, 12.5)", lambda r: r["FKId"] in (42, 12)),
    ("FKId IN (12.5)", lambda r: False),
    ("FKId NOT IN (12.5)", lambda r: r["FKId"] is not None),
    ("DateCreated IN ('2014-07-30', '2014-08-01 00:00:00')",
     lambda r: r["DateCreated"] in (D(2014, 7, 30), D(2014, 8, 1))),
    # LIKE with %, _ and [...] sets.
    ("Title LIKE 'updated%'", lambda r: lower(r["Title"] or "").startswith("updated")),
    ("Title LIKE '_dded%'", lambda r: lower(r["Title"] or "")[1:5] == "dded"),
    ("EntityCode LIKE '[a-c]%'", lambda r: lower(r["EntityCode"])[0] in "abc"),
    ("EntityCode LIKE '[^b]%'", lambda r: lower(r["EntityCode"])[0] != "b"),
    ("Title NOT LIKE '%status'",
     lambda r: r["Title"] is not None and not lower(r["Title"]).endswith("status")),
    ("FKId LIKE '12%'", lambda r: r["FKId"] is not None and str(r["FKId"]).startswith("12")),
    ("OldValue LIKE '[[]draft]'", lambda r: r["OldValue"] == "[draft]"),
    ("NewValue LIKE '[_]final[%]'", lambda r: r["NewValue"] == "_final%"),
    # BETWEEN, inclusive at both ends.
    ("FKId BETWEEN 1234 AND 2000", lambda r: r["FKId"] is not None and 1234 <= r["FKId"] <= 2000),
    ("FKId NOT BETWEEN 42 AND 1500",
     lambda r: r["FKId"] is not None and not 42 <= r["FKId"] <= 1500),
    ("DateCreated BETWEEN '2014-07-25' AND '2014-07-28 08:00:00'",
     lambda r: r["DateCreated"] is not None and D(2014, 7, 25) <= r["DateCreated"] <= D(2014, 7, 28, 8)),
    # NOT, parentheses and precedence (NOT before AND before OR).
    ("NOT FKId = 1234", lambda r: r["FKId"] is not None and r["FKId"] != 1234),
    ("NOT (FKId = 1234 OR EntityCode = 'Tests')", lambda r: r["FKId"] is not None
     and r["FKId"] != 1234 and lower(r["EntityCode"]) != "tests"),
    ("(FKId = 1234 OR FKId = 5678) AND Title LIKE 'updated%'",
     lambda r: r["FKId"] in (1234, 5678) and lower(r["Title"]).startswith("updated")),
    ("FKId = 42 OR FKId = 1234 AND Title = 'Added File Attachment'",
     lambda r: r["FKId"] == 42 or (r["FKId"] == 1234 and r["Title"] == "Added File Attachment")),
    ("NOT NOT FKId = 42", lambda r: r["FKId"] == 42),
    ("((FKId = 42)) or (((FKId = 12)))", lambda r: r["FKId"] in (42, 12)),
    # Keywords and columns in any case; [bracketed] columns.
    ("fkid = 1234 AnD entitycode = 'BUGS'", lambda r: r["FKId"] == 1234),
    ("[fkid] = 1234", lambda r: r["FKId"] == 1234),
    ("[DateCreated] IS not NULL", lambda r: r["DateCreated"] is not None),
    ("title Like 'UPDATED%' oR FKID iN (42)",
     lambda r: lower(r["Title"] or "").startswith("updated") or r["FKId"] == 42),
    # Date expressions, evaluated at NOW (2014-07-31 12:00).
    ("DateCreated > dateadd(day, -7, getdate())",
     lambda r: r["DateCreated"] is not None and r["DateCreated"] > D(2014, 7, 24, 12)),
    ("DateCreated >= DATEADD(DAY, -7, GETDATE())",
     lambda r: r["DateCreated"] is not None and r["DateCreated"] >= D(2014, 7, 24, 12)),
    ("DateCreated < getdate()", lambda r: r["DateCreated"] is not None and r["DateCreated"] < NOW),
    ("current_timestamp < DateCreated",
     lambda r: r["DateCreated"] is not None and r["DateCreated"] > NOW),
    ("DateCreated >= cast(getdate() as date)",
     lambda r: r["DateCreated"] is not None and r["DateCreated"] >= D(2014, 7, 31)),
    ("DateCreated BETWEEN dateadd(month, -1, getdate()) AND dateadd(dd, -5, getdate())",
     lambda r: r["DateCreated"] is not None and D(2014, 6, 30, 12) <= r["DateCreated"] <= D(2014, 7, 26, 12)),
    ("DateCreated IN (dateadd(dd, -1, convert(date, getdate())))",
     lambda r: r["DateCreated"] == D(2014, 7, 30)),
    # The derived UserName ("LastName, FirstName" of UpdateUserId).
    ("UserName = 'Lovelace, Ada'", lambda r: r["UserName"] == "Lovelace, Ada"),
    ("username LIKE 'turing%'", lambda r: (r["UserName"] or "").startswith("Turing")),
    ("UserName IS NULL", lambda r: r["UserName"] is None),
    ("UserName <> 'lovelace, ada'",
     lambda r: r["UserName"] is not None and r["UserName"] != "Lovelace, Ada"),
    # Whitespace of every kind, and none where none is needed.
    ("\tFKId\n=\r\n1234 ", lambda r: r["FKId"] == 1234),
    ("FKId=1234 OR(FKId<>1234AND FKId>=5000)", lambda r: r["FKId"] in (1234, 5678)),
]


@pytest.mark.parametrize("where, intent", ACCEPTED, ids=[w for w, _ in ACCEPTED])
def test_accepted(store, where, intent):
    assert _select(store, where) == _intent(intent)


@pytest.mark.parametrize("where", [None, "", "   ", "\n\t"])
def test_empty_means_all(store, where):
    assert parse_where(AUDIT, where, NOW) is None
    assert _select(store, where) == list(range(1, len(ROWS) + 1))


def test_every_intent_is_selective():
    """Guards the table above: a case that selects all rows or none (bar the deliberate
    ones) would prove little."""
    trivial = [w for w, p in ACCEPTED if len(_intent(p)) in (0, len(ROWS))]
    assert trivial == ["FKId = 1234.5", "FKId IN (12.5)"]


REFUSED = [
    ("Passwd = 'x'", "unknown column 'Passwd' at 1"),
    ("[Pass word] = 'x'", "[Pass word]"),
    ("1=1; DROP TABLE Audits", "';' at 4"),
    ("FKId = (SELECT 1)", "'SELECT' at 9"),
    ("FKId IN (select FKId from Audits)", "'select' at 10"),
    ("select FKId from Audits", "'select' at 1"),
    ("lower(Title) = 'x'", "'lower' at 1"),
    ("DateCreated > dateadd(day, -1, getdate()) and len(Title) > 1", "'len'"),
    ("FKId = 1 -- and more", "'--' at 10"),
    ("FKId = 1 /* and more */", "'/*' at 10"),
    ("Title = 'abc", "'abc"),
    ("Title = N'abc", "N'abc"),
    ("[Title = 'abc'", "[Title"),
    ("FKId = 'abc'", "'abc'"),
    ("FKId = '3000000000'", "3000000000"),
    ("FKId = 1e999999999", "1e999999999"),
    ("DateCreated > '2014-13-45'", "2014-13-45"),
    ("DateCreated > 'yesterday'", "yesterday"),
    ("DateCreated > 20140725", "20140725"),
    ("Title > getdate()", "getdate()"),
    ("DateCreated > dateadd(fortnight, 1, getdate())", "fortnight"),
    ("DateCreated > getdate(", "getdate("),
    ("FKId = 1 AND", "'AND' at 10"),
    ("FKId =", "'=' at 6"),
    ("FKId = 1 OR NOT", "'NOT' at 13"),
    ("FKId BETWEEN 1", "'1' at 14"),
    ("FKId = NULL", "NULL at 8"),
    ("FKId IN (1, NULL)", "NULL at 13"),
    ("FKId = Title", "FKId (int) with Title (string)"),
    ("1 = 1", "'=' at 3"),
    ("'a' IS NULL", "'a'"),
    ("FKId NOT = 1", "'=' at 10"),
    ("FKId IN ()", "')' at 10"),
    ("FKId IN (Title)", "Title"),
    ("DateCreated LIKE '2014%'", "DateCreated is dateTime"),
    ("Title LIKE Title", "'Title' at 12"),
    ("Title LIKE '[abc'", "'[abc'"),
    ("Title LIKE 'a!%' ESCAPE '!'", "'ESCAPE' at 18"),
    ("(FKId = 1", "')'"),
    ("FKId = 1)", "')' at 9"),
    ("FKId = 1 2", "'2' at 10"),
    ("Title = \"x\"", "'\"' at 9"),
    ("FKId = @id", "'@' at 8"),
    ("Audits.FKId = 1", "'.' at 7"),
    ("FKId = 0x1F", "'x1F' at 9"),
    ("FKId == 1", "'=' at 7"),
    ("FKId = -Title", "'Title' at 9"),
    ("Title = 'x' + 'y'", "'+' at 13"),
]


@pytest.mark.parametrize("where, culprit", REFUSED, ids=[w for w, _ in REFUSED])
def test_refused(where, culprit):
    with pytest.raises(ValidationError) as e:
        parse_where(AUDIT, where, NOW)
    assert e.value.text.startswith("Where: ")
    assert culprit in e.value.text


def test_unknown_column_lists_the_columns():
    with pytest.raises(ValidationError) as e:
        parse_where(AUDIT, "Passwd = 'x'", NOW)
    assert e.value.text.startswith(
        "Where: unknown column 'Passwd' at 1; the columns are FKId, EntityCode, Title, ")
    assert "UserName" in e.value.text


def test_nesting_limit(store):
    depth = MAX_CONDITION_DEPTH
    assert _select(store, "(" * depth + "FKId = 42" + ")" * depth) == [4]
    assert _select(store, "NOT " * depth + "FKId = 42") == [4]      # an even count
    for too_deep in ("(" * (depth + 1) + "FKId = 42" + ")" * (depth + 1),
                     "NOT " * (depth + 1) + "FKId = 42",
                     "NOT (" * (depth // 2) + "NOT FKId = 42" + ")" * (depth // 2)):
        with pytest.raises(ValidationError) as e:
            parse_where(AUDIT, too_deep, NOW)
        assert f"at most {depth} levels" in e.value.text


def test_length_limit(store):
    longest = "FKId = 42" + " " * (MAX_WHERE_LENGTH - 9)
    assert _select(store, longest) == [4]
    with pytest.raises(ValidationError) as e:
        parse_where(AUDIT, longest + " ", NOW)
    assert e.value.text.startswith("Where: ") and str(MAX_WHERE_LENGTH) in e.value.text
    many = " OR ".join(f"FKId = {n}" for n in range(250))     # long, but within the limit
    assert len(many) < MAX_WHERE_LENGTH
    assert _select(store, many) == _intent(lambda r: r["FKId"] is not None and 0 <= r["FKId"] < 250)


def test_the_tree_is_the_condition_engines():
    """The tree a LoadByCriteria Condition of the same meaning gives, node for node."""
    def leaf(op, field, value=None, item_type="tConst"):
        items = f'<Items Type="tField"><Value>{field}</Value></Items>'
        if value is not None:
            items += f'<Items Type="{item_type}"><Value>{value}</Value></Items>'
        return f'<Conditions Operation="{op}">{items}</Conditions>'

    def node(op, *children):
        return f'<Conditions Operation="{op}">{"".join(children)}</Conditions>'

    xml = node("opAND",
               node("opNOT", node("opOR", leaf("opEQU", "FKId", "1"),
                                  leaf("opLIKE", "Title", "a%", "tString"))),
               leaf("opNULL", "DateCreated"),
               leaf("opGT", "DateCreated", "2014-07-25T00:00:00", "tDate"),
               leaf("opLT", "FKId", "7.5"))
    where = ("NOT (FKId = 1 OR [Title] LIKE 'a%') AND DateCreated IS NULL "
             "AND '2014-07-25' < DateCreated AND FKId < 7.5")
    assert parse_where(AUDIT, where, NOW) == parse_condition(AUDIT, xml, NOW)


# -- OrderBy ------------------------------------------------------------------------

def _order(store: Store, order_by: str | None) -> list[int]:
    keys = parse_order_by(AUDIT, order_by)
    return [row["AuditId"] for row in store.load_page(AUDIT, [PROJ], keys, 200, 0)]


@pytest.mark.parametrize("text", [None, "", "  "])
def test_order_by_default(text):
    assert parse_order_by(AUDIT, text) == parse_sorting(AUDIT, None) == [("AuditId", False)]


def test_order_by_keys(store):
    assert parse_order_by(AUDIT, "[Title] desc, fkid") == [("Title", True), ("FKId", False)]
    assert parse_order_by(AUDIT, "DateCreated ASC,UserName DESC") == \
        [("DateCreated", False), ("UserName", True)]
    # NULL sorts last descending; ties are broken by AuditId.
    assert _order(store, "FKId DESC") == [3, 8, 9, 6, 1, 2, 4, 10, 7, 5]
    assert _order(store, "EntityCode, AuditId DESC") == [10, 6, 5, 2, 1, 7, 9, 4, 8, 3]


ORDER_REFUSED = [
    ("Passwd", "unknown column 'Passwd' at 1"),
    ("Title DESC DESC", "'DESC' at 12"),
    ("Title ASC DESC", "'DESC' at 11"),
    ("Title, title", "Title at 8 is named more than once"),
    ("Title,", "',' at 6"),
    (", Title", "',' at 1"),
    ("DESC", "'DESC' at 1"),
    ("Title; DROP TABLE Audits", "';' at 6"),
    ("Title -- x", "'--' at 7"),
    ("lower(Title)", "'lower' at 1"),
    ("Title DESC NULLS LAST", "'NULLS' at 12"),
    ("[Title", "[Title"),
]


@pytest.mark.parametrize("order_by, culprit", ORDER_REFUSED, ids=[o for o, _ in ORDER_REFUSED])
def test_order_by_refused(order_by, culprit):
    with pytest.raises(ValidationError) as e:
        parse_order_by(AUDIT, order_by)
    assert e.value.text.startswith("OrderBy: ")
    assert culprit in e.value.text


def test_order_by_length_limit():
    longest = "Title" + " " * (MAX_SORTING_LENGTH - 5)
    assert parse_order_by(AUDIT, longest) == [("Title", False)]
    with pytest.raises(ValidationError) as e:
        parse_order_by(AUDIT, longest + " ")
    assert e.value.text.startswith("OrderBy: ") and str(MAX_SORTING_LENGTH) in e.value.text


# -- garbage in, ValidationError out ------------------------------------------------

VOCABULARY = [
    "FKId", "[Title]", "DateCreated", "UserName", "EntityCode", "[fkid]", "Passwd",
    "AND", "or", "NOT", "IS", "NULL", "IN", "LIKE", "BETWEEN", "ESCAPE", "ASC", "DESC",
    "=", "<>", "!=", "<", "<=", ">", ">=", "!", "==", "(", ")", ",", "+", "-", "*", ".",
    "'", "''", "'x'", "'2014-07-25'", "'2014-07-25 10:30:00.5'", "N'a''b'", "'[a-c]%'",
    "'[^'", "'12'", "1234", "-5", "1.5", ".5", "1e5", "1e999999999", "1e-999999999",
    "123456789012345678901234567890.5", "99999999999999999999999",
    "getdate()", "dateadd(day, -1, getdate())", "dateadd(", "cast(", "convert(date,",
    "current_timestamp", "sysutcdatetime()", "lower(", "SELECT", ";", "--", "/*", "[", "]",
    "@x", "\"x\"", "\u00e9", "\x00",
]
GARBAGE = st.one_of(
    st.text(max_size=80),
    st.text(alphabet="FKId=<>!()[]',;-+*/.NnUuLl 0123456789%_^", max_size=60),
    st.builds(lambda words, glue: glue.join(words),
              st.lists(st.sampled_from(VOCABULARY), max_size=14), st.sampled_from([" ", ""])),
)
# Conditions that are mostly well-formed, to exercise the paths past the tokenizer.
VALUES_BY_COLUMN = {
    ("FKId", "[auditid]", "UpdateUserId"): ["1234", "-5", "12.5", "'42'", "1e3", "'x'"],
    ("[Title]", "EntityCode", "UserName", "oldvalue"): ["'Bugs'", "N'O''Brien'", "5", "''"],
    ("DateCreated",): ["'2014-07-25'", "'2014-07-25T10:30:00.5'", "getdate()",
                       "dateadd(day, -7, getdate())", "'2014-02-30'", "5"],
}
OPERAND = st.sampled_from(list(VALUES_BY_COLUMN.items())).flatmap(
    lambda kind: st.tuples(st.sampled_from(kind[0]), st.sampled_from(kind[1]),
                           st.sampled_from(kind[1])))
PREDICATE = st.one_of(
    st.builds(lambda o, op: f"{o[0]} {op} {o[1]}", OPERAND, st.sampled_from(list(PY_OPS))),
    st.builds(lambda o, op: f"{o[1]} {op} {o[0]}", OPERAND, st.sampled_from(list(PY_OPS))),
    st.builds(lambda o, n: f"{o[0]} IS {n}NULL", OPERAND, st.sampled_from(["", "NOT "])),
    st.builds(lambda o, n: f"{o[0]} {n}IN ({o[1]}, {o[2]})", OPERAND, st.sampled_from(["", "NOT "])),
    st.builds(lambda o, n, p: f"{o[0]} {n}LIKE '{p}'", OPERAND, st.sampled_from(["", "NOT "]),
              st.text(alphabet="aB1%_[]^-'", max_size=6).map(lambda p: p.replace("'", "''"))),
    st.builds(lambda o, n: f"{o[0]} {n}BETWEEN {o[1]} AND {o[2]}", OPERAND,
              st.sampled_from(["", "NOT "])),
)
CONDITION = st.recursive(PREDICATE, lambda inner: st.one_of(
    inner.map(lambda c: f"NOT {c}"),
    inner.map(lambda c: f"({c})"),
    st.builds(lambda a, op, b: f"{a} {op} {b}", inner, st.sampled_from(["AND", "or"]), inner),
), max_leaves=6)
PROPERTY_SETTINGS = settings(max_examples=400, deadline=None, database=None,
                             suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(text=GARBAGE)
def test_garbage_where_is_refused_or_runs(store, text):
    try:
        tree = parse_where(AUDIT, text, NOW)
    except ValidationError as e:
        assert e.text.startswith("Where: ")
        return
    if tree is not None:
        sql, params = compile_where(tree)
        store.db.conn.execute(f'SELECT AuditId FROM "v_Audits" WHERE {sql}', params).fetchall()


@PROPERTY_SETTINGS
@given(text=GARBAGE)
def test_garbage_order_by_is_refused_or_runs(store, text):
    try:
        keys = parse_order_by(AUDIT, text)
    except ValidationError as e:
        assert e.text.startswith("OrderBy: ")
        return
    store.load_page(AUDIT, [PROJ], keys, 200, 0)


@PROPERTY_SETTINGS
@given(text=CONDITION)
def test_generated_where_is_refused_or_runs(store, text):
    try:
        chosen = _select(store, text)
    except ValidationError as e:
        assert e.text.startswith("Where: ")
        return
    # Three-valued logic: NOT never selects a row the condition selects.
    assert not set(chosen) & set(_select(store, f"NOT ({text})"))
