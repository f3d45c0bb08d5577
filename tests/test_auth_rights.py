"""Authentication, login helpers, security rights, project scoping (ProjId / ProjIds) and the
validation faults of Bugs_Add, against the vendor's documented rules."""
from __future__ import annotations

import pytest
from lxml import etree

from mockserver.seed import default_dataset

from .helpers import (
    ADMIN, BILLING, DEPT, FAMILY_ALBUM, NS, SCREEN_SAVER, auth, auth_xml, envelope, fault, fault_text,
    post_raw,
)

AUTH_FAILED = "Authentication data is not valid. Please retry ..."
READER, TESTER, OUTSIDER, ALEX = 25316, 25317, 25318, 24661
PASSWORD = "p@ssword"
# The admin is a member of every project of the default dataset.
ALL_PROJECTS = {p["ProjId"]: p["ProjName"] for p in default_dataset()["projects"]}
assert {FAMILY_ALBUM, SCREEN_SAVER, BILLING} <= set(ALL_PROJECTS)


def new_bug(soap, title="Rights test bug", **values):
    values.setdefault("StatusCode", "Active")
    return soap.new("Bug", Title=title, **values)


def add_bug(soap, user_id=ADMIN["user_id"], proj_id=FAMILY_ALBUM, **values):
    return soap.service.Bugs_Add(auth(user_id=user_id, proj_id=proj_id), new_bug(soap, **values), "N", "")


def bug_ids(result):
    return {b.BugId for b in result or []}


def projects_of(login_info):
    return {p.ProjId: p.ProjName for p in login_info.Projects.Project} if login_info.Projects else {}


# -- Unauthenticated helpers ------------------------------------------------------------------------

def test_get_version_needs_no_authentication(soap):
    """[DOC] GetVersion takes no AuthenticationData."""
    assert soap.service.GetVersion().count(".") == 3
    assert b"AuthenticationData" not in etree.tostring(soap.history.last_sent["envelope"])


def test_get_login_info_returns_the_account(soap):
    """[DOC] GetLoginInfo(AppCode "", Email, Password) needs no AuthenticationData and returns the
    UserId, AppCode, last project, its department and every project of the user."""
    soap.service.Bugs_LoadByCriteria(auth(proj_id=FAMILY_ALBUM), "", "", 1, 1)   # last project: FamilyAlbum
    info = soap.service.GetLoginInfo("", ADMIN["email"], PASSWORD)
    assert b"AuthenticationData" not in etree.tostring(soap.history.last_sent["envelope"])
    assert (info.UserId, info.AppCode, info.ProjId, info.DeptId) == (25315, "agSPEnt", FAMILY_ALBUM, DEPT)
    assert projects_of(info) == ALL_PROJECTS


def test_get_login_info_project_is_the_last_one_worked_in(soap):
    """LoginInfo.ProjId is the project of the user's last authenticated call."""
    soap.service.Bugs_LoadByCriteria(auth(proj_id=SCREEN_SAVER), "", "", 1, 1)
    try:
        assert soap.service.GetLoginInfo("", ADMIN["email"], PASSWORD).ProjId == SCREEN_SAVER
    finally:
        soap.service.Bugs_LoadByCriteria(auth(proj_id=FAMILY_ALBUM), "", "", 1, 1)
    assert soap.service.GetLoginInfo("agSPEnt", ADMIN["email"], PASSWORD).ProjId == FAMILY_ALBUM


@pytest.mark.parametrize("app_code, email, password", [
    ("", ADMIN["email"], "wrong"),
    ("", "nobody@example.com", PASSWORD),
    ("notTheAppCode", ADMIN["email"], PASSWORD),
], ids=["wrong-password", "unknown-email", "wrong-appcode"])
def test_get_login_info_with_bad_credentials_faults(soap, app_code, email, password):
    """Bad credentials on GetLoginInfo fault with the documented authentication text."""
    assert fault(soap, soap.service.GetLoginInfo, app_code, email, password) == AUTH_FAILED


