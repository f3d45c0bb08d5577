"""What sync jobs touch, over SOAP 1.1 and 1.2: notes, attachments, traceability links, the audit
history, folders and contacts; the vendor's request samples as written; cascades and rights."""
from __future__ import annotations

import pytest
import requests
from lxml import etree

from .helpers import NS, auth, auth_xml, envelope, fault, fault_text, post_raw
from .testlib import equal, tag

WSDL = "http://schemas.xmlsoap.org/wsdl/"
XS = "http://www.w3.org/2001/XMLSchema"
TESTER = 25317          # Defects rights only
READER = 25316
EVERY_BYTE = bytes(range(256)) * 3

DOCUMENTED = {
    "Folders_Add": ["AuthenticationData", "Folder"],
    "Folders_Load": ["AuthenticationData", "FolderId"],
    "Folders_Update": ["AuthenticationData", "Folder"],
    "Folders_Delete": ["AuthenticationData", "FolderId"],
    "Notes_Add": ["AuthenticationData", "Notes"],
    "Notes_Get": ["AuthenticationData", "EntityCode", "NoteId"],
    "Notes_GetList": ["AuthenticationData", "EntityCode", "FKId"],
    "Notes_Update": ["AuthenticationData", "Note"],
    "Notes_Delete": ["AuthenticationData", "EntityCode", "NoteId"],
    "Attachments_Add": ["AuthenticationData", "Attachment", "File", "SaveOriginal"],
    "Attachments_GetAttachment": ["AuthenticationData", "AttachmentId"],
    "Attachments_GetAttachmentsList": ["AuthenticationData", "EntityCode", "FKId"],
    "Attachments_Delete": ["AuthenticationData", "AttachmentId"],
    "TraceabilityLinks_Add": ["AuthenticationData", "TraceabilityLink"],
    "TraceabilityLinks_Load": ["AuthenticationData", "EntityCode", "FKId"],
    "TraceabilityLinks_Delete": ["AuthenticationData", "TraceabilityLinkId"],
    "Contacts_Add": ["AuthenticationData", "Contact", "SendEmailAlert", "NewNotes"],
    "Contacts_Load": ["AuthenticationData", "ContactId"],
    "Contacts_Update": ["AuthenticationData", "Contact", "SendEmailAlert"],
    "Contacts_Delete": ["AuthenticationData", "ContactId"],
    "Audits_Add": ["AuthenticationData", "Audit"],
    "Audits_LoadElevated": ["AuthenticationData", "EntityCode", "Where", "OrderBy"],
}
for _prefix in ("Folders", "TraceabilityLinks", "Contacts"):
    DOCUMENTED[f"{_prefix}_LoadByCriteria"] = ["AuthenticationData", "Condition", "Sorting", "PageSize", "PageNumber"]


def test_wsdl_serves_the_25_operations_with_the_documented_parameters(live):
    wsdl = etree.fromstring(requests.get(live.url + "?WSDL", timeout=10).content)
    schema = wsdl.find(f"{{{WSDL}}}types/{{{XS}}}schema")
    served = {e.get("name"): [c.get("name") for c in e.iter(f"{{{XS}}}element") if c is not e]
              for e in schema.findall(f"{{{XS}}}element") if e.get("name") in DOCUMENTED}
    assert len(DOCUMENTED) == 25 and served == DOCUMENTED
    results = {e.get("name"): [c.get("type") for c in e.iter(f"{{{XS}}}element") if c is not e]
               for e in schema.findall(f"{{{XS}}}element") if e.get("name", "").endswith("Response")}
    assert results["Notes_UpdateResponse"] == ["tns:Notes"]
    assert results["Attachments_GetAttachmentResponse"] == ["s:base64Binary"]
    assert results["Audits_AddResponse"] == [] and results["Notes_DeleteResponse"] == []


# -- the vendor's samples, as written ---------------------------------------------------------

def add_bug(soap, title=None, **values) -> int:
    return soap.service.Bugs_Add(auth(), soap.new("Bug", Title=title or f"Sync {tag()}", StatusCode="Active",
                                                  **values), "N", "")


def add_spec(soap, title=None) -> int:
    return soap.service.FunctionalSpecs_Add(auth(), soap.new("FunctionalSpec", Title=title or f"Spec {tag()}"), "N", "")


