"""The conformance scenario: what each client is told (README.md's protocol), what it reports,
and how every step is checked against the mock it talked to."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

import requests
import zeep
from lxml import etree
from zeep.helpers import serialize_object

from mockserver import QACOMPLETE_VERSION
from mockserver.soap.convert import decode_title, encode_title

from ..helpers import ADMIN, DEPT, FAMILY_ALBUM, Soap, auth

STEPS = ("get_version", "get_login_info", "load_by_criteria", "add_bug", "load_bug",
         "round_trip_bug", "round_trip_release", "round_trip_spec", "round_trip_task",
         "release_cascade", "wrong_passcode", "delete_bug", "ci_reporter")
ROUND_TRIPS = {"round_trip_bug": ("Bugs", "BugId"), "round_trip_release": ("Releases", "ReleaseId"),
               "round_trip_spec": ("FunctionalSpecs", "FunctionalSpecId"),
               "round_trip_task": ("ProjectTasks", "TaskId")}
CONDITION = ('<Conditions Operation="opAND">'
             '<Conditions Operation="opNOTEQU"><Items Type="tField"><Value>StatusCode</Value></Items>'
             '<Items Type="tString"><Value>Closed</Value></Items></Conditions>'
             '<Conditions Operation="opLT"><Items Type="tField"><Value>BugId</Value></Items>'
             '<Items Type="tConst"><Value>100000</Value></Items></Conditions></Conditions>')
AUTH_FAILED = "Authentication data is not valid"
MOBILE_APP = 10401          # the default data's project with enough defects for pages
# The test-management types of the project the ci_reporter step may touch, with their id fields.
TEST_MANAGEMENT = {"Tests": "TestId", "TestSteps": "TestStepId", "TestSets": "TestSetId",
                   "TestSetItems": "TestSetItemId", "TestConfigurations": "ConfigId", "TestRuns": "TestRunId",
                   "TestRunItems": "TestRunItemId", "TestRunResults": "TestRunResultId"}
# What recording a run changes on each of its tests (domain/test_runs.py, summarise_test), and on
# the items that show a test's fields (test_management.py's mirrors).
TEST_RUN_STATISTICS = {"Tests": {"NbrTimesRun", "LastRunDate", "LastRunByName", "AvgRunTime"},
                       "TestSetItems": {"LastRunByName"}}
CI_STEPS_PER_TEST = 2


def equals(field: str, item_type: str, value) -> str:
    """A LoadByCriteria Condition: ``field`` equal to ``value`` (tString, tConst, …)."""
    return (f'<Conditions Operation="opEQU"><Items Type="tField"><Value>{field}</Value></Items>'
            f'<Items Type="{item_type}"><Value>{value}</Value></Items></Conditions>')


@dataclass
class CiSetup:
    """What the harness prepares for the ci_reporter step, and the project's test management then."""
    set_title: str
    set_id: int
    test_ids: list
    before: dict            # {prefix: {id: item as a dict}}


def config(url: str, version: str, ci: CiSetup) -> dict:
    return {
        "url": url, "version": version, "app_code": "agSPEnt", "dept_id": DEPT, "proj_id": MOBILE_APP,
        "user_id": ADMIN["user_id"], "passcode": ADMIN["password"], "wrong_passcode": "not-the-passcode",
        "email": ADMIN["email"], "password": ADMIN["password"],
        "title": "Crash <&> in Zürich — 東京 ✓",
        "rt_title": "Round trip <a> & b", "rt_new_title": "Changed: «x» <y> & z ✓",
        "condition": CONDITION, "sorting": "StatusCode DESC, BugId DESC", "page_size": 7, "page_number": 2,
        "set_condition": equals("Title", "tString", ci.set_title),
        "items_condition": equals("TestRunId", "tConst", "{run}"),
        "results_condition": equals("TestRunItemId", "tConst", "{item}"),
        "actual_results": "Saw <Welcome> & the menu — Zürich 東京 ✓", "run_time": 7,
    }