def test_get_login_info_by_entity_lists_projects_with_read_access(soap):
    """[DOC] GetLoginInfoByEntity lists only the projects where the user may read that entity:
    the defect tester sees every project for Bugs and none for Releases (Projects absent)."""
    bugs = soap.service.GetLoginInfoByEntity("", "tester@example.com", PASSWORD, "Bugs")
    assert bugs.UserId == TESTER
    assert projects_of(bugs) == ALL_PROJECTS
    releases = soap.service.GetLoginInfoByEntity("", "tester@example.com", PASSWORD, "Releases")
    assert releases.UserId == TESTER
    assert releases.Projects is None
    outsider = soap.service.GetLoginInfoByEntity("", "outsider@example.com", PASSWORD, "Releases")
    assert set(projects_of(outsider)) == {FAMILY_ALBUM, BILLING}


def test_get_login_info_by_entity_with_invalid_entity_code_faults(soap):
    """An EntityCode outside the documented list faults, naming it."""
    text = fault(soap, soap.service.GetLoginInfoByEntity, "", ADMIN["email"], PASSWORD, "Widgets")
    assert "Widgets" in text


def test_get_login_info_by_entity_with_bad_password_faults(soap):
    """GetLoginInfoByEntity checks the credentials like GetLoginInfo."""
    assert fault(soap, soap.service.GetLoginInfoByEntity, "", ADMIN["email"], "nope", "Bugs") == AUTH_FAILED


# -- AuthenticationData on item operations ---------------------------------------------------------

@pytest.mark.parametrize("bad", [
    dict(password="wrong"),
    dict(app_code="agXXX"),
    dict(app_code=None),
    dict(user_id=99999),
    dict(dept_id=9999),
], ids=["passcode", "appcode", "no-appcode", "userid", "deptid"])
def test_bad_authentication_data_faults(soap, bad):
    """[DOC] Any wrong AuthenticationData member gives 'Authentication data is not valid. Please retry ...'
    in detail/Description/@Text, from psWS.AuthenticationException."""
    text = fault(soap, soap.service.Bugs_LoadByCriteria, auth(**bad), "", "", 10, 1)
    assert text == AUTH_FAILED
    assert b"psWS.AuthenticationException" in etree.tostring(soap.last_response)


def test_empty_app_code_is_an_authentication_failure(soap):
    """AppCode must be sent on authenticated calls: an empty AppCode is bad AuthenticationData."""
    assert fault(soap, soap.service.Bugs_LoadByCriteria, auth(app_code=""), "", "", 10, 1) == AUTH_FAILED


def test_missing_authentication_data_faults(soap):
    """An item operation without AuthenticationData at all is refused as unauthenticated."""
    body = envelope(f'<Bugs_LoadByCriteria xmlns="{NS}"><Condition></Condition><PageSize>5</PageSize>'
                    f'<PageNumber>1</PageNumber></Bugs_LoadByCriteria>', soap.version)
    response = post_raw(soap.url, body, soap.version, "Bugs_LoadByCriteria")
    assert response.status_code == 500
    assert fault_text(response.content) == AUTH_FAILED


def test_good_authentication_data_in_raw_xml_is_accepted(soap):
    """Control for the raw-request tests: the same request with AuthenticationData succeeds."""
    body = envelope(f'<Bugs_LoadByCriteria xmlns="{NS}">{auth_xml()}<PageSize>5</PageSize>'
                    f'<PageNumber>1</PageNumber></Bugs_LoadByCriteria>', soap.version)
    response = post_raw(soap.url, body, soap.version, "Bugs_LoadByCriteria")
    assert response.status_code == 200 and b"<Bug>" in response.content


# -- Security rights --------------------------------------------------------------------------------

def test_read_only_user_can_read_bugs(soap):
    """A read-only user may Load and LoadByCriteria."""
    bug_id = add_bug(soap)
    assert soap.service.Bugs_Load(auth(user_id=READER), bug_id).BugId == bug_id
    assert bug_id in bug_ids(soap.service.Bugs_LoadByCriteria(auth(user_id=READER), "", "BugId DESC", 5, 1))


