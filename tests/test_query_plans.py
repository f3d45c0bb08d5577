"""The conditions integrations filter by most run on an index, not a scan.

Timings belong in benchmarks/; this checks the query plans, which do not depend on the
machine, so that a change to the schema or the compiler cannot silently lose an index.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from mockserver.domain import clock
from mockserver.domain.condition import parse_condition
from mockserver.domain.sorting import parse_sorting
from mockserver.registry import REGISTRY
from mockserver.store import Store
from mockserver.store.where import compile_where

from .helpers import FAMILY_ALBUM, SCREEN_SAVER

XMLNS = ('xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
         'xmlns:xsd="http://www.w3.org/2001/XMLSchema"')


def condition(op: str, field: str, item_type: str, value: str) -> str:
    return (f'<Conditions {XMLNS} Operation="{op}"><Items Type="tField"><Value>{field}</Value></Items>'
            f'<Items Type="{item_type}">{value}</Items></Conditions>')


@pytest.fixture(scope="module")
def store():
    """Two thousand defects, and the planner's statistics on them: each predicate below
    selects about 0.5% of them, where an index is the right plan.

    Without SQLite's STAT4 histograms (Python's sqlite3 is built without them) the planner
    sees averages only, so the data is uniform here."""
    s = Store(":memory:")
    bug = REGISTRY.entity("Bug")
    with s.transaction():
        for n in range(2000):
            s.insert_item(bug, {
                "Title": f"Defect {n}", "StatusCode": f"Status {n % 200}",
                "AssigneeUserId": 25315 + n % 200, "FolderId": n % 200,
                "DateCreated": datetime(2024, 1, 1) + timedelta(hours=n),
                "DateUpdated": datetime(2024, 1, 1) + timedelta(hours=n)}, FAMILY_ALBUM)
    s.analyze()
    yield s
    s.close()


def plan(store, type_name, xml, sorting="", proj_ids=(FAMILY_ALBUM,)):
    entity = REGISTRY.entity(type_name)
    tree = parse_condition(entity, xml, clock.now())
    where = compile_where(tree) if tree is not None else None
    return " / ".join(store.page_ids_plan(entity, list(proj_ids), parse_sorting(entity, sorting), where))


@pytest.mark.parametrize("type_name, xml, index", [
    ("Bug", condition("opEQU", "AssigneeUserId", "tConst", "<Value>25315</Value>"), "ix_Bugs_AssigneeUserId"),
    ("Bug", condition("opEQU", "statuscode", "tString", "<Value>STATUS 7</Value>"), "ix_Bugs_StatusCode"),
    ("Bug", condition("opIN", "StatusCode", "tArray", "<Value>Status 7</Value><Value>Status 8</Value>"),
     "ix_Bugs_StatusCode"),
    ("Bug", f'<Conditions {XMLNS} Operation="opAND">'
            + condition("opGTE", "DateCreated", "tDate", "<Value>2024-01-02</Value>")
            + condition("opLT", "DateCreated", "tSQLstring", "<Value>dateadd(day, 1, '2024-01-02')</Value>")
            + "</Conditions>", "ix_Bugs_DateCreated"),
    ("Bug", condition("opEQU", "FolderId", "tConst", "<Value>3</Value>"), "ix_Bugs_FolderId"),
    ("Release", condition("opEQU", "ParentId", "tConst", "<Value>1</Value>"), "ix_Releases_ParentId"),
    ("FunctionalSpec", condition("opEQU", "StatusCode", "tString", "<Value>Draft</Value>"),
     "ix_FunctionalSpecs_StatusCode"),
])
def test_indexed_predicates_use_their_index(store, type_name, xml, index):
    text = plan(store, type_name, xml)
    assert index in text, text


def test_equality_on_an_index_needs_no_sort_for_the_default_order(store):
    """Index entries are kept in id order, so the default page needs no temporary sort."""
    text = plan(store, "Bug", condition("opEQU", "AssigneeUserId", "tConst", "<Value>25315</Value>"))
    assert "TEMP B-TREE" not in text


def test_date_range_sorted_by_that_date_reads_its_index_in_order(store):
    text = plan(store, "Bug", condition("opGTE", "DateUpdated", "tSQLstring",
                                        "<Value>dateadd(week, -1, getdate())</Value>"), "DateUpdated DESC")
    # Only ties (equal dates) are sorted, by id; never the whole match.
    assert "ix_Bugs_DateUpdated" in text and "TEMP B-TREE FOR ORDER BY" not in text, text


def test_several_projects_still_use_the_index(store):
    text = plan(store, "Bug", condition("opEQU", "AssigneeUserId", "tConst", "<Value>25315</Value>"),
                proj_ids=(FAMILY_ALBUM, SCREEN_SAVER))
    assert "ix_Bugs_AssigneeUserId" in text