def write_config(path, values: dict):
    path.write_text("".join(f"{k}={v}\n" for k, v in values.items()), encoding="utf-8")


def parse_report(stdout: str) -> dict:
    """{step: {"ok": …, "data"/"error": …}} from a client's JSON lines (other lines ignored)."""
    steps = {}
    for line in stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            entry = json.loads(line)
            steps[entry["step"]] = entry
    return steps


@dataclass
class Run:
    """One client's run against its own fresh mock."""
    stack: str
    version: str
    url: str
    base: str
    settings: dict
    expected_ids: list
    ci: CiSetup
    report: dict
    output: str
    conformance: dict | None = None     # what GET /__admin/conformance said of the client's requests

    def step(self, name: str) -> dict:
        entry = self.report.get(name)
        assert entry is not None, f"{self.stack} reported no step {name!r}:\n{self.output[-3000:]}"
        assert entry["ok"], f"{self.stack} SOAP {self.version} {name}: {entry.get('error')}"
        return entry["data"]

    def journal(self, operation: str) -> list[dict]:
        response = requests.get(f"{self.base}/__admin/journal", params={"operation": operation}, timeout=10)
        response.raise_for_status()
        return response.json()["entries"]

    def soap(self) -> Soap:
        return Soap(self.url, "1.1")


def expected_page(url: str, settings: dict) -> list[int]:
    """What the LoadByCriteria step must list, asked by zeep before the client runs."""
    soap = Soap(url, "1.1")
    bugs = soap.service.Bugs_LoadByCriteria(
        AuthenticationData=auth(proj_id=MOBILE_APP), Condition=settings["condition"], Sorting=settings["sorting"],
        PageSize=settings["page_size"], PageNumber=settings["page_number"])
    return [b.BugId for b in bugs]


def _everything(soap: Soap, prefix: str) -> dict:
    """{id: item as a dict} of every ``prefix`` item of the project, page by page."""
    items, page = {}, 1
    while True:
        batch = getattr(soap.service, f"{prefix}_LoadByCriteria")(
            AuthenticationData=auth(proj_id=MOBILE_APP), Condition="", Sorting="", PageSize=200, PageNumber=page)
        items.update((item[TEST_MANAGEMENT[prefix]], item) for item in serialize_object(batch or [], dict))
        if len(batch or []) < 200:
            return items
        page += 1


def _test_management(soap: Soap) -> dict:
    return {prefix: _everything(soap, prefix) for prefix in TEST_MANAGEMENT}


def prepare_ci_reporter(url: str) -> CiSetup:
    """Two tests of two steps each, in a new test set, added by zeep before the client runs."""
    soap = Soap(url, "1.1")
    service, project = soap.service, auth(proj_id=MOBILE_APP)
    test_ids = []
    for n in (1, 2):
        test_id = service.Tests_Add(AuthenticationData=project, Test=soap.new("Test", Title=f"CI reporter test {n}"),
                                    SendEmailAlert="N")
        for seq in range(1, CI_STEPS_PER_TEST + 1):
            service.TestSteps_Add(AuthenticationData=project, TestStep=soap.new(
                "TestStep", TestId=test_id, Seq=seq, Step=f"Step {seq} of test {n}",
                ExpectedResults=f"Step {seq} works"), SendEmailAlert="N")
        test_ids.append(test_id)
    title = f"CI reporter set {uuid.uuid4().hex[:12]}"
    set_id = service.TestSets_Add(AuthenticationData=project, TestSet=soap.new("TestSet", Title=title),
                                  SendEmailAlert="N")
    for seq, test_id in enumerate(test_ids, start=1):
        service.TestSetItems_Add(AuthenticationData=project, TestSetItem=soap.new(
            "TestSetItem", TestSetId=set_id, TestId=test_id, Seq=seq, IsActive="Y"), SendEmailAlert="N")
    return CiSetup(title, set_id, test_ids, _test_management(soap))


