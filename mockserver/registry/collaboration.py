"""What hangs off every item and what sync jobs touch (reference §7.8-§7.12, §7.16): folders,
notes, attachments, traceability links, contacts and the audit trail.

Notes, attachments and links belong to an item of any type through (EntityCode, FKId); their
operations check the caller's right on that item's area (``Operation.owner_right``) instead
of an area of their own [DOC: "Read / Add / Delete on the owning item type" for attachments;
INFERRED for notes, which follow the item they annotate].
"""
from .custom_block import custom_block
from .field_helpers import GUESS, INF, SAMPLE, YES_NO, DT, I, S, folder_fields, user_name, user_ref
from .model import Area, Auto, Derivation, Entity, Field, Operation, Param, ParentLink, Right, RightCheck, Xsd
from .operations import AUTH

# [DOC] the EntityCode values a folder may be for (Folder.EntityCode omits ProjectPlans and
# ProjectPlanTasks).
FOLDER_AREAS = ("Bugs", "Contacts", "FileExchanges", "FunctionalSpecs", "ProjectTasks", "Releases",
                "TestCases", "TestConfigurations", "Tests", "TestSets")
ANY_ITEM = ParentLink("*", "FKId", entity_code_field="EntityCode")


FOLDER = Entity(
    type_name="Folder", prefix="Folders", entity_code="Folders", table="Folders", id_field="FolderId",
    area=Area.FOLDERS, title_field="FolderName", item_param={"add": "Folder", "update": "Folder"},
    id_param="FolderId", alert_param_add=None, alert_param_update=None, new_notes=False,
    required={"add": ("FolderName", "EntityCode", "IsActive", "IsVersion"),
              "update": ("FolderName", "IsActive", "IsVersion")},
    fields=(
        Field("FolderId", I, auto=Auto.ID),
        Field("ProjId", I, auto=Auto.PROJECT),
        Field("FolderName", S, 255),
        Field("Description", S, 1000, default=""),
        Field("EntityCode", S, 100, indexed=True, allowed=FOLDER_AREAS, create_only=True,
              note="[INFERRED] set on Add only: the items in it are of that area"),
        Field("IsPublic", S, 1, allowed=YES_NO),
        Field("OwnerUserId", I, auto=Auto.CALLER_ON_ADD, references="User", note="the creator"),
        Field("DeptId", I, auto=Auto.SERVER_SET, note="[INFERRED] the project's department"),
        Field("ParentName", S, 255, default="", note='the parent folder\'s name, "" at the top; '
              '[INFERRED] a full "A/B" path names a parent deeper down'),
        Field("IsActive", S, 1, allowed=YES_NO),
        Field("IsVersion", S, 1, allowed=YES_NO),
        Field("FullFolderName", S, 255, auto=Auto.SERVER_SET, note='"Parent/Sub/Sub"'),
        user_name("OwnerUserName", "OwnerUserId"),
        Field("NotesDescription", S, 255, auto=Auto.SERVER_SET,
              note="the last note; [INFERRED] folders take no notes through SOAP, so it stays empty. "
                   "The list ends here."),
    ),
)

NOTES = Entity(
    type_name="Notes", prefix="Notes", entity_code="Notes", table="Notes", id_field="NotesId",
    area=None, operations=(), title_field=None, new_notes=False,
    item_param={"add": "Notes", "update": "Note"}, id_param="NoteId",
    required={"add": ("EntityCode", "FKId", "Description"), "update": ("Description",)},
    parents=(ANY_ITEM,),
    fields=(
        Field("FKId", I, indexed=True, create_only=True, note="the owning item's id"),
        Field("EntityCode", S, 30, indexed=True, create_only=True),
        Field("Description", S, note="HTML"),
        Field("DateCreated", DT, auto=Auto.NOW_ON_ADD),
        Field("DateUpdated", DT, auto=Auto.NOW),
        Field("NotesId", I, auto=Auto.ID),
        Field("NotesTypeCode", S, 100, auto=Auto.SERVER_SET, note="reserved"),
        Field("Seq", I, auto=Auto.SERVER_SET, note="index among the item's notes, from 1"),
        Field("UpdateUserId", I, references="User",
              note="[DOC] Notes_Add sets it; [INFERRED] the caller when left 0"),
        user_name("UserName", "UpdateUserId"),
        Field("OriginalId", I, default=0, note="the JIRA comment's id for a synced item"),
    ),
)

