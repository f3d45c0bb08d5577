"""E-mail as a test double: SendEmail, alerts and registration e-mails land in the outbox
(GET/DELETE /__admin/emails), never on a mail server; over SOAP 1.1 and 1.2."""
from __future__ import annotations

import pytest
import requests

from mockserver.control.client import AdminClient, AdminApiError

from .helpers import NS, auth, auth_xml, envelope, fault, post_raw
from .testlib import tag


@pytest.fixture
def admin(live):
    return AdminClient(live.url)


def test_send_email_lands_in_the_outbox_with_every_documented_address_form(soap, admin):
    """[DOC] From, To, CC, Subject, EmailBody; addresses as john@example.com, John Doe
    <john@example.com>, "McLaren, Susan" <susan@example.com> and comma-separated lists."""
    subject = f"Nightly report {tag()}"
    to = 'John Doe <john@example.com>, "McLaren, Susan" <susan@example.com>'
    assert soap.service.SendEmail(auth(), "ada@example.com", to, "qa@example.com", subject, "<b>All green</b>") is None
    (email,) = admin.emails(subject=subject)
    assert (email["FromAddress"], email["ToAddress"], email["CC"], email["Body"], email["Operation"], email["UserId"]) == (
        "ada@example.com", to, "qa@example.com", "<b>All green</b>", "SendEmail", 25315)
    assert admin.emails(to="SUSAN@example.com", subject=subject) == [email]


def test_send_email_takes_cdata_as_the_vendor_shows(soap, admin):
    """[DOC] in raw XML encode < and & or use CDATA: <To><![CDATA[John Doe <john@example.com>]]></To>."""
    subject = f"CDATA {tag()}"
    body = envelope(f'<SendEmail xmlns="{NS}">{auth_xml()}<From>ada@example.com</From>'
                    f"<To><![CDATA[John Doe <john@example.com>]]></To><Subject>{subject}</Subject>"
                    f"<EmailBody><![CDATA[<p>Hi & bye</p>]]></EmailBody></SendEmail>", soap.version)
    response = post_raw(soap.url, body, soap.version, "SendEmail")
    assert response.status_code == 200, response.text
    (email,) = admin.emails(subject=subject)
    assert (email["ToAddress"], email["Body"], email["CC"]) == ("John Doe <john@example.com>", "<p>Hi & bye</p>", "")


@pytest.mark.parametrize("args, message", [
    (("", "x@example.com", "", "s", "b"), "From is required by SendEmail and cannot be empty."),
    (("a@example.com", " ", "", "s", "b"), "To is required by SendEmail"),
    (("a@example.com", "x@example.com", "", "", "b"), "Subject is required by SendEmail"),
    (("a@example.com", "x@example.com", "", "s", ""), "EmailBody is required by SendEmail"),
    (("a@example.com", "John Doe", "", "s", "b"), "To 'John Doe' holds an address that is not an e-mail address"),
    (("a@example.com", "x@example.com", "cc@", "s", "b"), "CC 'cc@'"),
])
def test_send_email_names_the_part_at_fault(soap, admin, args, message):
    before = len(admin.emails(operation="SendEmail"))
    assert message in fault(soap, soap.service.SendEmail, auth(), *args)
    assert len(admin.emails(operation="SendEmail")) == before


def test_alerts_follow_send_email_alert_and_deletes_always_alert(soap, admin):
    """[DOC] Add and Update alert when SendEmailAlert is Y (any other value: no alert); Delete
    operations always send alerts. [INFERRED] to the caller, from the no-reply address."""
    service = soap.service
    quiet = service.Bugs_Add(auth(), soap.new("Bug", Title=f"Quiet {tag()}", StatusCode="Active"), "N", "")
    loud = service.Bugs_Add(auth(), soap.new("Bug", Title=f"Loud {tag()}", StatusCode="Active"), "Y", "")
    assert not [e for e in admin.emails(operation="Add") if e["ItemId"] == quiet]
    (added,) = [e for e in admin.emails(operation="Add") if e["ItemId"] == loud]
    assert (added["ToAddress"], added["Subject"], added["EntityCode"]) == ("admin@example.com", f"Bugs {loud} added", "Bugs")
    assert added["FromAddress"].endswith("<no-reply@qacmock.invalid>")
    service.Bugs_Delete(auth(), quiet)
    assert [e["Subject"] for e in admin.emails(operation="Delete") if e["ItemId"] == quiet] == [f"Bugs {quiet} deleted"]


def test_user_add_emails_a_password_reset_link(soap, admin):
    """[DOC] "QAComplete then sends this user a registration email with a password reset link"."""
    email = f"new.{tag()}@example.com"
    user_id = soap.service.User_Add(auth(), soap.new("User", FirstName="Rae", LastName="Reg", Email=email))
    (sent,) = admin.assert_emailed(to=email, operation="Register", times=1)
    assert f"user={user_id}" in sent["Body"]


def test_the_outbox_filters_and_empties(live, admin, soap):
    subject = f"Filter {tag()}"
    for n in range(3):
        soap.service.SendEmail(auth(), "a@example.com", f"r{n}@example.com", "", f"{subject} {n}", "b")
    assert [e["ToAddress"] for e in admin.emails(subject=subject, limit=2)] == ["r0@example.com", "r1@example.com"]
    with pytest.raises(AssertionError, match="expected exactly 2 e-mail"):
        admin.assert_emailed(subject=subject, times=2)
    response = requests.get(live.base + "/__admin/emails?recipient=x", timeout=10)
    assert response.status_code == 400 and "unknown filter(s) recipient" in response.json()["error"]
    with pytest.raises(AdminApiError):
        admin.emails(limit=0)
    admin.clear_emails()
    assert admin.emails() == []