def raw(soap, operation: str, inner: str):
    body = envelope(f'<{operation} xmlns="{NS}">{auth_xml()}{inner}</{operation}>', soap.version)
    return post_raw(soap.url, body, soap.version, operation)


def test_the_notes_add_sample_is_accepted(soap):
    """[DOC-SAMPLE] Notes_Add with only FKId, EntityCode and Description: the new note's id."""
    bug_id = add_bug(soap)
    response = raw(soap, "Notes_Add", f"<Notes><FKId>{bug_id}</FKId><EntityCode>Bugs</EntityCode>"
                                      f"<Description>A note.</Description></Notes>")
    assert response.status_code == 200, response.text
    result = etree.fromstring(response.content).find(f".//{{{NS}}}Notes_AddResult")
    (note,) = soap.service.Notes_GetList(auth(), "Bugs", bug_id)
    assert result.text == str(note.NotesId) and note.Description == "A note." and note.UserName == "Admin, Ada"


def test_the_link_samples_add_and_delete_a_link_both_ways(soap):
    """[DOC-SAMPLE] TraceabilityLinks_Add and _Delete with the same body (the Delete sample sends
    the link object inside <TraceabilityLinkId>); [DOC] Add creates two records with one LinkId."""
    bug_id = add_bug(soap)
    build = soap.service.Releases_Add(auth(), soap.new("Release", Title=f"Build {tag()}"), "N", "")
    link = (f"<EntityCode>Bugs</EntityCode><FKId>{bug_id}</FKId><LinkedEntityCode>Releases</LinkedEntityCode>"
            f"<LinkedFKId>{build}</LinkedFKId><LinkType>Found in build</LinkType>")
    added = raw(soap, "TraceabilityLinks_Add", f"<TraceabilityLink>{link}</TraceabilityLink>")
    assert added.status_code == 200, added.text
    link_id = int(etree.fromstring(added.content).find(f".//{{{NS}}}TraceabilityLinks_AddResult").text)
    (forward,) = soap.service.TraceabilityLinks_Load(auth(), "Bugs", bug_id)
    (backward,) = soap.service.TraceabilityLinks_Load(auth(), "Releases", build)
    assert forward.LinkId == backward.LinkId == link_id
    assert (forward.LinkedEntityCode, forward.LinkedFKId, backward.LinkedEntityCode, backward.LinkedFKId) == (
        "Releases", build, "Bugs", bug_id)
    deleted = raw(soap, "TraceabilityLinks_Delete", f"<TraceabilityLinkId>{link}</TraceabilityLinkId>")
    assert deleted.status_code == 200, deleted.text
    assert not soap.service.TraceabilityLinks_Load(auth(), "Bugs", bug_id)
    assert not soap.service.TraceabilityLinks_Load(auth(), "Releases", build)


def test_a_link_is_deleted_by_its_id_too(soap):
    """[DOC] the parameter is "The ID of the TraceabilityLink": a bare id is accepted as well."""
    bug_id, spec_id = add_bug(soap), add_spec(soap)
    link_id = soap.service.TraceabilityLinks_Add(auth(), soap.new(
        "TraceabilityLink", EntityCode="Bugs", FKId=bug_id, LinkedEntityCode="FunctionalSpecs", LinkedFKId=spec_id))
    response = raw(soap, "TraceabilityLinks_Delete", f"<TraceabilityLinkId>{link_id}</TraceabilityLinkId>")
    assert response.status_code == 200, response.text
    assert not soap.service.TraceabilityLinks_Load(auth(), "FunctionalSpecs", spec_id)
    missing = raw(soap, "TraceabilityLinks_Delete", f"<TraceabilityLinkId>{link_id}</TraceabilityLinkId>")
    assert missing.status_code == 500 and f"LinkId {link_id}" in fault_text(missing.content)


# -- a sync job, end to end ---------------------------------------------------------------------

