"""Operations derived from the item types, plus the helper operations."""
from .constants import MAX_CONDITION_LENGTH, MAX_SORTING_LENGTH
from .model import Area, Entity, Operation, Param, Right, RightCheck, Xsd

AUTH = Param("AuthenticationData", "AuthenticationData", required=True)


def _rights(entity: Entity, kind: str, right: Right) -> tuple[RightCheck, ...]:
    if kind in entity.rights:
        return entity.rights[kind]
    return (RightCheck(entity.area, right),) + entity.extra_rights


def _item_op(entity: Entity, kind: str, right: Right, params: list[Param], returns, roles: dict):
    return Operation(f"{entity.prefix}_{OPERATION_SUFFIX[kind]}", kind, tuple(params), returns,
                     entity.type_name, _rights(entity, kind, right), roles=roles)


OPERATION_SUFFIX = {"add": "Add", "load": "Load", "load_by_criteria": "LoadByCriteria",
                    "update": "Update", "delete": "Delete"}


def item_operations(entity: Entity) -> list[Operation]:
    """The standard Add/Load/LoadByCriteria/Update/Delete set of one item type, as far as
    the type has them, with the parameter names the type declares."""
    ops = []
    if "add" in entity.operations:
        item = entity.item_param["add"]
        params, roles = [AUTH, Param(item, entity.type_name, required=True)], {"item": item}
        if entity.alert_param_add:
            params.append(Param(entity.alert_param_add, Xsd.STRING.value))
            roles["alert"] = entity.alert_param_add
        if entity.new_notes:
            params.append(Param("NewNotes", Xsd.STRING.value))
            roles["notes"] = "NewNotes"
        ops.append(_item_op(entity, "add", Right.ADD, params, Xsd.INT.value, roles))
    if "load" in entity.operations:
        id_param = entity.id_param_of("load")
        ops.append(_item_op(entity, "load", Right.READ,
                            [AUTH, Param(id_param, Xsd.INT.value, required=True)],
                            entity.type_name, {"id": id_param}))
    if "load_by_criteria" in entity.operations:
        ops.append(_item_op(entity, "load_by_criteria", Right.READ, [
            AUTH,
            Param("Condition", Xsd.STRING.value, max_length=MAX_CONDITION_LENGTH),
            Param("Sorting", Xsd.STRING.value, max_length=MAX_SORTING_LENGTH),
            Param("PageSize", Xsd.INT.value, required=True),
            Param("PageNumber", Xsd.INT.value, required=True),
        ], entity.array_type, {"condition": "Condition", "sorting": "Sorting",
                               "page_size": "PageSize", "page_number": "PageNumber"}))
    if "update" in entity.operations:
        item = entity.item_param["update"]
        params, roles = [AUTH, Param(item, entity.type_name, required=True)], {"item": item}
        if entity.alert_param_update:
            params.append(Param(entity.alert_param_update, Xsd.STRING.value))
            roles["alert"] = entity.alert_param_update
        ops.append(_item_op(entity, "update", Right.UPDATE, params, None, roles))
    if "delete" in entity.operations:
        id_param = entity.id_param_of("delete")
        ops.append(_item_op(entity, "delete", Right.DELETE,
                            [AUTH, Param(id_param, Xsd.INT.value, required=True)], None, {"id": id_param}))
    return ops


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
    Operation("Bugs_GetStatuses", "get_statuses", (AUTH,), Xsd.ARRAY_OF_STRING.value, "Bug",
              (RightCheck(Area.DEFECTS, Right.READ), RightCheck(Area.MANAGE_CHOICE_LISTS, Right.READ))),
)
