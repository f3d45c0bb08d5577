"""The conformance scenario: what each client is told (README.md's protocol), what it reports,
and how every step is checked against the mock it talked to."""
from __future__ import annotations

import json
from dataclasses import dataclass

import requests
import zeep

from mockserver import QACOMPLETE_VERSION
from mockserver.soap.convert import decode_title, encode_title

from ..helpers import ADMIN, DEPT, FAMILY_ALBUM, Soap, auth

STEPS = ("get_version", "get_login_info", "load_by_criteria", "add_bug", "load_bug",
         "round_trip_bug", "round_trip_release", "round_trip_spec", "round_trip_task",
         "release_cascade", "wrong_passcode", "delete_bug")
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


def config(url: str, version: str) -> dict:
    return {
        "url": url, "version": version, "app_code": "agSPEnt", "dept_id": DEPT, "proj_id": MOBILE_APP,
        "user_id": ADMIN["user_id"], "passcode": ADMIN["password"], "wrong_passcode": "not-the-passcode",
        "email": ADMIN["email"], "password": ADMIN["password"],
        "title": "Crash <&> in Zürich — 東京 ✓",
        "rt_title": "Round trip <a> & b", "rt_new_title": "Changed: «x» <y> & z ✓",
        "condition": CONDITION, "sorting": "StatusCode DESC, BugId DESC", "page_size": 7, "page_number": 2,
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
    report: dict
    output: str

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


CHECKS = {
    "get_version": check_get_version, "get_login_info": check_get_login_info,
    "load_by_criteria": check_load_by_criteria, "add_bug": check_add_bug, "load_bug": check_load_bug,
    **{step: (lambda run, step=step: check_round_trip(run, step)) for step in ROUND_TRIPS},
    "release_cascade": check_release_cascade, "wrong_passcode": check_wrong_passcode,
    "delete_bug": check_delete_bug,
}
assert set(CHECKS) == set(STEPS)