def test_read_only_user_cannot_add_update_or_delete_bugs(soap):
    """Add, Update and Delete each need their own right in the Defects area."""
    bug_id = add_bug(soap, title="Reader must not touch")
    reader = auth(user_id=READER)
    text = fault(soap, soap.service.Bugs_Add, reader, new_bug(soap), "N", "")
    assert "Add" in text and "Defects" in text
    text = fault(soap, soap.service.Bugs_Update, reader, new_bug(soap, "Changed", BugId=bug_id), "N")
    assert "Update" in text and "Defects" in text
    text = fault(soap, soap.service.Bugs_Delete, reader, bug_id)
    assert "Delete" in text and "Defects" in text
    assert soap.service.Bugs_Load(auth(), bug_id).Title == "Reader must not touch"


def test_defect_tester_works_on_bugs_only(soap):
    """Rights are per area: Defects rights do not reach Releases or Requirements (FunctionalSpecs)."""
    bug_id = add_bug(soap, user_id=TESTER)
    assert soap.service.Bugs_Load(auth(user_id=TESTER), bug_id).UpdateUserId == TESTER
    text = fault(soap, soap.service.Releases_LoadByCriteria, auth(user_id=TESTER), "", "", 10, 1)
    assert "Releases" in text and "Read" in text
    spec = soap.new("FunctionalSpec", Title="Tester spec")
    text = fault(soap, soap.service.FunctionalSpecs_Add, auth(user_id=TESTER), spec, "N", "")
    assert "Requirements" in text and "Add" in text


def test_get_statuses_returns_the_status_choice_list(soap):
    """[DOC] Bugs_GetStatuses returns the project's bug Status choice list."""
    assert list(soap.service.Bugs_GetStatuses(auth())) == ["Active", "Reopened", "Resolved", "Closed"]


def test_get_statuses_needs_manage_choice_lists(soap):
    """Bugs_GetStatuses needs the Manage Choice Lists right, which the defect tester lacks."""
    assert "Manage Choice Lists" in fault(soap, soap.service.Bugs_GetStatuses, auth(user_id=TESTER))


# -- Project scoping ---------------------------------------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda s, a: s.service.Bugs_LoadByCriteria(a, "", "", 10, 1),
    lambda s, a: s.service.Bugs_Add(a, new_bug(s), "N", ""),
    lambda s, a: s.service.Bugs_Load(a, 1),
    lambda s, a: s.service.Bugs_GetStatuses(a),
    lambda s, a: s.service.Releases_LoadByCriteria(a, "", "", 10, 1),
    lambda s, a: s.service.FunctionalSpecs_LoadByCriteria(a, "", "", 10, 1),
    lambda s, a: s.service.ProjectTasks_Add(a, s.new("ProjectTask", Title="t"), "N", ""),
], ids=["Bugs_LoadByCriteria", "Bugs_Add", "Bugs_Load", "Bugs_GetStatuses", "Releases_LoadByCriteria",
        "FunctionalSpecs_LoadByCriteria", "ProjectTasks_Add"])
def test_user_outside_the_project_is_denied(soap, call):
    """A user who is not a member of the project gets 'Access is denied' on any call in it."""
    text = fault(soap, call, soap, auth(user_id=OUTSIDER, proj_id=SCREEN_SAVER))
    assert "Access is denied" in text


def test_user_outside_a_project_still_works_in_their_own(soap):
    """Control: the outsider's own project answers."""
    bug_id = add_bug(soap, user_id=OUTSIDER)
    assert soap.service.Bugs_Load(auth(user_id=OUTSIDER), bug_id).BugId == bug_id


def test_item_of_another_project_is_not_found(soap):
    """An item outside the project named in AuthenticationData is 'not found', for Load, Update and
    Delete alike (and stays untouched)."""
    bug_id = add_bug(soap, proj_id=SCREEN_SAVER, title="Lives in ScreenSaver")
    assert "not found" in fault(soap, soap.service.Bugs_Load, auth(proj_id=FAMILY_ALBUM), bug_id)
    assert "not found" in fault(soap, soap.service.Bugs_Update, auth(proj_id=FAMILY_ALBUM),
                                new_bug(soap, "Moved?", BugId=bug_id), "N")
    assert "not found" in fault(soap, soap.service.Bugs_Delete, auth(proj_id=FAMILY_ALBUM), bug_id)
    assert soap.service.Bugs_Load(auth(proj_id=SCREEN_SAVER), bug_id).Title == "Lives in ScreenSaver"


