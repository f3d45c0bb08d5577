"""Users (User_Add, User_GetIdByEmail, User_GetEmailById, User_GetByProject) and
ServerProperties_GetServerProperties over SOAP 1.1 and 1.2."""
from __future__ import annotations

import datetime

from .helpers import NS, auth, fault
from .testlib import tag


def new_user(soap, **values):
    return soap.new("User", **{"FirstName": "Nina", "LastName": "New", "Email": f"nina.{tag()}@example.com",
                               **values})


def test_a_new_user_joins_the_project_and_logs_in_with_its_password(soap):
    """[DOC] User_Add registers the user with access to AuthenticationData.ProjId and returns its id;
    a Password makes a service account that can log in at once; no SecurityGroup means the
    alphabetically first one ("Administrators" in the default data)."""
    service = soap.service
    user = new_user(soap, Password="s3cret!", TimeZone="Mountain Standard Time")
    user_id = service.User_Add(auth(proj_id=10369), user)
    assert service.User_GetIdByEmail(auth(), user.Email.upper()) == user_id
    assert service.User_GetEmailById(auth(), user_id) == user.Email
    info = service.GetLoginInfo("", user.Email, "s3cret!")
    assert info.UserId == user_id and [p.ProjId for p in info.Projects.Project] == [10369]
    (mine,) = [u for u in service.User_GetByProject(auth(proj_id=10369)) if u.UserId == user_id]
    assert (mine.FirstName, mine.LastName, mine.SecurityGroup, mine.TimeZone, mine.Password) == (
        "Nina", "New", "Administrators", "Mountain Standard Time", None)
    assert user_id not in [u.UserId for u in service.User_GetByProject(auth(proj_id=10372))]


def test_a_user_without_a_password_cannot_log_in_until_one_is_set(soap):
    """[DOC] QAComplete e-mails a password-reset link; [INFERRED] until then no password works."""
    user = new_user(soap, SecurityGroup="read only")
    user_id = soap.service.User_Add(auth(), user)
    assert "Authentication data is not valid" in fault(soap, soap.service.GetLoginInfo, "", user.Email, "")
    (mine,) = [u for u in soap.service.User_GetByProject(auth()) if u.UserId == user_id]
    assert mine.SecurityGroup == "Read Only"


def test_unknown_ids_and_emails_are_zero_and_empty(soap):
    """[DOC] User_GetIdByEmail returns 0 and User_GetEmailById "" when there is no such user."""
    assert soap.service.User_GetIdByEmail(auth(), "nobody@example.com") == 0
    assert soap.service.User_GetEmailById(auth(), 999999) in ("", None)
    raw = soap.last_response.find(f".//{{{NS}}}User_GetEmailByIdResult")
    assert raw is None or (raw.text or "") == ""


def test_the_seeded_users_of_a_project(soap):
    """User_GetByProject: every member of the project, with the first of their security groups."""
    users = {u.Email: u for u in soap.service.User_GetByProject(auth(proj_id=10401))}
    assert {"admin@example.com", "maria.lopez@example.com", "kenji.sato@example.com"} <= set(users)
    assert "alex.fry@example.com" not in users
    assert users["kenji.sato@example.com"].SecurityGroup == "WebService Users"


def test_user_add_names_what_is_wrong(soap):
    """FirstName, LastName and Email are required [DOC]; [INFERRED] an e-mail is registered once
    and a SecurityGroup must exist."""
    for missing in ("FirstName", "LastName", "Email"):
        text = fault(soap, soap.service.User_Add, auth(), new_user(soap, **{missing: None}))
        assert f"User.{missing} is required by User_Add." in text
    assert "User.Email 'Admin@Example.com' is already registered (UserId 25315)." in fault(
        soap, soap.service.User_Add, auth(), new_user(soap, Email="Admin@Example.com"))
    assert "User.SecurityGroup 'Wizards' is not a security group" in fault(
        soap, soap.service.User_Add, auth(), new_user(soap, SecurityGroup="Wizards"))
    assert "User.FirstName is 26 characters long; the maximum is 25." in fault(
        soap, soap.service.User_Add, auth(), new_user(soap, FirstName="x" * 26))


def test_server_properties_tell_the_servers_clock_and_offset(soap):
    """[DOC] ServerLocalTime, ServerUTCTime and ServerOffsetInSecs; [INFERRED] the offset is UTC minus
    local time, and the local time is the clock the server dates items with."""
    before = datetime.datetime.now() - datetime.timedelta(seconds=5)
    props = soap.service.ServerProperties_GetServerProperties(auth())
    assert before <= props.ServerLocalTime <= datetime.datetime.now() + datetime.timedelta(seconds=5)
    assert props.ServerUTCTime - props.ServerLocalTime == datetime.timedelta(seconds=props.ServerOffsetInSecs)
    expected = -int(datetime.datetime.now().astimezone().utcoffset().total_seconds())
    assert props.ServerOffsetInSecs == expected


def test_a_server_behind_utc_has_a_positive_offset(tmp_path):
    """[INFERRED] the vendor's example (21600 s for a server on Mountain daylight time) fixes the
    sign: UTC minus local. A mock started with TZ=America/Denver says 21600 or 25200."""
    import os

    from .helpers import Soap, start_serve, stop_serve
    proc, url, _ = start_serve(tmp_path, "--db", ":memory:", env={**os.environ, "TZ": "America/Denver"})
    try:
        props = Soap(url, "1.1").service.ServerProperties_GetServerProperties(auth())
        assert props.ServerOffsetInSecs in (21600, 25200)
        assert props.ServerUTCTime - props.ServerLocalTime == datetime.timedelta(seconds=props.ServerOffsetInSecs)
    finally:
        stop_serve(proc)
