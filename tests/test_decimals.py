"""Decimal members round-trip exactly, as a .NET decimal holds them (issue 17, point 3): 28 to 29
significant digits, at most 28 places, written without an exponent; beyond that, rounded as
.NET's Decimal.Parse rounds, or refused with a fault naming the member."""
from __future__ import annotations

from decimal import Decimal

import pytest
from lxml import etree

from mockserver import seed
from mockserver.store.database import Store

from .helpers import NS, auth, auth_xml, envelope, fault_text, post_raw, start_serve, stop_serve


def add_bug(url: str, version: str, est_hrs: str) -> int:
    body = (f'<Bugs_Add xmlns="{NS}">{auth_xml()}<Bug><Title>decimal {est_hrs[:40]}</Title>'
            f"<StatusCode>Active</StatusCode><EstHrs>{est_hrs}</EstHrs></Bug>"
            f"<SendEmailAlert>N</SendEmailAlert></Bugs_Add>")
    response = post_raw(url, envelope(body, version), version, "Bugs_Add")
    assert response.status_code == 200, fault_text(response.content)
    return int(etree.fromstring(response.content).findtext(f".//{{{NS}}}Bugs_AddResult"))


def est_hrs_on_the_wire(url: str, version: str, bug_id: int) -> str:
    body = f'<Bugs_Load xmlns="{NS}">{auth_xml()}<BugId>{bug_id}</BugId></Bugs_Load>'
    response = post_raw(url, envelope(body, version), version, "Bugs_Load")
    assert response.status_code == 200
    return etree.fromstring(response.content).findtext(f".//{{{NS}}}Bugs_LoadResult/{{{NS}}}EstHrs")


@pytest.mark.parametrize("version", ["1.1", "1.2"])
@pytest.mark.parametrize("sent, kept", [
    ("12345678901234567890.5", "12345678901234567890.5"),       # a double gives ...7168
    ("79228162514264337593543950335", "79228162514264337593543950335"),   # .NET's MaxValue
    ("-79228162514264337593543950335", "-79228162514264337593543950335"),
    ("7.9228162514264337593543950335", "7.9228162514264337593543950335"),  # 29 digits, 28 places
    ("0.0000000000000000000000000001", "0.0000000000000000000000000001"),  # str() gives 1E-28
    ("1.50", "1.5"),
    # Beyond what a .NET decimal holds: rounded, a half away from zero.
    ("0.000000000000000000000000000001", "0"),
    ("0.00000000000000000000000000005", "0.0000000000000000000000000001"),
    ("-0.00000000000000000000000000005", "-0.0000000000000000000000000001"),
    ("12345678901234567890.123456789012", "12345678901234567890.123456789"),
    ("79228162514264337593543950335.4", "79228162514264337593543950335"),
])
def test_decimals_come_back_as_a_dotnet_decimal_holds_them(live, version, sent, kept):
    assert est_hrs_on_the_wire(live.url, version, add_bug(live.url, version, sent)) == kept


@pytest.mark.parametrize("sent", ["79228162514264337593543950335.5", "79228162514264337593543950336",
                                  "1" + "0" * 40, "-" + "9" * 30])
def test_decimals_beyond_the_dotnet_range_are_refused_naming_the_member(live, sent):
    body = (f'<Bugs_Add xmlns="{NS}">{auth_xml()}<Bug><Title>too big</Title><EstHrs>{sent}</EstHrs></Bug>'
            f"<SendEmailAlert>N</SendEmailAlert></Bugs_Add>")
    response = post_raw(live.url, envelope(body), "1.1", "Bugs_Add")
    assert response.status_code == 500
    assert "Bug.EstHrs" in fault_text(response.content)
    assert "out of the decimal range" in fault_text(response.content)


def test_a_loaded_decimal_goes_back_unchanged_through_zeep(live, soap):
    """Load, modify, Update: the Decimal zeep read is what it sends back, to the last digit."""
    bug_id = add_bug(live.url, soap.version, "12345678901234567890.123456789")
    bug = soap.service.Bugs_Load(AuthenticationData=auth(), BugId=bug_id)
    assert bug.EstHrs == Decimal("12345678901234567890.123456789")
    bug.Title = "changed"
    soap.service.Bugs_Update(AuthenticationData=auth(), Bug=bug, SendEmailAlert="N")
    assert est_hrs_on_the_wire(live.url, soap.version, bug_id) == "12345678901234567890.123456789"