def test_load_by_criteria_with_proj_ids_spans_projects(soap):
    """[DOC] AuthenticationData.ProjIds makes LoadByCriteria read several projects at once."""
    in_album = add_bug(soap, proj_id=FAMILY_ALBUM)
    in_saver = add_bug(soap, proj_id=SCREEN_SAVER)
    both = auth(proj_ids=[FAMILY_ALBUM, SCREEN_SAVER])
    found = bug_ids(soap.service.Bugs_LoadByCriteria(both, "", "BugId DESC", 200, 1))
    assert {in_album, in_saver} <= found
    only_album = bug_ids(soap.service.Bugs_LoadByCriteria(auth(), "", "BugId DESC", 200, 1))
    assert in_album in only_album and in_saver not in only_album


def test_load_with_proj_ids_finds_an_item_in_either_project(soap):
    """[DOC] Load with ProjIds finds the item in any of the projects named."""
    both = auth(proj_ids=[FAMILY_ALBUM, SCREEN_SAVER])
    for proj_id in (FAMILY_ALBUM, SCREEN_SAVER):
        bug_id = add_bug(soap, proj_id=proj_id)
        assert soap.service.Bugs_Load(both, bug_id).BugId == bug_id


def test_proj_ids_including_a_forbidden_project_is_denied(soap):
    """Every project in ProjIds is checked: one the user cannot access denies the call."""
    outsider = auth(user_id=OUTSIDER, proj_ids=[FAMILY_ALBUM, SCREEN_SAVER])
    assert "Access is denied" in fault(soap, soap.service.Bugs_LoadByCriteria, outsider, "", "", 10, 1)


# -- Validation of item values -----------------------------------------------------------------------

def test_invalid_choice_value_faults_listing_the_choices(soap):
    """A value outside the project's choice list is refused; the fault lists the valid values."""
    text = fault(soap, add_bug, soap, StatusCode="Bogus")
    assert "Bogus" in text and "StatusCode" in text
    for choice in ("Active", "Reopened", "Resolved", "Closed"):
        assert choice in text


@pytest.mark.parametrize("missing", ["Title", "StatusCode"])
def test_missing_required_field_faults_naming_it(soap, missing):
    """The project's required fields (Title and StatusCode for bugs) must be given."""
    values = {"Title": "Required test", "StatusCode": "Active"}
    values.pop(missing)
    item = soap.new("Bug", **values)
    assert f"Bug.{missing}" in fault(soap, soap.service.Bugs_Add, auth(), item, "N", "")


def test_required_field_is_checked_on_update_too(soap):
    """Required fields hold on Update as well: leaving Title out of the record is refused."""
    bug_id = add_bug(soap)
    untitled = soap.new("Bug", BugId=bug_id, StatusCode="Active")
    text = fault(soap, soap.service.Bugs_Update, auth(), untitled, "N")
    assert "Bug.Title" in text


def test_title_longer_than_255_faults(soap):
    """Bug.Title holds at most 255 characters."""
    bug_id = add_bug(soap, title="x" * 255)
    assert soap.service.Bugs_Load(auth(), bug_id).Title == "x" * 255
    text = fault(soap, add_bug, soap, title="x" * 256)
    assert "Bug.Title" in text and "255" in text


@pytest.mark.parametrize("user_id", [ALEX, 999999], ids=["other-project-user", "unknown-user"])
def test_assignee_must_be_a_project_member(soap, user_id):
    """AssigneeUserId must name a user of the project."""
    text = fault(soap, add_bug, soap, AssigneeUserId=user_id)
    assert "AssigneeUserId" in text and str(user_id) in text


def test_assignee_outside_screen_saver_faults(soap):
    """Membership is per project: the outsider can be assigned in FamilyAlbum but not in ScreenSaver."""
    bug_id = add_bug(soap, AssigneeUserId=OUTSIDER)
    assert soap.service.Bugs_Load(auth(), bug_id).AssignedToName == "Outsider, Nora"
    text = fault(soap, add_bug, soap, proj_id=SCREEN_SAVER, AssigneeUserId=OUTSIDER)
    assert "AssigneeUserId" in text
