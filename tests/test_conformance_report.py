"""Where users see conformance findings (issue 18): /__admin/conformance and its filters, the
`qacmock conformance` command (text, Markdown, JUnit XML, exit codes), `serve --strict`, and the
pytest helpers in a user's own suite."""
from __future__ import annotations

import subprocess
import sys

import pytest
import requests
from lxml import etree

from mockserver import conformance_command
from mockserver.app import QacMock
from mockserver.control.conformance_report import FAIL_ON, FORMATS
from mockserver.soap.findings import RULES, SEVERITIES

from .conftest import LiveServer
from .helpers import NS, auth_xml, envelope, fault_text, post_raw, start_serve, stop_serve
from .test_pytest_plugin import run_user_suite

LOAD = f'<Bugs_Load xmlns="{NS}">{auth_xml()}<BugId>1</BugId></Bugs_Load>'


def load(url, **headers):
    """Bugs_Load as a careless client sends it: the headers given replace the canonical ones."""
    sent = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{NS}Bugs_Load"', **headers}
    return requests.post(url, data=envelope(LOAD).encode(), headers={k: v for k, v in sent.items() if v is not None},
                         timeout=10)


def deviate(url):
    """One refused request (no SOAPAction), two tolerated ones (unquoted), one note (no charset)."""
    assert load(url, SOAPAction=None).status_code == 500
    assert load(url, SOAPAction=f"{NS}Bugs_Load").status_code == 200
    assert load(url, SOAPAction=f"{NS}Bugs_Load").status_code == 200
    assert load(url, **{"Content-Type": "text/xml"}).status_code == 200
    assert post_raw(url, envelope(LOAD), "1.1", "Bugs_Load").status_code == 200     # canonical


@pytest.fixture
def server():
    server = LiveServer(QacMock(":memory:", access_log="off"))
    yield server
    server.close()


def conformance(server, **params):
    return requests.get(server.base + "/__admin/conformance", params=params, timeout=10)


def test_the_report_counts_requests_and_findings_per_rule_and_operation(server):
    deviate(server.url)
    report = conformance(server).json()
    assert report["requests"] == 5
    assert report["by_severity"] == {"refused": 1, "tolerated": 2, "note": 1}
    assert [(r["rule"], r["count"], r["operations"]) for r in report["rules"]] == [
        ("soapaction-missing", 1, {"Bugs_Load": 1}), ("soapaction-unquoted", 2, {"Bugs_Load": 2}),
        ("charset-missing", 1, {"Bugs_Load": 1})]
    assert [f["rule"] for f in report["findings"]] == [
        "soapaction-missing", "soapaction-unquoted", "soapaction-unquoted", "charset-missing"]
    journal = requests.get(server.base + "/__admin/journal", timeout=10).json()["entries"]
    assert [e["findings"] for e in journal] == [["soapaction-missing"], ["soapaction-unquoted"],
                                                ["soapaction-unquoted"], ["charset-missing"], None]
    assert report["findings"][0]["request"] == journal[0]["id"]


def test_filters_select_by_severity_rule_and_operation_and_limit(server):
    deviate(server.url)
    assert [r["rule"] for r in conformance(server, severity="refused,note").json()["rules"]] == [
        "soapaction-missing", "charset-missing"]
    only = conformance(server, rule="soapaction-unquoted", limit="1").json()
    assert only["by_severity"]["tolerated"] == 2 and len(only["findings"]) == 1
    assert conformance(server, operation="Bugs_Add").json()["findings_total"] == 0
    assert conformance(server, operation="Bugs_Add").json()["requests"] == 0


@pytest.mark.parametrize("params, message", [
    ({"rule": "no-such-rule"}, "unknown rule no-such-rule; known: content-type-version"),
    ({"severity": "fatal"}, "unknown severity fatal; known: refused, tolerated, note"),
    ({"operation": "Bugs_Frob"}, "operation Bugs_Frob is not a psws.asmx operation"),
    ({"since": "2026-01-01"}, "unknown filter since; known: operation, severity, rule, limit"),
    ({"limit": "0"}, "limit must be a whole number from 1"),
])
def test_bad_filters_are_400_naming_the_value(server, params, message):
    response = conformance(server, **params)
    assert response.status_code == 400 and message in response.json()["error"]


def test_delete_and_reset_forget_the_findings(server):
    deviate(server.url)
    assert requests.delete(server.base + "/__admin/conformance", timeout=10).json() == {"status": "cleared"}
    assert conformance(server).json()["requests"] == 0
    deviate(server.url)
    requests.post(server.base + "/__admin/reset", timeout=10).raise_for_status()
    assert conformance(server).json()["findings_total"] == 0


def test_the_rules_endpoint_lists_every_rule():
    server = LiveServer(QacMock(":memory:", access_log="off"))
    try:
        rules = requests.get(server.base + "/__admin/conformance/rules", timeout=10).json()["rules"]
    finally:
        server.close()
    assert [r["rule"] for r in rules] == list(RULES)
    assert all(r["severity"] in SEVERITIES and r["title"] and r["reference"] for r in rules)


def qacmock(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mockserver.cli", "conformance", *args],
                          capture_output=True, text=True, timeout=60)


def test_the_command_writes_junit_with_a_failed_case_per_refused_rule(server, tmp_path):
    deviate(server.url)
    out = tmp_path / "conformance.xml"
    done = qacmock("report", "--url", server.base, "--format", "junit", "--output", str(out))
    assert done.returncode == 1, done.stderr
    suite = etree.parse(str(out)).getroot()
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert set(cases) == {"soapaction-missing", "soapaction-unquoted", "charset-missing"}
    assert cases["soapaction-missing"].find("failure").get("type") == "refused"
    assert cases["soapaction-unquoted"].find("failure") is None
    assert "Bugs_Load SOAPAction" in cases["soapaction-missing"].find("failure").text
    assert suite.get("failures") == "1" and suite.get("tests") == "3"


