"""Operations derived from the item types, plus the helper operations."""
from .constants import MAX_CONDITION_LENGTH, MAX_SORTING_LENGTH
from .model import Area, Entity, Operation, Param, Right, RightCheck, Source, Xsd

AUTH = Param("AuthenticationData", "AuthenticationData", required=True)


def _rights(entity: Entity, kind: str, right: Right) -> tuple[RightCheck, ...]:
    if kind in entity.rights:
        return entity.rights[kind]
    return (RightCheck(entity.area, right),) + entity.extra_rights


def _item_op(entity: Entity, kind: str, right: Right, params: list[Param], returns, roles: dict):
    return Operation(f"{entity.prefix}_{OPERATION_SUFFIX[kind]}", kind, tuple(params), returns,
                     entity.type_name, _rights(entity, kind, right), roles=roles)


def _with_item(entity: Entity, kind: str, alert: str | None, notes: bool) -> tuple[list[Param], dict]:
    item = entity.item_param[kind]
    params, roles = [AUTH, Param(item, entity.type_name, required=True)], {"item": item}
    if alert:
        params.append(Param(alert, Xsd.STRING.value))
        roles["alert"] = alert
    if kind == "add":
        for option in entity.add_options:
            params.append(Param(option, Xsd.STRING.value))
            roles["option:" + option] = option
    if notes:
        params.append(Param("NewNotes", Xsd.STRING.value))
        roles["notes"] = "NewNotes"
    return params, roles


def _by_id(entity: Entity, kind: str) -> tuple[list[Param], dict]:
    id_param = entity.id_param_of(kind)
    return [AUTH, Param(id_param, Xsd.INT.value, required=True)], {"id": id_param}


def _add(entity: Entity) -> Operation:
    params, roles = _with_item(entity, "add", entity.alert_param_add, entity.new_notes)
    return _item_op(entity, "add", Right.ADD, params, Xsd.INT.value, roles)


def _load(entity: Entity) -> Operation:
    params, roles = _by_id(entity, "load")
    return _item_op(entity, "load", Right.READ, params, entity.type_name, roles)


def _load_by_criteria(entity: Entity) -> Operation:
    return _item_op(entity, "load_by_criteria", Right.READ, [
        AUTH,
        Param("Condition", Xsd.STRING.value, max_length=MAX_CONDITION_LENGTH),
        Param("Sorting", Xsd.STRING.value, max_length=MAX_SORTING_LENGTH),
        Param("PageSize", Xsd.INT.value, required=True),
        Param("PageNumber", Xsd.INT.value, required=True),
    ], entity.array_type, {"condition": "Condition", "sorting": "Sorting",
                           "page_size": "PageSize", "page_number": "PageNumber"})


def _update(entity: Entity) -> Operation:
    params, roles = _with_item(entity, "update", entity.alert_param_update, False)
    return _item_op(entity, "update", Right.UPDATE, params, None, roles)


def _delete(entity: Entity) -> Operation:
    params, roles = _by_id(entity, "delete")
    return _item_op(entity, "delete", Right.DELETE, params, None, roles)


OPERATION_SUFFIX = {"add": "Add", "load": "Load", "load_by_criteria": "LoadByCriteria",
                    "update": "Update", "delete": "Delete"}
# How each kind of item operation is declared from its item type; a type lists the kinds it has.
ITEM_OPERATION_BUILDERS = {"add": _add, "load": _load, "load_by_criteria": _load_by_criteria,
                           "update": _update, "delete": _delete}


def item_operations(entity: Entity) -> list[Operation]:
    """The item operations a type has, with the parameter names the type declares."""
    return [ITEM_OPERATION_BUILDERS[kind](entity) for kind in ITEM_OPERATION_BUILDERS
            if kind in entity.operations]


def _credentials(*extra: Param) -> tuple[Param, ...]:
    # Vendor samples pass AppCode "" to GetLoginInfo.
    return (Param("AppCode", Xsd.STRING.value),
            Param("Email", Xsd.STRING.value, required=True),
            Param("Password", Xsd.STRING.value, required=True)) + extra


