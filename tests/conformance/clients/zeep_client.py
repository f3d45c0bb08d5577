"""The conformance scenario with zeep, as its users write it: a client from the served WSDL,
bound to the SOAP 1.1 or 1.2 port (tests/conformance/README.md has the protocol)."""
from __future__ import annotations

import sys

import zeep
from zeep.exceptions import Fault

from python_protocol import NS, UNSET, decode_title, read_config, report  # beside this script


def fault_detail(fault: Fault) -> str:
    description = fault.detail.find("Description") if fault.detail is not None else None
    return description.get("Text") if description is not None else str(fault)


def main(path):
    c = read_config(path)
    client = zeep.Client(c["url"] + "?WSDL")
    port = "ServiceSoap12" if c["version"] == "1.2" else "ServiceSoap"
    service = client.bind("Service", port)
    auth = {"AppCode": c["app_code"], "DeptId": int(c["dept_id"]), "ProjId": int(c["proj_id"]),
            "UserId": int(c["user_id"]), "PassCode": c["passcode"]}
    state = {}

    def new(type_name, **values):
        # The WSDL makes int, decimal and dateTime members required (minOccurs=1), as .NET
        # value types are: a zeep user sends .NET's defaults for those not set.
        item_type = client.get_type(f"{{{NS}}}{type_name}")
        defaults = {name: UNSET[element.type.name] for name, element in item_type.elements
                    if element.type.name in UNSET}
        return item_type(**{**defaults, **values})

    def login():
        info = service.GetLoginInfo(AppCode="", Email=c["email"], Password=c["password"])
        return {"user_id": info.UserId, "proj_ids": [p.ProjId for p in info.Projects.Project]}

    def lbc():
        bugs = service.Bugs_LoadByCriteria(AuthenticationData=auth, Condition=c["condition"],
                                           Sorting=c["sorting"], PageSize=int(c["page_size"]),
                                           PageNumber=int(c["page_number"]))
        return {"ids": [b.BugId for b in bugs]}

    def add_bug():
        state["bug"] = service.Bugs_Add(AuthenticationData=auth, Bug=new("Bug", Title=c["title"], StatusCode="Active"),
                                        SendEmailAlert="N")
        return {"id": state["bug"]}

    def load_bug():
        bug = service.Bugs_Load(AuthenticationData=auth, BugId=state["bug"])
        return {"title": decode_title(bug.Title), "status": bug.StatusCode}

    def round_trip(prefix, type_name, add_param, update_param, id_param, id_field, **extra):
        def run():
            item_id = getattr(service, prefix + "_Add")(
                AuthenticationData=auth, **{add_param: new(type_name, Title=c["rt_title"], **extra)})
            loaded = getattr(service, prefix + "_Load")(AuthenticationData=auth, **{id_param: item_id})
            loaded.Title = c["rt_new_title"]
            getattr(service, prefix + "_Update")(AuthenticationData=auth, **{update_param: loaded})
            after = getattr(service, prefix + "_Load")(AuthenticationData=auth, **{id_param: item_id})
            return {"id": getattr(after, id_field), "title": decode_title(after.Title)}
        return run

    def cascade():
        def add(title, kind, parent):
            return service.Releases_Add(AuthenticationData=auth, Release=new(
                "Release", Title=title, ReleaseType=kind, ParentId=parent))
        release = add("Cascade release", "Release", 0)
        iteration = add("Cascade iteration", "Iteration", release)
        build = add("Cascade build", "Build", iteration)
        service.Releases_Delete(AuthenticationData=auth, ReleaseId=release)
        try:
            service.Releases_Load(AuthenticationData=auth, ReleaseId=build)
            fault = None
        except Fault as error:
            fault = fault_detail(error)
        return {"ids": [release, iteration, build], "fault": fault}

    def wrong_passcode():
        try:
            service.Bugs_Load(AuthenticationData={**auth, "PassCode": c["wrong_passcode"]}, BugId=state["bug"])
        except Fault as error:
            return {"code": error.code, "string": error.message, "detail": fault_detail(error)}
        raise AssertionError("no fault")

    def delete_bug():
        service.Bugs_Delete(AuthenticationData=auth, BugId=state["bug"])
        try:
            service.Bugs_Load(AuthenticationData=auth, BugId=state["bug"])
        except Fault as error:
            return {"fault": fault_detail(error)}
        raise AssertionError("no fault")

    def ci_reporter():
        def by_criteria(prefix, condition, sorting=""):
            return getattr(service, prefix + "_LoadByCriteria")(
                AuthenticationData=auth, Condition=condition, Sorting=sorting, PageSize=200, PageNumber=1) or []

        (test_set,) = by_criteria("TestSets", c["set_condition"])
        run_id = service.TestRuns_Add(AuthenticationData=auth, TestRun=new("TestRun", TestSetId=test_set.TestSetId),
                                      SendEmailAlert="N")
        items = by_criteria("TestRunItems", c["items_condition"].replace("{run}", str(run_id)), "Seq")
        result_count = 0
        for item in items:
            condition = c["results_condition"].replace("{item}", str(item.TestRunItemId))
            for result in by_criteria("TestRunResults", condition, "Seq"):
                result.StatusCode, result.ActualResults = "Passed", c["actual_results"]
                service.TestRunResults_Update(AuthenticationData=auth, TestRunResult=result, SendEmailAlert="N")
                result_count += 1
            item.StatusCode, item.RunTime = "Passed", int(c["run_time"])
            service.TestRunItems_Update(AuthenticationData=auth, TestRunItem=item, SendEmailAlert="N")
        run = service.TestRuns_Load(AuthenticationData=auth, TestRunId=run_id)
        return {"set_id": test_set.TestSetId, "run_id": run_id, "item_ids": [i.TestRunItemId for i in items],
                "result_count": result_count, "status": run.StatusCode, "nbr_tests": run.NbrTests,
                "nbr_passed": run.NbrPassed, "run_time_formated": run.RunTimeFormated}

    report("get_version", lambda: {"version": service.GetVersion()})
    report("get_login_info", login)
    report("load_by_criteria", lbc)
    report("add_bug", add_bug)
    report("load_bug", load_bug)
    report("round_trip_bug", round_trip("Bugs", "Bug", "Bug", "Bug", "BugId", "BugId", StatusCode="Active"))
    report("round_trip_release", round_trip("Releases", "Release", "Release", "Release", "ReleaseId", "Id",
                                            ReleaseType="Release"))
    report("round_trip_spec", round_trip("FunctionalSpecs", "FunctionalSpec", "FunctionalSpecs",
                                         "FunctionalSpec", "FunctionalSpecId", "FunctSpecId"))
    report("round_trip_task", round_trip("ProjectTasks", "ProjectTask", "ProjectTask", "ProjectTasks",
                                         "TaskId", "TaskId"))
    report("release_cascade", cascade)
    report("wrong_passcode", wrong_passcode)
    report("delete_bug", delete_bug)
    report("ci_reporter", ci_reporter)


if __name__ == "__main__":
    main(sys.argv[1])
