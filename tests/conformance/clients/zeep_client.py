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


if __name__ == "__main__":
    main(sys.argv[1])