def test_sync_job_scenario(soap):
    """Create a defect with a note, add a comment and a file, link it to a requirement, read it all
    back with the history, change it, delete it: its notes, files and links go with it, its history
    stays with the deletion."""
    service, a = soap.service, auth()
    title = f"Sync <job> & {tag()}"
    bug_id = service.Bugs_Add(a, soap.new("Bug", Title=title, StatusCode="Active"), "N", "Opened from JIRA")
    note_id = service.Notes_Add(a, soap.new("Notes", EntityCode="Bugs", FKId=bug_id, Description="Comment <b>2</b>",
                                            OriginalId=42001))
    file_id = service.Attachments_Add(a, soap.new("Attachment", EntityCode="Bugs", FKId=bug_id, FileName="dump.bin",
                                                  Title="Dump"), EVERY_BYTE, False)
    spec_title = f"Requirement {tag()}"
    spec_id = add_spec(soap, spec_title)
    link_id = service.TraceabilityLinks_Add(a, soap.new("TraceabilityLink", EntityCode="Bugs", FKId=bug_id,
                                                        LinkedEntityCode="FunctionalSpecs", LinkedFKId=spec_id,
                                                        LinkType="Related To"))

    notes = service.Notes_GetList(a, "Bugs", bug_id)
    assert [(n.Seq, n.Description, n.UserName) for n in notes] == [
        (1, "Opened from JIRA", "Admin, Ada"), (2, "Comment <b>2</b>", "Admin, Ada")]
    assert notes[1].NotesId == note_id and notes[1].OriginalId == 42001
    (listed,) = service.Attachments_GetAttachmentsList(a, "Bugs", bug_id)
    assert (listed.AttachmentId, listed.FileName, listed.Seq, listed.AttachmentTypeCode, listed.UserName) == (
        file_id, "dump.bin", 1, "File", "Admin, Ada")
    assert service.Attachments_GetAttachment(a, file_id) == EVERY_BYTE
    (link,) = service.TraceabilityLinks_Load(a, "Bugs", bug_id)
    assert (link.LinkId, link.Title, link.LinkType) == (link_id, spec_title, "Related To")
    (back,) = service.TraceabilityLinks_Load(a, "FunctionalSpecs", spec_id)
    assert (back.Title, back.Status) == (title, "Active")

    bug = service.Bugs_Load(a, bug_id)
    bug.StatusCode = "Resolved"
    service.Bugs_Update(a, bug, "N")
    assert service.TraceabilityLinks_Load(a, "FunctionalSpecs", spec_id)[0].Status == "Resolved"
    history = service.Audits_LoadElevated(a, "Bugs", f"FKId = {bug_id}", "DateCreated, AuditId")
    assert [(h.Title, h.OldValue, h.NewValue) for h in history] == [
        ("Added", "N/A", title), ("Added Note", "N/A", "Opened from JIRA"),
        ("Added Note", "N/A", "Comment <b>2</b>"), ("Added File Attachment", "N/A", "dump.bin"),
        ("Updated Status", "Active", "Resolved")]
    assert {h.UserName for h in history} == {"Admin, Ada"} and {h.Description for h in history} == {None}

    service.Bugs_Delete(a, bug_id)
    assert not service.TraceabilityLinks_Load(a, "FunctionalSpecs", spec_id)
    assert "Bug" in fault(soap, service.Notes_GetList, a, "Bugs", bug_id)
    assert "Attachment" in fault(soap, service.Attachments_GetAttachment, a, file_id)
    after = service.Audits_LoadElevated(a, "Defects", f"FKId = {bug_id} AND Title = 'Deleted'", "")
    assert [(h.Title, h.OldValue) for h in after] == [("Deleted", title)]


# -- notes -----------------------------------------------------------------------------------------

def test_notes_get_update_and_delete_name_the_items_type(soap):
    """[DOC] Notes_Get / Notes_Delete take EntityCode and NoteId; Notes_Update takes <Note> and
    returns the updated note; [INFERRED] "Defects" is "Bugs", another type finds nothing."""
    service, a = soap.service, auth()
    bug_id = add_bug(soap)
    note_id = service.Notes_Add(a, soap.new("Notes", EntityCode="Defects", FKId=bug_id, Description="first"))
    note = service.Notes_Get(a, "Bugs", note_id)
    assert (note.EntityCode, note.FKId, note.Seq) == ("Bugs", bug_id, 1)
    assert "Notes" in fault(soap, service.Notes_Get, a, "FunctionalSpecs", note_id)
    note.Description = "edited"
    updated = service.Notes_Update(a, note)
    assert (updated.NotesId, updated.Description) == (note_id, "edited")
    assert updated.DateUpdated >= note.DateUpdated
    service.Notes_Delete(a, "Bugs", note_id)
    assert service.Notes_GetList(a, "Bugs", bug_id) is None or not service.Notes_GetList(a, "Bugs", bug_id)