def _load(soap: Soap, prefix: str, id_param: str, item_id: int):
    return getattr(soap.service, f"{prefix}_Load")(AuthenticationData=auth(proj_id=MOBILE_APP),
                                                   **{id_param: item_id})


def _missing(soap: Soap, prefix: str, id_param: str, item_id: int) -> bool:
    try:
        _load(soap, prefix, id_param, item_id)
    except zeep.exceptions.Fault:
        return True
    return False


def _answered(run: Run, operation: str, every_call: bool = True) -> list[dict]:
    """The calls of ``operation`` the mock answered with 200 (all of them, with ``every_call``)."""
    entries = [e for e in run.journal(operation) if e["soap_version"] == run.version]
    answered = [e for e in entries if e["status"] == 200 and e["fault"] is None]
    assert answered, f"the mock answered no {operation} in SOAP {run.version}: {entries}"
    if every_call:
        assert answered == entries, entries
    return answered


def check_get_version(run: Run):
    assert run.step("get_version")["version"] == QACOMPLETE_VERSION
    _answered(run, "GetVersion")


def check_get_login_info(run: Run):
    data = run.step("get_login_info")
    assert data["user_id"] == ADMIN["user_id"]
    assert {FAMILY_ALBUM, MOBILE_APP} <= set(data["proj_ids"])


def check_load_by_criteria(run: Run):
    assert len(run.expected_ids) == run.settings["page_size"]     # the page is a full one
    assert run.step("load_by_criteria")["ids"] == run.expected_ids
    _answered(run, "Bugs_LoadByCriteria")


def check_add_bug(run: Run):
    assert run.step("add_bug")["id"] > 0
    _answered(run, "Bugs_Add")


def check_load_bug(run: Run):
    data = run.step("load_bug")
    assert data["title"] == run.settings["title"]
    assert data["status"] == "Active"
    # The mock itself put the title on the wire double-encoded, as documented.
    wire_title = f"<Title>{_xml_escape(encode_title(run.settings['title']))}</Title>"
    assert any(wire_title in (e.get("response") or "") for e in _answered(run, "Bugs_Load", every_call=False))


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def check_round_trip(run: Run, step: str):
    prefix, id_param = ROUND_TRIPS[step]
    data = run.step(step)
    assert data["title"] == run.settings["rt_new_title"]
    _answered(run, f"{prefix}_Update")
    item = _load(run.soap(), prefix, id_param, data["id"])
    assert decode_title(item.Title) == run.settings["rt_new_title"]


def check_release_cascade(run: Run):
    data = run.step("release_cascade")
    assert len(data["ids"]) == 3 and all(i > 0 for i in data["ids"])
    assert "not found" in data["fault"]
    soap = run.soap()
    assert all(_missing(soap, "Releases", "ReleaseId", i) for i in data["ids"])


def check_wrong_passcode(run: Run):
    data = run.step("wrong_passcode")
    assert AUTH_FAILED in data["detail"]
    assert data["string"] == "Error"
    assert ("Client" if run.version == "1.1" else "Sender") in data["code"]
    failed = [e for e in run.journal("Bugs_Load")
              if e["soap_version"] == run.version and AUTH_FAILED in (e["fault"] or "")]
    assert failed and all(e["status"] == 500 for e in failed)


def check_delete_bug(run: Run):
    data = run.step("delete_bug")
    assert "not found" in data["fault"]
    _answered(run, "Bugs_Delete")
    assert _missing(run.soap(), "Bugs", "BugId", run.step("add_bug")["id"])


def _formatted(seconds: int) -> str:
    return f"{seconds // 3600:02}:{seconds // 60 % 60:02}:{seconds % 60:02}"


def _request_members(entry: dict, item: str) -> set[str]:
    """The member names of the ``item`` element of a journaled request."""
    body = etree.fromstring(entry["request"].encode("utf-8"))
    element = next(e for e in body.iter() if etree.QName(e).localname == item)
    return {etree.QName(member).localname for member in element}