HELPER_OPERATIONS = (
    Operation("GetVersion", "get_version", (), Xsd.STRING.value, authenticated=False),
    Operation("GetLoginInfo", "get_login_info", _credentials(), "LoginInfo", authenticated=False),
    Operation("GetLoginInfoByEntity", "get_login_info",
              _credentials(Param("EntityCode", Xsd.STRING.value, required=True)),
              "LoginInfo", authenticated=False),
    # [DOC] users (§7.15), with the singular User_ prefix; [INFERRED] any member of the project
    # may call them (the vendor names no right).
    Operation("User_Add", "user_add", (AUTH, Param("User", "User", required=True)), Xsd.INT.value,
              roles={"item": "User"}),
    Operation("User_GetIdByEmail", "user_id_by_email", (AUTH, Param("Email", Xsd.STRING.value, required=True)),
              Xsd.INT.value, roles={"email": "Email"}),
    Operation("User_GetEmailById", "user_email_by_id", (AUTH, Param("UserId", Xsd.INT.value, required=True)),
              Xsd.STRING.value, roles={"id": "UserId"}),
    Operation("User_GetByProject", "users_of_project", (AUTH,), "ArrayOfUser"),
    Operation("ServerProperties_GetServerProperties", "server_properties", (AUTH,), "ServerProperty"),
    # [DOC] From, To, Subject and EmailBody required and non-empty; nothing is sent, the outbox keeps it.
    Operation("SendEmail", "send_email", (AUTH, Param("From", Xsd.STRING.value, required=True),
                                          Param("To", Xsd.STRING.value, required=True), Param("CC", Xsd.STRING.value),
                                          Param("Subject", Xsd.STRING.value, required=True),
                                          Param("EmailBody", Xsd.STRING.value, required=True)), None,
              roles={"from": "From", "to": "To", "cc": "CC", "subject": "Subject", "body": "EmailBody"}),
    # [DOC] logs the client writes into QAComplete; nothing is returned. The mock keeps them for
    # the admin API (/__admin/logs).
    Operation("DbLogs_Add", "add_log", (AUTH, Param("DbLog", "DbLog", required=True)), None, roles={"item": "DbLog"}),
    Operation("PerfLogs_Add", "add_log", (AUTH, Param("PerfLog", "PerfLog", required=True)), None,
              roles={"item": "PerfLog"}),
    # [DOC] true means not available; the mock restricts what /__admin/preferences lists (nothing
    # by default).
    Operation("Preferences_IsExtensionRestricted", "is_restricted",
              (AUTH, Param("ExtensionName", Xsd.STRING.value, required=True)), Xsd.BOOLEAN.value,
              roles={"name": "ExtensionName", "list": "extensions"}),
    Operation("Preferences_IsEntityRestricted", "is_restricted",
              (AUTH, Param("EntityName", Xsd.STRING.value, required=True)), Xsd.BOOLEAN.value,
              roles={"name": "EntityName", "list": "entities"}),
    # [INFERRED] signature: the vendor documents the Grid and KeyValueItem objects only.
    Operation("EntityMetadata_GetAll", "entity_metadata", (AUTH, Param("EntityCode", Xsd.STRING.value, required=True)),
              "ArrayOfGrid", roles={"entity_code": "EntityCode"}, source=Source.INFERRED),
    # [DOC] custom fields (§7.13) need "Manage custom fields"; [INFERRED] Read, Add and Delete on it.
    Operation("CustomFields_Add", "custom_field_add", (AUTH, Param("CustomField", "CustomField", required=True)),
              Xsd.INT.value, roles={"item": "CustomField"},
              rights=(RightCheck(Area.CUSTOM_FIELDS, Right.ADD),)),
    Operation("CustomFields_AddLookUp", "custom_field_add",
              (AUTH, Param("CustomField", "CustomField", required=True),
               Param("LookUpValues", Xsd.STRING.value, required=True)), Xsd.INT.value,
              roles={"item": "CustomField", "values": "LookUpValues"},
              rights=(RightCheck(Area.CUSTOM_FIELDS, Right.ADD),)),
    Operation("CustomFields_Load", "custom_fields_load", (AUTH, Param("Entity", Xsd.STRING.value, required=True)),
              "ArrayOfCustomField", roles={"entity_code": "Entity"},
              rights=(RightCheck(Area.CUSTOM_FIELDS, Right.READ),)),
    Operation("CustomFields_Delete", "custom_field_delete",
              (AUTH, Param("Entity", Xsd.STRING.value, required=True),
               Param("CustomFieldNumber", Xsd.INT.value, required=True)), None,
              roles={"entity_code": "Entity", "number": "CustomFieldNumber"},
              rights=(RightCheck(Area.CUSTOM_FIELDS, Right.DELETE),)),
    # [DOC] choice lists (§7.14): Read on the item type; any user may add values, removing or
    # replacing them needs Delete ([INFERRED] on Manage Choice Lists: the vendor says "for Projects").
    Operation("LookUps_Load", "lookups_load", (AUTH, Param("Entity", Xsd.STRING.value, required=True)),
              "ArrayOfLookUp", roles={"entity_code": "Entity"}, owner_right=Right.READ),
    Operation("LookUps_Update", "lookups_update", (AUTH, Param("Entity", Xsd.STRING.value, required=True),
                                                   Param("LookUp", "LookUp", required=True)), None,
              roles={"entity_code": "Entity", "item": "LookUp"}, owner_right=Right.READ),
    Operation("Bugs_GetStatuses", "get_statuses", (AUTH,), Xsd.ARRAY_OF_STRING.value, "Bug",
              (RightCheck(Area.DEFECTS, Right.READ), RightCheck(Area.MANAGE_CHOICE_LISTS, Right.READ))),
)