@pytest.mark.parametrize("values, message", [
    ({"EntityCode": "Widgets", "FKId": 1, "Description": "x"}, "Notes.EntityCode 'Widgets' is not valid"),
    ({"EntityCode": "Bugs", "FKId": 999999, "Description": "x"}, "Bug 999999 was not found"),
    ({"EntityCode": "Bugs", "FKId": "bug"}, "Notes.Description is required"),
])
def test_a_note_needs_an_item_and_a_text(soap, values, message):
    """[DOC] Notes_Add needs EntityCode, FKId and Description; the item must exist."""
    values = {k: add_bug(soap) if v == "bug" else v for k, v in values.items()}
    assert message in fault(soap, soap.service.Notes_Add, auth(), soap.new("Notes", **values))


def test_note_rights_follow_the_items_area(soap):
    """[INFERRED] notes are read with Read and written with Update on their item's area: the tester
    (Defects only) comments on a defect but not on a requirement; the reader only reads."""
    bug_id, spec_id = add_bug(soap), add_spec(soap)
    soap.service.Notes_Add(auth(user_id=TESTER), soap.new("Notes", EntityCode="Bugs", FKId=bug_id, Description="ok"))
    assert "lacks the Update right for Requirements" in fault(
        soap, soap.service.Notes_Add, auth(user_id=TESTER),
        soap.new("Notes", EntityCode="FunctionalSpecs", FKId=spec_id, Description="no"))
    assert "lacks the Read right for Requirements" in fault(
        soap, soap.service.Notes_GetList, auth(user_id=TESTER), "FunctionalSpecs", spec_id)
    assert "lacks the Update right for Defects" in fault(
        soap, soap.service.Notes_Add, auth(user_id=READER), soap.new("Notes", EntityCode="Bugs", FKId=bug_id,
                                                                     Description="no"))
    assert len(soap.service.Notes_GetList(auth(user_id=READER), "Bugs", bug_id)) == 1


# -- attachments -------------------------------------------------------------------------------

def test_files_urls_and_unc_paths(soap):
    """[DOC] a file (base64 bytes back exactly), a URL or a UNC path; [INFERRED] a link keeps no
    content, and SaveOriginal = true replaces the content of the attachment of that name."""
    service, a = soap.service, auth()
    bug_id = add_bug(soap)
    url = service.Attachments_Add(a, soap.new("Attachment", EntityCode="Bugs", FKId=bug_id,
                                              FileName="http://example.com/x.log"), b"", False)
    unc = service.Attachments_Add(a, soap.new("Attachment", EntityCode="Bugs", FKId=bug_id,
                                              FileName="\\\\server\\shared\\shots.zip"), b"", False)
    first = service.Attachments_Add(a, soap.new("Attachment", EntityCode="Bugs", FKId=bug_id, FileName="a.txt",
                                                Title="A <txt>"), b"one", False)
    again = service.Attachments_Add(a, soap.new("Attachment", EntityCode="Bugs", FKId=bug_id, FileName="a.txt"),
                                    b"two", True)
    assert again == first and service.Attachments_GetAttachment(a, first) == b"two"
    listed = {x.AttachmentId: x for x in service.Attachments_GetAttachmentsList(a, "Bugs", bug_id)}
    assert sorted(listed) == [url, unc, first]
    assert (listed[url].FileNameZipped, listed[unc].FileNameZipped, listed[first].FileNameZipped) == (
        "http://example.com/x.log", "\\\\server\\shared\\shots.zip", "a.txt.zip")
    assert [listed[i].Seq for i in (url, unc, first)] == [1, 2, 3]
    assert "is a link to http://example.com/x.log" in fault(soap, service.Attachments_GetAttachment, a, url)
    service.Attachments_Delete(a, first)
    assert sorted(x.AttachmentId for x in service.Attachments_GetAttachmentsList(a, "Bugs", bug_id)) == [url, unc]