def test_criteria_compare_and_sort_decimals_beyond_a_double(live):
    """Three values a double cannot tell apart, told apart by a condition and by sorting."""
    values = ["98765432109876543210.25", "98765432109876543210.75", "98765432109876543210.5"]
    ids = {v: add_bug(live.url, "1.1", v) for v in values}
    condition = ('<Conditions Operation="opAND">'
                 '<Conditions Operation="opGT"><Items Type="tField"><Value>EstHrs</Value></Items>'
                 '<Items Type="tConst"><Value>98765432109876543210.3</Value></Items></Conditions>'
                 '<Conditions Operation="opLT"><Items Type="tField"><Value>EstHrs</Value></Items>'
                 '<Items Type="tConst"><Value>98765432109876543211</Value></Items></Conditions></Conditions>')
    body = (f'<Bugs_LoadByCriteria xmlns="{NS}">{auth_xml()}<Condition><![CDATA[{condition}]]></Condition>'
            f"<Sorting>EstHrs DESC</Sorting><PageSize>10</PageSize><PageNumber>1</PageNumber>"
            f"</Bugs_LoadByCriteria>")
    response = post_raw(live.url, envelope(body), "1.1", "Bugs_LoadByCriteria")
    assert response.status_code == 200, fault_text(response.content)
    found = [int(i) for i in etree.fromstring(response.content).xpath("//*[local-name()='BugId']/text()")]
    assert found == [ids["98765432109876543210.75"], ids["98765432109876543210.5"]]


def test_a_database_with_decimals_as_doubles_is_upgraded_keeping_its_values(tmp_path):
    """Earlier qacmock versions declared decimal columns REAL; serving such a file rebuilds them
    as text with each double's exact value, and keeps the indexes and every other value."""
    path = tmp_path / "earlier.sqlite"
    store = Store(str(path))
    seed.build(store, seed.default_dataset())
    bugs = store.db["Bugs"]
    with store.transaction():
        store.db.conn.execute("DROP VIEW v_Bugs")
    bugs.transform(types={"EstHrs": float, "ActHrs": float, "EstHrsRemaining": float})
    with store.transaction():
        store.db.conn.execute("UPDATE Bugs SET EstHrs = 2.5, ActHrs = 0.1 WHERE BugId = 1")
    indexes = sorted(index.name for index in bugs.indexes)
    rows = store.db.conn.execute("SELECT * FROM Bugs ORDER BY BugId").fetchall()
    store.close()

    proc, url, _ = start_serve(tmp_path, "--db", str(path))
    try:
        body = f'<Bugs_Load xmlns="{NS}">{auth_xml()}<BugId>1</BugId></Bugs_Load>'
        response = post_raw(url, envelope(body), "1.1", "Bugs_Load")
        result = etree.fromstring(response.content).find(f".//{{{NS}}}Bugs_LoadResult")
        assert (result.findtext(f"{{{NS}}}EstHrs"), result.findtext(f"{{{NS}}}ActHrs")) == ("2.5", "0.1")
    finally:
        stop_serve(proc)
    upgraded = Store(str(path))
    columns = upgraded.db["Bugs"].columns_dict
    assert (columns["EstHrs"], columns["ActHrs"], columns["EstHrsRemaining"]) == (str, str, str)
    assert sorted(index.name for index in upgraded.db["Bugs"].indexes) == indexes
    after = upgraded.db.conn.execute("SELECT * FROM Bugs ORDER BY BugId").fetchall()
    names = [c.name for c in upgraded.db["Bugs"].columns]
    decimal_columns = {names.index(n) for n in ("EstHrs", "ActHrs", "EstHrsRemaining")}
    for before, now in zip(rows, after, strict=True):
        for i, (a, b) in enumerate(zip(before, now)):
            assert (Decimal(repr(a)) == Decimal(b)) if i in decimal_columns and a is not None else a == b
    upgraded.close()
