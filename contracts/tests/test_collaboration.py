"""What hangs off every item, read only: notes, attachments, links, folders and the audit history
of the project's existing items. Nothing here writes, so it runs against any instance; where the
project has no such data the test is skipped, saying so."""
from __future__ import annotations

import pytest
import zeep


def first_defects(qac, count: int = 20) -> list:
    return list(qac.service.Bugs_LoadByCriteria(AuthenticationData=qac.auth(), Condition="", Sorting="BugId DESC",
                                                 PageSize=count, PageNumber=1) or [])


def test_a_defects_notes_belong_to_it_in_order(qac):
    """[DOC] Notes_GetList(EntityCode, FKId) returns all notes of an item; Seq is the note's index;
    UserName is "LastName, FirstName" of UpdateUserId."""
    for bug in first_defects(qac):
        notes = list(qac.service.Notes_GetList(AuthenticationData=qac.auth(), EntityCode="Bugs", FKId=bug.BugId) or [])
        if notes:
            break
    else:
        pytest.skip("none of the project's newest 20 defects has a note")
    assert {(n.EntityCode, n.FKId) for n in notes} == {("Bugs", bug.BugId)}
    assert all(n.NotesId > 0 and n.Description is not None for n in notes)
    assert all(", " in n.UserName for n in notes if n.UserName)
    one = qac.service.Notes_Get(AuthenticationData=qac.auth(), EntityCode="Bugs", NoteId=notes[0].NotesId)
    assert one.NotesId == notes[0].NotesId and one.Description == notes[0].Description


def test_links_exist_both_ways(qac):
    """[DOC] TraceabilityLinks_Add creates two records with one LinkId: loading the linked item's
    links finds the same LinkId pointing back."""
    for bug in first_defects(qac):
        links = list(qac.service.TraceabilityLinks_Load(AuthenticationData=qac.auth(), EntityCode="Bugs",
                                                        FKId=bug.BugId) or [])
        if links:
            break
    else:
        pytest.skip("none of the project's newest 20 defects is linked")
    link = links[0]
    back = qac.service.TraceabilityLinks_Load(AuthenticationData=qac.auth(), EntityCode=link.LinkedEntityCode,
                                              FKId=link.LinkedFKId)
    assert any(b.LinkId == link.LinkId and b.LinkedFKId == bug.BugId for b in back)


def test_attachments_list_their_files(qac):
    """[DOC] GetAttachmentsList returns the item's attachments; AttachmentTypeCode is always File;
    a file's content comes back as base64 bytes."""
    for bug in first_defects(qac):
        files = list(qac.service.Attachments_GetAttachmentsList(AuthenticationData=qac.auth(), EntityCode="Bugs",
                                                                FKId=bug.BugId) or [])
        if files:
            break
    else:
        pytest.skip("none of the project's newest 20 defects has an attachment")
    assert {f.AttachmentTypeCode for f in files} == {"File"}
    plain = [f for f in files if "://" not in f.FileName and not f.FileName.startswith("\\\\")]
    if plain:
        content = qac.service.Attachments_GetAttachment(AuthenticationData=qac.auth(), AttachmentId=plain[0].AttachmentId)
        assert isinstance(content, bytes)


def test_folders_name_their_full_path(qac):
    """[DOC] FullFolderName is "ParentFolder/Subfolder", equal to FolderName at the top level."""
    folders = list(qac.service.Folders_LoadByCriteria(AuthenticationData=qac.auth(), Condition="", Sorting="",
                                                      PageSize=200, PageNumber=1) or [])
    if not folders:
        pytest.skip("the project has no folders")
    for folder in folders:
        assert folder.FullFolderName.endswith(folder.FolderName)
        assert (folder.FullFolderName == folder.FolderName) == (not folder.ParentName)


def test_audits_load_elevated_takes_a_where_clause(qac):
    """[DOC-SAMPLE] Where "FKId = 1234" and "DateCreated > '2014-07-25'": the history of the
    project's oldest defect (one the kit never writes to), of the EntityCode asked for, in order."""
    oldest = list(qac.service.Bugs_LoadByCriteria(AuthenticationData=qac.auth(), Condition="", Sorting="BugId",
                                                  PageSize=1, PageNumber=1) or [])
    if not oldest:
        pytest.skip("the project has no defects")
    audits = list(qac.service.Audits_LoadElevated(
        AuthenticationData=qac.auth(), EntityCode="Bugs", Where=f"FKId = {oldest[0].BugId} and DateCreated > '2014-07-25'",
        OrderBy="DateCreated") or [])
    if not audits:
        pytest.skip("the project's oldest defect has no history since 2014-07-25")
    assert {a.FKId for a in audits} == {oldest[0].BugId}
    dates = [a.DateCreated for a in audits]
    assert dates == sorted(dates) and dates[0].year >= 2014


def test_audits_load_elevated_refuses_an_unknown_column(qac):
    """[INFERRED] a Where naming no column of the Audit is a fault (SQL Server: "Invalid column
    name"); harmless against a real instance."""
    with pytest.raises(zeep.exceptions.Fault):
        qac.service.Audits_LoadElevated(AuthenticationData=qac.auth(), EntityCode="Bugs", Where="NoSuchColumn = 1",
                                        OrderBy="")