def test_a_file_that_is_not_base64_is_refused(soap):
    bug_id = add_bug(soap)
    response = raw(soap, "Attachments_Add",
                   f"<Attachment><FKId>{bug_id}</FKId><EntityCode>Bugs</EntityCode><FileName>x</FileName></Attachment>"
                   "<File>not base64!</File><SaveOriginal>false</SaveOriginal>")
    assert response.status_code == 500 and "File is not valid base64" in fault_text(response.content)


def test_attachment_rights_are_the_items_read_add_and_delete(soap):
    """[DOC] Attachments: Read / Add / Delete on the owning item type."""
    bug_id = add_bug(soap)
    item = soap.new("Attachment", EntityCode="Bugs", FKId=bug_id, FileName="r.txt")
    assert "lacks the Add right for Defects" in fault(soap, soap.service.Attachments_Add, auth(user_id=READER),
                                                       item, b"x", False)
    file_id = soap.service.Attachments_Add(auth(user_id=TESTER), item, b"x", False)
    assert soap.service.Attachments_GetAttachment(auth(user_id=READER), file_id) == b"x"
    assert "lacks the Delete right for Defects" in fault(soap, soap.service.Attachments_Delete,
                                                          auth(user_id=READER), file_id)


def test_files_survive_snapshots_and_restores(live, soap):
    """Files live outside the copied database: a restored snapshot still serves the bytes its
    attachments name."""
    from mockserver.control.client import AdminClient
    admin = AdminClient(live.url)
    bug_id = add_bug(soap)
    file_id = soap.service.Attachments_Add(auth(), soap.new("Attachment", EntityCode="Bugs", FKId=bug_id,
                                                            FileName="keep.bin"), EVERY_BYTE, False)
    name = f"files-{tag()}"
    admin.snapshot(name)
    soap.service.Attachments_Delete(auth(), file_id)
    assert "Attachment" in fault(soap, soap.service.Attachments_GetAttachment, auth(), file_id)
    admin.restore(name)
    assert soap.service.Attachments_GetAttachment(auth(), file_id) == EVERY_BYTE


def test_the_attachment_size_limit_is_a_clear_fault(tmp_path):
    """qacmock serve --max-attachment: a larger file is refused, naming the limit and the option."""
    from .helpers import Soap, start_serve, stop_serve
    proc, url, _ = start_serve(tmp_path, "--db", ":memory:", "--max-attachment", "1000")
    try:
        soap = Soap(url, "1.1")
        bug_id = add_bug(soap)
        item = soap.new("Attachment", EntityCode="Bugs", FKId=bug_id, FileName="big.bin")
        assert soap.service.Attachments_Add(auth(), item, b"x" * 1000, False) > 0
        text = fault(soap, soap.service.Attachments_Add, auth(), item, b"x" * 1001, False)
        assert "File is 1001 bytes; attachments are limited to 1000 bytes (qacmock serve --max-attachment)" in text
    finally:
        stop_serve(proc)


# -- links -------------------------------------------------------------------------------------------

def test_links_mirror_the_linked_item_and_check_their_type(soap):
    """[DOC] Status and Title are the linked item's; LinkType comes from its choice list;
    [INFERRED] an item is not linked to itself nor twice the same way."""
    service, a = soap.service, auth()
    bug_id, spec_id = add_bug(soap), add_spec(soap)
    link = soap.new("TraceabilityLink", EntityCode="FunctionalSpecs", FKId=spec_id, LinkedEntityCode="Bugs",
                    LinkedFKId=bug_id, LinkType="Tested By")
    service.TraceabilityLinks_Add(a, link)
    assert "already linked" in fault(soap, service.TraceabilityLinks_Add, a, link)
    bug = service.Bugs_Load(a, bug_id)
    bug.Title = "Renamed <now>"
    service.Bugs_Update(a, bug, "N")
    assert service.TraceabilityLinks_Load(a, "FunctionalSpecs", spec_id)[0].Title == "Renamed <now>"
    bad = soap.new("TraceabilityLink", EntityCode="Bugs", FKId=bug_id, LinkedEntityCode="FunctionalSpecs",
                   LinkedFKId=spec_id, LinkType="Blocks")
    assert "TraceabilityLink.LinkType 'Blocks' is not in the LinkType choice list" in fault(
        soap, service.TraceabilityLinks_Add, a, bad)
    self_link = soap.new("TraceabilityLink", EntityCode="Bugs", FKId=bug_id, LinkedEntityCode="Bugs",
                         LinkedFKId=bug_id)
    assert "cannot be linked to itself" in fault(soap, service.TraceabilityLinks_Add, a, self_link)
    found = service.TraceabilityLinks_LoadByCriteria(a, equal("LinkedFKId", bug_id), "", 200, 1)
    assert [(f.EntityCode, f.FKId) for f in found] == [("FunctionalSpecs", spec_id)]