def check_ci_reporter(run: Run):
    data, ci, settings = run.step("ci_reporter"), run.ci, run.settings
    tests, run_time = len(ci.test_ids), int(settings["run_time"])
    assert data["set_id"] == ci.set_id
    assert data["result_count"] == tests * CI_STEPS_PER_TEST
    assert (data["status"], data["nbr_tests"], data["nbr_passed"]) == ("Passed", tests, tests)
    assert data["run_time_formated"] == _formatted(tests * run_time)
    # Every call was answered, and every Update sent back a loaded object (server-set members too).
    assert len(_answered(run, "TestRuns_Add")) == 1
    results, items = _answered(run, "TestRunResults_Update"), _answered(run, "TestRunItems_Update")
    assert (len(results), len(items)) == (data["result_count"], tests)
    assert all({"TestRunResultId", "Step", "TestStepId"} <= _request_members(e, "TestRunResult") for e in results)
    assert all({"TestRunItemId", "TestId", "TestName"} <= _request_members(e, "TestRunItem") for e in items)

    # The mock's side, read by zeep: the run, its items in order, their results.
    after = _test_management(run.soap())
    test_run = after["TestRuns"][data["run_id"]]
    assert (test_run["TestSetId"], test_run["StatusCode"], test_run["NbrTests"], test_run["NbrPassed"],
            test_run["RunTime"], test_run["RunTimeFormated"]) == (
        ci.set_id, "Passed", tests, tests, tests * run_time, _formatted(tests * run_time))
    run_items = sorted((i for i in after["TestRunItems"].values() if i["TestRunId"] == data["run_id"]),
                       key=lambda i: i["Seq"])
    assert data["item_ids"] == [i["TestRunItemId"] for i in run_items]
    assert [i["TestId"] for i in run_items] == ci.test_ids
    assert all((i["StatusCode"], i["RunTime"]) == ("Passed", run_time) for i in run_items)
    # The dates are the server's, whatever the client sent back (0001-01-01, gSOAP's 1970-01-01).
    assert all(test_run["DateStarted"] <= i["DateStarted"] <= i["DateFinished"] <= test_run["DateFinished"]
               for i in run_items)
    assert all((after["Tests"][t]["NbrTimesRun"], after["Tests"][t]["AvgRunTime"]) == (1, run_time)
               for t in ci.test_ids)
    run_results = [r for r in after["TestRunResults"].values() if r["TestRunItemId"] in data["item_ids"]]
    assert len(run_results) == data["result_count"]
    for result in run_results:
        step = after["TestSteps"][result["TestStepId"]]
        assert (result["StatusCode"], result["ActualResults"]) == ("Passed", settings["actual_results"])
        assert (result["Step"], result["ExpectedResults"]) == (step["Step"], step["ExpectedResults"])

    # Nothing else of the project's test management changed: the run, its items and their results
    # are the only new items; the run's tests (and the set items showing them) changed only by
    # their run statistics.
    new = {"TestRuns": {data["run_id"]}, "TestRunItems": set(data["item_ids"]),
           "TestRunResults": {r["TestRunResultId"] for r in run_results}}
    for prefix, before in ci.before.items():
        assert set(after[prefix]) == set(before) | new.get(prefix, set()), prefix
        for item_id, item in before.items():
            changed = {name for name, value in item.items() if after[prefix][item_id][name] != value}
            allowed = TEST_RUN_STATISTICS.get(prefix, set()) if item.get("TestId") in ci.test_ids else set()
            assert changed <= allowed, (prefix, item_id, changed)


CHECKS = {
    "get_version": check_get_version, "get_login_info": check_get_login_info,
    "load_by_criteria": check_load_by_criteria, "add_bug": check_add_bug, "load_bug": check_load_bug,
    **{step: (lambda run, step=step: check_round_trip(run, step)) for step in ROUND_TRIPS},
    "release_cascade": check_release_cascade, "wrong_passcode": check_wrong_passcode,
    "delete_bug": check_delete_bug, "ci_reporter": check_ci_reporter,
}
assert set(CHECKS) == set(STEPS)