@pytest.mark.parametrize("fail_on, code", [("refused", 1), ("tolerated", 1), ("note", 1), ("never", 0)])
def test_fail_on_sets_the_exit_code(server, fail_on, code):
    load(server.url, SOAPAction=f"{NS}Bugs_Load")                 # tolerated only
    expected = 0 if fail_on == "refused" else code
    assert qacmock("report", "--url", server.base, "--fail-on", fail_on).returncode == expected


def test_text_and_markdown_name_each_rule_with_its_reference_and_an_example(server):
    deviate(server.url)
    text = qacmock("report", "--url", server.base, "--fail-on", "never").stdout
    assert text.startswith("5 requests inspected; findings: 1 refused, 2 tolerated, 1 note")
    assert "[tolerated] soapaction-unquoted ×2" in text and RULES["soapaction-unquoted"].reference in text
    assert f'at SOAPAction: send "{NS}Bugs_Load", in quotes  {NS}Bugs_Load' in text
    markdown = qacmock("report", "--url", server.base, "--format", "markdown", "--clear").stdout
    assert "| refused | `soapaction-missing` | 1 | `Bugs_Load` ×1 |" in markdown
    assert qacmock("report", "--url", server.base, "--format", "markdown").stdout.endswith(
        "No findings: every request was what the contract describes.\n")


def test_a_clean_run_is_one_passing_junit_case(server):
    post_raw(server.url, envelope(LOAD), "1.1", "Bugs_Load")
    done = qacmock("report", "--url", server.base, "--format", "junit", "--fail-on", "note")
    assert done.returncode == 0
    suite = etree.fromstring(done.stdout.encode())
    assert [c.get("name") for c in suite.iter("testcase")] == ["no deviations"]


def test_an_unreachable_mock_is_one_line():
    done = qacmock("report", "--url", "http://127.0.0.1:9")
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "no qacmock admin API answers at http://127.0.0.1:9" in done.stderr


def test_rules_lists_every_rule_in_markdown():
    listing = qacmock("rules", "--format", "markdown").stdout
    assert all(f"| `{rule}` | {RULES[rule].severity} |" in listing for rule in RULES)


def test_the_command_line_spells_the_formats_and_severities_as_the_report_does():
    assert conformance_command.FORMATS == FORMATS and conformance_command.FAIL_ON == FAIL_ON


def test_serve_strict_refuses_a_tolerated_deviation_and_answers_the_rest(tmp_path):
    proc, url, _ = start_serve(tmp_path, "--strict", "--access-log", "off")
    try:
        refused = load(url, SOAPAction=f"{NS}Bugs_Load")
        assert refused.status_code == 500
        assert fault_text(refused.content).startswith(
            f'Strict mode: soapaction-unquoted (tolerated) at SOAPAction: send "{NS}Bugs_Load", in quotes.')
        assert load(url, **{"Content-Type": "text/xml"}).status_code == 200          # a note only
        assert post_raw(url, envelope(LOAD), "1.1", "Bugs_Load").status_code == 200
    finally:
        stop_serve(proc)


# -- pytest helpers in a user's suite ----------------------------------------------------------

USER_SUITE = '''
import requests

NS = "http://www.pragmaticsw.com/"
AUTH = ("<AuthenticationData><AppCode>agSPEnt</AppCode><DeptId>7154</DeptId><ProjId>10372</ProjId>"
        "<UserId>25315</UserId><PassCode>p@ssword</PassCode></AuthenticationData>")
BODY = ('<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
        '<GetVersion xmlns="' + NS + '"/></soap:Body></soap:Envelope>')


def call(qacmock, action):
    headers = {"Content-Type": "text/xml; charset=utf-8"}
    if action is not None:
        headers["SOAPAction"] = action
    return requests.post(qacmock.url, data=BODY, headers=headers)


def test_a_tolerated_deviation_is_a_warning(qacmock, qacmock_conformance):
    assert call(qacmock, NS + "GetVersion").status_code == 200


def test_a_refused_request_fails_the_test(qacmock, qacmock_conformance):
    call(qacmock, None)


def test_assert_conformant_can_be_stricter(qacmock, qacmock_conformance):
    call(qacmock, NS + "GetVersion")
    qacmock_conformance.assert_conformant("tolerated")


def test_a_clean_test_passes_quietly(qacmock, qacmock_conformance):
    assert call(qacmock, '"' + NS + 'GetVersion"').status_code == 200
    qacmock_conformance.assert_conformant("note")
'''


def test_the_fixture_fails_refused_requests_and_warns_of_the_rest(tmp_path):
    folder = tmp_path / "user"
    folder.mkdir()
    (folder / "test_client.py").write_text(USER_SUITE)
    result = run_user_suite(folder, "-rA")
    out = result.stdout
    summary = out.strip().splitlines()[-1]
    assert all(part in summary for part in ("1 failed", "3 passed", "2 warnings", "1 error")), out + result.stderr
    assert "ERROR at teardown of test_a_refused_request_fails_the_test" in out
    assert "requests the real QAComplete would refuse:" in out and "soapaction-missing" in out
    assert "FAILED test_client.py::test_assert_conformant_can_be_stricter" in out
    assert "QacmockConformanceWarning: requests deviate from the contract:" in out
    assert out.count("[tolerated] soapaction-unquoted ×1") >= 2