def test_deleting_either_end_deletes_the_link_both_ways(soap):
    """[INFERRED] the general child rule: a link goes with either of its items."""
    bug_id, spec_id = add_bug(soap), add_spec(soap)
    soap.service.TraceabilityLinks_Add(auth(), soap.new("TraceabilityLink", EntityCode="Bugs", FKId=bug_id,
                                                        LinkedEntityCode="FunctionalSpecs", LinkedFKId=spec_id))
    soap.service.FunctionalSpecs_Delete(auth(), spec_id)
    assert not soap.service.TraceabilityLinks_Load(auth(), "Bugs", bug_id)


# Every type notes, files and links can hang off, with what its Add needs.
OWNERS = [
    ("Bugs", "Bug", "BugId", {"StatusCode": "Active"}),
    ("Releases", "Release", "Id", {}),
    ("FunctionalSpecs", "FunctionalSpec", "FunctSpecId", {}),
    ("ProjectTasks", "ProjectTask", "TaskId", {}),
    ("Contacts", "Contact", "ContactId", {"ContactPerson": "P"}),
    ("Tests", "Test", "TestId", {}),
    ("TestSets", "TestSet", "TestSetId", {}),
    ("TestConfigurations", "TestConfiguration", "ConfigId", {"ConfigurationName": "C"}),
]


@pytest.mark.parametrize("code, type_name, id_field, values", OWNERS, ids=[o[0] for o in OWNERS])
def test_deleting_an_item_deletes_its_notes_files_and_links(soap11, code, type_name, id_field, values):
    """[INFERRED] per type, by the general rule "Delete operations automatically delete any child
    items": in one Delete, the item's notes, attachments and links (from both ends) go."""
    soap, a = soap11, auth()
    prefix = {"Bug": "Bugs", "Release": "Releases", "FunctionalSpec": "FunctionalSpecs", "ProjectTask": "ProjectTasks",
              "Contact": "Contacts", "Test": "Tests", "TestSet": "TestSets",
              "TestConfiguration": "TestConfigurations"}[type_name]
    title = {} if type_name == "TestConfiguration" else {"Title": f"Owner {tag()}"}
    item_id = getattr(soap.service, f"{prefix}_Add")(a, soap.new(type_name, **title, **values), "N", "a note")
    (note,) = soap.service.Notes_GetList(a, code, item_id)
    file_id = soap.service.Attachments_Add(a, soap.new("Attachment", EntityCode=code, FKId=item_id,
                                                       FileName="f.txt"), b"f", False)
    other = add_bug(soap)
    soap.service.TraceabilityLinks_Add(a, soap.new("TraceabilityLink", EntityCode="Bugs", FKId=other,
                                                   LinkedEntityCode=code, LinkedFKId=item_id))
    getattr(soap.service, f"{prefix}_Delete")(a, item_id)
    assert not soap.service.TraceabilityLinks_Load(a, "Bugs", other)
    # Gone themselves, not merely orphaned: the fault names the note and the file, not their item.
    assert f"Notes {note.NotesId} was not found" in fault(soap, soap.service.Notes_Get, a, code, note.NotesId)
    assert f"Attachment {file_id} was not found" in fault(soap, soap.service.Attachments_GetAttachment, a, file_id)


def test_links_need_the_traceability_right(soap):
    """[DOC] "Manage and view traceability" plus rights on both items: the tester (Defects only)
    can do neither."""
    bug_id = add_bug(soap)
    assert "lacks the Read right for Manage and View Traceability" in fault(
        soap, soap.service.TraceabilityLinks_Load, auth(user_id=TESTER), "Bugs", bug_id)


# -- the audit history ---------------------------------------------------------------------------