ATTACHMENT = Entity(
    type_name="Attachment", prefix="Attachments", entity_code="Attachments", table="Attachments",
    id_field="AttachmentId", area=None, operations=(), title_field="Title", new_notes=False,
    item_param={"add": "Attachment"}, id_param="AttachmentId",
    required={"add": ("EntityCode", "FKId", "FileName")},
    parents=(ANY_ITEM,),
    fields=(
        Field("AttachmentId", I, auto=Auto.ID),
        Field("FKId", I, indexed=True, create_only=True, note='"BugID for defects; Id for releases..."'),
        Field("EntityCode", S, 100, indexed=True, create_only=True),
        Field("AttachmentTypeCode", S, 100, auto=Auto.SERVER_SET, default="File", note='"Always File"'),
        Field("Seq", I, auto=Auto.SERVER_SET, note="read-only: the position in the item's list"),
        Field("FileName", S, 255, note="a file name, a URL or a UNC path"),
        Field("FileNameZipped", S, 255, auto=Auto.SERVER_SET,
              note="[INFERRED] FileName.zip for a file; the FileName for a URL or UNC path"),
        Field("Title", S, 255, double_encoded=True, note="The list ends here."),
        Field("UpdateUserId", I, auto=Auto.CALLER, references="User", note="Id/Name pair of the Add page"),
        user_name("UserName", "UpdateUserId"),
        Field("Comments", S, source=INF),
        Field("DateCreated", DT, source=INF, auto=Auto.NOW_ON_ADD),
        Field("DateUpdated", DT, source=INF, auto=Auto.NOW),
    ),
)

TRACEABILITY_LINK = Entity(
    type_name="TraceabilityLink", prefix="TraceabilityLinks", entity_code="TraceabilityLinks",
    table="TraceabilityLinks", id_field="TraceabilityLinkId", area=Area.TRACEABILITY,
    operations=("load_by_criteria",), title_field=None, new_notes=False, item_param={"add": "TraceabilityLink"},
    required={"add": ("EntityCode", "FKId", "LinkedEntityCode", "LinkedFKId")},
    parents=(ANY_ITEM, ParentLink("*", "LinkedFKId", entity_code_field="LinkedEntityCode")),
    fields=(
        Field("LinkId", I, auto=Auto.SERVER_SET, indexed=True, note="shared by both directions"),
        Field("ProjId", I, auto=Auto.PROJECT),
        Field("EntityCode", S, 106, indexed=True, note="the item holding the link"),
        Field("FKId", I, indexed=True),
        Field("LinkedEntityCode", S, 106),
        Field("LinkedFKId", I, indexed=True),
        Field("Status", S, 100, derived=Derivation.LINKED, derived_from="status",
              note="the linked item's status"),
        Field("Title", S, 100, derived=Derivation.LINKED, derived_from="title",
              note="the linked item's title. The list ends here."),
        Field("LinkType", S, 100, source=SAMPLE, choice_list="LinkType",
              note='[DOC-SAMPLE] e.g. "Found in build" for links to releases'),
        Field("TraceabilityLinkId", I, auto=Auto.ID, source=GUESS,
              note="not documented: the key of one direction; operations use LinkId"),
    ),
)

CONTACT = Entity(
    type_name="Contact", prefix="Contacts", entity_code="Contacts", table="Contacts", id_field="ContactId",
    area=Area.CONTACTS, item_param={"add": "Contact", "update": "Contact"}, id_param="ContactId",
    status_field="Status",
    fields=custom_block() + (
        Field("ContactId", I, auto=Auto.ID),
        Field("ContactPerson", S, 50),
        Field("CompanyName", S, 50),
        Field("Email", S, 255),
        Field("Title", S, 255, double_encoded=True),
        Field("Status", S, 100, choice_list="Status", indexed=True),
        Field("ContactType", S, 100, choice_list="ContactType"),
        Field("Date1stContact", DT),
        Field("DateCallBack", DT),
        user_ref("AssigneeUserId", note="0 if the contact is not assigned to anyone"),
        user_ref("OwnerUserId"),
        Field("PrimaryAddress", S, note="HTML. The list ends here."),
        user_name("AssignedToName", "AssigneeUserId", max_length=78),
        Field("ProjId", I, source=INF, auto=Auto.PROJECT),
        *folder_fields(source=INF),
        Field("DateCreated", DT, auto=Auto.NOW_ON_ADD, note="[DOC] set by Contacts_Add"),
        Field("DateUpdated", DT, auto=Auto.NOW, note="[DOC] set by Contacts_Add"),
        Field("UpdateUserId", I, source=INF, auto=Auto.CALLER, references="User"),
        user_name("UserName", "UpdateUserId", source=INF),
    ),
)

# The history the server records as items change. [DOC] complete field list; AuditId is the
# mock's key. The history of a deleted item, its deletion included, stays (no cascade).
AUDIT = Entity(
    type_name="Audit", prefix="Audits", entity_code="Audits", table="Audits", id_field="AuditId",
    area=None, operations=(), new_notes=False, item_param={"add": "Audit"},
    required={"add": ("EntityCode", "FKId", "Title")},
    parents=(ParentLink("*", "FKId", entity_code_field="EntityCode", cascade=False),),
    fields=(
        Field("FKId", I, indexed=True),
        Field("EntityCode", S, 100, indexed=True),
        Field("Title", S, 100, double_encoded=True, note='e.g. "Updated Status", "Added File Attachment"'),
        Field("OldValue", S, 1000, default="N/A"),
        Field("NewValue", S, 1000, default="N/A"),
        Field("DateCreated", DT, auto=Auto.NOW_ON_ADD, indexed=True),
        Field("Description", S, auto=Auto.SERVER_SET, default="", note="reserved: always empty [DOC]"),
        Field("ProjId", I, auto=Auto.PROJECT),
        Field("UpdateUserId", I, auto=Auto.CALLER, references="User"),
        user_name("UserName", "UpdateUserId"),
        Field("AuditId", I, auto=Auto.ID, source=GUESS,
              note="not documented: the mock's key, after the documented fields"),
    ),
)

