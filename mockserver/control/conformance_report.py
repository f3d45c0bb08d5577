"""A conformance report (what GET /__admin/conformance answers) as text, Markdown or JUnit XML,
for people, pull requests and CI test views."""
from __future__ import annotations

from lxml import etree

from ..soap.findings import SEVERITIES

FORMATS = ("text", "markdown", "junit")
FAIL_ON = SEVERITIES + ("never",)
EXAMPLES = 3        # findings shown per rule


def failing(report: dict, fail_on: str) -> int:
    """How many findings are at ``fail_on`` or more serious ("never": none)."""
    if fail_on == "never":
        return 0
    levels = SEVERITIES[:SEVERITIES.index(fail_on) + 1]
    return sum(report["by_severity"].get(level, 0) for level in levels)


def render(report: dict, fmt: str, fail_on: str = "refused") -> str:
    return {"text": _text, "markdown": _markdown, "junit": _junit}[fmt](report, fail_on)


def _examples(report: dict, rule: str) -> list[dict]:
    return [f for f in reversed(report["findings"]) if f["rule"] == rule][:EXAMPLES]


def _summary(report: dict) -> str:
    counts = ", ".join(f"{report['by_severity'][s]} {s}" for s in SEVERITIES)
    return f"{report['requests']} requests inspected; findings: {counts}"


def _text(report: dict, fail_on: str) -> str:
    lines = [_summary(report)]
    for rule in report["rules"]:
        operations = ", ".join(f"{op} ×{n}" for op, n in sorted(rule["operations"].items()))
        lines += ["", f"[{rule['severity']}] {rule['rule']} ×{rule['count']}: {rule['title']}",
                  f"  operations: {operations}", f"  reference: {rule['reference']}"]
        for f in _examples(report, rule["rule"]):
            lines.append(f"  at {f['path']}: {f['message']}" + (f"  {f['evidence']}" if f["evidence"] else ""))
    if report.get("dropped"):
        lines += ["", f"({report['dropped']} older findings were dropped; the counts include them)"]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _markdown(report: dict, fail_on: str) -> str:
    lines = ["# qacmock conformance report", "", _summary(report) + ".", ""]
    if not report["rules"]:
        return "\n".join(lines + ["No findings: every request was what the contract describes.", ""])
    lines += ["| Severity | Rule | Count | Operations | What | Reference |", "|---|---|---|---|---|---|"]
    for rule in report["rules"]:
        operations = ", ".join(f"`{op}` ×{n}" for op, n in sorted(rule["operations"].items()))
        lines.append(f"| {rule['severity']} | `{rule['rule']}` | {rule['count']} | {operations} | "
                     f"{_cell(rule['title'])} | {_cell(rule['reference'])} |")
    lines += ["", "## Examples", ""]
    for rule in report["rules"]:
        for f in _examples(report, rule["rule"]):
            evidence = f" — `{_cell(f['evidence'])}`" if f["evidence"] else ""
            lines.append(f"- `{rule['rule']}` at `{f['path']}`: {_cell(f['message'])}{evidence}")
    return "\n".join(lines) + "\n"


def _junit(report: dict, fail_on: str) -> str:
    """One test case per rule found (and one that passes when nothing is), failed when the rule's
    severity is at ``fail_on`` or above, so a CI test view lists each deviation."""
    levels = () if fail_on == "never" else SEVERITIES[:SEVERITIES.index(fail_on) + 1]
    suite = etree.Element("testsuite", name="qacmock conformance", tests=str(max(1, len(report["rules"]))))
    failures = 0
    for rule in report["rules"]:
        case = etree.SubElement(suite, "testcase", classname=f"qacmock.conformance.{rule['severity']}",
                                name=rule["rule"])
        details = "\n".join(f"{f['operation']} {f['path']}: {f['message']} {f['evidence']}".rstrip()
                            for f in _examples(report, rule["rule"]))
        body = (f"{rule['title']} ({rule['count']}× in {', '.join(sorted(rule['operations']))})\n"
                f"reference: {rule['reference']}\n{details}")
        if rule["severity"] in levels:
            failures += 1
            failure = etree.SubElement(case, "failure", message=f"{rule['rule']}: {rule['title']}",
                                       type=rule["severity"])
            failure.text = body
        else:
            etree.SubElement(case, "system-out").text = body
    if not report["rules"]:
        etree.SubElement(suite, "testcase", classname="qacmock.conformance", name="no deviations")
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    properties = etree.Element("properties")
    etree.SubElement(properties, "property", name="requests", value=str(report["requests"]))
    suite.insert(0, properties)
    return etree.tostring(etree.ElementTree(suite), xml_declaration=True, encoding="UTF-8",
                          pretty_print=True).decode("utf-8")