def test_audits_load_elevated_takes_the_vendors_where_samples(soap):
    """[DOC-SAMPLE] FKId = 1234; DateCreated > '2014-07-25'; a date range with and."""
    service, a = soap.service, auth()
    bug_id = add_bug(soap)
    for where in (f"FKId = {bug_id}", f"FKId = {bug_id} and DateCreated > '2014-07-25'",
                  f"DateCreated > '2014-07-25' and DateCreated < '2999-07-30' and FKId = {bug_id}"):
        assert [h.Title for h in service.Audits_LoadElevated(a, "Bugs", where, "")] == ["Added"]
    assert not service.Audits_LoadElevated(a, "Bugs", f"FKId = {bug_id} and DateCreated < '2014-07-25'", "")
    every = service.Audits_LoadElevated(a, "Bugs", "", "DateCreated DESC")
    assert every and {h.EntityCode for h in every} == {"Bugs"}


@pytest.mark.parametrize("where, culprit", [
    ("Password = 'x'", "Password"),
    ("FKId = 1; DROP TABLE Audits", "';'"),
    ("FKId IN (SELECT FKId FROM Audits)", "SELECT"),
    ("lower(Title) = 'added'", "lower"),
    ("FKId = 1 -- and more", "--"),
])
def test_audit_where_is_never_pasted_into_sql(soap, where, culprit):
    """Where is parsed, not pasted: anything but columns, literals and operators is a fault naming it."""
    text = fault(soap, soap.service.Audits_LoadElevated, auth(), "Bugs", where, "")
    assert text.startswith("Where:") and culprit in text


def test_audits_add_records_an_entry_with_server_set_fields(soap):
    """[DOC] Audits_Add: DateCreated now, Description ignored, UpdateUserId/UserName the caller,
    ProjId from AuthenticationData; no result."""
    bug_id = add_bug(soap)
    result = soap.service.Audits_Add(auth(), soap.new("Audit", FKId=bug_id, EntityCode="Bugs", Title="Synced <to> JIRA",
                                                      NewValue="PROJ-7", Description="ignored", ProjId=1, UpdateUserId=1))
    assert result is None
    (entry,) = soap.service.Audits_LoadElevated(auth(), "Bugs", f"FKId = {bug_id} and Title like 'Synced%'", "")
    # [DOC] the Audit title is double-encoded: "<" travels as &amp;#60;, which zeep reads as "&#60;".
    assert (entry.Title, entry.OldValue, entry.NewValue, entry.Description, entry.ProjId, entry.UserName) == (
        "Synced &#60;to&#62; JIRA", "N/A", "PROJ-7", None, 10372, "Admin, Ada")


# -- folders ---------------------------------------------------------------------------------------

def add_folder(soap, name, code="Bugs", parent=""):
    return soap.service.Folders_Add(auth(), soap.new("Folder", FolderName=name, EntityCode=code, IsActive="Y",
                                                     IsVersion="N", IsPublic="Y", ParentName=parent))


def test_folders_nest_and_items_name_folders_of_their_area(soap):
    """[DOC] per project and area, nested by ParentName, FullFolderName "Parent/Sub/Sub",
    OwnerUserName; an item's FolderId names a folder of its own area, and FolderName follows it."""
    service, a = soap.service, auth()
    top = f"Backlogs {tag()}"
    top_id = add_folder(soap, top)
    sub_id = add_folder(soap, "Product Backlogs", parent=top)
    sub = service.Folders_Load(a, sub_id)
    assert (sub.FullFolderName, sub.ParentName, sub.OwnerUserName, sub.DeptId) == (
        f"{top}/Product Backlogs", top, "Admin, Ada", 7154)
    bug_id = add_bug(soap, FolderId=sub_id)
    assert service.Bugs_Load(a, bug_id).FolderName == "Product Backlogs"
    spec_folder = add_folder(soap, f"Specs {tag()}", code="FunctionalSpecs")
    assert "does not name a Folder of project 10372 for Bugs" in fault(
        soap, service.Bugs_Add, a, soap.new("Bug", Title="x", StatusCode="Active", FolderId=spec_folder), "N", "")

    folder = service.Folders_Load(a, top_id)
    folder.FolderName = top + " renamed"
    service.Folders_Update(a, folder)
    sub = service.Folders_Load(a, sub_id)
    assert (sub.FullFolderName, sub.ParentName) == (f"{top} renamed/Product Backlogs", top + " renamed")