COLLABORATION = (FOLDER, NOTES, ATTACHMENT, TRACEABILITY_LINK, CONTACT, AUDIT)


def _owned(name, kind, entity, params, returns, roles, right, **kw):
    return Operation(name, kind, (AUTH,) + tuple(params), returns, entity.type_name, owner_right=right,
                     roles=roles, **kw)


def _by_owner(entity, name, rights=()):
    """(Auth, EntityCode, FKId) -> the item's notes, attachments or links."""
    return _owned(name, "list_by_owner", entity,
                  (Param("EntityCode", Xsd.STRING.value, required=True), Param("FKId", Xsd.INT.value, required=True)),
                  entity.array_type, {"entity_code": "EntityCode", "owner_id": "FKId"}, Right.READ, rights=rights)


def _note_by_id(name, kind, returns, right):
    return _owned(name, kind, NOTES,
                  (Param("EntityCode", Xsd.STRING.value, required=True), Param("NoteId", Xsd.INT.value, required=True)),
                  returns, {"entity_code": "EntityCode", "id": "NoteId"}, right)


_ATTACHMENT_ID = (Param("AttachmentId", Xsd.INT.value, required=True),)
LINK_ID = Param("TraceabilityLinkId", "TraceabilityLink", required=True, id_field="LinkId")

COLLABORATION_OPERATIONS = (
    # [DOC] Notes: no Load or LoadByCriteria; Update takes <Note> and returns the updated note;
    # [INFERRED] reading needs Read on the owning item's area, writing Update.
    _owned("Notes_Add", "add", NOTES, (Param("Notes", "Notes", required=True),), Xsd.INT.value,
           {"item": "Notes"}, Right.UPDATE),
    _note_by_id("Notes_Get", "load_owned", "Notes", Right.READ),
    _by_owner(NOTES, "Notes_GetList"),
    _owned("Notes_Update", "update", NOTES, (Param("Note", "Notes", required=True),), "Notes",
           {"item": "Note"}, Right.UPDATE),
    _note_by_id("Notes_Delete", "delete_owned", None, Right.UPDATE),
    # [DOC] Attachments: Read / Add / Delete on the owning item type.
    _owned("Attachments_Add", "add_file", ATTACHMENT, (
        Param("Attachment", "Attachment", required=True), Param("File", Xsd.BASE64_BINARY.value, required=True),
        Param("SaveOriginal", Xsd.BOOLEAN.value, required=True)), Xsd.INT.value,
        {"item": "Attachment", "file": "File", "replace": "SaveOriginal"}, Right.ADD),
    _owned("Attachments_GetAttachment", "get_file", ATTACHMENT, _ATTACHMENT_ID, Xsd.BASE64_BINARY.value,
           {"id": "AttachmentId"}, Right.READ),
    _by_owner(ATTACHMENT, "Attachments_GetAttachmentsList"),
    _owned("Attachments_Delete", "delete", ATTACHMENT, _ATTACHMENT_ID, None, {"id": "AttachmentId"}, Right.DELETE),
    # [DOC] "Manage and view traceability" plus rights on the linked items.
    _owned("TraceabilityLinks_Add", "add", TRACEABILITY_LINK, (Param("TraceabilityLink", "TraceabilityLink",
           required=True),), Xsd.INT.value, {"item": "TraceabilityLink"}, Right.UPDATE,
           rights=(RightCheck(Area.TRACEABILITY, Right.UPDATE),)),
    _by_owner(TRACEABILITY_LINK, "TraceabilityLinks_Load", rights=(RightCheck(Area.TRACEABILITY, Right.READ),)),
    _owned("TraceabilityLinks_Delete", "delete_link", TRACEABILITY_LINK, (LINK_ID,), None, {"id": "TraceabilityLinkId"},
           Right.UPDATE, rights=(RightCheck(Area.TRACEABILITY, Right.UPDATE),)),
    # [DOC] Audits_Add returns nothing; Audits_LoadElevated takes SQL-style Where and OrderBy.
    # [INFERRED] writing an item's history needs Update on its area, reading it Read.
    _owned("Audits_Add", "add", AUDIT, (Param("Audit", "Audit", required=True),), None, {"item": "Audit"},
           Right.UPDATE),
    Operation("Audits_LoadElevated", "load_elevated", (
        AUTH, Param("EntityCode", Xsd.STRING.value, required=True), Param("Where", Xsd.STRING.value, required=True,
                                                                           max_length=4000),
        Param("OrderBy", Xsd.STRING.value, max_length=4000)), AUDIT.array_type, AUDIT.type_name,
        roles={"entity_code": "EntityCode", "where": "Where", "order_by": "OrderBy"}, owner_right=Right.READ),
)
