from .helpers import auth


def test_get_version_answers_in_both_soap_versions(soap):
    assert soap.service.GetVersion().count(".") == 3


def test_bug_round_trip(soap):
    bug = soap.new("Bug", Title="Smoke test bug", StatusCode="Active")
    bug_id = soap.service.Bugs_Add(auth(), bug, "N", "")
    loaded = soap.service.Bugs_Load(auth(), bug_id)
    assert loaded.BugId == bug_id and loaded.Title == "Smoke test bug"