@pytest.mark.parametrize("name, parent, message", [
    ("a/b", "", "holds '/'"),
    ("x", "No such folder", "names no Bugs folder"),
])
def test_folder_names_are_checked(soap, name, parent, message):
    assert message in fault(soap, soap.service.Folders_Add, auth(), soap.new(
        "Folder", FolderName=name, EntityCode="Bugs", IsActive="Y", IsVersion="N", ParentName=parent))


def test_deleting_a_folder_deletes_its_subfolders_and_keeps_their_items(soap):
    """[INFERRED] (the vendor is silent): sub-folders go with the folder; the items in any of them
    are kept, in no folder."""
    service, a = soap.service, auth()
    top = f"Doomed {tag()}"
    top_id = add_folder(soap, top)
    sub_id = add_folder(soap, "Sub", parent=top)
    in_top, in_sub = add_bug(soap, FolderId=top_id), add_bug(soap, FolderId=sub_id)
    service.Folders_Delete(a, top_id)
    assert "Folder" in fault(soap, service.Folders_Load, a, sub_id)
    for bug_id in (in_top, in_sub):
        bug = service.Bugs_Load(a, bug_id)
        assert (bug.FolderId, bug.FolderName) == (0, None)


# -- contacts --------------------------------------------------------------------------------------

def test_contacts_round_trip_with_choice_lists_and_required_fields(soap):
    """[DOC] Contacts_* with their choice lists, the custom block and required fields; the title is
    double-encoded; AssignedToName follows AssigneeUserId."""
    service, a = soap.service, auth()
    contact_id = service.Contacts_Add(a, soap.new("Contact", ContactPerson="Ada L.", Title="CTO <& co>",
                                                  Status="Customer", ContactType="Partner", AssigneeUserId=25317,
                                                  Custom1="vip"), "N", "met at a fair")
    contact = service.Contacts_Load(a, contact_id)
    assert (contact.Title, contact.AssignedToName, contact.Status, contact.Custom1) == (
        "CTO &#60;&amp; co&#62;", "Tester, Tom", "Customer", "vip")
    contact.Status = "Former customer"
    service.Contacts_Update(a, contact, "N")
    assert service.Contacts_Load(a, contact_id).Status == "Former customer"
    assert "Contact.ContactPerson is required in project 10372" in fault(
        soap, service.Contacts_Add, a, soap.new("Contact", Title="x"), "N", "")
    assert "Contact.Status 'Lead' is not in the Status choice list" in fault(
        soap, service.Contacts_Add, a, soap.new("Contact", ContactPerson="x", Status="Lead"), "N", "")
    assert [n.Description for n in service.Notes_GetList(a, "Contacts", contact_id)] == ["met at a fair"]
    service.Contacts_Delete(a, contact_id)
    assert "Contact" in fault(soap, service.Contacts_Load, a, contact_id)


def test_the_seeded_data_has_what_sync_jobs_read(soap11):
    """The default data: a seeded defect with notes (one synced from JIRA), a file, a URL, links and
    its history; generated ones in Mobile App."""
    service = soap11.service
    (bug,) = service.Bugs_LoadByCriteria(auth(), equal("Title", "Album cover does not load"), "", 200, 1)
    notes = service.Notes_GetList(auth(), "Bugs", bug.BugId)
    assert [n.OriginalId for n in notes] == [0, 10001] and notes[1].UserName == "Tester, Tom"
    (log,) = service.Attachments_GetAttachmentsList(auth(), "Bugs", bug.BugId)
    assert service.Attachments_GetAttachment(auth(), log.AttachmentId).startswith(b"GET /covers/1.jpg 403")
    assert [link.Title for link in service.TraceabilityLinks_Load(auth(), "Bugs", bug.BugId)] == ["Users can share albums"]
    assert service.Audits_LoadElevated(auth(), "Bugs", f"FKId = {bug.BugId}", "")[0].Title == "Added"
    generated = service.Audits_LoadElevated(auth(proj_id=10401), "Bugs", "Title = 'Updated Status'", "")
    assert generated and all(h.DateCreated.year >= 2024 for h in generated)
